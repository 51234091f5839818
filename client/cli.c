/* cli.c -- helpers every till command shares; see cli.h. */
#include "cli.h"
#include "till_money.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "print.h"
#include "session.h"
#include "till_tls.h"
#include "till_util.h"
#include "till_wire.h"

static const char *const error_names[] = {
  "UNSPECIFIED", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND",
  "FAILED_PRECONDITION", "CONFLICT", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL"};

const char *
error_code_name(int code)
{
  if (code < 0 || code > TILL_E_INTERNAL)
    return "UNKNOWN";
  return error_names[code];
}

void
json_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

void
json_money(FILE *f, const char *key, int64_t fen, int comma)
{
  char m[TILL_MONEY_STR_MAX];
  till_money_format(fen, m, sizeof m);
  fprintf(f, "%s\"%s\":\"%s\"", comma ? "," : "", key, m);
}

void
json_roles(FILE *f, const int *roles, size_t n)
{
  fputc('[', f);
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputc(',', f);
    json_str(f, print_role(roles[i]));
  }
  fputc(']', f);
}

void
fmt_time(long long t, char *buf, size_t len)
{
  if (t <= 0) {
    snprintf(buf, len, "-");
    return;
  }
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

int
cli_usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("till: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n", stderr);
  return EXIT_USAGE;
}

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

static void
print_error(cli_t *cli, till_status_t code, const char *msg)
{
  /* --json prints one document: an attempt that will be retried stays off stdout */
  if (cli->json && !(cli->retrying && code == TILL_E_UNAVAILABLE)) {
    printf("{\"error\":{\"code\":");
    json_str(stdout, error_code_name(code));
    printf(",\"message\":");
    json_str(stdout, msg);
    printf("}}\n");
  }
  fprintf(stderr, "till: %s: %s\n", till_status_name(code), msg);
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
      print_error(cli, TILL_E_UNAUTH, "not logged in: run 'till login USER' first");
      *exit_code = EXIT_SERVER_BASE + TILL_E_UNAUTH;
      return NULL;
    }
    req->session = s.token;
  }
  cconn_t *c = cconn_open(&cli->cfg, err, sizeof err);
  if (!c) {
    connection_failed(cli, err, exit_code);
    return NULL;
  }
  Till__V1__Envelope *resp = cconn_call(c, req, err, sizeof err);
  cconn_close(c);
  if (with_session)
    req->session = NULL;
  if (!resp) {
    connection_failed(cli, err, exit_code);
    return NULL;
  }
  if (resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR) {
    /* a code beyond the protocol's reads as INTERNAL */
    till_status_t code = resp->error ? till_wire_status((int)resp->error->code) : TILL_E_INTERNAL;
    print_error(cli, code, resp->error ? resp->error->message : "");
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
  return f ? f->name : "an empty envelope";
}

int
cli_unexpected(Till__V1__Envelope *resp, const char *lacking)
{
  fprintf(stderr, "till: unexpected answer from the server: %s without %s\n",
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
  fprintf(stderr, "till: unexpected answer from the server: %s instead of %s\n",
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
    fprintf(stderr, "till: retrying with the same idempotency key in %d ms (attempt %d of %d)\n",
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
      return cli_usage_error("--idem-key must be 32 hex digits");
    return 0;
  }
  if (till_idem_key(till_now_ms(), key) != 0) {
    fprintf(stderr, "till: no randomness for an idempotency key\n");
    return 1;
  }
  return 0;
}
