/* cli_opt.h -- a command's words: checking them against the command's
 * option spec, then looking up positional arguments and options.
 *
 * An option spec (a row of commands.c) is a space-separated list: "--name="
 * takes one value, "--name=*" takes a value and may repeat, "--name" is a
 * flag without a value. commands_run() checks a command line with
 * cli_check_words() before the command's function runs; a bad line is a
 * usage error and nothing is sent. The rules (docs/cli.md, "Command
 * lines"):
 *
 *   - the group and the verb come first ("shift open"); after them, options
 *     and positional arguments in any order;
 *   - an option is "--name VALUE" or "--name=VALUE"; a VALUE that starts
 *     with "--" can only be given as "--name=VALUE" (after "--name" such a
 *     word is taken for a forgotten value); a value may start with one dash
 *     ("--min -5");
 *   - a word that starts with a dash and then not a digit or '.' ("-m",
 *     "--") is an option word, so it must be in the spec; "-5" and "-" are
 *     positional;
 *   - an unknown option, a flag given a value, a missing value, an option
 *     given twice (a flag too) unless the spec marks it "=*", and fewer or
 *     more positional arguments than the row allows, are refused.
 *
 * Global options (main.c) are gone from cli->argv by then. */
#ifndef TILL_CLI_OPT_H
#define TILL_CLI_OPT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Options in a spec: more is a bug in the table (test_cli_spec checks). */
#define CLI_SPEC_MAX 32
/* Longest option name, "--" included. */
#define CLI_OPT_NAME_MAX 48

/* Check <argv> (argc words, the first <nlead> of them the group and verb,
 * not looked at) against <spec>, <min_args> and <max_args> (-1: any number
 * of positional arguments). 0 if every word is allowed; otherwise -1 and
 * <err> (at least 1 byte) holds an English message that names the first
 * offending word ("unknown option '--tendred' (did you mean
 * '--tendered'?)"), without "till: " or a newline. A malformed spec is
 * reported the same way. */
int cli_check_words(const char *spec, int min_args, int max_args, int nlead, int argc,
                    char *const *argv, char *err, size_t errlen);

/* An option taken out of a command line by cli_take_options. */
typedef struct {
  const char *name;  /* "--server" or "--server=x": <len> bytes are the name */
  size_t len;
  const char *value; /* NULL for a flag */
} cli_taken_t;

/* Take the options of <spec> out of <argv> (argc words, all looked at)
 * wherever they stand, by the rules of cli_check_words for them (a value
 * after a lone name must not start with "--", none is empty, a flag takes
 * none, none repeats unless "=*"); words that are not <spec>'s options,
 * known or not, are left for the command. <taken> (room for argc) gets the
 * options in line order, *ntaken their count; <rest> (room for argc) the
 * other words in order, *nrest their count. 0, or -1 with <err> naming the
 * offending word. main.c takes the global options so. */
int cli_take_options(const char *spec, int argc, char *const *argv, cli_taken_t *taken,
                     int *ntaken, char **rest, int *nrest, char *err, size_t errlen);

/* The lookups below read cli->argv as checked against cli->command's spec
 * (commands_run sets it); without a command they read a word that starts
 * with "--" as an option that takes the next word, unless that word also
 * starts with "--". */

/* "--name VALUE" or "--name=VALUE": the value (the first, for an option
 * that may repeat), NULL if absent. */
const char *cli_opt(cli_t *cli, const char *name);
/* The n-th value (from 0) of an option that may repeat, NULL past the last. */
const char *cli_opt_nth(cli_t *cli, const char *name, int n);
/* 1 if the flag <name> (an option without a value: --csv) was given. */
int cli_flag(cli_t *cli, const char *name);
/* The n-th positional word, counting the group (0) and the verb's words;
 * options and their values are skipped. */
const char *cli_arg(cli_t *cli, int n);

/* --from DATE / --to DATE, a day of the client's local calendar: the start
 * (end 0) or the end (end 1) of that day in Unix milliseconds into *ms, 0
 * when the option is absent. 0, or the exit code of INVALID_ARGUMENT after
 * "<name> must be a date YYYY-MM-DD, <value> given" on stderr. */
int cli_date_opt(cli_t *cli, const char *name, int end, int64_t *ms);

/* The payment method named <name>: one of till_names.h's names, exactly
 * (lower case: "cash", not "Cash"). Returns the till_method_t, or 0 after
 * "till: <what>: unknown payment method '<name>'; use one of cash, card,
 * ..." on stderr (<what> is the option, "--method"). Every option that
 * names a method goes through here. */
int cli_method(const char *what, const char *name);

/* One METHOD[=YUAN] of a list such as --pay cash=1000,wechat or --noncash
 * card=120.00,wechat=35.50. */
typedef struct {
  int method;        /* a till_method_t */
  int has_amount;    /* "=YUAN" was given */
  int64_t amount;    /* fen, when has_amount */
} cli_method_amount_t;

#define CLI_METHOD_AMOUNTS_MAX 7 /* one part per payment method */

/* Split the value <value> of option <opt> (e.g. "--pay") into *n parts of
 * <out> (room for CLI_METHOD_AMOUNTS_MAX): each method through cli_method,
 * each "=YUAN" through till_money_parse. 0, or EXIT_USAGE after naming the
 * fault on stderr: the value too long, an unknown method, more parts than
 * methods, an amount that is no amount. Which methods and amounts the
 * option allows is its caller's to judge. */
int cli_method_amounts(const char *opt, const char *value, cli_method_amount_t *out, size_t *n);

/* "UTC+08:00": this terminal's offset from UTC now -- the zone of the
 * times the client prints and of cli_date_opt's days -- into buf. */
void cli_zone_label(char *buf, size_t len);

#endif
