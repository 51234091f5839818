/* plan_fixture.h -- what the query-plan tests share (test_report_plans,
 * test_deposit_plans): a statement's EXPLAIN QUERY PLAN as text, to pin
 * the plans tilld's statements get on a database with the whole schema
 * (tilld runs no ANALYZE, so they are the plans it makes at any size). */
#ifndef PLAN_FIXTURE_H
#define PLAN_FIXTURE_H

#include <stddef.h>

#include <sqlite3.h>

#include "store.h"

/* The plan of <sql> on <db>, one detail a line ("SEARCH j USING INDEX
 * ...\n"), into out; fails the running cmocka test if it cannot be
 * prepared or does not fit. */
void plan_of(sqlite3 *db, const char *sql, char *out, size_t len);

/* A new database with every schema step in a scratch directory
 * "$TMPDIR/<prefix>-XXXXXX" (its path into dir), for a cmocka group
 * setup; NULL on failure. plan_fx_close closes it and removes the
 * directory: 0, or -1 when anything is left. */
store_conn_t *plan_fx_open(const char *prefix, char *dir, size_t dirlen);
int plan_fx_close(store_conn_t *sc, const char *dir);

#endif
