/* test_cli_spec.c -- the command table of client/commands.c against its
 * own usage texts, and commands_run refusing bad lines for every row.
 *
 * Each row's spec is well formed, names no option twice and allows at
 * least as many arguments as it needs; a row that shares the usage of the
 * row above has the same spec and counts. Each usage names every option of
 * its row's spec and no other (global options aside). Then, for every row,
 * commands_run is given the row's words with an unknown option, an option
 * given twice, an option without its value, one argument too many and one
 * too few: each is EXIT_USAGE with a message that names the word, and the
 * command does not run. (Were it to run, it would find no session file and
 * answer 12, or fail to connect to a closed port and answer 3; `login`
 * would read TILL_PASSWORD, set here so it cannot wait on stdin.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_opt.h"
#include "commands.h"

#define MAXW 32

/* The option names of <spec> ("--method" for "--method="), each into
 * names[i] (room for CLI_SPEC_MAX); kinds[i] '=' value, '*' repeatable,
 * 'f' flag. Returns the count. */
static int
spec_names(const char *spec, char names[][CLI_OPT_NAME_MAX + 2], char *kinds)
{
  char buf[1024];
  int n = 0;
  snprintf(buf, sizeof buf, "%s", spec);
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && n < CLI_SPEC_MAX;
       w = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(w, '=');
    kinds[n] = !eq ? 'f' : eq[1] == '*' ? '*' : '=';
    if (eq)
      *eq = '\0';
    snprintf(names[n], CLI_OPT_NAME_MAX + 2, "%s", w);
    n++;
  }
  return n;
}

static int
in_spec(const char *spec, const char *name)
{
  char names[CLI_SPEC_MAX][CLI_OPT_NAME_MAX + 2], kinds[CLI_SPEC_MAX];
  int n = spec_names(spec, names, kinds);
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0)
      return 1;
  return 0;
}

/* The "--word"s a usage text names, one after another via *pos. */
static int
next_usage_option(const char **pos, char *out, size_t len)
{
  const char *p = *pos;
  while ((p = strstr(p, "--")) != NULL) {
    size_t n = 2;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-')
      n++;
    if (n > 2 && n < len) {
      memcpy(out, p, n);
      out[n] = '\0';
      *pos = p + n;
      return 1;
    }
    p += n;
  }
  return 0;
}

static void
test_specs_well_formed(void **state)
{
  (void)state;
  size_t n;
  const command_t *t = commands_table(&n);
  char err[256];
  assert_true(n > 30);
  for (size_t i = 0; i < n; i++) {
    const command_t *c = &t[i];
    assert_non_null(c->options);
    if (cli_check_words(c->options, 0, -1, 0, 0, NULL, err, sizeof err) != 0)
      fail_msg("%s %s: %s", c->group, c->verb ? c->verb : "", err);
    char names[CLI_SPEC_MAX][CLI_OPT_NAME_MAX + 2], kinds[CLI_SPEC_MAX];
    int k = spec_names(c->options, names, kinds);
    for (int a = 0; a < k; a++)
      for (int b = a + 1; b < k; b++)
        if (strcmp(names[a], names[b]) == 0)
          fail_msg("%s %s: %s twice in its spec", c->group, c->verb ? c->verb : "", names[a]);
    assert_true(c->min_args >= 0);
    assert_true(c->max_args == -1 || c->max_args >= c->min_args);
    if (!c->usage && c->fn) {
      assert_true(i > 0);
      assert_string_equal(t[i - 1].group, c->group);
      assert_string_equal(t[i - 1].options, c->options);
      assert_int_equal(t[i - 1].min_args, c->min_args);
      assert_int_equal(t[i - 1].max_args, c->max_args);
    }
  }
}

static void
test_usage_names_the_spec(void **state)
{
  (void)state;
  size_t n;
  const command_t *t = commands_table(&n);
  for (size_t i = 0; i < n; i++) {
    const command_t *c = &t[i];
    if (!c->fn)
      continue;
    const char *usage = commands_usage_of(i), *pos = usage;
    assert_non_null(usage);
    char opt[CLI_OPT_NAME_MAX + 2];
    while (next_usage_option(&pos, opt, sizeof opt))
      if (!in_spec(c->options, opt) && !in_spec(COMMANDS_GLOBAL_OPTIONS, opt))
        fail_msg("usage of %s %s names %s, which it does not accept", c->group,
                 c->verb ? c->verb : "", opt);
    char names[CLI_SPEC_MAX][CLI_OPT_NAME_MAX + 2], kinds[CLI_SPEC_MAX];
    int k = spec_names(c->options, names, kinds);
    for (int a = 0; a < k; a++) {
      int found = 0;
      pos = usage;
      while (!found && next_usage_option(&pos, opt, sizeof opt))
        found = strcmp(opt, names[a]) == 0;
      if (!found)
        fail_msg("usage of %s %s does not name %s", c->group, c->verb ? c->verb : "", names[a]);
    }
  }
}

/* ---- commands_run refuses ------------------------------------------------ */

static char captured[8192];
static char words[MAXW][64];
static char *argv_[MAXW];
static int argc_;

static void
line_start(const command_t *c)
{
  char buf[128];
  argc_ = 0;
  snprintf(buf, sizeof buf, "%s%s%s", c->group, c->verb ? " " : "", c->verb ? c->verb : "");
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
    snprintf(words[argc_], sizeof words[argc_], "%s", w);
    argv_[argc_] = words[argc_];
    argc_++;
  }
}

static void
line_add(const char *w)
{
  assert_true(argc_ < MAXW);
  snprintf(words[argc_], sizeof words[argc_], "%s", w);
  argv_[argc_] = words[argc_];
  argc_++;
}

/* The row's least line: its minimum of arguments, no option. */
static void
line_least(const command_t *c)
{
  line_start(c);
  for (int i = 0; i < c->min_args; i++)
    line_add("1");
}

/* commands_run on the line built, stderr into captured[]. */
static int
run_line(void)
{
  cli_t cli;
  memset(&cli, 0, sizeof cli);
  snprintf(cli.cfg.server, sizeof cli.cfg.server, "127.0.0.1:1");
  snprintf(cli.cfg.session_file, sizeof cli.cfg.session_file, "/nonexistent/till-session");
  cli.cfg.timeout = 1;
  cli.argc = argc_;
  cli.argv = argv_;
  fflush(stderr);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  int saved = dup(2);
  dup2(fileno(tmp), 2);
  int rc = commands_run(&cli);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  rewind(tmp);
  size_t n = fread(captured, 1, sizeof captured - 1, tmp);
  captured[n] = '\0';
  fclose(tmp);
  return rc;
}

static void
expect_usage_error(const command_t *c, const char *want)
{
  int rc = run_line();
  if (rc != EXIT_USAGE || !strstr(captured, want) || !strstr(captured, "usage: till "))
    fail_msg("%s %s: exit %d, wanted %d with '%s' and the usage; stderr:\n%s", c->group,
             c->verb ? c->verb : "", rc, EXIT_USAGE, want, captured);
}

static void
test_every_row_refuses(void **state)
{
  (void)state;
  size_t n;
  const command_t *t = commands_table(&n);
  char want[256];
  setenv("TILL_PASSWORD", "not-a-password", 1);
  for (size_t i = 0; i < n; i++) {
    const command_t *c = &t[i];
    if (!c->fn)
      continue;
    char names[CLI_SPEC_MAX][CLI_OPT_NAME_MAX + 2], kinds[CLI_SPEC_MAX];
    int k = spec_names(c->options, names, kinds);

    line_least(c);
    line_add("--no-such-option");
    expect_usage_error(c, "unknown option '--no-such-option'");

    line_least(c);
    line_add("--no-such=1");
    expect_usage_error(c, "unknown option '--no-such=1'");

    if (c->max_args >= 0) {
      line_least(c);
      for (int a = c->min_args; a < c->max_args; a++)
        line_add("1");
      line_add("extra-word");
      expect_usage_error(c, "unexpected argument 'extra-word'");
    }
    if (c->min_args > 0) {
      line_start(c);
      for (int a = 0; a + 1 < c->min_args; a++)
        line_add("1");
      expect_usage_error(c, "missing argument");
    }
    for (int a = 0; a < k; a++) {
      line_least(c);
      if (kinds[a] == 'f') {
        line_add(names[a]);
        line_add(names[a]);
        snprintf(want, sizeof want, "option '%.48s' given twice", names[a]);
        expect_usage_error(c, want);
        continue;
      }
      line_add(names[a]);
      snprintf(want, sizeof want, "option '%.48s' needs a value", names[a]);
      expect_usage_error(c, want);
      if (kinds[a] == '=') {
        line_least(c);
        line_add(names[a]);
        line_add("x");
        snprintf(want, sizeof want, "%.48s=y", names[a]);
        line_add(want);
        snprintf(want, sizeof want, "option '%.48s' given twice", names[a]);
        expect_usage_error(c, want);
      }
    }
  }
}

static void
test_routing(void **state)
{
  (void)state;
  argc_ = 0;
  line_add("--method");
  line_add("cash");
  line_add("sale");
  assert_int_equal(run_line(), EXIT_USAGE);
  assert_non_null(strstr(captured, "unknown option '--method' before the command"));
  argc_ = 0;
  line_add("shift");
  line_add("--count");
  line_add("none");
  line_add("open");
  assert_int_equal(run_line(), EXIT_USAGE);
  assert_non_null(strstr(captured, "unknown command 'shift --count'"));
  argc_ = 0;
  line_add("frobnicate");
  assert_int_equal(run_line(), EXIT_USAGE);
  assert_non_null(strstr(captured, "unknown command 'frobnicate'"));
  /* a row without a verb shows its group's other forms */
  argc_ = 0;
  line_add("void");
  line_add("aprove");
  line_add("3");
  assert_int_equal(run_line(), EXIT_USAGE);
  assert_non_null(strstr(captured, "till: void: unexpected argument '3'"));
  assert_non_null(strstr(captured, "till void approve|reject"));
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_specs_well_formed),
    cmocka_unit_test(test_usage_names_the_spec),
    cmocka_unit_test(test_every_row_refuses),
    cmocka_unit_test(test_routing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
