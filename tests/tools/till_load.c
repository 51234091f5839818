/* till_load.c -- a load generator for the integration tests and benchmarks.
 *
 *   till-load --server HOST:PORT --ca F --cert F --key F --token HEX
 *             --item CODE --connections C --count N [--method cash]
 *             [--out FILE] [--seconds MAX] [--fixed-key HEX32]
 *
 * It posts N sales of one unit of CODE over C mutual-TLS connections (one
 * thread each, client/conn.h: the real framing and the real TLS stack), each
 * thread posting its share one after the other. Every sale carries a fresh
 * 16-byte idempotency key made as `till` makes them (till_idem_key); when
 * the connection drops, or the server answers UNAVAILABLE, the thread
 * reconnects and sends the very same request
 * again (LOAD_MAX_ATTEMPTS in all), as `till` does -- so a posting the server
 * committed before the drop comes back as a replay, never as a second sale.
 * --fixed-key makes every posting use one key instead: a storm of duplicates
 * that the server must turn into one sale and N-1 replays.
 *
 * Output: --out gets one line per acknowledged posting,
 *   <key hex> <receipt number> <txn_id>
 * and stdout one summary line,
 *   ok=N failed=F elapsed_ms=T rate=R/s p50_ms=X p99_ms=Y
 * (latency of a posting: first send to its answer, retries included). The
 * first error each thread met goes to stderr. Exit 0 iff every posting was
 * acknowledged; 1 otherwise; 2 for a usage error.
 *
 * It knows the server only through the wire protocol: the session token comes
 * from `till login` (the session file's "token = ..." line), and what the
 * server does with the sales is for the calling test to check in the
 * database.
 *
 * THREAD SAFETY: each worker owns its connection, its result array and its
 * counters; the configuration and the deadline are written before the
 * threads start and only read after. main reads the workers' state after
 * pthread_join. OpenSSL 3 and RAND_bytes are safe across threads. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "testkit.h"
#include "till_util.h"

#define LOAD_KEY_LEN 16
#define LOAD_MAX_CONNECTIONS 1000
#define LOAD_MAX_COUNT 1000000
#define LOAD_MAX_SECONDS 3600
#define LOAD_DEFAULT_SECONDS 120
/* sends of one request, the first included; with backoff() the retries
 * span about 7.5 s, long enough for a killed tilld to be restarted */
#define LOAD_MAX_ATTEMPTS 12
#define LOAD_SOCKET_TIMEOUT 10   /* seconds per connect, read and write */
#define LOAD_NUMBER_MAX 32
#define LOAD_ERR_MAX 320

#define EXIT_ALL_OK 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2

typedef struct {
  client_cfg_t conn;
  const char *token;
  const char *item;
  const char *out;
  int fixed;                 /* every posting uses fixed_key */
  uint8_t fixed_key[LOAD_KEY_LEN];
  Till__V1__PaymentMethod method;
  int connections;
  int64_t count;
  int64_t seconds;
} load_cfg_t;

/* One acknowledged posting. */
typedef struct {
  uint8_t key[LOAD_KEY_LEN];
  char number[LOAD_NUMBER_MAX];
  int64_t txn_id;
  int64_t latency_ms;
} posting_t;

typedef struct {
  const load_cfg_t *cfg;
  pthread_t thread;
  int started;
  int64_t count;            /* postings this worker should make */
  posting_t *done;          /* count slots; the first n_ok are filled */
  int64_t n_ok, n_failed;
  int64_t n_retries, n_replayed;
  char first_error[LOAD_ERR_MAX];
} worker_t;

static int64_t g_deadline_ms; /* till_mono_ms() at which workers stop */

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: till-load --server HOST:PORT --ca F --cert F --key F --token HEX\n"
          "                 --item CODE --connections C --count N [--method cash]\n"
          "                 [--out FILE] [--seconds MAX] [--fixed-key HEX32]\n"
          "  C: 1..%d connections (one thread each); N: 1..%d sales in all\n"
          "  --method: cash card wechat alipay transfer cheque subsidy (default cash)\n"
          "  --seconds: stop posting after MAX seconds (1..%d, default %d)\n"
          "  --out: one line per acknowledged sale: KEYHEX NUMBER TXN_ID\n"
          "  --fixed-key: post every sale with this idempotency key (32 hex digits)\n"
          "prints: ok=N failed=F elapsed_ms=T rate=R/s p50_ms=X p99_ms=Y\n"
          "exit 0 iff every sale was acknowledged; 1 otherwise; 2 usage error\n",
          LOAD_MAX_CONNECTIONS, LOAD_MAX_COUNT, LOAD_MAX_SECONDS, LOAD_DEFAULT_SECONDS);
}

static void
sleep_ms(int64_t ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  for (int i = 0; i < 100 && nanosleep(&ts, &ts) != 0 && errno == EINTR; i++)
    ;
}

static Till__V1__PaymentMethod
method_from_name(const char *s)
{
  static const char *const names[] = {NULL,       "cash",     "card",   "wechat",
                                      "alipay",   "transfer", "cheque", "subsidy"};
  for (int m = 1; m < (int)(sizeof names / sizeof names[0]); m++)
    if (strcmp(s, names[m]) == 0)
      return (Till__V1__PaymentMethod)m;
  return TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED;
}

/* Keep the first error a worker met, for the report. */
static void
note_error(worker_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note_error(worker_t *w, const char *fmt, ...)
{
  if (w->first_error[0])
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->first_error, sizeof w->first_error, fmt, ap);
  va_end(ap);
}

/* Wait before attempt <attempt> (1-based retries): 50, 100, 200 ... 1000 ms. */
static void
backoff(int attempt)
{
  int64_t ms = 50;
  for (int i = 1; i < attempt && ms < 1000; i++)
    ms *= 2;
  sleep_ms(ms < 1000 ? ms : 1000);
}

/* Post one sale with key p->key on *c (opening or re-opening it as needed).
 * 0 when the server acknowledged it (p->number and p->txn_id set), -1 when
 * it refused it or every attempt failed (error noted). *c may be replaced
 * or left NULL. */
static int
post_one(worker_t *w, cconn_t **c, posting_t *p)
{
  const load_cfg_t *cfg = w->cfg;
  Till__V1__SaleLine line = TILL__V1__SALE_LINE__INIT;
  Till__V1__SaleLine *lines[1] = {&line};
  Till__V1__SaleRequest sale = TILL__V1__SALE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  char err[LOAD_ERR_MAX];
  int rc = -1;

  line.item = (char *)cfg->item;
  line.quantity = 1;
  sale.idempotency_key.data = p->key;
  sale.idempotency_key.len = LOAD_KEY_LEN;
  sale.lines = lines;
  sale.n_lines = 1;
  sale.method = cfg->method;
  req.session = (char *)cfg->token;
  req.body_case = TILL__V1__ENVELOPE__BODY_SALE_REQ;
  req.sale_req = &sale;

  for (int attempt = 0; attempt < LOAD_MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      if (till_mono_ms() >= g_deadline_ms)
        break;
      w->n_retries++;
      backoff(attempt);
    }
    if (!*c && !(*c = cconn_open(&cfg->conn, err, sizeof err))) {
      note_error(w, "connect: %s", err);
      continue;
    }
    Till__V1__Envelope *resp = cconn_call(*c, &req, err, sizeof err);
    if (!resp) {
      /* unknown whether the server acted: reconnect, send the same key */
      note_error(w, "%s", err);
      cconn_close(*c);
      *c = NULL;
      continue;
    }
    if (resp->body_case == TILL__V1__ENVELOPE__BODY_SALE_RESP && resp->sale_resp &&
        resp->sale_resp->receipt && resp->sale_resp->receipt->number) {
      const Till__V1__Receipt *r = resp->sale_resp->receipt;
      snprintf(p->number, sizeof p->number, "%s", r->number);
      p->txn_id = r->txn_id;
      if (resp->sale_resp->replayed)
        w->n_replayed++;
      till__v1__envelope__free_unpacked(resp, NULL);
      rc = 0;
      break;
    }
    if (resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR && resp->error) {
      int code = (int)resp->error->code;
      int conn_level = resp->request_id == 0; /* the server closes after it */
      note_error(w, "error %d: %s", code, resp->error->message ? resp->error->message : "");
      till__v1__envelope__free_unpacked(resp, NULL);
      if (conn_level) {
        cconn_close(*c);
        *c = NULL;
      }
      if (conn_level || code == TILL__V1__ERROR_CODE__ERR_UNAVAILABLE)
        continue;
      break; /* refused: retrying the same request cannot help */
    }
    note_error(w, "unexpected answer (body %d)", (int)resp->body_case);
    till__v1__envelope__free_unpacked(resp, NULL);
    cconn_close(*c);
    *c = NULL;
    break;
  }
  return rc;
}

static void *
worker_main(void *arg)
{
  worker_t *w = arg;
  cconn_t *c = NULL;
  for (int64_t i = 0; i < w->count; i++) {
    if (till_mono_ms() >= g_deadline_ms) {
      note_error(w, "stopped at the --seconds limit");
      w->n_failed += w->count - i;
      break;
    }
    posting_t *p = &w->done[w->n_ok];
    if (w->cfg->fixed) {
      memcpy(p->key, w->cfg->fixed_key, LOAD_KEY_LEN);
    } else if (till_idem_key(till_now_ms(), p->key) != 0) {
      note_error(w, "no randomness for an idempotency key");
      w->n_failed++;
      continue;
    }
    int64_t t0 = till_mono_ms();
    if (post_one(w, &c, p) == 0) {
      p->latency_ms = till_mono_ms() - t0;
      w->n_ok++;
    } else {
      w->n_failed++;
    }
  }
  cconn_close(c);
  return NULL;
}

/* Nearest-rank percentile <pct> (1..100) of sorted[0..n). 0 when n is 0. */
static int64_t
percentile(const int64_t *sorted, int64_t n, int pct)
{
  if (n <= 0)
    return 0;
  int64_t rank = (n * pct + 99) / 100; /* ceil(n * pct / 100), >= 1 */
  return sorted[(rank < 1 ? 1 : rank) - 1];
}

static int
write_postings(const char *path, const worker_t *ws, int n)
{
  char hex[2 * LOAD_KEY_LEN + 1];
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "till-load: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  for (int i = 0; i < n; i++) {
    for (int64_t k = 0; k < ws[i].n_ok; k++) {
      const posting_t *p = &ws[i].done[k];
      till_hex_encode(p->key, LOAD_KEY_LEN, hex);
      fprintf(f, "%s %s %lld\n", hex, p->number, (long long)p->txn_id);
    }
  }
  if (fclose(f) != 0) {
    fprintf(stderr, "till-load: writing %s failed\n", path);
    return -1;
  }
  return 0;
}

/* Parse the command line into cfg. 0, or -1 after printing why. */
static int
parse_args(int argc, char **argv, load_cfg_t *cfg)
{
  const char *server = NULL, *ca = NULL, *cert = NULL, *key = NULL, *method = "cash";
  const char *conns = NULL, *count = NULL, *seconds = NULL, *fixed = NULL;
  memset(cfg, 0, sizeof *cfg);
  for (int i = 1; i < argc; i += 2) {
    const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    const char **slot = NULL;
    static const char *const names[] = {"--server", "--ca",     "--cert",        "--key",
                                        "--token",  "--item",   "--connections", "--count",
                                        "--method", "--out",    "--seconds",     "--fixed-key"};
    const char **slots[] = {&server,    &ca,    &cert,   &key,    &cfg->token, &cfg->item,
                            &conns,     &count, &method, &cfg->out, &seconds,  &fixed};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
      if (strcmp(opt, names[k]) == 0)
        slot = slots[k];
    if (!slot) {
      fprintf(stderr, "till-load: unknown option '%s'\n", opt);
      return -1;
    }
    if (!val) {
      fprintf(stderr, "till-load: %s needs a value\n", opt);
      return -1;
    }
    *slot = val;
  }
  if (!server || !ca || !cert || !key || !cfg->token || !cfg->item || !conns || !count) {
    fprintf(stderr, "till-load: --server, --ca, --cert, --key, --token, --item, --connections "
                    "and --count are required\n");
    return -1;
  }
  int64_t v;
  if (till_parse_i64(conns, 1, LOAD_MAX_CONNECTIONS, &v) != 0) {
    fprintf(stderr, "till-load: --connections must be 1..%d\n", LOAD_MAX_CONNECTIONS);
    return -1;
  }
  cfg->connections = (int)v;
  if (till_parse_i64(count, 1, LOAD_MAX_COUNT, &cfg->count) != 0) {
    fprintf(stderr, "till-load: --count must be 1..%d\n", LOAD_MAX_COUNT);
    return -1;
  }
  cfg->seconds = LOAD_DEFAULT_SECONDS;
  if (seconds && till_parse_i64(seconds, 1, LOAD_MAX_SECONDS, &cfg->seconds) != 0) {
    fprintf(stderr, "till-load: --seconds must be 1..%d\n", LOAD_MAX_SECONDS);
    return -1;
  }
  if (!(cfg->method = method_from_name(method))) {
    fprintf(stderr, "till-load: unknown --method '%s'\n", method);
    return -1;
  }
  if (fixed) {
    if (till_hex_decode(fixed, cfg->fixed_key, LOAD_KEY_LEN) != 0) {
      fprintf(stderr, "till-load: --fixed-key must be %d hex digits\n", 2 * LOAD_KEY_LEN);
      return -1;
    }
    cfg->fixed = 1;
  }
  if (!cfg->token[0] || !cfg->item[0]) {
    fprintf(stderr, "till-load: --token and --item must not be empty\n");
    return -1;
  }
  int bad = snprintf(cfg->conn.server, sizeof cfg->conn.server, "%s", server) >=
              (int)sizeof cfg->conn.server ||
            snprintf(cfg->conn.ca, sizeof cfg->conn.ca, "%s", ca) >= (int)sizeof cfg->conn.ca ||
            snprintf(cfg->conn.cert, sizeof cfg->conn.cert, "%s", cert) >=
              (int)sizeof cfg->conn.cert ||
            snprintf(cfg->conn.key, sizeof cfg->conn.key, "%s", key) >= (int)sizeof cfg->conn.key;
  if (bad) {
    fprintf(stderr, "till-load: a server address or file name is too long\n");
    return -1;
  }
  cfg->conn.timeout = LOAD_SOCKET_TIMEOUT;
  return 0;
}

int
main(int argc, char **argv)
{
  load_cfg_t cfg;
  worker_t *ws = NULL;
  int64_t *lat = NULL;
  int rc = EXIT_SOME_FAILED;

  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage(stdout);
    return EXIT_ALL_OK;
  }
  if (parse_args(argc, argv, &cfg) != 0) {
    usage(stderr);
    return EXIT_USAGE;
  }
  /* a server that dies mid-write must not kill us: the write fails instead */
  signal(SIGPIPE, SIG_IGN);

  if (!(ws = calloc((size_t)cfg.connections, sizeof *ws))) {
    fprintf(stderr, "till-load: out of memory\n");
    goto done;
  }
  for (int i = 0; i < cfg.connections; i++) {
    ws[i].cfg = &cfg;
    ws[i].count = cfg.count / cfg.connections + (i < cfg.count % cfg.connections ? 1 : 0);
    if (ws[i].count && !(ws[i].done = calloc((size_t)ws[i].count, sizeof *ws[i].done))) {
      fprintf(stderr, "till-load: out of memory\n");
      goto done;
    }
  }

  int64_t start = till_mono_ms();
  g_deadline_ms = start + cfg.seconds * 1000;
  int started = 0;
  for (int i = 0; i < cfg.connections; i++) {
    int err = pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]);
    if (err != 0) {
      fprintf(stderr, "till-load: cannot start thread %d: %s\n", i, strerror(err));
      ws[i].n_failed = ws[i].count;
      continue;
    }
    ws[i].started = 1;
    started++;
  }
  for (int i = 0; i < cfg.connections; i++)
    if (ws[i].started)
      pthread_join(ws[i].thread, NULL);
  int64_t elapsed = till_mono_ms() - start;

  int64_t ok = 0, failed = 0, retries = 0, replayed = 0;
  for (int i = 0; i < cfg.connections; i++) {
    ok += ws[i].n_ok;
    failed += ws[i].n_failed;
    retries += ws[i].n_retries;
    replayed += ws[i].n_replayed;
  }
  if (!(lat = malloc((size_t)(ok ? ok : 1) * sizeof *lat))) {
    fprintf(stderr, "till-load: out of memory\n");
    goto done;
  }
  int64_t n = 0;
  for (int i = 0; i < cfg.connections; i++)
    for (int64_t k = 0; k < ws[i].n_ok; k++)
      lat[n++] = ws[i].done[k].latency_ms;
  qsort(lat, (size_t)n, sizeof *lat, testkit_cmp_i64);
  double rate = elapsed > 0 ? (double)ok * 1000.0 / (double)elapsed : 0.0;
  printf("ok=%lld failed=%lld elapsed_ms=%lld rate=%.1f/s p50_ms=%lld p99_ms=%lld\n",
         (long long)ok, (long long)failed, (long long)elapsed, rate,
         (long long)percentile(lat, n, 50), (long long)percentile(lat, n, 99));
  fflush(stdout);
  for (int i = 0; i < cfg.connections; i++)
    if (ws[i].first_error[0])
      fprintf(stderr, "till-load: connection %d: first problem: %s\n", i, ws[i].first_error);
  if (retries || replayed)
    fprintf(stderr, "till-load: %lld retries, %lld answered as replays\n", (long long)retries,
            (long long)replayed);
  if (started < cfg.connections)
    fprintf(stderr, "till-load: only %d of %d threads started\n", started, cfg.connections);
  if (cfg.out && write_postings(cfg.out, ws, cfg.connections) != 0)
    goto done;
  rc = failed == 0 && ok == cfg.count ? EXIT_ALL_OK : EXIT_SOME_FAILED;
 done:
  if (ws)
    for (int i = 0; i < cfg.connections; i++)
      free(ws[i].done);
  free(ws);
  free(lat);
  return rc;
}
