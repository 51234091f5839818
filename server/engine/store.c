/* store.c -- SQLite connections and schema migrations; see store.h. */
#include "store.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "till_log.h"

/* Each migration moves the schema from version i to i+1. Append only: a
 * released migration is never edited. */
static const char *const migrations[] = {
  /* 1: identity -- users, roles, terminals, sessions, security events */
  "CREATE TABLE roles ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE);"
  "INSERT INTO roles(id, name) VALUES (1,'cashier'),(2,'supervisor'),(3,'auditor'),(4,'admin');"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  pw_salt BLOB NOT NULL,"
  "  pw_hash BLOB NOT NULL,"
  "  pw_params TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
  "  failed_count INTEGER NOT NULL DEFAULT 0,"
  "  failed_since INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE user_roles ("
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  role_id INTEGER NOT NULL REFERENCES roles(id),"
  "  PRIMARY KEY (user_id, role_id)) WITHOUT ROWID;"
  "CREATE TABLE terminals ("
  "  id TEXT PRIMARY KEY,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE sessions ("
  "  token_hash BLOB PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  terminal_id TEXT NOT NULL REFERENCES terminals(id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  ended_at INTEGER) WITHOUT ROWID;"
  "CREATE TABLE security_events ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  user_name TEXT,"
  "  terminal_id TEXT,"
  "  detail TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX security_events_at ON security_events(at);",

  /* 2: the ledger -- accounts, series, price table, journal, entries,
   * idempotency, voids, reprints, server keys and chain signatures */
  "CREATE TABLE accounts ("
  "  code TEXT PRIMARY KEY,"
  "  type TEXT NOT NULL CHECK (type IN ('asset','liability','revenue','contra_revenue','equity')),"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE series ("
  "  prefix TEXT PRIMARY KEY CHECK (length(prefix) BETWEEN 1 AND 8),"
  "  kind TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE series_counters ("
  "  series TEXT PRIMARY KEY,"
  "  prefix TEXT NOT NULL REFERENCES series(prefix),"
  "  year INTEGER NOT NULL,"
  "  last_no INTEGER NOT NULL DEFAULT 0 CHECK (last_no >= 0)) WITHOUT ROWID;"
  "CREATE TABLE fee_items ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  unit_price INTEGER NOT NULL CHECK (unit_price > 0),"
  "  series_prefix TEXT NOT NULL REFERENCES series(prefix),"
  "  revenue_account TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE journal ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  at_ms INTEGER NOT NULL,"
  "  terminal_id TEXT NOT NULL,"
  "  cashier TEXT NOT NULL,"
  "  shift_id INTEGER,"
  "  series TEXT,"
  "  receipt_no INTEGER,"
  "  idem_key BLOB UNIQUE,"
  "  reverses INTEGER UNIQUE REFERENCES journal(id),"
  "  method TEXT NOT NULL DEFAULT '',"
  "  memo TEXT NOT NULL DEFAULT '',"
  "  approver TEXT NOT NULL DEFAULT '',"
  "  tendered INTEGER NOT NULL DEFAULT 0,"
  "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
  "  UNIQUE (series, receipt_no));"
  "CREATE TABLE entries ("
  "  txn_id INTEGER NOT NULL REFERENCES journal(id) DEFERRABLE INITIALLY DEFERRED,"
  "  seq INTEGER NOT NULL,"
  "  account TEXT NOT NULL REFERENCES accounts(code),"
  "  amount INTEGER NOT NULL,"
  "  item TEXT NOT NULL DEFAULT '',"
  "  quantity INTEGER NOT NULL DEFAULT 0,"
  "  unit_price INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (txn_id, seq)) WITHOUT ROWID;"
  "CREATE INDEX entries_account ON entries(account, txn_id);"
  /* entries go in first, then the journal row seals them: */
  "CREATE TRIGGER entries_sealed BEFORE INSERT ON entries"
  "  WHEN EXISTS (SELECT 1 FROM journal WHERE id = NEW.txn_id)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: transaction is sealed; entries cannot be added'); END;"
  "CREATE TRIGGER journal_balanced BEFORE INSERT ON journal"
  "  WHEN (SELECT count(*) FROM entries WHERE txn_id = NEW.id) < 2"
  "    OR (SELECT coalesce(sum(amount), 0) FROM entries WHERE txn_id = NEW.id) != 0"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a transaction needs two or more entries summing to zero'); END;"
  "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: journal is append-only'); END;"
  "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: journal is append-only'); END;"
  "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: entries are append-only'); END;"
  "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: entries are append-only'); END;"
  "CREATE TABLE idempotency ("
  "  key BLOB PRIMARY KEY CHECK (length(key) = 16),"
  "  request_hash BLOB NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  ref_id INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TRIGGER idempotency_no_update BEFORE UPDATE ON idempotency"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: idempotency records are append-only'); END;"
  "CREATE TRIGGER idempotency_no_delete BEFORE DELETE ON idempotency"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: idempotency records are append-only'); END;"
  "CREATE TABLE void_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  reason TEXT NOT NULL,"
  "  requested_by TEXT NOT NULL,"
  "  requested_terminal TEXT NOT NULL,"
  "  requested_at INTEGER NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1,2,3)),"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  note TEXT NOT NULL DEFAULT '',"
  "  reversal_txn_id INTEGER REFERENCES journal(id));"
  /* at most one pending or approved void per receipt */
  "CREATE UNIQUE INDEX void_requests_open ON void_requests(txn_id) WHERE state IN (1,2);"
  "CREATE INDEX void_requests_state ON void_requests(state, id);"
  "CREATE TABLE reprints ("
  "  id INTEGER PRIMARY KEY,"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  at INTEGER NOT NULL,"
  "  user_name TEXT NOT NULL,"
  "  terminal_id TEXT NOT NULL);"
  "CREATE INDEX reprints_txn ON reprints(txn_id);"
  "CREATE TRIGGER reprints_no_update BEFORE UPDATE ON reprints"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: reprints are append-only'); END;"
  "CREATE TRIGGER reprints_no_delete BEFORE DELETE ON reprints"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: reprints are append-only'); END;"
  "CREATE TABLE server_keys ("
  "  id INTEGER PRIMARY KEY,"
  "  algorithm TEXT NOT NULL,"
  "  public_key BLOB NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE chain_signatures ("
  "  id INTEGER PRIMARY KEY,"
  "  txn_id INTEGER NOT NULL,"
  "  head_hash BLOB NOT NULL,"
  "  at_ms INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  key_id INTEGER NOT NULL REFERENCES server_keys(id),"
  "  signature BLOB NOT NULL);"
  "CREATE TRIGGER chain_signatures_no_update BEFORE UPDATE ON chain_signatures"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: signatures are append-only'); END;"
  "CREATE TRIGGER chain_signatures_no_delete BEFORE DELETE ON chain_signatures"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: signatures are append-only'); END;",

  /* 3: shifts, cash counts, deposits */
  "CREATE TABLE deposits ("
  "  id INTEGER PRIMARY KEY,"
  "  slip TEXT NOT NULL UNIQUE,"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1,2)),"
  "  created_by TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  confirmed_by TEXT,"
  "  confirmed_at INTEGER,"
  "  confirm_txn_id INTEGER REFERENCES journal(id));"
  "CREATE TABLE shifts ("
  "  id INTEGER PRIMARY KEY,"
  "  terminal_id TEXT NOT NULL,"
  "  cashier TEXT NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1,2,3)),"
  "  opened_at INTEGER NOT NULL,"
  "  float_amount INTEGER NOT NULL CHECK (float_amount >= 0),"
  "  closed_at INTEGER,"
  "  expected_cash INTEGER,"
  "  counted_cash INTEGER,"
  "  cash_variance INTEGER,"
  "  signature_txn_id INTEGER,"
  "  approved_by TEXT,"
  "  approved_at INTEGER,"
  "  note TEXT NOT NULL DEFAULT '',"
  "  deposit_id INTEGER REFERENCES deposits(id));"
  /* a terminal has at most one open shift, and so has a cashier */
  "CREATE UNIQUE INDEX shifts_open_terminal ON shifts(terminal_id) WHERE state = 1;"
  "CREATE UNIQUE INDEX shifts_open_cashier ON shifts(cashier) WHERE state = 1;"
  "CREATE INDEX shifts_state ON shifts(state, id);"
  "CREATE INDEX journal_shift ON journal(shift_id) WHERE shift_id IS NOT NULL;"
  "CREATE TABLE shift_counts ("
  "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
  "  phase TEXT NOT NULL CHECK (phase IN ('open','close')),"
  "  face INTEGER NOT NULL CHECK (face > 0),"
  "  count INTEGER NOT NULL CHECK (count >= 0),"
  "  PRIMARY KEY (shift_id, phase, face)) WITHOUT ROWID;"
  "CREATE TABLE shift_noncash ("
  "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
  "  method TEXT NOT NULL,"
  "  counted INTEGER NOT NULL,"
  "  expected INTEGER NOT NULL,"
  "  PRIMARY KEY (shift_id, method)) WITHOUT ROWID;",

  /* 4: reports -- the closed days, the cashiers' monthly targets, and the
   * indices reports and ledger queries find a time range by
   * (docs/ledger.md, "Indices for reports") */
  "CREATE TABLE day_closes ("
  "  date TEXT PRIMARY KEY CHECK (length(date) = 10),"
  "  closed_by TEXT NOT NULL,"
  "  closed_at INTEGER NOT NULL,"
  "  signature_id INTEGER NOT NULL REFERENCES chain_signatures(id)) WITHOUT ROWID;"
  "CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a closed day stays closed'); END;"
  "CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a closed day stays closed'); END;"
  "CREATE TABLE cashier_targets ("
  "  cashier TEXT NOT NULL,"
  "  month TEXT NOT NULL CHECK (length(month) = 7),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  set_by TEXT NOT NULL,"
  "  set_at INTEGER NOT NULL,"
  "  PRIMARY KEY (cashier, month)) WITHOUT ROWID;"
  "CREATE INDEX journal_at ON journal(at_ms);"
  "CREATE INDEX shifts_opened ON shifts(opened_at);"
  "CREATE INDEX shifts_closed ON shifts(closed_at) WHERE closed_at IS NOT NULL;"
  "CREATE INDEX deposits_created ON deposits(created_at);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int
store_schema_version(void)
{
  return N_MIGRATIONS;
}

int
store_exec(sqlite3 *db, const char *sql, const char *what)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    log_warn(LD_STORE, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static int
read_version(sqlite3 *db, int *out)
{
  int rc = -1;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, NULL) != SQLITE_OK)
    goto done;
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    *out = sqlite3_column_int(st, 0);
  else if (step == SQLITE_DONE)
    *out = 0;
  else
    goto done;
  rc = 0;
 done:
  sqlite3_finalize(st);
  return rc;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
  int version = 0;
  if (store_exec(db, "BEGIN IMMEDIATE", "starting migration") != 0) {
    snprintf(err, errlen, "cannot lock database for migration: %s", sqlite3_errmsg(db));
    return -1;
  }
  if (store_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                 "creating schema_version") != 0 ||
      read_version(db, &version) != 0) {
    snprintf(err, errlen, "reading schema version: %s", sqlite3_errmsg(db));
    goto fail;
  }
  if (version > N_MIGRATIONS) {
    snprintf(err, errlen,
             "database schema version %d is newer than this tilld understands (%d); "
             "run a newer tilld",
             version, N_MIGRATIONS);
    goto fail;
  }
  for (int v = version; v < N_MIGRATIONS; v++) {
    char what[64];
    snprintf(what, sizeof what, "schema migration %d -> %d", v, v + 1);
    if (store_exec(db, migrations[v], what) != 0) {
      snprintf(err, errlen, "%s failed: %s", what, sqlite3_errmsg(db));
      goto fail;
    }
    log_notice(LD_STORE, "%s applied", what);
  }
  if (version != N_MIGRATIONS) {
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
             N_MIGRATIONS);
    if (store_exec(db, sql, "recording schema version") != 0) {
      snprintf(err, errlen, "recording schema version: %s", sqlite3_errmsg(db));
      goto fail;
    }
  }
  if (store_exec(db, "COMMIT", "committing migration") != 0) {
    snprintf(err, errlen, "committing migration: %s", sqlite3_errmsg(db));
    goto fail;
  }
  return 0;
 fail:
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return -1;
}

static store_conn_t *
conn_wrap(sqlite3 *db)
{
  store_conn_t *sc = calloc(1, sizeof *sc);
  if (sc)
    sc->db = db;
  return sc;
}

void
store_tune_malloc(void)
{
  /* SQLite frees and reallocates page-sized buffers all the time; with
   * glibc's defaults the heap is trimmed and grown again over and over
   * (2,314 brk calls for 5,000 postings; 25 with these settings). Keep
   * freed memory for reuse instead. */
  mallopt(M_TRIM_THRESHOLD, STORE_MALLOC_KEEP);
  mallopt(M_MMAP_THRESHOLD, STORE_MALLOC_MMAP_MIN);
}

store_conn_t *
store_open_rw(const char *path, const char *sync, char *err, size_t errlen)
{
  sqlite3 *db = NULL;
  store_conn_t *sc = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "opening database %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    goto fail;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  char pragmas[256];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
           /* the writer opens a SAVEPOINT per request, and SQLite copies
            * every page a savepoint first touches into a statement journal:
            * keep those in memory, not in files under /var/tmp (they were
            * 9 in 10 of all writes) */
           " PRAGMA temp_store=MEMORY;"
           /* every posting inserts into index pages other postings of its
            * batch do not touch (each drawer's entries; and random
            * idempotency keys, where a client does not make them
            * time-ordered as till does): with SQLite's default 2 MiB cache
            * those pages were read again 3.7 times a posting, 0.8 with
            * this (measured with random keys) */
           " PRAGMA cache_size=-" STORE_CACHE_KIB ";",
           strcmp(sync, "normal") == 0 ? "NORMAL" : "FULL");
  if (store_exec(db, pragmas, "setting pragmas") != 0) {
    snprintf(err, errlen, "database %s: %s", path, sqlite3_errmsg(db));
    goto fail;
  }
  if (migrate(db, err, errlen) != 0)
    goto fail;
  if (!(sc = conn_wrap(db))) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  return sc;
 fail:
  if (db)
    sqlite3_close(db);
  return NULL;
}

store_conn_t *
store_open_ro(const char *path, char *err, size_t errlen)
{
  sqlite3 *db = NULL;
  store_conn_t *sc = NULL;
  int version = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "opening database %s read-only: %s", path,
             db ? sqlite3_errmsg(db) : "out of memory");
    goto fail;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  if (read_version(db, &version) != 0 || version != N_MIGRATIONS) {
    snprintf(err, errlen, "database %s: schema version %d, expected %d", path, version,
             N_MIGRATIONS);
    goto fail;
  }
  if (!(sc = conn_wrap(db))) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  return sc;
 fail:
  if (db)
    sqlite3_close(db);
  return NULL;
}

void
store_close(store_conn_t *sc)
{
  if (!sc)
    return;
  for (int i = 0; i < sc->n; i++)
    sqlite3_finalize(sc->st[i]);
  if (sqlite3_close(sc->db) != SQLITE_OK)
    log_warn(LD_STORE, "closing database: %s", sqlite3_errmsg(sc->db));
  free(sc);
}

sqlite3_stmt *
store_stmt(store_conn_t *sc, const char *sql)
{
  for (int i = 0; i < sc->n; i++) {
    if (sc->sql[i] == sql) {
      sqlite3_reset(sc->st[i]);
      sqlite3_clear_bindings(sc->st[i]);
      return sc->st[i];
    }
  }
  if (sc->n == STORE_MAX_STMTS) {
    log_err(LD_STORE, "statement cache full");
    return NULL;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3(sc->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    log_err(LD_STORE, "preparing statement: %s", sqlite3_errmsg(sc->db));
    return NULL;
  }
  sc->sql[sc->n] = sql;
  sc->st[sc->n] = st;
  sc->n++;
  return st;
}

sqlite3_stmt *
store_range_stmt(store_conn_t *sc, const char *sql, int64_t from, int64_t to)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
  }
  return st;
}

int
store_backup(const char *src, const char *dst, int64_t *journal_rows, int64_t *head_id,
             char *err, size_t errlen)
{
  sqlite3 *from = NULL, *to = NULL;
  sqlite3_backup *b = NULL;
  sqlite3_stmt *st = NULL;
  int rc = -1, made = 0;
  if (access(dst, F_OK) == 0) {
    snprintf(err, errlen, "%s exists; back up into a new file", dst);
    return -1;
  }
  if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "opening %s: %s", src, from ? sqlite3_errmsg(from) : "out of memory");
    goto done;
  }
  sqlite3_busy_timeout(from, 5000);
  if (sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "creating %s: %s", dst, to ? sqlite3_errmsg(to) : "out of memory");
    goto done;
  }
  made = 1;
  if (!(b = sqlite3_backup_init(to, "main", from, "main"))) {
    snprintf(err, errlen, "starting the backup: %s", sqlite3_errmsg(to));
    goto done;
  }
  /* -1: every page in one step, under one read transaction of the source */
  int step = SQLITE_OK;
  for (int tries = 0; tries < 100; tries++) {
    step = sqlite3_backup_step(b, -1);
    if (step != SQLITE_BUSY && step != SQLITE_LOCKED)
      break;
    sqlite3_sleep(50);
  }
  int fin = sqlite3_backup_finish(b);
  b = NULL;
  if (step != SQLITE_DONE || fin != SQLITE_OK) {
    snprintf(err, errlen, "copying %s: %s", src, sqlite3_errstr(step != SQLITE_DONE ? step : fin));
    goto done;
  }
  if (sqlite3_prepare_v2(to, "SELECT (SELECT count(*) FROM journal), (SELECT coalesce(max(id), 0)"
                             " FROM journal), (SELECT integrity_check FROM pragma_integrity_check)",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW) {
    snprintf(err, errlen, "checking the copy: %s", sqlite3_errmsg(to));
    goto done;
  }
  const char *ok = (const char *)sqlite3_column_text(st, 2);
  if (!ok || strcmp(ok, "ok") != 0) {
    snprintf(err, errlen, "the copy fails its integrity check: %s", ok ? ok : "?");
    goto done;
  }
  *journal_rows = sqlite3_column_int64(st, 0);
  *head_id = sqlite3_column_int64(st, 1);
  rc = 0;
 done:
  sqlite3_finalize(st);
  if (b)
    sqlite3_backup_finish(b);
  sqlite3_close(from);
  sqlite3_close(to);
  if (rc != 0 && made)
    unlink(dst);
  return rc;
}
