/* meter.c -- meter readings; see meter.h.
 *
 * A payer's readings of a scheme rise in day and in value: a new reading
 * is of a later day than the last one in effect and not below it. A wrong
 * reading is never edited: a supervisor or an admin replaces the last one
 * in effect with a correction (a row of its own naming the one it
 * replaces, with a reason), which must still not be below the reading
 * before it. The table's triggers refuse any update or delete. */
#include "meter.h"

#include <stdio.h>
#include <string.h>

#include "scheme.h"
#include "till_money.h"
#include "till_util.h"

#define METER_REASON_MAX 200
#define METER_LIST_MAX 5000

/* the readings in effect: those no correction replaced */
#define SQL_IN_EFFECT \
  " NOT EXISTS (SELECT 1 FROM meter_readings c WHERE c.replaces = m.id)"

#define SQL_READING_COLS \
  "SELECT id, payer_id, scheme, read_on, reading_centi, kind, coalesce(replaces, 0)," \
  " NOT" SQL_IN_EFFECT ", reason, created_by, created_at FROM meter_readings m"

static const char *
col(sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

static Till__V1__MeterReading *
reading_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__MeterReading *m = req_alloc(r, sizeof *m);
  if (!m)
    return NULL;
  till__v1__meter_reading__init(m);
  m->id = sqlite3_column_int64(st, 0);
  m->payer_id = sqlite3_column_int64(st, 1);
  m->scheme = req_strdup(r, col(st, 2));
  m->read_on = req_strdup(r, col(st, 3));
  m->reading_centi = sqlite3_column_int64(st, 4);
  m->kind = req_strdup(r, col(st, 5));
  m->replaces_id = sqlite3_column_int64(st, 6);
  m->replaced = sqlite3_column_int(st, 7) != 0;
  m->reason = req_strdup(r, col(st, 8));
  m->created_by = req_strdup(r, col(st, 9));
  m->created_at = sqlite3_column_int64(st, 10);
  if (!m->scheme || !m->read_on || !m->kind || !m->reason || !m->created_by)
    return NULL;
  return m;
}

/* A reading in effect: the last (skip 0) or the one before it (skip 1). */
typedef struct {
  int found;
  int64_t id, centi;
  char on[11];
} last_t;

static till_status_t
last_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  last_t *l = arg;
  l->found = 1;
  l->id = sqlite3_column_int64(st, 0);
  l->centi = sqlite3_column_int64(st, 2);
  snprintf(l->on, sizeof l->on, "%s", col(st, 1));
  return TILL_OK;
}

static till_status_t
reading_in_effect(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme, int skip,
                  last_t *out)
{
  static const char sql[] =
    "SELECT id, read_on, reading_centi FROM meter_readings m WHERE payer_id = ? AND scheme = ?"
    " AND" SQL_IN_EFFECT " ORDER BY read_on DESC, id DESC LIMIT 1 OFFSET ?";
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, payer);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, skip);
  }
  return req_rows(r, st, 1, last_row, out, NULL);
}

static till_status_t
payer_known(req_t *r, store_conn_t *sc, int64_t payer)
{
  static const char sql[] = "SELECT 1 FROM payers WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int64(st, 1, payer);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no payer %lld", (long long)payer) != TILL_OK)
    return r->status;
  sqlite3_reset(st);
  return TILL_OK;
}

/* The request's checks: payer, metered scheme, day, value, and for a
 * correction the role and the reason. */
static till_status_t
read_check(req_t *r, store_conn_t *sc, const Till__V1__MeterReadRequest *in, scheme_row_t *s)
{
  char today[11];
  int64_t a, b;
  if (payer_known(r, sc, in->payer_id) != TILL_OK || scheme_load(r, sc, in->scheme, s) != TILL_OK)
    return r->status;
  if (s->rule != PRICE_METERED)
    return req_fail(r, TILL_E_INVALID, "scheme %s is not metered: readings are taken for "
                    "metered schemes only", s->code);
  if (in->reading_centi < 0 || in->reading_centi > METER_READING_MAX)
    return req_fail(r, TILL_E_INVALID, "a reading is 0 to 1000000000.00 units");
  if (in->read_on[0] && till_day_bounds(in->read_on, &a, &b) != 0)
    return req_fail(r, TILL_E_INVALID, "the day of a reading is YYYY-MM-DD, like 2026-11-30");
  till_local_date(till_now(), today);
  if (in->read_on[0] && strcmp(in->read_on, today) > 0)
    return req_fail(r, TILL_E_INVALID, "a reading cannot be of a day after today (%s)", today);
  if (!in->correct)
    return TILL_OK;
  if ((r->actor.roles & (ROLES_SUPERVISOR | ROLES_ADMIN)) == 0)
    return req_fail(r, TILL_E_DENIED, "a meter reading is corrected by a supervisor or an admin");
  if (!in->reason[0])
    return req_fail(r, TILL_E_INVALID, "a correction of a meter reading needs a reason");
  return req_check_text(r, "reason", in->reason, METER_REASON_MAX, 0);
}

static till_status_t
insert_reading(req_t *r, store_conn_t *sc, const Till__V1__MeterReadRequest *in,
               const char *on, int64_t replaces, int64_t *id)
{
  static const char sql[] =
    "INSERT INTO meter_readings(payer_id, scheme, read_on, reading_centi, kind, replaces, reason,"
    " created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, on, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, in->reading_centi);
  sqlite3_bind_text(st, 5, replaces ? "correction" : "reading", -1, SQLITE_STATIC);
  if (replaces)
    sqlite3_bind_int64(st, 6, replaces);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, replaces ? in->reason : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, till_now());
  sqlite3_bind_text(st, 9, r->actor.user, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  *id = sqlite3_last_insert_rowid(sc->db);
  return TILL_OK;
}

/* The reading must come after <prev> (in day, not below in value). */
static till_status_t
not_backwards(req_t *r, const Till__V1__MeterReadRequest *in, const char *on, const last_t *prev)
{
  char got[TILL_MONEY_STR_MAX], was[TILL_MONEY_STR_MAX];
  if (!prev->found)
    return TILL_OK;
  if (strcmp(on, prev->on) <= 0)
    return req_fail(r, TILL_E_PRECONDITION, "the reading before is of %s: a reading must be of "
                    "a later day", prev->on);
  if (in->reading_centi < prev->centi) {
    till_money_format(in->reading_centi, got, sizeof got);
    till_money_format(prev->centi, was, sizeof was);
    return req_fail(r, TILL_E_PRECONDITION, "reading %s is below the reading %s of %s: a meter "
                    "does not go backwards (a wrong reading is replaced with a correction)", got,
                    was, prev->on);
  }
  return TILL_OK;
}

static till_status_t
read_answer(req_t *r, store_conn_t *sc, int64_t id, const last_t *prev)
{
  static const char sql[] = SQL_READING_COLS " WHERE id = ?";
  Till__V1__MeterReadResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__meter_read_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_INTERNAL, "internal error") != TILL_OK)
    return r->status;
  resp->reading = reading_from_row(r, st);
  sqlite3_reset(st);
  resp->previous_centi = prev->found ? prev->centi : -1;
  resp->previous_on = req_strdup(r, prev->found ? prev->on : "");
  if (!resp->reading || !resp->previous_on)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_METER_READ_RESP;
  r->resp.meter_read_resp = resp;
  return TILL_OK;
}

till_status_t
meter_handle_read(req_t *r, store_conn_t *sc)
{
  const Till__V1__MeterReadRequest *in = r->env->meter_read_req;
  scheme_row_t s;
  last_t last, prev;
  char today[11];
  int64_t id = 0;
  if (read_check(r, sc, in, &s) != TILL_OK ||
      reading_in_effect(r, sc, in->payer_id, s.code, 0, &last) != TILL_OK)
    return r->status;
  till_local_date(till_now(), today);
  if (!in->correct) {
    const char *on = in->read_on[0] ? in->read_on : today;
    if (not_backwards(r, in, on, &last) != TILL_OK ||
        insert_reading(r, sc, in, on, 0, &id) != TILL_OK)
      return r->status;
    return read_answer(r, sc, id, &last);
  }
  /* a correction replaces the last reading in effect, on its day unless
   * another is given, and must still come after the one before it */
  if (!last.found)
    return req_fail(r, TILL_E_PRECONDITION, "payer %lld has no %s reading to correct",
                    (long long)in->payer_id, s.code);
  if (reading_in_effect(r, sc, in->payer_id, s.code, 1, &prev) != TILL_OK)
    return r->status;
  const char *on = in->read_on[0] ? in->read_on : last.on;
  if (not_backwards(r, in, on, &prev) != TILL_OK ||
      insert_reading(r, sc, in, on, last.id, &id) != TILL_OK)
    return r->status;
  return read_answer(r, sc, id, &prev);
}

typedef struct {
  Till__V1__MeterReading **list;
  size_t n;
} readings_acc_t;

static till_status_t
list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  readings_acc_t *acc = arg;
  Till__V1__MeterReading *m = reading_from_row(r, st);
  if (!m)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = m;
  return TILL_OK;
}

till_status_t
meter_handle_list(req_t *r, store_conn_t *sc)
{
  static const char sql[] = SQL_READING_COLS
    " WHERE payer_id = ? AND (? = '' OR scheme = ?) ORDER BY scheme, read_on, id LIMIT ?";
  const Till__V1__MeterListRequest *in = r->env->meter_list_req;
  if (payer_known(r, sc, in->payer_id) != TILL_OK)
    return r->status;
  Till__V1__MeterListResponse *resp = req_alloc(r, sizeof *resp);
  readings_acc_t acc = {req_alloc(r, METER_LIST_MAX * sizeof *acc.list), 0};
  if (!resp || !acc.list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__meter_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, in->payer_id);
    sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, METER_LIST_MAX);
  }
  if (req_rows(r, st, METER_LIST_MAX, list_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->readings = acc.list;
  resp->n_readings = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_METER_LIST_RESP;
  r->resp.meter_list_resp = resp;
  return TILL_OK;
}

till_status_t
meter_quantity(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme, const char *from,
               const char *to_excl, int *have, int64_t *quantity_centi)
{
  static const char sql[] =
    "WITH e AS (SELECT id, read_on, reading_centi FROM meter_readings m WHERE payer_id = ?"
    "  AND scheme = ? AND read_on >= ? AND read_on < ? AND" SQL_IN_EFFECT ")"
    " SELECT count(*),"
    "  (SELECT reading_centi FROM e ORDER BY read_on DESC, id DESC LIMIT 1)"
    "  - (SELECT reading_centi FROM e ORDER BY read_on, id LIMIT 1) FROM e";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, payer);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, to_excl, -1, SQLITE_STATIC);
  }
  if (req_row_one(r, st, TILL_E_INTERNAL, "internal error") != TILL_OK)
    return r->status;
  int n = sqlite3_column_int(st, 0);
  int64_t q = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  *have = n >= 2;
  if (!*have)
    return TILL_OK;
  if (q < 0) /* readings rise (meter_handle_read); a fall is a damaged table */
    return req_fail(r, TILL_E_INTERNAL, "the meter readings of payer %lld fall", (long long)payer);
  *quantity_centi = q;
  return TILL_OK;
}
