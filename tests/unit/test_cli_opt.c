/* test_cli_opt.c -- the strict command-line parser of client/cli_opt.c.
 *
 * cli_check_words refuses, naming the word: an unknown option (and
 * suggests a near one), a missing value (last word, or followed by a word
 * that starts with "--"), a flag given a value, an empty value or argument,
 * a single-valued option or a flag given twice, and too many or too few
 * positional arguments; it accepts "--name=VALUE" (the only way to give a
 * value that starts with "--"), values that start with one dash, options
 * that may repeat, and leaves the group and verb words alone. A malformed
 * spec is refused rather than read loosely. The lookups (cli_opt,
 * cli_opt_nth, cli_flag, cli_arg) read a checked line by the row's spec,
 * so a value is never taken for a flag or an argument. cli_take_options
 * takes global options from anywhere and leaves the rest in order.
 * cli_method accepts exactly the names of till_names.c and lists them when
 * it refuses one. */
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
#include "till_names.h"

#define MAXW 16

/* Check the words of <line> (split at spaces; "''" is an empty word)
 * against <spec>; the first <nlead> words are the group and verb. */
static int
check(const char *spec, int min, int max, int nlead, const char *line, char *err, size_t errlen)
{
  char buf[512], *argv[MAXW];
  int argc = 0;
  snprintf(buf, sizeof buf, "%s", line);
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && argc < MAXW;
       w = strtok_r(NULL, " ", &save))
    argv[argc++] = strcmp(w, "''") == 0 ? w + 2 : w;
  return cli_check_words(spec, min, max, nlead, argc, argv, err, errlen);
}

static void
ok(const char *spec, int min, int max, int nlead, const char *line)
{
  char err[512];
  if (check(spec, min, max, nlead, line, err, sizeof err) != 0)
    fail_msg("'%s' against '%s' was refused: %s", line, spec, err);
}

static void
refused(const char *spec, int min, int max, int nlead, const char *line, const char *want)
{
  char err[512];
  if (check(spec, min, max, nlead, line, err, sizeof err) == 0)
    fail_msg("'%s' against '%s' was accepted", line, spec);
  if (!strstr(err, want))
    fail_msg("'%s': error '%s' lacks '%s'", line, err, want);
}

#define SALE "--method= --tendered= --memo= --pay= --idem-key="

static void
test_unknown_options(void **state)
{
  (void)state;
  refused(SALE, 1, -1, 1, "sale P --method cash --tendred 50",
          "unknown option '--tendred' (did you mean '--tendered'?)");
  refused(SALE, 1, -1, 1, "sale P --foo bar --method cash", "unknown option '--foo'");
  refused(SALE, 1, -1, 1, "sale P --foo=bar", "unknown option '--foo=bar'");
  refused(SALE, 1, -1, 1, "sale P -m cash", "unknown option '-m'");
  refused(SALE, 1, -1, 1, "sale P -- --method cash", "unknown option '--'");
  refused("", 0, 0, 1, "whoami --json", "unknown option '--json'");
  /* no suggestion for a short or far word */
  char err[256];
  assert_int_equal(check(SALE, 1, -1, 1, "sale P --x 1", err, sizeof err), -1);
  assert_null(strstr(err, "did you mean"));
  /* an unknown option is refused even where a value could have eaten it */
  refused(SALE, 1, -1, 1, "sale P --method cash --colour", "unknown option '--colour'");
}

static void
test_values(void **state)
{
  (void)state;
  ok(SALE, 1, -1, 1, "sale P --method cash --tendered 50 --memo hello");
  ok(SALE, 1, -1, 1, "sale --method=cash P --memo=--not-an-option");
  ok(SALE, 1, -1, 1, "sale P --method cash --memo -x");
  ok("--min= --shift=", 0, 0, 2, "audit ledger --min -5.00 --shift -1");
  ok(SALE, 1, -1, 1, "sale P --memo a=b --method=c=d");
  refused(SALE, 1, -1, 1, "sale P --method", "option '--method' needs a value");
  refused(SALE, 1, -1, 1, "sale P --method --memo x",
          "option '--method' needs a value, not '--memo' (a value that starts with -- is "
          "written --method=VALUE)");
  refused(SALE, 1, -1, 1, "sale P --method -- ", "needs a value");
  refused(SALE, 1, -1, 1, "sale P --method=", "option '--method' has an empty value");
  refused(SALE, 1, -1, 1, "sale P --memo ''", "option '--memo' has an empty value");
  refused("--csv", 0, 0, 2, "audit ledger --csv=1", "option '--csv' takes no value: '--csv=1'");
  /* a flag does not take the next word */
  refused("--csv", 0, 0, 2, "audit ledger --csv extra", "unexpected argument 'extra'");
}

static void
test_repeats(void **state)
{
  (void)state;
  refused(SALE, 1, -1, 1, "sale P --method cash --method wechat",
          "option '--method' given twice; it is allowed once");
  refused(SALE, 1, -1, 1, "sale P --method=cash --method wechat", "option '--method' given twice");
  refused("--csv", 0, 0, 2, "audit ledger --csv --csv", "option '--csv' given twice");
  ok("--pay=* --memo=", 1, -1, 1, "sale P --pay cash=1 --pay=card=2 --pay wechat=3");
  refused("--pay=* --memo=", 1, -1, 1, "sale P --pay cash=1 --memo a --memo b",
          "option '--memo' given twice");
}

static void
test_positionals(void **state)
{
  (void)state;
  ok("", 1, 1, 3, "admin user add bob");
  refused("", 1, 1, 3, "admin user add bob carol", "unexpected argument 'carol' (at most 1)");
  refused("", 1, 1, 3, "admin user add", "missing argument: 1 needed, 0 given");
  refused("", 0, 0, 2, "audit pubkey now", "unexpected argument 'now' (this command takes none)");
  ok("", 0, 1, 2, "shift status");
  ok("", 0, 1, 2, "shift status 7");
  ok(SALE, 1, -1, 1, "sale A B C D E F G H I J --method cash");
  refused(SALE, 1, -1, 1, "sale --method cash", "missing argument");
  refused("", 1, 1, 2, "receipt show ''", "an empty argument");
  /* negative numbers and a lone dash are arguments, not options */
  ok("", 1, 1, 2, "audit txn -1");
  ok("", 1, 1, 2, "audit txn -");
  ok("", 1, 1, 2, "audit txn -0.5");
  /* the group and verb words are not looked at */
  ok("", 0, 0, 2, "--odd --words");
}

static void
test_bad_specs(void **state)
{
  (void)state;
  refused("--", 0, 0, 0, "", "bad option spec '--'");
  refused("method=", 0, 0, 0, "", "bad option spec 'method='");
  refused("--x=y", 0, 0, 0, "", "bad option spec '--x=y'");
  refused("--Method=", 0, 0, 0, "", "bad option spec '--Method='");
  refused("--a=**", 0, 0, 0, "", "bad option spec '--a=**'");
  char many[1024] = "";
  for (int i = 0; i <= CLI_SPEC_MAX; i++)
    snprintf(many + strlen(many), sizeof many - strlen(many), "--o%d ", i);
  refused(many, 0, 0, 0, "", "bad option spec");
  ok("  --a=   --b  ", 0, 0, 0, "--a 1 --b");
}

/* A cli_t on <line>'s words, run as <row>. */
static cli_t
cli_on(const command_t *row, char *buf, size_t len, char **argv, const char *line)
{
  cli_t cli;
  memset(&cli, 0, sizeof cli);
  snprintf(buf, len, "%s", line);
  for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && cli.argc < MAXW;
       w = strtok_r(NULL, " ", &save))
    argv[cli.argc++] = w;
  cli.argv = argv;
  cli.command = row;
  return cli;
}

static void
test_lookups(void **state)
{
  (void)state;
  static const command_t row = {"audit", "ledger", NULL, "", 0,
                                "--from= --csv --method= --pay=* --memo=", 0, 2};
  char buf[512], *argv[MAXW];
  char err[256];
  const char *line = "audit ledger --csv one --from -5 --memo=--csv --pay a=1 two --pay=b=2 "
                     "--method cash";
  cli_t cli = cli_on(&row, buf, sizeof buf, argv, line);
  assert_int_equal(cli_check_words(row.options, row.min_args, row.max_args,
                                   commands_lead_words(&row), cli.argc, cli.argv, err, sizeof err),
                   0);
  assert_string_equal(cli_arg(&cli, 0), "audit");
  assert_string_equal(cli_arg(&cli, 1), "ledger");
  assert_string_equal(cli_arg(&cli, 2), "one"); /* --csv did not take it */
  assert_string_equal(cli_arg(&cli, 3), "two"); /* nor --pay's value a=1 */
  assert_null(cli_arg(&cli, 4));
  assert_string_equal(cli_opt(&cli, "--from"), "-5");
  assert_string_equal(cli_opt(&cli, "--memo"), "--csv");
  assert_string_equal(cli_opt(&cli, "--method"), "cash");
  assert_string_equal(cli_opt(&cli, "--pay"), "a=1");
  assert_string_equal(cli_opt_nth(&cli, "--pay", 1), "b=2");
  assert_null(cli_opt_nth(&cli, "--pay", 2));
  assert_null(cli_opt(&cli, "--to"));
  assert_null(cli_opt(&cli, "--me")); /* a prefix is not the option */
  assert_int_equal(cli_flag(&cli, "--csv"), 1);
  assert_int_equal(cli_flag(&cli, "--allow-unsigned"), 0);
  /* the value "--csv" of --memo= is not the flag */
  cli = cli_on(&row, buf, sizeof buf, argv, "audit ledger --memo=--csv");
  assert_int_equal(cli_flag(&cli, "--csv"), 0);
  /* commands_lead_words: group, then each word of the verb */
  static const command_t add = {"admin", "user add", NULL, "", 0, "", 1, 1};
  static const command_t sale = {"sale", NULL, NULL, "", 0, "", 1, -1};
  assert_int_equal(commands_lead_words(&add), 3);
  assert_int_equal(commands_lead_words(&row), 2);
  assert_int_equal(commands_lead_words(&sale), 1);
}

static void
test_take_globals(void **state)
{
  (void)state;
  char *argv[] = {"--json", "sale", "P", "--server", "h:1", "--memo", "m", "--ca=ca.pem",
                  "--method", "cash", "--foo"};
  int argc = (int)(sizeof argv / sizeof argv[0]);
  cli_taken_t taken[16];
  char *rest[16], err[256];
  int nt, nr;
  assert_int_equal(cli_take_options(COMMANDS_GLOBAL_OPTIONS, argc, argv, taken, &nt, rest, &nr,
                                    err, sizeof err),
                   0);
  assert_int_equal(nt, 3);
  assert_int_equal(taken[0].len, 6);
  assert_null(taken[0].value);
  assert_int_equal(strncmp(taken[1].name, "--server", taken[1].len), 0);
  assert_string_equal(taken[1].value, "h:1");
  assert_int_equal(taken[2].len, 4);
  assert_string_equal(taken[2].value, "ca.pem");
  const char *want[] = {"sale", "P", "--memo", "m", "--method", "cash", "--foo"};
  assert_int_equal(nr, 7);
  for (int i = 0; i < nr; i++)
    assert_string_equal(rest[i], want[i]);

  char *twice[] = {"--server", "a", "whoami", "--server=b"};
  assert_int_equal(cli_take_options(COMMANDS_GLOBAL_OPTIONS, 4, twice, taken, &nt, rest, &nr, err,
                                    sizeof err),
                   -1);
  assert_non_null(strstr(err, "option '--server' given twice"));
  char *last[] = {"whoami", "--config"};
  assert_int_equal(cli_take_options(COMMANDS_GLOBAL_OPTIONS, 2, last, taken, &nt, rest, &nr, err,
                                    sizeof err),
                   -1);
  assert_non_null(strstr(err, "option '--config' needs a value"));
  char *eaten[] = {"--config", "--json", "whoami"};
  assert_int_equal(cli_take_options(COMMANDS_GLOBAL_OPTIONS, 3, eaten, taken, &nt, rest, &nr, err,
                                    sizeof err),
                   -1);
  assert_non_null(strstr(err, "needs a value, not '--json'"));
  char *flagv[] = {"--json=yes", "whoami"};
  assert_int_equal(cli_take_options(COMMANDS_GLOBAL_OPTIONS, 2, flagv, taken, &nt, rest, &nr, err,
                                    sizeof err),
                   -1);
  assert_non_null(strstr(err, "takes no value"));
}

/* stderr of <fn>(<what>, <name>) into <out>. */
static int
method_captured(const char *what, const char *name, char *out, size_t len)
{
  fflush(stderr);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  int saved = dup(2);
  dup2(fileno(tmp), 2);
  int m = cli_method(what, name);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  rewind(tmp);
  size_t n = fread(out, 1, len - 1, tmp);
  out[n] = '\0';
  fclose(tmp);
  return m;
}

static void
test_methods(void **state)
{
  (void)state;
  char out[512];
  for (int v = 1; v <= TILL_METHOD_MAX; v++) {
    assert_int_equal(method_captured("--method", till_method_name(v), out, sizeof out), v);
    assert_string_equal(out, "");
  }
  assert_int_equal(method_captured("--method", "Cash", out, sizeof out), 0);
  assert_string_equal(out, "till: --method: unknown payment method 'Cash'; use one of cash, "
                           "card, wechat, alipay, transfer, cheque, subsidy (names are lower "
                           "case)\n");
  assert_int_equal(method_captured("--noncash", "bitcoin", out, sizeof out), 0);
  assert_string_equal(out, "till: --noncash: unknown payment method 'bitcoin'; use one of cash, "
                           "card, wechat, alipay, transfer, cheque, subsidy\n");
  assert_int_equal(method_captured("--method", "", out, sizeof out), 0);
  assert_int_equal(method_captured("--method", "cash ", out, sizeof out), 0);
}

/* METHOD[=YUAN] lists (--pay, --noncash): methods and amounts as typed,
 * an amount left out marked so, and each fault refused. */
static void
test_method_amounts(void **state)
{
  (void)state;
  cli_method_amount_t p[CLI_METHOD_AMOUNTS_MAX];
  size_t n = 99;
  assert_int_equal(0, cli_method_amounts("--pay", "cash=1000,wechat,card=0.05", p, &n));
  assert_int_equal(3, n);
  assert_int_equal(TILL_METHOD_CASH, p[0].method);
  assert_true(p[0].has_amount);
  assert_int_equal(100000, p[0].amount);
  assert_int_equal(TILL_METHOD_WECHAT, p[1].method);
  assert_false(p[1].has_amount);
  assert_int_equal(TILL_METHOD_CARD, p[2].method);
  assert_int_equal(5, p[2].amount);
  assert_int_equal(EXIT_USAGE, cli_method_amounts("--pay", "cash=1,0x", p, &n));
  assert_int_equal(EXIT_USAGE, cli_method_amounts("--pay", "card=1.005", p, &n));
  assert_int_equal(EXIT_USAGE, cli_method_amounts("--noncash", "Card=1", p, &n));
  /* more parts than methods */
  assert_int_equal(EXIT_USAGE,
                   cli_method_amounts("--pay", "cash=1,card=1,wechat=1,alipay=1,transfer=1,"
                                               "cheque=1,subsidy=1,cash=2", p, &n));
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  assert_int_equal(EXIT_USAGE, cli_method_amounts("--pay", big, p, &n));
  assert_int_equal(0, cli_method_amounts("--pay", ",,", p, &n));
  assert_int_equal(0, n);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unknown_options), cmocka_unit_test(test_values),
    cmocka_unit_test(test_repeats),         cmocka_unit_test(test_positionals),
    cmocka_unit_test(test_bad_specs),       cmocka_unit_test(test_lookups),
    cmocka_unit_test(test_take_globals),    cmocka_unit_test(test_methods), cmocka_unit_test(test_method_amounts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
