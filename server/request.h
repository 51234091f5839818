/* request.h -- one request on its way through tilld.
 *
 * A request is made on the event-loop thread from a decoded envelope, run on
 * a worker thread (the writer or a reader, see worker.h) and handed back to
 * the event loop with its packed response. It is owned by whoever holds it at
 * the moment: the connection's dispatch, then the worker queue, then the
 * done queue; server_request_done() frees it. */
#ifndef TILLD_REQUEST_H
#define TILLD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "till.pb-c.h"
#include "till_arena.h"
#include "till_status.h"

#define TERMINAL_ID_MAX 64
#define USER_NAME_MAX 64

struct conn;
struct handler;
struct config_t_;

/* Who is asking: filled in by the session check before a handler runs. */
typedef struct {
  int64_t user_id;
  char user[USER_NAME_MAX + 1];
  unsigned roles;            /* bit (1u << Role) per role held */
  char terminal[TERMINAL_ID_MAX + 1];
  int64_t session_expires;
} actor_t;

typedef struct req {
  struct conn *conn;         /* borrowed; stays valid while the request is pending */
  uint64_t id;               /* the client's request_id */
  Till__V1__Envelope *env;   /* owned: free with till__v1__envelope__free_unpacked */
  const struct handler *h;
  char terminal[TERMINAL_ID_MAX + 1]; /* from the connection's certificate */
  actor_t actor;
  till_arena_t arena;        /* response allocations */
  Till__V1__Envelope resp;   /* the response being built; its body lives in arena */
  till_status_t status;
  char errmsg[256];
  int keep_writes;           /* commit the handler's writes although status != OK */
  int close_after;           /* close the connection once the response is sent */
  int phase;                 /* 0 before the handler's reader phase, 1 after */
  int skip_write;            /* the reader phase answered; no writer phase */
  void *scratch;             /* handler state between phases, in arena */
  uint8_t *out;              /* packed frame (header + payload), malloc'd */
  size_t out_len;
  struct req *next;          /* queue link */
} req_t;

/* Record the failure <st> with a human message; returns st. */
till_status_t req_fail(req_t *r, till_status_t st, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* A loop over rows that stopped early: at a row (<step> SQLITE_ROW) only
 * because memory ran out, else on a database error. Returns the status. */
till_status_t req_step_failed(req_t *r, int step);

#endif
