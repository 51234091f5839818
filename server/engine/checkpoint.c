/* checkpoint.c -- see checkpoint.h. */
#include "checkpoint.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "till_log.h"

struct checkpointer {
  sqlite3 *db;
  int interval_ms;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  int stopping;
  atomic_int finish_due; /* the last pass found the WAL long */
};

static void *
checkpointer_main(void *arg)
{
  checkpointer_t *cp = arg;
  pthread_mutex_lock(&cp->mu);
  while (!cp->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += cp->interval_ms / 1000;
    until.tv_nsec += (long)(cp->interval_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    int rc = 0;
    while (!cp->stopping && rc != ETIMEDOUT)
      rc = pthread_cond_timedwait(&cp->cond, &cp->mu, &until);
    if (cp->stopping)
      break;
    pthread_mutex_unlock(&cp->mu);
    int wal_frames = 0, copied = 0;
    int st = sqlite3_wal_checkpoint_v2(cp->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                       &copied);
    if (st != SQLITE_OK && st != SQLITE_BUSY)
      log_warn(LD_STORE, "checkpoint failed: %s", sqlite3_errmsg(cp->db));
    else
      log_debug(LD_STORE, "checkpoint: %d of %d WAL frames in the database", copied, wal_frames);
    if (st == SQLITE_OK && wal_frames >= CHECKPOINT_RESTART_FRAMES)
      atomic_store(&cp->finish_due, 1);
    pthread_mutex_lock(&cp->mu);
  }
  pthread_mutex_unlock(&cp->mu);
  return NULL;
}

checkpointer_t *
checkpointer_start(const char *path, store_conn_t *writer, int interval_ms, char *err,
                   size_t errlen)
{
  char sql[96];
  snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = %d",
           CHECKPOINT_WAL_KEEP_BYTES);
  if (store_exec(writer->db, sql, "moving checkpoints off the commit path") != 0) {
    snprintf(err, errlen, "database %s: %s", path, sqlite3_errmsg(writer->db));
    return NULL;
  }
  checkpointer_t *cp = calloc(1, sizeof *cp);
  if (!cp) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  cp->interval_ms = interval_ms > 0 ? interval_ms : CHECKPOINT_INTERVAL_MS;
  atomic_init(&cp->finish_due, 0);
  if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    snprintf(err, errlen, "opening database %s for checkpoints: %s", path,
             cp->db ? sqlite3_errmsg(cp->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(cp->db, 1000);
  /* A new connection learns that the database is in WAL mode only when it
   * first reads it; until then a checkpoint on it does nothing at all. */
  if (store_exec(cp->db, "PRAGMA journal_mode=WAL", "opening the WAL for checkpoints") != 0) {
    snprintf(err, errlen, "database %s: %s", path, sqlite3_errmsg(cp->db));
    goto fail;
  }
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&cp->cond, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&cp->mu, NULL);
  if (pthread_create(&cp->thread, NULL, checkpointer_main, cp) != 0) {
    snprintf(err, errlen, "cannot start the checkpoint thread");
    pthread_cond_destroy(&cp->cond);
    pthread_mutex_destroy(&cp->mu);
    goto fail;
  }
  return cp;
 fail:
  sqlite3_close(cp->db);
  free(cp);
  /* without a checkpointer the writer must checkpoint by itself again */
  store_exec(writer->db, "PRAGMA wal_autocheckpoint = 1000", "restoring automatic checkpoints");
  return NULL;
}

void
checkpointer_stop(checkpointer_t *cp)
{
  if (!cp)
    return;
  pthread_mutex_lock(&cp->mu);
  cp->stopping = 1;
  pthread_cond_signal(&cp->cond);
  pthread_mutex_unlock(&cp->mu);
  pthread_join(cp->thread, NULL);
  sqlite3_close(cp->db);
  pthread_cond_destroy(&cp->cond);
  pthread_mutex_destroy(&cp->mu);
  free(cp);
}

int
checkpointer_finish(checkpointer_t *cp, store_conn_t *writer)
{
  if (!cp || !atomic_exchange(&cp->finish_due, 0))
    return 0;
  int wal_frames = 0, copied = 0;
  int st = sqlite3_wal_checkpoint_v2(writer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &copied);
  if (st == SQLITE_BUSY) {
    /* the thread is in a pass of its own: try again after the next batch */
    atomic_store(&cp->finish_due, 1);
    return 0;
  }
  if (st != SQLITE_OK) {
    log_warn(LD_STORE, "finishing a checkpoint on the writer failed: %s",
             sqlite3_errmsg(writer->db));
    return -1;
  }
  log_debug(LD_STORE, "checkpoint finished by the writer: %d of %d WAL frames", copied,
            wal_frames);
  return 1;
}
