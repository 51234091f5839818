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

#define ROLE_BIT(r) (1u << (r))
#define ROLES_CASHIER ROLE_BIT(TILL__V1__ROLE__ROLE_CASHIER)
#define ROLES_SUPERVISOR ROLE_BIT(TILL__V1__ROLE__ROLE_SUPERVISOR)
#define ROLES_AUDITOR ROLE_BIT(TILL__V1__ROLE__ROLE_AUDITOR)
#define ROLES_ADMIN ROLE_BIT(TILL__V1__ROLE__ROLE_ADMIN)
#define ROLES_ANY (ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR | ROLES_ADMIN)
#define ROLES_NONE 0u /* no session needed (login) */

typedef till_status_t (*handler_fn)(req_t *r, store_conn_t *sc);

typedef struct handler {
  Till__V1__Envelope__BodyCase req_case;
  Till__V1__Envelope__BodyCase resp_case;
  const char *name;
  unsigned roles;        /* any of these roles may call it; ROLES_NONE: no session */
  handler_fn read_fn;    /* runs on a reader thread first, if set */
  handler_fn write_fn;   /* then on the writer, inside the group commit, if set */
} handler_t;

/* Settings and the worker the handlers need. Call before serving. */
void dispatch_init(const config_t *cfg);
void dispatch_set_worker(worker_t *w);
const config_t *dispatch_config(void);
void dispatch_security_event(const char *kind, const char *user, const char *terminal,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

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

/* Writer hooks around the group commit (ledger state kept in memory). */
int dispatch_writer_init(store_conn_t *sc, const config_t *cfg, char *err, size_t errlen);
void dispatch_committed(store_conn_t *sc);
/* A request's savepoint was rolled back: in-memory ledger state re-read. */
void dispatch_rolled_back(store_conn_t *sc);
/* The writer's ledger (writer thread only). */
struct ledger *dispatch_ledger(void);
void dispatch_commit_failed(store_conn_t *sc);
void dispatch_writer_close(store_conn_t *sc);

/* The handler for a request body, or NULL (fuzz targets run handlers
 * synchronously with it). */
const handler_t *dispatch_find_handler(Till__V1__Envelope__BodyCase c);

/* A request made by the server itself (connection-level error, id 0). */
req_t *req_new(struct conn *conn, const char *terminal);
void req_free(req_t *r);

/* Helpers for handlers. */
void *req_alloc(req_t *r, size_t n);
char *req_strdup(req_t *r, const char *s);
/* Check a text field: valid UTF-8, no control characters, 1..max bytes
 * (0..max when optional). On failure records TILL_E_INVALID naming <field>. */
till_status_t req_check_text(req_t *r, const char *field, const char *s, size_t max,
                             int optional);

#endif
