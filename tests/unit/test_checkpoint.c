/* test_checkpoint.c -- server/checkpoint: the writer's connection stops
 * checkpointing by itself, the checkpoint thread copies committed WAL pages
 * into the database file within a few intervals, a writer that commits
 * without a pause still gets its WAL started again from the top (so the
 * file stops growing), a large WAL is started again in place rather than
 * cut back, and stopping is prompt even with a long interval.
 *
 * "Copied into the database file" is observed from the file's size: pages
 * written by a transaction live only in the WAL until a checkpoint copies
 * them, so the main file stays at its size of before until then. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "store.h"
#include "schema.h"
#include "testkit.h"
#include "till_log.h"
#include "till_util.h"

typedef struct {
  char dir[PATH_MAX / 2];
  char db[PATH_MAX];
  store_conn_t *sc;
} fx_t;

static int
setup(void **state)
{
  fx_t *f = calloc(1, sizeof *f);
  char err[256];
  if (!f)
    return -1;
  if (testkit_tmpdb("till-test-ckpt", f->dir, sizeof f->dir, f->db, sizeof f->db) != 0) {
    free(f);
    return -1;
  }
  till_log_set_level(getenv("TEST_DEBUG") ? LOG_DEBUG : LOG_WARN);
  if (!(f->sc = store_open_rw(f->db, "full", schema_all(), err, sizeof err)) ||
      store_exec(f->sc->db, "CREATE TABLE filler (b BLOB NOT NULL)", "test") != 0) {
    fprintf(stderr, "setup: %s\n", err);
    store_close(f->sc);
    testkit_rm_tree(f->dir);
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int
teardown(void **state)
{
  fx_t *f = *state;
  store_close(f->sc);
  testkit_rm_tree(f->dir);
  free(f);
  return 0;
}

static int64_t
file_size(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static int64_t
pragma_int(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Insert <rows> rows of <bytes> random bytes in one transaction. */
static void
insert_blobs(fx_t *f, int rows, int bytes)
{
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(f->sc->db,
                                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                      "FROM n WHERE i < ?1) "
                                      "INSERT INTO filler SELECT randomblob(?2) FROM n",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_int(st, 1, rows);
  sqlite3_bind_int(st, 2, bytes);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
}

/* ~2 MiB of rows in one transaction: about 500 pages, all in the WAL. */
static void
write_filler(fx_t *f)
{
  insert_blobs(f, 2000, 1000);
}

static void
test_writer_no_longer_checkpoints(void **state)
{
  fx_t *f = *state;
  char err[256];
  assert_true(pragma_int(f->sc->db, "PRAGMA wal_autocheckpoint") > 0); /* SQLite's default */
  checkpointer_t *cp = checkpointer_start(f->db, f->sc, 60000, err, sizeof err);
  assert_non_null(cp);
  assert_int_equal(pragma_int(f->sc->db, "PRAGMA wal_autocheckpoint"), 0);
  assert_int_equal(pragma_int(f->sc->db, "PRAGMA journal_size_limit"), CHECKPOINT_WAL_KEEP_BYTES);
  /* with an interval of a minute nothing is copied meanwhile: the commits
   * themselves no longer checkpoint, however large the WAL grows */
  int64_t before = file_size(f->db);
  for (int i = 0; i < 3; i++)
    write_filler(f);
  assert_true(file_size(f->db) == before);
  assert_true(file_size(f->db) < 1024 * 1024);
  checkpointer_stop(cp);
}

static void
test_thread_copies_the_wal(void **state)
{
  fx_t *f = *state;
  char err[256];
  checkpointer_t *cp = checkpointer_start(f->db, f->sc, 100, err, sizeof err);
  assert_non_null(cp);
  int64_t before = file_size(f->db);
  write_filler(f);
  /* whether the commit itself copied nothing is the test above's: here
   * the thread may already have run, on a loaded machine, before we look.
   * It must copy within a bounded time, generous for a shared CI machine. */
  int64_t deadline = till_mono_ms() + 30000;
  while (file_size(f->db) < before + 1024 * 1024 && till_mono_ms() < deadline)
    usleep(20 * 1000);
  assert_true(file_size(f->db) >= before + 1024 * 1024);
  checkpointer_stop(cp);
}

/* A writer committing without a pause, as under load: every commit rewrites
 * the same 64 rows of 3,000 bytes (about 64 pages, so 64 WAL frames), and
 * between commits it calls checkpointer_finish, as tilld's writer does. 400
 * commits append about 25,600 frames, 100 MiB: without a restart the WAL
 * holds all of them. With one, it is started again from the top whenever it
 * passes CHECKPOINT_RESTART_FRAMES (16 MiB), so the file stays near that. */
static void
test_busy_writer_restarts_the_wal(void **state)
{
  fx_t *f = *state;
  char err[256];
  char wal[PATH_MAX + 8];
  snprintf(wal, sizeof wal, "%s-wal", f->db);
  insert_blobs(f, 64, 3000);
  checkpointer_t *cp = checkpointer_start(f->db, f->sc, 20, err, sizeof err);
  assert_non_null(cp);
  const int commits = 400;
  int finished = 0, i;
  int64_t deadline = till_mono_ms() + 60000;
  for (i = 0; i < commits && till_mono_ms() < deadline; i++) {
    assert_int_equal(store_exec(f->sc->db, "UPDATE filler SET b = randomblob(3000)", "test"), 0);
    int r = checkpointer_finish(cp, f->sc);
    assert_true(r == 0 || r == 1);
    finished += r;
  }
  assert_int_equal(i, commits);
  checkpointer_stop(cp);
  int64_t appended = (int64_t)commits * 64 * 4096;
  int64_t wal_bytes = file_size(wal);
  assert_true(finished >= 2);
  assert_true(wal_bytes > 0);
  if (wal_bytes > appended / 2)
    fail_msg("the WAL is %lld bytes after %d commits of ~256 KiB: never started again",
             (long long)wal_bytes, commits);
  assert_int_equal(checkpointer_finish(NULL, f->sc), 0);
}

/* Under load the WAL grows to one second's frames between restarts -- up to
 * 36,000 frames (150 MB) at half the 256-connection rate in the benchmark.
 * Cut back to a smaller size at every restart, the file was truncated and
 * grown again each second, and both cost the writer a sync of the file
 * system's journal (docs/benchmarks.md). So a WAL of 96 MiB is started
 * again from the top in place, its file left as it is. */
static void
test_restart_keeps_a_large_wal_in_place(void **state)
{
  fx_t *f = *state;
  char err[256];
  char wal[PATH_MAX + 8];
  snprintf(wal, sizeof wal, "%s-wal", f->db);
  checkpointer_t *cp = checkpointer_start(f->db, f->sc, 3600 * 1000, err, sizeof err);
  assert_non_null(cp);
  /* one page a row: about 24,600 WAL frames of 4 KiB and their headers */
  insert_blobs(f, 24576, 3000);
  int64_t grown = file_size(wal);
  assert_true(grown > 96LL * 1024 * 1024);
  assert_true(grown < CHECKPOINT_WAL_KEEP_BYTES);
  int frames = 0, copied = 0;
  assert_int_equal(sqlite3_wal_checkpoint_v2(f->sc->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                             &frames, &copied),
                   SQLITE_OK);
  assert_int_equal(copied, frames);
  /* the next write transaction starts the WAL from the top */
  assert_int_equal(store_exec(f->sc->db, "UPDATE filler SET b = x'00' WHERE rowid = 1", "test"),
                   0);
  assert_int_equal(sqlite3_wal_checkpoint_v2(f->sc->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                             &frames, &copied),
                   SQLITE_OK);
  assert_true(frames > 0 && frames < 16); /* started again: a few frames, not 24,600 */
  if (file_size(wal) != grown)
    fail_msg("the WAL file went from %lld to %lld bytes at the restart",
             (long long)grown, (long long)file_size(wal));
  checkpointer_stop(cp);
}

static void
test_stop_is_prompt(void **state)
{
  fx_t *f = *state;
  char err[256];
  checkpointer_t *cp = checkpointer_start(f->db, f->sc, 3600 * 1000, err, sizeof err);
  assert_non_null(cp);
  int64_t t0 = till_mono_ms();
  checkpointer_stop(cp);
  assert_true(till_mono_ms() - t0 < 5000); /* not the hour of its interval */
  checkpointer_stop(NULL); /* accepted */
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_writer_no_longer_checkpoints, setup, teardown),
    cmocka_unit_test_setup_teardown(test_thread_copies_the_wal, setup, teardown),
    cmocka_unit_test_setup_teardown(test_busy_writer_restarts_the_wal, setup, teardown),
    cmocka_unit_test_setup_teardown(test_restart_keeps_a_large_wal_in_place, setup, teardown),
    cmocka_unit_test_setup_teardown(test_stop_is_prompt, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
