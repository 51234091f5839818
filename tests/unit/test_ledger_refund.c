/* test_ledger_refund.c -- unit tests for ledger_post_refund, the posting
 * engine's entry for refunds (server/engine/ledger_refund.h), on a real
 * SQLite file with the real schema.
 *
 * Covered: an approved refund posts Cr the paying cashier's drawer / Dr the
 * sale's revenue, numbered in the refund series in the paying shift, and
 * marks the request paid; back to the original's non-cash method; every
 * refusal writes nothing, not even a receipt number -- a request not
 * approved, a leg on an account the original did not touch, a leg in the
 * original's own sign, a leg on a payment account, more than is left on an
 * account or on the original after earlier refunds, a total other than the
 * approved one, partial refunds off, a voided original, a refund as the
 * original, no open shift, no refund series, a split original paid back
 * "to the original"; a replayed key answers the first result. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "ledger_fixture.h"
#include "ledger_refund.h"
#include "schema.h"
#include "store.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

typedef ledger_fx_t fx_t;

/* the two sales each test starts from, posted by setup */
static int64_t sale_id;   /* PARK:4 + WASH:2, cash: 25.00 */
static int64_t split_id;  /* PARK:2 paid 5.00 cash + 5.00 wechat */

static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HT', 'receipt', 'test', 0),"
  " ('TF', 'refund', 'refunds', 0);"
  "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " VALUES ('PARK', 'Parking', 500, 'HT', 'revenue:PARK', 0),"
  "        ('WASH', 'Car wash', 250, 'HT', 'revenue:WASH', 0);"
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " VALUES (1, 'T1', 'alice', 0, 0, '2026-01-01'), (2, 'T2', 'bob', 0, 0, '2026-01-01');";

static int
teardown(void **state)
{
  return ledger_fx_close(*state);
}

static int64_t
q_i64(fx_t *f, const char *sql)
{
  return ledger_fx_i64(f, sql, 0);
}

static int64_t
sale(fx_t *f, int split)
{
  sale_req_t s;
  post_result_t res;
  memset(&s, 0, sizeof s);
  static unsigned char next = 1;
  s.key[0] = 0xA0;
  s.key[1] = next++;
  s.terminal = "T1";
  s.cashier = "alice";
  s.memo = "";
  if (split) {
    snprintf(s.lines[0].item, sizeof s.lines[0].item, "PARK");
    s.lines[0].quantity = 2;
    s.n_lines = 1;
    s.parts[0] = (sale_part_t){TILL_METHOD_CASH, 500, 0};
    s.parts[1] = (sale_part_t){TILL_METHOD_WECHAT, 0, 0};
    s.n_parts = 2;
  } else {
    snprintf(s.lines[0].item, sizeof s.lines[0].item, "PARK");
    s.lines[0].quantity = 4;
    snprintf(s.lines[1].item, sizeof s.lines[1].item, "WASH");
    s.lines[1].quantity = 2;
    s.n_lines = 2;
    s.method = TILL_METHOD_CASH;
  }
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  assert_int_equal(ledger_post_sale(f->lg, f->sc, &s, &res, f->err, sizeof f->err), TILL_OK);
  ledger_fx_exec(f, "COMMIT");
  return res.ref_id;
}

static int
setup(void **state)
{
  fx_t *f = ledger_fx_open("till-test-ledger-refund", SEED_SQL);
  if (!f)
    return -1;
  *state = f;
  sale_id = sale(f, 0);
  split_id = sale(f, 1);
  return 0;
}

/* A refund request of <amount> on <orig> in <state>: its id. */
static int64_t
request(fx_t *f, int64_t orig, int64_t amount, const char *state)
{
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO refunds(orig_txn_id, amount, reason, reference, requested_by,"
           " requested_terminal, requested_at, state, decided_by)"
           " VALUES (%lld, %lld, 'test', 'REF-1', 'alice', 'T1', 0, '%s', 'sam')",
           (long long)orig, (long long)amount, state);
  ledger_fx_exec(f, sql);
  return sqlite3_last_insert_rowid(f->sc->db);
}

static void
leg(refund_post_t *p, const char *account, int64_t amount, const char *item)
{
  ledger_refund_leg_t *l = &p->legs[p->n_legs++];
  memset(l, 0, sizeof *l);
  snprintf(l->account, sizeof l->account, "%s", account);
  snprintf(l->item, sizeof l->item, "%s", item);
  l->amount = amount;
}

static void
post_init(refund_post_t *p, int64_t id, const char *terminal, const char *cashier, int key)
{
  memset(p, 0, sizeof *p);
  p->key[0] = 0xB0;
  p->key[1] = (uint8_t)key;
  p->req_hash[0] = (uint8_t)key;
  p->refund_id = id;
  p->terminal = terminal;
  p->cashier = cashier;
  p->partial_allowed = 1;
}

static till_status_t
post(fx_t *f, const refund_post_t *p, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_post_refund(f->lg, f->sc, p, res, f->receipt, sizeof f->receipt,
                                        f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

/* journal rows, entries, numbers taken, idempotency rows, paid refunds */
static int64_t
fingerprint(fx_t *f)
{
  return q_i64(f, "SELECT (SELECT count(*) FROM journal) * 1000000"
                  " + (SELECT count(*) FROM entries) * 10000"
                  " + (SELECT coalesce(sum(last_no), 0) FROM series_counters) * 100"
                  " + (SELECT count(*) FROM idempotency) * 10"
                  " + (SELECT count(*) FROM refunds WHERE state = 'paid')");
}

static void
test_refund_posts_and_numbers(void **state)
{
  fx_t *f = *state;
  refund_post_t p;
  post_result_t res;
  int64_t id = request(f, sale_id, 500, "approved");
  post_init(&p, id, "T2", "bob", 1);
  leg(&p, "revenue:PARK", 500, "PARK");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_non_null(strstr(f->receipt, "TF"));
  assert_non_null(strstr(f->receipt, "-00000001"));
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT shift_id FROM journal WHERE id = %lld AND kind = 'refund'"
           " AND approver = 'sam' AND method = 'cash'", (long long)res.ref_id);
  assert_i64_equal(q_i64(f, sql), 2); /* bob's shift pays it */
  snprintf(sql, sizeof sql, "SELECT amount FROM entries WHERE txn_id = %lld AND seq = 1"
           " AND account = 'drawer:shift:2'", (long long)res.ref_id);
  assert_i64_equal(q_i64(f, sql), -500);
  snprintf(sql, sizeof sql, "SELECT refund_txn_id FROM refunds WHERE id = %lld AND state = 'paid'",
           (long long)id);
  assert_i64_equal(q_i64(f, sql), res.ref_id);

  /* the same key again: the first result, nothing new */
  int64_t before = fingerprint(f);
  post_result_t again;
  assert_int_equal(post(f, &p, &again), TILL_OK);
  assert_true(again.replayed);
  assert_i64_equal(again.ref_id, res.ref_id);
  assert_i64_equal(fingerprint(f), before);
  /* another key on a paid request: refused */
  post_init(&p, id, "T2", "bob", 2);
  leg(&p, "revenue:PARK", 500, "PARK");
  assert_int_equal(post(f, &p, &again), TILL_E_PRECONDITION);
  assert_non_null(strstr(f->err, "already paid"));
  assert_i64_equal(fingerprint(f), before);
}

/* Post <p>, expect <want> with <msg> in the message, nothing written. */
static void
refused(fx_t *f, const refund_post_t *p, till_status_t want, const char *msg)
{
  post_result_t res;
  int64_t before = fingerprint(f);
  till_status_t st = post(f, p, &res);
  if (st != want || !strstr(f->err, msg))
    fail_msg("want %d '%s', got %d '%s'", want, msg, st, f->err);
  assert_i64_equal(fingerprint(f), before);
}

static void
test_every_refusal_writes_nothing(void **state)
{
  fx_t *f = *state;
  refund_post_t p;
  post_result_t res;

  int64_t asked = request(f, sale_id, 500, "requested");
  post_init(&p, asked, "T1", "alice", 10);
  leg(&p, "revenue:PARK", 500, "PARK");
  refused(f, &p, TILL_E_PRECONDITION, "is not approved yet");

  int64_t id = request(f, sale_id, 500, "approved");
  post_init(&p, id, "T1", "alice", 11);
  leg(&p, "revenue:OTHER", 500, "OTHER");
  refused(f, &p, TILL_E_INVALID, "may only reverse its own entries");
  post_init(&p, id, "T1", "alice", 12);
  leg(&p, "revenue:PARK", -500, "PARK"); /* the original's own sign */
  refused(f, &p, TILL_E_INVALID, "may only reverse its own entries");
  post_init(&p, id, "T1", "alice", 13);
  leg(&p, "drawer:shift:1", 500, ""); /* the paid-out leg is the engine's */
  refused(f, &p, TILL_E_INVALID, "may only reverse its own entries");
  post_init(&p, id, "T1", "alice", 14);
  leg(&p, "revenue:WASH", 600, "WASH"); /* the sale put 5.00 there */
  refused(f, &p, TILL_E_PRECONDITION, "more from revenue:WASH than the original put there");
  post_init(&p, id, "T1", "alice", 15);
  leg(&p, "revenue:PARK", 400, "PARK"); /* not the 5.00 approved */
  refused(f, &p, TILL_E_PRECONDITION, "not the 5.00 approved");
  post_init(&p, id, "T1", "alice", 16);
  refused(f, &p, TILL_E_INVALID, "1 to 63 entries");
  post_init(&p, id, "T1", "alice", 17);
  leg(&p, "revenue:PARK", 500, "PARK");
  p.partial_allowed = 0;
  refused(f, &p, TILL_E_PRECONDITION, "partial refunds are off");
  post_init(&p, id, "T9", "carol", 18); /* no open shift */
  leg(&p, "revenue:PARK", 500, "PARK");
  refused(f, &p, TILL_E_PRECONDITION, "");
  ledger_fx_exec(f, "UPDATE series SET kind = 'receipt' WHERE prefix = 'TF'");
  post_init(&p, id, "T1", "alice", 19);
  leg(&p, "revenue:PARK", 500, "PARK");
  refused(f, &p, TILL_E_PRECONDITION, "no receipt series of kind refund");
  ledger_fx_exec(f, "UPDATE series SET kind = 'refund' WHERE prefix = 'TF'");

  /* a split original goes back in cash only */
  int64_t sp = request(f, split_id, 1000, "approved");
  post_init(&p, sp, "T1", "alice", 20);
  leg(&p, "revenue:PARK", 1000, "PARK");
  p.to_original = 1;
  refused(f, &p, TILL_E_PRECONDITION, "paid by more than one method");

  /* 20.00 paid back of 25.00: 5.01 more is over what is left */
  int64_t big = request(f, sale_id, 2000, "approved");
  post_init(&p, big, "T1", "alice", 21);
  leg(&p, "revenue:PARK", 1500, "PARK");
  leg(&p, "revenue:WASH", 500, "WASH");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  int64_t over = request(f, sale_id, 501, "approved");
  post_init(&p, over, "T1", "alice", 22);
  leg(&p, "revenue:PARK", 501, "PARK");
  refused(f, &p, TILL_E_PRECONDITION, "more from revenue:PARK than the original put there");
  /* and the original is neither a refund nor voided */
  int64_t of_refund = request(f, res.ref_id, 100, "approved");
  post_init(&p, of_refund, "T1", "alice", 23);
  leg(&p, "drawer:shift:1", 100, "");
  refused(f, &p, TILL_E_PRECONDITION, "cannot be refunded");
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT refund_txn_id FROM refunds WHERE id = %lld", (long long)big);
  assert_i64_equal(q_i64(f, sql), res.ref_id);
}

static void
test_to_original_and_voided(void **state)
{
  fx_t *f = *state;
  refund_post_t p;
  post_result_t res;
  /* a WeChat sale refunded to WeChat */
  sale_req_t s;
  memset(&s, 0, sizeof s);
  s.key[0] = 0xC1;
  s.terminal = "T1";
  s.cashier = "alice";
  s.memo = "";
  snprintf(s.lines[0].item, sizeof s.lines[0].item, "PARK");
  s.lines[0].quantity = 1;
  s.n_lines = 1;
  s.method = TILL_METHOD_WECHAT;
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  assert_int_equal(ledger_post_sale(f->lg, f->sc, &s, &res, f->err, sizeof f->err), TILL_OK);
  ledger_fx_exec(f, "COMMIT");
  int64_t wx = res.ref_id;
  int64_t id = request(f, wx, 500, "approved");
  post_init(&p, id, "T2", "bob", 30);
  leg(&p, "revenue:PARK", 500, "PARK");
  p.to_original = 1;
  assert_int_equal(post(f, &p, &res), TILL_OK);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT amount FROM entries WHERE txn_id = %lld AND seq = 1"
           " AND account = 'clearing:wechat'", (long long)res.ref_id);
  assert_i64_equal(q_i64(f, sql), -500);

  /* a voided sale: refused */
  void_decision_t d;
  memset(&d, 0, sizeof d);
  snprintf(sql, sizeof sql, "INSERT INTO void_requests(txn_id, reason, requested_by,"
           " requested_terminal, requested_at) VALUES (%lld, 'typo', 'alice', 'T1', 0)",
           (long long)sale_id);
  ledger_fx_exec(f, sql);
  d.key[0] = 0xD1;
  d.void_id = sqlite3_last_insert_rowid(f->sc->db);
  d.approve = 1;
  d.supervisor = "sam";
  d.supervisor_roles = TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR);
  d.terminal = "T1";
  d.note = "";
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  assert_int_equal(ledger_decide_void(f->lg, f->sc, &d, &res, f->err, sizeof f->err), TILL_OK);
  ledger_fx_exec(f, "COMMIT");
  id = request(f, sale_id, 500, "approved");
  post_init(&p, id, "T1", "alice", 31);
  leg(&p, "revenue:PARK", 500, "PARK");
  refused(f, &p, TILL_E_PRECONDITION, "was voided");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_refund_posts_and_numbers, setup, teardown),
    cmocka_unit_test_setup_teardown(test_every_refusal_writes_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_to_original_and_voided, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
