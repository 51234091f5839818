/* cmd_shift.h -- shift summaries as `till shift list` shows them, for till
 * deposit pending and till report daily too. */
#ifndef TILL_CMD_SHIFT_H
#define TILL_CMD_SHIFT_H

#include <stddef.h>

#include "cli.h"

/* One ShiftSummary as a JSON object, preceded by a comma unless <first>. */
void print_shift_summary_json(const Till__V1__ShiftSummary *s, int first);
/* A list of them: a table in display cells, or with --json an array. 0, or
 * 1 after saying that memory ran out. */
int print_shift_summaries(cli_t *cli, Till__V1__ShiftSummary **s, size_t n);

#endif
