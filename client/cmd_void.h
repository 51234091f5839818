/* cmd_void.h -- a void as `till void` shows it, for till audit txn too. */
#ifndef TILL_CMD_VOID_H
#define TILL_CMD_VOID_H

#include "cli.h"

/* One VoidInfo as a table row or (with --json) an object, preceded by a
 * comma unless <first>; with <replayed> >= 0 the object also says whether
 * the answer was a replay. */
void print_void_info(cli_t *cli, const Till__V1__VoidInfo *v, int first, int replayed);

#endif
