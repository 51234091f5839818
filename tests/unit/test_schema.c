/* test_schema.c -- the schema list (server/net/schema.c) and the store's
 * migrations runner: steps numbered 1..n in order, each owned by a folder;
 * a new database is at version n; a database made by an older build (only
 * the first steps) is brought to n on open, keeping its rows; a reader
 * refuses a database at another version; a database newer than the build
 * is refused. Step 5 (business dates): shifts and deposits made before it
 * get the server's local calendar date they were made on, and its triggers
 * refuse what the rules of docs/ledger.md "Business dates" forbid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ledger.h"
#include "schema.h"
#include "store.h"
#include "testkit.h"

static char g_dir[200];

static int64_t
query_i64(store_conn_t *sc, const char *sql)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void
db_path(const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", g_dir, name);
}

static void
test_steps_in_order(void **state)
{
  const store_schema_t *s = schema_all();
  assert_true(s->n >= 4);
  for (int i = 0; i < s->n; i++) {
    assert_int_equal(s->steps[i]->version, i + 1);
    assert_non_null(s->steps[i]->owner);
    assert_true(strlen(s->steps[i]->sql) > 0);
  }
}

static void
test_new_database_is_current(void **state)
{
  char path[320], err[256];
  db_path("new.db", path, sizeof path);
  store_conn_t *sc = store_open_rw(path, "full", schema_all(), err, sizeof err);
  assert_non_null(sc);
  assert_int_equal(query_i64(sc, "SELECT version FROM schema_version"), schema_all()->n);
  assert_int_equal(query_i64(sc, "SELECT count(*) FROM sqlite_master WHERE name = 'day_closes'"), 1);
  store_close(sc);
  store_conn_t *ro = store_open_ro(path, schema_all(), err, sizeof err);
  assert_non_null(ro);
  store_close(ro);
}

static void
test_older_database_is_migrated(void **state)
{
  char path[320], err[256];
  db_path("old.db", path, sizeof path);
  const store_schema_t *all = schema_all();
  store_schema_t older = {all->steps, 2};
  store_conn_t *sc = store_open_rw(path, "full", &older, err, sizeof err);
  assert_non_null(sc);
  assert_int_equal(query_i64(sc, "SELECT version FROM schema_version"), 2);
  assert_int_equal(query_i64(sc, "SELECT count(*) FROM sqlite_master WHERE name = 'shifts'"), 0);
  assert_int_equal(store_exec(sc->db, "INSERT INTO series(prefix, kind, created_at)"
                                      " VALUES ('HT', 'receipt', 0)", "seeding"), 0);
  store_close(sc);
  /* a reader of the full build refuses the older file */
  assert_null(store_open_ro(path, all, err, sizeof err));
  sc = store_open_rw(path, "full", all, err, sizeof err);
  assert_non_null(sc);
  assert_int_equal(query_i64(sc, "SELECT version FROM schema_version"), all->n);
  assert_int_equal(query_i64(sc, "SELECT count(*) FROM sqlite_master WHERE name = 'shifts'"), 1);
  assert_int_equal(query_i64(sc, "SELECT count(*) FROM series WHERE prefix = 'HT'"), 1);
  store_close(sc);
}

static void
test_newer_database_is_refused(void **state)
{
  char path[320], err[256];
  db_path("newer.db", path, sizeof path);
  const store_schema_t *all = schema_all();
  store_conn_t *sc = store_open_rw(path, "full", all, err, sizeof err);
  assert_non_null(sc);
  store_close(sc);
  store_schema_t older = {all->steps, all->n - 1};
  err[0] = '\0';
  assert_null(store_open_rw(path, "full", &older, err, sizeof err));
  assert_non_null(strstr(err, "newer than this tilld"));
}

static void
text_is(store_conn_t *sc, const char *sql, const char *want)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
  sqlite3_finalize(st);
}

/* <sql> fails with a message containing <want>, and changes nothing */
static void
refused(store_conn_t *sc, const char *sql, const char *want)
{
  int64_t before = sqlite3_total_changes(sc->db);
  char *msg = NULL;
  if (sqlite3_exec(sc->db, sql, NULL, NULL, &msg) == SQLITE_OK)
    fail_msg("%s: accepted, expected '%s'", sql, want);
  assert_non_null(msg);
  if (!strstr(msg, want))
    fail_msg("%s: '%s', expected '%s'", sql, msg, want);
  sqlite3_free(msg);
  assert_int_equal(sqlite3_total_changes(sc->db), before);
}

/* 2026-11-27 16:30:00 UTC, 2026-11-28 00:30 in UTC+8; and 2026-11-28
 * 23:59:59 in UTC+8 */
#define T_EARLY 1795797000
#define T_LATE 1795881599

static void
test_business_date_step(void **state)
{
  char path[320], err[256], date[LEDGER_DATE_LEN + 1];
  /* the server's TZ: 8 hours east, where T_EARLY is already the 28th */
  setenv("TZ", "CST-8", 1);
  tzset();
  db_path("dates.db", path, sizeof path);
  const store_schema_t *all = schema_all();
  store_schema_t older = {all->steps, 4};
  store_conn_t *sc = store_open_rw(path, "full", &older, err, sizeof err);
  assert_non_null(sc);
  /* one transaction: entries point to their journal row (deferred) */
  assert_int_equal(store_exec(sc->db, "BEGIN;"
    "INSERT INTO shifts(id, terminal_id, cashier, opened_at, float_amount)"
    " VALUES (1, 'T-1', 'ann', 1795797000, 0), (2, 'T-2', 'bob', 1795881599, 0);"
    "INSERT INTO accounts(code, type, created_at) VALUES ('bank:transit', 'asset', 0),"
    " ('safe', 'asset', 0);"
    "INSERT INTO entries(txn_id, seq, account, amount) VALUES (1, 1, 'bank:transit', 100),"
    " (1, 2, 'safe', -100);"
    "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, hash)"
    " VALUES (1, 'deposit', 0, 'T-1', 'sam', zeroblob(32));"
    "INSERT INTO deposits(slip, amount, created_by, created_at, txn_id)"
    " VALUES ('S-1', 100, 'sam', 1795797000, 1); COMMIT;", "seeding"), 0);
  store_close(sc);
  sc = store_open_rw(path, "full", all, err, sizeof err);
  assert_non_null(sc);
  assert_true(all->n >= 5);
  assert_string_equal(all->steps[4]->owner, "shift");
  /* the local calendar date each was made on, in the server's TZ */
  text_is(sc, "SELECT group_concat(business_date, ' ') FROM shifts ORDER BY id",
          "2026-11-28 2026-11-28");
  text_is(sc, "SELECT business_date FROM deposits", "2026-11-28");
  /* a date is required, a real one, and stays */
  refused(sc, "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount)"
              " VALUES ('T-3', 'cy', 0, 0)", "needs its business date");
  refused(sc, "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount, business_date)"
              " VALUES ('T-3', 'cy', 0, 0, '2026-02-30')", "needs its business date");
  refused(sc, "UPDATE shifts SET business_date = '2026-11-29' WHERE id = 1",
          "keeps its business date");
  refused(sc, "UPDATE deposits SET business_date = '2026-11-29'", "keeps its business date");
  /* the current business date is the calendar's while nothing is closed */
  assert_int_equal(ledger_business_date(sc, T_EARLY, date, err, sizeof err), TILL_OK);
  assert_string_equal(date, "2026-11-28");
  /* no date closes while a shift of it (or earlier) is open */
  assert_int_equal(store_exec(sc->db,
    "INSERT INTO server_keys(id, algorithm, public_key, created_at) VALUES (1, 'ed25519', x'00', 0);"
    "INSERT INTO chain_signatures(id, txn_id, head_hash, at_ms, reason, key_id, signature)"
    " VALUES (1, 1, zeroblob(32), 0, 'day_close:2026-11-28', 1, zeroblob(64));", "keys"), 0);
  refused(sc, "INSERT INTO day_closes(date, closed_by, closed_at, signature_id)"
              " VALUES ('2026-11-29', 'sam', 0, 1)", "open shift cannot close");
  assert_int_equal(store_exec(sc->db, "UPDATE shifts SET state = 2;"
    "INSERT INTO day_closes(date, closed_by, closed_at, signature_id)"
    " VALUES ('2026-11-28', 'sam', 0, 1);", "closing"), 0);
  /* closed: the next date is current, even before the calendar's midnight */
  assert_int_equal(ledger_business_date(sc, T_EARLY, date, err, sizeof err), TILL_OK);
  assert_string_equal(date, "2026-11-29");
  assert_int_equal(ledger_business_date(sc, T_LATE + 86400 * 3, date, err, sizeof err), TILL_OK);
  assert_string_equal(date, "2026-12-01");
  /* nothing new is stamped with a closed date or posted into its shifts */
  refused(sc, "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount, business_date)"
              " VALUES ('T-3', 'cy', 0, 0, '2026-11-28')", "closed business date");
  refused(sc, "INSERT INTO deposits(slip, amount, created_by, created_at, txn_id, business_date)"
              " VALUES ('S-2', 100, 'sam', 0, 1, '2026-11-28')", "closed business date");
  assert_int_equal(store_exec(sc->db, "BEGIN; INSERT INTO entries(txn_id, seq, account, amount)"
    " VALUES (2, 1, 'bank:transit', 5), (2, 2, 'safe', -5);", "entries"), 0);
  refused(sc, "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, hash)"
              " VALUES (2, 'sale', 0, 'T-1', 'ann', 1, zeroblob(32))",
          "business date of this shift is closed");
  assert_int_equal(store_exec(sc->db, "ROLLBACK", "rollback"), 0);
  /* the next date takes a shift */
  assert_int_equal(store_exec(sc->db,
    "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount, business_date)"
    " VALUES ('T-3', 'cy', 0, 0, '2026-11-29')", "next date"), 0);
  store_close(sc);
  unsetenv("TZ");
  tzset();
}

static int
setup(void **state)
{
  return testkit_tmpdir("till-test-schema", g_dir, sizeof g_dir);
}

static int
teardown(void **state)
{
  return testkit_rm_tree(g_dir);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_steps_in_order),
    cmocka_unit_test(test_new_database_is_current),
    cmocka_unit_test(test_older_database_is_migrated),
    cmocka_unit_test(test_newer_database_is_refused),
    cmocka_unit_test(test_business_date_step),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
