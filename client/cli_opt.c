/* cli_opt.c -- see cli_opt.h. */
#include "cli_opt.h"

#include <stdio.h>
#include <string.h>

#include "till_util.h"

/* The command options that take no value. */
static const char *const flags[] = {"--csv", "--allow-unsigned"};

static int
is_flag(const char *w)
{
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (strcmp(w, flags[i]) == 0)
      return 1;
  return 0;
}

int
cli_flag(cli_t *cli, const char *name)
{
  for (int i = 0; i < cli->argc; i++)
    if (strcmp(cli->argv[i], name) == 0)
      return 1;
  return 0;
}

int
cli_date_opt(cli_t *cli, const char *name, int end, int64_t *ms)
{
  const char *v = cli_opt(cli, name);
  int64_t from_s, to_s;
  *ms = 0;
  if (!v)
    return 0;
  if (till_day_bounds(v, &from_s, &to_s) != 0) {
    fprintf(stderr, "till: %s: %s must be a date YYYY-MM-DD, %s given\n",
            till_status_name(TILL_E_INVALID), name, v);
    return EXIT_SERVER_BASE + TILL_E_INVALID;
  }
  *ms = (end ? to_s : from_s) * 1000;
  return 0;
}

const char *
cli_opt(cli_t *cli, const char *name)
{
  for (int i = 0; i + 1 < cli->argc; i++)
    if (strcmp(cli->argv[i], name) == 0)
      return cli->argv[i + 1];
  return NULL;
}

const char *
cli_arg(cli_t *cli, int n)
{
  int k = 0;
  for (int i = 0; i < cli->argc; i++) {
    if (strncmp(cli->argv[i], "--", 2) == 0) {
      if (!is_flag(cli->argv[i]))
        i++; /* skip the option's value */
      continue;
    }
    if (k++ == n)
      return cli->argv[i];
  }
  return NULL;
}
