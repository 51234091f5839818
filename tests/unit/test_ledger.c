/* test_ledger.c -- unit tests for server/ledger: the posting engine on a real
 * SQLite file.
 *
 * Each test gets a fresh directory from mkdtemp(3) holding the database
 * (opened with store_open_rw, which runs the migrations) and the signing
 * key, a receipt series HT and a few fee items inserted with plain SQL, and
 * a ledger opened on the writer connection. Postings are wrapped the way the
 * writer thread wraps them (worker.c run_batch): BEGIN IMMEDIATE, SAVEPOINT,
 * and on failure ROLLBACK TO plus ledger_reload_head.
 *
 * Covered: receipt numbers without gaps across rolled-back postings,
 * idempotent replays and conflicts (also across a restart), the accounts and
 * amounts a sale posts and the requests it refuses, the hash chain recomputed
 * from the stored rows, voids, the signed chain head checked with the public
 * key from server_keys, the append-only triggers, and the signing key's file
 * mode. The directory is removed afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dispatch.h" /* ROLES_SUPERVISOR, as the handler table grants it */
#include "ledger.h"
#include "ledger_fixture.h"
#include "ledger_int.h" /* LEDGER_RECENT */
#include "store.h"
#include "schema.h"
#include "till_chain.h"
#include "till_log.h"
#include "till_status.h"

typedef ledger_fx_t fx_t;

static uint8_t next_key; /* idempotency keys handed out in this test so far */

static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HT', 'receipt', 'test', 0);"
  "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " VALUES ('PARK1H', 'Parking 1 h', 500, 'HT', 'revenue:PARK1H', 0),"
  "        ('PARK2H', 'Parking 2 h', 800, 'HT', 'revenue:PARK2H', 0),"
  "        ('BIG', 'Ten million', 1000000000, 'HT', 'revenue:BIG', 0),"
  "        ('HALF', 'Six hundred million', 60000000000, 'HT', 'revenue:HALF', 0),"
  "        ('MAXP', 'The posting limit', 100000000000, 'HT', 'revenue:MAXP', 0),"
  /* an account code of no known type: the posting fails after the receipt
   * number was allocated */
  "        ('BADACCT', 'Bad account', 100, 'HT', 'misc:BAD', 0);"
  /* sales post into the cashier's open shift on the terminal */
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " VALUES (1, 'T-LANE-01', 'alice', 0, 0, '2026-01-01'), (2, 'T-LANE-02', 'bob', 0, 0, '2026-01-01');";

/* ---- fixture ---------------------------------------------------------------- */

static int
setup(void **state)
{
  next_key = 0;
  *state = ledger_fx_open("till-test-ledger", SEED_SQL);
  return *state ? 0 : -1;
}

static int
teardown(void **state)
{
  return ledger_fx_close(*state);
}

/* ---- helpers ---------------------------------------------------------------- */

static int64_t
journal_count(fx_t *f)
{
  return ledger_fx_i64(f, "SELECT count(*) FROM journal", 0);
}

static int64_t
last_no(fx_t *f)
{
  return ledger_fx_i64(f, "SELECT coalesce(max(last_no), 0) FROM series_counters", 0);
}

static till_status_t
post_sale(fx_t *f, const sale_req_t *req, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_post_sale(f->lg, f->sc, req, res, f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

static till_status_t
decide_void(fx_t *f, const void_decision_t *d, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_decide_void(f->lg, f->sc, d, res, f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

static void
fresh_key(uint8_t key[TILL_KEY_LEN])
{
  memset(key, 0xa5, TILL_KEY_LEN);
  key[15] = ++next_key;
}

/* A one-line sale with a fresh key. */
static void
sale1(fx_t *f, sale_req_t *req, const char *item, int64_t qty, till_method_t method)
{
  memset(req, 0, sizeof *req);
  fresh_key(req->key);
  req->terminal = "T-LANE-01";
  req->cashier = "alice";
  req->method = method;
  req->tendered = 0;
  req->memo = "";
  req->n_lines = 1;
  snprintf(req->lines[0].item, sizeof req->lines[0].item, "%s", item);
  req->lines[0].quantity = qty;
}

static void
add_line(sale_req_t *req, const char *item, int64_t qty)
{
  snprintf(req->lines[req->n_lines].item, sizeof req->lines[0].item, "%s", item);
  req->lines[req->n_lines].quantity = qty;
  req->n_lines++;
}

/* Post and expect success; returns the transaction id. */
static int64_t
sale_ok(fx_t *f, const sale_req_t *req)
{
  post_result_t res = {-1, -1};
  till_status_t st = post_sale(f, req, &res);
  if (st != TILL_OK)
    fail_msg("sale refused (%d): %s", (int)st, f->err);
  assert_int_equal(res.replayed, 0);
  return res.ref_id;
}

typedef struct {
  till_txn_t t;
  uint8_t hash[TILL_HASH_LEN];
  char buf[8192];
} loaded_t;

static void
load(fx_t *f, int64_t id, loaded_t *l)
{
  assert_int_equal(ledger_load_txn(f->sc, id, &l->t, l->hash, l->buf, sizeof l->buf), 0);
}

static void
expected_series(int64_t at_ms, char *out, size_t len)
{
  time_t t = (time_t)(at_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  snprintf(out, len, "HT%04d", tm.tm_year + 1900);
}

/* Recompute every hash from the stored rows; returns the number of rows and
 * the last hash. */
static int64_t
verify_chain(fx_t *f, uint8_t last[TILL_HASH_LEN])
{
  uint8_t prev[TILL_HASH_LEN] = {0};
  int64_t n = journal_count(f);
  assert_i64_equal(ledger_fx_i64(f, "SELECT coalesce(max(id), 0) FROM journal", 0), n); /* no gaps */
  loaded_t *l = malloc(sizeof *l);
  assert_non_null(l);
  for (int64_t id = 1; id <= n; id++) {
    uint8_t h[TILL_HASH_LEN];
    load(f, id, l);
    assert_i64_equal(l->t.id, id);
    assert_int_equal(till_chain_hash(prev, &l->t, h), 0);
    if (memcmp(h, l->hash, TILL_HASH_LEN) != 0) {
      free(l);
      fail_msg("stored hash of transaction %lld does not match its rows", (long long)id);
    }
    int64_t sum = 1;
    assert_int_equal(till_chain_sum(&l->t, &sum), 0);
    assert_i64_equal(sum, 0);
    memcpy(prev, h, TILL_HASH_LEN);
  }
  free(l);
  if (last)
    memcpy(last, prev, TILL_HASH_LEN);
  return n;
}

/* Sign the head in its own transaction; returns the chain_signatures id. */
static int64_t
sign_head(fx_t *f)
{
  int64_t sig = -1;
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  assert_int_equal(ledger_sign_head(f->lg, f->sc, "test", &sig), TILL_OK);
  ledger_fx_exec(f, "COMMIT");
  assert_true(sig > 0);
  return sig;
}

static void
put_be64(uint8_t *p, int64_t v)
{
  uint64_t u = (uint64_t)v;
  for (int i = 7; i >= 0; i--) {
    p[i] = (uint8_t)u;
    u >>= 8;
  }
}

/* ---- receipt series ------------------------------------------------------------ */

static void
test_series_numbers_have_no_gaps(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  loaded_t *l = malloc(sizeof *l);
  assert_non_null(l);
  char want[32];

  for (int i = 1; i <= 5; i++) {
    sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
    int64_t id = sale_ok(f, &req);
    assert_i64_equal(id, i);
    load(f, id, l);
    expected_series(l->t.at_ms, want, sizeof want);
    assert_string_equal(l->t.series, want);
    assert_i64_equal(l->t.receipt_no, i);
  }
  assert_i64_equal(last_no(f), 5);

  /* unknown item in the second line, after a good first line */
  post_result_t res = {-1, -1};
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  add_line(&req, "NOPE", 1);
  assert_int_equal(post_sale(f, &req, &res), TILL_E_NOT_FOUND);
  assert_non_null(strstr(f->err, "NOPE"));
  assert_i64_equal(res.ref_id, -1); /* untouched */
  assert_i64_equal(last_no(f), 5);
  assert_i64_equal(journal_count(f), 5);

  /* a failure after the number was allocated: the revenue account has no
   * known type. Look inside the savepoint first to be sure this path really
   * took a number, then roll back as the writer does. */
  sale1(f, &req, "BADACCT", 1, TILL_METHOD_CASH);
  ledger_fx_begin(f);
  till_status_t st = ledger_post_sale(f->lg, f->sc, &req, &res, f->err, sizeof f->err);
  assert_int_not_equal(st, TILL_OK);
  int64_t taken = last_no(f);
  ledger_fx_end(f, st);
  assert_i64_equal(taken, 6);
  assert_i64_equal(last_no(f), 5);

  /* a failure at the very end (the journal insert), via a test-only trigger */
  ledger_fx_exec(f, "CREATE TEMP TRIGGER fail_me BEFORE INSERT ON main.journal"
             " WHEN NEW.memo = 'fail-me' BEGIN SELECT RAISE(ABORT, 'test: refused'); END");
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  req.memo = "fail-me";
  ledger_fx_begin(f);
  st = ledger_post_sale(f->lg, f->sc, &req, &res, f->err, sizeof f->err);
  assert_int_not_equal(st, TILL_OK);
  taken = last_no(f);
  ledger_fx_end(f, st);
  assert_i64_equal(taken, 6);
  assert_i64_equal(last_no(f), 5);
  ledger_fx_exec(f, "DROP TRIGGER temp.fail_me");

  /* the next good sale takes number 6 and transaction id 6 */
  sale1(f, &req, "PARK2H", 2, TILL_METHOD_CARD);
  int64_t id = sale_ok(f, &req);
  assert_i64_equal(id, 6);
  load(f, id, l);
  assert_i64_equal(l->t.receipt_no, 6);
  expected_series(l->t.at_ms, want, sizeof want);
  assert_string_equal(l->t.series, want);

  /* the counter equals the highest number, and 1..last are all there once */
  assert_i64_equal(last_no(f), 6);
  assert_i64_equal(ledger_fx_i64(f, "SELECT max(receipt_no) FROM journal", 0), 6);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(DISTINCT receipt_no) FROM journal WHERE receipt_no"
                            " BETWEEN 1 AND 6", 0), 6);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM series_counters", 0), 1);
  verify_chain(f, NULL);
  free(l);
}

/* ---- idempotency --------------------------------------------------------------- */

static void
test_idempotent_replay_and_conflict(void **state)
{
  fx_t *f = *state;
  sale_req_t req, other;
  post_result_t res;

  sale1(f, &req, "PARK1H", 2, TILL_METHOD_CASH);
  req.tendered = 2000;
  int64_t id = sale_ok(f, &req);
  int64_t n = journal_count(f);

  memset(&res, 0xff, sizeof res);
  assert_int_equal(post_sale(f, &req, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  assert_i64_equal(res.ref_id, id);
  assert_i64_equal(journal_count(f), n);
  assert_i64_equal(last_no(f), 1);

  /* same key, different quantity */
  other = req;
  other.lines[0].quantity = 3;
  memset(&res, 0, sizeof res);
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  /* same key, another method / item / tendered */
  other = req;
  other.method = TILL_METHOD_CARD;
  other.tendered = 0;
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  other = req;
  snprintf(other.lines[0].item, sizeof other.lines[0].item, "PARK2H");
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  other = req;
  other.tendered = 5000;
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  assert_i64_equal(journal_count(f), n);
  assert_i64_equal(last_no(f), 1);

  /* the replay survives a restart */
  ledger_fx_reopen(f);
  memset(&res, 0, sizeof res);
  assert_int_equal(post_sale(f, &req, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  assert_i64_equal(res.ref_id, id);
  assert_i64_equal(journal_count(f), n);

  /* a new key posts normally */
  fresh_key(req.key);
  assert_i64_equal(sale_ok(f, &req), id + 1);
  verify_chain(f, NULL);
}

/* ---- amounts and accounts ------------------------------------------------------- */

static void
test_cash_and_card_entries(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  loaded_t *l = malloc(sizeof *l);
  assert_non_null(l);
  int64_t sum = 1;

  /* cash: Dr drawer:<terminal> / Cr revenue per line */
  sale1(f, &req, "PARK1H", 3, TILL_METHOD_CASH);
  req.tendered = 2000;
  int64_t id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.kind, "sale");
  assert_string_equal(l->t.method, "cash");
  assert_string_equal(l->t.terminal, "T-LANE-01");
  assert_string_equal(l->t.cashier, "alice");
  assert_memory_equal(l->t.idem_key, req.key, TILL_KEY_LEN);
  assert_int_equal(l->t.n_entries, 2);
  assert_int_equal(l->t.entries[0].seq, 1);
  assert_string_equal(l->t.entries[0].account, "drawer:shift:1");
  assert_i64_equal(l->t.entries[0].amount, 1500);
  assert_string_equal(l->t.entries[0].item, "");
  assert_int_equal(l->t.entries[1].seq, 2);
  assert_string_equal(l->t.entries[1].account, "revenue:PARK1H");
  assert_i64_equal(l->t.entries[1].amount, -1500);
  assert_string_equal(l->t.entries[1].item, "PARK1H");
  assert_i64_equal(l->t.entries[1].quantity, 3);
  assert_i64_equal(l->t.entries[1].unit_price, 500);
  assert_int_equal(till_chain_sum(&l->t, &sum), 0);
  assert_i64_equal(sum, 0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT tendered FROM journal WHERE id = ?", id), 2000);

  /* card, two lines: Dr clearing:card */
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CARD);
  add_line(&req, "PARK2H", 2);
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.method, "card");
  assert_int_equal(l->t.n_entries, 3);
  assert_string_equal(l->t.entries[0].account, "clearing:card");
  assert_i64_equal(l->t.entries[0].amount, 2100);
  assert_string_equal(l->t.entries[1].account, "revenue:PARK1H");
  assert_i64_equal(l->t.entries[1].amount, -500);
  assert_string_equal(l->t.entries[2].account, "revenue:PARK2H");
  assert_i64_equal(l->t.entries[2].amount, -1600);
  assert_i64_equal(l->t.entries[2].quantity, 2);
  assert_i64_equal(l->t.entries[2].unit_price, 800);
  sum = 1;
  assert_int_equal(till_chain_sum(&l->t, &sum), 0);
  assert_i64_equal(sum, 0);

  /* another cashier's shift on another terminal gets its own drawer */
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  req.terminal = "T-LANE-02";
  req.cashier = "bob";
  req.tendered = 500; /* exactly the total */
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.entries[0].account, "drawer:shift:2");

  /* the accounts were created with their types */
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db, "SELECT code, type FROM accounts ORDER BY code",
                                      -1, &st, NULL), SQLITE_OK);
  static const char *const want[][2] = {
    {"clearing:card", "asset"},     {"drawer:shift:1", "asset"},
    {"drawer:shift:2", "asset"},    {"revenue:PARK1H", "revenue"},
    {"revenue:PARK2H", "revenue"},
  };
  size_t n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    assert_true(n < 5);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), want[n][0]);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), want[n][1]);
    n++;
  }
  sqlite3_finalize(st);
  assert_int_equal(n, 5);

  /* every account balances across the ledger */
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries", 0), 0);
  free(l);
}

/* Expect <req> refused with <want>, and nothing written: no journal row, no
 * receipt number, and its key still free. */
static void
refused(fx_t *f, const sale_req_t *req, till_status_t want, const char *what)
{
  post_result_t res = {-7, -7};
  int64_t n = journal_count(f), no = last_no(f);
  till_status_t st = post_sale(f, req, &res);
  if (st != want)
    fail_msg("%s: status %d, expected %d (%s)", what, (int)st, (int)want, f->err);
  if (!f->err[0])
    fail_msg("%s: no error message", what);
  assert_i64_equal(res.ref_id, -7);
  assert_i64_equal(journal_count(f), n);
  assert_i64_equal(last_no(f), no);
  uint8_t key[TILL_KEY_LEN];
  memcpy(key, req->key, TILL_KEY_LEN);
  sqlite3_stmt *st2 = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db, "SELECT count(*) FROM idempotency WHERE key = ?",
                                      -1, &st2, NULL), SQLITE_OK);
  sqlite3_bind_blob(st2, 1, key, TILL_KEY_LEN, SQLITE_TRANSIENT);
  assert_int_equal(sqlite3_step(st2), SQLITE_ROW);
  int used = sqlite3_column_int(st2, 0);
  sqlite3_finalize(st2);
  if (used)
    fail_msg("%s: a refused request burnt its idempotency key", what);
}

static void
test_invalid_sales_are_refused(void **state)
{
  fx_t *f = *state;
  sale_req_t req;

  sale1(f, &req, "PARK1H", 0, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "quantity 0");
  sale1(f, &req, "PARK1H", -1, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "quantity -1");
  sale1(f, &req, "PARK1H", LEDGER_QTY_MAX + 1, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "quantity 1000001");
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  add_line(&req, "PARK2H", 0);
  refused(f, &req, TILL_E_INVALID, "quantity 0 in line 2");

  /* price x quantity beyond the posting limit, in one line and summed */
  sale1(f, &req, "BIG", 101, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "10,000,000.00 x 101");
  sale1(f, &req, "MAXP", LEDGER_QTY_MAX, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "1,000,000,000.00 x 1000000");
  sale1(f, &req, "HALF", 1, TILL_METHOD_CASH);
  add_line(&req, "HALF", 1);
  refused(f, &req, TILL_E_INVALID, "two lines of 600,000,000.00");

  /* tendered */
  sale1(f, &req, "PARK1H", 2, TILL_METHOD_CASH);
  req.tendered = 999;
  refused(f, &req, TILL_E_INVALID, "tendered below the total");
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CARD);
  req.tendered = 500;
  refused(f, &req, TILL_E_INVALID, "tendered on card");

  /* method */
  sale1(f, &req, "PARK1H", 1, (till_method_t)0);
  refused(f, &req, TILL_E_INVALID, "method 0");
  sale1(f, &req, "PARK1H", 1, (till_method_t)(TILL_METHOD_MAX + 1));
  refused(f, &req, TILL_E_INVALID, "method past the last");
  sale1(f, &req, "PARK1H", 1, (till_method_t)-1);
  refused(f, &req, TILL_E_INVALID, "method -1");

  /* line count */
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  req.n_lines = 0;
  refused(f, &req, TILL_E_INVALID, "no lines");
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  req.n_lines = LEDGER_MAX_LINES + 1;
  refused(f, &req, TILL_E_INVALID, "too many lines");

  /* disabled item */
  ledger_fx_exec(f, "UPDATE fee_items SET disabled = 1 WHERE code = 'PARK2H'");
  sale1(f, &req, "PARK2H", 1, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_PRECONDITION, "disabled item");

  assert_i64_equal(journal_count(f), 0);

  /* the limits themselves are allowed */
  sale1(f, &req, "PARK1H", LEDGER_QTY_MAX, TILL_METHOD_CASH);
  assert_i64_equal(sale_ok(f, &req), 1);
  sale1(f, &req, "BIG", 100, TILL_METHOD_CASH); /* exactly LEDGER_TOTAL_MAX */
  assert_i64_equal(sale_ok(f, &req), 2);
  assert_i64_equal(ledger_fx_i64(f, "SELECT amount FROM entries WHERE txn_id = 2 AND seq = 1", 0),
                   LEDGER_TOTAL_MAX);
  sale1(f, &req, "PARK1H", 2, TILL_METHOD_CASH);
  req.tendered = 1000000; /* change given */
  assert_i64_equal(sale_ok(f, &req), 3);
  /* and a refused request's key is usable afterwards */
  sale1(f, &req, "PARK1H", 0, TILL_METHOD_CASH);
  refused(f, &req, TILL_E_INVALID, "quantity 0 again");
  req.lines[0].quantity = 1;
  assert_i64_equal(sale_ok(f, &req), 4);
  verify_chain(f, NULL);
}

/* ---- the hash chain ------------------------------------------------------------ */

static void
test_chain_recomputes_from_rows(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  uint8_t last[TILL_HASH_LEN];

  for (int i = 0; i < 4; i++) {
    sale1(f, &req, i % 2 ? "PARK2H" : "PARK1H", i + 1, i == 2 ? TILL_METHOD_WECHAT : TILL_METHOD_CASH);
    if (i == 3)
      req.memo = "plate 粤B12345";
    sale_ok(f, &req);
  }
  /* a failed posting in between must not leave a trace in the chain */
  sale1(f, &req, "BADACCT", 1, TILL_METHOD_CASH);
  post_result_t res;
  assert_int_not_equal(post_sale(f, &req, &res), TILL_OK);
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CARD);
  sale_ok(f, &req);

  assert_i64_equal(verify_chain(f, last), 5);

  /* the stored hash of the head is the last recomputed one */
  loaded_t *l = malloc(sizeof *l);
  assert_non_null(l);
  load(f, 5, l);
  assert_memory_equal(l->hash, last, TILL_HASH_LEN);
  assert_string_equal(l->t.method, "card");
  load(f, 4, l);
  assert_string_equal(l->t.memo, "plate 粤B12345");
  assert_int_equal(ledger_load_txn(f->sc, 6, &l->t, l->hash, l->buf, sizeof l->buf), 1);
  free(l);

  /* ledger_reload_head agrees with the last row: the signed head names it */
  assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  int64_t sig = sign_head(f);
  assert_i64_equal(ledger_fx_i64(f, "SELECT txn_id FROM chain_signatures WHERE id = ?", sig), 5);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM chain_signatures c JOIN journal j"
                            " ON j.id = c.txn_id AND j.hash = c.head_hash WHERE c.id = ?", sig), 1);

  /* and a restarted ledger continues the same chain */
  ledger_fx_reopen(f);
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  assert_i64_equal(sale_ok(f, &req), 6);
  assert_i64_equal(verify_chain(f, NULL), 6);
}

/* A posting that succeeded inside a savepoint that is then rolled back (a
 * later step of the request failed, or the batch did not commit) must not
 * stay in the ledger's idea of the head. */
static void
test_rollback_after_success_restores_head(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  post_result_t res;

  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  sale_ok(f, &req);
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  sale_ok(f, &req);

  sale1(f, &req, "PARK2H", 1, TILL_METHOD_CASH);
  ledger_fx_begin(f);
  assert_int_equal(ledger_post_sale(f->lg, f->sc, &req, &res, f->err, sizeof f->err), TILL_OK);
  assert_i64_equal(res.ref_id, 3);
  ledger_fx_end(f, TILL_E_UNAVAILABLE); /* roll it back and reload the head */
  assert_i64_equal(journal_count(f), 2);

  /* the same request posts again as new: id 3, receipt 3, chained to 2 */
  assert_i64_equal(sale_ok(f, &req), 3);
  assert_i64_equal(last_no(f), 3);
  assert_i64_equal(verify_chain(f, NULL), 3);

  /* the same with the whole batch rolled back */
  sale1(f, &req, "PARK2H", 1, TILL_METHOD_CASH);
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  assert_int_equal(ledger_post_sale(f->lg, f->sc, &req, &res, f->err, sizeof f->err), TILL_OK);
  ledger_fx_exec(f, "ROLLBACK");
  assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  assert_i64_equal(sale_ok(f, &req), 4);
  assert_i64_equal(verify_chain(f, NULL), 4);
}

/* ---- voids ------------------------------------------------------------------ */

static int64_t
request_void(fx_t *f, int64_t txn_id, const char *by)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db,
                                      "INSERT INTO void_requests(txn_id, reason, requested_by,"
                                      " requested_terminal, requested_at)"
                                      " VALUES (?, 'wrong plate', ?, 'T-LANE-01', 0)",
                                      -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, txn_id);
  sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  return sqlite3_last_insert_rowid(f->sc->db);
}

static void
decision(fx_t *f, void_decision_t *d, int64_t void_id, const char *supervisor, int approve)
{
  memset(d, 0, sizeof *d);
  fresh_key(d->key);
  d->void_id = void_id;
  d->approve = approve;
  d->supervisor = supervisor;
  d->supervisor_roles = ROLES_SUPERVISOR;
  d->terminal = "T-SUP-01";
  d->note = "checked the camera";
}

static void
test_void_decisions(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  void_decision_t d;
  post_result_t res;
  loaded_t *orig = malloc(sizeof *orig), *rev = malloc(sizeof *rev);
  assert_non_null(orig);
  assert_non_null(rev);

  sale1(f, &req, "PARK1H", 2, TILL_METHOD_CASH);
  add_line(&req, "PARK2H", 1);
  int64_t sale = sale_ok(f, &req);
  int64_t vid = request_void(f, sale, "alice");

  /* the requester cannot decide her own void */
  decision(f, &d, vid, "alice", 1);
  assert_int_equal(decide_void(f, &d, &res), TILL_E_DENIED);
  assert_i64_equal(journal_count(f), 1);
  assert_i64_equal(ledger_fx_i64(f, "SELECT state FROM void_requests WHERE id = ?", vid), 1);

  /* another supervisor approves: a reversing transaction */
  decision(f, &d, vid, "bob", 1);
  memset(&res, 0, sizeof res);
  assert_int_equal(decide_void(f, &d, &res), TILL_OK);
  assert_i64_equal(res.ref_id, vid);
  assert_int_equal(res.replayed, 0);
  assert_i64_equal(journal_count(f), 2);
  int64_t rid = ledger_fx_i64(f, "SELECT reversal_txn_id FROM void_requests WHERE id = ?", vid);
  assert_i64_equal(rid, 2);
  assert_i64_equal(ledger_fx_i64(f, "SELECT state FROM void_requests WHERE id = ?", vid), 2);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM void_requests WHERE id = ? AND decided_by = 'bob'"
                            " AND note = 'checked the camera'", vid), 1);

  load(f, sale, orig);
  load(f, rid, rev);
  assert_string_equal(rev->t.kind, "void");
  assert_i64_equal(rev->t.reverses, sale);
  assert_string_equal(rev->t.approver, "bob");
  assert_string_equal(rev->t.memo, "wrong plate");
  assert_string_equal(rev->t.terminal, orig->t.terminal);
  assert_string_equal(rev->t.cashier, orig->t.cashier);
  assert_string_equal(rev->t.method, orig->t.method);
  assert_string_equal(rev->t.series, "");
  assert_i64_equal(rev->t.receipt_no, 0);
  assert_memory_equal(rev->t.idem_key, d.key, TILL_KEY_LEN);
  assert_int_equal(rev->t.n_entries, orig->t.n_entries);
  assert_int_equal(rev->t.n_entries, 3);
  for (size_t i = 0; i < rev->t.n_entries; i++) {
    const till_entry_t *a = &orig->t.entries[i], *b = &rev->t.entries[i];
    assert_int_equal(b->seq, a->seq);
    assert_string_equal(b->account, a->account);
    assert_i64_equal(b->amount, -a->amount);
    assert_true(a->amount != 0);
    assert_string_equal(b->item, a->item);
    assert_i64_equal(b->quantity, a->quantity);
    assert_i64_equal(b->unit_price, a->unit_price);
  }
  /* the drawer is back where it was */
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:1'", 0),
                   0);

  /* the same decision again is a replay */
  memset(&res, 0, sizeof res);
  assert_int_equal(decide_void(f, &d, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  assert_i64_equal(res.ref_id, vid);
  assert_i64_equal(journal_count(f), 2);

  /* a new decision on a decided void */
  decision(f, &d, vid, "bob", 1);
  assert_int_equal(decide_void(f, &d, &res), TILL_E_PRECONDITION);
  decision(f, &d, vid, "carol", 0);
  assert_int_equal(decide_void(f, &d, &res), TILL_E_PRECONDITION);
  assert_i64_equal(journal_count(f), 2);

  /* rejecting posts nothing */
  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CARD);
  int64_t sale2 = sale_ok(f, &req);
  int64_t vid2 = request_void(f, sale2, "alice");
  decision(f, &d, vid2, "bob", 0);
  assert_int_equal(decide_void(f, &d, &res), TILL_OK);
  assert_i64_equal(res.ref_id, vid2);
  assert_i64_equal(journal_count(f), 3);
  assert_i64_equal(ledger_fx_i64(f, "SELECT state FROM void_requests WHERE id = ?", vid2), 3);
  assert_i64_equal(ledger_fx_i64(f, "SELECT reversal_txn_id IS NULL FROM void_requests WHERE id = ?", vid2),
                   1);

  /* no such void */
  decision(f, &d, 999, "bob", 1);
  assert_int_equal(decide_void(f, &d, &res), TILL_E_NOT_FOUND);

  assert_i64_equal(verify_chain(f, NULL), 3);
  free(orig);
  free(rev);
}

/* ---- split payments ------------------------------------------------------------ */

/* A sale of <lines> paid in parts: sale1's fixture with the method form
 * cleared, then each part added with add_part. */
static void
split1(fx_t *f, sale_req_t *req, const char *item, int64_t qty)
{
  sale1(f, req, item, qty, (till_method_t)0);
}

static void
add_part(sale_req_t *req, till_method_t method, int64_t amount, int64_t tendered)
{
  req->parts[req->n_parts++] = (sale_part_t){method, amount, tendered};
}

/* A split sale's entries: one payment entry per part on its method's own
 * account, in the order given, then the lines; the part with amount 0 gets
 * the rest; one part is stored as the method form would be. (The fixture's
 * prices are 5.00 and 8.00, so the figures differ from docs/ledger.md's
 * worked example; its shape is the same.) */
static void
test_split_sale_entries(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  loaded_t *l = malloc(sizeof *l);
  assert_non_null(l);
  int64_t sum = 1;

  /* 300 x 5.00 + 120 x 8.00 = 2,460.00: cash 1,000.00 tendered 1,100.00,
   * WeChat the rest (1,460.00) */
  const int64_t total = 300 * 500 + 120 * 800, cash = 100000, tendered = 110000;
  split1(f, &req, "PARK1H", 300);
  add_line(&req, "PARK2H", 120);
  add_part(&req, TILL_METHOD_CASH, cash, tendered);
  add_part(&req, TILL_METHOD_WECHAT, 0, 0);
  int64_t id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.kind, "sale");
  assert_string_equal(l->t.method, "split");
  assert_int_equal(l->t.n_entries, 4);
  assert_int_equal(l->t.entries[0].seq, 1);
  assert_string_equal(l->t.entries[0].account, "drawer:shift:1");
  assert_i64_equal(l->t.entries[0].amount, cash);
  assert_string_equal(l->t.entries[0].item, "");
  assert_int_equal(l->t.entries[1].seq, 2);
  assert_string_equal(l->t.entries[1].account, "clearing:wechat");
  assert_i64_equal(l->t.entries[1].amount, total - cash);
  assert_string_equal(l->t.entries[1].item, "");
  assert_int_equal(l->t.entries[2].seq, 3);
  assert_string_equal(l->t.entries[2].account, "revenue:PARK1H");
  assert_i64_equal(l->t.entries[2].amount, -300 * 500);
  assert_int_equal(l->t.entries[3].seq, 4);
  assert_string_equal(l->t.entries[3].account, "revenue:PARK2H");
  assert_i64_equal(l->t.entries[3].amount, -120 * 800);
  assert_int_equal(till_chain_sum(&l->t, &sum), 0);
  assert_i64_equal(sum, 0);
  /* tendered is the cash part's; the change never reaches the drawer */
  assert_i64_equal(ledger_fx_i64(f, "SELECT tendered FROM journal WHERE id = ?", id), tendered);
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:1'", 0),
                   cash);
  assert_i64_equal(last_no(f), 1);

  /* the parts keep the order given; cash may take the rest; no tendered */
  split1(f, &req, "PARK2H", 3);
  add_part(&req, TILL_METHOD_CARD, 1000, 0);
  add_part(&req, TILL_METHOD_ALIPAY, 500, 0);
  add_part(&req, TILL_METHOD_CASH, 0, 0);
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.method, "split");
  assert_int_equal(l->t.n_entries, 4);
  assert_string_equal(l->t.entries[0].account, "clearing:card");
  assert_i64_equal(l->t.entries[0].amount, 1000);
  assert_string_equal(l->t.entries[1].account, "clearing:alipay");
  assert_i64_equal(l->t.entries[1].amount, 500);
  assert_string_equal(l->t.entries[2].account, "drawer:shift:1");
  assert_i64_equal(l->t.entries[2].amount, 3 * 800 - 1500);
  assert_string_equal(l->t.entries[3].account, "revenue:PARK2H");
  assert_i64_equal(ledger_fx_i64(f, "SELECT tendered FROM journal WHERE id = ?", id), 0);

  /* one part in the parts form is stored like the method form */
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 1000, 2000);
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.method, "cash");
  assert_int_equal(l->t.n_entries, 2);
  assert_string_equal(l->t.entries[0].account, "drawer:shift:1");
  assert_i64_equal(l->t.entries[0].amount, 1000);
  assert_i64_equal(ledger_fx_i64(f, "SELECT tendered FROM journal WHERE id = ?", id), 2000);
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_TRANSFER, 0, 0);
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_string_equal(l->t.method, "transfer");
  assert_i64_equal(l->t.entries[0].amount, 1000);

  /* all seven methods at once */
  split1(f, &req, "PARK1H", 10);
  for (int m = 1; m <= TILL_METHOD_MAX; m++)
    add_part(&req, (till_method_t)m, m == TILL_METHOD_MAX ? 0 : 100, 0);
  id = sale_ok(f, &req);
  load(f, id, l);
  assert_int_equal(l->t.n_entries, TILL_METHOD_MAX + 1);
  assert_i64_equal(l->t.entries[TILL_METHOD_MAX - 1].amount, 5000 - 600);
  assert_string_equal(l->t.entries[TILL_METHOD_MAX - 1].account, "clearing:subsidy");

  /* the payment accounts map back to their methods */
  assert_int_equal(ledger_account_method("drawer:shift:1"), TILL_METHOD_CASH);
  assert_int_equal(ledger_account_method("clearing:wechat"), TILL_METHOD_WECHAT);
  assert_int_equal(ledger_account_method("clearing:subsidy"), TILL_METHOD_SUBSIDY);
  assert_int_equal(ledger_account_method("clearing:cash"), 0);
  assert_int_equal(ledger_account_method("clearing:bitcoin"), 0);
  assert_int_equal(ledger_account_method("revenue:PARK1H"), 0);
  assert_int_equal(ledger_account_method("safe"), 0);
  /* and the SQL of the same mapping agrees on every payment entry */
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM entries e WHERE e.item = '' AND "
                            LEDGER_SQL_ENTRY_METHOD("e") " = ''", 0), 0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM entries e WHERE e.item = '' AND e.account ="
                            " 'clearing:wechat' AND " LEDGER_SQL_ENTRY_METHOD("e") " = 'wechat'", 0),
                   2);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM entries e WHERE e.item = '' AND "
                            LEDGER_SQL_ENTRY_METHOD("e") " = 'cash'", 0), 4);
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries", 0), 0);
  verify_chain(f, NULL);
  free(l);
}

/* refused() with its message checked too */
static void
refused_with(fx_t *f, const sale_req_t *req, const char *want, const char *what)
{
  refused(f, req, TILL_E_INVALID, what);
  if (!strstr(f->err, want))
    fail_msg("%s: message \"%s\", expected \"%s\"", what, f->err, want);
}

static void
test_split_sale_refusals(void **state)
{
  fx_t *f = *state;
  sale_req_t req;

  /* both forms, and neither */
  split1(f, &req, "PARK1H", 1);
  add_part(&req, TILL_METHOD_CASH, 500, 0);
  req.method = TILL_METHOD_CASH;
  refused_with(f, &req, "not both", "method and parts");
  split1(f, &req, "PARK1H", 1);
  add_part(&req, TILL_METHOD_CASH, 500, 0);
  req.tendered = 500;
  refused_with(f, &req, "not both", "tendered and parts");
  split1(f, &req, "PARK1H", 1);
  refused_with(f, &req, "needs a payment", "neither form");

  /* parts that do not add up name both figures */
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 400, 0);
  add_part(&req, TILL_METHOD_WECHAT, 500, 0);
  refused_with(f, &req, "payments add up to 9.00, the total is 10.00", "short");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 600, 0);
  add_part(&req, TILL_METHOD_WECHAT, 500, 0);
  refused_with(f, &req, "payments add up to 11.00, the total is 10.00", "over");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CARD, 999, 0);
  refused_with(f, &req, "payments add up to 9.99, the total is 10.00", "one part short");

  /* a method twice, an unknown method */
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 500, 0);
  add_part(&req, TILL_METHOD_CASH, 500, 0);
  refused_with(f, &req, "payment parts 1 and 2 are both cash", "cash twice");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CARD, 500, 0);
  add_part(&req, (till_method_t)0, 500, 0);
  refused_with(f, &req, "payment part 2: unknown payment method", "method 0");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, (till_method_t)(TILL_METHOD_MAX + 1), 1000, 0);
  refused_with(f, &req, "payment part 1: unknown payment method", "method past the last");

  /* zero and negative parts */
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 0, 0);
  add_part(&req, TILL_METHOD_WECHAT, 0, 0);
  refused_with(f, &req, "payment parts 1 and 2 both leave their amount 0", "two rests");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CARD, 1000, 0);
  add_part(&req, TILL_METHOD_WECHAT, 0, 0);
  refused_with(f, &req, "nothing is left for wechat", "the rest would be 0");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CARD, 1200, 0);
  add_part(&req, TILL_METHOD_WECHAT, 0, 0);
  refused_with(f, &req, "nothing is left for wechat", "the rest would be negative");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 1100, 0);
  add_part(&req, TILL_METHOD_WECHAT, -100, 0);
  refused_with(f, &req, "payment part 2 (wechat): amount -1.00 must be more than 0.00",
               "negative part");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, LEDGER_TOTAL_MAX + 1, 0);
  add_part(&req, TILL_METHOD_WECHAT, 0, 0);
  refused_with(f, &req, "at most 1000000000.00", "part beyond the posting limit");

  /* tendered */
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 400, 399);
  add_part(&req, TILL_METHOD_WECHAT, 600, 0);
  refused_with(f, &req, "tendered 3.99 is less than the cash part 4.00", "tendered short");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CARD, 400, 0);
  add_part(&req, TILL_METHOD_WECHAT, 600, 600);
  refused_with(f, &req, "payment part 2 (wechat): tendered applies to the cash part only",
               "tendered on WeChat");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 400, -1);
  add_part(&req, TILL_METHOD_WECHAT, 600, 0);
  refused_with(f, &req, "tendered must be 0 to", "negative tendered");
  split1(f, &req, "PARK1H", 2);
  add_part(&req, TILL_METHOD_CASH, 0, 999);
  refused_with(f, &req, "tendered 9.99 is less than the total 10.00", "one cash part short");

  /* more parts than methods */
  split1(f, &req, "PARK1H", 10);
  for (int m = 1; m <= TILL_METHOD_MAX; m++)
    add_part(&req, (till_method_t)m, 100, 0);
  req.n_parts = LEDGER_MAX_PARTS + 1; /* refused before any part is read */
  refused_with(f, &req, "at most 7 payment parts", "eight parts");

  assert_i64_equal(journal_count(f), 0);
  assert_i64_equal(last_no(f), 0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM entries", 0), 0);
}

static void
test_split_sale_idempotency_and_void(void **state)
{
  fx_t *f = *state;
  sale_req_t req, other;
  post_result_t res;
  void_decision_t d;
  loaded_t *orig = malloc(sizeof *orig), *rev = malloc(sizeof *rev);
  assert_non_null(orig);
  assert_non_null(rev);

  split1(f, &req, "PARK1H", 4);
  add_part(&req, TILL_METHOD_ALIPAY, 1200, 0);
  add_part(&req, TILL_METHOD_CASH, 0, 1000);
  int64_t id = sale_ok(f, &req);
  int64_t n = journal_count(f);

  /* a retry replays; other parts, order or form with the same key conflict */
  memset(&res, 0, sizeof res);
  assert_int_equal(post_sale(f, &req, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  assert_i64_equal(res.ref_id, id);
  other = req;
  other.parts[0].amount = 1100;
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  other = req;
  other.parts[0] = req.parts[1];
  other.parts[1] = req.parts[0];
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  other = req;
  other.parts[1].tendered = 2000;
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  other = req;
  other.n_parts = 0;
  other.method = TILL_METHOD_ALIPAY;
  assert_int_equal(post_sale(f, &other, &res), TILL_E_CONFLICT);
  assert_i64_equal(journal_count(f), n);
  assert_i64_equal(last_no(f), 1);
  /* also after a restart */
  ledger_fx_reopen(f);
  memset(&res, 0, sizeof res);
  assert_int_equal(post_sale(f, &req, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  assert_i64_equal(res.ref_id, id);
  assert_i64_equal(journal_count(f), n);

  /* a void takes every part back out of its own account */
  int64_t vid = request_void(f, id, "alice");
  decision(f, &d, vid, "bob", 1);
  assert_int_equal(decide_void(f, &d, &res), TILL_OK);
  int64_t rid = ledger_fx_i64(f, "SELECT reversal_txn_id FROM void_requests WHERE id = ?", vid);
  load(f, id, orig);
  load(f, rid, rev);
  assert_string_equal(rev->t.method, "split");
  assert_i64_equal(rev->t.reverses, id);
  assert_int_equal(rev->t.n_entries, 3);
  assert_string_equal(rev->t.entries[0].account, "clearing:alipay");
  assert_i64_equal(rev->t.entries[0].amount, -1200);
  assert_string_equal(rev->t.entries[1].account, "drawer:shift:1");
  assert_i64_equal(rev->t.entries[1].amount, -(4 * 500 - 1200));
  for (size_t i = 0; i < rev->t.n_entries; i++) {
    assert_string_equal(rev->t.entries[i].account, orig->t.entries[i].account);
    assert_i64_equal(rev->t.entries[i].amount, -orig->t.entries[i].amount);
  }
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:1'", 0),
                   0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT sum(amount) FROM entries WHERE account = 'clearing:alipay'", 0),
                   0);
  assert_i64_equal(verify_chain(f, NULL), 2);
  free(orig);
  free(rev);
}

/* ---- the signed chain head ------------------------------------------------------- */

/* Check chain_signatures row <sig> with the key server_keys names, over the
 * message docs/ledger.md specifies, built here by hand. Returns 1 if valid. */
static int
signature_valid(fx_t *f, int64_t sig, int tamper)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db,
                                      "SELECT c.txn_id, c.head_hash, c.at_ms, c.signature,"
                                      " k.public_key, k.algorithm, c.reason FROM chain_signatures c"
                                      " JOIN server_keys k ON k.id = c.key_id WHERE c.id = ?",
                                      -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, sig);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t txn_id = sqlite3_column_int64(st, 0);
  assert_int_equal(sqlite3_column_bytes(st, 1), TILL_HASH_LEN);
  int64_t at_ms = sqlite3_column_int64(st, 2);
  assert_int_equal(sqlite3_column_bytes(st, 3), 64);
  assert_int_equal(sqlite3_column_bytes(st, 4), 32);
  assert_string_equal((const char *)sqlite3_column_text(st, 5), "ed25519");

  /* TILL-HEAD-V2: the tag, the head, the time, and the reason as a str
   * (a big-endian u32 length, then its bytes) -- docs/ledger.md */
  const char *reason = (const char *)sqlite3_column_text(st, 6);
  size_t rlen = strlen(reason);
  assert_true(rlen < 64);
  uint8_t msg[12 + 8 + TILL_HASH_LEN + 8 + 4 + 64], sigb[64], pub[32];
  size_t msglen = 12 + 8 + TILL_HASH_LEN + 8 + 4 + rlen;
  memcpy(msg, "TILL-HEAD-V2", 12);
  put_be64(msg + 12, txn_id);
  memcpy(msg + 20, sqlite3_column_blob(st, 1), TILL_HASH_LEN);
  put_be64(msg + 52, at_ms);
  msg[60] = (uint8_t)(rlen >> 24);
  msg[61] = (uint8_t)(rlen >> 16);
  msg[62] = (uint8_t)(rlen >> 8);
  msg[63] = (uint8_t)rlen;
  memcpy(msg + 64, reason, rlen);
  memcpy(sigb, sqlite3_column_blob(st, 3), 64);
  memcpy(pub, sqlite3_column_blob(st, 4), 32);
  sqlite3_finalize(st);
  if (tamper)
    msg[msglen - 1] ^= 1; /* the reason's last byte: the reason is signed */

  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
  assert_non_null(pk);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_non_null(md);
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk), 1);
  int ok = EVP_DigestVerify(md, sigb, sizeof sigb, msg, msglen) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pk);
  return ok;
}

/* ---- tamper: the signing policy ---- */
/* ledger_sign_head with the chain verified or not: the status, nothing
 * written when refused. */
static till_status_t
try_sign(fx_t *f)
{
  int64_t sig = -1, before = ledger_fx_i64(f, "SELECT count(*) FROM chain_signatures WHERE id > ?", 0);
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  till_status_t st = ledger_sign_head(f->lg, f->sc, "test", &sig);
  ledger_fx_exec(f, st == TILL_OK ? "COMMIT" : "ROLLBACK");
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM chain_signatures WHERE id > ?", 0),
                   before + (st == TILL_OK));
  return st;
}

/* The server signs a head only once the chain up to it is verified: a row
 * appended behind its back (then picked up as the head after a rollback)
 * and the stored hash of its own head rewritten are both refused; its own
 * postings sign without a re-read. */
static void
test_sign_only_verified(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  for (int i = 0; i < 3; i++) {
    sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
    sale_ok(f, &req);
  }
  assert_int_equal(try_sign(f), TILL_OK);
  sale1(f, &req, "PARK1H", 2, TILL_METHOD_CASH);
  sale_ok(f, &req);
  assert_int_equal(try_sign(f), TILL_OK); /* its own posting: verified as made */

  /* a forged transaction 6 appended with a made-up hash, re-read as the head */
  ledger_fx_exec(f, "BEGIN; INSERT INTO entries(txn_id, seq, account, amount)"
             " SELECT 6, seq, account, amount FROM entries WHERE txn_id = 1;"
             "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, hash)"
             " VALUES (6, 'sale', 1, 'T-LANE-01', 'alice', randomblob(32)); COMMIT");
  assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  assert_int_equal(try_sign(f), TILL_E_INTERNAL);
  ledger_fx_exec(f, "DROP TRIGGER journal_no_delete; DROP TRIGGER entries_no_delete;"
             "DELETE FROM entries WHERE txn_id = 6; DELETE FROM journal WHERE id = 6");
  assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  assert_int_equal(try_sign(f), TILL_OK); /* back to what it verified */

  /* a signature rolled back with the postings before it (a failed batch):
   * the server falls back to the newest signed head still stored */
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  /* more postings than the ring of heads it remembers */
  for (int i = 0; i < LEDGER_RECENT + 8; i++) {
    post_result_t res;
    sale1(f, &req, "PARK1H", 3, TILL_METHOD_CASH);
    req.key[12] = 0x5a; /* a key of its own for each: fresh_key wraps at 256 */
    req.key[13] = (uint8_t)(i >> 8);
    req.key[14] = (uint8_t)i;
    assert_int_equal(ledger_post_sale(f->lg, f->sc, &req, &res, f->err, sizeof f->err), TILL_OK);
  }
  int64_t rolled = -1;
  assert_int_equal(ledger_sign_head(f->lg, f->sc, "test", &rolled), TILL_OK);
  ledger_fx_exec(f, "ROLLBACK");
  assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  assert_int_equal(try_sign(f), TILL_OK);

  /* its own head's stored hash rewritten under it */
  ledger_fx_exec(f, "DROP TRIGGER journal_no_update;"
             "UPDATE journal SET hash = randomblob(32) WHERE id = (SELECT max(id) FROM journal)");
  assert_int_equal(try_sign(f), TILL_E_INTERNAL);
}
/* ---- end of tamper ---- */

static void
test_signed_head_verifies(void **state)
{
  fx_t *f = *state;
  sale_req_t req;

  /* the empty chain is signed as id 0 with the zero hash */
  int64_t sig0 = sign_head(f);
  assert_i64_equal(ledger_fx_i64(f, "SELECT txn_id FROM chain_signatures WHERE id = ?", sig0), 0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT head_hash = zeroblob(32) FROM chain_signatures WHERE id = ?",
                         sig0), 1);
  assert_true(signature_valid(f, sig0, 0));

  for (int i = 0; i < 3; i++) {
    sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
    sale_ok(f, &req);
  }
  uint8_t last[TILL_HASH_LEN];
  verify_chain(f, last);
  int64_t sig = sign_head(f);
  assert_true(sig != sig0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT txn_id FROM chain_signatures WHERE id = ?", sig), 3);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db,
                                      "SELECT head_hash, reason FROM chain_signatures WHERE id = ?",
                                      -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, sig);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_bytes(st, 0), TILL_HASH_LEN);
  assert_memory_equal(sqlite3_column_blob(st, 0), last, TILL_HASH_LEN);
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "test");
  sqlite3_finalize(st);
  assert_true(signature_valid(f, sig, 0));
  assert_false(signature_valid(f, sig, 1)); /* the check is not vacuous */

  /* server_keys holds the public half of the key file */
  FILE *kf = fopen(f->key, "r");
  assert_non_null(kf);
  EVP_PKEY *priv = PEM_read_PrivateKey(kf, NULL, NULL, NULL);
  fclose(kf);
  assert_non_null(priv);
  uint8_t pub[32];
  size_t publen = sizeof pub;
  assert_int_equal(EVP_PKEY_get_raw_public_key(priv, pub, &publen), 1);
  EVP_PKEY_free(priv);
  assert_int_equal(publen, 32);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM server_keys", 0), 1);
  assert_int_equal(sqlite3_prepare_v2(f->sc->db, "SELECT public_key FROM server_keys", -1, &st,
                                      NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_bytes(st, 0), 32);
  assert_memory_equal(sqlite3_column_blob(st, 0), pub, 32);
  sqlite3_finalize(st);
}

/* ---- append-only triggers --------------------------------------------------------- */

static void
test_triggers_refuse_edits(void **state)
{
  fx_t *f = *state;
  sale_req_t req;
  uint8_t before[TILL_HASH_LEN], after[TILL_HASH_LEN];

  sale1(f, &req, "PARK1H", 1, TILL_METHOD_CASH);
  sale_ok(f, &req);
  sale1(f, &req, "PARK2H", 1, TILL_METHOD_CASH);
  sale_ok(f, &req);
  verify_chain(f, before);

  ledger_fx_exec_fails(f, "UPDATE journal SET memo = 'x' WHERE id = 1", "append-only");
  ledger_fx_exec_fails(f, "UPDATE journal SET hash = zeroblob(32) WHERE id = 2", "append-only");
  ledger_fx_exec_fails(f, "DELETE FROM journal WHERE id = 2", "append-only");
  ledger_fx_exec_fails(f, "UPDATE entries SET amount = amount + 1 WHERE txn_id = 1", "append-only");
  ledger_fx_exec_fails(f, "DELETE FROM entries WHERE txn_id = 2", "append-only");
  ledger_fx_exec_fails(f, "UPDATE idempotency SET ref_id = 2", "append-only");
  ledger_fx_exec_fails(f, "DELETE FROM idempotency", "append-only");

  /* an entry added to a sealed transaction */
  ledger_fx_exec_fails(f, "INSERT INTO entries(txn_id, seq, account, amount)"
                " VALUES (1, 3, 'drawer:shift:1', 0)", "sealed");

  /* a journal row whose entries do not sum to zero, or with only one entry */
  static const char journal_3[] =
    "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, hash)"
    " VALUES (3, 'sale', 0, 'T-LANE-01', 'alice', zeroblob(32))";
  ledger_fx_exec(f, "BEGIN");
  ledger_fx_exec(f, "INSERT INTO entries(txn_id, seq, account, amount) VALUES"
             " (3, 1, 'drawer:shift:1', 500), (3, 2, 'revenue:PARK1H', -499)");
  ledger_fx_exec_fails(f, journal_3, "summing to zero");
  ledger_fx_exec(f, "ROLLBACK");
  ledger_fx_exec(f, "BEGIN");
  ledger_fx_exec(f, "INSERT INTO entries(txn_id, seq, account, amount) VALUES"
             " (3, 1, 'drawer:shift:1', 0)");
  ledger_fx_exec_fails(f, journal_3, "two or more entries");
  ledger_fx_exec(f, "ROLLBACK");
  ledger_fx_exec(f, "BEGIN");
  ledger_fx_exec_fails(f, journal_3, "two or more entries"); /* no entries at all */
  ledger_fx_exec(f, "ROLLBACK");
  /* the same row with balanced entries is accepted: the refusals above were
   * the balance check, not some other constraint */
  ledger_fx_exec(f, "BEGIN");
  ledger_fx_exec(f, "INSERT INTO entries(txn_id, seq, account, amount) VALUES"
             " (3, 1, 'drawer:shift:1', 500), (3, 2, 'revenue:PARK1H', -500)");
  ledger_fx_exec(f, journal_3);
  ledger_fx_exec(f, "ROLLBACK");

  /* nothing changed */
  assert_i64_equal(verify_chain(f, after), 2);
  assert_memory_equal(before, after, TILL_HASH_LEN);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM entries", 0), 4);
}

/* ---- the signing key file ---------------------------------------------------------- */

static void
test_signing_key_mode(void **state)
{
  fx_t *f = *state;
  struct stat sb;
  assert_int_equal(stat(f->key, &sb), 0);
  assert_true(S_ISREG(sb.st_mode));
  assert_int_equal(sb.st_mode & 0777, 0600);

  ledger_fx_shut(f);
  assert_int_equal(chmod(f->key, 0644), 0);
  store_conn_t *sc = store_open_rw(f->db, "full", schema_all(), f->err, sizeof f->err);
  assert_non_null(sc);
  f->err[0] = '\0';
  ledger_t *lg = ledger_open(sc, f->key, f->err, sizeof f->err);
  assert_null(lg);
  if (!strstr(f->err, "644") || !strstr(f->err, f->key))
    fail_msg("the refusal should name the file and its mode: %s", f->err);

  assert_int_equal(chmod(f->key, 0660), 0); /* its group could write it */
  f->err[0] = '\0';
  assert_null(ledger_open(sc, f->key, f->err, sizeof f->err));
  assert_non_null(strstr(f->err, "660"));

  /* back to 0600 it opens, with the same key (no second server_keys row) */
  assert_int_equal(chmod(f->key, 0600), 0);
  lg = ledger_open(sc, f->key, f->err, sizeof f->err);
  if (!lg)
    fail_msg("ledger_open: %s", f->err);
  f->sc = sc; /* teardown closes them */
  f->lg = lg;
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM server_keys", 0), 1);

  /* a file that is not a key */
  char junk[PATH_MAX];
  snprintf(junk, sizeof junk, "%s/junk.pem", f->dir);
  FILE *j = fopen(junk, "w");
  assert_non_null(j);
  fputs("not a key\n", j);
  fclose(j);
  assert_int_equal(chmod(junk, 0600), 0);
  f->err[0] = '\0';
  assert_null(ledger_open(f->sc, junk, f->err, sizeof f->err));
  assert_non_null(strstr(f->err, "Ed25519"));
}

/* ---- keys: a ledger keeps its keys; rotation endorses the next one ---- */

static void
test_key_rotation(void **state)
{
  fx_t *f = *state;
  char other[PATH_MAX], third[PATH_MAX];
  snprintf(other, sizeof other, "%s/other-key.pem", f->dir);
  snprintf(third, sizeof third, "%s/third-key.pem", f->dir);
  ledger_free(f->lg);
  f->lg = NULL;

  /* a key the ledger never had is refused, and nothing is registered */
  f->err[0] = '\0';
  assert_null(ledger_open(f->sc, other, f->err, sizeof f->err));
  if (!strstr(f->err, "not one of this ledger's keys") || !strstr(f->err, "rotate-key"))
    fail_msg("a foreign key should be refused, naming rotate-key: %s", f->err);
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM server_keys", 0), 1);

  /* rotate to it (the file now exists): key 2, endorsed by key 1 */
  ledger_rotation_t rot;
  if (ledger_rotate_key(f->sc, f->key, other, &rot, f->err, sizeof f->err) != 0)
    fail_msg("rotate: %s", f->err);
  assert_i64_equal(rot.old_id, 1);
  assert_i64_equal(rot.new_id, 2);
  assert_i64_equal(ledger_fx_i64(f, "SELECT endorsed_by FROM server_keys WHERE id = 2", 0), 1);
  assert_i64_equal(ledger_fx_i64(f, "SELECT length(endorsement) FROM server_keys WHERE id = 2", 0), 64);

  /* the endorsement verifies under key 1 over the documented message */
  till_canon_t c;
  till_canon_init(&c);
  till_key_endorsement_message(&c, 2, rot.new_pub,
                               ledger_fx_i64(f, "SELECT created_at FROM server_keys WHERE id = 2", 0), 1,
                               rot.old_pub);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db, "SELECT endorsement FROM server_keys WHERE id = 2",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, rot.old_pub, 32);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk), 1);
  assert_int_equal(EVP_DigestVerify(md, sqlite3_column_blob(st, 0), 64, c.data, c.len), 1);
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pk);
  sqlite3_finalize(st);
  till_canon_free(&c);

  /* the old key is retired; the old key cannot rotate again; a key is used once */
  f->err[0] = '\0';
  assert_null(ledger_open(f->sc, f->key, f->err, sizeof f->err));
  assert_non_null(strstr(f->err, "which key 2"));
  EVP_PKEY *k3 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  FILE *kf = fopen(third, "w");
  assert_non_null(k3);
  assert_non_null(kf);
  assert_int_equal(PEM_write_PrivateKey(kf, k3, NULL, NULL, 0, NULL, NULL), 1);
  fclose(kf);
  EVP_PKEY_free(k3);
  assert_int_equal(chmod(third, 0600), 0);
  f->err[0] = '\0';
  assert_int_not_equal(ledger_rotate_key(f->sc, f->key, third, &rot, f->err, sizeof f->err), 0);
  assert_non_null(strstr(f->err, "not the ledger's current key (key 2"));
  assert_int_not_equal(ledger_rotate_key(f->sc, other, f->key, &rot, f->err, sizeof f->err), 0);
  assert_non_null(strstr(f->err, "already key 1"));
  assert_i64_equal(ledger_fx_i64(f, "SELECT count(*) FROM server_keys", 0), 2);

  /* the new key opens and signs under key 2; server_keys is append-only */
  f->lg = ledger_open(f->sc, other, f->err, sizeof f->err);
  if (!f->lg)
    fail_msg("ledger_open with the new key: %s", f->err);
  int64_t sig;
  assert_int_equal(store_exec(f->sc->db, "BEGIN", "t"), 0);
  assert_int_equal(ledger_sign_head(f->lg, f->sc, "checkpoint", &sig), TILL_OK);
  assert_int_equal(store_exec(f->sc->db, "COMMIT", "t"), 0);
  assert_i64_equal(ledger_fx_i64(f, "SELECT key_id FROM chain_signatures ORDER BY id DESC LIMIT 1", 0), 2);
  assert_int_not_equal(sqlite3_exec(f->sc->db, "DELETE FROM server_keys WHERE id = 1", NULL, NULL,
                                    NULL),
                       SQLITE_OK);
}

int
main(void)
{
  till_log_set_level(LOG_ERR);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_series_numbers_have_no_gaps, setup, teardown),
    cmocka_unit_test_setup_teardown(test_idempotent_replay_and_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_cash_and_card_entries, setup, teardown),
    cmocka_unit_test_setup_teardown(test_invalid_sales_are_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(test_chain_recomputes_from_rows, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rollback_after_success_restores_head, setup, teardown),
    cmocka_unit_test_setup_teardown(test_void_decisions, setup, teardown),
    cmocka_unit_test_setup_teardown(test_split_sale_entries, setup, teardown),
    cmocka_unit_test_setup_teardown(test_split_sale_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(test_split_sale_idempotency_and_void, setup, teardown),
    cmocka_unit_test_setup_teardown(test_signed_head_verifies, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sign_only_verified, setup, teardown),
    cmocka_unit_test_setup_teardown(test_triggers_refuse_edits, setup, teardown),
    cmocka_unit_test_setup_teardown(test_signing_key_mode, setup, teardown),
    cmocka_unit_test_setup_teardown(test_key_rotation, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
