/* cli_opt.h -- a command's words: positional arguments and options looked
 * up in cli->argv (global options are gone by then, main.c took them). An
 * option is "--name VALUE"; the flags without a value are listed in
 * cli_opt.c. Unknown options are not rejected here. */
#ifndef TILL_CLI_OPT_H
#define TILL_CLI_OPT_H

#include <stdint.h>

#include "cli.h"

/* "--name VALUE": the value, NULL if absent. */
const char *cli_opt(cli_t *cli, const char *name);
/* 1 if the flag <name> (one of the options without a value: --csv,
 * --allow-unsigned) was given. */
int cli_flag(cli_t *cli, const char *name);
/* The n-th positional word (options and their values, and flags, skipped). */
const char *cli_arg(cli_t *cli, int n);

/* --from DATE / --to DATE, a day of the client's local calendar: the start
 * (end 0) or the end (end 1) of that day in Unix milliseconds into *ms, 0
 * when the option is absent. 0, or the exit code of INVALID_ARGUMENT after
 * "<name> must be a date YYYY-MM-DD, <value> given" on stderr. */
int cli_date_opt(cli_t *cli, const char *name, int end, int64_t *ms);

#endif
