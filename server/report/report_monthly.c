/* report_monthly.c -- the monthly settlement and cashier targets; see
 * report_monthly.h. */
#include "report_monthly.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "ledger_hospital.h"
#include "report_hospital.h"
#include "report_pass.h"
#include "request.h"
#include "till_util.h"
#include "till_wire.h"

#define MONTH_LEN 7
#define DAYS_MAX 31


/* ---- what the month reads ------------------------------------------------
 *
 * Sales and their voids are the collections, on their shift's business
 * date (a void, with the sale's cashier and method, needs the sale's shift
 * open, so it has the sale's date). A transaction's amount is the sum of
 * its line entries (item <> ''), negated: the revenue credited, which
 * equals what the drawer and the clearing accounts were debited. Its cash
 * is its payment entry (item = '') on the drawer: the whole of a cash
 * sale, the cash part of a split one. A payment against a payer (billing)
 * counts as a sale: its lines are its credits to the payer's receivable
 * (item "<scheme>:<period>") and prepaid (item "prepaid"); so does a toll
 * (its lines on revenue:toll and revenue:toll_card; a toll let through free
 * is a waiver below). Other kinds (floats, variances, deposits, hospital
 * postings, refunds) are not collections; over/short and waivers are read
 * from every kind, refunds from their paid-out (first) entry. A posting
 * with no shift counts on no business date.
 *
 * All of it in ONE pass over the month's entries, summed here in C (issue
 * 23): the month's shifts over shifts_business_date (?1 .. ?2, the first
 * and last date the month can hold: dates compare as text), their
 * transactions over journal_shift, each one's entries by the primary key
 * (txn_id, seq). CROSS JOIN makes SQLite join in exactly that order, so
 * nothing is sorted or grouped by SQLite and a transaction's entries come
 * one after another (the waivers' counts of distinct transactions rely on
 * it). Six statements used to read the month, one of them once a day: 2.1
 * s over 2 million transactions (docs/benchmarks.md). Only the billing
 * waivers (no shift: their own table), the targets and the items' names
 * are read apart, each a handful of rows. */
const char report_monthly_sql_month[] =
  "SELECT s.business_date, j.id, j.kind, j.cashier, j.receipt_no IS NOT NULL,"
  " e.seq, e.account, e.amount, e.item, e.quantity"
  " FROM shifts s CROSS JOIN journal j ON j.shift_id = s.id"
  " CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date BETWEEN ?1 AND ?2";
static const char sql_item_name[] = "SELECT name FROM fee_items WHERE code = ?";
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

_Static_assert(MONTHLY_ITEMS_MAX <= REPORT_NAMES_MAX && MONTHLY_CASHIERS_MAX <= REPORT_NAMES_MAX,
               "a name set stays under 5/8 full");

/* One cashier's row. */
typedef struct {
  const char *name; /* in the request's arena */
  int64_t collected, over_short, target;
} cashier_acc_t;

/* One fee item's row. */
typedef struct {
  const char *code; /* in the request's arena */
  int64_t quantity, amount;
} item_acc_t;

/* One business date's figures. */
typedef struct {
  int64_t txns, receipts, amount, cash;
} day_sums_t;

enum { WAIVERS_MAX = 1000 };

/* The month's sums as the pass makes them. */
typedef struct {
  Till__V1__HospitalDay *hosp; /* ---- reports: hospital windows ---- */
  report_hosp_held_t held;
  day_sums_t day[DAYS_MAX + 1];            /* [1..31] */
  int64_t net[TILL_METHOD_MAX + 1];        /* collections through clearing:<method> */
  int64_t refund_n[TILL_METHOD_MAX + 1], refund_sum[TILL_METHOD_MAX + 1];
  report_names_t items, cashiers;
  item_acc_t *item;
  cashier_acc_t *cashier;
  report_waivers_t waivers;
} month_acc_t;

/* The cashier row of <name>, new ones zeroed. */
static cashier_acc_t *
cashier_of(req_t *r, month_acc_t *a, const char *name)
{
  size_t i;
  int added;
  int rc = report_names_find(r, &a->cashiers, name, &i, &added);
  if (rc == 1) {
    req_fail(r, TILL_E_EXHAUSTED, "more than %d cashiers in one month", MONTHLY_CASHIERS_MAX);
    return NULL;
  }
  if (rc != 0)
    return NULL;
  if (added)
    a->cashier[i] = (cashier_acc_t){a->cashiers.name[i], 0, 0, 0};
  return &a->cashier[i];
}

/* A collection's entry (a sale's, a void's, a payment's, a toll's). */
static till_status_t
collection_entry(req_t *r, month_acc_t *a, sqlite3_stmt *st, int kind, const char *account,
                 int64_t amount)
{
  const char *date = (const char *)sqlite3_column_text(st, 0);
  const char *item = (const char *)sqlite3_column_text(st, 8);
  int d = date && strlen(date) == 10 ? (date[8] - '0') * 10 + (date[9] - '0') : 0;
  if (d < 1 || d > DAYS_MAX || !item)
    return req_fail(r, TILL_E_INTERNAL, "a shift of the month has business date %s",
                    date ? date : "(none)");
  day_sums_t *day = &a->day[d];
  if (sqlite3_column_int64(st, 5) == 1) { /* the transaction's first entry: count it once */
    day->txns++;
    if (kind != REPORT_K_VOID && sqlite3_column_int(st, 4))
      day->receipts++;
  }
  if (item[0]) {
    size_t i;
    int added;
    int rc = report_names_find(r, &a->items, item, &i, &added);
    if (rc == 1)
      return req_fail(r, TILL_E_EXHAUSTED, "the month has more than %d fee items; the report "
                      "would be incomplete", MONTHLY_ITEMS_MAX);
    if (rc != 0)
      return TILL_E_INTERNAL;
    if (added)
      a->item[i] = (item_acc_t){a->items.name[i], 0, 0};
    /* a void's entries keep the sale's quantity; only the amounts are negated */
    int64_t q = sqlite3_column_int64(st, 9);
    a->item[i].quantity += kind == REPORT_K_VOID ? -q : q;
    a->item[i].amount -= amount;
    day->amount -= amount;
    cashier_acc_t *c = cashier_of(r, a, (const char *)sqlite3_column_text(st, 3));
    if (!c)
      return r->status ? r->status : TILL_E_INTERNAL;
    c->collected -= amount;
  } else if (strncmp(account, "drawer:", 7) == 0) {
    day->cash += amount;
  }
  if (strncmp(account, "clearing:", 9) == 0) {
    int m = till_method_from_name(account + 9);
    if (!m || m == TILL_METHOD_CASH)
      return req_fail(r, TILL_E_INTERNAL, "a sale or void posted to clearing:%s, which is no "
                      "payment method", account + 9);
    a->net[m] += amount;
  }
  return TILL_OK;
}

/* rows of report_monthly_sql_month: date, txn, kind, cashier, numbered,
 * seq, account, amount, item, quantity -- one entry each */
static till_status_t
month_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  month_acc_t *a = arg;
  const char *kind_s = (const char *)sqlite3_column_text(st, 2);
  const char *account = (const char *)sqlite3_column_text(st, 6);
  if (!kind_s || !account || !sqlite3_column_text(st, 3))
    return TILL_E_INTERNAL;
  int kind = report_kind_of(kind_s);
  int64_t txn = sqlite3_column_int64(st, 1), amount = sqlite3_column_int64(st, 7);
  till_status_t s = TILL_OK;
  if (kind == REPORT_K_SALE || kind == REPORT_K_VOID || kind == REPORT_K_PAYMENT || kind == REPORT_K_TOLL)
    s = collection_entry(r, a, st, kind, account, amount);
  if (s != TILL_OK)
    return s;
  /* over_short:<cashier> is debited a shortage and credited an overage */
  if (strncmp(account, "over_short:", 11) == 0) {
    cashier_acc_t *c = cashier_of(r, a, account + 11);
    if (!c)
      return r->status ? r->status : TILL_E_INTERNAL;
    c->over_short -= amount;
  }
  /* waiver:<kind> is debited what was waived; a reversal credits it back */
  if (strncmp(account, "waiver:", 7) == 0) {
    int rc = report_waiver_entry(r, &a->waivers, account, txn, amount);
    if (rc == 1)
      return req_fail(r, TILL_E_EXHAUSTED, "the month has more than %d waiver accounts; the "
                      "report would be incomplete", WAIVERS_MAX);
    if (rc != 0)
      return TILL_E_INTERNAL;
  }
  /* ---- refunds: the paid-out entry, a refund's first ---- */
  if (kind == REPORT_K_REFUND && sqlite3_column_int64(st, 5) == 1 &&
      strncmp(account, "deposit:", 8) != 0) { /* one back to a patient's deposit pays nothing out */
    int m = report_account_method(account);
    if (!m)
      return req_fail(r, TILL_E_INTERNAL, "a refund paid out of no payment account");
    a->refund_n[m]++;
    a->refund_sum[m] -= amount;
  }
  /* ---- reports: hospital windows and the refunds of their bills ---- */
  if (kind == REPORT_K_REFUND)
    return report_hosp_refund_entry(r, a->hosp, &a->held, txn, account, amount);
  if (kind == REPORT_K_HOSP)
    return report_hosp_entry(r, a->hosp, kind_s, account, amount,
                             sqlite3_column_int64(st, 5) == 1);
  return TILL_OK;
}

/* The days of the month with collections, and the month's totals. */
static till_status_t
add_days(req_t *r, const month_acc_t *a, Till__V1__MonthlyReportResponse *resp)
{
  resp->days = req_alloc(r, DAYS_MAX * sizeof *resp->days);
  if (!resp->days)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (int d = 1; d <= DAYS_MAX; d++) {
    const day_sums_t *day = &a->day[d];
    if (day->txns == 0)
      continue;
    char date[16];
    snprintf(date, sizeof date, "%.7s-%02d", resp->month, d);
    Till__V1__DayTotal *t = req_alloc(r, sizeof *t);
    if (!t)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__day_total__init(t);
    if (!(t->date = req_strdup(r, date)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    t->receipts = day->receipts;
    t->amount = day->amount;
    t->cash = day->cash;
    /* a month's sums fit: each posting is at most LEDGER_TOTAL_MAX, and
     * int64 holds 92 million of them */
    t->noncash = day->amount - day->cash;
    resp->total += t->amount;
    resp->cash += t->cash;
    resp->noncash += t->noncash;
    resp->days[resp->n_days++] = t;
  }
  /* the electronic part of the takings and the e-payment ratio:
   * electronic / total, not non-cash / total (a cheque or a subsidy is not
   * electronic payment) */
  resp->electronic = monthly_electronic(a->net);
  resp->epay_ratio_bp = monthly_ratio_bp(resp->electronic, resp->total);
  return TILL_OK;
}

/* rows of sql_item_name: the name into *(char **)arg */
static till_status_t
name_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  char **out = arg;
  return (*out = req_strdup(r, (const char *)sqlite3_column_text(st, 0))) ? TILL_OK
                                                                          : TILL_E_INTERNAL;
}

/* qsort orders: by the name first in each row (strcmp: SQLite's BINARY
 * order for UTF-8 text, as the ORDER BY of the statements before) */
static int
item_cmp(const void *a, const void *b)
{
  return strcmp(((const item_acc_t *)a)->code, ((const item_acc_t *)b)->code);
}

static int
cashier_cmp(const void *a, const void *b)
{
  return strcmp(((const cashier_acc_t *)a)->name, ((const cashier_acc_t *)b)->name);
}

/* The fee items in code order, each with its name in the price list ("" for
 * none: a toll's lines, a payer's scheme and period). */
static till_status_t
add_items(req_t *r, store_conn_t *sc, month_acc_t *a, Till__V1__MonthlyReportResponse *resp)
{
  size_t n = a->items.n;
  resp->items = req_alloc(r, (n ? n : 1) * sizeof *resp->items);
  if (!resp->items)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  qsort(a->item, n, sizeof *a->item, item_cmp);
  for (size_t i = 0; i < n; i++) {
    Till__V1__MonthItem *it = req_alloc(r, sizeof *it);
    if (!it)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__month_item__init(it);
    it->item = (char *)a->item[i].code;
    it->quantity = a->item[i].quantity;
    it->amount = a->item[i].amount;
    it->name = NULL;
    sqlite3_stmt *st = store_stmt(sc, sql_item_name);
    if (st)
      sqlite3_bind_text(st, 1, it->item, -1, SQLITE_STATIC);
    if (req_rows(r, st, 1, name_row, &it->name, NULL) != TILL_OK)
      return r->status;
    if (!it->name && !(it->name = req_strdup(r, "")))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    resp->items[resp->n_items++] = it;
  }
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

/* The waiver accounts of the month's shifts in account order, then the
 * billing waivers merged in. */
static till_status_t
add_waivers(req_t *r, store_conn_t *sc, month_acc_t *a, Till__V1__MonthlyReportResponse *resp)
{
  resp->waivers = req_alloc(r, WAIVERS_MAX * sizeof *resp->waivers);
  if (!resp->waivers)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  report_waivers_sort(&a->waivers);
  for (size_t i = 0; i < a->waivers.n; i++) {
    Till__V1__WaiverTotal *w = req_alloc(r, sizeof *w);
    if (!w)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__waiver_total__init(w);
    w->account = (char *)a->waivers.w[i].account;
    w->count = a->waivers.w[i].count;
    w->amount = a->waivers.w[i].amount;
    resp->waivers[resp->n_waivers++] = w;
  }
  sqlite3_stmt *st = month_stmt(sc, sql_billing_waivers, resp->month);
  if (st)
    sqlite3_bind_int(st, 3, WAIVERS_MAX + 1);
  return req_rows(r, st, WAIVERS_MAX + 1, billing_waiver_row, resp, NULL);
}

/* rows of sql_targets: cashier, amount -- into the cashier's row */
static till_status_t
target_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  cashier_acc_t *c = cashier_of(r, arg, (const char *)sqlite3_column_text(st, 0));
  if (!c)
    return r->status ? r->status : TILL_E_INTERNAL;
  c->target = sqlite3_column_int64(st, 1);
  return TILL_OK;
}

/* The cashiers in name order: collected, over/short, target and band. */
static till_status_t
add_cashiers(req_t *r, store_conn_t *sc, month_acc_t *a, Till__V1__MonthlyReportResponse *resp)
{
  sqlite3_stmt *st = store_stmt(sc, sql_targets);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, resp->month, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, MONTHLY_CASHIERS_MAX + 1);
  if (req_rows(r, st, 0, target_row, a, NULL) != TILL_OK)
    return r->status;
  size_t n = a->cashiers.n;
  qsort(a->cashier, n, sizeof *a->cashier, cashier_cmp);
  resp->cashiers = req_alloc(r, (n ? n : 1) * sizeof *resp->cashiers);
  if (!resp->cashiers)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    Till__V1__CashierMonth *m = req_alloc(r, sizeof *m);
    if (!m)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__cashier_month__init(m);
    m->cashier = (char *)a->cashier[i].name;
    m->collected = a->cashier[i].collected;
    m->over_short = a->cashier[i].over_short;
    m->target = a->cashier[i].target;
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
/* The month's refunds per method, in the order of the methods' names (as
 * the statement before ordered them), and its net takings (total - the
 * refunds of takings). */
static till_status_t
add_refunds(req_t *r, const month_acc_t *a, Till__V1__MonthlyReportResponse *resp)
{
  if (report_refunds_list(r, a->refund_n, a->refund_sum, &resp->refunds, &resp->n_refunds,
                          &resp->refund_count, &resp->refunds_total) != TILL_OK)
    return r->status;
  /* net takings are takings less the refunds of what they hold: a refund of
   * a hospital bill is paid out (refunds) but takes back no takings */
  resp->net_takings = resp->total - (resp->refunds_total - report_hosp_refunded_window(a->hosp));
  return TILL_OK;
}
/* ---- end of refunds ---- */

/* The month's sums in one pass (report_monthly_sql_month). */
static till_status_t
read_month(req_t *r, store_conn_t *sc, const char *month, month_acc_t *a)
{
  memset(a, 0, sizeof *a);
  a->item = req_alloc(r, MONTHLY_ITEMS_MAX * sizeof *a->item);
  a->cashier = req_alloc(r, MONTHLY_CASHIERS_MAX * sizeof *a->cashier);
  if (!a->item || !a->cashier || report_waivers_init(r, &a->waivers, WAIVERS_MAX) != 0 ||
      report_names_init(r, &a->items, MONTHLY_ITEMS_MAX) != 0 ||
      report_names_init(r, &a->cashiers, MONTHLY_CASHIERS_MAX) != 0)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (report_hosp_new(r, &a->hosp) != TILL_OK ||
      req_rows(r, month_stmt(sc, report_monthly_sql_month, month), 0, month_row, a, NULL) != TILL_OK ||
      report_hosp_refund_flush(r, a->hosp, &a->held) != TILL_OK || report_hosp_finish(r, &a->hosp) != TILL_OK)
    return r->status;
  return TILL_OK;
}

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
  month_acc_t *acc = req_alloc(r, sizeof *acc);
  if (!resp || !acc)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__monthly_report_response__init(resp);
  resp->month = req_strdup(r, month);
  if (!resp->month)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* from_ms and to_ms stay 0: the month is its business dates */
  if (read_month(r, sc, month, acc) != TILL_OK || add_days(r, acc, resp) != TILL_OK ||
      add_items(r, sc, acc, resp) != TILL_OK || add_waivers(r, sc, acc, resp) != TILL_OK ||
      add_cashiers(r, sc, acc, resp) != TILL_OK)
    return r->status;
  if (add_refunds(r, acc, resp) != TILL_OK) /* ---- refunds ---- */
    return r->status;
  resp->hospital = acc->hosp; /* ---- reports: hospital windows (NULL: none) ---- */
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
