/* worker.h -- the threads that touch the database.
 *
 * One writer thread owns the only read-write connection and commits requests
 * in groups: it takes every request queued since its last commit (up to
 * max_batch), runs each inside its own SAVEPOINT within one transaction,
 * commits once, and only then hands all of them back for answering. Reader
 * threads each own a read-only connection and run queries that never wait
 * behind the writer (WAL readers see the last committed snapshot).
 *
 * The event loop never touches SQLite. Finished requests are queued and the
 * loop is woken with event_active() on a persistent event.
 *
 * A writer-phase handler may do a long job in slices: it sets r->again
 * (request.h) after a slice -- which it ends early when req_writer_waiting
 * says a request waits; the requests queued meanwhile join the slice's
 * batch behind it and commit with it, and the job's next slice comes after
 * them (alone in its batch). So they wait for a step of the job and
 * a commit, not for the whole job; and the job is never passed over twice
 * in a row. It is packed and answered once a run of it ends without
 * r->again (or fails).
 *
 * THREAD SAFETY: worker_submit() and worker_security_event() may be called
 * from any thread; everything else from the event-loop thread only. */
#ifndef TILLD_WORKER_H
#define TILLD_WORKER_H

#include <event2/event.h>

#include "config.h"
#include "request.h"
#include "store.h"

typedef struct worker worker_t;

typedef enum { WORK_READER = 0, WORK_WRITER = 1 } work_queue_t;

/* What the worker does with a request, given at creation (dispatch.c gives
 * its own), so the worker knows no handler. writer_open runs inside
 * worker_new on the caller's thread, before the writer and readers start, and
 * writer_close inside worker_free after they stopped; the others run on the
 * worker's threads. <arg> is passed back to each. */
typedef struct {
  /* Run the next phase of <r> on <sc>, on a worker of kind <on>; returns
   * WORK_WRITER when <r> must go on to the writer, WORK_READER when done. */
  work_queue_t (*run)(req_t *r, store_conn_t *sc, work_queue_t on, void *arg);
  /* Pack r's answer (or its error) into r->out. */
  void (*pack)(req_t *r, void *arg);
  /* Writer: after the database opened, before any request; 0 or -1 with
   * err set. */
  int (*writer_open)(store_conn_t *sc, void *arg, char *err, size_t errlen);
  /* Writer: a request's savepoint or a whole group commit was rolled back;
   * state kept in memory must be re-read. */
  void (*rolled_back)(store_conn_t *sc, void *arg);
  /* Writer: the last call before the database closes. */
  void (*writer_close)(store_conn_t *sc, void *arg);
  void *arg;
} worker_hooks_t;

/* Called on the event-loop thread for every finished request; takes
 * ownership of it. */
typedef void (*worker_done_fn)(req_t *r, void *arg);

/* Open the database (migrating it to <schema>), start the threads. <hooks>
 * is copied.
 * NULL with err set. */
worker_t *worker_new(const config_t *cfg, const store_schema_t *schema, struct event_base *base,
                     const worker_hooks_t *hooks, worker_done_fn done, void *arg, char *err,
                     size_t errlen);

/* Queue <r> (takes ownership until it comes back through done). */
void worker_submit(worker_t *w, req_t *r, work_queue_t q);

/* Queue a security event; the writer stores it with its next commit. */
void worker_security_event(worker_t *w, const char *kind, const char *user,
                           const char *terminal, const char *detail);

/* Number of requests queued or running. */
int worker_busy(worker_t *w);

/* Finish queued work, stop the threads, deliver what finished, close the
 * database. Accepts NULL. */
void worker_free(worker_t *w);

#endif
