/* charge_adjust.c -- a charge recomputed after its run (a tariff added
 * for a date the run had passed, an area corrected, an opt-out granted
 * late); see charge.h. Nothing is rewritten: the difference is posted.
 *
 *   raise  (delta > 0): charge_adjust Dr receivable:payer:<id> / Cr
 *          revenue:<scheme>, a new charges row of kind 'adjustment' (which
 *          prepaid is applied to, as to a run's charge);
 *   lower  (delta < 0): charge_adjust Dr revenue:<scheme> / Cr
 *          receivable:payer:<id> for what the period's charges still have
 *          open (newest first: charges.credited and a 'credit' settlement
 *          each), Cr prepaid:payer:<id> for the rest (already paid).
 * Each adjustment is a charge_adjustments row; the period's billed amount
 * is its charge plus their deltas, so an adjustment run twice posts once. */
#include <stdio.h>
#include <string.h>

#include "charge.h"
#include "ledger_billing.h"
#include "till_util.h"

#define ADJUST_REASON_MAX 200
#define ADJUST_CHARGES_MAX 62 /* charges of one period a lowering credits: 64 entries less 2 */

typedef struct {
  int64_t id;
  int64_t open;
} open_charge_t;

typedef struct {
  open_charge_t list[ADJUST_CHARGES_MAX];
  size_t n;
} open_acc_t;

static till_status_t
open_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  open_acc_t *acc = arg;
  acc->list[acc->n].id = sqlite3_column_int64(st, 0);
  acc->list[acc->n].open = sqlite3_column_int64(st, 1);
  acc->n++;
  return TILL_OK;
}

/* The period's charge and what it has billed so far (charge + adjustments). */
static till_status_t
billed_so_far(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme, const char *period,
              int64_t *charge_id, int64_t *billed)
{
  static const char sql[] =
    "SELECT c.id, c.amount + (SELECT coalesce(sum(delta), 0) FROM charge_adjustments a"
    "  WHERE a.payer_id = c.payer_id AND a.scheme = c.scheme AND a.period = c.period)"
    " FROM charges c WHERE c.payer_id = ? AND c.scheme = ? AND c.period = ? AND c.kind = 'charge'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, payer);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
  }
  if (req_row_one(r, st, TILL_E_PRECONDITION, "payer %lld has no charge of scheme %s for %s "
                  "yet; a charge run makes it", (long long)payer, scheme, period) != TILL_OK)
    return r->status;
  *charge_id = sqlite3_column_int64(st, 0);
  *billed = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  return TILL_OK;
}

/* The payer's area and whether the unit is unsold. */
static till_status_t
payer_area(req_t *r, store_conn_t *sc, int64_t payer, int64_t *area_centi, int *unsold)
{
  static const char sql[] = "SELECT area_centi, occupancy = 'unsold' FROM payers WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int64(st, 1, payer);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no payer %lld", (long long)payer) != TILL_OK)
    return r->status;
  *area_centi = sqlite3_column_int64(st, 0);
  *unsold = sqlite3_column_int(st, 1);
  sqlite3_reset(st);
  return TILL_OK;
}

static till_status_t
record_adjustment(req_t *r, store_conn_t *sc, const Till__V1__ChargeAdjustRequest *in,
                  int64_t delta, int64_t to_prepaid, int64_t txn_id)
{
  static const char sql[] =
    "INSERT INTO charge_adjustments(payer_id, scheme, period, delta, to_prepaid, reason, txn_id,"
    " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, in->period, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, delta);
  sqlite3_bind_int64(st, 5, to_prepaid);
  sqlite3_bind_text(st, 6, in->reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, txn_id);
  sqlite3_bind_text(st, 8, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, till_now());
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  return step == SQLITE_DONE ? TILL_OK : req_step_failed(r, st, step);
}

/* Post <p> (kind, entries filled in) as this request's. */
static till_status_t
post(req_t *r, store_conn_t *sc, bill_post_t *p, const char *memo, int64_t *txn_id)
{
  post_result_t res;
  char err[256];
  p->kind = LEDGER_KIND_CHARGE_ADJUST;
  p->terminal = r->terminal;
  p->cashier = r->actor.user;
  p->memo = memo;
  till_status_t st = ledger_post_billing(req_ledger(r), sc, p, &res, NULL, 0, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  *txn_id = res.ref_id;
  return TILL_OK;
}

static void
entry(bill_post_t *p, const char *account, int64_t amount, const char *item)
{
  bill_entry_t *e = &p->entries[p->n_entries++];
  snprintf(e->account, sizeof e->account, "%s", account);
  e->amount = amount;
  snprintf(e->item, sizeof e->item, "%s", item);
}

static till_status_t
raise_charge(req_t *r, store_conn_t *sc, const Till__V1__ChargeAdjustRequest *in, int year,
             int64_t delta, const char *item, Till__V1__ChargeAdjustResponse *out)
{
  static bill_post_t p; /* the writer thread's alone */
  char acc[LEDGER_BILL_ACCOUNT_MAX], memo[LEDGER_MEMO_MAX + 1];
  int64_t txn_id = 0, applied = 0;
  memset(&p, 0, sizeof p);
  snprintf(acc, sizeof acc, LEDGER_RECEIVABLE_FMT, (long long)in->payer_id);
  entry(&p, acc, delta, item);
  snprintf(acc, sizeof acc, "revenue:%s", in->scheme);
  entry(&p, acc, -delta, item);
  snprintf(memo, sizeof memo, "%s", in->reason);
  if (post(r, sc, &p, memo, &txn_id) != TILL_OK ||
      charge_insert(r, sc, in->payer_id, in->scheme, in->period, year, "adjustment", delta,
                    txn_id, &out->charge_id) != TILL_OK ||
      record_adjustment(r, sc, in, delta, 0, txn_id) != TILL_OK ||
      charge_apply_prepaid(r, sc, in->payer_id, out->charge_id, delta, item, &applied) != TILL_OK)
    return r->status;
  out->txn_id = txn_id;
  return TILL_OK;
}

static till_status_t
credit_charges(req_t *r, store_conn_t *sc, const open_acc_t *open, const int64_t *part,
               int64_t txn_id)
{
  static const char sql_upd[] = "UPDATE charges SET credited = credited + ? WHERE id = ?";
  static const char sql_set[] =
    "INSERT INTO settlements(txn_id, charge_id, source, amount) VALUES (?,?,'credit',?)";
  for (size_t i = 0; i < open->n; i++) {
    if (part[i] == 0)
      continue;
    sqlite3_stmt *st = store_stmt(sc, sql_upd);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, part[i]);
    sqlite3_bind_int64(st, 2, open->list[i].id);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
      return req_step_failed(r, st, step);
    st = store_stmt(sc, sql_set);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, txn_id);
    sqlite3_bind_int64(st, 2, open->list[i].id);
    sqlite3_bind_int64(st, 3, part[i]);
    step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
      return req_step_failed(r, st, step);
  }
  return TILL_OK;
}

static till_status_t
lower_charge(req_t *r, store_conn_t *sc, const Till__V1__ChargeAdjustRequest *in, int64_t lower,
             const char *item, Till__V1__ChargeAdjustResponse *out)
{
  static const char sql_open[] =
    "SELECT id, amount - paid - waived - credited FROM charges WHERE payer_id = ? AND scheme = ?"
    " AND period = ? AND kind IN ('charge','adjustment') AND paid + waived + credited < amount"
    " ORDER BY id DESC LIMIT 62";
  static bill_post_t p; /* the writer thread's alone */
  static open_acc_t open;
  int64_t part[ADJUST_CHARGES_MAX] = {0}, left = lower, txn_id = 0;
  char acc[LEDGER_BILL_ACCOUNT_MAX], memo[LEDGER_MEMO_MAX + 1];
  memset(&open, 0, sizeof open);
  sqlite3_stmt *st = store_stmt(sc, sql_open);
  if (st) {
    sqlite3_bind_int64(st, 1, in->payer_id);
    sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->period, -1, SQLITE_STATIC);
  }
  if (req_rows(r, st, ADJUST_CHARGES_MAX, open_row, &open, NULL) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < open.n && left > 0; i++) {
    part[i] = open.list[i].open < left ? open.list[i].open : left;
    left -= part[i];
    out->credited += part[i];
  }
  out->to_prepaid = left;
  memset(&p, 0, sizeof p);
  snprintf(acc, sizeof acc, "revenue:%s", in->scheme);
  entry(&p, acc, lower, item);
  if (out->credited > 0) {
    snprintf(acc, sizeof acc, LEDGER_RECEIVABLE_FMT, (long long)in->payer_id);
    entry(&p, acc, -out->credited, item);
  }
  if (out->to_prepaid > 0) {
    snprintf(acc, sizeof acc, LEDGER_PREPAID_FMT, (long long)in->payer_id);
    entry(&p, acc, -out->to_prepaid, item);
  }
  snprintf(memo, sizeof memo, "%s", in->reason);
  if (post(r, sc, &p, memo, &txn_id) != TILL_OK ||
      credit_charges(r, sc, &open, part, txn_id) != TILL_OK ||
      record_adjustment(r, sc, in, -lower, out->to_prepaid, txn_id) != TILL_OK)
    return r->status;
  out->txn_id = txn_id;
  return TILL_OK;
}

till_status_t
charge_handle_adjust(req_t *r, store_conn_t *sc)
{
  const Till__V1__ChargeAdjustRequest *in = r->env->charge_adjust_req;
  scheme_row_t s;
  period_t p;
  char start[11], from[11], item[LEDGER_ITEM_MAX + 1];
  int64_t rate_e4 = 0, area_centi = 0, share = 100, charge_id = 0, before = 0, now = 0;
  int unsold = 0;
  if (req_check_text(r, "reason", in->reason, ADJUST_REASON_MAX, 0) != TILL_OK)
    return r->status;
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "a payer is a number, 1 or more");
  if (scheme_load(r, sc, in->scheme, &s) != TILL_OK ||
      scheme_period(r, &s, in->period, &p, start) != TILL_OK ||
      payer_area(r, sc, in->payer_id, &area_centi, &unsold) != TILL_OK ||
      billed_so_far(r, sc, in->payer_id, s.code, in->period, &charge_id, &before) != TILL_OK ||
      scheme_tariff_on(r, sc, s.code, start, &rate_e4, from) != TILL_OK ||
      charge_relief_share(r, sc, in->payer_id, s.code, in->period, &share) != TILL_OK)
    return r->status;
  int64_t quantity = 0;
  int have = 1;
  if (s.rule == PRICE_METERED &&
      charge_metered_quantity(r, sc, &s, &p, start, in->payer_id, &have, &quantity) != TILL_OK)
    return r->status;
  if (!unsold && have &&
      charge_price(r, &s, &p, area_centi, quantity, rate_e4, share, &now) != TILL_OK)
    return r->status;
  Till__V1__ChargeAdjustResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__charge_adjust_response__init(resp);
  resp->billed_before = before;
  resp->billed_now = now;
  resp->delta = now - before;
  charge_item(s.code, in->period, item, sizeof item);
  if (resp->delta > 0 && raise_charge(r, sc, in, p.year, resp->delta, item, resp) != TILL_OK)
    return r->status;
  if (resp->delta < 0 && lower_charge(r, sc, in, -resp->delta, item, resp) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_CHARGE_ADJUST_RESP;
  r->resp.charge_adjust_resp = resp;
  return TILL_OK;
}
