/* catalog.c -- receipt series and fee items; see catalog.h. */
#include "catalog.h"

#include <stdio.h>
#include <string.h>

#include "request.h"
#include "ledger.h"
#include "till_chain.h"
#include "till_util.h"

#define CATALOG_LIST_MAX 10000
#define ITEM_NAME_MAX 100
#define ACCOUNT_MAX 80

static const char sql_series_list[] =
  "SELECT prefix, kind, description FROM series ORDER BY prefix LIMIT ?";
static const char sql_series_one[] = "SELECT prefix, kind, description FROM series WHERE prefix = ?";
/* a counter a year: 200 years of them */
#define SERIES_COUNTERS_MAX 200
static const char sql_counters[] =
  "SELECT series, last_no FROM series_counters WHERE prefix = ? ORDER BY year LIMIT 200";
static const char sql_items[] =
  "SELECT code, name, unit_price, series_prefix, revenue_account, disabled FROM fee_items"
  " ORDER BY code LIMIT ?";
static const char sql_item_one[] =
  "SELECT code, name, unit_price, series_prefix, revenue_account, disabled FROM fee_items"
  " WHERE code = ?";

static int
prefix_ok(const char *p)
{
  size_t n = strlen(p);
  if (n < 1 || n > TILL_SERIES_PREFIX_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (p[i] < 'A' || p[i] > 'Z')
      return 0;
  return 1;
}

/* rows: series, last_no -- into the Series' counters (room for the
 * query's LIMIT, SERIES_COUNTERS_MAX) */
static till_status_t
counter_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__Series *s = arg;
  Till__V1__SeriesCounter *c = req_alloc(r, sizeof *c);
  if (!c)
    return TILL_E_INTERNAL;
  till__v1__series_counter__init(c);
  c->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  c->last_no = sqlite3_column_int64(st, 1);
  if (!c->series)
    return TILL_E_INTERNAL;
  s->counters[s->n_counters++] = c;
  return TILL_OK;
}

/* The Series of the current row of <row>, with its counters (a query of
 * its own on <sc>). NULL with the failure recorded on <r>. */
static Till__V1__Series *
series_from_row(req_t *r, store_conn_t *sc, sqlite3_stmt *row)
{
  Till__V1__Series *s = req_alloc(r, sizeof *s);
  Till__V1__SeriesCounter **ctr = req_alloc(r, SERIES_COUNTERS_MAX * sizeof *ctr);
  if (!s || !ctr) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return NULL;
  }
  till__v1__series__init(s);
  s->prefix = req_strdup(r, (const char *)sqlite3_column_text(row, 0));
  s->kind = req_strdup(r, (const char *)sqlite3_column_text(row, 1));
  s->description = req_strdup(r, (const char *)sqlite3_column_text(row, 2));
  if (!s->prefix || !s->kind || !s->description) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return NULL;
  }
  s->counters = ctr;
  sqlite3_stmt *st = store_stmt(sc, sql_counters);
  if (st)
    sqlite3_bind_text(st, 1, s->prefix, -1, SQLITE_STATIC);
  if (req_rows(r, st, SERIES_COUNTERS_MAX, counter_row, s, NULL) != TILL_OK)
    return NULL;
  return s;
}

static Till__V1__FeeItem *
item_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__FeeItem *it = req_alloc(r, sizeof *it);
  if (!it)
    return NULL;
  till__v1__fee_item__init(it);
  it->code = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  it->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  it->unit_price = sqlite3_column_int64(st, 2);
  it->series_prefix = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  it->revenue_account = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  it->disabled = sqlite3_column_int(st, 5) != 0;
  return it->code && it->name && it->series_prefix && it->revenue_account ? it : NULL;
}

/* Series as they are read, with the connection their counters come from;
 * <list> has room for the query's LIMIT. */
typedef struct {
  store_conn_t *sc;
  Till__V1__Series **list;
  size_t n;
} series_acc_t;

static till_status_t
series_list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  series_acc_t *acc = arg;
  Till__V1__Series *s = series_from_row(r, acc->sc, st);
  if (!s)
    return r->status;
  acc->list[acc->n++] = s;
  return TILL_OK;
}

/* Fee items as they are read; <list> has room for the query's LIMIT. */
typedef struct {
  Till__V1__FeeItem **list;
  size_t n;
} items_acc_t;

static till_status_t
item_list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  items_acc_t *acc = arg;
  Till__V1__FeeItem *it = item_from_row(r, st);
  if (!it)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = it;
  return TILL_OK;
}

till_status_t
catalog_handle_series_add(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO series(prefix, kind, description, created_at) VALUES (?,?,?,?)";
  const Till__V1__SeriesAddRequest *in = r->env->series_add_req;
  if (!prefix_ok(in->prefix))
    return req_fail(r, TILL_E_INVALID, "series prefix must be 1-%d capital letters A-Z",
                    TILL_SERIES_PREFIX_MAX);
  if (!till_ident_ok(in->kind, 32))
    return req_fail(r, TILL_E_INVALID, "kind must be 1-32 characters from A-Z a-z 0-9 . _ -");
  if (req_check_text(r, "description", in->description, 200, 1) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, in->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, in->description, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, till_now());
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if ((sqlite3_extended_errcode(sc->db) & 0xff) == SQLITE_CONSTRAINT && step != SQLITE_DONE)
    return req_fail(r, TILL_E_CONFLICT, "series %s already exists", in->prefix);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__SeriesAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__series_add_response__init(resp);
  st = store_stmt(sc, sql_series_one);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->prefix, -1, SQLITE_STATIC);
  /* the series just added: one row */
  series_acc_t one = {sc, &resp->series, 0};
  if (req_rows(r, st, 1, series_list_row, &one, NULL) != TILL_OK)
    return r->status;
  if (!resp->series)
    return req_fail(r, TILL_E_INTERNAL, "series %s not found after adding it", in->prefix);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SERIES_ADD_RESP;
  r->resp.series_add_resp = resp;
  return TILL_OK;
}

till_status_t
catalog_handle_series_list(req_t *r, store_conn_t *sc)
{
  Till__V1__SeriesListResponse *resp = req_alloc(r, sizeof *resp);
  size_t cap = 256;
  Till__V1__Series **list = req_alloc(r, cap * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__series_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_series_list);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, (int)cap);
  series_acc_t acc = {sc, list, 0};
  if (req_rows(r, st, cap, series_list_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->series = list;
  resp->n_series = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SERIES_LIST_RESP;
  r->resp.series_list_resp = resp;
  return TILL_OK;
}

till_status_t
catalog_handle_item_add(req_t *r, store_conn_t *sc)
{
  static const char sql_has_series[] = "SELECT 1 FROM series WHERE prefix = ?";
  static const char sql[] =
    "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
    " VALUES (?,?,?,?,?,?)";
  const Till__V1__ItemAddRequest *in = r->env->item_add_req;
  const Till__V1__FeeItem *it = in->item;
  char revenue[ACCOUNT_MAX + 16];
  if (!it)
    return req_fail(r, TILL_E_INVALID, "item is required");
  if (!till_ident_ok(it->code, LEDGER_ITEM_MAX))
    return req_fail(r, TILL_E_INVALID, "item code must be 1-%d characters from A-Z a-z 0-9 . _ -",
                    LEDGER_ITEM_MAX);
  if (req_check_text(r, "name", it->name, ITEM_NAME_MAX, 0) != TILL_OK)
    return r->status;
  if (it->unit_price <= 0 || it->unit_price > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "unit price must be above 0.00 and at most 1000000000.00");
  if (!prefix_ok(it->series_prefix))
    return req_fail(r, TILL_E_INVALID, "series prefix must be 1-%d capital letters A-Z",
                    TILL_SERIES_PREFIX_MAX);
  if (it->revenue_account[0]) {
    if (strncmp(it->revenue_account, "revenue:", 8) != 0 ||
        !till_ident_ok(it->revenue_account + 8, ACCOUNT_MAX))
      return req_fail(r, TILL_E_INVALID, "revenue account must look like revenue:NAME");
    snprintf(revenue, sizeof revenue, "%s", it->revenue_account);
  } else {
    snprintf(revenue, sizeof revenue, "revenue:%s", it->code);
  }
  sqlite3_stmt *st = store_stmt(sc, sql_has_series);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, it->series_prefix, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_ROW)
    return req_fail(r, TILL_E_NOT_FOUND, "no series %s; add it with 'till admin series add'",
                    it->series_prefix);
  st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, it->code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, it->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, it->unit_price);
  sqlite3_bind_text(st, 4, it->series_prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, revenue, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, till_now());
  step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE && (sqlite3_extended_errcode(sc->db) & 0xff) == SQLITE_CONSTRAINT)
    return req_fail(r, TILL_E_CONFLICT, "item %s already exists", it->code);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__ItemAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__item_add_response__init(resp);
  st = store_stmt(sc, sql_item_one);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, it->code, -1, SQLITE_STATIC);
  /* the item just added: one row */
  items_acc_t one = {&resp->item, 0};
  if (req_rows(r, st, 1, item_list_row, &one, NULL) != TILL_OK)
    return r->status;
  if (!resp->item)
    return req_fail(r, TILL_E_INTERNAL, "item %s not found after adding it", it->code);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_ITEM_ADD_RESP;
  r->resp.item_add_resp = resp;
  return TILL_OK;
}

till_status_t
catalog_handle_item_list(req_t *r, store_conn_t *sc)
{
  Till__V1__ItemListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__FeeItem **list = req_alloc(r, CATALOG_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__item_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_items);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, CATALOG_LIST_MAX);
  items_acc_t acc = {list, 0};
  if (req_rows(r, st, CATALOG_LIST_MAX, item_list_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->items = list;
  resp->n_items = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_ITEM_LIST_RESP;
  r->resp.item_list_resp = resp;
  return TILL_OK;
}
