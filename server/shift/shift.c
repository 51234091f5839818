/* shift.c -- shift and deposit handlers and the X/Z report; see shift.h. */
#include "shift.h"

#include <stdio.h>
#include <string.h>

#include "request.h"
#include "ledger.h"
#include "ledger_hospital.h"
#include "shift_blind.h"
#include "till_util.h"
#include "till_wire.h"

#define SHIFT_LIST_MAX 1000
#define SHIFT_RANGES_MAX 64 /* receipt series in one shift's report */
#define SLIP_MAX 64
#define NOTE_MAX 200

static const char sql_shift[] =
  "SELECT terminal_id, cashier, state, opened_at, float_amount, coalesce(closed_at, 0),"
  " coalesce(expected_cash, 0), coalesce(counted_cash, 0), coalesce(cash_variance, 0),"
  " coalesce(signature_txn_id, 0), coalesce(approved_by, ''), coalesce(approved_at, 0), note,"
  " coalesce(deposit_id, 0), business_date,"
  " (SELECT hash FROM journal WHERE journal.id = shifts.signature_txn_id)"
  " FROM shifts WHERE id = ?";
static const char sql_counts[] =
  "SELECT phase, face, count FROM shift_counts WHERE shift_id = ? ORDER BY phase, face DESC";
/* Per method and kind: the payment entries of sales, payments against
 * payers (billing; counted as sales), tolls (counted as sales) and voids
 * (those without an item, one per part, so a receipt paid cash + WeChat
 * counts once under each), how many transactions have their first entry
 * (seq 1, always a payment) there -- which counts every receipt and void
 * exactly once across the methods -- and the parts' sum. */
static const char sql_methods[] =
  "SELECT " LEDGER_SQL_ENTRY_METHOD("e") ", j.kind, count(*), sum(e.seq = 1),"
  " coalesce(sum(e.amount), 0) FROM journal j"
  " JOIN entries e ON e.txn_id = j.id AND e.item = ''"
  " WHERE j.shift_id = ? AND j.kind IN ('sale', 'void', 'payment', 'toll', 'refund')"
  /* ---- refunds: a refund's paid-out entry is its first; one back to a
   * patient's deposit pays nothing out of the shift ---- */
  " AND (j.kind != 'refund' OR (e.seq = 1 AND e.account NOT GLOB 'deposit:*'))"
  " GROUP BY 1, j.kind";
/* ---- reports: hospital windows (issue 21) ----
 * Per method and hospital kind: the entries on a drawer or a clearing
 * account -- a bill's window share and a deposit are debits (taken in), a
 * discharge a credit (paid out) -- one per transaction (the engine's rules
 * table: one method entry each), so count(*) counts transactions. */
static const char sql_hosp_methods[] =
  "SELECT " LEDGER_SQL_ENTRY_METHOD("e") ", j.kind, count(*), coalesce(sum(e.amount), 0)"
  " FROM journal j JOIN entries e ON e.txn_id = j.id"
  " WHERE j.shift_id = ? AND j.kind IN ('hosp_bill', 'hosp_deposit', 'hosp_discharge')"
  " AND (e.account GLOB 'drawer:*' OR e.account GLOB 'clearing:*')"
  " GROUP BY 1, j.kind";
/* Per hospital kind: how many in the shift, whatever paid them (a bill of
 * a window share 0, or paid from the deposit, has no method entry), and
 * what bills drew from deposits (their debits on deposit:patient:*). */
static const char sql_hosp_kinds[] =
  "SELECT j.kind, count(*), coalesce(sum(CASE WHEN j.kind = 'hosp_bill' THEN"
  " (SELECT sum(e.amount) FROM entries e WHERE e.txn_id = j.id"
  " AND e.account GLOB 'deposit:patient:*') END), 0)"
  " FROM journal j WHERE j.shift_id = ? AND j.kind IN ('hosp_bill', 'hosp_deposit', 'hosp_discharge')"
  " GROUP BY j.kind";
/* ---- end of reports ---- */
static const char sql_noncash[] =
  "SELECT method, counted, expected FROM shift_noncash WHERE shift_id = ?";
static const char sql_drawer[] =
  "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = ?";
/* An item's name: the price list's (fee_items); a hospital line's, which is
 * not on that list, as it was billed (hosp_bill_lines.name, as the refund
 * slip names it) -- looked up once per item, in the first bill of the shift
 * that has the line or the bill the shift's first refund of it gave back
 * (hosp: the first transaction of the shift crediting or debiting
 * revenue:hospital with the item); else its code. The shift's entries are
 * read once: the names are looked up after the grouping, by key. */
static const char sql_items[] =
  "SELECT t.item, coalesce(t.name,"
  " (SELECT l.name FROM hosp_bill_lines l"
  "  WHERE l.txn_id = coalesce((SELECT rf.orig_txn_id FROM refunds rf"
  "                             WHERE rf.refund_txn_id = t.hosp), t.hosp)"
  "    AND l.code = t.item LIMIT 1), t.item), t.quantity, t.amount"
  " FROM (SELECT e.item AS item, f.name AS name,"
  "  min(CASE WHEN e.account = '" LEDGER_HOSP_REVENUE "' THEN e.txn_id END) AS hosp,"
  "  sum(CASE WHEN j.kind IN ('void', 'refund') THEN -e.quantity ELSE e.quantity END) AS quantity,"
  "  -sum(e.amount) AS amount"
  "  FROM entries e JOIN journal j ON j.id = e.txn_id LEFT JOIN fee_items f ON f.code = e.item"
  "  WHERE j.shift_id = ?1 AND e.item != '' GROUP BY e.item) t"
  " ORDER BY t.item";
static const char sql_reprints[] =
  "SELECT count(*) FROM reprints p JOIN journal j ON j.id = p.txn_id WHERE j.shift_id = ?";
static const char sql_ranges[] =
  "SELECT series, min(receipt_no), max(receipt_no), count(*) FROM journal"
  " WHERE shift_id = ? AND series IS NOT NULL GROUP BY series ORDER BY series";

/* The method total for <m>, creating it in the report if needed. */
static Till__V1__MethodTotal *
method_slot(req_t *r, Till__V1__ShiftReport *rep, int m)
{
  for (size_t i = 0; i < rep->n_methods; i++)
    if ((int)rep->methods[i]->method == m)
      return rep->methods[i];
  if (rep->n_methods == TILL_METHOD_MAX)
    return NULL;
  Till__V1__MethodTotal *t = req_alloc(r, sizeof *t);
  if (!t)
    return NULL;
  till__v1__method_total__init(t);
  t->method = till_wire_method(m);
  rep->methods[rep->n_methods++] = t;
  return t;
}

/* ---- the report's rows: one req_row_fn per query, <arg> the report ---- */

static till_status_t
count_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ShiftReport *rep = arg;
  int open = strcmp((const char *)sqlite3_column_text(st, 0), "open") == 0;
  size_t *n = open ? &rep->n_float_count : &rep->n_cash_count;
  Till__V1__DenominationCount **arr = open ? rep->float_count : rep->cash_count;
  /* the engine stores at most LEDGER_MAX_DENOMS faces a count */
  if (*n == 2 * LEDGER_MAX_DENOMS)
    return req_fail(r, TILL_E_INTERNAL, "shift %lld has more denominations than a count holds",
                    (long long)rep->shift_id);
  Till__V1__DenominationCount *d = req_alloc(r, sizeof *d);
  if (!d)
    return TILL_E_INTERNAL;
  till__v1__denomination_count__init(d);
  d->face = sqlite3_column_int64(st, 1);
  d->count = sqlite3_column_int64(st, 2);
  arr[(*n)++] = d;
  return TILL_OK;
}

/* rows: method, kind ('sale' or 'void'), parts, transactions counted here,
 * sum of the parts */
static till_status_t
method_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ShiftReport *rep = arg;
  int m = till_method_from_name((const char *)sqlite3_column_text(st, 0));
  int is_void = strcmp((const char *)sqlite3_column_text(st, 1), "void") == 0;
  int is_refund = strcmp((const char *)sqlite3_column_text(st, 1), "refund") == 0;
  if (!m) /* not a payment account: the engine never posts a sale so */
    return req_fail(r, TILL_E_INTERNAL, "shift %lld: a payment entry on no payment account",
                    (long long)rep->shift_id);
  Till__V1__MethodTotal *t = method_slot(r, rep, m);
  if (!t)
    return TILL_E_INTERNAL;
  int64_t parts = sqlite3_column_int64(st, 2), txns = sqlite3_column_int64(st, 3);
  int64_t sum = sqlite3_column_int64(st, 4);
  if (is_refund) { /* ---- refunds ---- */
    t->refunded += -sum;
    t->refund_count += (int32_t)txns;
    rep->refunds += -sum;
    rep->refund_count += (int32_t)txns;
  } else if (is_void) {
    t->voided_amount += -sum;
    rep->voids += (int32_t)txns;
    rep->voided_amount += -sum;
  } else {
    t->sales += (int32_t)parts;
    t->sales_amount += sum;
    rep->receipts += (int32_t)txns;
  }
  return TILL_OK;
}

/* ---- reports: hospital windows (issue 21) ---- */

/* rows: method, hospital kind, transactions, sum of their method entries */
static till_status_t
hosp_method_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ShiftReport *rep = arg;
  int m = till_method_from_name((const char *)sqlite3_column_text(st, 0));
  const char *kind = (const char *)sqlite3_column_text(st, 1);
  if (!m) /* the query reads drawers and clearing accounts only */
    return req_fail(r, TILL_E_INTERNAL, "shift %lld: a hospital entry on no payment account",
                    (long long)rep->shift_id);
  Till__V1__MethodTotal *t = method_slot(r, rep, m);
  if (!t)
    return TILL_E_INTERNAL;
  int32_t n = (int32_t)sqlite3_column_int64(st, 2);
  int64_t sum = sqlite3_column_int64(st, 3);
  if (strcmp(kind, "hosp_bill") == 0) {
    t->hosp_bill_amount += sum;
    t->hosp_bills += n;
  } else if (strcmp(kind, "hosp_deposit") == 0) {
    t->hosp_deposit_amount += sum;
    t->hosp_deposits += n;
  } else { /* hosp_discharge: credits on the drawer */
    t->hosp_discharged += -sum;
    t->hosp_discharges += n;
  }
  return TILL_OK;
}

/* rows: hospital kind, transactions, bills' draws on deposits */
static till_status_t
hosp_kind_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  Till__V1__ShiftReport *rep = arg;
  const char *kind = (const char *)sqlite3_column_text(st, 0);
  int32_t n = (int32_t)sqlite3_column_int64(st, 1);
  if (strcmp(kind, "hosp_bill") == 0) {
    rep->hosp_bills = n;
    rep->hosp_from_deposits = sqlite3_column_int64(st, 2);
  } else if (strcmp(kind, "hosp_deposit") == 0) {
    rep->hosp_deposits = n;
  } else {
    rep->hosp_discharges = n;
  }
  return TILL_OK;
}
/* ---- end of reports ---- */

/* rows: method, counted, expected (what close recorded) */
static till_status_t
noncash_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ShiftReport *rep = arg;
  int m = till_method_from_name((const char *)sqlite3_column_text(st, 0));
  if (!m)
    return TILL_OK;
  Till__V1__MethodTotal *t = method_slot(r, rep, m);
  if (!t)
    return TILL_E_INTERNAL;
  t->counted = sqlite3_column_int64(st, 1);
  t->expected = sqlite3_column_int64(st, 2);
  t->variance = t->counted - t->expected;
  return TILL_OK;
}

/* The item totals as they grow: rep->items has room for <cap>. */
typedef struct {
  Till__V1__ShiftReport *rep;
  size_t cap;
} items_acc_t;

static till_status_t
item_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  items_acc_t *acc = arg;
  Till__V1__ShiftReport *rep = acc->rep;
  if (rep->n_items == acc->cap) {
    Till__V1__ItemTotal **bigger = req_alloc(r, 2 * acc->cap * sizeof *bigger);
    if (!bigger)
      return TILL_E_INTERNAL;
    memcpy(bigger, rep->items, acc->cap * sizeof *bigger);
    rep->items = bigger;
    acc->cap *= 2;
  }
  Till__V1__ItemTotal *it = req_alloc(r, sizeof *it);
  if (!it)
    return TILL_E_INTERNAL;
  till__v1__item_total__init(it);
  it->item = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  it->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  it->quantity = sqlite3_column_int64(st, 2);
  it->amount = sqlite3_column_int64(st, 3);
  if (!it->item || !it->name)
    return TILL_E_INTERNAL;
  rep->items[rep->n_items++] = it;
  return TILL_OK;
}

static till_status_t
range_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ShiftReport *rep = arg;
  Till__V1__SeriesRange *sr = req_alloc(r, sizeof *sr);
  if (!sr)
    return TILL_E_INTERNAL;
  till__v1__series_range__init(sr);
  sr->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  sr->first_no = sqlite3_column_int64(st, 1);
  sr->last_no = sqlite3_column_int64(st, 2);
  sr->count = sqlite3_column_int(st, 3);
  if (!sr->series)
    return TILL_E_INTERNAL;
  rep->ranges[rep->n_ranges++] = sr;
  return TILL_OK;
}

/* <sql> with ?1 bound to shift <id>: NULL when it cannot be prepared (logged,
 * and req_rows answers it). */
static sqlite3_stmt *
shift_stmt(store_conn_t *sc, const char *sql, int64_t id)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int64(st, 1, id);
  return st;
}

/* The shift's own row into a new report. */
static till_status_t
report_head(req_t *r, store_conn_t *sc, int64_t id, Till__V1__ShiftReport **out)
{
  Till__V1__ShiftReport *rep = req_alloc(r, sizeof *rep);
  if (!rep)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_report__init(rep);
  sqlite3_stmt *st = shift_stmt(sc, sql_shift, id);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no shift %lld", (long long)id) != TILL_OK)
    return r->status;
  rep->shift_id = id;
  rep->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  rep->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  rep->state = till_wire_shift_state(sqlite3_column_int(st, 2));
  rep->opened_at = sqlite3_column_int64(st, 3);
  rep->float_amount = sqlite3_column_int64(st, 4);
  rep->closed_at = sqlite3_column_int64(st, 5);
  rep->expected_cash = sqlite3_column_int64(st, 6);
  rep->counted_cash = sqlite3_column_int64(st, 7);
  rep->cash_variance = sqlite3_column_int64(st, 8);
  rep->signature_txn_id = sqlite3_column_int64(st, 9);
  rep->approved_by = req_strdup(r, (const char *)sqlite3_column_text(st, 10));
  rep->approved_at = sqlite3_column_int64(st, 11);
  rep->note = req_strdup(r, (const char *)sqlite3_column_text(st, 12));
  rep->deposit_id = sqlite3_column_int64(st, 13);
  rep->business_date = req_strdup(r, (const char *)sqlite3_column_text(st, 14));
  /* ---- tamper: the signed head's hash, for its code on the Z-report ---- */
  if (sqlite3_column_bytes(st, 15) == TILL_HASH_LEN) {
    uint8_t *h = req_alloc(r, TILL_HASH_LEN);
    if (h) {
      memcpy(h, sqlite3_column_blob(st, 15), TILL_HASH_LEN);
      rep->signature_head_hash.data = h;
      rep->signature_head_hash.len = TILL_HASH_LEN;
    }
  }
  /* ---- end of tamper ---- */
  sqlite3_reset(st);
  if (!rep->terminal_id || !rep->cashier || !rep->approved_by || !rep->note ||
      !rep->business_date)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = rep;
  return TILL_OK;
}

/* Build the X-report (open shift) or Z-report (closed) of shift <id>. Every
 * query's rows go through req_rows: a database error fails the report
 * rather than leaving a figure out. */
static till_status_t
report_build(req_t *r, store_conn_t *sc, int64_t id, Till__V1__ShiftReport **out)
{
  Till__V1__ShiftReport *rep = NULL;
  if (report_head(r, sc, id, &rep) != TILL_OK)
    return r->status;
  rep->float_count = req_alloc(r, 2 * LEDGER_MAX_DENOMS * sizeof *rep->float_count);
  rep->cash_count = req_alloc(r, 2 * LEDGER_MAX_DENOMS * sizeof *rep->cash_count);
  rep->methods = req_alloc(r, TILL_METHOD_MAX * sizeof *rep->methods);
  if (!rep->float_count || !rep->cash_count || !rep->methods ||
      !method_slot(r, rep, TILL_METHOD_CASH))
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (req_rows(r, shift_stmt(sc, sql_counts, id), 0, count_row, rep, NULL) != TILL_OK ||
      req_rows(r, shift_stmt(sc, sql_methods, id), 0, method_row, rep, NULL) != TILL_OK ||
      req_rows(r, shift_stmt(sc, sql_hosp_methods, id), 0, hosp_method_row, rep, NULL) != TILL_OK ||
      req_rows(r, shift_stmt(sc, sql_hosp_kinds, id), 0, hosp_kind_row, rep, NULL) != TILL_OK)
    return r->status;
  /* what each method's drawer or slips should hold: every way money moved
   * through it (cash: replaced by the drawer itself below) */
  for (size_t i = 0; i < rep->n_methods; i++) {
    Till__V1__MethodTotal *t = rep->methods[i];
    t->expected = t->sales_amount - t->voided_amount - t->refunded + t->hosp_bill_amount +
                  t->hosp_deposit_amount - t->hosp_discharged;
  }
  /* cash: the drawer, float included; a closed shift keeps what close saw */
  Till__V1__MethodTotal *cash = method_slot(r, rep, TILL_METHOD_CASH);
  if (rep->state == TILL__V1__SHIFT_STATE__SHIFT_OPEN) {
    char drawer[64];
    ledger_drawer_account(id, drawer, sizeof drawer);
    sqlite3_stmt *st = store_stmt(sc, sql_drawer);
    if (st)
      sqlite3_bind_text(st, 1, drawer, -1, SQLITE_TRANSIENT);
    if (req_rows(r, st, 1, req_row_int64, &rep->expected_cash, NULL) != TILL_OK)
      return r->status;
  } else {
    cash->counted = rep->counted_cash;
    cash->variance = rep->cash_variance;
  }
  cash->expected = rep->expected_cash;
  if (req_rows(r, shift_stmt(sc, sql_noncash, id), 0, noncash_row, rep, NULL) != TILL_OK)
    return r->status;

  items_acc_t items = {rep, 64};
  int64_t reprints = 0;
  int more_ranges;
  rep->items = req_alloc(r, items.cap * sizeof *rep->items);
  rep->ranges = req_alloc(r, SHIFT_RANGES_MAX * sizeof *rep->ranges);
  if (!rep->items || !rep->ranges)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (req_rows(r, shift_stmt(sc, sql_items, id), 0, item_row, &items, NULL) != TILL_OK ||
      req_rows(r, shift_stmt(sc, sql_reprints, id), 1, req_row_int64, &reprints, NULL) != TILL_OK ||
      req_rows(r, shift_stmt(sc, sql_ranges, id), SHIFT_RANGES_MAX, range_row, rep,
               &more_ranges) != TILL_OK)
    return r->status;
  if (more_ranges)
    return req_fail(r, TILL_E_EXHAUSTED, "shift %lld issued receipts in more than %d series; "
                    "the report would be incomplete", (long long)id, SHIFT_RANGES_MAX);
  rep->reprints = (int32_t)reprints;
  *out = rep;
  return TILL_OK;
}

static till_status_t
copy_counts(req_t *r, Till__V1__DenominationCount **in, size_t n, denom_count_t *out,
            size_t *n_out)
{
  if (n > LEDGER_MAX_DENOMS)
    return req_fail(r, TILL_E_INVALID, "at most %d denominations in a count", LEDGER_MAX_DENOMS);
  for (size_t i = 0; i < n; i++) {
    out[i].face = in[i]->face;
    out[i].count = in[i]->count;
  }
  *n_out = n;
  return TILL_OK;
}

static void
config_denoms(const req_t *r, denoms_t *d)
{
  const config_t *cfg = req_config(r);
  d->n = cfg->n_denominations < LEDGER_MAX_DENOMS ? cfg->n_denominations : LEDGER_MAX_DENOMS;
  for (size_t i = 0; i < d->n; i++)
    d->face[i] = cfg->denominations[i];
}

/* The report <*rep> as the caller may see it: blind (shift_blind.h) for
 * the cashier of an open shift under blind_close, else as built. */
static till_status_t
shift_report_shown(req_t *r, Till__V1__ShiftReport **rep)
{
  if (!shift_blind_for(r, (*rep)->cashier, (*rep)->state == TILL__V1__SHIFT_STATE__SHIFT_OPEN))
    return TILL_OK;
  Till__V1__ShiftReport *b = shift_blind_report(r, *rep);
  if (!b)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *rep = b;
  return TILL_OK;
}

till_status_t
shift_handle_open(req_t *r, store_conn_t *sc)
{
  const Till__V1__ShiftOpenRequest *in = r->env->shift_open_req;
  shift_open_t req;
  post_result_t res;
  denoms_t denoms;
  char err[256];
  memset(&req, 0, sizeof req);
  if (req_idem_key(r, in->idempotency_key, req.key) != TILL_OK ||
      copy_counts(r, in->float_count, in->n_float_count, req.counts, &req.n_counts) != TILL_OK)
    return r->status;
  req.terminal = r->terminal;
  req.cashier = r->actor.user;
  config_denoms(r, &denoms);
  till_status_t st = ledger_shift_open(req_ledger(r), sc, &denoms, &req, &res, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  Till__V1__ShiftOpenResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_open_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (report_build(r, sc, res.ref_id, &resp->report) != TILL_OK ||
      shift_report_shown(r, &resp->report) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_OPEN_RESP;
  r->resp.shift_open_resp = resp;
  return TILL_OK;
}

/* May the caller see shift <id>? Cashiers only their own. */
static till_status_t
may_see(req_t *r, store_conn_t *sc, int64_t id)
{
  static const char sql[] = "SELECT cashier FROM shifts WHERE id = ?";
  if (r->actor.roles & (ROLES_SUPERVISOR | ROLES_AUDITOR))
    return TILL_OK;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  int mine = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), r->actor.user) == 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    req_step_failed(r, st, rc);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE)
    return req_fail(r, TILL_E_NOT_FOUND, "no shift %lld", (long long)id);
  if (rc != SQLITE_ROW)
    return r->status;
  if (!mine)
    return req_fail(r, TILL_E_DENIED, "shift %lld is not yours", (long long)id);
  return TILL_OK;
}

till_status_t
shift_handle_status(req_t *r, store_conn_t *sc)
{
  const Till__V1__ShiftStatusRequest *in = r->env->shift_status_req;
  int64_t id = in->shift_id;
  char err[256];
  if (id < 0)
    return req_fail(r, TILL_E_INVALID, "shift id must be positive");
  if (id == 0) {
    till_status_t st = ledger_open_shift_of(sc, r->terminal, r->actor.user, &id, err, sizeof err);
    if (st != TILL_OK)
      return req_fail(r, st, "%s", err);
  } else if (may_see(r, sc, id) != TILL_OK) {
    return r->status;
  }
  Till__V1__ShiftStatusResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_status_response__init(resp);
  if (report_build(r, sc, id, &resp->report) != TILL_OK ||
      shift_report_shown(r, &resp->report) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_RESP;
  r->resp.shift_status_resp = resp;
  return TILL_OK;
}

till_status_t
shift_handle_close(req_t *r, store_conn_t *sc)
{
  const Till__V1__ShiftCloseRequest *in = r->env->shift_close_req;
  shift_close_t req;
  post_result_t res;
  denoms_t denoms;
  char err[256];
  memset(&req, 0, sizeof req);
  if (req_idem_key(r, in->idempotency_key, req.key) != TILL_OK ||
      copy_counts(r, in->cash_count, in->n_cash_count, req.counts, &req.n_counts) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < in->n_noncash; i++) {
    int m = till_wire_method_of(in->noncash[i]->method);
    if (!m || m == TILL_METHOD_CASH)
      return req_fail(r, TILL_E_INVALID, "non-cash totals name card, wechat, alipay, transfer, "
                      "cheque or subsidy");
    if (req.noncash_given[m])
      return req_fail(r, TILL_E_INVALID, "%s is given twice", till_method_name(m));
    req.noncash_given[m] = 1;
    req.noncash[m] = in->noncash[i]->amount;
  }
  req.terminal = r->terminal;
  req.cashier = r->actor.user;
  config_denoms(r, &denoms);
  till_status_t st = ledger_shift_close(req_ledger(r), sc, &denoms, &req, &res, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  Till__V1__ShiftCloseResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_close_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (report_build(r, sc, res.ref_id, &resp->report) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_CLOSE_RESP;
  r->resp.shift_close_resp = resp;
  return TILL_OK;
}

till_status_t
shift_handle_approve(req_t *r, store_conn_t *sc)
{
  static const char sql_get[] =
    "SELECT cashier, state, coalesce(cash_variance, 0),"
    " (SELECT count(*) FROM shift_noncash n WHERE n.shift_id = s.id AND n.counted != n.expected)"
    " FROM shifts s WHERE id = ?";
  static const char sql_set[] =
    "UPDATE shifts SET state = 3, approved_by = ?, approved_at = ?, note = ? WHERE id = ? AND state = 2";
  const Till__V1__ShiftApproveRequest *in = r->env->shift_approve_req;
  if (req_check_text(r, "note", in->note, NOTE_MAX, 1) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_get);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->shift_id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return req_fail(r, rc == SQLITE_DONE ? TILL_E_NOT_FOUND : TILL_E_UNAVAILABLE, "no shift %lld",
                    (long long)in->shift_id);
  }
  int own = strcmp((const char *)sqlite3_column_text(st, 0), r->actor.user) == 0;
  int state = sqlite3_column_int(st, 1);
  int64_t variance = sqlite3_column_int64(st, 2);
  int64_t noncash_diff = sqlite3_column_int64(st, 3);
  sqlite3_reset(st);
  if (own) {
    req_security_event(r, "permission_denied", r->actor.user, r->terminal, "approve own shift %lld",
                            (long long)in->shift_id);
    return req_fail(r, TILL_E_DENIED, "nobody approves their own shift");
  }
  if (state == 1)
    return req_fail(r, TILL_E_PRECONDITION, "shift %lld is still open", (long long)in->shift_id);
  if (state != 2)
    return req_fail(r, TILL_E_PRECONDITION, "shift %lld is already approved",
                    (long long)in->shift_id);
  if ((variance != 0 || noncash_diff != 0) && !in->note[0])
    return req_fail(r, TILL_E_INVALID, "shift %lld has a variance; approving it needs --note",
                    (long long)in->shift_id);
  st = store_stmt(sc, sql_set);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, till_now());
  sqlite3_bind_text(st, 3, in->note, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, in->shift_id);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__ShiftApproveResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_approve_response__init(resp);
  if (report_build(r, sc, in->shift_id, &resp->report) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_RESP;
  r->resp.shift_approve_resp = resp;
  return TILL_OK;
}

static const char sql_summaries[] =
  "SELECT " SHIFT_SUMMARY_COLUMNS " FROM shifts"
  " WHERE (?1 = 0 OR state = ?1) AND (?2 = '' OR cashier = ?2) ORDER BY id LIMIT ?3";
/* the pile of closed shifts waiting for a deposit, over the partial index
 * of exactly those (shift.h): never every shift ever closed */
const char shift_sql_undeposited[] =
  "SELECT id, terminal_id, cashier, state, opened_at, coalesce(closed_at, 0),"
  " coalesce(counted_cash, 0), coalesce(cash_variance, 0),"
  " coalesce(counted_cash, 0) - float_amount, 0, business_date"
  " FROM shifts INDEXED BY shifts_undeposited WHERE " SHIFT_SQL_UNDEPOSITED
  " AND closed_at <= ?1 ORDER BY id LIMIT ?2";
const char shift_sql_undeposited_sum[] =
  "SELECT count(*), coalesce(sum(coalesce(counted_cash, 0) - float_amount), 0)"
  " FROM shifts INDEXED BY shifts_undeposited WHERE " SHIFT_SQL_UNDEPOSITED
  " AND closed_at <= ?1";

Till__V1__ShiftSummary *
shift_summary_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__ShiftSummary *s = req_alloc(r, sizeof *s);
  if (!s)
    return NULL;
  till__v1__shift_summary__init(s);
  s->shift_id = sqlite3_column_int64(st, 0);
  s->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  s->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  s->state = till_wire_shift_state(sqlite3_column_int(st, 3));
  s->opened_at = sqlite3_column_int64(st, 4);
  s->closed_at = sqlite3_column_int64(st, 5);
  s->counted_cash = sqlite3_column_int64(st, 6);
  s->cash_variance = sqlite3_column_int64(st, 7);
  s->depositable = sqlite3_column_int64(st, 8);
  s->deposit_id = sqlite3_column_int64(st, 9);
  s->business_date = req_strdup(r, (const char *)sqlite3_column_text(st, 10));
  return s->terminal_id && s->cashier && s->business_date ? s : NULL;
}

/* Shift summaries as they are read; *total, if not NULL, sums their
 * depositable amounts. The array has room for the query's LIMIT. */
typedef struct {
  Till__V1__ShiftSummary **list;
  size_t n;
  int64_t *total;
  int blind; /* withhold from the caller what the blind close hides */
} summaries_t;

static till_status_t
summary_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  summaries_t *acc = arg;
  Till__V1__ShiftSummary *s = shift_summary_from_row(r, st);
  if (!s)
    return TILL_E_INTERNAL;
  if (acc->blind && shift_blind_for(r, s->cashier, s->state == TILL__V1__SHIFT_STATE__SHIFT_OPEN))
    shift_blind_summary(s);
  acc->list[acc->n++] = s;
  if (acc->total)
    *acc->total += s->depositable;
  return TILL_OK;
}

till_status_t
shift_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__ShiftListRequest *in = r->env->shift_list_req;
  if ((int)in->state < 0 || (int)in->state > 3)
    return req_fail(r, TILL_E_INVALID, "unknown shift state");
  /* cashiers see their own shifts only */
  const char *only = (r->actor.roles & (ROLES_SUPERVISOR | ROLES_AUDITOR)) ? "" : r->actor.user;
  Till__V1__ShiftListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__ShiftSummary **list = req_alloc(r, SHIFT_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__shift_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_summaries);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, (int)in->state);
  sqlite3_bind_text(st, 2, only, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, SHIFT_LIST_MAX);
  summaries_t acc = {list, 0, NULL, 1};
  if (req_rows(r, st, SHIFT_LIST_MAX, summary_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->shifts = list;
  resp->n_shifts = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_LIST_RESP;
  r->resp.shift_list_resp = resp;
  return TILL_OK;
}

till_status_t
shift_date_arg(req_t *r, store_conn_t *sc, const char *date, int empty_is_current,
               char out[LEDGER_DATE_LEN + 1])
{
  char err[200];
  int64_t from_s, to_s;
  if ((!date || !date[0]) && empty_is_current) {
    till_status_t st = ledger_business_date(sc, till_now(), out, err, sizeof err);
    return st == TILL_OK ? TILL_OK : req_fail(r, st, "%s", err);
  }
  if (!date || !date[0])
    return req_fail(r, TILL_E_INVALID, "date is required (YYYY-MM-DD)");
  if (strlen(date) != LEDGER_DATE_LEN)
    return req_fail(r, TILL_E_INVALID, "date must be YYYY-MM-DD, a day of the years 2000 to 2999");
  memcpy(out, date, LEDGER_DATE_LEN + 1);
  if (till_day_bounds(out, &from_s, &to_s) != 0)
    return req_fail(r, TILL_E_INVALID, "date %s is not a day of the calendar (YYYY-MM-DD, "
                    "years 2000 to 2999)", out);
  return TILL_OK;
}

till_status_t
deposit_info_build(req_t *r, store_conn_t *sc, int64_t id, Till__V1__DepositInfo **out)
{
  static const char sql[] =
    "SELECT slip, amount, state, created_by, created_at, coalesce(confirmed_by, ''),"
    " coalesce(confirmed_at, 0), txn_id, coalesce(confirm_txn_id, 0), business_date"
    " FROM deposits WHERE id = ?";
  static const char sql_shifts[] = "SELECT id FROM shifts WHERE deposit_id = ? ORDER BY id LIMIT 64";
  Till__V1__DepositInfo *d = req_alloc(r, sizeof *d);
  int64_t *ids = req_alloc(r, 64 * sizeof *ids);
  if (!d || !ids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__deposit_info__init(d);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no deposit %lld", (long long)id) != TILL_OK)
    return r->status;
  d->id = id;
  d->slip = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  d->amount = sqlite3_column_int64(st, 1);
  d->state = till_wire_deposit_state(sqlite3_column_int(st, 2));
  d->created_by = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  d->created_at = sqlite3_column_int64(st, 4);
  d->confirmed_by = req_strdup(r, (const char *)sqlite3_column_text(st, 5));
  d->confirmed_at = sqlite3_column_int64(st, 6);
  d->txn_id = sqlite3_column_int64(st, 7);
  d->confirm_txn_id = sqlite3_column_int64(st, 8);
  d->business_date = req_strdup(r, (const char *)sqlite3_column_text(st, 9)); /* ---- deplist ---- */
  sqlite3_reset(st);
  if (!d->slip || !d->created_by || !d->confirmed_by || !d->business_date)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* a deposit covers fewer than LEDGER_MAX_DEPOSIT_SHIFTS (64) shifts */
  req_ids_t list = {ids, 0};
  if (req_rows(r, shift_stmt(sc, sql_shifts, id), 64, req_row_id, &list, NULL) != TILL_OK)
    return r->status;
  d->shift_ids = ids;
  d->n_shift_ids = list.n;
  *out = d;
  return TILL_OK;
}

till_status_t
deposit_handle_create(req_t *r, store_conn_t *sc)
{
  const Till__V1__DepositCreateRequest *in = r->env->deposit_create_req;
  deposit_create_t req;
  post_result_t res;
  char err[256];
  memset(&req, 0, sizeof req);
  if (req_idem_key(r, in->idempotency_key, req.key) != TILL_OK)
    return r->status;
  if (req_check_text(r, "slip", in->slip, SLIP_MAX, 0) != TILL_OK)
    return r->status;
  if (in->n_shift_ids == 0 || in->n_shift_ids >= LEDGER_MAX_DEPOSIT_SHIFTS)
    return req_fail(r, TILL_E_INVALID, "a deposit covers 1 to %d shifts",
                    LEDGER_MAX_DEPOSIT_SHIFTS - 1);
  if (in->amount <= 0)
    return req_fail(r, TILL_E_INVALID, "the amount must be positive");
  for (size_t i = 0; i < in->n_shift_ids; i++)
    req.shifts[i] = in->shift_ids[i];
  req.n_shifts = in->n_shift_ids;
  req.slip = in->slip;
  req.amount = in->amount;
  req.terminal = r->terminal;
  req.supervisor = r->actor.user;
  till_status_t st = ledger_deposit_create(req_ledger(r), sc, &req, &res, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  Till__V1__DepositCreateResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__deposit_create_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (deposit_info_build(r, sc, res.ref_id, &resp->deposit) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_RESP;
  r->resp.deposit_create_resp = resp;
  return TILL_OK;
}

till_status_t
deposit_handle_confirm(req_t *r, store_conn_t *sc)
{
  const Till__V1__DepositConfirmRequest *in = r->env->deposit_confirm_req;
  uint8_t key[TILL_KEY_LEN];
  post_result_t res;
  char err[256];
  if (req_idem_key(r, in->idempotency_key, key) != TILL_OK)
    return r->status;
  till_status_t st = ledger_deposit_confirm(req_ledger(r), sc, key, in->deposit_id,
                                            r->terminal, r->actor.user, &res, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  Till__V1__DepositConfirmResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__deposit_confirm_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (deposit_info_build(r, sc, res.ref_id, &resp->deposit) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_RESP;
  r->resp.deposit_confirm_resp = resp;
  return TILL_OK;
}

/* shift_sql_undeposited_sum's one row */
typedef struct {
  int64_t count, total;
} undeposited_sum_t;

static till_status_t
undeposited_sum_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  undeposited_sum_t *u = arg;
  u->count = sqlite3_column_int64(st, 0);
  u->total = sqlite3_column_int64(st, 1);
  return TILL_OK;
}

till_status_t
deposit_handle_undeposited(req_t *r, store_conn_t *sc)
{
  const Till__V1__UndepositedRequest *in = r->env->undeposited_req;
  int hours = in->hours; /* the client sends 24 unless told otherwise */
  if (hours < 0 || hours > 24 * 366)
    return req_fail(r, TILL_E_INVALID, "hours must be 0 to %d", 24 * 366);
  Till__V1__UndepositedResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__ShiftSummary **list = req_alloc(r, SHIFT_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__undeposited_response__init(resp);
  int64_t before = till_now() - (int64_t)hours * 3600;
  /* the whole pile's count and total; then its oldest SHIFT_LIST_MAX */
  undeposited_sum_t sum = {0, 0};
  sqlite3_stmt *st = store_stmt(sc, shift_sql_undeposited_sum);
  if (st)
    sqlite3_bind_int64(st, 1, before);
  if (req_rows(r, st, 1, undeposited_sum_row, &sum, NULL) != TILL_OK)
    return r->status;
  st = store_stmt(sc, shift_sql_undeposited);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, before);
  sqlite3_bind_int(st, 2, SHIFT_LIST_MAX);
  summaries_t acc = {list, 0, NULL, 0};
  if (req_rows(r, st, SHIFT_LIST_MAX, summary_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->shifts = list;
  resp->n_shifts = acc.n;
  resp->total = sum.total;
  resp->count = sum.count;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_UNDEPOSITED_RESP;
  r->resp.undeposited_resp = resp;
  return TILL_OK;
}
