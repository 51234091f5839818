/* ledger_fixture.c -- the posting engine's shared unit-test fixture
 * (ledger_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger_fixture.h"
#include "schema.h"
#include "testkit.h"

static int
open_both(ledger_fx_t *f)
{
  f->sc = store_open_rw(f->db, "full", schema_all(), f->err, sizeof f->err);
  if (!f->sc)
    return -1;
  f->lg = ledger_open(f->sc, f->key, f->err, sizeof f->err);
  return f->lg ? 0 : -1;
}

void
ledger_fx_shut(ledger_fx_t *f)
{
  ledger_free(f->lg);
  f->lg = NULL;
  store_close(f->sc);
  f->sc = NULL;
}

ledger_fx_t *
ledger_fx_open(const char *prefix, const char *seed_sql)
{
  ledger_fx_t *f = calloc(1, sizeof *f);
  if (!f) {
    fprintf(stderr, "setup: out of memory\n");
    return NULL;
  }
  if (testkit_tmpdb(prefix, f->dir, sizeof f->dir, f->db, sizeof f->db) != 0) {
    perror("setup: scratch directory");
    free(f);
    return NULL;
  }
  int n = snprintf(f->key, sizeof f->key, "%s/signing-key.pem", f->dir);
  if (n < 0 || (size_t)n >= sizeof f->key) {
    fprintf(stderr, "setup: key path too long\n");
    goto fail;
  }
  /* the seed goes in before the ledger opens, as an operator's set-up
   * would: the ledger reads its series and head at open */
  f->sc = store_open_rw(f->db, "full", schema_all(), f->err, sizeof f->err);
  if (!f->sc) {
    fprintf(stderr, "setup: %s\n", f->err);
    goto fail;
  }
  if (seed_sql && sqlite3_exec(f->sc->db, seed_sql, NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "setup: seed: %s\n", sqlite3_errmsg(f->sc->db));
    goto fail;
  }
  f->lg = ledger_open(f->sc, f->key, f->err, sizeof f->err);
  if (!f->lg) {
    fprintf(stderr, "setup: %s\n", f->err);
    goto fail;
  }
  return f;
 fail:
  ledger_fx_shut(f);
  testkit_rm_tree(f->dir);
  free(f);
  return NULL;
}

int
ledger_fx_close(ledger_fx_t *f)
{
  if (!f)
    return 0;
  ledger_fx_shut(f);
  testkit_rm_tree(f->dir);
  struct stat sb;
  int gone = stat(f->dir, &sb) != 0;
  free(f);
  return gone ? 0 : -1;
}

void
ledger_fx_reopen(ledger_fx_t *f)
{
  ledger_fx_shut(f);
  if (open_both(f) != 0)
    fail_msg("reopen: %s", f->err);
}

void
ledger_fx_exec(ledger_fx_t *f, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec(f->sc->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    char copy[256];
    snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
    sqlite3_free(msg);
    fail_msg("%s: %s", sql, copy);
  }
}

void
ledger_fx_exec_fails(ledger_fx_t *f, const char *sql, const char *want)
{
  char *msg = NULL;
  int rc = sqlite3_exec(f->sc->db, sql, NULL, NULL, &msg);
  char copy[256];
  snprintf(copy, sizeof copy, "%s", msg ? msg : "");
  sqlite3_free(msg);
  if (rc == SQLITE_OK)
    fail_msg("expected to fail: %s", sql);
  if (!strstr(copy, want))
    fail_msg("%s: failed with \"%s\", expected \"%s\"", sql, copy, want);
}

int64_t
ledger_fx_i64(ledger_fx_t *f, const char *sql, int64_t arg)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(f->sc->db, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("prepare %s: %s", sql, sqlite3_errmsg(f->sc->db));
  if (sqlite3_bind_parameter_count(st) > 0 && sqlite3_bind_int64(st, 1, arg) != SQLITE_OK) {
    sqlite3_finalize(st);
    fail_msg("bind %s", sql);
  }
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    fail_msg("no row: %s", sql);
  }
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

void
ledger_fx_begin(ledger_fx_t *f)
{
  ledger_fx_exec(f, "BEGIN IMMEDIATE");
  ledger_fx_exec(f, "SAVEPOINT req");
  f->err[0] = '\0';
  f->receipt[0] = '\0';
}

void
ledger_fx_end(ledger_fx_t *f, till_status_t st)
{
  if (st != TILL_OK) {
    ledger_fx_exec(f, "ROLLBACK TO req");
    assert_int_equal(ledger_reload_head(f->lg, f->sc), 0);
  }
  ledger_fx_exec(f, "RELEASE req");
  ledger_fx_exec(f, "COMMIT");
}
