/* cmd_refund.h -- what cmd_refund.c shares: the refunds printed under an
 * original receipt. */
#ifndef TILL_CMD_REFUND_H
#define TILL_CMD_REFUND_H

#include "cli.h"

/* Print the refunds paid on receipt <number> (nothing when it has none),
 * for till receipt show|reprint. 0, or the exit code of a failed call. */
int print_refunds_of(cli_t *cli, const char *number);

#endif
