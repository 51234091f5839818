/* till_bench.c -- postings per second and latency of a real tilld, over real
 * mutual TLS, from many terminals at once.
 *
 *   till-bench --server HOST:PORT --ca F --terminals FILE --item CODE
 *              [--connections N] [--count M] [--depth D]
 *              [--mode post|audit|storm|idle] [--auditor "CERT KEY TOKEN"]
 *              [--hold S] [--rate R] [--threads T] [--seconds MAX]
 *              [--toll ENTRY,ENTRY,...]
 *
 * FILE has one line per terminal: "CERT KEY TOKEN" -- the terminal's client
 * certificate and key, and the session token of the cashier logged in on it
 * (whose shift must be open). Connection i uses line i, so N terminals post
 * as N different cashiers into N different shifts, as at a toll plaza.
 *
 * Each connection posts M cash sales of one unit of CODE, keeping D requests
 * in flight (pipelining: it writes D frames, then writes one more each time
 * an answer arrives). T threads drive the connections (default: one thread
 * a connection, as N terminals would be N machines); with fewer, each
 * thread waits on its share of the connections at once (poll), so that the
 * benchmark takes less of the CPU the server shares with it on one machine.
 * A posting's latency is from writing its frame to reading its answer.
 * Every sale has a fresh idempotency key, made as `till` makes them
 * (till_idem_key: time-ordered). Errors are counted, never retried: a
 * benchmark must not hide them.
 *
 * --toll S01,S02,... posts tolls at exit lanes instead of sales (each
 * terminal must be an exit lane, `till toll lane set`): TollExitRequest
 * with the entry station, class, axles and plate drawn from the request id
 * in a plaza's mix (about 70 % small cars; buses, trucks up to 8 axles, a
 * few special vehicles), paid in cash, priced by the server.
 *
 * --rate R paces the postings instead (an open loop, as customers arrive at
 * windows whatever the server is doing): R postings a second in all, the
 * connections' schedules interleaved, so connection i sends its k-th sale
 * at (k*N + i)/R seconds; at most D are in flight on a connection, and a
 * sale that cannot go out on time waits. Its latency counts from when it
 * was due, not from when it went out, so a server that falls behind shows
 * in the latency rather than in a lower offered load. A send may be up to
 * 1 ms late (the wait for answers is in whole ms), and that is counted too.
 *
 * Modes:
 *   post   all connections post M sales each.
 *   audit  the first half of each connection's sales alone, the second half
 *          while one more connection (--auditor, an auditor's terminal and
 *          session) pages through the whole journal with AuditExport (1000
 *          transactions a page) in a loop: latency with and without it.
 *          The second half starts once the auditor has read its first page,
 *          so all of it runs while the auditor reads.
 *   storm  the first half, then every connection closes and all reconnect at
 *          the same moment (a full TLS handshake each), then the second half:
 *          the reconnect times and the latency of the postings after it. A
 *          thread driving several connections reconnects them one after the
 *          other; each one's time counts from when they all closed.
 *   idle   every connection posts its M sales (a real session, a real
 *          posting), then all stay open and silent for --hold S seconds
 *          (default 5): once all are idle it prints "idle connections=N",
 *          so a caller can read the server's memory meanwhile.
 *
 * After the run it checks that every acknowledged sale got its own
 * transaction id (no posting answered twice). bench/run then checks the
 * ledger itself (count, gap-free series, chain) with `till audit verify`.
 *
 * Output, one line per phase on stdout:
 *   phase=NAME ok=N errors=E seconds=T rate=R/s p50_ms= p95_ms= p99_ms= max_ms=
 * (with --rate, also offered=R/s),
 * plus, for audit, "auditor pages=P txns=T" and, for storm,
 * "reconnect n=N p50_ms= p99_ms= max_ms=". Exit 0 iff there were no errors;
 * 1 otherwise; 2 on a usage error.
 *
 * THREAD SAFETY: each thread owns its share of the connections and their
 * arrays; the configuration is written before the threads start. The phase
 * barrier is a pthread barrier; the auditor's stop flag is an atomic, and it
 * says it is reading through a semaphore. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "testkit.h"
#include "till_frame.h"
#include "till_util.h"

#define BENCH_MAX_CONNECTIONS 1024
#define BENCH_MAX_COUNT 1000000
#define BENCH_MAX_DEPTH 256
#define BENCH_MAX_SECONDS 3600
#define BENCH_MAX_HOLD 600
#define BENCH_MAX_RATE 1000000
#define BENCH_ANSWER_TIMEOUT 30 /* seconds a connection waits for an answer due */
#define BENCH_LINE_MAX 4096
#define BENCH_KEY_LEN 16
#define BENCH_ERR_MAX 320
#define BENCH_NOTE_MAX (BENCH_ERR_MAX + 64) /* "what: " + an error */

enum mode { MODE_POST, MODE_AUDIT, MODE_STORM, MODE_IDLE };

#define BENCH_TOLL_ENTRIES_MAX 16

typedef struct {
  char cert[1024];
  char key[1024];
  char token[160];
} terminal_t;

typedef struct {
  const char *server;
  const char *ca;
  const char *item;
  /* --toll: exit-lane tolls instead of sales, from these entry stations */
  char toll_buf[256];
  const char *toll_entries[BENCH_TOLL_ENTRIES_MAX];
  int n_toll_entries;
  int connections;
  int64_t count;
  int depth;
  enum mode mode;
  int64_t seconds;
  int64_t hold;              /* idle: seconds all connections stay open */
  int64_t rate;              /* --rate: postings/s in all; 0: closed loop */
  terminal_t *terms;
  terminal_t auditor;
} bench_cfg_t;

/* One phase of one connection. */
typedef struct {
  int64_t n_ok, n_err;
  int64_t *lat_us;           /* n_ok latencies */
  int64_t *txn_ids;          /* n_ok transaction ids */
  int64_t t_start_us, t_end_us;
} phase_t;

/* One terminal's connection: what it posted, phase by phase, and where the
 * phase in progress stands. */
typedef struct {
  int idx;                   /* its line of the terminals file */
  cconn_t *c;                /* NULL once it failed */
  phase_t ph[2];
  int64_t reconnect_us;      /* storm: close to handshake done; -1 if failed */
  char first_error[BENCH_NOTE_MAX];
  /* the phase in progress */
  phase_t *cur;
  int active;                /* still sending or waiting for answers */
  int64_t count, next, answered;
  uint64_t base;             /* request ids are base + index */
  int64_t *sent_us;          /* send (or, paced, due) time of each request */
  int64_t progress_us;       /* the last send or answer */
} lane_t;

/* One thread and the connections it drives. */
typedef struct {
  const bench_cfg_t *cfg;
  lane_t *lanes;             /* lanes[0..n) */
  int n;
  cconn_t **waiting;         /* n: the connections with answers due */
  unsigned char *ready;      /* n: which of them have something to read */
  pthread_t thread;
} driver_t;

static pthread_barrier_t g_barrier;
static atomic_int g_audit_stop;
/* posted once by the auditor when it has read its first page (or failed):
 * only then does the second half start, so it runs while the auditor reads */
static sem_t g_auditor_reading;
static int64_t g_deadline_us;

static void
usage(void)
{
  fprintf(stderr,
          "usage: till-bench --server HOST:PORT --ca F --terminals FILE --item CODE [--toll S01,S02]\n"
          "                  [--connections N] [--count M] [--depth D]\n"
          "                  [--mode post|audit|storm|idle] [--auditor \"CERT KEY TOKEN\"]\n"
          "                  [--hold S] [--rate R] [--threads T] [--seconds MAX]\n"
          "  FILE: one \"CERT KEY TOKEN\" line per terminal (a cashier with an open shift)\n"
          "  N: 1..%d connections, one terminal each (default: one per line of FILE)\n"
          "  M: sales per connection, 1..%d (default 100); D: 1..%d in flight (default 1)\n"
          "  R: 1..%d postings a second in all, paced (default: as fast as answers come)\n"
          "  T: 1..N threads driving the connections (default N: one each)\n"
          "exit 0 iff no posting failed; 1 otherwise; 2 usage error\n",
          BENCH_MAX_CONNECTIONS, BENCH_MAX_COUNT, BENCH_MAX_DEPTH, BENCH_MAX_RATE);
}

static void
note_error(lane_t *l, const char *what, const char *err)
{
  if (!l->first_error[0])
    snprintf(l->first_error, sizeof l->first_error, "%s: %s", what, err);
}

static void
client_cfg(const bench_cfg_t *cfg, const terminal_t *t, client_cfg_t *cc)
{
  memset(cc, 0, sizeof *cc);
  snprintf(cc->server, sizeof cc->server, "%s", cfg->server);
  snprintf(cc->ca, sizeof cc->ca, "%s", cfg->ca);
  snprintf(cc->cert, sizeof cc->cert, "%s", t->cert);
  snprintf(cc->key, sizeof cc->key, "%s", t->key);
  cc->timeout = 30;
}

/* splitmix64: the toll mix drawn from the request id, the same every run */
static uint64_t
mix64(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* Pack a toll at an exit lane with request id <id>: class and axles from a
 * mix like a plaza's (about 70 % small cars, the rest buses, trucks up to
 * 8 axles and a few special vehicles), a plate and an entry station drawn
 * from the id; paid in cash. Its frame length, or 0. */
static size_t
pack_toll(const bench_cfg_t *cfg, const terminal_t *t, uint64_t id, uint8_t *buf, size_t cap)
{
  static const struct {
    const char *cls;
    int axles, seats, weight;
  } mix[] = {
    {"p1", 2, 5, 68}, {"p2", 2, 12, 4}, {"p3", 2, 30, 2}, {"p4", 2, 45, 2},
    {"t1", 2, 0, 7},  {"t2", 2, 0, 5},  {"t3", 3, 0, 3},  {"t4", 4, 0, 2},
    {"t5", 5, 0, 2},  {"t6", 6, 0, 3},  {"t6", 8, 0, 1},  {"s1", 2, 0, 1},
  };
  static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  uint64_t h = mix64(id ^ ((uint64_t)(uintptr_t)t << 20));
  int w = (int)(h % 100), k = 0;
  while (k < (int)(sizeof mix / sizeof mix[0]) - 1 && w >= mix[k].weight)
    w -= mix[k++].weight;
  uint8_t key[BENCH_KEY_LEN];
  if (till_idem_key(till_now_ms(), key) != 0)
    return 0;
  char plate[32];
  snprintf(plate, sizeof plate, "京%c%05u", letters[(h >> 8) % 24], (unsigned)((h >> 16) % 100000));
  Till__V1__TollExitRequest x = TILL__V1__TOLL_EXIT_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  x.idempotency_key.data = key;
  x.idempotency_key.len = sizeof key;
  x.entry = (char *)cfg->toll_entries[(h >> 40) % (uint64_t)cfg->n_toll_entries];
  x.vehicle_class = (char *)mix[k].cls;
  x.axles = mix[k].axles;
  x.seats = mix[k].seats;
  x.plate = plate;
  x.method = TILL__V1__PAYMENT_METHOD__METHOD_CASH;
  env.request_id = id;
  env.session = (char *)t->token;
  env.body_case = TILL__V1__ENVELOPE__BODY_TOLL_EXIT_REQ;
  env.toll_exit_req = &x;
  size_t n = till__v1__envelope__get_packed_size(&env);
  if (n + TILL_FRAME_HEADER > cap)
    return 0;
  till_frame_put_header(buf, (uint32_t)n);
  till__v1__envelope__pack(&env, buf + TILL_FRAME_HEADER);
  return n + TILL_FRAME_HEADER;
}

/* Pack a sale with request id <id> as one frame into buf; its length, or 0. */
static size_t
pack_sale(const bench_cfg_t *cfg, const terminal_t *t, uint64_t id, uint8_t *buf, size_t cap)
{
  if (cfg->n_toll_entries)
    return pack_toll(cfg, t, id, buf, cap);
  uint8_t key[BENCH_KEY_LEN];
  if (till_idem_key(till_now_ms(), key) != 0)
    return 0;
  Till__V1__SaleLine line = TILL__V1__SALE_LINE__INIT;
  Till__V1__SaleLine *lines[1] = {&line};
  Till__V1__SaleRequest sale = TILL__V1__SALE_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  line.item = (char *)cfg->item;
  line.quantity = 1;
  sale.idempotency_key.data = key;
  sale.idempotency_key.len = sizeof key;
  sale.lines = lines;
  sale.n_lines = 1;
  sale.method = TILL__V1__PAYMENT_METHOD__METHOD_CASH;
  env.request_id = id;
  env.session = (char *)t->token;
  env.body_case = TILL__V1__ENVELOPE__BODY_SALE_REQ;
  env.sale_req = &sale;
  size_t n = till__v1__envelope__get_packed_size(&env);
  if (n + TILL_FRAME_HEADER > cap)
    return 0;
  till_frame_put_header(buf, (uint32_t)n);
  till__v1__envelope__pack(&env, buf + TILL_FRAME_HEADER);
  return n + TILL_FRAME_HEADER;
}

/* --rate: when connection <idx>'s <k>-th sale of the phase is due. */
static int64_t
due_us(const bench_cfg_t *cfg, int idx, const phase_t *ph, int64_t k)
{
  double slot = (double)(k * cfg->connections + idx);
  return ph->t_start_us + (int64_t)(slot * 1e6 / (double)cfg->rate);
}

/* The lane's phase is over: what was not answered counts as errors. */
static void
lane_finish(lane_t *l)
{
  l->cur->n_err += l->count - l->answered;
  l->cur->t_end_us = till_mono_us();
  free(l->sent_us);
  l->sent_us = NULL;
  l->active = 0;
}

/* The connection failed: close it and end its phase. */
static void
lane_fail(lane_t *l, const char *what, const char *err)
{
  note_error(l, what, err);
  cconn_close(l->c);
  l->c = NULL;
  lane_finish(l);
}

/* Start a phase of <count> sales on l, request ids from <base>, into ph.
 * A lane without a connection counts all of them as errors at once. */
static void
lane_start(lane_t *l, int64_t count, uint64_t base, phase_t *ph, int64_t t0)
{
  l->cur = ph;
  l->count = count;
  l->base = base;
  l->next = l->answered = 0;
  l->active = 0;
  if (!l->c) {
    ph->n_err = count;
    return;
  }
  l->sent_us = calloc((size_t)count, sizeof *l->sent_us);
  ph->lat_us = calloc((size_t)count, sizeof *ph->lat_us);
  ph->txn_ids = calloc((size_t)count, sizeof *ph->txn_ids);
  if (!l->sent_us || !ph->lat_us || !ph->txn_ids) {
    free(l->sent_us);
    l->sent_us = NULL;
    note_error(l, "memory", "out of memory");
    ph->n_err = count;
    return;
  }
  ph->t_start_us = t0;
  l->progress_us = t0;
  l->active = 1;
}

/* Send what may go out now: as many as the depth allows, or (--rate) those
 * that are due. */
static void
lane_send(const bench_cfg_t *cfg, lane_t *l)
{
  const terminal_t *t = &cfg->terms[l->idx];
  uint8_t frame[1024];
  /* bounded: at most depth sends */
  while (l->next < l->count && l->next - l->answered < cfg->depth &&
         till_mono_us() < g_deadline_us &&
         (!cfg->rate || till_mono_us() >= due_us(cfg, l->idx, l->cur, l->next))) {
    size_t n = pack_sale(cfg, t, l->base + (uint64_t)l->next, frame, sizeof frame);
    l->sent_us[l->next] = cfg->rate ? due_us(cfg, l->idx, l->cur, l->next) : till_mono_us();
    if (n == 0 || cconn_write_raw(l->c, frame, n) != 0) {
      lane_fail(l, "send", n == 0 ? "could not build the request" : "write failed");
      return;
    }
    l->next++;
    l->progress_us = till_mono_us();
  }
}

/* Read one answer on l and account for it. */
static void
lane_read(lane_t *l)
{
  char err[BENCH_ERR_MAX];
  phase_t *ph = l->cur;
  Till__V1__Envelope *resp = cconn_read(l->c, err, sizeof err);
  if (!resp) {
    lane_fail(l, "read", err);
    return;
  }
  int64_t now = till_mono_us();
  uint64_t i = resp->request_id - l->base;
  if (resp->request_id < l->base || i >= (uint64_t)l->next) {
    note_error(l, "read", "answer to a request never sent");
    ph->n_err++;
  } else if (resp->body_case == TILL__V1__ENVELOPE__BODY_SALE_RESP ||
             (resp->body_case == TILL__V1__ENVELOPE__BODY_TOLL_EXIT_RESP &&
              resp->toll_exit_resp->passage)) {
    ph->lat_us[ph->n_ok] = now - l->sent_us[i];
    if (resp->body_case == TILL__V1__ENVELOPE__BODY_SALE_RESP)
      ph->txn_ids[ph->n_ok] = resp->sale_resp->receipt ? resp->sale_resp->receipt->txn_id : 0;
    else
      ph->txn_ids[ph->n_ok] = resp->toll_exit_resp->passage->txn_id;
    ph->n_ok++;
  } else {
    note_error(l, "sale", resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR && resp->error
                            ? resp->error->message : "unexpected answer");
    ph->n_err++;
  }
  l->answered++;
  l->progress_us = now;
  till__v1__envelope__free_unpacked(resp, NULL);
}

/* Post <count> sales on each of the driver's connections, with <depth> in
 * flight on each, into phase <p>: as fast as the answers come, or paced by
 * --rate. One thread waits on all its connections at once. A connection
 * that fails, or has answers due and none for BENCH_ANSWER_TIMEOUT seconds,
 * ends its phase there (what is still in flight counts as errors). */
static void
run_phase(driver_t *d, int64_t count, uint64_t base, int p)
{
  const bench_cfg_t *cfg = d->cfg;
  int64_t t0 = till_mono_us();
  int active = 0;
  for (int i = 0; i < d->n; i++) {
    lane_start(&d->lanes[i], count, base, &d->lanes[i].ph[p], t0);
    active += d->lanes[i].active;
  }
  /* bounded: every pass sends, answers or ends one, or waits at most 1 s
   * for a due time (which only moves on), an answer (up to its timeout) or
   * the deadline */
  while (active > 0) {
    int64_t now = till_mono_us(), wake = INT64_MAX;
    for (int i = 0; i < d->n; i++) {
      lane_t *l = &d->lanes[i];
      d->waiting[i] = NULL;
      if (!l->active)
        continue;
      lane_send(cfg, l);
      if (l->active && l->answered == l->next &&
          (l->next == l->count || till_mono_us() >= g_deadline_us))
        lane_finish(l); /* all answered, or the deadline passed with nothing in flight */
      else if (l->active && l->answered < l->next &&
               now - l->progress_us > BENCH_ANSWER_TIMEOUT * 1000000)
        lane_fail(l, "read", "no answer within the timeout");
      if (!l->active) {
        active--;
        continue;
      }
      if (l->answered < l->next)
        d->waiting[i] = l->c;
      if (cfg->rate && l->next < l->count && l->next - l->answered < cfg->depth &&
          now < g_deadline_us) {
        int64_t due = due_us(cfg, l->idx, l->cur, l->next);
        wake = due < wake ? due : wake;
      }
    }
    if (active == 0)
      break;
    int64_t wait_ms = 1000; /* so that timeouts and the deadline are seen */
    if (wake != INT64_MAX) {
      int64_t until_due = wake <= now ? 0 : (wake - now + 999) / 1000;
      if (until_due < wait_ms)
        wait_ms = until_due;
    }
    int n_ready = cconn_wait_any(d->waiting, (size_t)d->n, (int)wait_ms, d->ready);
    int wait_errno = errno;
    for (int i = 0; i < d->n && n_ready != 0; i++) {
      lane_t *l = &d->lanes[i];
      if (!d->waiting[i] || !l->active)
        continue;
      if (n_ready < 0) {
        lane_fail(l, "wait", strerror(wait_errno));
        active--;
      } else if (d->ready[i]) {
        lane_read(l);
        active -= !l->active;
      }
    }
  }
}

static void
close_all(driver_t *d)
{
  for (int i = 0; i < d->n; i++) {
    cconn_close(d->lanes[i].c);
    d->lanes[i].c = NULL;
  }
}

static void *
driver_main(void *arg)
{
  driver_t *d = arg;
  const bench_cfg_t *cfg = d->cfg;
  client_cfg_t cc;
  char err[BENCH_ERR_MAX];
  int64_t first = cfg->mode == MODE_POST || cfg->mode == MODE_IDLE ? cfg->count : cfg->count / 2;
  int64_t second = cfg->count - first;
  for (int i = 0; i < d->n; i++) {
    lane_t *l = &d->lanes[i];
    client_cfg(cfg, &cfg->terms[l->idx], &cc);
    l->c = cconn_open(&cc, err, sizeof err);
    if (!l->c)
      note_error(l, "connect", err);
  }
  pthread_barrier_wait(&g_barrier); /* everybody connected: start together */
  run_phase(d, first, 1, 0);
  if (cfg->mode == MODE_POST) {
    close_all(d);
    return NULL;
  }
  pthread_barrier_wait(&g_barrier); /* phase one over everywhere */
  if (cfg->mode == MODE_IDLE) {
    pthread_barrier_wait(&g_barrier); /* the hold is over */
    close_all(d);
    return NULL;
  }
  if (cfg->mode == MODE_AUDIT)
    pthread_barrier_wait(&g_barrier); /* the auditor is reading */
  if (cfg->mode == MODE_STORM) {
    /* all close at once; a thread driving several reconnects them one after
     * the other, so each one's time counts from the common close */
    int64_t t0 = till_mono_us();
    close_all(d);
    for (int i = 0; i < d->n; i++) {
      lane_t *l = &d->lanes[i];
      client_cfg(cfg, &cfg->terms[l->idx], &cc);
      l->c = cconn_open(&cc, err, sizeof err);
      l->reconnect_us = l->c ? till_mono_us() - t0 : -1;
      if (!l->c)
        note_error(l, "reconnect", err);
    }
  }
  run_phase(d, second, 1 + (uint64_t)first, 1);
  close_all(d);
  return NULL;
}

typedef struct {
  const bench_cfg_t *cfg;
  int64_t pages, txns, errors;
  char first_error[BENCH_NOTE_MAX];
} auditor_t;

/* Page through the whole journal, again and again, until told to stop. */
static void *
auditor_main(void *arg)
{
  auditor_t *a = arg;
  client_cfg_t cc;
  char err[BENCH_ERR_MAX];
  client_cfg(a->cfg, &a->cfg->auditor, &cc);
  cconn_t *c = cconn_open(&cc, err, sizeof err);
  if (!c) {
    snprintf(a->first_error, sizeof a->first_error, "connect: %s", err);
    a->errors++;
    sem_post(&g_auditor_reading);
    return NULL;
  }
  int64_t after = 0;
  int said_reading = 0;
  while (!atomic_load(&g_audit_stop) && till_mono_us() < g_deadline_us) {
    Till__V1__AuditExportRequest er = TILL__V1__AUDIT_EXPORT_REQUEST__INIT;
    Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
    er.after_id = after;
    er.limit = 1000;
    req.session = (char *)a->cfg->auditor.token;
    req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_REQ;
    req.audit_export_req = &er;
    Till__V1__Envelope *resp = cconn_call(c, &req, err, sizeof err);
    if (!resp || resp->body_case != TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_RESP) {
      if (!a->first_error[0])
        snprintf(a->first_error, sizeof a->first_error, "audit export: %s",
                 !resp ? err : resp->error ? resp->error->message : "unexpected answer");
      a->errors++;
      if (resp)
        till__v1__envelope__free_unpacked(resp, NULL);
      break;
    }
    Till__V1__AuditExportResponse *r = resp->audit_export_resp;
    a->pages++;
    a->txns += (int64_t)r->n_txns;
    after = r->n_txns ? r->txns[r->n_txns - 1]->id : 0; /* at the end: start over */
    till__v1__envelope__free_unpacked(resp, NULL);
    if (!said_reading) {
      said_reading = 1;
      sem_post(&g_auditor_reading);
    }
  }
  if (!said_reading)
    sem_post(&g_auditor_reading);
  cconn_close(c);
  return NULL;
}

/* Report phase <p> over all connections; the number of errors. */
static int64_t
report_phase(const bench_cfg_t *cfg, lane_t *ws, int n, int p, const char *name,
             int64_t *dup_out)
{
  int64_t ok = 0, errs = 0, t0 = INT64_MAX, t1 = 0;
  for (int i = 0; i < n; i++) {
    ok += ws[i].ph[p].n_ok;
    errs += ws[i].ph[p].n_err;
    if (ws[i].ph[p].t_start_us && ws[i].ph[p].t_start_us < t0)
      t0 = ws[i].ph[p].t_start_us;
    if (ws[i].ph[p].t_end_us > t1)
      t1 = ws[i].ph[p].t_end_us;
  }
  int64_t *lat = malloc((size_t)(ok ? ok : 1) * sizeof *lat);
  int64_t *ids = malloc((size_t)(ok ? ok : 1) * sizeof *ids);
  if (!lat || !ids) {
    free(lat);
    free(ids);
    fprintf(stderr, "till-bench: out of memory\n");
    return errs + 1;
  }
  int64_t k = 0;
  for (int i = 0; i < n; i++)
    for (int64_t j = 0; j < ws[i].ph[p].n_ok; j++, k++) {
      lat[k] = ws[i].ph[p].lat_us[j];
      ids[k] = ws[i].ph[p].txn_ids[j];
    }
  qsort(lat, (size_t)ok, sizeof *lat, testkit_cmp_i64);
  qsort(ids, (size_t)ok, sizeof *ids, testkit_cmp_i64);
  for (int64_t j = 1; j < ok; j++)
    if (ids[j] == ids[j - 1] || ids[j] <= 0)
      (*dup_out)++;
  double secs = t1 > t0 ? (t1 - t0) / 1e6 : 0;
#define PCT(q) (ok ? lat[(ok - 1) * (q) / 100] / 1000.0 : 0.0)
  printf("phase=%s ok=%lld errors=%lld seconds=%.2f rate=%.0f/s p50_ms=%.2f p95_ms=%.2f "
         "p99_ms=%.2f max_ms=%.2f",
         name, (long long)ok, (long long)errs, secs, secs > 0 ? ok / secs : 0.0, PCT(50), PCT(95),
         PCT(99), PCT(100));
  if (cfg->rate)
    printf(" offered=%lld/s", (long long)cfg->rate);
  printf("\n");
#undef PCT
  free(lat);
  free(ids);
  return errs;
}

static void
report_reconnects(lane_t *ws, int n)
{
  int64_t *t = malloc((size_t)n * sizeof *t);
  int k = 0;
  if (!t)
    return;
  for (int i = 0; i < n; i++)
    if (ws[i].reconnect_us >= 0)
      t[k++] = ws[i].reconnect_us;
  qsort(t, (size_t)k, sizeof *t, testkit_cmp_i64);
  printf("reconnect n=%d failed=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", k, n - k,
         k ? t[(k - 1) / 2] / 1000.0 : 0.0, k ? t[(k - 1) * 99 / 100] / 1000.0 : 0.0,
         k ? t[k - 1] / 1000.0 : 0.0);
  free(t);
}

/* Split "CERT KEY TOKEN" into t. 0 or -1. */
static int
parse_terminal(const char *line, terminal_t *t)
{
  char cert[1024], key[1024], token[160], extra[2];
  if (sscanf(line, "%1023s %1023s %159s %1s", cert, key, token, extra) != 3)
    return -1;
  snprintf(t->cert, sizeof t->cert, "%s", cert);
  snprintf(t->key, sizeof t->key, "%s", key);
  snprintf(t->token, sizeof t->token, "%s", token);
  return 0;
}

static int
load_terminals(const char *path, terminal_t **out, int *n_out)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "till-bench: %s: %s\n", path, strerror(errno));
    return -1;
  }
  terminal_t *ts = calloc(BENCH_MAX_CONNECTIONS, sizeof *ts);
  char line[BENCH_LINE_MAX];
  int n = 0, rc = 0;
  while (ts && n < BENCH_MAX_CONNECTIONS && fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    if (parse_terminal(line, &ts[n]) != 0) {
      fprintf(stderr, "till-bench: %s: line %d is not \"CERT KEY TOKEN\"\n", path, n + 1);
      rc = -1;
      break;
    }
    n++;
  }
  fclose(f);
  if (!ts || rc != 0 || n == 0) {
    if (ts && rc == 0)
      fprintf(stderr, "till-bench: %s lists no terminal\n", path);
    free(ts);
    return -1;
  }
  *out = ts;
  *n_out = n;
  return 0;
}

int
main(int argc, char **argv)
{
  bench_cfg_t cfg = {.count = 100, .depth = 1, .mode = MODE_POST, .seconds = 600, .hold = 5};
  const char *terms_path = NULL, *auditor = NULL;
  int64_t v, connections = 0, threads = 0;
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!val) {
      usage();
      return 2;
    }
    if (strcmp(a, "--server") == 0)
      cfg.server = val;
    else if (strcmp(a, "--ca") == 0)
      cfg.ca = val;
    else if (strcmp(a, "--terminals") == 0)
      terms_path = val;
    else if (strcmp(a, "--item") == 0)
      cfg.item = val;
    else if (strcmp(a, "--auditor") == 0)
      auditor = val;
    else if (strcmp(a, "--toll") == 0 && strlen(val) < sizeof cfg.toll_buf) {
      snprintf(cfg.toll_buf, sizeof cfg.toll_buf, "%s", val);
      char *save = NULL;
      cfg.n_toll_entries = 0;
      for (char *tok = strtok_r(cfg.toll_buf, ",", &save);
           tok && cfg.n_toll_entries < BENCH_TOLL_ENTRIES_MAX; tok = strtok_r(NULL, ",", &save))
        cfg.toll_entries[cfg.n_toll_entries++] = tok;
      if (!cfg.n_toll_entries) {
        fprintf(stderr, "till-bench: --toll needs entry stations like S01,S02\n");
        return 2;
      }
    }
    else if (strcmp(a, "--connections") == 0 &&
             till_parse_i64(val, 1, BENCH_MAX_CONNECTIONS, &v) == 0)
      connections = v;
    else if (strcmp(a, "--threads") == 0 &&
             till_parse_i64(val, 1, BENCH_MAX_CONNECTIONS, &v) == 0)
      threads = v;
    else if (strcmp(a, "--count") == 0 && till_parse_i64(val, 1, BENCH_MAX_COUNT, &v) == 0)
      cfg.count = v;
    else if (strcmp(a, "--depth") == 0 && till_parse_i64(val, 1, BENCH_MAX_DEPTH, &v) == 0)
      cfg.depth = (int)v;
    else if (strcmp(a, "--seconds") == 0 && till_parse_i64(val, 1, BENCH_MAX_SECONDS, &v) == 0)
      cfg.seconds = v;
    else if (strcmp(a, "--mode") == 0 && strcmp(val, "post") == 0)
      cfg.mode = MODE_POST;
    else if (strcmp(a, "--mode") == 0 && strcmp(val, "audit") == 0)
      cfg.mode = MODE_AUDIT;
    else if (strcmp(a, "--mode") == 0 && strcmp(val, "storm") == 0)
      cfg.mode = MODE_STORM;
    else if (strcmp(a, "--mode") == 0 && strcmp(val, "idle") == 0)
      cfg.mode = MODE_IDLE;
    else if (strcmp(a, "--hold") == 0 && till_parse_i64(val, 1, BENCH_MAX_HOLD, &v) == 0)
      cfg.hold = v;
    else if (strcmp(a, "--rate") == 0 && till_parse_i64(val, 1, BENCH_MAX_RATE, &v) == 0)
      cfg.rate = v;
    else {
      fprintf(stderr, "till-bench: bad option or value: %s %s\n", a, val);
      usage();
      return 2;
    }
  }
  if (!cfg.server || !cfg.ca || !terms_path || !cfg.item) {
    usage();
    return 2;
  }
  if (cfg.mode == MODE_AUDIT && (!auditor || parse_terminal(auditor, &cfg.auditor) != 0)) {
    fprintf(stderr, "till-bench: --mode audit needs --auditor \"CERT KEY TOKEN\"\n");
    return 2;
  }
  if ((cfg.mode == MODE_AUDIT || cfg.mode == MODE_STORM) && cfg.count < 2) {
    fprintf(stderr, "till-bench: --mode %s needs --count of 2 or more\n",
            cfg.mode == MODE_AUDIT ? "audit" : "storm");
    return 2;
  }
  int n_terms = 0;
  if (load_terminals(terms_path, &cfg.terms, &n_terms) != 0)
    return 2;
  cfg.connections = connections ? (int)connections : n_terms;
  if (cfg.connections > n_terms) {
    fprintf(stderr, "till-bench: %d connections but only %d terminals in %s\n", cfg.connections,
            n_terms, terms_path);
    free(cfg.terms);
    return 2;
  }
  int n_drivers = threads ? (int)threads : cfg.connections;
  if (n_drivers > cfg.connections) {
    fprintf(stderr, "till-bench: %d threads for only %d connections\n", n_drivers,
            cfg.connections);
    free(cfg.terms);
    return 2;
  }
  g_deadline_us = till_mono_us() + cfg.seconds * 1000000;
  lane_t *ws = calloc((size_t)cfg.connections, sizeof *ws);
  driver_t *ds = calloc((size_t)n_drivers, sizeof *ds);
  cconn_t **waiting = calloc((size_t)cfg.connections, sizeof *waiting);
  unsigned char *ready = calloc((size_t)cfg.connections, 1);
  if (!ws || !ds || !waiting || !ready ||
      pthread_barrier_init(&g_barrier, NULL, (unsigned)n_drivers + 1) != 0 ||
      sem_init(&g_auditor_reading, 0, 0) != 0) {
    fprintf(stderr, "till-bench: out of memory\n");
    return 1;
  }
  for (int i = 0; i < cfg.connections; i++) {
    ws[i].idx = i;
    ws[i].reconnect_us = -1;
  }
  /* thread k drives connections [k*N/T, (k+1)*N/T) */
  for (int k = 0; k < n_drivers; k++) {
    int lo = (int)((int64_t)k * cfg.connections / n_drivers);
    int hi = (int)((int64_t)(k + 1) * cfg.connections / n_drivers);
    ds[k] = (driver_t){.cfg = &cfg, .lanes = ws + lo, .n = hi - lo,
                       .waiting = waiting + lo, .ready = ready + lo};
    if (pthread_create(&ds[k].thread, NULL, driver_main, &ds[k]) != 0) {
      /* the barrier counts every thread: without all of them it would
       * never open */
      fprintf(stderr, "till-bench: cannot start thread %d; lower --threads\n", k);
      exit(1);
    }
  }
  pthread_barrier_wait(&g_barrier); /* all connected: phase one runs */
  auditor_t aud = {.cfg = &cfg};
  pthread_t aud_thread;
  int aud_started = 0;
  if (cfg.mode != MODE_POST) {
    pthread_barrier_wait(&g_barrier); /* phase one over */
    if (cfg.mode == MODE_IDLE) {
      printf("idle connections=%d hold_s=%lld\n", cfg.connections, (long long)cfg.hold);
      fflush(stdout);
      struct timespec ts = {.tv_sec = (time_t)cfg.hold, .tv_nsec = 0};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) /* bounded: ts only shrinks */
        ;
      pthread_barrier_wait(&g_barrier); /* release the connections */
    }
    if (cfg.mode == MODE_AUDIT) {
      aud_started = pthread_create(&aud_thread, NULL, auditor_main, &aud) == 0;
      if (!aud_started)
        aud.errors++;
      else
        while (sem_wait(&g_auditor_reading) != 0 && errno == EINTR) /* bounded: one post comes */
          ;
      pthread_barrier_wait(&g_barrier); /* the second half runs while it reads */
    }
  }
  for (int k = 0; k < n_drivers; k++)
    pthread_join(ds[k].thread, NULL);
  atomic_store(&g_audit_stop, 1);
  if (aud_started)
    pthread_join(aud_thread, NULL);

  int64_t errors = 0, dups = 0;
  static const char *const names[4][2] = {{"post", NULL},
                                          {"alone", "with_auditor"},
                                          {"before_storm", "after_storm"},
                                          {"before_idle", NULL}};
  errors += report_phase(&cfg, ws, cfg.connections, 0, names[cfg.mode][0], &dups);
  if (cfg.mode == MODE_AUDIT || cfg.mode == MODE_STORM)
    errors += report_phase(&cfg, ws, cfg.connections, 1, names[cfg.mode][1], &dups);
  if (cfg.mode == MODE_AUDIT) {
    printf("auditor pages=%lld txns=%lld errors=%lld\n", (long long)aud.pages,
           (long long)aud.txns, (long long)aud.errors);
    if (aud.first_error[0])
      fprintf(stderr, "till-bench: auditor: %s\n", aud.first_error);
    errors += aud.errors;
  }
  if (cfg.mode == MODE_STORM)
    report_reconnects(ws, cfg.connections);
  for (int i = 0; i < cfg.connections; i++) {
    if (ws[i].first_error[0])
      fprintf(stderr, "till-bench: connection %d: %s\n", i, ws[i].first_error);
    for (int p = 0; p < 2; p++) {
      free(ws[i].ph[p].lat_us);
      free(ws[i].ph[p].txn_ids);
    }
  }
  if (dups) {
    fprintf(stderr, "till-bench: %lld acknowledged sales share a transaction id\n",
            (long long)dups);
    errors += dups;
  }
  pthread_barrier_destroy(&g_barrier);
  sem_destroy(&g_auditor_reading);
  free(ws);
  free(ds);
  free(waiting);
  free(ready);
  free(cfg.terms);
  return errors ? 1 : 0;
}
