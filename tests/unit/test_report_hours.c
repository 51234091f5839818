/* test_report_hours.c -- the daily report's takings by hour (web2, issue
 * 24 item 3): report_hours_sql on a new database with the whole schema
 * and transactions written here with chosen times, which an integration
 * test cannot choose (tilld stamps its own clock): sales in two hours, a
 * void approved two hours after its sale (it counts in the sale's hour),
 * a billing payment (its lines with an item count, its payment entry does
 * not), and a sale of another business date (not counted); grouped in a
 * zone a whole number of hours off UTC and in one half an hour off, whose
 * hours start at :30 UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "report_hours.h"
#include "schema.h"
#include "store.h"
#include "testkit.h"

#define DAY 1796256000LL /* 2026-12-03 00:00:00 UTC */
#define H 3600LL
#define M 60LL

static char g_dir[200];
static store_conn_t *g_sc;

static void
exec(const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec(g_sc->db, sql, NULL, NULL, &err) != SQLITE_OK)
    fail_msg("%s: %s", sql, err ? err : "?");
}

/* one transaction: entries first (the journal row seals them) */
static void
txn(int id, const char *kind, long long at_s, int shift, int reverses, const char *lines)
{
  char sql[1024], rev[24];
  exec("BEGIN"); /* entries name their journal row, checked at the commit */
  exec(lines);
  if (reverses)
    snprintf(rev, sizeof rev, "%d", reverses);
  else
    snprintf(rev, sizeof rev, "NULL");
  snprintf(sql, sizeof sql,
           "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, reverses, method, hash)"
           " VALUES (%d, '%s', %lld, 'T-LANE-01', 'carol', %d, %s, 'cash', zeroblob(32))",
           id, kind, at_s * 1000 + 123, shift, rev);
  exec(sql);
  exec("COMMIT");
}

static int
setup(void **state)
{
  (void)state;
  char path[320], err[256], sql[512];
  if (testkit_tmpdir("till-test-hours", g_dir, sizeof g_dir) != 0)
    return -1;
  snprintf(path, sizeof path, "%s/hours.db", g_dir);
  g_sc = store_open_rw(path, "full", schema_all(), err, sizeof err);
  if (!g_sc)
    return -1;
  exec("INSERT OR IGNORE INTO accounts(code, type, created_at) VALUES"
       " ('asset:drawer:T-LANE-01', 'asset', 0), ('revenue:PARK', 'revenue', 0),"
       " ('receivable:payer:1', 'asset', 0)");
  snprintf(sql, sizeof sql,
           "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
           " VALUES (1, 'T-LANE-01', 'carol', %lld, 0, '2026-12-03'),"
           " (2, 'T-LANE-02', 'dan', %lld, 0, '2026-12-02')", DAY + 8 * H, DAY - 10 * H);
  exec(sql);
  /* a sale 09:10 (5.00), 09:50 (10.00, voided at 11:30), 10:05 (2.50) UTC */
  txn(1, "sale", DAY + 9 * H + 10 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (1, 1, 'asset:drawer:T-LANE-01', 500, '', 0), (1, 2, 'revenue:PARK', -500, 'PARK', 1)");
  txn(2, "sale", DAY + 9 * H + 50 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (2, 1, 'asset:drawer:T-LANE-01', 1000, '', 0), (2, 2, 'revenue:PARK', -1000, 'PARK', 2)");
  txn(3, "payment", DAY + 10 * H + 5 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (3, 1, 'asset:drawer:T-LANE-01', 250, '', 0),"
      " (3, 2, 'receivable:payer:1', -250, 'heating:2026-2027', 1)");
  txn(4, "void", DAY + 11 * H + 30 * M, 1, 2,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (4, 1, 'asset:drawer:T-LANE-01', -1000, '', 0), (4, 2, 'revenue:PARK', 1000, 'PARK', 2)");
  /* the day before's shift, sold within the same hours: not counted */
  txn(5, "sale", DAY + 9 * H + 20 * M, 2, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (5, 1, 'asset:drawer:T-LANE-01', 700, '', 0), (5, 2, 'revenue:PARK', -700, 'PARK', 1)");
  return 0;
}

static int
teardown(void **state)
{
  (void)state;
  store_close(g_sc);
  return testkit_rm_tree(g_dir);
}

/* the hours of 2026-12-03 in zone <tz>, "hour sales amount voids void;..." */
static void
hours_in(const char *tz, char *out, size_t len)
{
  setenv("TZ", tz, 1);
  tzset();
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(g_sc->db, report_hours_sql, -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text(st, 1, "2026-12-03", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, 100);
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < 100 && sqlite3_step(st) == SQLITE_ROW; i++) {
    int n = snprintf(out + used, len - used, "%lld %lld %lld %lld %lld;",
                     (long long)(sqlite3_column_int64(st, 0) - DAY), sqlite3_column_int64(st, 1),
                     sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                     sqlite3_column_int64(st, 4));
    assert_true(n > 0 && (size_t)n < len - used);
    used += (size_t)n;
  }
  sqlite3_finalize(st);
}

/* UTC and UTC+8: the hours start on the hour. 09:00 holds the sales of
 * 09:10 and 09:50, and the void of the latter (made at 11:30); 10:00 the
 * payment's line (not its payment entry). */
static void
test_whole_hour_zones(void **state)
{
  (void)state;
  char got[512];
  char want[256];
  snprintf(want, sizeof want, "%lld 2 1500 1 1000;%lld 1 250 0 0;", 9 * H, 10 * H);
  hours_in("UTC0", got, sizeof got);
  assert_string_equal(got, want);
  hours_in("CST-8", got, sizeof got);
  assert_string_equal(got, want);
}

/* UTC+05:30: a local hour starts at :30 UTC, so 09:10 is in the hour of
 * 08:30 UTC (14:00 local), and 09:50 and 10:05 in that of 09:30 (15:00). */
static void
test_half_hour_zone(void **state)
{
  (void)state;
  char got[512];
  char want[256];
  snprintf(want, sizeof want, "%lld 1 500 0 0;%lld 2 1250 1 1000;", 8 * H + 30 * M,
           9 * H + 30 * M);
  hours_in("IST-5:30", got, sizeof got);
  assert_string_equal(got, want);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_whole_hour_zones),
    cmocka_unit_test(test_half_hour_zone),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
