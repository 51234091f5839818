/* store.h -- the SQLite database: opening connections, pragmas and the
 * versioned schema migrations.
 *
 * One read-write connection belongs to the writer thread (worker.c); each
 * reader thread has its own read-only connection. The schema version lives in
 * table schema_version; an older database is upgraded on open, a newer one is
 * refused. Statements other modules need are prepared by those modules on the
 * connection they are given. */
#ifndef TILLD_STORE_H
#define TILLD_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_MAX_STMTS 256

/* One connection and the statements prepared on it. Owned by one thread. */
typedef struct store_conn {
  sqlite3 *db;
  const char *sql[STORE_MAX_STMTS];
  sqlite3_stmt *st[STORE_MAX_STMTS];
  int n;
  /* What a higher layer keeps with this connection between requests (the
   * daily report's sums, report_daily.c), freed by store_close with
   * kept_free. Like the connection, used by one thread at a time. */
  void *kept;
  void (*kept_free)(void *kept);
} store_conn_t;

/* Heap memory glibc keeps instead of returning it to the kernel, and the
 * smallest allocation it serves with mmap (see store_tune_malloc). */
#define STORE_MALLOC_KEEP (64 * 1024 * 1024)
#define STORE_MALLOC_MMAP_MIN (4 * 1024 * 1024)

/* Page cache of the read-write connection (the writer's), KiB, as the
 * string PRAGMA cache_size takes (negative: KiB). */
#define STORE_CACHE_KIB "65536"

/* Tune glibc's allocator for SQLite's pattern; once, at process start,
 * before threads start. */
void store_tune_malloc(void);

/* Route SQLite's own log into ours; once, at process start, before any other
 * SQLite call. What a crash recovery did (WAL frames recovered, rolled-back
 * journals) goes out at notice; SQLite warnings at warn (automatic indices,
 * a query-plan hint, at info); I/O, corruption and full-disk errors at warn;
 * the errors a caller sees and reports anyway (constraints, busy, schema
 * changes, SQL errors) at debug/info. */
void store_log_init(void);

/* One step of the schema, from version <version> - 1 to <version>. The SQL
 * lives with the folder that owns the tables (<owner>); server/net/schema.c
 * lists every step in order (docs/architecture.md). A released step is
 * never edited. */
typedef struct {
  int version;
  const char *owner;
  const char *sql;
} store_migration_t;

/* The whole schema: steps[i] has version i + 1; n is the version this
 * build writes. */
typedef struct {
  const store_migration_t *const *steps;
  int n;
} store_schema_t;

/* Run the steps of <schema> that <db> has not had yet, in one transaction
 * (what store_open_rw does on open; the start-up check runs it on an
 * in-memory database to learn what the schema must be), with foreign keys
 * off meanwhile and checked before the commit; PRAGMA foreign_keys is left
 * as it was. 0, or -1 with the reason in err. */
int store_migrate(sqlite3 *db, const store_schema_t *schema, char *err, size_t errlen);

/* Open <path> read-write, create it if missing, set WAL and synchronous=<sync>
 * ("full" or "normal"), statement journals in memory and a STORE_CACHE_KIB
 * page cache, and run the pending steps of <schema>. NULL with the reason in
 * err (including "database schema version N is newer than this tilld (M)"). */
store_conn_t *store_open_rw(const char *path, const char *sync, const store_schema_t *schema,
                           char *err, size_t errlen);

/* Open <path> read-only (the database must already exist and be at
 * <schema>'s version). */
store_conn_t *store_open_ro(const char *path, const store_schema_t *schema, char *err,
                            size_t errlen);

/* Copy the live database at <src> into a new file <dst> with SQLite's
 * backup API, in one step: the copy is the snapshot of one read
 * transaction, taken while tilld keeps committing (a WAL reader blocks no
 * writer). <dst> must not exist. On success *journal_rows and *head_id
 * describe the copy. 0, or -1 with the reason in err (and no <dst> left). */
int store_backup(const char *src, const char *dst, int64_t *journal_rows, int64_t *head_id,
                 char *err, size_t errlen);

/* Finalize the cached statements and close. Accepts NULL. */
void store_close(store_conn_t *sc);

/* Run <sql> (no parameters, no rows). 0 or -1 (logged with <what>). */
int store_exec(sqlite3 *db, const char *sql, const char *what);

/* Prepare <sql> once per connection and cache it by its text pointer (pass
 * string literals). Returns a reset statement with cleared bindings, owned by
 * <sc>, or NULL (logged). */
sqlite3_stmt *store_stmt(store_conn_t *sc, const char *sql);

/* store_stmt with ?1 and ?2 bound to a range [from, to) -- of times, for the
 * reports. NULL (logged) as store_stmt. */
sqlite3_stmt *store_range_stmt(store_conn_t *sc, const char *sql, int64_t from, int64_t to);

#endif
