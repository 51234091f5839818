/* statement.c -- a payer's statement (对账单): every charge by year with
 * what paid, waived and credited it, every settlement with its receipt,
 * the totals per year, the prepaid balance, and the late fee as of a day
 * (computed, not posted). A read: four indexed queries over one payer's
 * rows (docs/billing.md, "Statements"; docs/benchmarks.md). */
#include <stdio.h>
#include <string.h>

#include "late_fee.h"
#include "ledger_billing.h"
#include "till_util.h"
#include "waiver.h"

#define STATEMENT_CHARGES_MAX 1000
#define STATEMENT_SETTLEMENTS_MAX 2000
#define STATEMENT_YEARS_MAX 200

static const char sql_payer[] = "SELECT complex, unit, owner FROM payers WHERE id = ?";
static const char sql_charges[] =
  "SELECT id, scheme, period, year, kind, amount, paid, waived, credited, created_at"
  " FROM charges WHERE payer_id = ? ORDER BY year, id LIMIT ?";
static const char sql_settlements[] =
  "SELECT s.txn_id, s.charge_id, s.source, s.amount, j.at_ms / 1000, coalesce(j.series, ''),"
  " coalesce(j.receipt_no, 0), CASE WHEN s.source = 'waiver' THEN j.approver ELSE j.cashier END,"
  " CASE WHEN s.source IN ('payment', 'reversal') THEN j.method ELSE '' END"
  " FROM charges c JOIN settlements s ON s.charge_id = c.id JOIN journal j ON j.id = s.txn_id"
  " WHERE c.payer_id = ? ORDER BY s.txn_id, s.id LIMIT ?";
static const char sql_prepaid[] = "SELECT coalesce(-sum(amount), 0) FROM entries WHERE account = ?";
/* 2440587.5 is the Julian day of 1970-01-01; NULL unless a real date */
static const char sql_day[] =
  "SELECT CAST(julianday(?1) - 2440587.5 AS INTEGER) WHERE date(?1, '+0 days') IS ?1";

static till_status_t
charge_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__StatementResponse *s = arg;
  Till__V1__StatementCharge *c = req_alloc(r, sizeof *c);
  if (!c)
    return TILL_E_INTERNAL;
  till__v1__statement_charge__init(c);
  c->charge_id = sqlite3_column_int64(st, 0);
  c->scheme = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  c->period = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  c->year = sqlite3_column_int(st, 3);
  c->kind = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  c->amount = sqlite3_column_int64(st, 5);
  c->paid = sqlite3_column_int64(st, 6);
  c->waived = sqlite3_column_int64(st, 7);
  c->credited = sqlite3_column_int64(st, 8);
  c->open = c->amount - c->paid - c->waived - c->credited;
  c->created_at = sqlite3_column_int64(st, 9);
  if (!c->scheme || !c->period || !c->kind)
    return TILL_E_INTERNAL;
  s->charges[s->n_charges++] = c;
  /* the years: charges come by year, so a new year is the last slot's or a new one */
  Till__V1__StatementYear *y = s->n_years ? s->years[s->n_years - 1] : NULL;
  if (!y || y->year != c->year) {
    if (s->n_years == STATEMENT_YEARS_MAX)
      return req_fail(r, TILL_E_EXHAUSTED, "The payer has charges in more than %d years.",
                      STATEMENT_YEARS_MAX);
    if (!(y = req_alloc(r, sizeof *y)))
      return TILL_E_INTERNAL;
    till__v1__statement_year__init(y);
    y->year = c->year;
    s->years[s->n_years++] = y;
  }
  y->charged += c->amount;
  y->paid += c->paid;
  y->waived += c->waived;
  y->credited += c->credited;
  y->open += c->open;
  s->open += c->open;
  return TILL_OK;
}

static till_status_t
settlement_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__StatementResponse *s = arg;
  Till__V1__StatementSettlement *t = req_alloc(r, sizeof *t);
  if (!t)
    return TILL_E_INTERNAL;
  till__v1__statement_settlement__init(t);
  t->txn_id = sqlite3_column_int64(st, 0);
  t->charge_id = sqlite3_column_int64(st, 1);
  t->source = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  t->amount = sqlite3_column_int64(st, 3);
  t->at = sqlite3_column_int64(st, 4);
  char number[TILL_RECEIPT_NO_MAX] = "";
  if (sqlite3_column_int64(st, 6) > 0)
    till_receipt_format((const char *)sqlite3_column_text(st, 5), sqlite3_column_int64(st, 6),
                        number, sizeof number);
  t->receipt = req_strdup(r, number);
  t->by = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  t->method = req_strdup(r, (const char *)sqlite3_column_text(st, 8));
  if (!t->source || !t->receipt || !t->by || !t->method)
    return TILL_E_INTERNAL;
  s->settlements[s->n_settlements++] = t;
  return TILL_OK;
}

/* The statement's day: <as_of> or today, as a day number and its text. */
static till_status_t
statement_day(req_t *r, store_conn_t *sc, const char *as_of, int64_t *day, char *text,
              size_t len)
{
  if (!as_of[0]) {
    *day = late_fee_today();
    late_fee_day_text(*day, text, len);
    return TILL_OK;
  }
  sqlite3_stmt *st = store_stmt(sc, sql_day);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, as_of, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_INVALID, "The date %s is not a date YYYY-MM-DD.", as_of) != TILL_OK)
    return r->status;
  *day = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  snprintf(text, len, "%s", as_of);
  return TILL_OK;
}

static till_status_t
statement_late_fees(req_t *r, store_conn_t *sc, Till__V1__StatementResponse *s, int64_t day)
{
  late_fee_due_t due;
  if (late_fee_compute(r, sc, s->payer_id, "", day, &due) != TILL_OK)
    return r->status;
  s->late_fees = req_alloc(r, (due.n_schemes + 1) * sizeof *s->late_fees);
  if (!s->late_fees)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < due.n_schemes; i++) {
    int64_t fee = late_fee_round(due.schemes[i].total_e6);
    if (fee <= 0)
      continue;
    Till__V1__StatementLateFee *f = req_alloc(r, sizeof *f);
    if (!f)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__statement_late_fee__init(f);
    if (!(f->scheme = req_strdup(r, due.schemes[i].scheme)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    f->amount = fee;
    f->overdue_charges = due.schemes[i].charges;
    s->late_fees[s->n_late_fees++] = f;
    s->late_fee += fee;
  }
  return TILL_OK;
}

/* The rows of the statement: charges (and years), settlements, prepaid. */
static till_status_t
statement_rows(req_t *r, store_conn_t *sc, Till__V1__StatementResponse *s)
{
  s->charges = req_alloc(r, STATEMENT_CHARGES_MAX * sizeof *s->charges);
  s->settlements = req_alloc(r, STATEMENT_SETTLEMENTS_MAX * sizeof *s->settlements);
  s->years = req_alloc(r, STATEMENT_YEARS_MAX * sizeof *s->years);
  if (!s->charges || !s->settlements || !s->years)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  int more = 0;
  sqlite3_stmt *st = store_stmt(sc, sql_charges);
  if (st) {
    sqlite3_bind_int64(st, 1, s->payer_id);
    sqlite3_bind_int(st, 2, STATEMENT_CHARGES_MAX + 1);
  }
  if (req_rows(r, st, STATEMENT_CHARGES_MAX, charge_row, s, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "The payer has more than %d charges; the statement "
                    "would be incomplete.", STATEMENT_CHARGES_MAX);
  if ((st = store_stmt(sc, sql_settlements))) {
    sqlite3_bind_int64(st, 1, s->payer_id);
    sqlite3_bind_int(st, 2, STATEMENT_SETTLEMENTS_MAX + 1);
  }
  if (req_rows(r, st, STATEMENT_SETTLEMENTS_MAX, settlement_row, s, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "The payer has more than %d settlements; the "
                    "statement would be incomplete.", STATEMENT_SETTLEMENTS_MAX);
  char account[LEDGER_BILL_ACCOUNT_MAX];
  snprintf(account, sizeof account, LEDGER_PREPAID_FMT, (long long)s->payer_id);
  if ((st = store_stmt(sc, sql_prepaid)))
    sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
  return req_rows(r, st, 1, req_row_int64, &s->prepaid, NULL);
}

till_status_t
statement_handle(req_t *r, store_conn_t *sc)
{
  const Till__V1__StatementRequest *in = r->env->statement_req;
  Till__V1__StatementResponse *s = req_alloc(r, sizeof *s);
  if (!s)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__statement_response__init(s);
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "A statement needs the payer's number.");
  int64_t day = 0;
  char day_text[16];
  if (statement_day(r, sc, in->as_of, &day, day_text, sizeof day_text) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_payer);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "There is no payer %lld.", (long long)in->payer_id) !=
      TILL_OK)
    return r->status;
  s->payer_id = in->payer_id;
  s->complex = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  s->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  s->owner = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  s->as_of = req_strdup(r, day_text);
  if (!s->complex || !s->unit || !s->owner || !s->as_of)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (statement_rows(r, sc, s) != TILL_OK || statement_late_fees(r, sc, s, day) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_STATEMENT_RESP;
  r->resp.statement_resp = s;
  return TILL_OK;
}
