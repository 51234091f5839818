/* test_schema.c -- the schema list (server/net/schema.c) and the store's
 * migrations runner: steps numbered 1..n in order, each owned by a folder;
 * a new database is at version n; a database made by an older build (only
 * the first steps) is brought to n on open, keeping its rows; a reader
 * refuses a database at another version; a database newer than the build
 * is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
