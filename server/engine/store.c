/* store.c -- SQLite connections and schema migrations; see store.h. */
#include "store.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "till_log.h"

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

/* The first foreign key violation PRAGMA foreign_key_check finds, named
 * (table, rowid, parent) into err: 1 found, 0 none, -1 error. */
static int
foreign_key_violation(sqlite3 *db, char *err, size_t errlen)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    snprintf(err, errlen, "after the schema migration, %s row %lld refers to a missing row of %s",
             (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
             (const char *)sqlite3_column_text(st, 2));
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* PRAGMA foreign_keys: 1 on, 0 off, -1 error. */
static int
foreign_keys_on(sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  int on = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    on = sqlite3_column_int(st, 0) != 0;
  sqlite3_finalize(st);
  return on;
}

/* Foreign keys are off while the steps run, so that a step may rebuild a
 * table others refer to (SQLite's "other kinds of table schema changes":
 * step 13 rebuilds the journal); PRAGMA foreign_keys is a no-op inside a
 * transaction, so it is set before BEGIN and put back as it was after the
 * end (on for store_open_rw's connection, off for the start-up check's
 * in-memory copy), and PRAGMA foreign_key_check must find nothing before
 * the steps commit. */
int
store_migrate(sqlite3 *db, const store_schema_t *schema, char *err, size_t errlen)
{
  int version = 0;
  int fk = foreign_keys_on(db);
  if (fk < 0) {
    snprintf(err, errlen, "reading PRAGMA foreign_keys: %s", sqlite3_errmsg(db));
    return -1;
  }
  const char *fk_back = fk ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF";
  if (store_exec(db, "PRAGMA foreign_keys=OFF", "foreign keys off for migration") != 0) {
    snprintf(err, errlen, "turning foreign keys off for migration: %s", sqlite3_errmsg(db));
    return -1;
  }
  if (store_exec(db, "BEGIN IMMEDIATE", "starting migration") != 0) {
    snprintf(err, errlen, "cannot lock database for migration: %s", sqlite3_errmsg(db));
    goto restore_fk;
  }
  if (store_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                 "creating schema_version") != 0 ||
      read_version(db, &version) != 0) {
    snprintf(err, errlen, "reading schema version: %s", sqlite3_errmsg(db));
    goto fail;
  }
  if (version > schema->n) {
    snprintf(err, errlen,
             "database schema version %d is newer than this tilld understands (%d); "
             "run a newer tilld",
             version, schema->n);
    goto fail;
  }
  for (int v = version; v < schema->n; v++) {
    char what[64];
    snprintf(what, sizeof what, "schema migration %d -> %d", v, v + 1);
    if (store_exec(db, schema->steps[v]->sql, what) != 0) {
      snprintf(err, errlen, "%s failed: %s", what, sqlite3_errmsg(db));
      goto fail;
    }
    if (sqlite3_db_filename(db, "main") && *sqlite3_db_filename(db, "main"))
      log_notice(LD_STORE, "%s applied", what); /* not for the start-up check's copy */
  }
  if (version != schema->n) {
    int bad = foreign_key_violation(db, err, errlen);
    if (bad != 0) {
      if (bad < 0)
        snprintf(err, errlen, "checking foreign keys after migration: %s", sqlite3_errmsg(db));
      goto fail;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
             schema->n);
    if (store_exec(db, sql, "recording schema version") != 0) {
      snprintf(err, errlen, "recording schema version: %s", sqlite3_errmsg(db));
      goto fail;
    }
  }
  if (store_exec(db, "COMMIT", "committing migration") != 0) {
    snprintf(err, errlen, "committing migration: %s", sqlite3_errmsg(db));
    goto fail;
  }
  if (store_exec(db, fk_back, "foreign keys back after migration") != 0) {
    snprintf(err, errlen, "setting foreign keys back after migration: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
 fail:
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
 restore_fk:
  sqlite3_exec(db, fk_back, NULL, NULL, NULL);
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

/* Set by the log callback when SQLite recovered a WAL or rolled back a hot
 * journal; store_open_rw then reports the checkpoint that follows. */
static atomic_int recovered;

static void
sqlite_log(void *arg, int code, const char *msg)
{
  (void)arg;
  if (!msg)
    msg = "";
  switch (code & 0xff) {
  case SQLITE_NOTICE:
    if (code == SQLITE_NOTICE_RECOVER_WAL || code == SQLITE_NOTICE_RECOVER_ROLLBACK) {
      atomic_store(&recovered, 1);
      log_notice(LD_STORE, "crash recovery: %s", msg);
    } else {
      log_info(LD_STORE, "sqlite notice: %s", msg);
    }
    return;
  case SQLITE_WARNING:
    if (code == SQLITE_WARNING_AUTOINDEX)
      log_info(LD_STORE, "sqlite: %s", msg);
    else
      log_warn(LD_STORE, "sqlite warning: %s", msg);
    return;
  case SQLITE_IOERR:
  case SQLITE_CORRUPT:
  case SQLITE_FULL:
  case SQLITE_CANTOPEN:
  case SQLITE_NOTADB:
  case SQLITE_NOMEM:
  case SQLITE_READONLY:
  case SQLITE_PROTOCOL:
    log_warn(LD_STORE, "sqlite error %d: %s", code, msg);
    return;
  case SQLITE_CONSTRAINT:
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_SCHEMA:
  case SQLITE_INTERRUPT:
  case SQLITE_ABORT:
    log_debug(LD_STORE, "sqlite %d: %s", code, msg); /* the caller reports it */
    return;
  default:
    log_info(LD_STORE, "sqlite %d: %s", code, msg);
    return;
  }
}

void
store_log_init(void)
{
  if (sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, (void *)NULL) != SQLITE_OK)
    log_warn(LD_STORE, "cannot route SQLite's log; crash recovery will not be reported");
}

/* After the open that recovered: copy the recovered frames into the
 * database now and say how many, once. */
static void
report_recovery(sqlite3 *db)
{
  if (!atomic_exchange(&recovered, 0))
    return;
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
  if (rc == SQLITE_OK)
    log_notice(LD_STORE, "crash recovery: checkpoint copied %d of %d WAL frames into the database",
               copied, wal_frames);
  else
    log_warn(LD_STORE, "crash recovery: checkpoint after recovery failed: %s", sqlite3_errmsg(db));
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
store_open_rw(const char *path, const char *sync, const store_schema_t *schema, char *err,
              size_t errlen)
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
  if (store_migrate(db, schema, err, errlen) != 0)
    goto fail;
  report_recovery(db);
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
store_open_ro(const char *path, const store_schema_t *schema, char *err, size_t errlen)
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
  if (read_version(db, &version) != 0 || version != schema->n) {
    snprintf(err, errlen, "database %s: schema version %d, expected %d", path, version,
             schema->n);
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
  if (sc->kept && sc->kept_free)
    sc->kept_free(sc->kept);
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
