/* cmd_void.h -- a void as `till void --json` shows it, for till audit txn too. */
#ifndef TILL_CMD_VOID_H
#define TILL_CMD_VOID_H

#include "cli.h"

/* One VoidInfo as a --json object, preceded by a comma unless <first>;
 * with <replayed> >= 0 the object also says whether the answer was a
 * replay. Names are the wire's ("approved"), whatever the language. */
void print_void_json(const Till__V1__VoidInfo *v, int first, int replayed);

#endif
