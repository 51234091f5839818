/* report_hospital.c -- the daily report's hospital block; see
 * report_hospital.h. Read from the journal of the date's shifts, like the
 * rest of the daily report: a bill's revenue (revenue:hospital) is what
 * its shares debit -- the fund's and the personal account's receivables,
 * the hospital's own share (waiver:hospital), the window share through a
 * method's account or out of the patient's deposit. */
#include "report_hospital.h"

#include <string.h>

#include "ledger.h"
#include "ledger_hospital.h"
#include "till_money.h"
#include "till_wire.h"

/* ?1 the date, ?2 a row limit. The channel: m:<method> for a payment
 * account, "deposit" for any patient's deposit, else the account. */
static const char sql_hospital[] =
  "SELECT j.kind,"
  " CASE WHEN " LEDGER_SQL_ENTRY_METHOD("e") " <> '' THEN 'm:' || " LEDGER_SQL_ENTRY_METHOD("e")
  "  WHEN e.account GLOB 'deposit:patient:*' THEN 'deposit' ELSE e.account END,"
  " sum(e.amount), count(DISTINCT j.id)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date = ?1"
  "   AND j.kind IN ('" LEDGER_KIND_HOSP_BILL "', '" LEDGER_KIND_HOSP_DEPOSIT "',"
  "                  '" LEDGER_KIND_HOSP_DISCHARGE "')"
  " GROUP BY 1, 2 ORDER BY 1, 2 LIMIT ?2";

#define ROWS_MAX 64

/* The slot of method <m> in <list> (*n of them, room for TILL_METHOD_MAX),
 * kept in the enum's order. */
static Till__V1__MethodAmount *
slot(req_t *r, Till__V1__MethodAmount **list, size_t *n, int m)
{
  for (size_t i = 0; i < *n; i++)
    if ((int)list[i]->method == (int)till_wire_method((till_method_t)m))
      return list[i];
  if (*n == TILL_METHOD_MAX)
    return NULL;
  Till__V1__MethodAmount *a = req_alloc(r, sizeof *a);
  if (!a)
    return NULL;
  till__v1__method_amount__init(a);
  a->method = till_wire_method((till_method_t)m);
  /* in the enum's order: cash, card, wechat, alipay, ... */
  size_t at = *n;
  while (at > 0 && (int)list[at - 1]->method > (int)a->method) {
    list[at] = list[at - 1];
    at--;
  }
  list[at] = a;
  (*n)++;
  return a;
}

static till_status_t
hospital_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__HospitalDay *h = arg;
  const char *kind = (const char *)sqlite3_column_text(st, 0);
  const char *chan = (const char *)sqlite3_column_text(st, 1);
  int64_t sum = sqlite3_column_int64(st, 2);
  if (!kind || !chan)
    return TILL_E_INTERNAL;
  int m = strncmp(chan, "m:", 2) == 0 ? till_method_from_name(chan + 2) : 0;
  Till__V1__MethodAmount *a = NULL;
  if (strcmp(kind, LEDGER_KIND_HOSP_BILL) == 0) {
    if (strcmp(chan, LEDGER_HOSP_REVENUE) == 0) {
      h->total = -sum;
      h->bills = sqlite3_column_int64(st, 3);
    } else if (strcmp(chan, LEDGER_HOSP_FUND) == 0) {
      h->fund = sum;
    } else if (strcmp(chan, LEDGER_HOSP_ACCOUNT) == 0) {
      h->account = sum;
    } else if (strcmp(chan, LEDGER_HOSP_SHARE) == 0) {
      h->hospital = sum;
    } else if (strcmp(chan, "deposit") == 0) {
      h->window_deposit = sum;
    } else if (m && (a = slot(r, h->window, &h->n_window, m)) != NULL) {
      a->amount += sum;
    } else {
      return req_fail(r, TILL_E_INTERNAL, "a hospital bill posted to %s", chan);
    }
  } else if (strcmp(kind, LEDGER_KIND_HOSP_DEPOSIT) == 0) {
    if (m && (a = slot(r, h->deposits_in, &h->n_deposits_in, m)) != NULL)
      a->amount += sum;
  } else if (strcmp(kind, LEDGER_KIND_HOSP_DISCHARGE) == 0 && strcmp(chan, "deposit") == 0) {
    h->deposits_out = sum;
  }
  return TILL_OK;
}

till_status_t
report_hospital_day(req_t *r, store_conn_t *sc, const char *date, Till__V1__HospitalDay **out)
{
  *out = NULL;
  Till__V1__HospitalDay *h = req_alloc(r, sizeof *h);
  Till__V1__MethodAmount **w = req_alloc(r, TILL_METHOD_MAX * sizeof *w);
  Till__V1__MethodAmount **d = req_alloc(r, TILL_METHOD_MAX * sizeof *d);
  if (!h || !w || !d)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hospital_day__init(h);
  h->window = w;
  h->deposits_in = d;
  sqlite3_stmt *st = store_stmt(sc, sql_hospital);
  if (st) {
    sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, ROWS_MAX + 1);
  }
  int more = 0, rows = 0;
  if (req_rows(r, st, ROWS_MAX, hospital_row, h, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_INTERNAL, "more hospital channels than a day can have");
  int64_t shares = h->fund + h->account + h->hospital + h->window_deposit;
  for (size_t i = 0; i < h->n_window; i++)
    shares += h->window[i]->amount;
  if (shares != h->total)
    return req_fail(r, TILL_E_INTERNAL, "the day's hospital shares (%lld fen) disagree with its "
                    "bills (%lld fen)", (long long)shares, (long long)h->total);
  rows = h->bills || h->n_deposits_in || h->deposits_out;
  if (rows)
    *out = h;
  return TILL_OK;
}
