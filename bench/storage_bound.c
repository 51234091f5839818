/* storage_bound.c -- the most postings per second this machine's storage
 * allows Till, with no network, no TLS and no protocol in the way.
 *
 *   till-storage-bound [--dir DIR] [--batches 1,64,512] [--seconds S]
 *                      [--max N] [--shifts N] [--sync full|normal]
 *
 * For each batch size B it makes a fresh database in DIR (default: a new
 * directory under $TMPDIR) with Till's own store code (store_open_rw: the
 * same migrations, pragmas and durability setting as tilld), one receipt
 * series, one fee item and N terminals, each with a cashier and an open
 * shift (default 256, as bench/run gives till-bench), and then posts sales
 * going round the N shifts one after the other -- so the drawer accounts
 * and index pages a posting touches are those Till's postings touch at N
 * connections -- through Till's own posting engine (ledger_post_sale:
 * journal row, entries, receipt counter, idempotency row, chain hash, with
 * keys made as `till` makes them: till_idem_key) the way tilld's writer
 * thread does (worker.c run_batch): BEGIN IMMEDIATE, a
 * SAVEPOINT and RELEASE per posting, COMMIT per batch of B, with tilld's
 * malloc tuning and its checkpoint thread (checkpoint.h). It stops after S
 * seconds (default 5) or --max postings (default 1,000,000), then checks
 * that the journal holds exactly the postings made, numbered without gaps.
 *
 * One line per batch size on stdout:
 *   bound batch=B postings=N seconds=T rate=R/s commit_p50_ms=X commit_p99_ms=Y
 * Exit 0, 1 on any failure, 2 on a usage error. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "ledger.h"
#include "store.h"
#include "schema.h"
#include "testkit.h"
#include "till_log.h"
#include "till_util.h"

#define BOUND_MAX_BATCHES 8
#define BOUND_MAX_BATCH 10000
#define BOUND_MAX_SECONDS 600
#define BOUND_MAX_POSTINGS 10000000
#define BOUND_MAX_SAMPLES 1000000

static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HT', 'receipt', 'bench', 0);"
  "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " VALUES ('PARK1H', 'Parking 1 h', 500, 'HT', 'revenue:PARK1H', 0);";
/* terminals T-001.. and cashiers c001.., each with an open shift, as
 * bench/run sets them up for till-bench */
static const char SEED_TERMINALS_SQL[] =
  "INSERT INTO terminals(id, description, created_at)"
  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)"
  " SELECT printf('T-%03d', i), 'bench', 0 FROM n";
static const char SEED_SHIFTS_SQL[] =
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)"
  " SELECT i, printf('T-%03d', i), printf('c%03d', i), 0, 0, date('now', 'localtime') FROM n";

static int g_shifts = 256; /* postings go round these shifts, one after the other */

static int
exec(store_conn_t *sc, const char *sql)
{
  return store_exec(sc->db, sql, sql) == 0 && !sqlite3_get_autocommit(sc->db) ? 0 : -1;
}

/* One batch of <n> sales in one transaction; its COMMIT time in *commit_ms. */
static int
post_batch(ledger_t *lg, store_conn_t *sc, int n, uint64_t *next_key, int64_t *commit_us)
{
  if (store_exec(sc->db, "BEGIN IMMEDIATE", "begin") != 0)
    return -1;
  for (int i = 0; i < n; i++) {
    sale_req_t req;
    memset(&req, 0, sizeof req);
    uint64_t k = ++*next_key;
    if (till_idem_key(till_now_ms(), req.key) != 0) {
      fprintf(stderr, "till-storage-bound: no randomness for an idempotency key\n");
      return -1;
    }
    char terminal[16], cashier[16];
    int who = (int)(k % (uint64_t)g_shifts) + 1;
    snprintf(terminal, sizeof terminal, "T-%03d", who);
    snprintf(cashier, sizeof cashier, "c%03d", who);
    req.terminal = terminal;
    req.cashier = cashier;
    req.method = TILL_METHOD_CASH;
    req.memo = "";
    req.n_lines = 1;
    snprintf(req.lines[0].item, sizeof req.lines[0].item, "PARK1H");
    req.lines[0].quantity = 1;
    post_result_t res;
    char err[256];
    if (exec(sc, "SAVEPOINT req") != 0)
      return -1;
    till_status_t st = ledger_post_sale(lg, sc, &req, &res, err, sizeof err);
    if (st != TILL_OK || res.replayed) {
      fprintf(stderr, "till-storage-bound: posting failed: %s\n", st != TILL_OK ? err : "replayed");
      return -1;
    }
    if (exec(sc, "RELEASE req") != 0)
      return -1;
  }
  int64_t t0 = till_mono_us();
  if (store_exec(sc->db, "COMMIT", "commit") != 0)
    return -1;
  *commit_us = till_mono_us() - t0;
  return 0;
}

static int
query_i64(store_conn_t *sc, const char *sql, int64_t *out)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

/* Run a seeding statement with ?1 = the number of shifts. 0 or -1. */
static int
seed_n(store_conn_t *sc, const char *sql)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int(st, 1, g_shifts);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int
run_one(const char *dir, int batch, int seconds, int64_t max_postings, const char *sync)
{
  char db[PATH_MAX], key[PATH_MAX], err[512];
  snprintf(db, sizeof db, "%s/bound-%d.db", dir, batch);
  snprintf(key, sizeof key, "%s/bound-%d.signing-key.pem", dir, batch);
  store_conn_t *sc = store_open_rw(db, sync, schema_all(), err, sizeof err);
  if (!sc) {
    fprintf(stderr, "till-storage-bound: %s\n", err);
    return -1;
  }
  int ok = -1;
  ledger_t *lg = NULL;
  int64_t *commits = NULL;
  /* checkpoints as tilld makes them: on their own thread */
  checkpointer_t *cp = checkpointer_start(db, sc, CHECKPOINT_INTERVAL_MS, err, sizeof err);
  if (!cp) {
    fprintf(stderr, "till-storage-bound: %s\n", err);
    store_close(sc);
    return -1;
  }
  if (sqlite3_exec(sc->db, SEED_SQL, NULL, NULL, NULL) != SQLITE_OK ||
      seed_n(sc, SEED_TERMINALS_SQL) != 0 || seed_n(sc, SEED_SHIFTS_SQL) != 0) {
    fprintf(stderr, "till-storage-bound: seeding: %s\n", sqlite3_errmsg(sc->db));
    goto out;
  }
  if (!(lg = ledger_open(sc, key, err, sizeof err))) {
    fprintf(stderr, "till-storage-bound: %s\n", err);
    goto out;
  }
  if (!(commits = calloc(BOUND_MAX_SAMPLES, sizeof *commits)))
    goto out;
  uint64_t next_key = 0;
  int64_t posted = 0, n_commits = 0;
  int64_t t0 = till_mono_us(), deadline = t0 + (int64_t)seconds * 1000000;
  while (posted < max_postings && n_commits < BOUND_MAX_SAMPLES && till_mono_us() < deadline) {
    int n = batch;
    if (max_postings - posted < n)
      n = (int)(max_postings - posted);
    if (post_batch(lg, sc, n, &next_key, &commits[n_commits]) != 0) {
      fprintf(stderr, "till-storage-bound: batch failed: %s\n", sqlite3_errmsg(sc->db));
      goto out;
    }
    n_commits++;
    posted += n;
  }
  int64_t elapsed = till_mono_us() - t0;
  int64_t rows = -1, last = -1;
  if (query_i64(sc, "SELECT count(*) FROM journal WHERE kind = 'sale'", &rows) != 0 ||
      query_i64(sc, "SELECT last_no FROM series_counters", &last) != 0 || rows != posted ||
      last != posted) {
    fprintf(stderr, "till-storage-bound: journal holds %lld sales, counter %lld, posted %lld\n",
            (long long)rows, (long long)last, (long long)posted);
    goto out;
  }
  qsort(commits, (size_t)n_commits, sizeof *commits, testkit_cmp_i64);
  printf("bound batch=%d postings=%lld seconds=%.2f rate=%.0f/s commit_p50_ms=%.2f "
         "commit_p99_ms=%.2f\n",
         batch, (long long)posted, elapsed / 1e6, posted / (elapsed / 1e6),
         commits[n_commits / 2] / 1000.0, commits[n_commits * 99 / 100] / 1000.0);
  fflush(stdout);
  ok = 0;
 out:
  free(commits);
  ledger_free(lg);
  checkpointer_stop(cp);
  store_close(sc);
  return ok;
}

static int
usage(void)
{
  fprintf(stderr, "usage: till-storage-bound [--dir DIR] [--batches 1,64,512] [--seconds S] "
                  "[--max N] [--shifts N] [--sync full|normal]\n");
  return 2;
}

int
main(int argc, char **argv)
{
  const char *dir = NULL, *sync = "full";
  char batches_arg[128] = "1,64,512";
  int64_t seconds = 5, max_postings = 1000000;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v)
      return usage();
    if (strcmp(a, "--dir") == 0)
      dir = v;
    else if (strcmp(a, "--batches") == 0)
      snprintf(batches_arg, sizeof batches_arg, "%s", v);
    else if (strcmp(a, "--seconds") == 0) {
      if (till_parse_i64(v, 1, BOUND_MAX_SECONDS, &seconds) != 0)
        return usage();
    } else if (strcmp(a, "--max") == 0) {
      if (till_parse_i64(v, 1, BOUND_MAX_POSTINGS, &max_postings) != 0)
        return usage();
    } else if (strcmp(a, "--shifts") == 0) {
      int64_t n;
      if (till_parse_i64(v, 1, 999, &n) != 0)
        return usage();
      g_shifts = (int)n;
    } else if (strcmp(a, "--sync") == 0) {
      if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0)
        return usage();
      sync = v;
    } else
      return usage();
    i++;
  }
  int batches[BOUND_MAX_BATCHES], n_batches = 0;
  char *save = NULL;
  for (char *tok = strtok_r(batches_arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int64_t b;
    if (n_batches == BOUND_MAX_BATCHES || till_parse_i64(tok, 1, BOUND_MAX_BATCH, &b) != 0)
      return usage();
    batches[n_batches++] = (int)b;
  }
  if (n_batches == 0)
    return usage();
  char tmpdir[PATH_MAX / 2];
  int made = 0;
  if (!dir) {
    if (testkit_tmpdir("till-bound", tmpdir, sizeof tmpdir) != 0) {
      fprintf(stderr, "till-storage-bound: a directory under $TMPDIR: %s\n", strerror(errno));
      return 1;
    }
    dir = tmpdir;
    made = 1;
  }

  till_log_set_level(LOG_WARN);
  store_tune_malloc(); /* as tilld does */
  int rc = 0;
  for (int i = 0; i < n_batches && rc == 0; i++)
    if (run_one(dir, batches[i], (int)seconds, max_postings, sync) != 0)
      rc = 1;
  if (made)
    testkit_rm_tree(dir);
  return rc;
}
