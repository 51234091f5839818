/* worker.c -- writer (group commit) and reader threads; see worker.h. */
#include "worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "store.h"
#include "till_log.h"
#include "till_util.h"

#define MAX_READERS 16
#define MAX_PENDING_EVENTS 4096

typedef struct secevent {
  int64_t at;
  char kind[32];
  char user[USER_NAME_MAX + 1];
  char terminal[TERMINAL_ID_MAX + 1];
  char detail[160];
  struct secevent *next;
} secevent_t;

typedef struct {
  req_t *head, *tail;
} reqq_t;

struct worker {
  const config_t *cfg;
  worker_hooks_t hooks;
  pthread_mutex_t mu;
  pthread_cond_t wcond, rcond;
  reqq_t wq, rq, doneq;
  int wq_new;       /* requests in wq not run before (not jobs in slices); set under mu,
                     * read by a handler in slices without it (req_writer_waiting) */
  int slice_passed; /* the last batch went ahead of a job in slices */
  secevent_t *events;
  int n_events;
  int busy;
  int stopping;
  int readers_done;
  store_conn_t *wdb;
  checkpointer_t *checkpointer;
  store_conn_t *rdb[MAX_READERS];
  pthread_t writer;
  pthread_t readers[MAX_READERS];
  int n_readers;
  int writer_started;
  struct event *done_ev;
  worker_done_fn done;
  void *done_arg;
};

static void
q_push(reqq_t *q, req_t *r)
{
  r->next = NULL;
  if (q->tail)
    q->tail->next = r;
  else
    q->head = r;
  q->tail = r;
}

static req_t *
q_pop(reqq_t *q)
{
  req_t *r = q->head;
  if (r) {
    q->head = r->next;
    if (!q->head)
      q->tail = NULL;
    r->next = NULL;
  }
  return r;
}

/* Hand finished requests to the event loop. */
static void
deliver(worker_t *w, req_t *list)
{
  pthread_mutex_lock(&w->mu);
  while (list) {
    req_t *next = list->next;
    q_push(&w->doneq, list);
    list = next;
  }
  pthread_mutex_unlock(&w->mu);
  event_active(w->done_ev, EV_READ, 0);
}

static void
on_done_event(evutil_socket_t fd, short what, void *arg)
{
  worker_t *w = arg;
  req_t *list;
  pthread_mutex_lock(&w->mu);
  list = w->doneq.head;
  w->doneq.head = w->doneq.tail = NULL;
  pthread_mutex_unlock(&w->mu);
  while (list) {
    req_t *next = list->next;
    list->next = NULL;
    pthread_mutex_lock(&w->mu);
    w->busy--;
    pthread_mutex_unlock(&w->mu);
    w->done(list, w->done_arg);
    list = next;
  }
}

static void
write_events(worker_t *w, secevent_t *ev)
{
  static const char sql[] =
    "INSERT INTO security_events(at, kind, user_name, terminal_id, detail) VALUES (?,?,?,?,?)";
  while (ev) {
    secevent_t *next = ev->next;
    sqlite3_stmt *st = store_stmt(w->wdb, sql);
    if (st) {
      sqlite3_bind_int64(st, 1, ev->at);
      sqlite3_bind_text(st, 2, ev->kind, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, ev->user[0] ? ev->user : NULL, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, ev->terminal[0] ? ev->terminal : NULL, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 5, ev->detail, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE)
        log_warn(LD_STORE, "recording security event %s: %s", ev->kind,
                 sqlite3_errmsg(w->wdb->db));
      sqlite3_reset(st);
    }
    free(ev);
    ev = next;
  }
}

static void
wq_new_add(worker_t *w, int d)
{
  __atomic_store_n(&w->wq_new, w->wq_new + d, __ATOMIC_RELAXED);
}

/* Under mu: unlink from wq up to <limit> requests that are not jobs in
 * slices, in order, into a list (*tail its last, *n how many); whether a job
 * in slices stays queued into *sliced. */
static req_t *
take_new(worker_t *w, int limit, req_t **tail, int *n, int *sliced)
{
  req_t *batch = NULL, *prev = NULL, *r = w->wq.head;
  *tail = NULL;
  *n = 0;
  *sliced = 0;
  while (r) { /* bounded by the queue */
    req_t *next = r->next;
    if (r->again || *n >= limit) {
      *sliced |= r->again;
      prev = r;
      r = next;
      continue;
    }
    if (prev)
      prev->next = next;
    else
      w->wq.head = next;
    if (w->wq.tail == r)
      w->wq.tail = prev;
    r->next = NULL;
    if (*tail)
      (*tail)->next = r;
    else
      batch = r;
    *tail = r;
    (*n)++;
    r = next;
  }
  wq_new_add(w, -*n);
  return batch;
}

/* The writer's next batch (under mu): the requests waiting, up to
 * max_batch, but a job in slices (r->again from its last run) apart: the
 * requests go first, then the job's next slice alone -- never two batches
 * in a row ahead of it, so a steady flow of requests does not starve it. */
static req_t *
take_batch(worker_t *w)
{
  req_t *tail, *r;
  int n, sliced;
  if (!w->slice_passed) {
    req_t *batch = take_new(w, w->cfg->max_batch, &tail, &n, &sliced);
    if (batch) {
      w->slice_passed = sliced;
      return batch;
    }
  }
  /* the first job in slices, alone */
  w->slice_passed = 0;
  req_t *prev = NULL;
  for (r = w->wq.head; r && !r->again; r = r->next) /* bounded by the queue */
    prev = r;
  if (!r) /* none left: the usual batch */
    return take_new(w, w->cfg->max_batch, &tail, &n, &sliced);
  if (prev)
    prev->next = r->next;
  else
    w->wq.head = r->next;
  if (w->wq.tail == r)
    w->wq.tail = prev;
  r->next = NULL;
  return r;
}

/* After a slice of job <r> in the batch: the requests that came meanwhile
 * join this batch right behind it (up to max_batch in all), so they wait
 * for the step the slice was in and this commit, not for one more; the
 * job's next slice comes after them. */
static void
absorb_waiting(worker_t *w, req_t *r, int in_batch)
{
  req_t *tail;
  int n, sliced;
  pthread_mutex_lock(&w->mu);
  req_t *more = take_new(w, w->cfg->max_batch - in_batch, &tail, &n, &sliced);
  if (more) {
    tail->next = r->next;
    r->next = more;
    w->slice_passed = 1;
  }
  pthread_mutex_unlock(&w->mu);
}

/* Run one batch: everything in <batch> plus pending security events, in one
 * transaction. Every request ends with its response packed, and no request
 * is answered OK unless the COMMIT that holds its writes succeeded.
 *
 * SQLite may roll back the whole transaction by itself (SQLITE_FULL,
 * SQLITE_IOERR, SQLITE_NOMEM). After that a later SAVEPOINT would silently
 * start -- and RELEASE commit -- a transaction of its own, so the batch is
 * checked after every step and, once the transaction is gone, every request
 * in it is answered UNAVAILABLE: nothing of the batch was recorded. */
static void
run_batch(worker_t *w, req_t *batch, secevent_t *events)
{
  sqlite3 *db = w->wdb->db;
  int in_txn = store_exec(db, "BEGIN IMMEDIATE", "starting group commit") == 0;
  int lost = !in_txn;
  int full = 0; /* the cause was a full database (disk or max_db_pages) */
  if (in_txn) {
    write_events(w, events);
    events = NULL;
    lost = sqlite3_get_autocommit(db);
  }
  int in_batch = 0;
  for (req_t *r = batch; r && !lost; r = r->next) {
    in_batch++;
    if (store_exec(db, "SAVEPOINT req", "opening savepoint") != 0 || sqlite3_get_autocommit(db)) {
      lost = 1;
      break;
    }
    r->again = 0;
    r->writer_waiting = &w->wq_new;
    w->hooks.run(r, w->wdb, WORK_WRITER, w->hooks.arg);
    r->writer_waiting = NULL;
    full |= r->status == TILL_E_EXHAUSTED || (sqlite3_errcode(db) & 0xff) == SQLITE_FULL;
    if (r->status != TILL_OK)
      r->again = 0;
    /* pack inside the savepoint: an answer that cannot be packed must not
     * leave its writes behind; a request to be run again is packed when it
     * ends */
    if (!r->again)
      w->hooks.pack(r, w->hooks.arg);
    if (sqlite3_get_autocommit(db)) {
      lost = 1;
      break;
    }
    if (r->status != TILL_OK && !r->keep_writes) {
      if (store_exec(db, "ROLLBACK TO req", "rolling back one request") != 0) {
        lost = 1;
        break;
      }
      w->hooks.rolled_back(w->wdb, w->hooks.arg);
    }
    if (store_exec(db, "RELEASE req", "releasing savepoint") != 0 || sqlite3_get_autocommit(db)) {
      lost = 1;
      break;
    }
    if (r->again && in_batch < w->cfg->max_batch)
      absorb_waiting(w, r, in_batch);
  }
  if (lost || store_exec(db, "COMMIT", "group commit") != 0) {
    full |= (sqlite3_errcode(db) & 0xff) == SQLITE_FULL;
    if (!sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (in_txn)
      w->hooks.rolled_back(w->wdb, w->hooks.arg);
    log_warn(LD_STORE, "group commit failed (%s); answering the whole batch 'unavailable'",
             sqlite3_errmsg(db));
    for (req_t *r = batch; r; r = r->next) {
      if (full)
        req_fail(r, TILL_E_EXHAUSTED,
                 "the database is full; nothing was recorded (free disk space, then retry)");
      else
        req_fail(r, TILL_E_UNAVAILABLE, "the database could not commit; nothing was recorded");
      r->keep_writes = 0;
      r->again = 0;
      w->hooks.pack(r, w->hooks.arg);
    }
  }
  while (events) {
    secevent_t *next = events->next;
    free(events);
    events = next;
  }
}

static void *
writer_main(void *arg)
{
  worker_t *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->mu);
    /* Stop only once the readers are gone: a reader may still hand over a
     * request with a write phase. */
    while (!w->wq.head && !w->events && !(w->stopping && w->readers_done))
      pthread_cond_wait(&w->wcond, &w->mu);
    if (!w->wq.head && !w->events && w->stopping && w->readers_done) {
      pthread_mutex_unlock(&w->mu);
      break;
    }
    req_t *batch = w->wq.head ? take_batch(w) : NULL;
    secevent_t *events = w->events;
    w->events = NULL;
    w->n_events = 0;
    pthread_mutex_unlock(&w->mu);

    run_batch(w, batch, events);
    /* a request in slices goes back to the end of the queue, behind the
     * requests that came while its slice ran; the rest are answered */
    req_t *done = NULL, *done_tail = NULL;
    while (batch) {
      req_t *r = batch;
      batch = r->next;
      r->next = NULL;
      if (r->again) {
        pthread_mutex_lock(&w->mu);
        q_push(&w->wq, r);
        pthread_mutex_unlock(&w->mu);
        continue;
      }
      if (done_tail)
        done_tail->next = r;
      else
        done = r;
      done_tail = r;
    }
    if (done)
      deliver(w, done);
    /* between transactions; when due (once a second at most under load) it
     * takes about 10 ms, most of it syncing the database file */
    checkpointer_finish(w->checkpointer, w->wdb);
  }
  return NULL;
}

typedef struct {
  worker_t *w;
  int idx;
} reader_arg_t;

static void *
reader_main(void *arg)
{
  reader_arg_t *ra = arg;
  worker_t *w = ra->w;
  store_conn_t *sc = w->rdb[ra->idx];
  free(ra);
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (!w->rq.head && !w->stopping)
      pthread_cond_wait(&w->rcond, &w->mu);
    req_t *r = q_pop(&w->rq);
    pthread_mutex_unlock(&w->mu);
    if (!r)
      break;
    /* A read-only snapshot per request: BEGIN makes the reads consistent. */
    int in_txn = store_exec(sc->db, "BEGIN", "starting read") == 0;
    work_queue_t next = w->hooks.run(r, sc, WORK_READER, w->hooks.arg);
    if (in_txn)
      store_exec(sc->db, "COMMIT", "ending read");
    if (next == WORK_WRITER) {
      /* the request has a write phase; queue it for the writer */
      pthread_mutex_lock(&w->mu);
      q_push(&w->wq, r);
      wq_new_add(w, 1);
      pthread_cond_signal(&w->wcond);
      pthread_mutex_unlock(&w->mu);
      continue;
    }
    w->hooks.pack(r, w->hooks.arg);
    deliver(w, r);
  }
  return NULL;
}

worker_t *
worker_new(const config_t *cfg, const store_schema_t *schema, struct event_base *base,
           const worker_hooks_t *hooks, worker_done_fn done, void *arg, char *err, size_t errlen)
{
  worker_t *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  w->cfg = cfg;
  w->hooks = *hooks;
  w->done = done;
  w->done_arg = arg;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->wcond, NULL);
  pthread_cond_init(&w->rcond, NULL);
  w->done_ev = event_new(base, -1, EV_PERSIST | EV_READ, on_done_event, w);
  if (!w->done_ev) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  if (!(w->wdb = store_open_rw(cfg->db, cfg->sync_mode, schema, err, errlen)))
    goto fail;
  if (cfg->max_db_pages > 0) {
    /* a hard cap on the database's size: postings beyond it are refused as
     * if the disk were full (and the tests use it to make the disk full) */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", cfg->max_db_pages);
    if (store_exec(w->wdb->db, sql, "capping the database size") != 0) {
      snprintf(err, errlen, "max_db_pages: %s", sqlite3_errmsg(w->wdb->db));
      goto fail;
    }
  }
  if (!(w->checkpointer = checkpointer_start(cfg->db, w->wdb, CHECKPOINT_INTERVAL_MS, err, errlen)))
    goto fail;
  if (w->hooks.writer_open(w->wdb, w->hooks.arg, err, errlen) != 0)
    goto fail;
  for (int i = 0; i < cfg->readers && i < MAX_READERS; i++) {
    if (!(w->rdb[i] = store_open_ro(cfg->db, schema, err, errlen)))
      goto fail;
  }
  if (pthread_create(&w->writer, NULL, writer_main, w) != 0) {
    snprintf(err, errlen, "cannot start writer thread");
    goto fail;
  }
  w->writer_started = 1;
  for (int i = 0; i < cfg->readers && i < MAX_READERS; i++) {
    reader_arg_t *ra = malloc(sizeof *ra);
    if (!ra) {
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    ra->w = w;
    ra->idx = i;
    if (pthread_create(&w->readers[i], NULL, reader_main, ra) != 0) {
      free(ra);
      snprintf(err, errlen, "cannot start reader thread");
      goto fail;
    }
    w->n_readers++;
  }
  return w;
 fail:
  worker_free(w);
  return NULL;
}

void
worker_submit(worker_t *w, req_t *r, work_queue_t q)
{
  pthread_mutex_lock(&w->mu);
  w->busy++;
  if (q == WORK_WRITER) {
    q_push(&w->wq, r);
    wq_new_add(w, 1);
    pthread_cond_signal(&w->wcond);
  } else {
    q_push(&w->rq, r);
    pthread_cond_signal(&w->rcond);
  }
  pthread_mutex_unlock(&w->mu);
}

void
worker_security_event(worker_t *w, const char *kind, const char *user, const char *terminal,
                      const char *detail)
{
  log_notice(LD_AUTH, "security event %s user=%s terminal=%s %s", kind, user ? user : "-",
             terminal ? terminal : "-", detail ? detail : "");
  secevent_t *ev = calloc(1, sizeof *ev);
  if (!ev)
    return;
  ev->at = till_now();
  snprintf(ev->kind, sizeof ev->kind, "%s", kind);
  snprintf(ev->user, sizeof ev->user, "%s", user ? user : "");
  snprintf(ev->terminal, sizeof ev->terminal, "%s", terminal ? terminal : "");
  snprintf(ev->detail, sizeof ev->detail, "%s", detail ? detail : "");
  pthread_mutex_lock(&w->mu);
  if (w->n_events >= MAX_PENDING_EVENTS) {
    /* a flood; the log line above still records it */
    pthread_mutex_unlock(&w->mu);
    free(ev);
    return;
  }
  ev->next = w->events;
  w->events = ev;
  w->n_events++;
  pthread_cond_signal(&w->wcond);
  pthread_mutex_unlock(&w->mu);
}

int
worker_busy(worker_t *w)
{
  pthread_mutex_lock(&w->mu);
  int n = w->busy;
  pthread_mutex_unlock(&w->mu);
  return n;
}

void
worker_free(worker_t *w)
{
  if (!w)
    return;
  pthread_mutex_lock(&w->mu);
  w->stopping = 1;
  pthread_cond_broadcast(&w->rcond);
  pthread_cond_broadcast(&w->wcond);
  pthread_mutex_unlock(&w->mu);
  /* readers first: they may still hand a request to the writer */
  for (int i = 0; i < w->n_readers; i++)
    pthread_join(w->readers[i], NULL);
  if (w->writer_started) {
    pthread_mutex_lock(&w->mu);
    w->readers_done = 1;
    pthread_cond_broadcast(&w->wcond);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->writer, NULL);
  }
  if (w->done_ev) {
    on_done_event(-1, 0, w); /* answer whatever finished */
    event_free(w->done_ev);
  }
  for (int i = 0; i < MAX_READERS; i++)
    store_close(w->rdb[i]);
  checkpointer_stop(w->checkpointer);
  if (w->wdb) {
    w->hooks.writer_close(w->wdb, w->hooks.arg);
    store_exec(w->wdb->db, "PRAGMA wal_checkpoint(TRUNCATE)", "checkpointing on shutdown");
    store_close(w->wdb);
  }
  pthread_cond_destroy(&w->wcond);
  pthread_cond_destroy(&w->rcond);
  pthread_mutex_destroy(&w->mu);
  free(w);
}
