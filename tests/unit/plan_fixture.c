/* plan_fixture.c -- see plan_fixture.h. */
#include "plan_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "schema.h"
#include "testkit.h"

void
plan_of(sqlite3 *db, const char *sql, char *out, size_t len)
{
  char eqp[8192];
  int n = snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
  assert_true(n > 0 && (size_t)n < sizeof eqp);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, eqp, -1, &st, NULL) != SQLITE_OK)
    fail_msg("preparing %s: %s", sql, sqlite3_errmsg(db));
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < 100 && sqlite3_step(st) == SQLITE_ROW; i++) {
    n = snprintf(out + used, len - used, "%s\n", (const char *)sqlite3_column_text(st, 3));
    assert_true(n > 0 && (size_t)n < len - used);
    used += (size_t)n;
  }
  sqlite3_finalize(st);
}

store_conn_t *
plan_fx_open(const char *prefix, char *dir, size_t dirlen)
{
  char path[512], err[256];
  if (testkit_tmpdir(prefix, dir, dirlen) != 0)
    return NULL;
  snprintf(path, sizeof path, "%s/plans.db", dir);
  return store_open_rw(path, "full", schema_all(), err, sizeof err);
}

int
plan_fx_close(store_conn_t *sc, const char *dir)
{
  store_close(sc);
  return testkit_rm_tree(dir);
}
