/* test_report_hours.c -- the daily report's takings by hour (web2, issue
 * 24 item 3): report_daily_handle, which reads the day in one pass
 * (report_daily.c), on a new database with the whole schema
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

#include "report_daily.h"
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
       " ('drawer:shift:1', 'asset', 0), ('revenue:PARK', 'revenue', 0),"
       " ('receivable:payer:1', 'asset', 0)");
  snprintf(sql, sizeof sql,
           "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
           " VALUES (1, 'T-LANE-01', 'carol', %lld, 0, '2026-12-03'),"
           " (2, 'T-LANE-02', 'dan', %lld, 0, '2026-12-02')", DAY + 8 * H, DAY - 10 * H);
  exec(sql);
  /* a sale 09:10 (5.00), 09:50 (10.00, voided at 11:30), 10:05 (2.50) UTC */
  txn(1, "sale", DAY + 9 * H + 10 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (1, 1, 'drawer:shift:1', 500, '', 0), (1, 2, 'revenue:PARK', -500, 'PARK', 1)");
  txn(2, "sale", DAY + 9 * H + 50 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (2, 1, 'drawer:shift:1', 1000, '', 0), (2, 2, 'revenue:PARK', -1000, 'PARK', 2)");
  txn(3, "payment", DAY + 10 * H + 5 * M, 1, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (3, 1, 'drawer:shift:1', 250, '', 0),"
      " (3, 2, 'receivable:payer:1', -250, 'heating:2026-2027', 1)");
  txn(4, "void", DAY + 11 * H + 30 * M, 1, 2,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (4, 1, 'drawer:shift:1', -1000, '', 0), (4, 2, 'revenue:PARK', 1000, 'PARK', 2)");
  /* the day before's shift, sold within the same hours: not counted */
  txn(5, "sale", DAY + 9 * H + 20 * M, 2, 0,
      "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
      " (5, 1, 'drawer:shift:1', 700, '', 0), (5, 2, 'revenue:PARK', -700, 'PARK', 1)");
  return 0;
}

static int
teardown(void **state)
{
  (void)state;
  store_close(g_sc);
  return testkit_rm_tree(g_dir);
}

/* The daily report of <date> on the reader connection <rd>, as tilld's
 * reader answers it (one snapshot); NULL when it failed, with the error in
 * *errmsg. Free with req_free. */
static req_t *
daily_report(store_conn_t *rd, const char *date)
{
  Till__V1__DailyReportRequest in = TILL__V1__DAILY_REPORT_REQUEST__INIT;
  in.date = (char *)date;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ;
  env.daily_report_req = &in;
  req_t *r = req_new(NULL, "T-LANE-01", NULL);
  assert_non_null(r);
  r->env = &env;
  assert_int_equal(sqlite3_exec(rd->db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  till_status_t st = report_daily_handle(r, rd);
  assert_int_equal(sqlite3_exec(rd->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  r->env = NULL; /* ours, on the stack */
  if (st != TILL_OK)
    fail_msg("the daily report failed: %s", r->errmsg);
  return r;
}

static store_conn_t *
reader(void)
{
  char path[320], err[256];
  snprintf(path, sizeof path, "%s/hours.db", g_dir);
  store_conn_t *rd = store_open_ro(path, schema_all(), err, sizeof err);
  if (!rd)
    fail_msg("store_open_ro: %s", err);
  return rd;
}

/* The daily report of 2026-12-03 in zone <tz>, on a new reader connection
 * (tilld's zone is its process's: a reader keeps sums cut in it); its
 * hours into <out> as "hour sales amount voids void;...". */
static void
hours_in(const char *tz, char *out, size_t len)
{
  setenv("TZ", tz, 1);
  tzset();
  store_conn_t *rd = reader();
  req_t *r = daily_report(rd, "2026-12-03");
  const Till__V1__DailyReportResponse *d = r->resp.daily_report_resp;
  /* the takings the hours must add up to: 5.00 + 10.00 + 2.50 - 10.00 */
  assert_int_equal(d->net_amount, 500 + 1000 + 250 - 1000);
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < d->n_hours; i++) {
    const Till__V1__HourTakings *h = d->hours[i];
    int n = snprintf(out + used, len - used, "%lld %lld %lld %lld %lld;",
                     (long long)(h->hour - DAY), (long long)h->sales, (long long)h->amount,
                     (long long)h->voids, (long long)h->void_amount);
    assert_true(n > 0 && (size_t)n < len - used);
    assert_int_equal(h->net, h->amount - h->void_amount);
    used += (size_t)n;
  }
  req_free(r);
  store_close(rd);
}

/* report_hour_start on its own, around a change of the clocks: Europe's
 * summer time ends 2026-10-25 01:00 UTC (03:00 CEST becomes 02:00 CET), so
 * 00:30 and 01:30 UTC are both 02:30 local, in two hours that start at
 * 00:00 and 01:00 UTC -- never merged. */
static void
test_hour_start_clock_change(void **state)
{
  (void)state;
  setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
  tzset();
  const long long change = 1792890000LL; /* 2026-10-25 01:00:00 UTC */
  assert_int_equal(report_hour_start(change - 30 * M), change - H);
  assert_int_equal(report_hour_start(change + 30 * M), change);
  assert_int_equal(report_hour_start(change + 59 * M + 59), change);
  /* UTC+05:30: 09:10 UTC is 14:40 local, in the hour from 08:30 UTC */
  setenv("TZ", "IST-5:30", 1);
  tzset();
  assert_int_equal(report_hour_start(DAY + 9 * H + 10 * M), DAY + 8 * H + 30 * M);
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

/* One more transaction, numbered <no> in series HT when not 0. */
static void
txn_numbered(int id, const char *kind, long long at_s, int shift, int reverses, int no,
             const char *method, const char *lines)
{
  char sql[1024], rev[24], num[48];
  exec("BEGIN");
  exec(lines);
  snprintf(rev, sizeof rev, reverses ? "%d" : "NULL", reverses);
  snprintf(num, sizeof num, no ? "'HT', %d" : "NULL, NULL", no);
  snprintf(sql, sizeof sql,
           "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, series, receipt_no,"
           " reverses, method, hash) VALUES (%d, '%s', %lld, 'T-LANE-01', 'carol', %d, %s, %s,"
           " '%s', zeroblob(32))",
           id, kind, at_s * 1000, shift, num, rev, method);
  exec(sql);
  exec("COMMIT");
}

/* <a> and <b> packed: the same bytes */
static void
assert_same_report(const req_t *a, const req_t *b, const char *what)
{
  const Till__V1__DailyReportResponse *x = a->resp.daily_report_resp;
  const Till__V1__DailyReportResponse *y = b->resp.daily_report_resp;
  size_t nx = till__v1__daily_report_response__get_packed_size(x);
  size_t ny = till__v1__daily_report_response__get_packed_size(y);
  uint8_t *px = malloc(nx + 1), *py = malloc(ny + 1);
  assert_non_null(px);
  assert_non_null(py);
  till__v1__daily_report_response__pack(x, px);
  till__v1__daily_report_response__pack(y, py);
  if (nx != ny || memcmp(px, py, nx) != 0)
    fail_msg("%s: the report from kept sums (%zu bytes) differs from one read whole (%zu)", what,
             nx, ny);
  free(px);
  free(py);
}

/* A reader keeps the day's sums and adds only what was posted since
 * (report_daily.c, "the sums kept between reports"): after a sale, its
 * void, a sale in a shift that opened since, and a refund, its report
 * equals the one a new reader reads whole -- the receipt voided since
 * counted, the new shift's sale and method, the refund -- and so does it
 * after a report of another date. */
static void
test_kept_sums(void **state)
{
  (void)state;
  setenv("TZ", "CST-8", 1);
  tzset();
  store_conn_t *rd = reader();
  txn_numbered(6, "sale", DAY + 12 * H, 1, 0, 1, "cash",
               "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
               " (6, 1, 'drawer:shift:1', 400, '', 0), (6, 2, 'revenue:PARK', -400, 'PARK', 1)");
  req_t *before = daily_report(rd, "2026-12-03");
  const Till__V1__DailyReportResponse *b = before->resp.daily_report_resp;
  assert_int_equal(b->receipts_issued, 1);
  assert_int_equal(b->receipts_voided, 0);
  assert_int_equal(b->net_amount, 500 + 1000 + 250 - 1000 + 400);

  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount, business_date)"
           " VALUES (3, 'T-LANE-03', 'erin', %lld, 0, '2026-12-03')", DAY + 13 * H);
  exec(sql);
  exec("INSERT OR IGNORE INTO accounts(code, type, created_at) VALUES"
       " ('drawer:shift:3', 'asset', 0), ('clearing:wechat', 'asset', 0)");
  txn_numbered(7, "void", DAY + 13 * H, 1, 6, 0, "cash",
               "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
               " (7, 1, 'drawer:shift:1', -400, '', 0), (7, 2, 'revenue:PARK', 400, 'PARK', 1)");
  txn_numbered(8, "sale", DAY + 14 * H, 3, 0, 2, "wechat",
               "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
               " (8, 1, 'clearing:wechat', 900, '', 0), (8, 2, 'revenue:PARK', -900, 'PARK', 3)");
  txn_numbered(9, "refund", DAY + 15 * H, 3, 0, 0, "wechat",
               "INSERT INTO entries(txn_id, seq, account, amount, item, quantity) VALUES"
               " (9, 1, 'clearing:wechat', -300, '', 0), (9, 2, 'revenue:PARK', 300, 'PARK', 1)");

  req_t *after = daily_report(rd, "2026-12-03");
  const Till__V1__DailyReportResponse *a = after->resp.daily_report_resp;
  assert_int_equal(a->receipts_issued, 2);
  assert_int_equal(a->receipts_voided, 1);
  assert_int_equal(a->net_amount, 500 + 1000 + 250 - 1000 + 400 - 400 + 900);
  assert_int_equal(a->refunds_total, 300);
  assert_int_equal(a->n_methods, 2); /* cash, wechat */
  store_conn_t *fresh = reader();
  req_t *whole = daily_report(fresh, "2026-12-03");
  assert_same_report(after, whole, "after four postings");

  /* another date on the same reader, then this one again: read whole */
  req_t *other = daily_report(rd, "2026-12-02");
  assert_int_equal(other->resp.daily_report_resp->net_amount, 700);
  req_t *again = daily_report(rd, "2026-12-03");
  assert_same_report(again, whole, "after another date");
  req_free(before);
  req_free(after);
  req_free(whole);
  req_free(other);
  req_free(again);
  store_close(fresh);
  store_close(rd);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_whole_hour_zones),
    cmocka_unit_test(test_half_hour_zone),
    cmocka_unit_test(test_hour_start_clock_change),
    cmocka_unit_test(test_kept_sums),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
