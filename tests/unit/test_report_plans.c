/* test_report_plans.c -- the plans SQLite makes for the statements that
 * used to read all of history (issue 23): "not deposited" in the daily
 * report and `deposit pending` read the partial index of the shifts whose
 * cash waits for a deposit (schema step 12) and the deposits after the
 * date, never every shift ever closed; the monthly report reads its
 * month once, from the month's shifts, never every entry of an account
 * range, and sorts nothing. Checked with EXPLAIN QUERY PLAN on a
 * new database with the whole schema (tilld runs no ANALYZE, so these are
 * the plans it makes at any size); bench/report_scale.sh measures them on
 * 2 million transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report_daily.h"
#include "report_monthly.h"
#include "plan_fixture.h"
#include "shift.h"
#include "store.h"

#define PLAN_MAX 4096

static char g_dir[200];
static store_conn_t *g_sc;

static void
has(const char *plan, const char *want)
{
  if (!strstr(plan, want))
    fail_msg("plan lacks '%s':\n%s", want, plan);
}

static void
lacks(const char *plan, const char *bad)
{
  if (strstr(plan, bad))
    fail_msg("plan has '%s':\n%s", bad, plan);
}

/* neither a scan of a whole table nor of the state index (every shift
 * ever closed) nor of entries by account */
static void
reads_no_history(const char *plan)
{
  lacks(plan, "SCAN shifts\n");
  lacks(plan, "shifts_state");
  lacks(plan, "SCAN e\n");
  lacks(plan, "entries_account");
  lacks(plan, "SCAN deposits\n");
}

static void
test_daily_undeposited(void **state)
{
  (void)state;
  char plan[PLAN_MAX];
  const char *stmts[] = {report_daily_sql_undeposited, report_daily_sql_undeposited_sum};
  for (size_t i = 0; i < 2; i++) {
    plan_of(g_sc->db, stmts[i], plan, sizeof plan);
    has(plan, "SEARCH shifts USING INDEX shifts_undeposited (business_date<?)");
    has(plan, "SEARCH shifts USING INDEX shifts_deposit (deposit_id=?)");
    has(plan, "SEARCH deposits USING COVERING INDEX deposits_business_date (business_date>?)");
    reads_no_history(plan);
  }
}

static void
test_deposit_pending(void **state)
{
  (void)state;
  char plan[PLAN_MAX];
  const char *stmts[] = {shift_sql_undeposited, shift_sql_undeposited_sum};
  for (size_t i = 0; i < 2; i++) {
    plan_of(g_sc->db, stmts[i], plan, sizeof plan);
    /* the whole partial index: only the shifts waiting for a deposit */
    has(plan, "SCAN shifts USING INDEX shifts_undeposited");
    reads_no_history(plan);
  }
}

static void
test_monthly_one_pass(void **state)
{
  (void)state;
  char plan[PLAN_MAX];
  plan_of(g_sc->db, report_monthly_sql_month, plan, sizeof plan);
  /* the month's shifts first, then their transactions and entries, in
   * that order, and nothing sorted or grouped: the handler sums */
  const char *want = "SEARCH s USING COVERING INDEX shifts_business_date "
                     "(business_date>? AND business_date<?)\n"
                     "SEARCH j USING INDEX journal_shift (shift_id=?)\n"
                     "SEARCH e USING PRIMARY KEY (txn_id=?)\n";
  if (strcmp(plan, want) != 0)
    fail_msg("the month's plan is not one pass from its shifts:\n%s", plan);
  reads_no_history(plan);
}

/* The daily report reads its date the same way (issue 24), and the
 * reversals of its receipts over the UNIQUE index on journal.reverses. */
static void
test_daily_one_pass(void **state)
{
  (void)state;
  char plan[PLAN_MAX];
  plan_of(g_sc->db, report_daily_sql_day, plan, sizeof plan);
  const char *want = "SEARCH s USING COVERING INDEX shifts_business_date (business_date=?)\n"
                     "SEARCH j USING INDEX journal_shift (shift_id=?)\n"
                     "SEARCH e USING PRIMARY KEY (txn_id=?)\n";
  if (strcmp(plan, want) != 0)
    fail_msg("the day's plan is not one pass from its shifts:\n%s", plan);
  reads_no_history(plan);
  /* the next report of the date: only what came after the sums kept */
  plan_of(g_sc->db, report_daily_sql_after, plan, sizeof plan);
  has(plan, "SEARCH j USING INDEX journal_shift (shift_id=? AND rowid>?)");
  has(plan, "SEARCH e USING PRIMARY KEY (txn_id=?)");
  reads_no_history(plan);
  plan_of(g_sc->db, report_daily_sql_reversed, plan, sizeof plan);
  has(plan, "SEARCH v USING COVERING INDEX sqlite_autoindex_journal_1 (reverses>? AND reverses<?)");
  has(plan, "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)");
  reads_no_history(plan);
}

static void
test_deposit_shifts(void **state)
{
  (void)state;
  char plan[PLAN_MAX];
  /* deposit_info_build's lookup of a deposit's shifts */
  plan_of(g_sc->db, "SELECT id FROM shifts WHERE deposit_id = ? ORDER BY id LIMIT 64", plan, sizeof plan);
  has(plan, "shifts_deposit (deposit_id=?)");
  reads_no_history(plan);
}

static int
setup(void **state)
{
  (void)state;
  g_sc = plan_fx_open("till-test-plans", g_dir, sizeof g_dir);
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
    cmocka_unit_test(test_daily_undeposited),
    cmocka_unit_test(test_deposit_pending),
    cmocka_unit_test(test_monthly_one_pass),
    cmocka_unit_test(test_daily_one_pass),
    cmocka_unit_test(test_deposit_shifts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
