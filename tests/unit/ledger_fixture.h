/* ledger_fixture.h -- the one fixture the posting engine's unit tests share
 * (test_ledger, test_ledger_billing, _toll, _hospital, _refund): a scratch
 * directory with a real SQLite file made by every schema step, the test's
 * seed rows, and a ledger open on it with its signing key in the directory.
 *
 * Requests run as the writer thread runs them: BEGIN IMMEDIATE and a
 * savepoint, rolled back on failure with the chain head reloaded, then
 * committed (ledger_fx_begin / ledger_fx_end). The helpers that check SQL
 * fail the running cmocka test with the statement and SQLite's message. */
#ifndef LEDGER_FIXTURE_H
#define LEDGER_FIXTURE_H

#include <limits.h>
#include <stdint.h>

#include "ledger.h"
#include "store.h"
#include "till_status.h"

#define assert_i64_equal(a, b) assert_true((int64_t)(a) == (int64_t)(b))

typedef struct {
  char dir[PATH_MAX / 2]; /* room for a file name after it */
  char db[PATH_MAX];
  char key[PATH_MAX];
  store_conn_t *sc;
  ledger_t *lg;
  char err[512];     /* the last posting's message */
  char receipt[64];  /* the last posting's receipt number */
} ledger_fx_t;

/* A fresh fixture under "$TMPDIR/<prefix>-XXXXXX" with <seed_sql> run on
 * the new database (NULL: none). NULL on failure, with the reason on
 * stderr and nothing left behind -- for a cmocka setup function. */
ledger_fx_t *ledger_fx_open(const char *prefix, const char *seed_sql);

/* Close the ledger and the store, remove the directory, free <f> (NULL is
 * fine). 0 when the directory is gone, -1 when anything of it is left. */
int ledger_fx_close(ledger_fx_t *f);

/* Close the ledger and the store (the files stay); a test that opens them
 * itself afterwards puts them back in <f> for ledger_fx_close. */
void ledger_fx_shut(ledger_fx_t *f);

/* Close and open the store and the ledger again, as a restart of tilld
 * would; fails the test if either cannot be opened. */
void ledger_fx_reopen(ledger_fx_t *f);

/* Run <sql>; fail the test with SQLite's message if it fails. */
void ledger_fx_exec(ledger_fx_t *f, const char *sql);

/* Run <sql>; fail the test unless it fails with a message containing <want>. */
void ledger_fx_exec_fails(ledger_fx_t *f, const char *sql, const char *want);

/* The single integer <sql> yields; a statement with a parameter gets <arg>
 * bound to it. Fails the test on an error or when there is no row. */
int64_t ledger_fx_i64(ledger_fx_t *f, const char *sql, int64_t arg);

/* Open one request: BEGIN IMMEDIATE, SAVEPOINT req, the messages cleared. */
void ledger_fx_begin(ledger_fx_t *f);

/* End it as the writer does: on <st> != TILL_OK roll back to the savepoint
 * and reload the chain head; then release and commit. */
void ledger_fx_end(ledger_fx_t *f, till_status_t st);

#endif
