/* scheme.c -- fee schemes and versioned tariffs; see scheme.h. */
#include "scheme.h"

#include <stdio.h>
#include <string.h>

#include "till_rate.h"
#include "till_util.h"

#define SCHEME_LIST_MAX 1000
#define TARIFF_LIST_MAX 10000
#define SCHEME_NAME_MAX 64

#define SQL_SCHEME_COLS \
  "SELECT code, name, rule, period, season_start, optout_share_pct, optout_cutoff," \
  " vacancy_share_pct FROM schemes"

/* a-z first, then a-z 0-9 _, 1..24 */
static int
code_ok(const char *s)
{
  size_t n = strlen(s);
  if (n < 1 || n > SCHEME_CODE_MAX || s[0] < 'a' || s[0] > 'z')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return 0;
  return 1;
}

static const char *
col(sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

till_status_t
scheme_load(req_t *r, store_conn_t *sc, const char *code, scheme_row_t *out)
{
  static const char sql[] =
    "SELECT rule, period, season_start, optout_share_pct, optout_cutoff, vacancy_share_pct"
    " FROM schemes WHERE code = ?";
  if (!code_ok(code))
    return req_fail(r, TILL_E_INVALID, "a scheme code is 1-24 characters from a-z 0-9 _, "
                    "starting with a letter");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no fee scheme %s", code) != TILL_OK)
    return r->status;
  memset(out, 0, sizeof *out);
  snprintf(out->code, sizeof out->code, "%s", code);
  out->rule = price_rule_of(col(st, 0));
  out->period = period_kind_of(col(st, 1));
  snprintf(out->season_start, sizeof out->season_start, "%s", col(st, 2));
  out->optout_share_pct = sqlite3_column_int(st, 3);
  snprintf(out->optout_cutoff, sizeof out->optout_cutoff, "%s", col(st, 4));
  out->vacancy_share_pct = sqlite3_column_int(st, 5);
  sqlite3_reset(st);
  if (!out->rule || !out->period)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return TILL_OK;
}

till_status_t
scheme_period(req_t *r, const scheme_row_t *s, const char *text, period_t *p, char start[11])
{
  if (period_parse(s->period, text, p) != 0) {
    if (s->period == PERIOD_SEASON)
      return req_fail(r, TILL_E_INVALID, "scheme %s charges by season: give the period as "
                      "YYYY-YYYY of two years in a row, like 2026-2027", s->code);
    if (s->period == PERIOD_YEAR)
      return req_fail(r, TILL_E_INVALID, "scheme %s charges by year: give the period as "
                      "YYYY, like 2026", s->code);
    return req_fail(r, TILL_E_INVALID, "scheme %s charges by month: give the period as "
                    "YYYY-MM, like 2026-11", s->code);
  }
  if (period_start(s->period, p, s->season_start, start, 11) != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return TILL_OK;
}

till_status_t
scheme_tariff_on(req_t *r, store_conn_t *sc, const char *scheme, const char *day,
                 int64_t *rate_e4, char from[11])
{
  static const char sql[] =
    "SELECT rate_e4, effective_from FROM tariffs WHERE scheme = ? AND effective_from <= ?"
    " ORDER BY effective_from DESC LIMIT 1";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
  }
  if (req_row_one(r, st, TILL_E_PRECONDITION, "no tariff of scheme %s is in effect on %s",
                  scheme, day) != TILL_OK)
    return r->status;
  *rate_e4 = sqlite3_column_int64(st, 0);
  snprintf(from, 11, "%s", col(st, 1));
  sqlite3_reset(st);
  return TILL_OK;
}

static Till__V1__Scheme *
scheme_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__Scheme *s = req_alloc(r, sizeof *s);
  if (!s)
    return NULL;
  till__v1__scheme__init(s);
  s->code = req_strdup(r, col(st, 0));
  s->name = req_strdup(r, col(st, 1));
  s->rule = req_strdup(r, col(st, 2));
  s->period = req_strdup(r, col(st, 3));
  s->season_start = req_strdup(r, col(st, 4));
  s->optout_share_pct = sqlite3_column_int(st, 5);
  s->optout_cutoff = req_strdup(r, col(st, 6));
  s->vacancy_share_pct = sqlite3_column_int(st, 7);
  if (!s->code || !s->name || !s->rule || !s->period || !s->season_start || !s->optout_cutoff)
    return NULL;
  return s;
}

typedef struct {
  Till__V1__Scheme **list;
  size_t n;
} schemes_acc_t;

static till_status_t
scheme_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  schemes_acc_t *acc = arg;
  Till__V1__Scheme *s = scheme_from_row(r, st);
  if (!s)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = s;
  return TILL_OK;
}

/* The checks of a new scheme's fields; TILL_OK or the refusal recorded. */
static till_status_t
scheme_check(req_t *r, const Till__V1__Scheme *in)
{
  if (!code_ok(in->code))
    return req_fail(r, TILL_E_INVALID, "a scheme code is 1-24 characters from a-z 0-9 _, "
                    "starting with a letter");
  if (req_check_text(r, "name", in->name, SCHEME_NAME_MAX, 0) != TILL_OK)
    return r->status;
  price_rule_t rule = price_rule_of(in->rule);
  period_kind_t period = period_kind_of(in->period);
  if (!rule)
    return req_fail(r, TILL_E_INVALID, "rule must be area_month, area_season, fixed_month or "
                    "metered");
  if (!period)
    return req_fail(r, TILL_E_INVALID, "period must be season, year or month");
  if (!price_rule_fits(rule, period))
    return req_fail(r, TILL_E_INVALID, "rule %s cannot charge by %s: area_season charges by "
                    "season, area_month, fixed_month and metered by year or month", in->rule, in->period);
  if (in->season_start[0] && !month_day_ok(in->season_start))
    return req_fail(r, TILL_E_INVALID, "the season start must be a day MM-DD, like 11-15");
  if (in->optout_cutoff[0] && !month_day_ok(in->optout_cutoff))
    return req_fail(r, TILL_E_INVALID, "the opt-out cut-off must be a day MM-DD, like 10-15");
  if (in->optout_share_pct < 0 || in->optout_share_pct > 100 || in->vacancy_share_pct < 0 ||
      in->vacancy_share_pct > 100)
    return req_fail(r, TILL_E_INVALID, "a share must be 0 to 100 percent");
  return TILL_OK;
}

till_status_t
scheme_handle_add(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO schemes(code, name, rule, period, season_start, optout_share_pct,"
    " optout_cutoff, vacancy_share_pct, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)";
  const Till__V1__Scheme *in = r->env->scheme_add_req->scheme;
  if (!in)
    return req_fail(r, TILL_E_INVALID, "a scheme add request needs its scheme");
  if (scheme_check(r, in) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, in->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, in->rule, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, in->period, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, in->season_start[0] ? in->season_start : "11-15", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, in->optout_share_pct);
  sqlite3_bind_text(st, 7, in->optout_cutoff[0] ? in->optout_cutoff : "10-15", -1,
                    SQLITE_STATIC);
  sqlite3_bind_int(st, 8, in->vacancy_share_pct);
  sqlite3_bind_int64(st, 9, till_now());
  sqlite3_bind_text(st, 10, r->actor.user, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if ((step & 0xff) == SQLITE_CONSTRAINT)
    return req_fail(r, TILL_E_CONFLICT, "fee scheme %s already exists", in->code);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  Till__V1__SchemeAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__scheme_add_response__init(resp);
  st = store_stmt(sc, SQL_SCHEME_COLS " WHERE code = ?");
  if (st)
    sqlite3_bind_text(st, 1, in->code, -1, SQLITE_STATIC);
  schemes_acc_t one = {&resp->scheme, 0};
  if (req_rows(r, st, 1, scheme_row, &one, NULL) != TILL_OK)
    return r->status;
  if (!resp->scheme)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SCHEME_ADD_RESP;
  r->resp.scheme_add_resp = resp;
  return TILL_OK;
}

till_status_t
scheme_handle_list(req_t *r, store_conn_t *sc)
{
  Till__V1__SchemeListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__Scheme **list = req_alloc(r, SCHEME_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__scheme_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, SQL_SCHEME_COLS " ORDER BY code LIMIT ?");
  if (st)
    sqlite3_bind_int(st, 1, SCHEME_LIST_MAX);
  schemes_acc_t acc = {list, 0};
  if (req_rows(r, st, SCHEME_LIST_MAX, scheme_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->schemes = list;
  resp->n_schemes = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SCHEME_LIST_RESP;
  r->resp.scheme_list_resp = resp;
  return TILL_OK;
}

typedef struct {
  Till__V1__Tariff **list;
  size_t n;
} tariffs_acc_t;

/* rows: id, scheme, effective_from, rate_e4, created_by */
static till_status_t
tariff_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  tariffs_acc_t *acc = arg;
  Till__V1__Tariff *t = req_alloc(r, sizeof *t);
  if (!t)
    return TILL_E_INTERNAL;
  till__v1__tariff__init(t);
  t->id = sqlite3_column_int64(st, 0);
  t->scheme = req_strdup(r, col(st, 1));
  t->effective_from = req_strdup(r, col(st, 2));
  t->rate_e4 = sqlite3_column_int64(st, 3);
  t->created_by = req_strdup(r, col(st, 4));
  if (!t->scheme || !t->effective_from || !t->created_by)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = t;
  return TILL_OK;
}

till_status_t
tariff_handle_add(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO tariffs(scheme, effective_from, rate_e4, created_at, created_by)"
    " VALUES (?,?,?,?,?)";
  static const char sql_one[] =
    "SELECT id, scheme, effective_from, rate_e4, created_by FROM tariffs WHERE id = ?";
  const Till__V1__TariffAddRequest *in = r->env->tariff_add_req;
  scheme_row_t s;
  int64_t from_s, to_s;
  if (scheme_load(r, sc, in->scheme, &s) != TILL_OK)
    return r->status;
  if (strlen(in->effective_from) != 10 || till_day_bounds(in->effective_from, &from_s, &to_s) != 0)
    return req_fail(r, TILL_E_INVALID, "the effective date must be a date YYYY-MM-DD");
  if (in->rate_e4 < 0 || in->rate_e4 > TILL_RATE_E4_MAX)
    return req_fail(r, TILL_E_INVALID, "a rate must be 0 to 10000000.0000 yuan");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->scheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, in->effective_from, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, in->rate_e4);
  sqlite3_bind_int64(st, 4, till_now());
  sqlite3_bind_text(st, 5, r->actor.user, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if ((step & 0xff) == SQLITE_CONSTRAINT)
    return req_fail(r, TILL_E_CONFLICT, "scheme %s already has a tariff from %s; a tariff is "
                    "never edited, add one from another date", in->scheme, in->effective_from);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  int64_t id = sqlite3_last_insert_rowid(sc->db);
  Till__V1__TariffAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__tariff_add_response__init(resp);
  st = store_stmt(sc, sql_one);
  if (st)
    sqlite3_bind_int64(st, 1, id);
  tariffs_acc_t one = {&resp->tariff, 0};
  if (req_rows(r, st, 1, tariff_row, &one, NULL) != TILL_OK)
    return r->status;
  if (!resp->tariff)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TARIFF_ADD_RESP;
  r->resp.tariff_add_resp = resp;
  return TILL_OK;
}

till_status_t
tariff_handle_list(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT id, scheme, effective_from, rate_e4, created_by FROM tariffs"
    " WHERE ?1 = '' OR scheme = ?1 ORDER BY scheme, effective_from LIMIT ?2";
  const Till__V1__TariffListRequest *in = r->env->tariff_list_req;
  Till__V1__TariffListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__Tariff **list = req_alloc(r, TARIFF_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__tariff_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, TARIFF_LIST_MAX);
  }
  tariffs_acc_t acc = {list, 0};
  if (req_rows(r, st, TARIFF_LIST_MAX, tariff_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->tariffs = list;
  resp->n_tariffs = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TARIFF_LIST_RESP;
  r->resp.tariff_list_resp = resp;
  return TILL_OK;
}
