/* selfcheck_bench.c -- how long tilld's start-up check takes on a large
 * ledger, against re-hashing the whole chain (docs/benchmarks.md, "The
 * start-up check").
 *
 *   till-bench-selfcheck [--db FILE] [--stages 1000000,3000000,10000000]
 *                        [--sign-every N] [--full-at N]
 *   till-bench-selfcheck --db FILE --measure [--full-at 1]
 *
 * Builds a ledger in FILE (default: a new file under $TMPDIR) with Till's
 * own store and posting engine (ledger_post_sale, batches of 10,000 sales
 * per transaction, synchronous=NORMAL to build faster) going round 256
 * open shifts, and every N sales (default 1,000) closes a shift the way
 * tilld's records look after a close: a signed head (ledger_sign_head,
 * reason shift_close) and a closed shift row naming it. Leaves an unsigned
 * tail of N/2 sales after the last signature. At each stage it closes the
 * database, opens it again as tilld does (store_open_rw, ledger_open) and
 * times ledger_selfcheck; at the stage given by --full-at (default: the
 * first) it also times re-hashing the chain from transaction 1 (what the
 * check would cost without its anchor). One line per measurement:
 *   selfcheck txns=T signatures=S tail=U ms=M
 *   fullrehash txns=T ms=M
 * Exit 0, 1 on any failure, 2 on a usage error. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "ledger_int.h"
#include "schema.h"
#include "store.h"
#include "till_log.h"
#include "till_util.h"

#define SC_BATCH 10000
#define SC_SHIFTS 256
#define SC_MAX_STAGES 8
#define SC_MAX_TXNS 20000000LL

static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HT', 'receipt', 'bench', 0);"
  "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " VALUES ('PARK1H', 'Parking 1 h', 500, 'HT', 'revenue:PARK1H', 0);"
  "INSERT INTO terminals(id, description, created_at)"
  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)"
  " SELECT printf('T-%03d', i), 'bench', 0 FROM n;"
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)"
  " SELECT i, printf('T-%03d', i), printf('c%03d', i), 0, 0, date('now', 'localtime') FROM n;";

static const char CLOSED_SHIFT_SQL[] =
  "INSERT INTO shifts(terminal_id, cashier, state, opened_at, float_amount, business_date,"
  " closed_at, signature_txn_id) VALUES ('T-001', 'c001', 2, 0, 0, date('now', 'localtime'),"
  " 0, ?)";

static int
post_one(ledger_t *lg, store_conn_t *sc, int64_t k)
{
  sale_req_t req;
  memset(&req, 0, sizeof req);
  char terminal[16], cashier[16], err[256];
  int who = (int)(k % SC_SHIFTS) + 1;
  if (till_idem_key(till_now_ms(), req.key) != 0)
    return -1;
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
  if (ledger_post_sale(lg, sc, &req, &res, err, sizeof err) != TILL_OK) {
    fprintf(stderr, "till-bench-selfcheck: posting failed: %s\n", err);
    return -1;
  }
  return 0;
}

static int
close_shift(ledger_t *lg, store_conn_t *sc)
{
  if (ledger_sign_head(lg, sc, "shift_close", NULL) != TILL_OK)
    return -1;
  sqlite3_stmt *st = store_stmt(sc, CLOSED_SHIFT_SQL);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, lg->head_id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Post up to <target> sales in all, signing every <every>, but leaving the
 * last every/2 of the stage unsigned. */
static int
build(ledger_t *lg, store_conn_t *sc, int64_t *posted, int64_t target, int64_t every)
{
  /* bounded: posted only grows, to target */
  while (*posted < target) {
    if (store_exec(sc->db, "BEGIN IMMEDIATE", "begin") != 0)
      return -1;
    for (int i = 0; i < SC_BATCH && *posted < target; i++) {
      if (post_one(lg, sc, *posted) != 0)
        return -1;
      ++*posted;
      if (*posted % every == 0 && target - *posted >= every / 2 && close_shift(lg, sc) != 0)
        return -1;
    }
    if (store_exec(sc->db, "COMMIT", "commit") != 0)
      return -1;
  }
  return 0;
}

static int
measure(const char *db, const char *key, int64_t txns, int full)
{
  char err[512], why[512];
  store_conn_t *sc = store_open_rw(db, "normal", schema_all(), err, sizeof err);
  ledger_t *lg = sc ? ledger_open(sc, key, err, sizeof err) : NULL;
  if (!lg) {
    fprintf(stderr, "till-bench-selfcheck: %s\n", err);
    store_close(sc);
    return -1;
  }
  ledger_check_stats_t s;
  int rc = -1;
  if (!txns)
    txns = lg->head_id;
  if (ledger_selfcheck(lg, sc, schema_all(), &s, why, sizeof why) != TILL_OK) {
    fprintf(stderr, "till-bench-selfcheck: the check failed: %s\n", why);
    goto out;
  }
  printf("selfcheck txns=%lld signatures=%lld shifts=%lld tail=%lld ms=%lld"
         " (schema %lld, signatures %lld, shifts and days %lld, tail %lld, counters %lld)\n",
         (long long)txns, (long long)s.signatures, (long long)s.shifts, (long long)s.tail,
         (long long)s.elapsed_ms, (long long)s.step_ms[0], (long long)s.step_ms[1],
         (long long)s.step_ms[2], (long long)s.step_ms[3], (long long)s.step_ms[4]);
  fflush(stdout);
  if (full) {
    /* the same re-hash, from transaction 1 */
    lg->anchor_id = 0;
    memset(lg->anchor_hash, 0, TILL_HASH_LEN);
    lg->verified_id = -1;
    int64_t t0 = till_mono_us();
    if (store_exec(sc->db, "BEGIN", "read") != 0 || ledger_check_tail(lg, sc, why, sizeof why) != 0) {
      fprintf(stderr, "till-bench-selfcheck: full re-hash failed: %s\n", why);
      goto out;
    }
    store_exec(sc->db, "COMMIT", "read");
    printf("fullrehash txns=%lld ms=%lld\n", (long long)txns,
           (long long)((till_mono_us() - t0) / 1000));
    fflush(stdout);
  }
  rc = 0;
 out:
  ledger_free(lg);
  store_close(sc);
  return rc;
}

int
main(int argc, char **argv)
{
  char db[PATH_MAX] = "", key[PATH_MAX + 32];
  int64_t stages[SC_MAX_STAGES] = {1000000};
  int n_stages = 1;
  int64_t every = 1000, full_at = 0;
  int measure_only = 0, full_given = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      snprintf(db, sizeof db, "%s", argv[++i]);
    } else if (strcmp(argv[i], "--stages") == 0 && i + 1 < argc) {
      char *list = argv[++i], *save = NULL;
      n_stages = 0;
      for (char *t = strtok_r(list, ",", &save); t && n_stages < SC_MAX_STAGES;
           t = strtok_r(NULL, ",", &save))
        if (till_parse_i64(t, 1, SC_MAX_TXNS, &stages[n_stages++]) != 0)
          return 2;
    } else if (strcmp(argv[i], "--sign-every") == 0 && i + 1 < argc) {
      if (till_parse_i64(argv[++i], 2, 1000000, &every) != 0)
        return 2;
    } else if (strcmp(argv[i], "--measure") == 0) {
      measure_only = 1; /* the ledger in --db as it is: time the check (and --full-at) */
    } else if (strcmp(argv[i], "--full-at") == 0 && i + 1 < argc) {
      if (till_parse_i64(argv[++i], 1, SC_MAX_TXNS, &full_at) != 0)
        return 2;
      full_given = 1;
    } else {
      fprintf(stderr, "usage: till-bench-selfcheck [--db FILE] [--stages N,N,...] "
                      "[--sign-every N] [--full-at N]\n");
      return 2;
    }
  }
  if (!full_at)
    full_at = stages[0];
  if (!db[0]) {
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(db, sizeof db, "%s/selfcheck-%d.db", tmp, (int)getpid());
  }
  snprintf(key, sizeof key, "%s.signing-key.pem", db);
  till_log_set_level(LOG_WARN);
  if (measure_only)
    return measure(db, key, 0, full_given) == 0 ? 0 : 1;
  char err[512];
  store_conn_t *sc = store_open_rw(db, "normal", schema_all(), err, sizeof err);
  ledger_t *lg = sc ? ledger_open(sc, key, err, sizeof err) : NULL;
  if (!lg || sqlite3_exec(sc->db, SEED_SQL, NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "till-bench-selfcheck: %s\n", lg ? sqlite3_errmsg(sc->db) : err);
    return 1;
  }
  int64_t posted = 0;
  for (int i = 0; i < n_stages; i++) {
    int64_t t0 = till_mono_us();
    if (build(lg, sc, &posted, stages[i], every) != 0) {
      fprintf(stderr, "till-bench-selfcheck: building: %s\n", sqlite3_errmsg(sc->db));
      return 1;
    }
    printf("built txns=%lld seconds=%.0f\n", (long long)posted, (till_mono_us() - t0) / 1e6);
    fflush(stdout);
    ledger_free(lg);
    store_close(sc);
    if (measure(db, key, posted, posted == full_at) != 0)
      return 1;
    sc = store_open_rw(db, "normal", schema_all(), err, sizeof err);
    lg = sc ? ledger_open(sc, key, err, sizeof err) : NULL;
    /* as tilld: the check sets the anchor later signatures verify from */
    if (!lg || ledger_selfcheck(lg, sc, schema_all(), NULL, err, sizeof err) != TILL_OK) {
      fprintf(stderr, "till-bench-selfcheck: %s\n", err);
      return 1;
    }
  }
  ledger_free(lg);
  store_close(sc);
  return 0;
}
