/* cli.h -- what every `till` command shares: the parsed command line
 * (cli_t), the calls to the server that turn its errors into messages and
 * exit codes, and the exit codes. Looking up options is cli_opt.h, JSON
 * output json_out.h, the human layout print.h; the commands themselves are
 * commands.h. */
#ifndef TILL_CLI_H
#define TILL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "till_status.h"

/* Exit codes: 0 ok, 2 usage, 3 connection/TLS failure or an unexpected
 * answer, 10 + ErrorCode for an error answered by the server (13 =
 * permission denied, 12 = unauthenticated). */
#define EXIT_USAGE 2
#define EXIT_CONN 3
#define EXIT_SERVER_BASE 10

/* Attempts at a posting that carries an idempotency key. */
#define CLI_RETRY_ATTEMPTS 5

struct command;

typedef struct {
  client_cfg_t cfg;
  int json;
  int retrying;    /* an attempt that will be retried if it fails to connect */
  int argc;        /* the command's own words and options */
  char **argv;
  const struct command *command; /* the row of the table being run (commands.h) */
  cconn_t *conn;   /* the command's one connection: opened by its first call,
                    * kept for the next (a command that pages, a run in
                    * chunks), dropped when it fails; cli_disconnect ends it */
  int64_t conn_used_ms; /* when conn last answered (monotonic) */
} cli_t;

/* A connection idle longer than this (a command waiting on its user between
 * two calls) is not reused: a fresh one cannot have been closed by the
 * server's idle timeout meanwhile. */
#define CLI_CONN_REUSE_MS 5000

/* Close the command's connection, if any (main does, after the command). */
void cli_disconnect(cli_t *cli);

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
 * _("a receipt"): in the user's language): the standard "unexpected
 * answer" message. Frees <resp>; returns EXIT_CONN. */
int cli_unexpected(Till__V1__Envelope *resp, const char *lacking);

/* A fresh idempotency key (till_idem_key: time-ordered), or the one given
 * as 32 hex digits in --idem-key (so a script can repeat a request). 0 or
 * EXIT_USAGE. */
int cli_idempotency_key(cli_t *cli, uint8_t key[16]);
/* The same, with <field> of a request pointed at <key>. */
int cli_idempotency_field(cli_t *cli, uint8_t key[16], ProtobufCBinaryData *field);

/* Print a usage or argument error ("till: " and <fmt>, given in the
 * user's language: _("...")) and return EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a secret from environment variable <env>, else a line of stdin
 * (echo off on a terminal). 0 or -1. */
int cli_read_secret(const char *env, const char *prompt, char *buf, size_t len);

#endif
