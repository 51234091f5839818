/* test_ledger_hospital.c -- unit tests for ledger_post_hospital, the
 * posting engine's entry for hospital windows (server/engine/
 * ledger_hospital.h), on a real SQLite file with the real schema.
 *
 * Covered: a bill's shares debited and its lines credited in the
 * cashier's open shift with the next number of the series; a deposit and
 * a bill drawn from it; a draw over the balance refused (precondition, by
 * name) and a discharge of the whole balance; a replay and a conflict
 * under one key; the rules table refusing a kind's wrong side or account,
 * a line without its item, two patients in one posting, an unknown kind --
 * each refusal writing nothing, not even a receipt number; the chain over
 * the new rows verifies. */
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
#include "ledger_hospital.h"
#include "schema.h"
#include "store.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

typedef ledger_fx_t fx_t;

/* a series and an open shift of alice on T1 */
static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HP', 'hospital', 'test', 0);"
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " VALUES (7, 'T1', 'alice', 0, 0, '2026-01-01');";

static int
setup(void **state)
{
  *state = ledger_fx_open("till-test-ledger-hosp", SEED_SQL);
  return *state ? 0 : -1;
}

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

static till_status_t
post(fx_t *f, const hosp_post_t *p, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_post_hospital(f->lg, f->sc, p, res, f->receipt, sizeof f->receipt,
                                          f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

static void
base(hosp_post_t *p, const char *kind, uint8_t key)
{
  memset(p, 0, sizeof *p);
  memset(p->key, key, sizeof p->key);
  memset(p->req_hash, key, sizeof p->req_hash);
  p->kind = kind;
  p->terminal = "T1";
  p->cashier = "alice";
  p->series_prefix = "HP";
}

static void
named(hosp_post_t *p, const char *account, int64_t amount)
{
  hosp_entry_t *e = &p->entries[p->n_entries++];
  snprintf(e->account, sizeof e->account, "%s", account);
  e->amount = amount;
}

static void
by_method(hosp_post_t *p, int method, int64_t amount)
{
  hosp_entry_t *e = &p->entries[p->n_entries++];
  e->method = method;
  e->amount = amount;
}

static void
line(hosp_post_t *p, const char *item, int64_t qty, int64_t price)
{
  hosp_entry_t *e = &p->entries[p->n_entries++];
  snprintf(e->account, sizeof e->account, "%s", LEDGER_HOSP_REVENUE);
  snprintf(e->item, sizeof e->item, "%s", item);
  e->quantity = qty;
  e->unit_price = price;
  e->amount = -qty * price;
}

/* the issue's bill: 500.00 = fund 231.00 + account 150.00 + window 119.00 cash */
static void
issue_bill(hosp_post_t *p, uint8_t key)
{
  base(p, LEDGER_KIND_HOSP_BILL, key);
  p->method = "cash";
  by_method(p, TILL_METHOD_CASH, 11900);
  named(p, LEDGER_HOSP_ACCOUNT, 15000);
  named(p, LEDGER_HOSP_FUND, 23100);
  line(p, "CT01", 1, 32000);
  line(p, "XR01", 1, 12000);
  line(p, "LAB01", 2, 3000);
}

static int64_t
written(fx_t *f)
{
  return q_i64(f, "SELECT (SELECT count(*) FROM journal) * 1000000 + (SELECT count(*) FROM entries)"
                  " * 1000 + (SELECT coalesce(sum(last_no), 0) FROM series_counters)");
}

static void
test_bill(void **state)
{
  fx_t *f = *state;
  hosp_post_t p;
  post_result_t res;
  issue_bill(&p, 1);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_int_equal(res.replayed, 0);
  assert_true(strstr(f->receipt, "-00000001") != NULL);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'drawer:shift:7'"), 11900);
  assert_i64_equal(q_i64(f, "SELECT -sum(amount) FROM entries WHERE account = 'revenue:hospital'"),
                   50000);
  assert_i64_equal(q_i64(f, "SELECT shift_id FROM journal WHERE kind = 'hosp_bill'"), 7);
  /* the same key and hash: the first result; another hash: a conflict */
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_int_equal(res.replayed, 1);
  memset(p.req_hash, 9, sizeof p.req_hash);
  assert_int_equal(post(f, &p, &res), TILL_E_CONFLICT);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal"), 1);
}

static void
test_deposit_draw_discharge(void **state)
{
  fx_t *f = *state;
  hosp_post_t p;
  post_result_t res;
  base(&p, LEDGER_KIND_HOSP_DEPOSIT, 1);
  p.method = "wechat";
  by_method(&p, TILL_METHOD_WECHAT, 100000);
  named(&p, "deposit:patient:ZY1", -100000);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  /* a bill of 321.00 drawn from the deposit */
  base(&p, LEDGER_KIND_HOSP_BILL, 2);
  named(&p, "deposit:patient:ZY1", 32100);
  line(&p, "CT01", 1, 32100);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  int64_t bal = -1;
  assert_int_equal(ledger_hosp_deposit_balance(f->sc, "ZY1", &bal), 0);
  assert_i64_equal(bal, 67900);
  /* a draw of 679.01: one fen over */
  int64_t before = written(f);
  base(&p, LEDGER_KIND_HOSP_BILL, 3);
  named(&p, "deposit:patient:ZY1", 67901);
  line(&p, "X", 1, 67901);
  assert_int_equal(post(f, &p, &res), TILL_E_PRECONDITION);
  assert_string_equal(f->err, "the deposit of patient ZY1 is 679.00, less than 679.01");
  assert_i64_equal(written(f), before);
  /* a discharge of the whole balance, in cash */
  base(&p, LEDGER_KIND_HOSP_DISCHARGE, 4);
  p.method = "cash";
  named(&p, "deposit:patient:ZY1", 67900);
  by_method(&p, TILL_METHOD_CASH, -67900);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_int_equal(ledger_hosp_deposit_balance(f->sc, "ZY1", &bal), 0);
  assert_i64_equal(bal, 0);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'drawer:shift:7'"), -67900);
}

static void
test_rules_refuse(void **state)
{
  fx_t *f = *state;
  hosp_post_t p;
  post_result_t res;
  int64_t before = written(f);
  /* a deposit paid back by card: a discharge credits the drawer only */
  base(&p, LEDGER_KIND_HOSP_DISCHARGE, 1);
  named(&p, "deposit:patient:ZY1", 100);
  by_method(&p, TILL_METHOD_CARD, -100);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* a bill crediting the fund (the wrong side) */
  base(&p, LEDGER_KIND_HOSP_BILL, 2);
  named(&p, LEDGER_HOSP_FUND, -100);
  by_method(&p, TILL_METHOD_CASH, 100);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* a bill to an account no hospital kind touches */
  base(&p, LEDGER_KIND_HOSP_BILL, 3);
  named(&p, "revenue:parking", -100);
  by_method(&p, TILL_METHOD_CASH, 100);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* a revenue line without its item */
  base(&p, LEDGER_KIND_HOSP_BILL, 4);
  by_method(&p, TILL_METHOD_CASH, 100);
  named(&p, LEDGER_HOSP_REVENUE, -100);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* a line whose amount is not quantity x price */
  base(&p, LEDGER_KIND_HOSP_BILL, 5);
  by_method(&p, TILL_METHOD_CASH, 100);
  line(&p, "X", 2, 100);
  p.entries[1].amount = -100;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* two patients' deposits in one posting */
  base(&p, LEDGER_KIND_HOSP_DEPOSIT, 6);
  by_method(&p, TILL_METHOD_CASH, 200);
  named(&p, "deposit:patient:A", -100);
  named(&p, "deposit:patient:B", -100);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* unbalanced; an unknown kind; no series; tendered on a card bill */
  issue_bill(&p, 7);
  p.entries[0].amount += 1;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  issue_bill(&p, 8);
  p.kind = "hosp_refund";
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  issue_bill(&p, 9);
  p.series_prefix = "";
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  issue_bill(&p, 10);
  p.entries[0].method = TILL_METHOD_CARD;
  p.method = "card";
  p.tendered = 20000;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  /* cash tendered below the cash share */
  issue_bill(&p, 11);
  p.tendered = 11800;
  assert_int_equal(post(f, &p, &res), TILL_E_INVALID);
  /* no open shift for bob */
  issue_bill(&p, 12);
  p.cashier = "bob";
  assert_int_equal(post(f, &p, &res), TILL_E_PRECONDITION);
  assert_i64_equal(written(f), before);
}

static void
test_chain(void **state)
{
  fx_t *f = *state;
  hosp_post_t p;
  post_result_t res;
  issue_bill(&p, 1);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  base(&p, LEDGER_KIND_HOSP_DEPOSIT, 2);
  p.method = "cash";
  by_method(&p, TILL_METHOD_CASH, 5000);
  named(&p, "deposit:patient:ZY2", -5000);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  uint8_t prev[TILL_HASH_LEN] = {0}, hash[TILL_HASH_LEN], want[TILL_HASH_LEN];
  char store[8192];
  for (int64_t id = 1; id <= 2; id++) {
    till_txn_t t;
    assert_int_equal(ledger_load_txn(f->sc, id, &t, hash, store, sizeof store), 0);
    assert_int_equal(till_chain_hash(prev, &t, want), 0);
    assert_memory_equal(hash, want, TILL_HASH_LEN);
    memcpy(prev, hash, TILL_HASH_LEN);
  }
  assert_i64_equal(q_i64(f, "SELECT type = 'liability' FROM accounts WHERE code = 'deposit:patient:ZY2'"),
                   1);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_bill, setup, teardown),
    cmocka_unit_test_setup_teardown(test_deposit_draw_discharge, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rules_refuse, setup, teardown),
    cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
