/* toll_report.c -- the toll readers: the pass cards still out, a lane
 * shift's hand-over (交接班) and the exemptions and classes of a range of
 * business dates (daily, monthly); see toll.h. Every figure is a sum over
 * the passages and the journal, read in one reader transaction. */
#include <stdio.h>
#include <string.h>

#include "toll.h"
#include "toll_int.h"
#include "till_util.h"

#define TOLL_LIST_MAX 1000
#define TOLL_COUNTS_MAX 64

/* Rows of (key, count, amount) into a growing list. */
typedef struct {
  Till__V1__TollCount **list;
  size_t n;
} counts_t;

static till_status_t
count_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  counts_t *c = arg;
  Till__V1__TollCount *t = req_alloc(r, sizeof *t);
  if (!t)
    return TILL_E_INTERNAL;
  till__v1__toll_count__init(t);
  t->key = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  t->count = sqlite3_column_int64(st, 1);
  t->amount = sqlite3_column_int64(st, 2);
  if (!t->key)
    return TILL_E_INTERNAL;
  c->list[c->n++] = t;
  return TILL_OK;
}

/* Run <sql> with ?1 = <a> (an integer when <as> is NULL, else the text
 * <as>) and ?2 = <b> (text, may be NULL) into *list / *n. */
static till_status_t
counts(req_t *r, store_conn_t *sc, const char *sql, int64_t a, const char *as, const char *b,
       Till__V1__TollCount ***list, size_t *n)
{
  counts_t c = {req_alloc(r, TOLL_COUNTS_MAX * sizeof *c.list), 0};
  if (!c.list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  if (as)
    sqlite3_bind_text(st, 1, as, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64(st, 1, a);
  if (b)
    sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
  if (req_rows(r, st, TOLL_COUNTS_MAX, count_row, &c, NULL) != TILL_OK)
    return r->status;
  *list = c.list;
  *n = c.n;
  return TILL_OK;
}

static int64_t
sum_of(Till__V1__TollCount **list, size_t n)
{
  int64_t s = 0;
  for (size_t i = 0; i < n; i++)
    s += list[i]->amount;
  return s;
}

/* ---- cards out ------------------------------------------------------- */

typedef struct {
  Till__V1__TollCard **list;
  size_t n;
  int64_t limit_ms; /* issued before this: overdue */
} cards_t;

static till_status_t
card_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  cards_t *c = arg;
  Till__V1__TollCard *k = req_alloc(r, sizeof *k);
  if (!k)
    return TILL_E_INTERNAL;
  till__v1__toll_card__init(k);
  k->card = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  k->entry_station = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  k->vehicle_class = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  k->plate = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  k->issued_at = sqlite3_column_int64(st, 4);
  k->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 5));
  k->overdue = k->issued_at < c->limit_ms;
  if (!k->card || !k->entry_station || !k->vehicle_class || !k->plate || !k->terminal_id)
    return TILL_E_INTERNAL;
  c->list[c->n++] = k;
  return TILL_OK;
}

till_status_t
toll_handle_cards(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT card, entry_station, class, plate, issued_at, terminal_id FROM toll_cards"
    " WHERE settled_txn IS NULL AND issued_at < ?1 ORDER BY issued_at, id LIMIT ?2";
  const Till__V1__TollCardsRequest *in = r->env->toll_cards_req;
  r->skip_write = 1;
  int64_t now = till_now_ms();
  toll_tariff_t t;
  if (toll_tariff_at(r, sc, now, &t) != TILL_OK)
    return r->status;
  cards_t c = {req_alloc(r, TOLL_LIST_MAX * sizeof *c.list), 0,
               now - (int64_t)t.card_hours * 3600 * 1000};
  Till__V1__TollCardsResponse *resp = req_alloc(r, sizeof *resp);
  if (!c.list || !resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_cards_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->overdue ? c.limit_ms : INT64_MAX);
  sqlite3_bind_int(st, 2, TOLL_LIST_MAX);
  if (req_rows(r, st, TOLL_LIST_MAX, card_row, &c, NULL) != TILL_OK)
    return r->status;
  resp->cards = c.list;
  resp->n_cards = c.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_CARDS_RESP;
  r->resp.toll_cards_resp = resp;
  return TILL_OK;
}

/* ---- hand-over ------------------------------------------------------- */

/* The special cases of toll_passages rows matching <where>, one row per
 * flag, as (flag, vehicles, fen charged). */
#define FLAGS_SQL(where)                                                                      \
  "WITH f(flag) AS (VALUES ('plate_mismatch'), ('class_mismatch'), ('green_failed'))"        \
  " SELECT f.flag, count(p.txn_id), coalesce(sum(p.toll + p.card_fee), 0) FROM f"            \
  " JOIN toll_passages p ON instr(',' || p.flags || ',', ',' || f.flag || ',') > 0"          \
  " WHERE " where " GROUP BY f.flag ORDER BY f.flag"

static const char sql_h_shift[] =
  "SELECT terminal_id, cashier, business_date, state, coalesce(cash_variance, 0)"
  " FROM shifts WHERE id = ?";
static const char sql_h_range[] =
  "SELECT series, min(receipt_no), max(receipt_no), count(*) FROM journal"
  " WHERE shift_id = ? AND kind = 'toll' GROUP BY series ORDER BY series LIMIT 1";
static const char sql_h_voids[] =
  "SELECT w.reason, count(*), coalesce(sum((SELECT sum(e.amount) FROM entries e"
  "  WHERE e.txn_id = j.id AND e.amount > 0)), 0)"
  " FROM void_requests w JOIN journal j ON j.id = w.txn_id"
  " WHERE j.shift_id = ?1 AND w.state = 2 GROUP BY w.reason ORDER BY w.reason";
static const char sql_h_cards[] =
  "SELECT (SELECT count(*) FROM toll_cards WHERE shift_id = ?1),"
  " (SELECT count(*) FROM toll_passages WHERE shift_id = ?1 AND card_state = 'card'),"
  " (SELECT count(*) FROM toll_passages WHERE shift_id = ?1 AND card_state = 'lost')";
static const char sql_h_exempt[] =
  "SELECT exempt, count(*), sum(toll) FROM toll_passages WHERE shift_id = ?1 AND exempt <> ''"
  " GROUP BY exempt ORDER BY exempt";
/* a voided toll is no longer charged: its passage counts under voids */
#define NOT_VOIDED(txn) " NOT EXISTS (SELECT 1 FROM journal v WHERE v.reverses = " txn ")"
static const char sql_h_classes[] =
  "SELECT class, count(*), sum(toll + card_fee) FROM toll_passages p"
  " WHERE shift_id = ?1 AND exempt = '' AND" NOT_VOIDED("p.txn_id")
  " GROUP BY class ORDER BY class";
static const char sql_h_flags[] = FLAGS_SQL("p.shift_id = ?1");
static const char sql_h_methods[] =
  "SELECT j.method, count(*), sum(e.amount) FROM journal j"
  " JOIN entries e ON e.txn_id = j.id AND e.seq = 1"
  " WHERE j.shift_id = ?1 AND j.kind = 'toll' AND" NOT_VOIDED("j.id")
  " GROUP BY j.method ORDER BY j.method";
/* ---- refund2: refunds paid out of the shift (of any day's toll), by the
 * method of their paid-out entry, their first; one back to a patient's
 * deposit pays nothing out ---- */
static const char sql_h_refunds[] =
  "SELECT j.method, count(*), -sum(e.amount) FROM journal j"
  " JOIN entries e ON e.txn_id = j.id AND e.seq = 1"
  " WHERE j.shift_id = ?1 AND j.kind = 'refund' AND e.account NOT GLOB 'deposit:*'"
  " GROUP BY j.method ORDER BY j.method";

/* The shift's row and its receipt range into <h>. */
static till_status_t
handover_head(req_t *r, store_conn_t *sc, Till__V1__TollHandoverResponse *h)
{
  sqlite3_stmt *st = store_stmt(sc, sql_h_shift);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, h->shift_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no shift %lld", (long long)h->shift_id) != TILL_OK)
    return r->status;
  h->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  h->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  h->business_date = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  h->state = sqlite3_column_int(st, 3);
  h->cash_variance = sqlite3_column_int64(st, 4);
  sqlite3_reset(st);
  h->series = req_strdup(r, "");
  if (!h->terminal_id || !h->cashier || !h->business_date || !h->series)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  st = store_stmt(sc, sql_h_range);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, h->shift_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    h->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
    h->first_no = sqlite3_column_int64(st, 1);
    h->last_no = sqlite3_column_int64(st, 2);
    h->receipts = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  st = store_stmt(sc, sql_h_cards);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, h->shift_id);
  if (req_row_one(r, st, TILL_E_INTERNAL, "shift %lld has no card counts",
                  (long long)h->shift_id) != TILL_OK)
    return r->status;
  h->cards_issued = sqlite3_column_int64(st, 0);
  h->cards_collected = sqlite3_column_int64(st, 1);
  h->cards_lost = sqlite3_column_int64(st, 2);
  sqlite3_reset(st);
  return h->series ? TILL_OK : req_fail(r, TILL_E_INTERNAL, "out of memory");
}

till_status_t
toll_handle_handover(req_t *r, store_conn_t *sc)
{
  const Till__V1__TollHandoverRequest *in = r->env->toll_handover_req;
  r->skip_write = 1;
  if (in->shift_id <= 0)
    return req_fail(r, TILL_E_INVALID, "shift_id is required");
  Till__V1__TollHandoverResponse *h = req_alloc(r, sizeof *h);
  if (!h)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_handover_response__init(h);
  h->shift_id = in->shift_id;
  if (handover_head(r, sc, h) != TILL_OK ||
      counts(r, sc, sql_h_voids, h->shift_id, NULL, NULL, &h->voids, &h->n_voids) != TILL_OK ||
      counts(r, sc, sql_h_exempt, h->shift_id, NULL, NULL, &h->exemptions, &h->n_exemptions) !=
        TILL_OK ||
      counts(r, sc, sql_h_classes, h->shift_id, NULL, NULL, &h->classes, &h->n_classes) !=
        TILL_OK ||
      counts(r, sc, sql_h_flags, h->shift_id, NULL, NULL, &h->flags, &h->n_flags) != TILL_OK ||
      counts(r, sc, sql_h_methods, h->shift_id, NULL, NULL, &h->methods, &h->n_methods) !=
        TILL_OK ||
      counts(r, sc, sql_h_refunds, h->shift_id, NULL, NULL, &h->refunds, &h->n_refunds) != TILL_OK)
    return r->status;
  h->tolls = sum_of(h->methods, h->n_methods);
  h->waived = sum_of(h->exemptions, h->n_exemptions);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_HANDOVER_RESP;
  r->resp.toll_handover_resp = h;
  return TILL_OK;
}

/* ---- a range of business dates ----------------------------------------- */

#define RANGE_JOIN " FROM toll_passages p JOIN shifts s ON s.id = p.shift_id" \
                   " WHERE s.business_date BETWEEN ?1 AND ?2"
static const char sql_r_exempt[] =
  "SELECT p.exempt, count(*), sum(p.toll)" RANGE_JOIN
  " AND p.exempt <> '' GROUP BY p.exempt ORDER BY p.exempt";
static const char sql_r_classes[] =
  "SELECT p.class, count(*), sum(p.toll + p.card_fee)" RANGE_JOIN
  " AND p.exempt = '' AND" NOT_VOIDED("p.txn_id") " GROUP BY p.class ORDER BY p.class";
static const char sql_r_flags[] =
  FLAGS_SQL("p.shift_id IN (SELECT id FROM shifts WHERE business_date BETWEEN ?1 AND ?2)");

till_status_t
toll_handle_report(req_t *r, store_conn_t *sc)
{
  const Till__V1__TollReportRequest *in = r->env->toll_report_req;
  r->skip_write = 1;
  int64_t a, b;
  if (!in->from || strlen(in->from) != 10 || till_day_bounds(in->from, &a, &b) != 0 || !in->to ||
      strlen(in->to) != 10 || till_day_bounds(in->to, &a, &b) != 0)
    return req_fail(r, TILL_E_INVALID, "from and to are business dates YYYY-MM-DD");
  if (strcmp(in->from, in->to) > 0)
    return req_fail(r, TILL_E_INVALID, "from comes after to");
  Till__V1__TollReportResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_report_response__init(resp);
  if (counts(r, sc, sql_r_exempt, 0, in->from, in->to, &resp->exemptions, &resp->n_exemptions) !=
        TILL_OK ||
      counts(r, sc, sql_r_classes, 0, in->from, in->to, &resp->classes, &resp->n_classes) !=
        TILL_OK ||
      counts(r, sc, sql_r_flags, 0, in->from, in->to, &resp->flags, &resp->n_flags) != TILL_OK)
    return r->status;
  resp->tolls = sum_of(resp->classes, resp->n_classes);
  resp->waived = sum_of(resp->exemptions, resp->n_exemptions);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_REPORT_RESP;
  r->resp.toll_report_resp = resp;
  return TILL_OK;
}
