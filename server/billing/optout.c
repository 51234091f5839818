/* optout.c -- opt-outs (报停) and vacancy discounts; see optout.h. */
#include "optout.h"

#include <stdio.h>
#include <string.h>

#include "scheme.h"
#include "till_util.h"

#define RELIEF_REASON_MAX 200
#define RELIEF_LIST_MAX 10000

#define SQL_RELIEF_COLS \
  "SELECT id, payer_id, scheme, period, kind, state, share_pct, reason, requested_by,"     \
  " requested_at, coalesce(decided_by, ''),"                                             \
  " EXISTS (SELECT 1 FROM charges c WHERE c.payer_id = r.payer_id AND c.scheme = r.scheme" \
  "   AND c.period = r.period AND c.kind = 'charge'),"                                    \
  " (SELECT CASE WHEN r.kind = 'optout' THEN substr(r.period, 1, 4) || '-' || s.optout_cutoff" \
  "   ELSE '' END FROM schemes s WHERE s.code = r.scheme)"                                 \
  " FROM charge_reliefs r"

static const char *
col(sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

typedef struct {
  Till__V1__Relief **list;
  size_t n;
} reliefs_acc_t;

static till_status_t
relief_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  reliefs_acc_t *acc = arg;
  Till__V1__Relief *x = req_alloc(r, sizeof *x);
  if (!x)
    return TILL_E_INTERNAL;
  till__v1__relief__init(x);
  x->id = sqlite3_column_int64(st, 0);
  x->payer_id = sqlite3_column_int64(st, 1);
  x->scheme = req_strdup(r, col(st, 2));
  x->period = req_strdup(r, col(st, 3));
  x->kind = req_strdup(r, col(st, 4));
  x->state = req_strdup(r, col(st, 5));
  x->share_pct = sqlite3_column_int(st, 6);
  x->reason = req_strdup(r, col(st, 7));
  x->requested_by = req_strdup(r, col(st, 8));
  x->requested_at = sqlite3_column_int64(st, 9);
  x->decided_by = req_strdup(r, col(st, 10));
  x->charged = sqlite3_column_int(st, 11) != 0;
  x->cutoff = req_strdup(r, col(st, 12));
  if (!x->scheme || !x->period || !x->kind || !x->state || !x->reason || !x->requested_by ||
      !x->decided_by || !x->cutoff)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = x;
  return TILL_OK;
}

/* Relief <id> as the answer's one Relief into *out. */
static till_status_t
relief_one(req_t *r, store_conn_t *sc, int64_t id, Till__V1__Relief **out)
{
  sqlite3_stmt *st = store_stmt(sc, SQL_RELIEF_COLS " WHERE r.id = ?");
  if (st)
    sqlite3_bind_int64(st, 1, id);
  reliefs_acc_t one = {out, 0};
  if (req_rows(r, st, 1, relief_row, &one, NULL) != TILL_OK)
    return r->status;
  if (!*out)
    return req_fail(r, TILL_E_NOT_FOUND, "no opt-out or vacancy request %lld", (long long)id);
  return TILL_OK;
}

/* The payer's occupancy into occ (16 bytes). */
static till_status_t
payer_occupancy(req_t *r, store_conn_t *sc, int64_t payer, char occ[16])
{
  static const char sql[] = "SELECT occupancy FROM payers WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int64(st, 1, payer);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no payer %lld", (long long)payer) != TILL_OK)
    return r->status;
  snprintf(occ, 16, "%s", col(st, 0));
  sqlite3_reset(st);
  return TILL_OK;
}

/* An opt-out's checks: a season scheme, applied for by the cut-off. */
static till_status_t
optout_check(req_t *r, const scheme_row_t *s, const period_t *p, const char *period)
{
  char cutoff[16], today[11];
  if (s->period != PERIOD_SEASON)
    return req_fail(r, TILL_E_INVALID, "scheme %s does not charge by season; an opt-out is for "
                    "a heating season", s->code);
  snprintf(cutoff, sizeof cutoff, "%04d-%s", p->year, s->optout_cutoff);
  till_local_date(till_now(), today);
  if (strcmp(today, cutoff) > 0)
    return req_fail(r, TILL_E_PRECONDITION, "the opt-out cut-off for %s %s was %s; an opt-out "
                    "applied for after it is refused", s->code, period, cutoff);
  return TILL_OK;
}

till_status_t
relief_handle_request(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO charge_reliefs(payer_id, scheme, period, kind, state, share_pct, reason,"
    " requested_by, requested_at) VALUES (?,?,?,?,?,?,?,?,?)";
  const Till__V1__ReliefRequestRequest *in = r->env->relief_request_req;
  scheme_row_t s;
  period_t p;
  char start[11], occ[16];
  int optout = strcmp(in->kind, "optout") == 0;
  if (!optout && strcmp(in->kind, "vacancy") != 0)
    return req_fail(r, TILL_E_INVALID, "kind must be optout or vacancy");
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "a payer is a number, 1 or more");
  if (req_check_text(r, "reason", in->reason, RELIEF_REASON_MAX, 1) != TILL_OK)
    return r->status;
  if (scheme_load(r, sc, in->scheme, &s) != TILL_OK ||
      scheme_period(r, &s, in->period, &p, start) != TILL_OK ||
      payer_occupancy(r, sc, in->payer_id, occ) != TILL_OK)
    return r->status;
  if (optout && optout_check(r, &s, &p, in->period) != TILL_OK)
    return r->status;
  if (!optout && strcmp(occ, "vacant") != 0)
    return req_fail(r, TILL_E_PRECONDITION, "payer %lld is not a vacant unit; a vacancy "
                    "discount is for one", (long long)in->payer_id);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_text(st, 2, s.code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, in->period, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, in->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, optout ? "approved" : "pending", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, optout ? s.optout_share_pct : s.vacancy_share_pct);
  sqlite3_bind_text(st, 7, in->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, till_now());
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if ((step & 0xff) == SQLITE_CONSTRAINT && optout)
    return req_fail(r, TILL_E_CONFLICT, "payer %lld already has an opt-out for %s %s",
                    (long long)in->payer_id, s.code, in->period);
  if ((step & 0xff) == SQLITE_CONSTRAINT)
    return req_fail(r, TILL_E_CONFLICT, "payer %lld already has a vacancy discount pending or "
                    "approved for %s %s", (long long)in->payer_id, s.code, in->period);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  Till__V1__ReliefRequestResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__relief_request_response__init(resp);
  if (relief_one(r, sc, sqlite3_last_insert_rowid(sc->db), &resp->relief) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_REQUEST_RESP;
  r->resp.relief_request_resp = resp;
  return TILL_OK;
}

till_status_t
relief_handle_decide(req_t *r, store_conn_t *sc)
{
  static const char sql_get[] = "SELECT state, requested_by FROM charge_reliefs WHERE id = ?";
  static const char sql_set[] =
    "UPDATE charge_reliefs SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?";
  const Till__V1__ReliefDecideRequest *in = r->env->relief_decide_req;
  char state[16], by[USER_NAME_MAX + 1];
  sqlite3_stmt *st = store_stmt(sc, sql_get);
  if (st)
    sqlite3_bind_int64(st, 1, in->id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no opt-out or vacancy request %lld",
                  (long long)in->id) != TILL_OK)
    return r->status;
  snprintf(state, sizeof state, "%s", col(st, 0));
  snprintf(by, sizeof by, "%s", col(st, 1));
  sqlite3_reset(st);
  if (strcmp(state, "pending") != 0)
    return req_fail(r, TILL_E_PRECONDITION, "request %lld is not pending; it was decided "
                    "already", (long long)in->id);
  if (strcmp(by, r->actor.user) == 0)
    return req_fail(r, TILL_E_DENIED, "request %lld was made by you; another supervisor must "
                    "decide it", (long long)in->id);
  st = store_stmt(sc, sql_set);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->approve ? "approved" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_int64(st, 4, in->id);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  Till__V1__ReliefDecideResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__relief_decide_response__init(resp);
  if (relief_one(r, sc, in->id, &resp->relief) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_DECIDE_RESP;
  r->resp.relief_decide_resp = resp;
  return TILL_OK;
}

till_status_t
relief_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__ReliefListRequest *in = r->env->relief_list_req;
  if (in->state[0] && strcmp(in->state, "pending") != 0 && strcmp(in->state, "approved") != 0 &&
      strcmp(in->state, "rejected") != 0)
    return req_fail(r, TILL_E_INVALID, "state must be pending, approved or rejected");
  Till__V1__ReliefListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__Relief **list = req_alloc(r, RELIEF_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__relief_list_response__init(resp);
  sqlite3_stmt *st =
    store_stmt(sc, SQL_RELIEF_COLS " WHERE ?1 = '' OR r.state = ?1 ORDER BY r.id LIMIT ?2");
  if (st) {
    sqlite3_bind_text(st, 1, in->state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, RELIEF_LIST_MAX);
  }
  reliefs_acc_t acc = {list, 0};
  if (req_rows(r, st, RELIEF_LIST_MAX, relief_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->reliefs = list;
  resp->n_reliefs = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_LIST_RESP;
  r->resp.relief_list_resp = resp;
  return TILL_OK;
}
