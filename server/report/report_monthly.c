/* report_monthly.c -- the monthly settlement and cashier targets; see
 * report_monthly.h. */
#include "report_monthly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "request.h"
#include "till_util.h"
#include "till_wire.h"

#define MONTH_LEN 7
#define DAYS_MAX 31

/* Sales and their voids are the collections, on their shift's business
 * date (a void, with the sale's cashier and method, needs the sale's shift
 * open, so it has the sale's date). A transaction's amount is the sum of
 * its line entries (item <> ''), negated: the revenue credited, which
 * equals what the drawer and the clearing accounts were debited. Its cash
 * is its payment entry (item = '') on the drawer: the whole of a cash
 * sale, the cash part of a split one. A payment against a payer (billing)
 * counts as a sale: its lines are its credits to the payer's receivable
 * (item "<scheme>:<period>") and prepaid (item "prepaid"); so does a toll
 * (its lines on revenue:toll and revenue:toll_card; a toll let through free
 * is a waiver below). Other kinds (floats, variances,
 * deposits, and waivers once they exist) are not collections. Each query
 * finds the shifts of a business date, or of the dates ?1 .. ?2 of the
 * month, over shifts_business_date, their transactions over journal_shift
 * and the entries by their primary key (txn_id, seq). A posting with no
 * shift counts on no business date. The queries that pick entries by an
 * account range (over/short, waivers, clearing) say CROSS JOIN, which
 * SQLite takes as the order to join in: left to itself it walked every
 * entry of the range ever made (over entries_account, in the GROUP BY's
 * order) and only then looked for the month (issue 23). */
static const char sql_day[] =
  "SELECT count(DISTINCT j.id),"
  " count(DISTINCT CASE WHEN j.kind IN ('sale', 'payment', 'toll')"
  "                     AND j.receipt_no IS NOT NULL THEN j.id END),"
  " coalesce(-sum(CASE WHEN e.item <> '' THEN e.amount END), 0),"
  " coalesce(sum(CASE WHEN e.item = '' AND " LEDGER_SQL_ENTRY_METHOD("e") " = 'cash'"
  "              THEN e.amount END), 0)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date = ?1 AND j.kind IN ('sale', 'void', 'payment', 'toll')";
/* a void's entries keep the sale's quantity; only the amounts are negated */
static const char sql_items[] =
  "SELECT e.item, coalesce((SELECT f.name FROM fee_items f WHERE f.code = e.item), ''),"
  " sum(CASE WHEN j.kind = 'void' THEN -e.quantity ELSE e.quantity END), -sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id AND e.item <> ''"
  " WHERE s.business_date BETWEEN ?1 AND ?2 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  " GROUP BY e.item ORDER BY e.item LIMIT ?3";
static const char sql_collected[] =
  "SELECT j.cashier, -sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id AND e.item <> ''"
  " WHERE s.business_date BETWEEN ?1 AND ?2 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  " GROUP BY j.cashier ORDER BY j.cashier LIMIT ?3";
/* over_short:<cashier> is debited a shortage and credited an overage; the
 * account range 'over_short:' .. 'over_short;' (';' follows ':') is every
 * such account */
const char report_monthly_sql_over_short[] =
  "SELECT substr(e.account, 12), -sum(e.amount)"
  " FROM shifts s CROSS JOIN journal j ON j.shift_id = s.id"
  " CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date BETWEEN ?1 AND ?2"
  "   AND e.account >= 'over_short:' AND e.account < 'over_short;'"
  " GROUP BY e.account ORDER BY e.account LIMIT ?3";
/* waiver:<kind> is debited what was waived; a reversal credits it back:
 * count is the transactions debiting it less those crediting it */
const char report_monthly_sql_waivers[] =
  "SELECT e.account, count(DISTINCT CASE WHEN e.amount > 0 THEN e.txn_id END)"
  " - count(DISTINCT CASE WHEN e.amount < 0 THEN e.txn_id END), sum(e.amount)"
  " FROM shifts s CROSS JOIN journal j ON j.shift_id = s.id"
  " CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date BETWEEN ?1 AND ?2"
  "   AND e.account >= 'waiver:' AND e.account < 'waiver;'"
  " GROUP BY e.account ORDER BY e.account LIMIT ?3";
/* the non-cash takings by method: what sales debited, and voids credited,
 * to clearing:<method> (cash goes to the drawer); 'clearing:' ..
 * 'clearing;' is every such account */
const char report_monthly_sql_clearing[] =
  "SELECT substr(e.account, 10), sum(e.amount)"
  " FROM shifts s CROSS JOIN journal j ON j.shift_id = s.id"
  " CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date BETWEEN ?1 AND ?2 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  "   AND e.account >= 'clearing:' AND e.account < 'clearing;'"
  " GROUP BY e.account ORDER BY e.account LIMIT ?3";
/* ---- refunds: paid out in the month's shifts, per method of the
 * paid-out entry (a refund's first) ---- */
static const char sql_refunds[] =
  "SELECT " LEDGER_SQL_ENTRY_METHOD("e") ", count(*), -sum(e.amount)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN entries e ON e.txn_id = j.id AND e.seq = 1"
  " WHERE s.business_date BETWEEN ?1 AND ?2 AND j.kind = 'refund'"
  /* a refund back to a patient's deposit pays nothing out */
  " AND e.account NOT GLOB 'deposit:*'"
  " GROUP BY 1 ORDER BY 1 LIMIT ?3";
/* ---- end of refunds ---- */
static const char sql_targets[] =
  "SELECT cashier, amount FROM cashier_targets WHERE month = ? ORDER BY cashier LIMIT ?";

/* ---- the arithmetic ------------------------------------------------------ */

static int64_t
saturate(__int128 v)
{
  if (v > INT64_MAX)
    return INT64_MAX;
  if (v < -(__int128)INT64_MAX)
    return -INT64_MAX;
  return (int64_t)v;
}

void
monthly_deviation(int64_t collected, int64_t target, int64_t *deviation_bp,
                  till_band_t *band, int *above)
{
  *deviation_bp = 0;
  *band = TILL_BAND_NONE;
  *above = 0;
  if (target <= 0)
    return;
  /* |collected - target| < 2^64 and times 10000 < 2^78: exact in 128 bits */
  __int128 diff = (__int128)collected - target;
  __int128 mag = diff < 0 ? -diff : diff;
  __int128 bp = (mag * 10000 + target - 1) / target; /* rounded up: away from zero */
  *deviation_bp = saturate(diff < 0 ? -bp : bp);
  *above = diff > 0;
  if (bp <= 500)
    *band = TILL_BAND_WITHIN_5;
  else if (bp <= 1000)
    *band = TILL_BAND_5_10;
  else if (bp <= 1500)
    *band = TILL_BAND_10_15;
  else
    *band = TILL_BAND_BEYOND_15;
}

int64_t
monthly_ratio_bp(int64_t part, int64_t whole)
{
  if (whole <= 0)
    return 0;
  __int128 num = (__int128)part * 10000;
  __int128 mag = num < 0 ? -num : num;
  __int128 q = (2 * mag + whole) / (2 * (__int128)whole); /* floor(mag/whole + 1/2) */
  return saturate(num < 0 ? -q : q);
}

int64_t
monthly_electronic(const int64_t net[TILL_METHOD_MAX + 1])
{
  int64_t sum = 0;
  for (int m = 1; m <= TILL_METHOD_MAX; m++)
    if (till_method_is_electronic(m))
      sum += net[m];
  return sum;
}

/* ---- the report ---------------------------------------------------------- */

/* <sql> with ?1 and ?2 bound to the first and last business date a month
 * "YYYY-MM" can hold ("YYYY-MM-01", "YYYY-MM-31": dates compare as text);
 * NULL (logged) when it cannot be prepared. */
static sqlite3_stmt *
month_stmt(store_conn_t *sc, const char *sql, const char *month)
{
  char first[16], last[16];
  snprintf(first, sizeof first, "%.7s-01", month);
  snprintf(last, sizeof last, "%.7s-31", month);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, first, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, last, -1, SQLITE_TRANSIENT);
  }
  return st;
}

/* One cashier's row while the lists are merged. */
typedef struct {
  const char *name; /* in the request's arena */
  int64_t collected, over_short, target;
} cashier_acc_t;

typedef struct {
  cashier_acc_t *v;
  size_t n;
} cashiers_t;

/* The row of <name>, added (in the arena) if new; NULL when full or out of
 * memory. A linear search: the lists are at most MONTHLY_CASHIERS_MAX. */
static cashier_acc_t *
cashier_row(req_t *r, cashiers_t *cs, const char *name)
{
  for (size_t i = 0; i < cs->n; i++)
    if (strcmp(cs->v[i].name, name) == 0)
      return &cs->v[i];
  if (cs->n == MONTHLY_CASHIERS_MAX)
    return NULL;
  char *copy = req_strdup(r, name);
  if (!copy)
    return NULL;
  cs->v[cs->n] = (cashier_acc_t){copy, 0, 0, 0};
  return &cs->v[cs->n++];
}

/* One day's figures (sql_day's one row). */
typedef struct {
  int64_t txns, receipts, amount, cash;
} day_sums_t;

static till_status_t
day_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  day_sums_t *d = arg;
  d->txns = sqlite3_column_int64(st, 0);
  d->receipts = sqlite3_column_int64(st, 1);
  d->amount = sqlite3_column_int64(st, 2);
  d->cash = sqlite3_column_int64(st, 3);
  return TILL_OK;
}

/* The days of the month with sales or voids, and the month's totals. */
static till_status_t
add_days(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  resp->days = req_alloc(r, DAYS_MAX * sizeof *resp->days);
  if (!resp->days)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (int d = 1; d <= DAYS_MAX; d++) {
    char date[16];
    int64_t from_s, to_s;
    snprintf(date, sizeof date, "%.7s-%02d", resp->month, d);
    if (till_day_bounds(date, &from_s, &to_s) != 0)
      break; /* past the month's last day */
    sqlite3_stmt *st = store_stmt(sc, sql_day);
    if (st)
      sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    day_sums_t day = {0, 0, 0, 0};
    if (req_rows(r, st, 1, day_row, &day, NULL) != TILL_OK)
      return r->status;
    if (day.txns == 0)
      continue;
    int64_t receipts = day.receipts, amount = day.amount, cash = day.cash;
    Till__V1__DayTotal *t = req_alloc(r, sizeof *t);
    if (!t)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__day_total__init(t);
    if (!(t->date = req_strdup(r, date)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    t->receipts = receipts;
    t->amount = amount;
    t->cash = cash;
    /* a month's sums fit: each posting is at most LEDGER_TOTAL_MAX, and
     * int64 holds 92 million of them */
    t->noncash = amount - cash;
    resp->total += amount;
    resp->cash += cash;
    resp->noncash += t->noncash;
    resp->days[resp->n_days++] = t;
  }
  return TILL_OK;
}

/* rows: method, net takings -- into net[method] */
static till_status_t
clearing_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  int64_t *net = arg;
  const char *name = (const char *)sqlite3_column_text(st, 0);
  int m = till_method_from_name(name);
  if (!m || m == TILL_METHOD_CASH)
    return req_fail(r, TILL_E_INTERNAL, "a sale or void posted to clearing:%s, which is no "
                    "payment method", name ? name : "");
  net[m] = sqlite3_column_int64(st, 1);
  return TILL_OK;
}

/* The electronic part of the month's takings and the e-payment ratio:
 * electronic / total, not non-cash / total (a cheque or a subsidy is not
 * electronic payment). */
static till_status_t
add_epay(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  int64_t net[TILL_METHOD_MAX + 1] = {0};
  sqlite3_stmt *st = month_stmt(sc, report_monthly_sql_clearing, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, TILL_METHOD_MAX + 1);
  if (req_rows(r, st, TILL_METHOD_MAX + 1, clearing_row, net, NULL) != TILL_OK)
    return r->status;
  resp->electronic = monthly_electronic(net);
  resp->epay_ratio_bp = monthly_ratio_bp(resp->electronic, resp->total);
  return TILL_OK;
}

/* rows: item, name, quantity, amount */
static till_status_t
item_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__MonthlyReportResponse *resp = arg;
  Till__V1__MonthItem *it = req_alloc(r, sizeof *it);
  if (!it)
    return TILL_E_INTERNAL;
  till__v1__month_item__init(it);
  it->item = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  it->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  it->quantity = sqlite3_column_int64(st, 2);
  it->amount = sqlite3_column_int64(st, 3);
  if (!it->item || !it->name)
    return TILL_E_INTERNAL;
  resp->items[resp->n_items++] = it;
  return TILL_OK;
}

static till_status_t
add_items(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  resp->items = req_alloc(r, MONTHLY_ITEMS_MAX * sizeof *resp->items);
  if (!resp->items)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = month_stmt(sc, sql_items, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, MONTHLY_ITEMS_MAX + 1);
  int more;
  if (req_rows(r, st, MONTHLY_ITEMS_MAX, item_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "the month has more than %d fee items; the report "
                    "would be incomplete", MONTHLY_ITEMS_MAX);
  return TILL_OK;
}

enum { WAIVERS_MAX = 1000 };

/* rows: account, count, amount */
static till_status_t
waiver_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__MonthlyReportResponse *resp = arg;
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

/* ---- billing's waivers (减免 approved in the month) -------------------------
 * A billing waiver has no shift: it counts on the local calendar date it
 * was approved. Per scheme, the approved waivers and their amounts, merged
 * into the report's list under waiver:<scheme>. */
static const char sql_billing_waivers[] =
  "SELECT 'waiver:' || c.scheme, count(*), sum(w.amount)"
  " FROM waivers w JOIN charges c ON c.id = w.charge_id"
  " WHERE w.state = 2 AND date(w.decided_at, 'unixepoch', 'localtime') BETWEEN ?1 AND ?2"
  " GROUP BY c.scheme ORDER BY c.scheme LIMIT ?3";

static till_status_t
billing_waiver_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__MonthlyReportResponse *resp = arg;
  const char *account = (const char *)sqlite3_column_text(st, 0);
  for (size_t i = 0; i < resp->n_waivers; i++)
    if (strcmp(resp->waivers[i]->account, account) == 0) {
      resp->waivers[i]->count += sqlite3_column_int64(st, 1);
      resp->waivers[i]->amount += sqlite3_column_int64(st, 2);
      return TILL_OK;
    }
  if (resp->n_waivers == WAIVERS_MAX)
    return req_fail(r, TILL_E_EXHAUSTED, "the month has more than %d waiver accounts; the "
                    "report would be incomplete", WAIVERS_MAX);
  return waiver_row(r, st, arg);
}

static till_status_t
add_billing_waivers(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  sqlite3_stmt *st = month_stmt(sc, sql_billing_waivers, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, WAIVERS_MAX + 1);
  return req_rows(r, st, WAIVERS_MAX + 1, billing_waiver_row, resp, NULL);
}

static till_status_t
add_waivers(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  resp->waivers = req_alloc(r, WAIVERS_MAX * sizeof *resp->waivers);
  if (!resp->waivers)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = month_stmt(sc, report_monthly_sql_waivers, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, WAIVERS_MAX + 1);
  int more;
  if (req_rows(r, st, WAIVERS_MAX, waiver_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "the month has more than %d waiver accounts; the "
                    "report would be incomplete", WAIVERS_MAX);
  return add_billing_waivers(r, sc, resp);
}

/* Which figure of a cashier a query fills. */
enum cashier_field { F_COLLECTED, F_OVER_SHORT, F_TARGET };

typedef struct {
  cashiers_t *cs;
  enum cashier_field f;
} merge_t;

/* rows: cashier, amount -- into the cashier's row */
static till_status_t
cashier_amount_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  merge_t *m = arg;
  cashier_acc_t *c = cashier_row(r, m->cs, (const char *)sqlite3_column_text(st, 0));
  if (!c && m->cs->n == MONTHLY_CASHIERS_MAX)
    return req_fail(r, TILL_E_EXHAUSTED, "more than %d cashiers in one month",
                    MONTHLY_CASHIERS_MAX);
  if (!c)
    return TILL_E_INTERNAL;
  int64_t v = sqlite3_column_int64(st, 1);
  if (m->f == F_COLLECTED)
    c->collected = v;
  else if (m->f == F_OVER_SHORT)
    c->over_short = v;
  else
    c->target = v;
  return TILL_OK;
}

/* Run <st> (rows: cashier, amount; at most MONTHLY_CASHIERS_MAX + 1 by its
 * LIMIT) and put each amount into the cashier's row. */
static till_status_t
merge_cashiers(req_t *r, sqlite3_stmt *st, cashiers_t *cs, enum cashier_field f)
{
  merge_t m = {cs, f};
  return req_rows(r, st, 0, cashier_amount_row, &m, NULL);
}

static int
cashier_cmp(const void *a, const void *b)
{
  return strcmp(((const cashier_acc_t *)a)->name, ((const cashier_acc_t *)b)->name);
}

static till_status_t
add_cashiers(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  cashiers_t cs = {req_alloc(r, MONTHLY_CASHIERS_MAX * sizeof *cs.v), 0};
  if (!cs.v)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = month_stmt(sc, sql_collected, resp->month);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 3, MONTHLY_CASHIERS_MAX + 1);
  if (merge_cashiers(r, st, &cs, F_COLLECTED) != TILL_OK)
    return r->status;
  if (!(st = month_stmt(sc, report_monthly_sql_over_short, resp->month)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 3, MONTHLY_CASHIERS_MAX + 1);
  if (merge_cashiers(r, st, &cs, F_OVER_SHORT) != TILL_OK)
    return r->status;
  if (!(st = store_stmt(sc, sql_targets)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, resp->month, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, MONTHLY_CASHIERS_MAX + 1);
  if (merge_cashiers(r, st, &cs, F_TARGET) != TILL_OK)
    return r->status;
  qsort(cs.v, cs.n, sizeof *cs.v, cashier_cmp);
  resp->cashiers = req_alloc(r, (cs.n ? cs.n : 1) * sizeof *resp->cashiers);
  if (!resp->cashiers)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < cs.n; i++) {
    Till__V1__CashierMonth *m = req_alloc(r, sizeof *m);
    if (!m)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__cashier_month__init(m);
    m->cashier = (char *)cs.v[i].name;
    m->collected = cs.v[i].collected;
    m->over_short = cs.v[i].over_short;
    m->target = cs.v[i].target;
    till_band_t band;
    int above;
    monthly_deviation(m->collected, m->target, &m->deviation_bp, &band, &above);
    m->band = till_wire_band(band);
    m->above = above != 0;
    resp->cashiers[resp->n_cashiers++] = m;
  }
  return TILL_OK;
}

/* ---- refunds ---- */
static till_status_t
refund_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__MonthlyReportResponse *resp = arg;
  const char *name = (const char *)sqlite3_column_text(st, 0);
  int m = name ? till_method_from_name(name) : 0;
  Till__V1__MethodAmount *a = req_alloc(r, sizeof *a);
  if (!m || !a || resp->n_refunds == TILL_METHOD_MAX)
    return req_fail(r, TILL_E_INTERNAL, "a refund paid out of no payment account");
  till__v1__method_amount__init(a);
  a->method = till_wire_method(m);
  a->amount = sqlite3_column_int64(st, 2);
  resp->refund_count += sqlite3_column_int64(st, 1);
  resp->refunds_total += a->amount; /* a month's sums fit, as add_days says */
  resp->refunds[resp->n_refunds++] = a;
  return TILL_OK;
}

/* The month's refunds per method and its net takings (total - refunds). */
static till_status_t
add_refunds(req_t *r, store_conn_t *sc, Till__V1__MonthlyReportResponse *resp)
{
  resp->refunds = req_alloc(r, TILL_METHOD_MAX * sizeof *resp->refunds);
  if (!resp->refunds)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = month_stmt(sc, sql_refunds, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, TILL_METHOD_MAX);
  if (req_rows(r, st, TILL_METHOD_MAX, refund_row, resp, NULL) != TILL_OK)
    return r->status;
  resp->net_takings = resp->total - resp->refunds_total;
  return TILL_OK;
}
/* ---- end of refunds ---- */

till_status_t
monthly_handle_report(req_t *r, store_conn_t *sc)
{
  const Till__V1__MonthlyReportRequest *in = r->env->monthly_report_req;
  char month[MONTH_LEN + 1];
  int64_t from_s, to_s;
  if (in->month[0] == '\0') {
    /* the month of the current business date */
    char today[LEDGER_DATE_LEN + 1], err[200];
    till_status_t st = ledger_business_date(sc, till_now(), today, err, sizeof err);
    if (st != TILL_OK)
      return req_fail(r, st, "%s", err);
    snprintf(month, sizeof month, "%.7s", today);
  } else if (strlen(in->month) == MONTH_LEN) {
    memcpy(month, in->month, MONTH_LEN + 1);
  } else {
    month[0] = '\0';
  }
  if (!month[0] || till_month_bounds(month, &from_s, &to_s) != 0)
    return req_fail(r, TILL_E_INVALID, "month must be YYYY-MM (2000-01 to 2999-12), like 2026-11");
  Till__V1__MonthlyReportResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__monthly_report_response__init(resp);
  resp->month = req_strdup(r, month);
  if (!resp->month)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* from_ms and to_ms stay 0: the month is its business dates */
  if (add_days(r, sc, resp) != TILL_OK || add_epay(r, sc, resp) != TILL_OK ||
      add_items(r, sc, resp) != TILL_OK ||
      add_waivers(r, sc, resp) != TILL_OK || add_cashiers(r, sc, resp) != TILL_OK)
    return r->status;
  if (add_refunds(r, sc, resp) != TILL_OK) /* ---- refunds ---- */
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_RESP;
  r->resp.monthly_report_resp = resp;
  return TILL_OK;
}

/* ---- targets --------------------------------------------------------------- */

till_status_t
monthly_handle_target_set(req_t *r, store_conn_t *sc)
{
  static const char sql_user[] =
    "SELECT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = ?)"
    " FROM users u WHERE u.name = ?";
  static const char sql_prev[] =
    "SELECT amount FROM cashier_targets WHERE cashier = ? AND month = ?";
  static const char sql_upsert[] =
    "INSERT INTO cashier_targets(cashier, month, amount, set_by, set_at) VALUES (?,?,?,?,?)"
    " ON CONFLICT (cashier, month) DO UPDATE SET amount = excluded.amount,"
    " set_by = excluded.set_by, set_at = excluded.set_at";
  const Till__V1__TargetSetRequest *in = r->env->target_set_req;
  int64_t from_s, to_s, previous = 0;
  if (!till_ident_ok(in->cashier, USER_NAME_MAX))
    return req_fail(r, TILL_E_INVALID, "cashier must be a user name (1-%d of A-Z a-z 0-9 . _ -)",
                    USER_NAME_MAX);
  if (strlen(in->month) != MONTH_LEN || till_month_bounds(in->month, &from_s, &to_s) != 0)
    return req_fail(r, TILL_E_INVALID, "month must be YYYY-MM (2000-01 to 2999-12), like 2026-11");
  if (in->amount <= 0 || in->amount > MONTHLY_TARGET_MAX)
    return req_fail(r, TILL_E_INVALID, "amount must be above 0.00 and at most 1000000000.00");
  if (strcmp(in->cashier, r->actor.user) == 0) {
    req_security_event(r, "permission_denied", r->actor.user, r->terminal,
                            "set own target %s", in->month);
    return req_fail(r, TILL_E_DENIED, "nobody sets their own target");
  }
  sqlite3_stmt *st = store_stmt(sc, sql_user);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, TILL__V1__ROLE__ROLE_CASHIER);
  sqlite3_bind_text(st, 2, in->cashier, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  int is_cashier = step == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
  sqlite3_reset(st);
  if (step == SQLITE_DONE)
    return req_fail(r, TILL_E_NOT_FOUND, "no user %s", in->cashier);
  if (step != SQLITE_ROW)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  if (!is_cashier)
    return req_fail(r, TILL_E_INVALID, "%s does not hold the cashier role", in->cashier);
  if (!(st = store_stmt(sc, sql_prev)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->cashier, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, in->month, -1, SQLITE_STATIC);
  step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    previous = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  int64_t now = till_now();
  if (!(st = store_stmt(sc, sql_upsert)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->cashier, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, in->month, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, in->amount);
  sqlite3_bind_text(st, 4, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, now);
  step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__TargetSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__target_set_response__init(resp);
  resp->cashier = req_strdup(r, in->cashier);
  resp->month = req_strdup(r, in->month);
  resp->set_by = req_strdup(r, r->actor.user);
  if (!resp->cashier || !resp->month || !resp->set_by)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  resp->amount = in->amount;
  resp->set_at = now;
  resp->previous = previous;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TARGET_SET_RESP;
  r->resp.target_set_resp = resp;
  return TILL_OK;
}
