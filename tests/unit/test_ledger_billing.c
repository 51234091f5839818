/* test_ledger_billing.c -- unit tests for ledger_post_billing, the posting
 * engine's entry for billing (server/engine/ledger_billing.h), on a real
 * SQLite file with the real schema.
 *
 * Covered: a charge posts Dr receivable / Cr revenue with no shift and no
 * number; a payment needs the cashier's open shift, takes the next number
 * of its series and puts cash in the shift's drawer; the rules per kind
 * refuse an account the kind may not touch, two payers in one transaction,
 * an unbalanced or zero entry, a numbered kind without its series, an
 * unknown kind -- each with nothing written, not even a receipt number; a
 * replayed key answers the first result and a different request under it is
 * a conflict; a cheque bounce must name a payment not reversed yet; and
 * every billing transaction extends the hash chain as the stored rows say. */
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
#include "ledger_billing.h"
#include "schema.h"
#include "store.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

typedef ledger_fx_t fx_t;

/* a series, an open shift of alice on T1, two payers */
static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('JF', 'receipt', 'test', 0);"
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " VALUES (7, 'T1', 'alice', 0, 0, '2026-01-01');"
  "INSERT INTO payers(id, complex, unit, owner, area_centi, occupancy, created_at, created_by)"
  " VALUES (1, '阳光小区', '3-2-1101', '王小明', 8937, 'occupied', 0, 'admin'),"
  "        (2, '阳光小区', '3-2-1102', '李华', 10000, 'occupied', 0, 'admin');";

static int
setup(void **state)
{
  *state = ledger_fx_open("till-test-ledger-billing", SEED_SQL);
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

/* Post <p> inside a savepoint, as the writer thread does: rolled back on
 * failure, with the chain head reloaded. */
static till_status_t
post(fx_t *f, const bill_post_t *p, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_post_billing(f->lg, f->sc, p, res, f->receipt, sizeof f->receipt,
                                         f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

static void
entry(bill_post_t *p, const char *account, int method, int64_t amount, const char *item)
{
  bill_entry_t *e = &p->entries[p->n_entries++];
  memset(e, 0, sizeof *e);
  snprintf(e->account, sizeof e->account, "%s", account);
  e->method = method;
  e->amount = amount;
  snprintf(e->item, sizeof e->item, "%s", item);
}

static void
init(bill_post_t *p, const char *kind, uint8_t key)
{
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->terminal = "T1";
  p->cashier = "alice";
  p->key[0] = key;
  p->req_hash[0] = key;
}

/* A heating charge of 1,930.39 to payer 1. */
static void
charge_of(bill_post_t *p, uint8_t key, int64_t amount)
{
  init(p, LEDGER_KIND_CHARGE, key);
  entry(p, "receivable:payer:1", 0, amount, "heating 2026-2027");
  entry(p, "revenue:heating", 0, -amount, "heating 2026-2027");
}

static void
test_charge_posts_without_shift_or_number(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t res;
  charge_of(&p, 1, 193039);
  p.cashier = "admin"; /* no shift of admin anywhere */
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_i64_equal(res.ref_id, 1);
  assert_string_equal(f->receipt, "");
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal WHERE kind = 'charge'"
                            " AND shift_id IS NULL AND series IS NULL"), 1);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'receivable:payer:1'"), 193039);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'revenue:heating'"), -193039);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM accounts WHERE code = 'receivable:payer:1'"
                            " AND type = 'asset'"), 1);
}

static void
test_payment_needs_shift_and_numbers(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t res;
  init(&p, LEDGER_KIND_PAYMENT, 2);
  p.series_prefix = "JF";
  p.method = "cash";
  p.tendered = 200000;
  entry(&p, "", TILL_METHOD_CASH, 150000, "");
  entry(&p, "receivable:payer:1", 0, -100000, "heating 2025-2026");
  entry(&p, "prepaid:payer:1", 0, -50000, "");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_true(strncmp(f->receipt, "JF", 2) == 0 && strstr(f->receipt, "-00000001"));
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'drawer:shift:7'"), 150000);
  assert_i64_equal(q_i64(f, "SELECT shift_id FROM journal WHERE kind = 'payment'"), 7);
  assert_i64_equal(q_i64(f, "SELECT tendered FROM journal WHERE kind = 'payment'"), 200000);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM accounts WHERE code = 'prepaid:payer:1'"
                            " AND type = 'liability'"), 1);

  /* bob has no open shift: refused, and no number is used */
  init(&p, LEDGER_KIND_PAYMENT, 3);
  p.cashier = "bob";
  p.series_prefix = "JF";
  entry(&p, "", TILL_METHOD_CASH, 100, "");
  entry(&p, "receivable:payer:1", 0, -100, "");
  assert_int_equal(post(f, &p, &res), TILL_E_PRECONDITION);
  assert_non_null(strstr(f->err, "no open shift"));
  assert_i64_equal(q_i64(f, "SELECT max(last_no) FROM series_counters"), 1);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal"), 1);
}

/* Each broken posting is refused and leaves the journal, the counters and
 * the chain head as they were. */
static void
test_rules_refuse(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t res;
  charge_of(&p, 9, 500);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  int64_t before = q_i64(f, "SELECT count(*) FROM journal");

  charge_of(&p, 10, 500); /* a charge may not touch a drawer */
  snprintf(p.entries[0].account, sizeof p.entries[0].account, "drawer:shift:7");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 11, 500); /* two payers */
  entry(&p, "receivable:payer:2", 0, 500, "");
  entry(&p, "revenue:heating", 0, -500, "");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 12, 500); /* unbalanced */
  p.entries[1].amount = -499;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 13, 500); /* a zero entry */
  entry(&p, "revenue:heating", 0, 0, "");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 14, 500); /* a payer id that is no number */
  snprintf(p.entries[0].account, sizeof p.entries[0].account, "receivable:payer:01");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 15, 500); /* a charge with a receipt series */
  p.series_prefix = "JF";
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  init(&p, LEDGER_KIND_PAYMENT, 16); /* a payment without its series */
  entry(&p, "", TILL_METHOD_CASH, 100, "");
  entry(&p, "receivable:payer:1", 0, -100, "");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 17, 500); /* no such kind */
  p.kind = "gift";
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  charge_of(&p, 18, 500); /* a method entry on a kind that takes no money */
  p.entries[0].account[0] = '\0';
  p.entries[0].method = TILL_METHOD_CASH;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);

  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal"), before);
  assert_i64_equal(q_i64(f, "SELECT coalesce(max(last_no), 0) FROM series_counters"), 0);
  /* the head is intact: the next posting chains on */
  charge_of(&p, 19, 700);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_i64_equal(res.ref_id, before + 1);
}

static void
test_replay_and_conflict(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t res, again;
  init(&p, LEDGER_KIND_PAYMENT, 20);
  p.series_prefix = "JF";
  p.method = "wechat";
  entry(&p, "", TILL_METHOD_WECHAT, 3000, "");
  entry(&p, "receivable:payer:2", 0, -3000, "");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  char first[64];
  snprintf(first, sizeof first, "%s", f->receipt);
  assert_int_equal(post(f, &p, &again), TILL_OK);
  assert_true(again.replayed);
  assert_i64_equal(again.ref_id, res.ref_id);
  assert_string_equal(f->receipt, first);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal"), 1);

  p.req_hash[1] = 1; /* the same key for another request */
  assert_int_equal(post(f, &p, &again), TILL_E_CONFLICT);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal"), 1);
}

static void
test_cheque_bounce_reverses_a_payment_once(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t pay, charge, res;
  charge_of(&p, 30, 8000);
  assert_int_equal(post(f, &p, &charge), TILL_OK);
  init(&p, LEDGER_KIND_PAYMENT, 31);
  p.series_prefix = "JF";
  p.method = "cheque";
  entry(&p, "clearing:cheque", 0, 8000, "");
  entry(&p, "receivable:payer:1", 0, -8000, "");
  /* a payment names its method's account by method, never directly */
  assert_int_equal(post(f, &p, &pay), TILL_E_INTERNAL);
  p.entries[0].account[0] = '\0';
  p.entries[0].method = TILL_METHOD_CHEQUE;
  assert_int_equal(post(f, &p, &pay), TILL_OK);

  init(&p, LEDGER_KIND_CHEQUE_BOUNCE, 32);
  entry(&p, "clearing:cheque", 0, -8000, "");
  entry(&p, "receivable:payer:1", 0, 8000, "");
  p.reverses = charge.ref_id; /* a charge is no payment */
  assert_int_equal(post(f, &p, &res), TILL_E_INVALID);
  p.reverses = 0; /* and a bounce must name one */
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  p.reverses = pay.ref_id;
  assert_int_equal(post(f, &p, &res), TILL_OK);
  p.key[0] = 33;
  assert_int_equal(post(f, &p, &res), TILL_E_PRECONDITION);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal WHERE kind = 'cheque_bounce'"), 1);
}

/* The chain over billing kinds: each stored row rehashes to its hash. */
static void
test_chain_covers_billing(void **state)
{
  fx_t *f = *state;
  bill_post_t p;
  post_result_t res;
  charge_of(&p, 40, 193039);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  init(&p, LEDGER_KIND_WAIVER, 41);
  p.approver = "sam";
  p.memo = "低保户减免";
  entry(&p, "waiver:heating", 0, 39, "heating 2026-2027");
  entry(&p, "receivable:payer:1", 0, -39, "heating 2026-2027");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  uint8_t prev[TILL_HASH_LEN] = {0};
  for (int64_t id = 1; id <= 2; id++) {
    till_txn_t t;
    uint8_t stored[TILL_HASH_LEN], computed[TILL_HASH_LEN];
    static char store[16384];
    assert_int_equal(ledger_load_txn(f->sc, id, &t, stored, store, sizeof store), 0);
    assert_int_equal(till_chain_hash(prev, &t, computed), 0);
    assert_memory_equal(stored, computed, TILL_HASH_LEN);
    memcpy(prev, stored, TILL_HASH_LEN);
  }
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal WHERE kind = 'waiver' AND approver = 'sam'"), 1);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_charge_posts_without_shift_or_number, setup, teardown),
    cmocka_unit_test_setup_teardown(test_payment_needs_shift_and_numbers, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rules_refuse, setup, teardown),
    cmocka_unit_test_setup_teardown(test_replay_and_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_cheque_bounce_reverses_a_payment_once, setup, teardown),
    cmocka_unit_test_setup_teardown(test_chain_covers_billing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
