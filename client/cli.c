/* cli.c -- the calls every till command makes, and their errors; see
 * cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli_opt.h"
#include "i18n.h"
#include "json_out.h"
#include "session.h"
#include "till_tls.h"
#include "till_util.h"
#include "till_wire.h"

static const char *const error_names[] = {
  "UNSPECIFIED", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND",
  "FAILED_PRECONDITION", "CONFLICT", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL"};

/* What an error code means, as a cashier reads it: the words before the
 * server's message. */
static const char *const error_words[] = {
  N_("error"), N_("invalid argument"), N_("unauthenticated"), N_("permission denied"),
  N_("not found"), N_("failed precondition"), N_("conflict"), N_("resource exhausted"),
  N_("unavailable"), N_("internal error")};

static const char *
error_words_of(int code)
{
  if (code < 0 || code > TILL_E_INTERNAL)
    return _("error");
  return _(error_words[code]);
}

/* The wire name of an error code, for --json. */
static const char *
error_code_name(int code)
{
  if (code < 0 || code > TILL_E_INTERNAL)
    return "UNKNOWN";
  return error_names[code];
}

int
cli_usage_error(const char *fmt, ...)
{
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, _("till: %s\n"), msg);
  return EXIT_USAGE;
}

int
cli_read_secret(const char *env, const char *prompt, char *buf, size_t len)
{
  const char *v = env ? getenv(env) : NULL;
  if (v) {
    if (strlen(v) >= len)
      return -1;
    snprintf(buf, len, "%s", v);
    return 0;
  }
  int tty = isatty(STDIN_FILENO);
  struct termios old, quiet;
  if (tty) {
    fprintf(stderr, "%s", prompt);
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  char *got = fgets(buf, (int)len, stdin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fputs("\n", stderr);
  }
  if (!got)
    return -1;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 0;
}

/* The client's own refusal when there is no session, in English (for
 * --json's "message", like the server's) and translated where printed. */
static const char not_logged_in[] = N_("not logged in: run 'till login USER' first");

/* An error the server answered (or, for "not logged in", the client's own:
 * <text> is then its translation; NULL for the server's), in the user's
 * language; --json keeps the wire code and the English message beside the
 * text. */
static void
print_error(cli_t *cli, till_status_t code, const char *msg, const char *text)
{
  char buf[2048];
  if (!text)
    text = i18n_server_message(msg, buf, sizeof buf);
  /* --json prints one document: an attempt that will be retried stays off stdout */
  if (cli->json && !(cli->retrying && code == TILL_E_UNAVAILABLE)) {
    printf("{\"error\":{\"code\":");
    json_str(stdout, error_code_name(code));
    printf(",\"message\":");
    json_str(stdout, msg);
    printf(",\"text\":");
    json_str(stdout, text);
    printf("}}\n");
  }
  fprintf(stderr, _("till: %s: %s\n"), error_words_of(code), text);
}

static void
connection_failed(cli_t *cli, const char *err, int *exit_code)
{
  if (cli->json && !cli->retrying) {
    printf("{\"error\":{\"code\":\"CONNECTION\",\"message\":");
    json_str(stdout, err);
    printf("}}\n");
  }
  fprintf(stderr, "till: %s\n", err);
  *exit_code = EXIT_CONN;
}

void
cli_disconnect(cli_t *cli)
{
  cconn_close(cli->conn);
  cli->conn = NULL;
}

/* Send <req> and return the answer, whatever its body but an error; NULL
 * after printing the error, with *exit_code set. */
static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, int with_session, int *exit_code)
{
  char err[1024];
  session_t s;
  *exit_code = 0;
  if (with_session) {
    int lr = session_load(cli->cfg.session_file, &s, err, sizeof err);
    if (lr < 0) {
      fprintf(stderr, "till: %s\n", err);
      *exit_code = EXIT_USAGE;
      return NULL;
    }
    if (lr == 1 || !s.token[0]) {
      print_error(cli, TILL_E_UNAUTH, not_logged_in, _(not_logged_in));
      *exit_code = EXIT_SERVER_BASE + TILL_E_UNAUTH;
      return NULL;
    }
    req->session = s.token;
  }
  if (cli->conn && till_mono_ms() - cli->conn_used_ms > CLI_CONN_REUSE_MS)
    cli_disconnect(cli);
  if (!cli->conn && !(cli->conn = cconn_open(&cli->cfg, err, sizeof err))) {
    if (with_session)
      req->session = NULL;
    connection_failed(cli, err, exit_code);
    return NULL;
  }
  Till__V1__Envelope *resp = cconn_call(cli->conn, req, err, sizeof err);
  if (with_session)
    req->session = NULL;
  if (!resp) {
    cli_disconnect(cli); /* the next call (a retry) starts afresh */
    connection_failed(cli, err, exit_code);
    return NULL;
  }
  cli->conn_used_ms = till_mono_ms();
  if (resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR && resp->request_id == 0)
    cli_disconnect(cli); /* id 0: the server closes this connection */
  if (resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR) {
    /* a code beyond the protocol's reads as INTERNAL */
    till_status_t code = resp->error ? till_wire_status((int)resp->error->code) : TILL_E_INTERNAL;
    print_error(cli, code, resp->error ? resp->error->message : "", NULL);
    *exit_code = EXIT_SERVER_BASE + code;
    till__v1__envelope__free_unpacked(resp, NULL);
    return NULL;
  }
  return resp;
}

/* The name of an envelope's body ("sale_resp"), for a message. */
static const char *
body_name(int body_case)
{
  const ProtobufCFieldDescriptor *f =
    protobuf_c_message_descriptor_get_field(&till__v1__envelope__descriptor, (unsigned)body_case);
  return f ? f->name : _("an empty envelope");
}

int
cli_unexpected(Till__V1__Envelope *resp, const char *lacking)
{
  fprintf(stderr, _("till: unexpected answer from the server: %s without %s\n"),
          body_name(resp->body_case), lacking);
  till__v1__envelope__free_unpacked(resp, NULL);
  return EXIT_CONN;
}

/* <resp> if it carries <expected>; else NULL after the standard message,
 * with *exit_code set and <resp> freed. NULL stays NULL. */
static Till__V1__Envelope *
expect(Till__V1__Envelope *resp, Till__V1__Envelope__BodyCase expected, int *exit_code)
{
  if (!resp || resp->body_case == expected)
    return resp;
  fprintf(stderr, _("till: unexpected answer from the server: %s instead of %s\n"),
          body_name(resp->body_case), body_name(expected));
  till__v1__envelope__free_unpacked(resp, NULL);
  *exit_code = EXIT_CONN;
  return NULL;
}

Till__V1__Envelope *
cli_call_expect(cli_t *cli, Till__V1__Envelope *req, int with_session,
                Till__V1__Envelope__BodyCase expected, int *exit_code)
{
  return expect(call(cli, req, with_session, exit_code), expected, exit_code);
}

Till__V1__Envelope *
cli_call_retry_expect(cli_t *cli, Till__V1__Envelope *req, int attempts,
                      Till__V1__Envelope__BodyCase expected, int *exit_code)
{
  static const int backoff_ms[] = {200, 500, 1000, 2000, 3000};
  /* An unreadable certificate, key or CA is this machine's problem, not the
   * network's: say so once instead of retrying. */
  char err[1024];
  SSL_CTX *ctx = till_tls_client_ctx(cli->cfg.cert, cli->cfg.key, cli->cfg.ca, err, sizeof err);
  if (!ctx) {
    connection_failed(cli, err, exit_code);
    return NULL;
  }
  SSL_CTX_free(ctx);
  for (int i = 0;; i++) {
    cli->retrying = i + 1 < attempts;
    Till__V1__Envelope *resp = call(cli, req, 1, exit_code);
    cli->retrying = 0;
    int retryable = *exit_code == EXIT_CONN || *exit_code == EXIT_SERVER_BASE + TILL_E_UNAVAILABLE;
    if (resp || !retryable || i + 1 >= attempts)
      return expect(resp, expected, exit_code);
    int ms = backoff_ms[i < 4 ? i : 4];
    fprintf(stderr, _("till: retrying with the same idempotency key in %d ms (attempt %d of %d)\n"),
            ms, i + 2, attempts);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
}

int
cli_idempotency_key(cli_t *cli, uint8_t key[16])
{
  const char *hex = cli_opt(cli, "--idem-key");
  if (hex) {
    if (till_hex_decode(hex, key, 16) != 0)
      return cli_usage_error(_("--idem-key must be 32 hex digits"));
    return 0;
  }
  if (till_idem_key(till_now_ms(), key) != 0) {
    fprintf(stderr, _("till: no randomness for an idempotency key\n"));
    return 1;
  }
  return 0;
}

int
cli_idempotency_field(cli_t *cli, uint8_t key[16], ProtobufCBinaryData *field)
{
  int rc = cli_idempotency_key(cli, key);
  field->data = key;
  field->len = 16;
  return rc;
}
