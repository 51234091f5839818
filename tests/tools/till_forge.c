/* till_forge.c -- send one hand-made request to tilld and print the answer.
 *
 *   till-forge --server HOST:PORT --ca F --cert F --key F [--token HEX]
 *              KIND [FIELD=VALUE ...]
 *   till-forge ... [--token HEX] trickle SECONDS
 *
 * The well-behaved `till` validates what it sends; this tool does not. It
 * encodes the request message itself (protobuf wire format, by hand), so a
 * test can put into any field what no protobuf library would write from a C
 * string: invalid UTF-8, NUL bytes, 100 KB of text, integers at INT64_MIN or
 * INT64_MAX. The frame goes over the real TLS stack (client/conn.h); the
 * answer is decoded with the generated code and printed as one line:
 *
 *   ok <response>[ <detail>]   e.g. "ok whoami_resp root", "ok sale_resp HT2026-00000001"
 *   error <CODE> <message>     CODE is the ErrorCode number; bytes of the
 *                              message outside printable ASCII and valid UTF-8
 *                              are shown as \xNN (and said so on stderr)
 *   closed <why>               no answer: the server ended the connection
 *
 * Exit status: 0 ok, 1 error, 2 usage, 3 connection failure (no TLS session,
 * or closed without an answer).
 *
 * trickle SECONDS sends a valid whoami frame (with --token if given) one byte
 * per second, for at most SECONDS seconds, and reports when the server closed
 * the connection: "closed after MS ms, N of L bytes sent" (exit 0), or
 * "answered after MS ms: ..." / "still open after S s, N of L bytes sent"
 * (exit 1).
 *
 * Knows the wire protocol (proto/till.proto), nothing about the server. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "till_frame.h"
#include "till_util.h"
#include "tool_opts.h"

#define FORGE_TIMEOUT 10                        /* seconds per read or write */
#define FORGE_BUF_MAX (64u * 1024u * 1024u)     /* largest frame we build */
#define FORGE_REP_MAX (16u * 1024u * 1024u)     /* largest rep:N:... value */
#define FORGE_TRICKLE_MAX 600                   /* seconds */
#define FORGE_MAX_READS 16                      /* frames read waiting for our answer */
#define FORGE_REQUEST_ID 1u
#define FORGE_KEY_LEN 16

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_CONN 3

/* ---- a growing byte buffer ------------------------------------------------ */

typedef struct {
  uint8_t *data;
  size_t len, cap;
  int failed;                /* an append did not fit: the buffer is unusable */
} buf_t;

static void
buf_free(buf_t *b)
{
  free(b->data);
  memset(b, 0, sizeof *b);
}

static void
buf_append(buf_t *b, const void *p, size_t n)
{
  if (b->failed || n == 0)
    return;
  if (n > FORGE_BUF_MAX - b->len) {
    b->failed = 1;
    return;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
      cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
      b->failed = 1;
      return;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

/* ---- protobuf wire format ------------------------------------------------- */

enum { WT_VARINT = 0, WT_LEN = 2 };

static void
put_varint(buf_t *b, uint64_t v)
{
  uint8_t tmp[10];
  size_t n = 0;
  do {
    tmp[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v)
      tmp[n] |= 0x80;
    n++;
  } while (v && n < sizeof tmp);
  buf_append(b, tmp, n);
}

static void
put_tag(buf_t *b, uint32_t number, int wire_type)
{
  put_varint(b, ((uint64_t)number << 3) | (uint64_t)wire_type);
}

/* int64, int32, enum and bool are all varints; a negative value is sent as
 * its 64-bit two's complement (ten bytes), as protobuf does. */
static void
put_int_field(buf_t *b, uint32_t number, int64_t v)
{
  put_tag(b, number, WT_VARINT);
  put_varint(b, (uint64_t)v);
}

static void
put_len_field(buf_t *b, uint32_t number, const uint8_t *p, size_t n)
{
  put_tag(b, number, WT_LEN);
  put_varint(b, n);
  buf_append(b, p, n);
}

/* ---- what each request kind holds ----------------------------------------- */

typedef enum { FT_TEXT, FT_INT } field_type_t;

typedef struct {
  const char *name;          /* FIELD on the command line */
  uint32_t outer;            /* 0: a field of the request; else the number of the
                              * message field (repeated or not) that holds it */
  uint32_t number;
  field_type_t type;         /* FT_TEXT covers string and bytes */
} field_spec_t;

typedef struct {
  const char *kind;
  uint32_t body;             /* Envelope field number of the request */
  int has_key;               /* field 1 is an idempotency_key */
  const field_spec_t *fields;
} kind_spec_t;

#define END {NULL, 0, 0, FT_TEXT}

static const field_spec_t f_none[] = {END};
static const field_spec_t f_login[] = {
  {"user", 0, 1, FT_TEXT}, {"password", 0, 2, FT_TEXT}, END};
static const field_spec_t f_user_add[] = {
  {"name", 0, 1, FT_TEXT}, {"password", 0, 2, FT_TEXT}, {"role", 0, 3, FT_INT}, END};
static const field_spec_t f_name[] = {{"name", 0, 1, FT_TEXT}, END};
static const field_spec_t f_terminal_add[] = {
  {"id", 0, 1, FT_TEXT}, {"description", 0, 2, FT_TEXT}, END};
static const field_spec_t f_id[] = {{"id", 0, 1, FT_TEXT}, END};
static const field_spec_t f_series_add[] = {
  {"prefix", 0, 1, FT_TEXT}, {"kind", 0, 2, FT_TEXT}, {"description", 0, 3, FT_TEXT}, END};
static const field_spec_t f_item_add[] = {
  {"code", 1, 1, FT_TEXT}, {"name", 1, 2, FT_TEXT}, {"unit_price", 1, 3, FT_INT},
  {"series_prefix", 1, 4, FT_TEXT}, {"revenue_account", 1, 5, FT_TEXT},
  {"disabled", 1, 6, FT_INT}, END};
static const field_spec_t f_sale[] = {
  {"key", 0, 1, FT_TEXT}, {"line.item", 2, 1, FT_TEXT}, {"line.quantity", 2, 2, FT_INT},
  {"method", 0, 3, FT_INT}, {"tendered", 0, 4, FT_INT}, {"memo", 0, 5, FT_TEXT}, END};
static const field_spec_t f_receipt_get[] = {
  {"number", 0, 1, FT_TEXT}, {"reprint", 0, 2, FT_INT}, END};
static const field_spec_t f_void_request[] = {
  {"number", 0, 1, FT_TEXT}, {"reason", 0, 2, FT_TEXT}, END};
static const field_spec_t f_void_decide[] = {
  {"key", 0, 1, FT_TEXT}, {"void_id", 0, 2, FT_INT}, {"approve", 0, 3, FT_INT},
  {"note", 0, 4, FT_TEXT}, END};
static const field_spec_t f_state[] = {{"state", 0, 1, FT_INT}, END};
static const field_spec_t f_shift_open[] = {
  {"key", 0, 1, FT_TEXT}, {"float.face", 2, 1, FT_INT}, {"float.count", 2, 2, FT_INT}, END};
static const field_spec_t f_shift_id[] = {{"shift_id", 0, 1, FT_INT}, END};
static const field_spec_t f_shift_close[] = {
  {"key", 0, 1, FT_TEXT}, {"cash.face", 2, 1, FT_INT}, {"cash.count", 2, 2, FT_INT},
  {"noncash.method", 3, 1, FT_INT}, {"noncash.amount", 3, 2, FT_INT}, END};
static const field_spec_t f_shift_approve[] = {
  {"shift_id", 0, 1, FT_INT}, {"note", 0, 2, FT_TEXT}, END};
static const field_spec_t f_deposit_create[] = {
  {"key", 0, 1, FT_TEXT}, {"shift_id", 0, 2, FT_INT}, {"slip", 0, 3, FT_TEXT},
  {"amount", 0, 4, FT_INT}, END};
static const field_spec_t f_deposit_confirm[] = {
  {"key", 0, 1, FT_TEXT}, {"deposit_id", 0, 2, FT_INT}, END};
static const field_spec_t f_undeposited[] = {{"hours", 0, 1, FT_INT}, END};
static const field_spec_t f_audit_export[] = {
  {"after_id", 0, 1, FT_INT}, {"limit", 0, 2, FT_INT}, END};

static const kind_spec_t kinds[] = {
  {"login", 20, 0, f_login},
  {"logout", 22, 0, f_none},
  {"whoami", 24, 0, f_none},
  {"user-add", 40, 0, f_user_add},
  {"user-list", 42, 0, f_none},
  {"user-disable", 44, 0, f_name},
  {"terminal-add", 46, 0, f_terminal_add},
  {"terminal-list", 48, 0, f_none},
  {"terminal-disable", 50, 0, f_id},
  {"series-add", 52, 0, f_series_add},
  {"series-list", 54, 0, f_none},
  {"item-add", 56, 0, f_item_add},
  {"item-list", 58, 0, f_none},
  {"sale", 60, 1, f_sale},
  {"receipt-get", 62, 0, f_receipt_get},
  {"void-request", 64, 0, f_void_request},
  {"void-decide", 66, 1, f_void_decide},
  {"void-list", 68, 0, f_state},
  {"audit-export", 80, 0, f_audit_export},
  {"audit-heads", 82, 0, f_none},
  {"chain-checkpoint", 84, 0, f_none},
  {"shift-open", 100, 1, f_shift_open},
  {"shift-status", 102, 0, f_shift_id},
  {"shift-close", 104, 1, f_shift_close},
  {"shift-approve", 106, 0, f_shift_approve},
  {"shift-list", 108, 0, f_state},
  {"deposit-create", 110, 1, f_deposit_create},
  {"deposit-confirm", 112, 1, f_deposit_confirm},
  {"undeposited", 114, 0, f_undeposited},
  {"user-unlock", 140, 0, f_name},
  {"user-enable", 142, 0, f_name},
  {"terminal-enable", 144, 0, f_id},
};

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: till-forge --server HOST:PORT --ca F --cert F --key F [--token HEX]\n"
          "                  KIND [FIELD=VALUE ...]\n"
          "       till-forge ... [--token HEX] trickle SECONDS\n"
          "Sends one request built by hand and prints 'ok RESPONSE [DETAIL]',\n"
          "'error CODE MESSAGE' or 'closed WHY'; exit 0 ok, 1 error, 2 usage, 3 no answer.\n"
          "VALUE of a text field: plain text, hex:HEX (raw bytes), text:TEXT (literally),\n"
          "  rep:N:VALUE (VALUE N times, at most %u bytes in all).\n"
          "VALUE of a number field: a decimal int64, -9223372036854775808 ..\n"
          "  9223372036854775807 (true and false are 1 and 0).\n"
          "A field of a repeated message (line., float., cash., noncash.) given again starts\n"
          "the next element. KIND with an idempotency key gets 16 random bytes unless key= is\n"
          "given (key= sends an empty one).\n"
          "kinds and fields:\n",
          FORGE_REP_MAX);
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    fprintf(f, "  %-17s", kinds[k].kind);
    for (const field_spec_t *fs = kinds[k].fields; fs->name; fs++)
      fprintf(f, " %s", fs->name);
    fputc('\n', f);
  }
  fprintf(f, "trickle SECONDS: a whoami frame, one byte per second (at most %d s); prints\n"
             "'closed after MS ms, N of L bytes sent' (exit 0) or how it was not closed (exit 1)\n",
          FORGE_TRICKLE_MAX);
}

/* ---- values from the command line ----------------------------------------- */

/* Append the bytes VALUE stands for (see usage) to <out>. -1 on a bad value. */
static int
parse_text(const char *value, buf_t *out, int depth)
{
  if (strncmp(value, "hex:", 4) == 0) {
    const char *hex = value + 4;
    size_t n = strlen(hex);
    if (n % 2 != 0)
      return -1;
    uint8_t *bytes = malloc(n / 2 + 1);
    if (!bytes)
      return -1;
    int rc = till_hex_decode(hex, bytes, n / 2);
    if (rc == 0)
      buf_append(out, bytes, n / 2);
    free(bytes);
    return rc;
  }
  if (strncmp(value, "text:", 5) == 0) {
    buf_append(out, value + 5, strlen(value + 5));
    return 0;
  }
  if (strncmp(value, "rep:", 4) == 0 && depth == 0) {
    char count[32];
    const char *colon = strchr(value + 4, ':');
    int64_t n;
    if (!colon || (size_t)(colon - value - 4) >= sizeof count)
      return -1;
    memcpy(count, value + 4, (size_t)(colon - value - 4));
    count[colon - value - 4] = '\0';
    if (till_parse_i64(count, 0, FORGE_REP_MAX, &n) != 0)
      return -1;
    buf_t one = {0};
    int rc = parse_text(colon + 1, &one, depth + 1);
    if (rc == 0 && (uint64_t)one.len * (uint64_t)n > FORGE_REP_MAX)
      rc = -1;
    for (int64_t i = 0; rc == 0 && i < n; i++)
      buf_append(out, one.data, one.len);
    buf_free(&one);
    return rc;
  }
  buf_append(out, value, strlen(value));
  return 0;
}

static int
parse_int(const char *value, int64_t *out)
{
  if (strcmp(value, "true") == 0) {
    *out = 1;
    return 0;
  }
  if (strcmp(value, "false") == 0) {
    *out = 0;
    return 0;
  }
  return till_parse_i64(value, INT64_MIN, INT64_MAX, out);
}

/* ---- building the request -------------------------------------------------- */

/* The element of a message field being filled (line., float., ...). */
typedef struct {
  uint32_t outer;            /* 0: none open */
  buf_t body;
  uint32_t seen[8];          /* field numbers set in this element */
  size_t n_seen;
} element_t;

static void
element_flush(element_t *el, buf_t *req)
{
  if (el->outer)
    put_len_field(req, el->outer, el->body.data, el->body.len);
  if (el->body.failed)
    req->failed = 1;
  buf_free(&el->body);
  el->outer = 0;
  el->n_seen = 0;
}

/* Encode the FIELD=VALUE arguments of <ks> into <req>. -1 (printed) on a bad
 * argument. */
static int
build_request(const kind_spec_t *ks, char **args, int n_args, buf_t *req)
{
  element_t el;
  int key_given = 0, rc = -1;
  memset(&el, 0, sizeof el);
  for (int i = 0; i < n_args; i++) {
    const char *eq = strchr(args[i], '=');
    const field_spec_t *fs = NULL;
    if (eq) {
      for (const field_spec_t *f = ks->fields; f->name; f++)
        if (strlen(f->name) == (size_t)(eq - args[i]) &&
            strncmp(f->name, args[i], (size_t)(eq - args[i])) == 0)
          fs = f;
    }
    if (!fs) {
      fprintf(stderr, "till-forge: %s takes no field '%s'\n", ks->kind, args[i]);
      goto done;
    }
    buf_t *dst = req;
    if (fs->outer) {
      int again = 0;
      for (size_t k = 0; k < el.n_seen; k++)
        again |= el.seen[k] == fs->number;
      if (el.outer != fs->outer || again)
        element_flush(&el, req);
      el.outer = fs->outer;
      if (el.n_seen < sizeof el.seen / sizeof el.seen[0])
        el.seen[el.n_seen++] = fs->number;
      dst = &el.body;
    }
    if (fs->type == FT_INT) {
      int64_t v;
      if (parse_int(eq + 1, &v) != 0) {
        fprintf(stderr, "till-forge: %s: '%s' is not a whole number in int64\n", fs->name, eq + 1);
        goto done;
      }
      put_int_field(dst, fs->number, v);
    } else {
      buf_t val = {0};
      if (parse_text(eq + 1, &val, 0) != 0 || val.failed) {
        buf_free(&val);
        fprintf(stderr, "till-forge: %s: bad value (hex:EVEN-LENGTH-HEX, rep:N:VALUE up to %u "
                "bytes, text:TEXT or plain text)\n", fs->name, FORGE_REP_MAX);
        goto done;
      }
      put_len_field(dst, fs->number, val.data, val.len);
      buf_free(&val);
      if (ks->has_key && fs->outer == 0 && fs->number == 1)
        key_given = 1;
    }
  }
  element_flush(&el, req);
  if (ks->has_key && !key_given) {
    uint8_t key[FORGE_KEY_LEN];
    if (till_random(key, sizeof key) != 0) {
      fprintf(stderr, "till-forge: no random bytes for the idempotency key\n");
      goto done;
    }
    put_len_field(req, 1, key, sizeof key);
  }
  if (req->failed) {
    fprintf(stderr, "till-forge: the request does not fit in %u bytes\n", FORGE_BUF_MAX);
    goto done;
  }
  rc = 0;
 done:
  buf_free(&el.body);
  return rc;
}

/* A whole frame: header, then Envelope{request_id, session, body}. */
static int
build_frame(uint32_t body, const buf_t *req, const char *token, buf_t *frame)
{
  buf_t env = {0};
  uint8_t hdr[TILL_FRAME_HEADER];
  put_int_field(&env, 1, FORGE_REQUEST_ID);
  if (token && *token)
    put_len_field(&env, 2, (const uint8_t *)token, strlen(token));
  put_len_field(&env, body, req->data, req->len);
  if (env.failed || env.len > UINT32_MAX) {
    buf_free(&env);
    return -1;
  }
  till_frame_put_header(hdr, (uint32_t)env.len);
  buf_append(frame, hdr, sizeof hdr);
  buf_append(frame, env.data, env.len);
  buf_free(&env);
  return frame->failed ? -1 : 0;
}

/* ---- printing the answer ---------------------------------------------------- */

/* Print <s>, with \xNN for control bytes, and for every byte >= 0x80 when
 * <s> is not valid UTF-8 (then also say so on stderr). */
static void
print_text(const char *s)
{
  size_t n = strlen(s);
  int utf8 = till_text_ok(s, n);
  if (!utf8)
    fprintf(stderr, "till-forge: the server's message is not valid UTF-8 text\n");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8) || c == '\\')
      printf("\\x%02x", c);
    else
      putchar(c);
  }
}

static int
print_answer(const Till__V1__Envelope *env)
{
  if (env->body_case == TILL__V1__ENVELOPE__BODY_ERROR) {
    printf("error %d ", env->error ? (int)env->error->code : 0);
    print_text(env->error && env->error->message ? env->error->message : "");
    putchar('\n');
    return EXIT_ERROR;
  }
  const ProtobufCFieldDescriptor *fd =
    protobuf_c_message_descriptor_get_field(&till__v1__envelope__descriptor,
                                            (unsigned)env->body_case);
  printf("ok %s", fd ? fd->name : "(no body)");
  if (env->body_case == TILL__V1__ENVELOPE__BODY_WHOAMI_RESP && env->whoami_resp->session)
    printf(" %s", env->whoami_resp->session->user);
  else if (env->body_case == TILL__V1__ENVELOPE__BODY_SALE_RESP && env->sale_resp->receipt)
    printf(" %s", env->sale_resp->receipt->number);
  putchar('\n');
  return EXIT_OK;
}

/* Read until the answer to our request (or a connection-level error, id 0). */
static int
read_answer(cconn_t *c)
{
  char err[512];
  for (int i = 0; i < FORGE_MAX_READS; i++) {
    Till__V1__Envelope *env = cconn_read(c, err, sizeof err);
    if (!env) {
      printf("closed %s\n", err);
      return EXIT_CONN;
    }
    int ours = env->request_id == FORGE_REQUEST_ID || env->request_id == 0;
    int rc = ours ? print_answer(env) : EXIT_CONN;
    till__v1__envelope__free_unpacked(env, NULL);
    if (ours)
      return rc;
  }
  printf("closed no answer to request %u among %d frames\n", FORGE_REQUEST_ID, FORGE_MAX_READS);
  return EXIT_CONN;
}

/* ---- trickle ------------------------------------------------------------------ */

static void
sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Send <frame> one byte per second over <c> (opened with a 1 s socket
 * timeout). Between bytes a read waits up to that second: EOF or an error
 * other than the timeout means the server closed the connection. */
static int
mode_trickle(cconn_t *c, const buf_t *frame, int64_t seconds)
{
  char err[512];
  int64_t start = till_mono_ms();
  size_t sent = 0;
  for (int64_t s = 0; s < seconds && sent < frame->len; s++) {
    int64_t t0 = till_mono_ms();
    if (cconn_write_raw(c, frame->data + sent, 1) != 0) {
      printf("closed after %lld ms, %zu of %zu bytes sent\n", (long long)(till_mono_ms() - start),
             sent, frame->len);
      return EXIT_OK;
    }
    sent++;
    if (sent == frame->len)
      break;
    errno = 0;
    Till__V1__Envelope *env = cconn_read(c, err, sizeof err);
    int64_t t1 = till_mono_ms();
    if (env) {
      /* the server spoke before our frame was whole: show it, go on */
      print_answer(env);
      till__v1__envelope__free_unpacked(env, NULL);
    } else if (!((errno == EAGAIN || errno == EWOULDBLOCK) && t1 - t0 >= 900)) {
      printf("closed after %lld ms, %zu of %zu bytes sent\n", (long long)(t1 - start), sent,
             frame->len);
      return EXIT_OK;
    }
    if (t1 - t0 < 1000)
      sleep_ms((long)(1000 - (t1 - t0)));
  }
  if (sent == frame->len) {
    printf("answered after %lld ms: ", (long long)(till_mono_ms() - start));
    read_answer(c);
    return EXIT_ERROR;
  }
  printf("still open after %lld s, %zu of %zu bytes sent\n", (long long)seconds, sent, frame->len);
  return EXIT_ERROR;
}

/* ---- main ---------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
  client_cfg_t cfg;
  char err[1024];
  const char *token = "";
  int i = 1, rc = EXIT_USAGE;
  buf_t req = {0}, frame = {0};
  cconn_t *c = NULL;
  int64_t trickle = 0;
  memset(&cfg, 0, sizeof cfg);
  cfg.timeout = FORGE_TIMEOUT;
  cfg.max_frame = TILL_FRAME_LIMIT_MAX; /* for reading answers; we write raw */
  signal(SIGPIPE, SIG_IGN);
  for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    if (strcmp(argv[i], "--token") == 0) {
      token = argv[i + 1];
      continue;
    }
    if (tool_conn_option(&cfg, argv[i], argv[i + 1]) != 0) {
      fprintf(stderr, "till-forge: bad option %s\n", argv[i]);
      usage(stderr);
      return EXIT_USAGE;
    }
  }
  if (i >= argc || !cfg.server[0] || !cfg.ca[0] || !cfg.cert[0] || !cfg.key[0]) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *kind = argv[i];
  if (strcmp(kind, "trickle") == 0) {
    if (i + 2 != argc || till_parse_i64(argv[i + 1], 1, FORGE_TRICKLE_MAX, &trickle) != 0) {
      fprintf(stderr, "till-forge: trickle needs seconds from 1 to %d\n", FORGE_TRICKLE_MAX);
      return EXIT_USAGE;
    }
    kind = "whoami";
  }
  const kind_spec_t *ks = NULL;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    if (strcmp(kinds[k].kind, kind) == 0)
      ks = &kinds[k];
  if (!ks) {
    fprintf(stderr, "till-forge: unknown kind '%s'\n", kind);
    usage(stderr);
    return EXIT_USAGE;
  }
  if ((!trickle && build_request(ks, argv + i + 1, argc - i - 1, &req) != 0) ||
      build_frame(ks->body, &req, token, &frame) != 0) {
    rc = EXIT_USAGE;
    goto done;
  }
  if (trickle)
    cfg.timeout = 1; /* the read between two bytes waits at most a second */
  if (!(c = cconn_open(&cfg, err, sizeof err))) {
    printf("closed %s\n", err);
    rc = EXIT_CONN;
    goto done;
  }
  if (trickle) {
    rc = mode_trickle(c, &frame, trickle);
  } else if (cconn_write_raw(c, frame.data, frame.len) != 0) {
    /* a server that refused us may have said why before closing */
    fprintf(stderr, "till-forge: write failed; reading what the server sent\n");
    rc = read_answer(c);
  } else {
    rc = read_answer(c);
  }
 done:
  fflush(stdout);
  cconn_close(c);
  buf_free(&req);
  buf_free(&frame);
  return rc;
}
