/* audit_events.c -- the security events, read by auditors (till audit
 * events): logins and lock-outs, refusals, user and terminal
 * administration, a failed start-up check, a rotation of the signing key
 * (docs/operations.md, "Security events"). Read-only: the events are
 * written where they happen (the worker, tilld's start-up, tilld
 * rotate-key). */
#include <stdio.h>
#include <string.h>

#include "audit.h"

#define EVENTS_DEFAULT 100
#define EVENTS_MAX 1000

typedef struct {
  Till__V1__SecurityEvent **ev;
  size_t n, cap;
} events_t;

static till_status_t
event_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  events_t *e = arg;
  if (e->n == e->cap)
    return TILL_E_INTERNAL; /* the query's LIMIT keeps within cap */
  Till__V1__SecurityEvent *ev = req_alloc(r, sizeof *ev);
  if (!ev)
    return TILL_E_INTERNAL;
  till__v1__security_event__init(ev);
  ev->id = sqlite3_column_int64(st, 0);
  ev->at = sqlite3_column_int64(st, 1);
  const char *kind = (const char *)sqlite3_column_text(st, 2);
  const char *user = (const char *)sqlite3_column_text(st, 3);
  const char *term = (const char *)sqlite3_column_text(st, 4);
  const char *detail = (const char *)sqlite3_column_text(st, 5);
  if (!(ev->kind = req_strdup(r, kind ? kind : "")) ||
      !(ev->user = req_strdup(r, user ? user : "")) ||
      !(ev->terminal = req_strdup(r, term ? term : "")) ||
      !(ev->detail = req_strdup(r, detail ? detail : "")))
    return TILL_E_INTERNAL;
  e->ev[e->n++] = ev;
  return TILL_OK;
}

/* 1 if <kind> looks like an event kind: 1-32 of a-z and '_'. */
static int
kind_ok(const char *kind)
{
  size_t n = strlen(kind);
  if (n < 1 || n > 32)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((kind[i] >= 'a' && kind[i] <= 'z') || kind[i] == '_'))
      return 0;
  return 1;
}

till_status_t
audit_handle_events(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT id, at, kind, user_name, terminal_id, detail FROM security_events"
    " WHERE id > ?1 AND at >= ?2 AND (?3 = '' OR kind = ?3) ORDER BY id LIMIT ?4";
  const Till__V1__AuditEventsRequest *in = r->env->audit_events_req;
  const char *kind = in->kind ? in->kind : "";
  if (kind[0] && !kind_ok(kind))
    return req_fail(r, TILL_E_INVALID, "kind must be 1-32 of a-z and _, like key_rotated");
  if (in->since < 0 || in->after_id < 0)
    return req_fail(r, TILL_E_INVALID, "since and after_id must not be negative");
  if (in->limit > EVENTS_MAX)
    return req_fail(r, TILL_E_INVALID, "limit must be 1 to %d", EVENTS_MAX);
  size_t limit = in->limit ? in->limit : EVENTS_DEFAULT;
  Till__V1__AuditEventsResponse *resp = req_alloc(r, sizeof *resp);
  events_t e = {req_alloc(r, limit * sizeof *e.ev), 0, limit};
  if (!resp || !e.ev)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_events_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, in->after_id);
    sqlite3_bind_int64(st, 2, in->since);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (int64_t)limit + 1);
  }
  int more = 0;
  till_status_t rc = req_rows(r, st, limit, event_row, &e, &more);
  if (rc != TILL_OK)
    return rc;
  resp->events = e.ev;
  resp->n_events = e.n;
  resp->more = more;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EVENTS_RESP;
  r->resp.audit_events_resp = resp;
  return TILL_OK;
}
