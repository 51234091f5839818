/* test_deposit_plans.c -- the plans SQLite makes for `deposit list` (the
 * deposits of a date and those in transit, shift.h): the date's deposits
 * over deposits_business_date, those in transit over the partial index of
 * exactly those (schema step 14), a deposit by its primary key and its
 * shifts over shifts_deposit -- never a scan of every deposit ever made,
 * and nothing sorted (the indices give the order). Checked with EXPLAIN
 * QUERY PLAN on a new database with the whole schema (tilld runs no
 * ANALYZE, so these are the plans it makes at any size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "plan_fixture.h"
#include "shift.h"
#include "store.h"

#define PLAN_MAX 4096

static char g_dir[200];
static store_conn_t *g_sc;

static void
is(const char *sql, const char *want)
{
  char plan[PLAN_MAX];
  plan_of(g_sc->db, sql, plan, sizeof plan);
  if (strcmp(plan, want) != 0)
    fail_msg("the plan of\n  %s\nis\n%swanted\n%s", sql, plan, want);
}

static void
test_of_date(void **state)
{
  (void)state;
  is(deposit_sql_of_date,
     "SEARCH deposits USING COVERING INDEX deposits_business_date (business_date=?)\n");
}

static void
test_in_transit(void **state)
{
  (void)state;
  /* the whole partial index: only the deposits the bank has not confirmed
   * (each row read for its state, which the index's WHERE already holds) */
  is(deposit_sql_in_transit, "SCAN deposits USING INDEX deposits_in_transit\n");
}

static void
test_one_deposit(void **state)
{
  (void)state;
  /* deposit_info_build's two lookups */
  is("SELECT slip, amount, state, created_by, created_at, coalesce(confirmed_by, ''),"
     " coalesce(confirmed_at, 0), txn_id, coalesce(confirm_txn_id, 0), business_date"
     " FROM deposits WHERE id = ?",
     "SEARCH deposits USING INTEGER PRIMARY KEY (rowid=?)\n");
  is("SELECT id FROM shifts WHERE deposit_id = ? ORDER BY id LIMIT 64",
     "SEARCH shifts USING COVERING INDEX shifts_deposit (deposit_id=?)\n");
}

static int
setup(void **state)
{
  (void)state;
  g_sc = plan_fx_open("till-test-deposit-plans", g_dir, sizeof g_dir);
  return g_sc ? 0 : -1;
}

static int
teardown(void **state)
{
  (void)state;
  return plan_fx_close(g_sc, g_dir);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_of_date),
    cmocka_unit_test(test_in_transit),
    cmocka_unit_test(test_one_deposit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
