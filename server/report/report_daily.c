/* report_daily.c -- the daily report, the day close and the day status;
 * see report_daily.h.
 *
 * Every query here finds its rows by a business date: the date's shifts
 * over shifts_business_date (step 5), their transactions over journal_shift
 * (step 3), the date's deposits over deposits_business_date, or the small
 * set of open shifts (shifts_state) -- never by a scan of the journal;
 * docs/ledger.md says which query uses which. ?1 is the date (YYYY-MM-DD),
 * ?2 a row limit. */
#include "report_daily.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "request.h"
#include "ledger.h"
#include "report_hospital.h" /* hospital */
#include "report_hours.h"    /* web2 */
#include "shift.h"
#include "till_money.h"
#include "till_util.h"
#include "till_wire.h"

#define DATE_LEN LEDGER_DATE_LEN

/* The date's takings. A line of a sale credits a revenue account with its
 * item, quantity and unit price; a void repeats the lines with the amounts
 * negated. Both count on their shift's business date (a void needs the
 * sale's shift open, so it has the sale's). The payment method, cashier
 * and terminal of a void are the sale's (ledger_decide_void copies them).
 * A payment against a payer (billing, docs/billing.md) counts as a sale:
 * its lines are its credits to receivable:payer:<id> (item
 * "<scheme>:<period>", quantity 1 per charge) and prepaid:payer:<id>
 * (item "prepaid"), its payment entry the one without an item. A toll
 * paid at an exit lane (docs/tolls.md) counts as a sale too: its lines
 * credit revenue:toll (item "toll.<class>") and, for a lost card,
 * revenue:toll_card (item "toll.card"). */
static const char sql_takings[] =
  "SELECT e.item, j.method, j.cashier, j.terminal_id,"
  " sum(CASE WHEN j.kind IN ('sale', 'payment', 'toll') THEN e.quantity ELSE 0 END),"
  " sum(CASE WHEN j.kind IN ('sale', 'payment', 'toll') THEN -e.amount ELSE 0 END),"
  " sum(CASE WHEN j.kind = 'void' THEN e.quantity ELSE 0 END),"
  " sum(CASE WHEN j.kind = 'void' THEN e.amount ELSE 0 END)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id JOIN entries e ON e.txn_id = j.id"
  " JOIN accounts a ON a.code = e.account"
  "  AND (a.type = 'revenue' OR (j.kind = 'payment' AND e.item <> ''))"
  " WHERE s.business_date = ?1 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  " GROUP BY e.item, j.method, j.cashier, j.terminal_id"
  " ORDER BY e.item, j.method, j.cashier, j.terminal_id LIMIT ?2";
/* The date's net per payment method, from the same sales and voids as the
 * takings (those of the date's shifts): their payment entries (no item),
 * one per part, so a receipt paid cash + WeChat counts each part under its
 * method; a void's are negated. The takings rows cannot say this for a
 * split receipt (its lines are paid by all its parts together: they show
 * method "split"). */
static const char sql_methods[] =
  "SELECT " LEDGER_SQL_ENTRY_METHOD("e") ", sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id AND e.item = ''"
  " WHERE s.business_date = ?1 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  " GROUP BY 1 ORDER BY 1";
/* Receipts numbered in the date's shifts, per series; voided = reversed by
 * now (a void needs its shift open, and a closed date has none, so this
 * settles). */
static const char sql_receipts[] =
  "SELECT j.series, min(j.receipt_no), max(j.receipt_no), count(*),"
  " sum(EXISTS (SELECT 1 FROM journal v WHERE v.reverses = j.id))"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " WHERE s.business_date = ?1 AND j.receipt_no > 0"
  " GROUP BY j.series ORDER BY j.series LIMIT ?2";
/* waiver:<type> is debited what a shift's posting waived (a toll's
 * exemption) and credited back by its void: count is the transactions
 * debiting it less those crediting it, as in the monthly report */
static const char sql_waivers[] =
  "SELECT e.account, count(DISTINCT CASE WHEN e.amount > 0 THEN e.txn_id END)"
  " - count(DISTINCT CASE WHEN e.amount < 0 THEN e.txn_id END), sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date = ?1"
  "   AND e.account >= 'waiver:' AND e.account < 'waiver;'"
  " GROUP BY e.account ORDER BY e.account LIMIT ?2";
/* ---- refunds ----
 * Refunds paid out in the date's shifts (the paying cashier's shift, of
 * whatever date the original was): per method of the paid-out entry, its
 * first (docs/refunds.md). */
static const char sql_refunds[] =
  "SELECT " LEDGER_SQL_ENTRY_METHOD("e") ", count(*), -sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id AND e.seq = 1"
  " WHERE s.business_date = ?1 AND j.kind = 'refund'"
  /* a refund back to a patient's deposit pays nothing out */
  " AND e.account NOT GLOB 'deposit:*'"
  " GROUP BY 1 ORDER BY 1";
/* ---- end of refunds ---- */
static const char sql_shifts_of_day[] =
  "SELECT " SHIFT_SUMMARY_COLUMNS " FROM shifts WHERE business_date = ?1 ORDER BY id LIMIT ?2";
static const char sql_floats[] =
  "SELECT coalesce(sum(float_amount), 0) FROM shifts WHERE business_date = ?1";
static const char sql_variance[] =
  "SELECT coalesce(sum(cash_variance), 0) FROM shifts WHERE business_date = ?1";
static const char sql_deposits[] =
  "SELECT id FROM deposits WHERE business_date = ?1 ORDER BY id LIMIT ?2";
/* Shifts of the date or an earlier one, closed, and in no deposit of the
 * date or an earlier one. Once the date is closed no shift or deposit of
 * it or before can be added (new ones get a later date), so a closed
 * date's figure does not change when the cash is banked later. Two parts,
 * so that neither reads every shift ever closed: those in no deposit yet
 * (the partial index shifts_undeposited holds only them, step 12), and
 * those in a deposit made after the date (the deposits after it over
 * deposits_business_date, their shifts over shifts_deposit). */
#define UNDEPOSITED_FROM(cols)                                                     \
  "SELECT " cols " FROM shifts INDEXED BY shifts_undeposited"                      \
  " WHERE " SHIFT_SQL_UNDEPOSITED " AND business_date <= ?1"                       \
  " UNION ALL SELECT " cols " FROM shifts INDEXED BY shifts_deposit"               \
  " WHERE deposit_id IN (SELECT id FROM deposits WHERE business_date > ?1)"        \
  " AND business_date <= ?1 AND state IN (2, 3)"                                   \
  " AND coalesce(counted_cash, 0) - float_amount > 0"
/* the oldest REPORT_DAILY_LIST_MAX of them */
const char report_daily_sql_undeposited[] =
  UNDEPOSITED_FROM(SHIFT_SUMMARY_COLUMNS) " ORDER BY id LIMIT ?2";
/* all of them: how many, and their depositable total */
const char report_daily_sql_undeposited_sum[] =
  "SELECT count(*), coalesce(sum(cash), 0) FROM ("
  UNDEPOSITED_FROM("coalesce(counted_cash, 0) - float_amount AS cash") ")";
static const char sql_open_shifts[] =
  "SELECT " SHIFT_SUMMARY_COLUMNS " FROM shifts"
  " WHERE state = 1 AND business_date <= ?1 ORDER BY id LIMIT ?2";
static const char sql_closed[] =
  "SELECT s.txn_id, s.head_hash, s.at_ms, s.reason, s.signature, c.closed_by, c.closed_at"
  " FROM day_closes c JOIN chain_signatures s ON s.id = c.signature_id WHERE c.date = ?";
static const char sql_open_count[] =
  "SELECT count(*) FROM shifts WHERE state = 1 AND business_date <= ?";
static const char sql_open_named[] =
  "SELECT id, terminal_id, cashier, opened_at, business_date FROM shifts"
  " WHERE state = 1 AND business_date <= ?1 ORDER BY id LIMIT ?2";
static const char sql_shift_count[] = "SELECT count(*) FROM shifts WHERE business_date = ?";
static const char sql_last_closed[] =
  "SELECT date, closed_by, closed_at FROM day_closes ORDER BY date DESC LIMIT 1";
/* ?1 = '': the open shifts of every date */
static const char sql_all_open[] =
  "SELECT " SHIFT_SUMMARY_COLUMNS " FROM shifts WHERE state = 1 AND business_date >= ?1"
  " ORDER BY id LIMIT ?2";
static const char sql_close_add[] =
  "INSERT INTO day_closes(date, closed_by, closed_at, signature_id) VALUES (?,?,?,?)";

/* The server's current business date into <out> (ledger_business_date);
 * fails the request on a database error. */
static till_status_t
current_date(req_t *r, store_conn_t *sc, char out[DATE_LEN + 1])
{
  char err[200];
  till_status_t st = ledger_business_date(sc, till_now(), out, err, sizeof err);
  return st == TILL_OK ? TILL_OK : req_fail(r, st, "%s", err);
}

/* The business date <date> ("" = the current one, when allowed) into out;
 * fails the request with INVALID_ARGUMENT naming the field. */
static till_status_t
day_of(req_t *r, store_conn_t *sc, const char *date, int empty_is_current,
       char out[DATE_LEN + 1])
{
  int64_t from_s, to_s;
  if ((!date || !date[0]) && empty_is_current)
    return current_date(r, sc, out);
  else if (!date || !date[0])
    return req_fail(r, TILL_E_INVALID, "date is required (YYYY-MM-DD)");
  else if (strlen(date) != DATE_LEN)
    return req_fail(r, TILL_E_INVALID, "date must be YYYY-MM-DD, a day of the years 2000 to 2999");
  else
    memcpy(out, date, DATE_LEN + 1);
  /* the calendar check only: a business date is not a time range */
  if (till_day_bounds(out, &from_s, &to_s) != 0)
    return req_fail(r, TILL_E_INVALID, "date %s is not a day of the calendar (YYYY-MM-DD, "
                    "years 2000 to 2999)", out);
  return TILL_OK;
}

/* "2026-11-28 09:00:01", the server's local time. */
static void
local_time(int64_t unix_s, char out[20])
{
  time_t t = (time_t)unix_s;
  struct tm tm;
  if (!localtime_r(&t, &tm) || strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) != 19)
    snprintf(out, 20, "?");
}

/* <sql> with ?1 bound to the business date <date> and ?2 to a row limit
 * when <limit> is not 0; NULL (logged) when it cannot be prepared. */
static sqlite3_stmt *
date_stmt(store_conn_t *sc, const char *sql, const char *date, int limit)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
  if (st && limit)
    sqlite3_bind_int(st, 2, limit);
  return st;
}

static till_status_t
too_many(req_t *r, const char *what)
{
  return req_fail(r, TILL_E_EXHAUSTED, "the day has more than %d %s; the report would be "
                  "incomplete", REPORT_DAILY_LIST_MAX, what);
}

static till_status_t
sum_one(req_t *r, store_conn_t *sc, const char *sql, const char *date, int64_t *out)
{
  return req_rows(r, date_stmt(sc, sql, date, 0), 1, req_row_int64, out, NULL);
}

/* Shift summaries as they are read: room for REPORT_DAILY_LIST_MAX; *sum,
 * when not NULL, gets their depositable amounts added. */
typedef struct {
  Till__V1__ShiftSummary **list;
  size_t *n;
  int64_t *sum;
  const char *what;
} shifts_acc_t;

static till_status_t
shift_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  shifts_acc_t *acc = arg;
  Till__V1__ShiftSummary *s = shift_summary_from_row(r, st);
  if (!s)
    return TILL_E_INTERNAL;
  if (acc->sum && till_money_add(*acc->sum, s->depositable, acc->sum) != 0)
    return req_fail(r, TILL_E_INTERNAL, "%s: amount out of range", acc->what);
  acc->list[(*acc->n)++] = s;
  return TILL_OK;
}

/* Shift summaries selected by <sql> for <date>; *sum gets the sum of their
 * depositable amounts when not NULL. */
static till_status_t
collect_shifts(req_t *r, store_conn_t *sc, const char *sql, const char *date,
               Till__V1__ShiftSummary ***list, size_t *n, int64_t *sum, const char *what)
{
  sqlite3_stmt *st = date_stmt(sc, sql, date, REPORT_DAILY_LIST_MAX + 1);
  *list = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof **list);
  if (!*list) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  shifts_acc_t acc = {*list, n, sum, what};
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, shift_row, &acc, &more) != TILL_OK)
    return r->status;
  return more ? too_many(r, what) : TILL_OK;
}

static Till__V1__MethodAmount *
method_slot(req_t *r, Till__V1__DailyReportResponse *resp, int m)
{
  for (size_t i = 0; i < resp->n_methods; i++)
    if ((int)resp->methods[i]->method == m)
      return resp->methods[i];
  if (resp->n_methods == TILL_METHOD_MAX)
    return NULL;
  Till__V1__MethodAmount *a = req_alloc(r, sizeof *a);
  if (!a)
    return NULL;
  till__v1__method_amount__init(a);
  a->method = till_wire_method(m);
  /* keep the list in the enum's order: cash, card, wechat, ... */
  size_t at = resp->n_methods;
  while (at > 0 && (int)resp->methods[at - 1]->method > m) {
    resp->methods[at] = resp->methods[at - 1];
    at--;
  }
  resp->methods[at] = a;
  resp->n_methods++;
  return a;
}

/* rows: item, method, cashier, terminal, quantity, amount, void quantity,
 * void amount */
static till_status_t
takings_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  Till__V1__TakingsRow *t = req_alloc(r, sizeof *t);
  if (!t)
    return TILL_E_INTERNAL;
  till__v1__takings_row__init(t);
  t->item = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  t->method = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  t->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  t->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  t->quantity = sqlite3_column_int64(st, 4);
  t->amount = sqlite3_column_int64(st, 5);
  t->void_quantity = sqlite3_column_int64(st, 6);
  t->void_amount = sqlite3_column_int64(st, 7);
  if (!t->item || !t->method || !t->cashier || !t->terminal_id)
    return TILL_E_INTERNAL;
  if (till_money_add(resp->sales_amount, t->amount, &resp->sales_amount) != 0 ||
      till_money_add(resp->void_amount, t->void_amount, &resp->void_amount) != 0)
    return req_fail(r, TILL_E_INTERNAL, "takings of %s by %s: method or amount out of range",
                    t->item, t->method);
  resp->takings[resp->n_takings++] = t;
  return TILL_OK;
}

/* rows: method, net of its payment parts */
static till_status_t
day_method_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  const char *name = (const char *)sqlite3_column_text(st, 0);
  int m = name ? till_method_from_name(name) : 0;
  Till__V1__MethodAmount *a = m ? method_slot(r, resp, m) : NULL;
  if (!a || till_money_add(a->amount, sqlite3_column_int64(st, 1), &a->amount) != 0)
    return req_fail(r, TILL_E_INTERNAL, "a payment entry on no payment account, or out of range");
  return TILL_OK;
}

static till_status_t
load_takings(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  sqlite3_stmt *st = date_stmt(sc, sql_takings, resp->date, REPORT_DAILY_LIST_MAX + 1);
  resp->takings = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *resp->takings);
  resp->methods = req_alloc(r, TILL_METHOD_MAX * sizeof *resp->methods);
  if (!resp->takings || !resp->methods) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, takings_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return too_many(r, "takings rows (item, method, cashier, terminal)");
  if (till_money_sub(resp->sales_amount, resp->void_amount, &resp->net_amount) != 0)
    return req_fail(r, TILL_E_INTERNAL, "net takings out of range");
  /* at most one row per method */
  st = date_stmt(sc, sql_methods, resp->date, 0);
  if (req_rows(r, st, TILL_METHOD_MAX, day_method_row, resp, &more) != TILL_OK)
    return r->status;
  int64_t paid = 0;
  for (size_t i = 0; i < resp->n_methods; i++)
    if (till_money_add(paid, resp->methods[i]->amount, &paid) != 0)
      return req_fail(r, TILL_E_INTERNAL, "net by method out of range");
  /* every sale and void balances: what was paid is what the lines earned */
  if (more || paid != resp->net_amount)
    return req_fail(r, TILL_E_INTERNAL, "the day's payments by method (%lld fen) disagree with "
                    "its takings (%lld fen)", (long long)paid, (long long)resp->net_amount);
  return TILL_OK;
}

/* ---- refunds ---- */
/* rows: method, refunds, amount paid out */
static till_status_t
refund_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  const char *name = (const char *)sqlite3_column_text(st, 0);
  int m = name ? till_method_from_name(name) : 0;
  Till__V1__MethodAmount *a = req_alloc(r, sizeof *a);
  if (!m || !a || resp->n_refunds == TILL_METHOD_MAX)
    return req_fail(r, TILL_E_INTERNAL, "a refund paid out of no payment account");
  till__v1__method_amount__init(a);
  a->method = till_wire_method(m);
  a->amount = sqlite3_column_int64(st, 2);
  resp->refund_count += sqlite3_column_int64(st, 1);
  if (till_money_add(resp->refunds_total, a->amount, &resp->refunds_total) != 0)
    return req_fail(r, TILL_E_INTERNAL, "refunds out of range");
  resp->refunds[resp->n_refunds++] = a;
  return TILL_OK;
}

/* The date's refunds per method, and net takings (takings less refunds;
 * report_daily_handle takes the refunds of hospital bills back out). */
static till_status_t
load_refunds(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  resp->refunds = req_alloc(r, TILL_METHOD_MAX * sizeof *resp->refunds);
  if (!resp->refunds)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = date_stmt(sc, sql_refunds, resp->date, 0);
  if (req_rows(r, st, TILL_METHOD_MAX, refund_row, resp, NULL) != TILL_OK)
    return r->status;
  if (till_money_sub(resp->net_amount, resp->refunds_total, &resp->net_takings) != 0)
    return req_fail(r, TILL_E_INTERNAL, "net takings out of range");
  return TILL_OK;
}
/* ---- end of refunds ---- */

/* rows: series, first and last number, issued, voided */
static till_status_t
receipts_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  Till__V1__SeriesDay *d = req_alloc(r, sizeof *d);
  if (!d)
    return TILL_E_INTERNAL;
  till__v1__series_day__init(d);
  if (!(d->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0))))
    return TILL_E_INTERNAL;
  d->first_no = sqlite3_column_int64(st, 1);
  d->last_no = sqlite3_column_int64(st, 2);
  d->issued = sqlite3_column_int64(st, 3);
  d->voided = sqlite3_column_int64(st, 4);
  resp->receipts_issued += d->issued;
  resp->receipts_voided += d->voided;
  resp->receipts[resp->n_receipts++] = d;
  return TILL_OK;
}

static till_status_t
load_receipts(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  sqlite3_stmt *st = date_stmt(sc, sql_receipts, resp->date, REPORT_DAILY_LIST_MAX + 1);
  resp->receipts = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *resp->receipts);
  if (!resp->receipts) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, receipts_row, resp, &more) != TILL_OK)
    return r->status;
  return more ? too_many(r, "receipt series") : TILL_OK;
}

/* Ids from column 0 into room for REPORT_DAILY_LIST_MAX. */
typedef struct {
  int64_t *ids;
  size_t n;
} ids_acc_t;

static till_status_t
id_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  ids_acc_t *acc = arg;
  acc->ids[acc->n++] = sqlite3_column_int64(st, 0);
  return TILL_OK;
}

/* rows: account, count, amount */
static till_status_t
waiver_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  Till__V1__WaiverTotal *w = req_alloc(r, sizeof *w);
  if (!w)
    return TILL_E_INTERNAL;
  till__v1__waiver_total__init(w);
  w->account = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  w->count = sqlite3_column_int64(st, 1);
  w->amount = sqlite3_column_int64(st, 2);
  if (!w->account)
    return TILL_E_INTERNAL;
  resp->waivers[resp->n_waivers++] = w;
  return TILL_OK;
}

static till_status_t
load_waivers(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  sqlite3_stmt *st = date_stmt(sc, sql_waivers, resp->date, REPORT_DAILY_LIST_MAX + 1);
  resp->waivers = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *resp->waivers);
  if (!resp->waivers) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, waiver_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return too_many(r, "waiver accounts");
  return TILL_OK;
}

static till_status_t
load_deposits(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  ids_acc_t acc = {req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *acc.ids), 0};
  sqlite3_stmt *st = date_stmt(sc, sql_deposits, resp->date, REPORT_DAILY_LIST_MAX + 1);
  if (!acc.ids) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, id_row, &acc, &more) != TILL_OK)
    return r->status;
  if (more)
    return too_many(r, "deposits");
  int64_t *ids = acc.ids;
  size_t n = acc.n;
  resp->deposits = req_alloc(r, (n ? n : 1) * sizeof *resp->deposits);
  if (!resp->deposits)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    Till__V1__DepositInfo *d;
    if (deposit_info_build(r, sc, ids[i], &d) != TILL_OK)
      return r->status;
    if (till_money_add(resp->deposited, d->amount, &resp->deposited) != 0)
      return req_fail(r, TILL_E_INTERNAL, "deposits out of range");
    resp->deposits[resp->n_deposits++] = d;
  }
  return TILL_OK;
}

/* The close of <date>, if any: 1 and the fields set, 0 if the day is open,
 * or -1 with the failure recorded in r. */
static int
load_close(req_t *r, store_conn_t *sc, const char *date, Till__V1__ChainSignature **sig,
           char **closed_by, int64_t *closed_at)
{
  sqlite3_stmt *st = store_stmt(sc, sql_closed);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) {
    *sig = audit_signature_from_row(r, st);
    *closed_by = req_strdup(r, (const char *)sqlite3_column_text(st, 5));
    *closed_at = sqlite3_column_int64(st, 6);
  }
  sqlite3_reset(st);
  if (step == SQLITE_DONE)
    return 0;
  if (step != SQLITE_ROW) {
    req_step_failed(r, NULL, step);
    return -1;
  }
  if (!*sig || !*closed_by) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return -1;
  }
  return 1;
}

/* shifts_acc_t's rows without the limit's refusal: the report lists the
 * oldest REPORT_DAILY_LIST_MAX shifts not deposited, and counts and sums
 * all of them (a pile of more is what the report is there to show) */
static till_status_t
undeposited_sum_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  Till__V1__DailyReportResponse *resp = arg;
  resp->undeposited_count = sqlite3_column_int64(st, 0);
  resp->undeposited_amount = sqlite3_column_int64(st, 1);
  return TILL_OK;
}

static till_status_t
load_undeposited(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  if (req_rows(r, date_stmt(sc, report_daily_sql_undeposited_sum, resp->date, 0), 1,
               undeposited_sum_row, resp, NULL) != TILL_OK)
    return r->status;
  sqlite3_stmt *st =
    date_stmt(sc, report_daily_sql_undeposited, resp->date, REPORT_DAILY_LIST_MAX);
  resp->undeposited = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *resp->undeposited);
  if (!resp->undeposited) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  shifts_acc_t acc = {resp->undeposited, &resp->n_undeposited, NULL, "shifts not deposited"};
  return req_rows(r, st, REPORT_DAILY_LIST_MAX, shift_row, &acc, NULL);
}

till_status_t
report_daily_handle(req_t *r, store_conn_t *sc)
{
  const Till__V1__DailyReportRequest *in = r->env->daily_report_req;
  char date[DATE_LEN + 1], current[DATE_LEN + 1];
  /* every figure comes from the reader's one snapshot (worker.c's BEGIN) */
  if (current_date(r, sc, current) != TILL_OK || day_of(r, sc, in->date, 1, date) != TILL_OK)
    return r->status;
  Till__V1__DailyReportResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__daily_report_response__init(resp);
  resp->date = req_strdup(r, date);
  resp->current_business_date = req_strdup(r, current);
  if (!resp->date || !resp->current_business_date)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* from_ms and to_ms stay 0: a business date is not a time range */
  /* ---- refunds ---- */
  if (load_takings(r, sc, resp) != TILL_OK || load_refunds(r, sc, resp) != TILL_OK)
    return r->status;
  /* ---- end of refunds ---- */
  /* ---- web2: takings by hour ---- */
  if (report_daily_hours(r, sc, resp) != TILL_OK)
    return r->status;
  /* ---- end of web2 ---- */
  if (load_receipts(r, sc, resp) != TILL_OK ||
      load_waivers(r, sc, resp) != TILL_OK ||
      collect_shifts(r, sc, sql_shifts_of_day, date, &resp->shifts, &resp->n_shifts, NULL,
                     "shifts") != TILL_OK ||
      sum_one(r, sc, sql_floats, date, &resp->floats) != TILL_OK ||
      sum_one(r, sc, sql_variance, date, &resp->variance) != TILL_OK ||
      load_deposits(r, sc, resp) != TILL_OK ||
      load_undeposited(r, sc, resp) != TILL_OK ||
      collect_shifts(r, sc, sql_open_shifts, date, &resp->open_shifts, &resp->n_open_shifts,
                     NULL, "open shifts") != TILL_OK)
    return r->status;
  /* ---- hospital ---- */
  int64_t paid_back;
  if (report_hospital_day(r, sc, date, &resp->hospital) != TILL_OK)
    return r->status;
  /* net takings are takings less the refunds of what they hold: a refund of
   * a hospital bill is paid out (refunds) but takes back no takings */
  if (till_money_sub(resp->refunds_total, report_hosp_refunded_window(resp->hospital),
                     &paid_back) != 0 ||
      till_money_sub(resp->net_amount, paid_back, &resp->net_takings) != 0)
    return req_fail(r, TILL_E_INTERNAL, "net takings out of range");
  /* ---- end of hospital ---- */
  /* not closed: closed_by stays the empty string, the signature absent */
  int closed = load_close(r, sc, date, &resp->close_signature, &resp->closed_by,
                          &resp->closed_at);
  if (closed < 0)
    return r->status;
  resp->closed = closed == 1;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP;
  r->resp.daily_report_resp = resp;
  return TILL_OK;
}

/* ---- closing a day --------------------------------------------------------- */

/* If <date> is closed, answer its close as recorded, with the business
 * date new shifts go to now: 1. 0 when the day is open (nothing answered),
 * -1 with the failure recorded in r. */
static int
answer_close(req_t *r, store_conn_t *sc, const char *date, int replayed)
{
  char next[DATE_LEN + 1];
  Till__V1__DayCloseResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return -1;
  }
  till__v1__day_close_response__init(resp);
  int found = load_close(r, sc, date, &resp->signature, &resp->closed_by, &resp->closed_at);
  if (found != 1)
    return found;
  if (current_date(r, sc, next) != TILL_OK)
    return -1;
  resp->date = req_strdup(r, date);
  resp->next_business_date = req_strdup(r, next);
  if (!resp->date || !resp->next_business_date) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return -1;
  }
  resp->replayed = replayed;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DAY_CLOSE_RESP;
  r->resp.day_close_resp = resp;
  return 1;
}

/* The message refuse_open_shifts builds, one named shift a row. */
typedef struct {
  char msg[sizeof ((req_t *)0)->errmsg];
  size_t len;
  int64_t named;
  const char *date; /* the date being closed */
} open_named_t;

/* rows: id, terminal, cashier, opened_at, business date -- named when it
 * is not the date being closed (a shift of an earlier date) */
static till_status_t
open_named_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  open_named_t *o = arg;
  char when[20], of[32] = "";
  const char *bdate = (const char *)sqlite3_column_text(st, 4);
  local_time(sqlite3_column_int64(st, 3), when);
  if (bdate && strcmp(bdate, o->date) != 0)
    snprintf(of, sizeof of, " (of %s)", bdate);
  int n = snprintf(o->msg + o->len, sizeof o->msg - o->len, "%s shift %lld on %s by %s opened %s%s",
                   o->named ? ";" : "", (long long)sqlite3_column_int64(st, 0),
                   (const char *)sqlite3_column_text(st, 1),
                   (const char *)sqlite3_column_text(st, 2), when, of);
  o->len = n > 0 && (size_t)n < sizeof o->msg - o->len ? o->len + (size_t)n : sizeof o->msg - 1;
  o->named++;
  return TILL_OK;
}

/* FAILED_PRECONDITION naming the shifts of <date> or an earlier business
 * date that are still open (at most REPORT_DAILY_OPEN_NAMED, then "and N
 * more"); TILL_OK when there are none. */
static till_status_t
refuse_open_shifts(req_t *r, store_conn_t *sc, const char *date)
{
  int64_t open = 0;
  if (req_rows(r, date_stmt(sc, sql_open_count, date, 0), 1, req_row_int64, &open, NULL) !=
      TILL_OK)
    return r->status;
  if (open == 0)
    return TILL_OK;
  open_named_t o = {.len = 0, .named = 0, .date = date};
  o.msg[0] = '\0';
  sqlite3_stmt *st = date_stmt(sc, sql_open_named, date, REPORT_DAILY_OPEN_NAMED);
  /* bounded: LIMIT REPORT_DAILY_OPEN_NAMED */
  if (req_rows(r, st, REPORT_DAILY_OPEN_NAMED, open_named_row, &o, NULL) != TILL_OK)
    return r->status;
  /* whole sentences, so that each has its translation (po/server) */
  if (open == 1)
    return req_fail(r, TILL_E_PRECONDITION, "day %s cannot be closed: 1 shift is still open:%s",
                    date, o.msg);
  if (open > o.named)
    return req_fail(r, TILL_E_PRECONDITION,
                    "day %s cannot be closed: %lld shifts are still open:%s; and %lld more", date,
                    (long long)open, o.msg, (long long)(open - o.named));
  return req_fail(r, TILL_E_PRECONDITION, "day %s cannot be closed: %lld shifts are still open:%s",
                  date, (long long)open, o.msg);
}

/* The checks both phases make. TILL_OK with *closed set when the day is
 * already closed (answered as a replay). A date after the current business
 * date cannot close: nothing can have been posted on it yet. The current
 * one can, also before the calendar's midnight (an office that closes
 * early): new shifts then go to the next date. */
static till_status_t
close_checks(req_t *r, store_conn_t *sc, char date[DATE_LEN + 1], int *closed)
{
  const Till__V1__DayCloseRequest *in = r->env->day_close_req;
  char current[DATE_LEN + 1];
  *closed = 0;
  if (day_of(r, sc, in->date, 0, date) != TILL_OK)
    return r->status;
  int found = answer_close(r, sc, date, 1);
  if (found < 0)
    return r->status;
  if (found == 1) {
    *closed = 1;
    return TILL_OK;
  }
  if (current_date(r, sc, current) != TILL_OK)
    return r->status;
  if (strcmp(date, current) > 0)
    return req_fail(r, TILL_E_INVALID, "date %s is in the future: the current business date "
                    "is %s", date, current);
  /* The current date may run ahead of the calendar (a date closed early).
   * Closing it too before the calendar reaches it, with no shift on it,
   * would push every shift until then onto a date further ahead, and a
   * close is never undone: refuse. */
  char today[DATE_LEN + 1];
  till_local_date(till_now(), today);
  if (strcmp(date, today) > 0) {
    int64_t shifts = 0;
    if (req_rows(r, date_stmt(sc, sql_shift_count, date, 0), 1, req_row_int64, &shifts, NULL) !=
        TILL_OK)
      return r->status;
    if (shifts == 0)
      return req_fail(r, TILL_E_PRECONDITION, "business date %s has not begun: no shift has "
                      "opened on it and the calendar shows %s", date, today);
  }
  return refuse_open_shifts(r, sc, date);
}

till_status_t
report_day_close_check(req_t *r, store_conn_t *sc)
{
  char date[DATE_LEN + 1];
  int closed;
  if (close_checks(r, sc, date, &closed) != TILL_OK)
    return r->status;
  if (closed)
    r->skip_write = 1; /* answered: the first close, replayed */
  return TILL_OK;
}

till_status_t
report_day_close_commit(req_t *r, store_conn_t *sc)
{
  char date[DATE_LEN + 1], reason[32];
  int64_t sig_id;
  int closed;
  /* again, on the writer: a shift may have opened, or another supervisor
   * closed the day, since the reader looked */
  if (close_checks(r, sc, date, &closed) != TILL_OK || closed)
    return r->status;
  snprintf(reason, sizeof reason, "day_close:%s", date);
  if (ledger_sign_head(req_ledger(r), sc, reason, &sig_id) != TILL_OK)
    return req_fail(r, TILL_E_UNAVAILABLE, "could not sign the chain head; retry");
  sqlite3_stmt *st = store_stmt(sc, sql_close_add);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_int64(st, 4, sig_id);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "cannot record the close: %s; retry",
                    sqlite3_errmsg(sc->db));
  if (answer_close(r, sc, date, 0) != 1)
    return r->status == TILL_OK ? req_fail(r, TILL_E_INTERNAL, "the close was not recorded")
                                : r->status;
  return TILL_OK;
}

/* ---- where the business dates stand ------------------------------------ */

/* "+0800": the server's offset from UTC at <t>. */
static void
utc_offset(int64_t t, char out[8])
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm) || strftime(out, 8, "%z", &tm) == 0)
    snprintf(out, 8, "?");
}

/* rows: date, closed_by, closed_at -- the last closed business date */
static till_status_t
last_closed_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DayStatusResponse *resp = arg;
  resp->last_closed_date = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  resp->last_closed_by = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  resp->last_closed_at = sqlite3_column_int64(st, 2);
  return resp->last_closed_date && resp->last_closed_by ? TILL_OK : TILL_E_INTERNAL;
}

till_status_t
report_day_status_handle(req_t *r, store_conn_t *sc)
{
  char current[DATE_LEN + 1], today[DATE_LEN + 1], offset[8];
  int64_t now = till_now();
  Till__V1__DayStatusResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__day_status_response__init(resp);
  if (current_date(r, sc, current) != TILL_OK)
    return r->status;
  till_local_date(now, today);
  utc_offset(now, offset);
  resp->current_business_date = req_strdup(r, current);
  resp->calendar_date = req_strdup(r, today);
  resp->server_utc_offset = req_strdup(r, offset);
  if (!resp->current_business_date || !resp->calendar_date || !resp->server_utc_offset)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* none closed yet: the row callback never runs, the strings stay "" */
  if (req_rows(r, store_stmt(sc, sql_last_closed), 1, last_closed_row, resp, NULL) != TILL_OK ||
      collect_shifts(r, sc, sql_all_open, "", &resp->open_shifts, &resp->n_open_shifts, NULL,
                     "open shifts") != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DAY_STATUS_RESP;
  r->resp.day_status_resp = resp;
  return TILL_OK;
}
