/* test_ledger_toll.c -- unit tests for ledger_post_toll, the posting
 * engine's entry for toll lanes (server/engine/ledger_toll.h), on a real
 * SQLite file with the real schema.
 *
 * Covered: a paid toll is Dr the method's account / Cr revenue:toll in the
 * collector's open shift with the next number of the station's series; a
 * lost card's fee is a third entry on revenue:toll_card; an exemption is
 * Dr waiver:<type> / Cr revenue:toll in the shift without a number; a
 * replay answers the first result from kind, key and hash alone and a
 * different request under the key is a conflict; without an open shift, or
 * built against the rules (no key, an unknown exemption, money on an
 * exemption, tendered below the toll), nothing is written -- not even a
 * receipt number; and the chain over toll rows verifies. */
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
#include "ledger_toll.h"
#include "schema.h"
#include "store.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

typedef ledger_fx_t fx_t;

/* a series and an open shift of alice on T1 */
static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('TL', 'toll', 'test', 0);"
  "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
  " VALUES (7, 'T1', 'alice', 0, 0, '2026-01-01');";

static int
setup(void **state)
{
  *state = ledger_fx_open("till-test-ledger-toll", SEED_SQL);
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
post(fx_t *f, const toll_post_t *p, post_result_t *res)
{
  ledger_fx_begin(f);
  till_status_t st = ledger_post_toll(f->lg, f->sc, p, res, f->receipt, sizeof f->receipt,
                                      f->err, sizeof f->err);
  ledger_fx_end(f, st);
  return st;
}

/* A p1 toll of 39.00 paid in cash (50.00 tendered). */
static void
paid(toll_post_t *p, uint8_t key)
{
  memset(p, 0, sizeof *p);
  p->kind = LEDGER_KIND_TOLL;
  p->terminal = "T1";
  p->cashier = "alice";
  p->series_prefix = "TL";
  p->method = TILL_METHOD_CASH;
  p->tendered = 5000;
  p->item = "toll.p1";
  p->toll = 3900;
  p->key[0] = key;
  p->req_hash[0] = key;
}

static void
exempt(toll_post_t *p, uint8_t key, const char *type)
{
  paid(p, key);
  p->kind = LEDGER_KIND_TOLL_EXEMPT;
  p->series_prefix = NULL;
  p->method = 0;
  p->tendered = 0;
  p->item = "toll.t2";
  p->toll = 7800;
  p->exempt = type;
}

/* journal rows, entries, used numbers: what a refusal must leave */
static int64_t
written(fx_t *f)
{
  return q_i64(f, "SELECT (SELECT count(*) FROM journal) * 1000000"
                  " + (SELECT count(*) FROM entries) * 1000"
                  " + (SELECT coalesce(sum(last_no), 0) FROM series_counters)");
}

static void
test_paid_toll(void **state)
{
  fx_t *f = *state;
  toll_post_t p;
  post_result_t res;
  paid(&p, 1);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_int_equal(res.replayed, 0);
  assert_true(strncmp(f->receipt, "TL", 2) == 0 && strstr(f->receipt, "-00000001"));
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal WHERE kind = 'toll' AND shift_id = 7"
                            " AND receipt_no = 1 AND method = 'cash' AND tendered = 5000"), 1);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE seq = 1 AND account = 'drawer:shift:7'"),
                   3900);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE seq = 2 AND account = 'revenue:toll'"
                            " AND item = 'toll.p1' AND quantity = 1 AND unit_price = 3900"), -3900);
  /* a lost card: the fee on its own revenue account */
  paid(&p, 2);
  p.method = TILL_METHOD_WECHAT;
  p.tendered = 0;
  p.toll = 5400;
  p.card_fee = 5000;
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_true(strstr(f->receipt, "-00000002") != NULL);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'clearing:wechat'"), 10400);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'revenue:toll_card'"
                            " AND item = 'toll.card'"), -5000);
}

static void
test_exemption(void **state)
{
  fx_t *f = *state;
  toll_post_t p;
  post_result_t res;
  exempt(&p, 3, "green_channel");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  assert_string_equal(f->receipt, "");
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM journal WHERE kind = 'toll_exempt'"
                            " AND shift_id = 7 AND series IS NULL AND method = ''"), 1);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'waiver:green_channel'"), 7800);
  assert_i64_equal(q_i64(f, "SELECT amount FROM entries WHERE account = 'revenue:toll'"
                            " AND item = ''"), -7800);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM accounts WHERE code = 'waiver:green_channel'"
                            " AND type = 'contra_revenue'"), 1);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM series_counters"), 0);
}

static void
test_replay_and_conflict(void **state)
{
  fx_t *f = *state;
  toll_post_t p, replay;
  post_result_t res, again;
  paid(&p, 4);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  char first[64];
  snprintf(first, sizeof first, "%s", f->receipt);
  int64_t before = written(f);
  /* a replay needs only kind, key and hash */
  memset(&replay, 0, sizeof replay);
  replay.kind = LEDGER_KIND_TOLL;
  replay.key[0] = 4;
  replay.req_hash[0] = 4;
  assert_int_equal(post(f, &replay, &again), TILL_OK);
  assert_int_equal(again.replayed, 1);
  assert_i64_equal(again.ref_id, res.ref_id);
  assert_string_equal(f->receipt, first);
  replay.req_hash[1] = 9;
  assert_int_equal(post(f, &replay, &again), TILL_E_CONFLICT);
  assert_i64_equal(written(f), before);
}

static void
test_refusals_write_nothing(void **state)
{
  fx_t *f = *state;
  toll_post_t p;
  post_result_t res;
  int64_t before = written(f);
  paid(&p, 5);
  p.cashier = "bob"; /* no open shift */
  assert_int_equal(post(f, &p, &res), TILL_E_PRECONDITION);
  paid(&p, 6);
  p.tendered = 3000; /* below the toll */
  assert_int_equal(post(f, &p, &res), TILL_E_INVALID);
  paid(&p, 7);
  memset(p.key, 0, sizeof p.key);
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  paid(&p, 8);
  p.toll = 0;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  paid(&p, 9);
  p.series_prefix = NULL;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  paid(&p, 10);
  p.method = TILL_METHOD_CARD; /* tendered on a card payment */
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  exempt(&p, 11, "friendship");
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  exempt(&p, 12, "police");
  p.method = TILL_METHOD_CASH;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  exempt(&p, 13, "police");
  p.card_fee = 5000;
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  exempt(&p, 14, "police");
  p.kind = "toll_free_for_all";
  assert_int_equal(post(f, &p, &res), TILL_E_INTERNAL);
  assert_i64_equal(written(f), before);
  assert_i64_equal(q_i64(f, "SELECT count(*) FROM idempotency"), 0);
}

/* the chain over toll rows: each stored hash is the hash of the row */
static void
test_chain(void **state)
{
  fx_t *f = *state;
  toll_post_t p;
  post_result_t res;
  paid(&p, 20);
  assert_int_equal(post(f, &p, &res), TILL_OK);
  exempt(&p, 21, "holiday");
  assert_int_equal(post(f, &p, &res), TILL_OK);
  uint8_t prev[TILL_HASH_LEN] = {0};
  for (int64_t id = 1; id <= 2; id++) {
    till_txn_t t;
    uint8_t stored[TILL_HASH_LEN], want[TILL_HASH_LEN];
    static char store[16384];
    assert_int_equal(ledger_load_txn(f->sc, id, &t, stored, store, sizeof store), 0);
    assert_int_equal(till_chain_hash(prev, &t, want), 0);
    assert_memory_equal(stored, want, TILL_HASH_LEN);
    memcpy(prev, stored, TILL_HASH_LEN);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_paid_toll, setup, teardown),
    cmocka_unit_test_setup_teardown(test_exemption, setup, teardown),
    cmocka_unit_test_setup_teardown(test_replay_and_conflict, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refusals_write_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
