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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "request.h"
#include "ledger.h"
#include "report_hospital.h" /* hospital */
#include "report_hours.h"    /* web2 */
#include "report_pass.h"
#include "shift.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"
#include "till_wire.h"

#define DATE_LEN LEDGER_DATE_LEN

/* ---- the day's postings, in one pass (issue 24) ----
 *
 * The date's shifts over shifts_business_date, their transactions over
 * journal_shift, each one's entries by the primary key (txn_id, seq):
 * CROSS JOIN makes SQLite join in exactly that order, so nothing is sorted
 * or grouped by SQLite and a transaction's entries come one after another.
 * report_daily_pass sums them here in C into every figure the report
 * reads from the journal: the takings, the net per payment method, the
 * takings by hour, the receipts, the waivers, the refunds and the hospital
 * block. Seven statements used to read the day, each over all of its
 * postings: about 280 ms for a day of 20,032 sales on a quiet machine, and
 * 0.8 s and more while 64 terminals posted (docs/benchmarks.md).
 *
 * What counts where (docs/ledger.md, "The daily report"):
 *  - takings: a sale's, a void's, a payment's or a toll's lines -- its
 *    entries on a revenue account (revenue:*), and a payment's entries
 *    with an item (its credits to receivable:payer:<id>, item
 *    "<scheme>:<period>", and prepaid:payer:<id>, item "prepaid") --
 *    grouped by item and the transaction's method, cashier and terminal.
 *    A void repeats the sale's lines negated with its method, cashier and
 *    terminal (ledger_decide_void copies them) in the sale's shift, so it
 *    counts on the sale's date;
 *  - net per method: the same transactions' payment entries (item ''),
 *    one per part, so a receipt paid cash + WeChat counts each part under
 *    its method (its lines show method "split");
 *  - by hour: the takings' lines in the hour, on the server's local clock,
 *    of the sale (for a void, of the sale it reverses);
 *  - receipts: the transactions numbered in a series; voided = reversed by
 *    now (report_daily_sql_reversed);
 *  - waivers: waiver:<type> is debited what a posting waived (a toll's
 *    exemption) and credited back by its reversal, of any kind: count is
 *    the transactions debiting it less those crediting it;
 *  - refunds: paid out in the date's shifts (the paying cashier's shift,
 *    of whatever date the original was), per method of the paid-out
 *    entry, a refund's first, unless it went back to a patient's deposit
 *    (docs/refunds.md);
 *  - the hospital block: report_hospital.h. */
const char report_daily_sql_day[] =
  "SELECT j.id, j.kind, j.method, j.cashier, j.terminal_id, j.series, j.receipt_no, j.at_ms,"
  " coalesce(j.reverses, 0), e.seq, e.account, e.amount, e.item, e.quantity"
  " FROM shifts s CROSS JOIN journal j ON j.shift_id = s.id"
  " CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE s.business_date = ?1";
/* a void's sale: its time, for its hour */
static const char sql_at_of[] = "SELECT at_ms FROM journal WHERE id = ?";
/* The receipts of the date's shifts reversed by now, per series: the
 * reversals of the transactions ?2 .. ?3 (the numbered ones of the date
 * lie between) over the UNIQUE index on journal.reverses, each joined to
 * what it reverses by primary key. */
const char report_daily_sql_reversed[] =
  "SELECT o.series, count(*) FROM journal v CROSS JOIN journal o ON o.id = v.reverses"
  " WHERE v.reverses BETWEEN ?2 AND ?3 AND o.receipt_no > 0"
  " AND o.shift_id IN (SELECT id FROM shifts WHERE business_date = ?1)"
  " GROUP BY o.series LIMIT ?4";
/* ---- end of the day's postings ---- */
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

/* ---- the day's postings, in one pass ---- */

/* One takings row: an item sold by one method, cashier and terminal. */
typedef struct {
  const char *item, *method, *cashier, *terminal; /* in the sums' arena (day_kept_t) */
  int64_t quantity, amount, void_quantity, void_amount;
} takings_acc_t;

/* One series' receipts. */
typedef struct {
  const char *series; /* in the sums' arena (day_kept_t) */
  int64_t first_no, last_no, issued, voided;
} series_acc_t;

/* The day's sums as the pass makes them. */
typedef struct {
  store_conn_t *sc;
  report_names_t keys;          /* takings rows by "item\x1fmethod\x1fcashier\x1fterminal" */
  takings_acc_t *takings;
  report_names_t series_names;
  series_acc_t *series;
  int64_t numbered_min, numbered_max; /* the numbered transactions' ids */
  int64_t method_net[TILL_METHOD_MAX + 1];
  int method_seen[TILL_METHOD_MAX + 1];
  int64_t refund_n[TILL_METHOD_MAX + 1], refund_sum[TILL_METHOD_MAX + 1];
  report_waivers_t waivers;
  report_hours_t hours;
  Till__V1__HospitalDay *hosp;
  report_hosp_held_t held;
  /* the transaction being read */
  int64_t txn;
  int kind;
  int64_t hour;                 /* of a collection: its hour (a void's: its sale's) */
  int hour_counted;             /* a line of it went into its hour */
} day_acc_t;

/* A key's separator: no item code, method, user or terminal name holds a
 * control character (till_text_ok) */
#define KEY_SEP "\x1f"

/* The takings row of <item> sold by the transaction's <method>, <cashier>
 * and <terminal>, new ones zeroed; NULL with the failure recorded. */
static takings_acc_t *
takings_of(req_t *r, day_acc_t *a, const char *item, const char *method, const char *cashier,
           const char *terminal)
{
  char key[1024];
  int n = snprintf(key, sizeof key, "%s" KEY_SEP "%s" KEY_SEP "%s" KEY_SEP "%s", item, method,
                   cashier, terminal);
  if (n < 0 || (size_t)n >= sizeof key) { /* each name is far shorter: checked when made */
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return NULL;
  }
  size_t row;
  int added, rc = report_names_find(r, &a->keys, key, &row, &added);
  if (rc == 1) {
    too_many(r, "takings rows (item, method, cashier, terminal)");
    return NULL;
  }
  if (rc != 0) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return NULL;
  }
  takings_acc_t *t = &a->takings[row];
  if (added) {
    *t = (takings_acc_t){req_strdup(r, item), req_strdup(r, method), req_strdup(r, cashier),
                         req_strdup(r, terminal), 0, 0, 0, 0};
    if (!t->item || !t->method || !t->cashier || !t->terminal) {
      req_fail(r, TILL_E_INTERNAL, "out of memory");
      return NULL;
    }
  }
  return t;
}

/* The receipt numbered <no> in <series> by transaction <txn>. */
static till_status_t
numbered(req_t *r, day_acc_t *a, const char *series, int64_t no, int64_t txn)
{
  size_t row;
  if (!series) /* numbered in no series: the journal's rows never are */
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int added, rc = report_names_find(r, &a->series_names, series, &row, &added);
  if (rc == 1)
    return too_many(r, "receipt series");
  if (rc != 0)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  series_acc_t *x = &a->series[row];
  if (added)
    *x = (series_acc_t){a->series_names.name[row], no, no, 0, 0};
  if (no < x->first_no)
    x->first_no = no;
  if (no > x->last_no)
    x->last_no = no;
  x->issued++;
  if (a->numbered_min == 0 || txn < a->numbered_min)
    a->numbered_min = txn;
  if (txn > a->numbered_max)
    a->numbered_max = txn;
  return TILL_OK;
}

/* A new transaction's first row: its kind, its hour if it is a
 * collection, its receipt if it is numbered. */
static till_status_t
day_txn(req_t *r, day_acc_t *a, sqlite3_stmt *st, const char *kind)
{
  a->txn = sqlite3_column_int64(st, 0);
  a->kind = report_kind_of(kind);
  a->hour_counted = 0;
  if (REPORT_K_COLLECTION(a->kind)) {
    int64_t at_ms = sqlite3_column_int64(st, 7);
    if (a->kind == REPORT_K_VOID) { /* in the hour of its sale */
      sqlite3_stmt *q = store_stmt(a->sc, sql_at_of);
      if (q)
        sqlite3_bind_int64(q, 1, sqlite3_column_int64(st, 8));
      if (req_rows(r, q, 1, req_row_int64, &at_ms, NULL) != TILL_OK)
        return r->status;
    }
    a->hour = report_hour_start(at_ms / 1000);
  }
  if (sqlite3_column_type(st, 6) != SQLITE_NULL && sqlite3_column_int64(st, 6) > 0)
    return numbered(r, a, (const char *)sqlite3_column_text(st, 5), sqlite3_column_int64(st, 6),
                    a->txn);
  return TILL_OK;
}

/* A line or a payment entry of a sale, void, payment or toll. */
static till_status_t
collection_entry(req_t *r, day_acc_t *a, sqlite3_stmt *st, const char *account, const char *item,
                 int64_t amount)
{
  int is_void = a->kind == REPORT_K_VOID;
  if (strncmp(account, "revenue:", 8) == 0 || (a->kind == REPORT_K_PAYMENT && item[0])) {
    const char *method = (const char *)sqlite3_column_text(st, 2);
    const char *cashier = (const char *)sqlite3_column_text(st, 3);
    const char *terminal = (const char *)sqlite3_column_text(st, 4);
    if (!method || !cashier || !terminal)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    takings_acc_t *t = takings_of(r, a, item, method, cashier, terminal);
    if (!t)
      return r->status;
    int64_t q = sqlite3_column_int64(st, 13);
    if (is_void) {
      t->void_quantity += q;
      t->void_amount += amount;
    } else {
      t->quantity += q;
      t->amount -= amount;
    }
    int first = !a->hour_counted;
    a->hour_counted = 1;
    return report_hours_add(r, &a->hours, a->hour, is_void, first, is_void ? amount : -amount);
  }
  if (!item[0]) { /* a payment part */
    int m = report_account_method(account);
    if (!m)
      return req_fail(r, TILL_E_INTERNAL, "a payment entry on no payment account, or out of range");
    a->method_net[m] += amount;
    a->method_seen[m] = 1;
  }
  return TILL_OK;
}

/* rows of report_daily_sql_day: txn, kind, method, cashier, terminal, series, receipt
 * number, at_ms, reverses, seq, account, amount, item, quantity -- one
 * entry each */
static till_status_t
day_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  day_acc_t *a = arg;
  const char *kind = (const char *)sqlite3_column_text(st, 1);
  const char *account = (const char *)sqlite3_column_text(st, 10);
  const char *item = (const char *)sqlite3_column_text(st, 12);
  if (!kind || !account || !item)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (sqlite3_column_int64(st, 0) != a->txn && day_txn(r, a, st, kind) != TILL_OK)
    return r->status;
  int64_t amount = sqlite3_column_int64(st, 11);
  int first_entry = sqlite3_column_int64(st, 9) == 1;
  if (REPORT_K_COLLECTION(a->kind) && collection_entry(r, a, st, account, item, amount) != TILL_OK)
    return r->status;
  if (strncmp(account, "waiver:", 7) == 0) {
    int rc = report_waiver_entry(r, &a->waivers, account, a->txn, amount);
    if (rc == 1)
      return too_many(r, "waiver accounts");
    if (rc != 0)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  if (a->kind == REPORT_K_REFUND) {
    /* paid out: the first entry, unless back to a patient's deposit */
    if (first_entry && strncmp(account, "deposit:", 8) != 0) {
      int m = report_account_method(account);
      if (!m)
        return req_fail(r, TILL_E_INTERNAL, "a refund paid out of no payment account");
      a->refund_n[m]++;
      a->refund_sum[m] -= amount;
    }
    return report_hosp_refund_entry(r, a->hosp, &a->held, a->txn, account, amount);
  }
  if (a->kind == REPORT_K_HOSP)
    return report_hosp_entry(r, a->hosp, kind, account, amount, first_entry);
  return TILL_OK;
}

/* qsort orders of the answer's lists: SQLite's BINARY order for UTF-8
 * text, as the statements before ordered them */
static int
takings_cmp(const void *x, const void *y)
{
  const Till__V1__TakingsRow *a = *(Till__V1__TakingsRow *const *)x;
  const Till__V1__TakingsRow *b = *(Till__V1__TakingsRow *const *)y;
  int c = strcmp(a->item, b->item);
  if (!c)
    c = strcmp(a->method, b->method);
  if (!c)
    c = strcmp(a->cashier, b->cashier);
  return c ? c : strcmp(a->terminal_id, b->terminal_id);
}

static int
series_cmp(const void *x, const void *y)
{
  return strcmp((*(Till__V1__SeriesDay *const *)x)->series,
                (*(Till__V1__SeriesDay *const *)y)->series);
}

/* The answer is built in the request's arena from the sums, which it never
 * changes: they may be kept for the next report (day_kept_t). */

/* The takings rows in order, their totals, and the net per method, which
 * must equal them: every sale and void balances, so what was paid is what
 * the lines earned. */
static till_status_t
add_takings(req_t *r, const day_acc_t *a, Till__V1__DailyReportResponse *resp)
{
  size_t n = a->keys.n;
  resp->takings = req_alloc(r, (n ? n : 1) * sizeof *resp->takings);
  resp->methods = req_alloc(r, TILL_METHOD_MAX * sizeof *resp->methods);
  if (!resp->takings || !resp->methods)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const takings_acc_t *x = &a->takings[i];
    Till__V1__TakingsRow *t = req_alloc(r, sizeof *t);
    if (!t)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__takings_row__init(t);
    t->item = req_strdup(r, x->item);
    t->method = req_strdup(r, x->method);
    t->cashier = req_strdup(r, x->cashier);
    t->terminal_id = req_strdup(r, x->terminal);
    if (!t->item || !t->method || !t->cashier || !t->terminal_id)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    t->quantity = x->quantity;
    t->amount = x->amount;
    t->void_quantity = x->void_quantity;
    t->void_amount = x->void_amount;
    if (till_money_add(resp->sales_amount, t->amount, &resp->sales_amount) != 0 ||
        till_money_add(resp->void_amount, t->void_amount, &resp->void_amount) != 0)
      return req_fail(r, TILL_E_INTERNAL, "takings of %s by %s: method or amount out of range",
                      t->item, t->method);
    resp->takings[resp->n_takings++] = t;
  }
  qsort(resp->takings, n, sizeof *resp->takings, takings_cmp);
  if (till_money_sub(resp->sales_amount, resp->void_amount, &resp->net_amount) != 0)
    return req_fail(r, TILL_E_INTERNAL, "net takings out of range");
  int64_t paid = 0;
  for (int m = 1; m <= TILL_METHOD_MAX; m++) {
    if (!a->method_seen[m])
      continue;
    Till__V1__MethodAmount *x = method_slot(r, resp, m);
    if (!x || till_money_add(x->amount, a->method_net[m], &x->amount) != 0 ||
        till_money_add(paid, a->method_net[m], &paid) != 0)
      return req_fail(r, TILL_E_INTERNAL, "net by method out of range");
  }
  if (paid != resp->net_amount)
    return req_fail(r, TILL_E_INTERNAL, "the day's payments by method (%lld fen) disagree with "
                    "its takings (%lld fen)", (long long)paid, (long long)resp->net_amount);
  return TILL_OK;
}

/* ---- refunds ---- */
/* The date's refunds per method in the order of the methods' names (as
 * the statement before ordered them), and net takings (takings less
 * refunds; report_daily_handle takes the refunds of hospital bills back
 * out). */
static till_status_t
add_refunds(req_t *r, const day_acc_t *a, Till__V1__DailyReportResponse *resp)
{
  if (report_refunds_list(r, a->refund_n, a->refund_sum, &resp->refunds, &resp->n_refunds,
                          &resp->refund_count, &resp->refunds_total) != TILL_OK)
    return r->status;
  if (till_money_sub(resp->net_amount, resp->refunds_total, &resp->net_takings) != 0)
    return req_fail(r, TILL_E_INTERNAL, "net takings out of range");
  return TILL_OK;
}
/* ---- end of refunds ---- */

/* The hours ascending, each with its net; they must add up to the net
 * takings (report_hours_finish checks). */
static till_status_t
add_hours(req_t *r, const day_acc_t *a, Till__V1__DailyReportResponse *resp)
{
  report_hours_t hs = {req_alloc(r, (a->hours.n ? a->hours.n : 1) * sizeof *hs.h), 0, 0};
  if (!hs.h)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (; hs.n < a->hours.n; hs.n++) {
    if (!(hs.h[hs.n] = req_alloc(r, sizeof *hs.h[hs.n])))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    *hs.h[hs.n] = *a->hours.h[hs.n];
  }
  return report_hours_finish(r, &hs, resp);
}

/* The answer's receipts, whose order is the sums' until add_receipts sorts
 * them: rows of report_daily_sql_reversed (series, reversed) go to theirs */
typedef struct {
  const day_acc_t *a;
  Till__V1__SeriesDay **by_row;
} reversed_acc_t;

static till_status_t
reversed_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  reversed_acc_t *x = arg;
  const char *series = (const char *)sqlite3_column_text(st, 0);
  for (size_t i = 0; series && i < x->a->series_names.n; i++)
    if (strcmp(x->by_row[i]->series, series) == 0) {
      x->by_row[i]->voided = sqlite3_column_int64(st, 1);
      return TILL_OK;
    }
  return req_fail(r, TILL_E_INTERNAL, "out of memory");
}

/* The series with receipts numbered in the date's shifts, in order, each
 * with its first and last number, how many were issued and how many of
 * them were reversed by now (a void needs its shift open, and a closed
 * date has none, so a closed date's figure settles). */
static till_status_t
add_receipts(req_t *r, store_conn_t *sc, const day_acc_t *a, Till__V1__DailyReportResponse *resp)
{
  size_t n = a->series_names.n;
  resp->receipts = req_alloc(r, (n ? n : 1) * sizeof *resp->receipts);
  if (!resp->receipts)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    Till__V1__SeriesDay *d = req_alloc(r, sizeof *d);
    if (!d)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__series_day__init(d);
    d->series = req_strdup(r, a->series[i].series);
    if (!d->series)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    d->first_no = a->series[i].first_no;
    d->last_no = a->series[i].last_no;
    d->issued = a->series[i].issued;
    resp->receipts[resp->n_receipts++] = d;
  }
  if (n) {
    reversed_acc_t x = {a, resp->receipts};
    sqlite3_stmt *st = date_stmt(sc, report_daily_sql_reversed, resp->date, 0);
    if (st) {
      sqlite3_bind_int64(st, 2, a->numbered_min);
      sqlite3_bind_int64(st, 3, a->numbered_max);
      sqlite3_bind_int(st, 4, REPORT_DAILY_LIST_MAX + 1);
    }
    if (req_rows(r, st, REPORT_DAILY_LIST_MAX + 1, reversed_row, &x, NULL) != TILL_OK)
      return r->status;
  }
  for (size_t i = 0; i < n; i++) {
    resp->receipts_issued += resp->receipts[i]->issued;
    resp->receipts_voided += resp->receipts[i]->voided;
  }
  qsort(resp->receipts, n, sizeof *resp->receipts, series_cmp);
  return TILL_OK;
}

/* The waiver accounts in order. */
static till_status_t
add_waivers(req_t *r, const day_acc_t *a, Till__V1__DailyReportResponse *resp)
{
  size_t n = a->waivers.n;
  report_waivers_t sorted = {req_alloc(r, (n ? n : 1) * sizeof *sorted.w), n, n, 0};
  resp->waivers = req_alloc(r, (n ? n : 1) * sizeof *resp->waivers);
  if (!sorted.w || !resp->waivers)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  memcpy(sorted.w, a->waivers.w, n * sizeof *sorted.w);
  report_waivers_sort(&sorted);
  for (size_t i = 0; i < n; i++) {
    Till__V1__WaiverTotal *w = req_alloc(r, sizeof *w);
    if (!w)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__waiver_total__init(w);
    if (!(w->account = req_strdup(r, sorted.w[i].account)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    w->count = sorted.w[i].count;
    w->amount = sorted.w[i].amount;
    resp->waivers[resp->n_waivers++] = w;
  }
  return TILL_OK;
}

/* ---- the sums kept between reports ----
 *
 * The journal only grows, a transaction is sealed with its entries, and
 * the writer numbers transactions in order and commits them in that
 * order: a reader's snapshot holds transactions 1 .. N. So the sums of a
 * date's transactions up to id L stay right for every later snapshot, and
 * the next report of the date need only add its transactions after L
 * (report_daily_sql_after, over the journal's primary key) instead of
 * reading the whole day again. Each reader connection keeps the sums of
 * the date it reported last (store_conn_t.kept), with L and L's chain
 * hash, which must still be in the journal for them to be used. Anything
 * that fails while they are added to drops them: the next report reads
 * the day whole. */
const char report_daily_sql_after[] =
  "SELECT j.id, j.kind, j.method, j.cashier, j.terminal_id, j.series, j.receipt_no, j.at_ms,"
  " coalesce(j.reverses, 0), e.seq, e.account, e.amount, e.item, e.quantity"
  " FROM journal j CROSS JOIN entries e ON e.txn_id = j.id"
  " WHERE j.id > ?2 AND j.shift_id IN (SELECT id FROM shifts WHERE business_date = ?1)";
static const char sql_head[] = "SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1";
static const char sql_hash_of[] = "SELECT hash FROM journal WHERE id = ?";

/* Room the kept sums may take, at most (they hold at most
 * REPORT_DAILY_LIST_MAX rows of each list: about 1 MiB). */
#define KEPT_ARENA_LIMIT (16u * 1024 * 1024)

typedef struct {
  till_arena_t arena;        /* everything below points into it */
  int valid;
  char date[DATE_LEN + 1];
  int64_t last;              /* the sums hold the date's transactions 1 .. last */
  uint8_t last_hash[TILL_HASH_LEN];
  day_acc_t *acc;
} day_kept_t;

static void
kept_free(void *p)
{
  day_kept_t *k = p;
  till_arena_clear(&k->arena);
  free(k);
}

/* The head of the reader's snapshot: its id and hash (0 and zeros for an
 * empty journal). */
static till_status_t
snapshot_head(req_t *r, store_conn_t *sc, int64_t *id, uint8_t hash[TILL_HASH_LEN])
{
  *id = 0;
  memset(hash, 0, TILL_HASH_LEN);
  sqlite3_stmt *st = store_stmt(sc, sql_head);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW && sqlite3_column_bytes(st, 1) == TILL_HASH_LEN) {
    *id = sqlite3_column_int64(st, 0);
    memcpy(hash, sqlite3_column_blob(st, 1), TILL_HASH_LEN);
  }
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    return req_step_failed(r, NULL, step);
  return TILL_OK;
}

/* 1 when the kept sums are of <date> and their last transaction is in the
 * journal with the hash they saw; 0 when not; -1 with the failure
 * recorded. */
static int
kept_usable(req_t *r, store_conn_t *sc, const day_kept_t *k, const char *date)
{
  if (!k->valid || strcmp(k->date, date) != 0)
    return 0;
  if (k->last == 0)
    return 1;
  sqlite3_stmt *st = store_stmt(sc, sql_hash_of);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_int64(st, 1, k->last);
  int step = sqlite3_step(st);
  int same = step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TILL_HASH_LEN &&
             memcmp(sqlite3_column_blob(st, 0), k->last_hash, TILL_HASH_LEN) == 0;
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) {
    req_step_failed(r, NULL, step);
    return -1;
  }
  return same;
}

/* Empty sums of <date>, allocated in the request's arena (kept_update has
 * put <k>'s in its place). */
static till_status_t
acc_new(req_t *r, store_conn_t *sc, day_kept_t *k, const char *date)
{
  k->last = 0;
  snprintf(k->date, sizeof k->date, "%s", date);
  day_acc_t *a = k->acc = req_alloc(r, sizeof *a);
  if (!a)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  a->sc = sc;
  a->takings = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *a->takings);
  a->series = req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *a->series);
  if (!a->takings || !a->series ||
      report_names_init(r, &a->keys, REPORT_DAILY_LIST_MAX) != 0 ||
      report_names_init(r, &a->series_names, REPORT_DAILY_LIST_MAX) != 0 ||
      report_waivers_init(r, &a->waivers, REPORT_DAILY_LIST_MAX) != 0)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (report_hours_init(r, &a->hours) != TILL_OK || report_hosp_new(r, &a->hosp) != TILL_OK)
    return r->status;
  return TILL_OK;
}

/* Bring <k>'s sums up to the snapshot's head: all of <date> when they are
 * not usable, else its transactions after the last they hold. Every
 * allocation of the sums goes to <k>'s arena: it stands in for the
 * request's while they are made (req_alloc), and the request's is put
 * back whatever happens. */
static till_status_t
kept_update(req_t *r, store_conn_t *sc, day_kept_t *k, const char *date)
{
  int64_t head;
  uint8_t head_hash[TILL_HASH_LEN];
  if (snapshot_head(r, sc, &head, head_hash) != TILL_OK)
    return r->status;
  int usable = kept_usable(r, sc, k, date);
  if (usable < 0)
    return r->status;
  if (usable && head == k->last)
    return TILL_OK;
  if (!usable) {
    till_arena_clear(&k->arena);
    k->valid = 0;
  }
  till_arena_t mine = r->arena;
  r->arena = k->arena;
  till_status_t s = usable ? TILL_OK : acc_new(r, sc, k, date);
  if (s == TILL_OK) {
    day_acc_t *a = k->acc;
    sqlite3_stmt *st = usable ? date_stmt(sc, report_daily_sql_after, date, 0)
                              : date_stmt(sc, report_daily_sql_day, date, 0);
    if (st && usable)
      sqlite3_bind_int64(st, 2, k->last);
    /* bounded by the date's postings */
    if (req_rows(r, st, 0, day_row, a, NULL) != TILL_OK ||
        report_hosp_refund_flush(r, a->hosp, &a->held) != TILL_OK)
      s = r->status;
  }
  k->arena = r->arena;
  r->arena = mine;
  k->valid = s == TILL_OK;
  if (s == TILL_OK) {
    k->last = head;
    memcpy(k->last_hash, head_hash, TILL_HASH_LEN);
  }
  return s;
}

/* The reader connection's kept sums, made on first use: NULL with the
 * failure recorded. */
static day_kept_t *
kept_of(req_t *r, store_conn_t *sc)
{
  if (sc->kept && sc->kept_free != kept_free)
    return req_fail(r, TILL_E_INTERNAL, "internal error"), NULL;
  if (!sc->kept) {
    day_kept_t *k = calloc(1, sizeof *k);
    if (!k)
      return req_fail(r, TILL_E_INTERNAL, "out of memory"), NULL;
    till_arena_init(&k->arena, KEPT_ARENA_LIMIT);
    sc->kept = k;
    sc->kept_free = kept_free;
  }
  return sc->kept;
}

/* Everything the report reads from the date's postings: the sums brought
 * up to the snapshot (kept_update), then the lists in order. */
static till_status_t
load_postings(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  day_kept_t *k = kept_of(r, sc);
  if (!k || kept_update(r, sc, k, resp->date) != TILL_OK)
    return r->status;
  const day_acc_t *a = k->acc;
  Till__V1__HospitalDay *h = a->hosp;
  if (add_takings(r, a, resp) != TILL_OK || add_refunds(r, a, resp) != TILL_OK ||
      add_hours(r, a, resp) != TILL_OK || add_receipts(r, sc, a, resp) != TILL_OK ||
      add_waivers(r, a, resp) != TILL_OK || report_hosp_finish(r, &h) != TILL_OK ||
      report_hosp_copy(r, h, &resp->hospital) != TILL_OK)
    return r->status;
  return TILL_OK;
}
/* ---- end of the day's postings ---- */

static till_status_t
load_deposits(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  req_ids_t acc = {req_alloc(r, REPORT_DAILY_LIST_MAX * sizeof *acc.ids), 0};
  sqlite3_stmt *st = date_stmt(sc, sql_deposits, resp->date, REPORT_DAILY_LIST_MAX + 1);
  if (!acc.ids) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  int more;
  if (req_rows(r, st, REPORT_DAILY_LIST_MAX, req_row_id, &acc, &more) != TILL_OK)
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
  if (shift_date_arg(r, sc, "", 1, current) != TILL_OK ||
      shift_date_arg(r, sc, in->date, 1, date) != TILL_OK)
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
  if (load_postings(r, sc, resp) != TILL_OK ||
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
  if (shift_date_arg(r, sc, "", 1, next) != TILL_OK)
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
  if (shift_date_arg(r, sc, in->date, 0, date) != TILL_OK)
    return r->status;
  int found = answer_close(r, sc, date, 1);
  if (found < 0)
    return r->status;
  if (found == 1) {
    *closed = 1;
    return TILL_OK;
  }
  if (shift_date_arg(r, sc, "", 1, current) != TILL_OK)
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
  if (shift_date_arg(r, sc, "", 1, current) != TILL_OK)
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
