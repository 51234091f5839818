/* request.c -- a request's life and the helpers every handler uses; see
 * request.h. Nothing here knows the handler table or the worker. */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "till_log.h"
#include "till_util.h"

#define RESP_ARENA_LIMIT (64u * 1024 * 1024)

req_t *
req_new(struct conn *conn, const char *terminal, const req_ctx_t *ctx)
{
  req_t *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->conn = conn;
  r->ctx = ctx;
  snprintf(r->terminal, sizeof r->terminal, "%s", terminal ? terminal : "");
  till_arena_init(&r->arena, RESP_ARENA_LIMIT);
  till__v1__envelope__init(&r->resp);
  return r;
}

void
req_free(req_t *r)
{
  if (!r)
    return;
  if (r->env)
    till__v1__envelope__free_unpacked(r->env, NULL);
  till_arena_clear(&r->arena);
  free(r->out);
  free(r);
}

const config_t *
req_config(const req_t *r)
{
  return r->ctx->cfg;
}

struct ledger *
req_ledger(const req_t *r)
{
  return r->ctx->ledger;
}

void
req_security_event(req_t *r, const char *kind, const char *user, const char *terminal,
                   const char *fmt, ...)
{
  char detail[160];
  va_list ap;
  if (!r->ctx->security_event)
    return;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  r->ctx->security_event(r->ctx->security_arg, kind, user, terminal, detail);
}

till_status_t
req_idem_key(req_t *r, ProtobufCBinaryData key, uint8_t out[TILL_KEY_LEN])
{
  if (key.len != TILL_KEY_LEN)
    return req_fail(r, TILL_E_INVALID, "idempotency_key must be %d bytes", TILL_KEY_LEN);
  memcpy(out, key.data, TILL_KEY_LEN);
  for (int i = 0; i < TILL_KEY_LEN; i++)
    if (out[i])
      return TILL_OK;
  return req_fail(r, TILL_E_INVALID, "idempotency_key must not be all zeros");
}

till_status_t
req_fail(req_t *r, till_status_t st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
  va_end(ap);
  r->status = st;
  return st;
}

void *
req_alloc(req_t *r, size_t n)
{
  return till_arena_alloc(&r->arena, n);
}

char *
req_strdup(req_t *r, const char *s)
{
  return till_arena_strdup(&r->arena, s);
}

till_status_t
req_check_text(req_t *r, const char *field, const char *s, size_t max, int optional)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 && !optional)
    return req_fail(r, TILL_E_INVALID, "%s is required", field);
  if (n > max)
    return req_fail(r, TILL_E_INVALID, "%s is longer than %zu bytes", field, max);
  if (n && !till_utf8_ok(s, n))
    return req_fail(r, TILL_E_INVALID, "%s is not valid UTF-8 text", field);
  if (n && !till_text_ok(s, n)) {
    /* valid UTF-8 with a control character in it: name the character */
    size_t at = 0;
    while (at < n && !((unsigned char)s[at] < 0x20 && s[at] != '\t') && (unsigned char)s[at] != 0x7f)
      at++;
    return req_fail(r, TILL_E_INVALID,
                    "%s holds the control character U+%04X at byte %zu; only text and tabs are "
                    "allowed",
                    field, at < n ? (unsigned)(unsigned char)s[at] : 0u, at + 1);
  }
  return TILL_OK;
}

till_status_t
req_step_failed(req_t *r, sqlite3_stmt *st, int rc)
{
  const char *sql = st ? sqlite3_sql(st) : NULL;
  log_warn(LD_STORE, "reading rows: %s (%d)%s%.80s", sqlite3_errstr(rc), rc,
           sql ? " in: " : "", sql ? sql : "");
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return req_fail(r, TILL_E_UNAVAILABLE, "database busy; retry");
  case SQLITE_NOMEM:
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  default:
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  }
}

till_status_t
req_rows(req_t *r, sqlite3_stmt *st, size_t limit, req_row_fn row, void *arg, int *more)
{
  if (more)
    *more = 0;
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  size_t n = 0;
  int rc = SQLITE_DONE;
  while ((limit == 0 || n < limit) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    n++;
    till_status_t s = row(r, st, arg);
    if (s != TILL_OK) {
      sqlite3_reset(st);
      if (r->status == TILL_OK)
        req_fail(r, TILL_E_INTERNAL, "out of memory");
      return r->status;
    }
  }
  if (limit != 0 && n == limit) {
    if (!more) {
      sqlite3_reset(st);
      return TILL_OK;
    }
    rc = sqlite3_step(st);
    *more = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW)
      rc = SQLITE_DONE;
  }
  if (rc != SQLITE_DONE) {
    req_step_failed(r, st, rc);
    sqlite3_reset(st);
    return r->status;
  }
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
req_row_one(req_t *r, sqlite3_stmt *st, till_status_t none, const char *fmt, ...)
{
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return TILL_OK;
  if (rc == SQLITE_DONE) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    r->status = none;
  } else {
    req_step_failed(r, st, rc);
  }
  sqlite3_reset(st);
  return r->status;
}

int
req_writer_waiting(const req_t *r)
{
  return r->writer_waiting ? __atomic_load_n(r->writer_waiting, __ATOMIC_RELAXED) : 0;
}

till_status_t
req_row_id(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  req_ids_t *acc = arg;
  acc->ids[acc->n++] = sqlite3_column_int64(st, 0);
  return TILL_OK;
}

till_status_t
req_row_int64(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  *(int64_t *)arg = sqlite3_column_int64(st, 0);
  return TILL_OK;
}
