/* request.h -- one request on its way through tilld, and everything a
 * handler may use: its arguments, its caller, the response arena, and the
 * server's context (settings, the posting engine, the security-event sink).
 *
 * A request is made on the event-loop thread from a decoded envelope, run on
 * a worker thread (the writer or a reader, see worker.h) and handed back to
 * the event loop with its packed response. It is owned by whoever holds it at
 * the moment: the connection's dispatch, then the worker queue, then the
 * done queue; server_request_done() frees it.
 *
 * Handlers include this header and their own; never dispatch.h. */
#ifndef TILLD_REQUEST_H
#define TILLD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "till.pb-c.h"
#include "till_arena.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

#define TERMINAL_ID_MAX 64
#define USER_NAME_MAX 64

struct conn;
struct handler;
struct ledger;

/* Role sets, as in actor_t.roles and the handler table. */
#define ROLES_CASHIER TILL_ROLE_BIT(TILL_ROLE_CASHIER)
#define ROLES_SUPERVISOR TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR)
#define ROLES_AUDITOR TILL_ROLE_BIT(TILL_ROLE_AUDITOR)
#define ROLES_ADMIN TILL_ROLE_BIT(TILL_ROLE_ADMIN)
#define ROLES_ANY (ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR | ROLES_ADMIN)
#define ROLES_NONE 0u /* no session needed (login) */

/* Records a security event (stored with the writer's next commit). */
typedef void (*req_security_fn)(void *arg, const char *kind, const char *user,
                                const char *terminal, const char *detail);

/* What the server gives every request: set up once before serving, shared
 * read-only by all threads, except <ledger>, which only the writer thread
 * sets and uses. */
typedef struct req_ctx {
  const config_t *cfg;
  struct ledger *ledger;          /* the posting engine (writer phase only) */
  req_security_fn security_event; /* may be NULL: events are dropped */
  void *security_arg;
} req_ctx_t;

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
  const req_ctx_t *ctx;      /* borrowed; outlives every request */
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
  int again;                 /* writer phase: the writes so far stand; commit them and run
                              * the handler again in a later group commit, after the
                              * requests queued meanwhile (a long job in slices) */
  const int *writer_waiting; /* writer phase: the worker's count of requests waiting for
                              * the writer; read it with req_writer_waiting */
  void *scratch;             /* handler state between phases, in arena */
  uint8_t *out;              /* packed frame (header + payload), malloc'd */
  size_t out_len;
  struct req *next;          /* queue link */
} req_t;

/* A request from <conn> (NULL for one made by the server itself, such as a
 * connection-level error with id 0) on the terminal of its certificate.
 * NULL when out of memory. */
req_t *req_new(struct conn *conn, const char *terminal, const req_ctx_t *ctx);
/* Frees the envelope, the arena and the packed answer. Accepts NULL. */
void req_free(req_t *r);

/* The server's settings. */
const config_t *req_config(const req_t *r);
/* The posting engine; writer phase only (NULL on a reader). */
struct ledger *req_ledger(const req_t *r);
/* Record a security event <kind> by <user> (may be NULL) at <terminal>. */
void req_security_event(req_t *r, const char *kind, const char *user, const char *terminal,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Response allocations, freed with the request; NULL when out of memory. */
void *req_alloc(req_t *r, size_t n);
char *req_strdup(req_t *r, const char *s);

/* Check a text field: valid UTF-8, no control characters, 1..max bytes
 * (0..max when optional). On failure records TILL_E_INVALID naming <field>. */
till_status_t req_check_text(req_t *r, const char *field, const char *s, size_t max,
                             int optional);

/* The request's 16-byte idempotency key <key> into <out>: TILL_OK, or
 * TILL_E_INVALID when it has another length or is all zeros. */
till_status_t req_idem_key(req_t *r, ProtobufCBinaryData key, uint8_t out[TILL_KEY_LEN]);

/* Writer phase: how many requests (other than jobs in slices) are waiting
 * for the writer now; a job in slices ends its slice when this is not 0,
 * so they wait for one step of it, not a whole slice. 0 elsewhere. */
int req_writer_waiting(const req_t *r);

/* Record the failure <st> with a human message; returns st. */
till_status_t req_fail(req_t *r, till_status_t st, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* ---- reading rows ----------------------------------------------------------
 * Every list and report reads its rows with req_rows, so that a busy or
 * failing database ends in an error answer, never in a short list or a
 * partial report presented as complete. */

/* Called by req_rows for each row of <st> (borrowed; read the columns, do
 * not step or reset it). TILL_OK to go on. Anything else stops the rows and
 * fails the request: with the failure the callback recorded with req_fail,
 * or, if it recorded none, TILL_E_INTERNAL "out of memory" (what a row
 * builder that returns NULL from req_alloc means). */
typedef till_status_t (*req_row_fn)(req_t *r, sqlite3_stmt *st, void *arg);

/* Step <st> through its rows, calling <row>(r, st, arg) for each, at most
 * <limit> rows (0: no limit). When <limit> rows were read and <more> is not
 * NULL, steps once more to tell whether another row follows (*more = 1) or
 * not (*more = 0); with <more> NULL it stops there (the query's own LIMIT
 * says the same). TILL_OK when the rows ran out or the limit was reached.
 * A database error (req_step_failed) or a failed row callback is recorded
 * on <r> and returned: the rows already passed to <row> are then not an
 * answer. <st> NULL (store_stmt failed, logged) is TILL_E_INTERNAL. <st> is
 * reset on return, whatever the outcome. */
till_status_t req_rows(req_t *r, sqlite3_stmt *st, size_t limit, req_row_fn row, void *arg,
                       int *more /* OUT, may be NULL */);

/* Step <st> to the one row a lookup expects. TILL_OK at the row: the
 * caller reads its columns, then resets <st>. No row: records <none> with
 * the message <fmt> (TILL_E_NOT_FOUND, "no shift 12"); a database error:
 * req_step_failed; <st> NULL: TILL_E_INTERNAL; <st> is then reset and the
 * status returned. */
till_status_t req_row_one(req_t *r, sqlite3_stmt *st, till_status_t none, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* A req_row_fn for one-value queries (counts, sums, max(id)): column 0 into
 * *(int64_t *)arg. Use with limit 1; with no row *arg is left as it was. */
till_status_t req_row_int64(req_t *r, sqlite3_stmt *st, void *arg);

/* Ids read from column 0 (row ids, shift ids ...) into room the caller made
 * for as many as the req_rows limit it passes. */
typedef struct {
  int64_t *ids;
  size_t n;
} req_ids_t;
/* A req_row_fn: column 0 appended to *(req_ids_t *)arg. */
till_status_t req_row_id(req_t *r, sqlite3_stmt *st, void *arg);

/* Record the database error <rc> (what sqlite3_step returned on <st>, which
 * may be NULL) as the one answer every handler gives for it, and log it:
 *   SQLITE_BUSY, SQLITE_LOCKED -> TILL_E_UNAVAILABLE "database busy; retry"
 *   SQLITE_NOMEM               -> TILL_E_INTERNAL "out of memory"
 *   anything else              -> TILL_E_UNAVAILABLE "database error; retry"
 * (an I/O error or a full disk may pass; the request changed nothing, so
 * the client may send it again). Returns the status. */
till_status_t req_step_failed(req_t *r, sqlite3_stmt *st, int rc);

#endif
