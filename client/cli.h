/* cli.h -- what every `till` command shares: parsed global options, the
 * call helper that maps server errors to messages and exit codes, and small
 * output helpers for tables and JSON. */
#ifndef TILL_CLI_H
#define TILL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "conn.h"
#include "till_status.h"

/* Exit codes: 0 ok, 2 usage, 3 connection/TLS failure, 10 + ErrorCode for an
 * error answered by the server (13 = permission denied, 12 = unauthenticated). */
#define EXIT_USAGE 2
#define EXIT_CONN 3
#define EXIT_SERVER_BASE 10

typedef struct {
  client_cfg_t cfg;
  int json;
  int retrying;    /* an attempt that will be retried if it fails to connect */
  int argc;        /* the command's own words and options */
  char **argv;
  const struct command *command; /* the row of the table being run (commands.h) */
} cli_t;

/* Send <req> with the saved session token (unless with_session is 0) and
 * return the response envelope if its body is <expected>; caller frees it.
 * Otherwise NULL after printing what went wrong, and *exit_code gets the
 * exit code to use: the server's error (EXIT_SERVER_BASE + code), a failed
 * connection, or another body than <expected> (the standard "unexpected
 * answer" message, EXIT_CONN). */
Till__V1__Envelope *cli_call_expect(cli_t *cli, Till__V1__Envelope *req, int with_session,
                                    Till__V1__Envelope__BodyCase expected, int *exit_code);

/* Like cli_call_expect with the session, but when the connection fails or
 * the server answers UNAVAILABLE, reconnect and send the very same request
 * again (up to <attempts> times, backing off). Only for requests that carry
 * an idempotency key, which makes the retry safe. */
Till__V1__Envelope *cli_call_retry_expect(cli_t *cli, Till__V1__Envelope *req, int attempts,
                                          Till__V1__Envelope__BodyCase expected, int *exit_code);

/* An answer of the expected body that lacks what it must carry (<lacking>,
 * "a receipt"): the standard "unexpected answer" message. Frees <resp>;
 * returns EXIT_CONN. */
int cli_unexpected(Till__V1__Envelope *resp, const char *lacking);

/* A fresh idempotency key (till_idem_key: time-ordered), or the one given
 * as 32 hex digits in --idem-key (so a script can repeat a request). 0 or
 * EXIT_USAGE. */
int cli_idempotency_key(cli_t *cli, uint8_t key[16]);

/* Print a usage or argument error and return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --from DATE / --to DATE, a day of the client's local calendar: the start
 * (end 0) or the end (end 1) of that day in Unix milliseconds into *ms, 0
 * when the option is absent. 0, or the exit code of INVALID_ARGUMENT after
 * "<name> must be a date YYYY-MM-DD, <value> given" on stderr. */
int cli_date_opt(cli_t *cli, const char *name, int end, int64_t *ms);

/* AuditHeads (cmd_audit.c): the first page's key, counters and head, and
 * every signed head that existed at the first page, read page by page. */
typedef struct {
  Till__V1__Envelope *first;                  /* owns the first page */
  const Till__V1__AuditHeadsResponse *h;      /* the first page's answer */
  Till__V1__Envelope **more;                  /* the further pages */
  size_t n_more;
  const Till__V1__ChainSignature **sigs;      /* every signature, into the pages */
  size_t n_sigs;
} audit_heads_t;
/* 0, or -1 with *rc set; free with audit_heads_free either way. */
int audit_heads_fetch(cli_t *cli, audit_heads_t *hs, int *rc);
void audit_heads_free(audit_heads_t *hs);

/* One page of AuditExportRequest (cmd_audit.c): the transactions after
 * <after_id>, at most <limit>; NULL with *rc set on failure. */
Till__V1__Envelope *audit_export_page(cli_t *cli, int64_t after_id, uint32_t limit, int *rc);

/* Option lookup in the command's words: "--name VALUE". NULL if absent. */
const char *cli_opt(cli_t *cli, const char *name);
/* 1 if the flag <name> (one of the options without a value: --csv,
 * --allow-unsigned) was given. */
int cli_flag(cli_t *cli, const char *name);
/* The n-th positional word (options and their values, and flags, skipped). */
const char *cli_arg(cli_t *cli, int n);

/* Read a secret from environment variable <env>, else a line of stdin
 * (echo off on a terminal). 0 or -1. */
int cli_read_secret(const char *env, const char *prompt, char *buf, size_t len);

/* JSON output. */
void json_str(FILE *f, const char *s);
/* "key":"12.30", preceded by a comma when <comma>. */
void json_money(FILE *f, const char *key, int64_t fen, int comma);
void json_roles(FILE *f, const int *roles, size_t n);
const char *error_code_name(int code);

/* Voids (cmd_ledger.c): one VoidInfo as a table row or (with --json) an
 * object, preceded by a comma unless <first>; with <replayed> >= 0 the
 * object also says whether the answer was a replay. */
void print_void_info(cli_t *cli, const Till__V1__VoidInfo *v, int first, int replayed);

/* Audit (cmd_audit.c): an Ed25519 public key from a PEM file (0 or -1). */
int audit_load_pinned_key(const char *path, uint8_t out[32]);
/* `till audit verify --file F` (cmd_export.c). */
int audit_verify_file(cli_t *cli, const char *path);
/* One transaction as `till audit txn --json` prints it (cmd_audit.c): the
 * object's fields up to and including its "entries" array, without the
 * closing brace, so a caller adds its own fields or just "}". */
void print_audit_txn_json_open(const Till__V1__AuditTxn *t);

/* Shifts (cmd_shift.c): one ShiftSummary as a JSON object, preceded by a
 * comma unless <first>; a list of them as a table or JSON array. */
void print_shift_summary_json(const Till__V1__ShiftSummary *s, int first);
void print_shift_summaries(cli_t *cli, Till__V1__ShiftSummary **s, size_t n);

/* Human time "2026-11-23 19:27:24" (local time) into buf. */
void fmt_time(long long unix_seconds, char *buf, size_t len);

#endif
