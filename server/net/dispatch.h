/* dispatch.h -- from a decoded envelope to a handler and back.
 *
 * The handler table in dispatch.c is the one place that says which roles may
 * make which request and whether it reads or writes. Generated protobuf types
 * stop here and in the handlers' argument decoding; the stores below take
 * plain C values. */
#ifndef TILLD_DISPATCH_H
#define TILLD_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "request.h"
#include "store.h"
#include "worker.h"

struct conn;

typedef till_status_t (*handler_fn)(req_t *r, store_conn_t *sc);

typedef struct handler {
  Till__V1__Envelope__BodyCase req_case;
  Till__V1__Envelope__BodyCase resp_case;
  const char *name;
  unsigned roles;        /* any of these roles may call it; ROLES_NONE: no session */
  handler_fn read_fn;    /* runs on a reader thread first, if set */
  handler_fn write_fn;   /* then on the writer, inside the group commit, if set */
} handler_t;

/* The context every request carries: the settings (<cfg> must outlive the
 * server), and security events go to <w> once it is set (none before, or
 * after it is set to NULL). Call both before serving. */
void dispatch_init(const config_t *cfg);
void dispatch_set_worker(worker_t *w);
const req_ctx_t *dispatch_ctx(void);
/* What the worker calls: dispatch_run, dispatch_pack and the posting
 * engine's life on the writer. */
const worker_hooks_t *dispatch_worker_hooks(void);

/* Event loop: decode one frame's payload from <conn> and queue the request.
 * Returns 0, or -1 when the payload is not a valid request envelope (the
 * caller sends the error in *bad_out and closes). */
int dispatch_frame(struct conn *conn, const char *terminal, const uint8_t *payload, size_t len,
                   req_t **bad_out /* OUT */);

/* Event loop: queue the check that <terminal> is registered and enabled,
 * done right after the TLS handshake. */
void dispatch_terminal_check(struct conn *conn, const char *terminal);

/* Worker: run the next phase of <r> on <sc>. Returns WORK_WRITER when the
 * request must now go to the writer, WORK_READER when it is finished. */
work_queue_t dispatch_run(req_t *r, store_conn_t *sc, work_queue_t on);

/* Worker: pack r's response (or its error) into r->out. */
void dispatch_pack(req_t *r);

/* Writer: open the posting engine on <sc> (load the chain head and signing
 * key), re-read its head after a rollback, and sign and close it on a
 * clean stop. */
int dispatch_writer_open(store_conn_t *sc, char *err, size_t errlen);
void dispatch_rolled_back(store_conn_t *sc);
void dispatch_writer_close(store_conn_t *sc);
/* ---- tamper: why the ledger failed the start-up check (the writer's open
 * runs it; writes are refused then), or NULL when it passed ---- */
const char *dispatch_refused(void);
/* ---- end of tamper ---- */

/* The handler for a request body, or NULL (fuzz targets run handlers
 * synchronously with it). */
const handler_t *dispatch_find_handler(Till__V1__Envelope__BodyCase c);

#endif
