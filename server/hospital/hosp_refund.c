/* hosp_refund.c -- what a refund (退费) of a hospital bill posts and
 * changes, for the refund domain through core/refund_hook.h
 * (docs/hospital.md, "Refunds").
 *
 * A bill is refunded by its lines, never by an amount: each line asked
 * back (code and its whole quantity) must be on the bill and not refunded
 * yet. The refund takes back the lines' revenue (Dr revenue:hospital, with
 * item, quantity and price) and the split's shares in proportion
 * (hosp_refund_split: Cr receivable:medical-fund, receivable:medical-account,
 * waiver:hospital); the rest is what the engine pays out: at the window,
 * or back to the patient's deposit for a bill drawn from it.
 * Once posted, the lines are marked refunded (hosp_bill_lines.refund_txn). */
#include <stdio.h>
#include <string.h>

#include "hosp_calc.h"
#include "hosp_int.h"
#include "hospital.h"

/* The bill <txn>'s split and its lines not refunded yet. */
typedef struct {
  hosp_split_t split;
  size_t n;
  struct {
    int64_t seq, quantity, unit_price, amount;
    char code[LEDGER_ITEM_MAX + 1];
    int taken; /* matched by a line asked back */
  } lines[HOSP_LINES_MAX];
} open_bill_t;

static till_status_t
open_line(req_t *r, sqlite3_stmt *st, void *arg)
{
  open_bill_t *b = arg;
  (void)r;
  if (b->n == HOSP_LINES_MAX)
    return TILL_E_INTERNAL;
  b->lines[b->n].seq = sqlite3_column_int64(st, 0);
  snprintf(b->lines[b->n].code, sizeof b->lines[b->n].code, "%s",
           (const char *)sqlite3_column_text(st, 1));
  b->lines[b->n].quantity = sqlite3_column_int64(st, 2);
  b->lines[b->n].unit_price = sqlite3_column_int64(st, 3);
  b->lines[b->n].amount = sqlite3_column_int64(st, 4);
  b->lines[b->n].taken = 0;
  b->n++;
  return TILL_OK;
}

/* Load bill <txn> and match each line of <ask> to one of its open lines. */
static till_status_t
match_lines(req_t *r, store_conn_t *sc, const refund_ask_t *ask, open_bill_t *b)
{
  static const char sql_bill[] =
    "SELECT total, fund, patient_share, account, hospital_share, window_share"
    " FROM hosp_bills WHERE txn_id = ?";
  static const char sql_lines[] =
    "SELECT seq, code, quantity, unit_price, amount FROM hosp_bill_lines"
    " WHERE txn_id = ? AND refund_txn IS NULL ORDER BY seq LIMIT ?";
  static const char sql_done[] =
    "SELECT count(*) FROM hosp_bill_lines WHERE txn_id = ? AND code = ? AND quantity = ?"
    " AND refund_txn IS NOT NULL";
  memset(b, 0, sizeof *b);
  if (ask->amount > 0 || ask->n_lines == 0)
    return req_fail(r, TILL_E_INVALID, "a hospital bill is refunded by its lines, not by an amount");
  sqlite3_stmt *st = store_stmt(sc, sql_bill);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ask->orig_txn_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld is no hospital bill",
                  (long long)ask->orig_txn_id) != TILL_OK)
    return r->status;
  b->split.total = sqlite3_column_int64(st, 0);
  b->split.fund = sqlite3_column_int64(st, 1);
  b->split.patient = sqlite3_column_int64(st, 2);
  b->split.account = sqlite3_column_int64(st, 3);
  b->split.hospital = sqlite3_column_int64(st, 4);
  b->split.window = sqlite3_column_int64(st, 5);
  sqlite3_reset(st);
  st = store_stmt(sc, sql_lines);
  if (st) {
    sqlite3_bind_int64(st, 1, ask->orig_txn_id);
    sqlite3_bind_int(st, 2, HOSP_LINES_MAX);
  }
  if (req_rows(r, st, HOSP_LINES_MAX, open_line, b, NULL) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < ask->n_lines; i++) {
    const refund_line_t *want = &ask->lines[i];
    size_t k = 0;
    while (k < b->n && (b->lines[k].taken || strcmp(b->lines[k].code, want->item) != 0 ||
                        b->lines[k].quantity != want->quantity))
      k++;
    if (k < b->n) {
      b->lines[k].taken = 1;
      continue;
    }
    st = store_stmt(sc, sql_done);
    if (st) {
      sqlite3_bind_int64(st, 1, ask->orig_txn_id);
      sqlite3_bind_text(st, 2, want->item, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, want->quantity);
    }
    int64_t refunded = 0;
    if (req_rows(r, st, 1, req_row_int64, &refunded, NULL) != TILL_OK)
      return r->status;
    if (refunded)
      return req_fail(r, TILL_E_PRECONDITION, "line %s x %lld of this bill was already refunded",
                      want->item, (long long)want->quantity);
    return req_fail(r, TILL_E_INVALID, "this bill has no line %s x %lld to refund (a line is "
                    "refunded whole)", want->item, (long long)want->quantity);
  }
  return TILL_OK;
}

/* What the earlier refunds took back, from <ask->done>. */
static void
done_so_far(const refund_ask_t *ask, int64_t *lines, hosp_refund_t *d)
{
  memset(d, 0, sizeof *d);
  *lines = 0;
  for (size_t i = 0; i < ask->n_done; i++) {
    const refund_done_t *x = &ask->done[i];
    if (strcmp(x->account, LEDGER_HOSP_REVENUE) == 0)
      *lines += x->amount;
    else if (strcmp(x->account, LEDGER_HOSP_FUND) == 0)
      d->fund -= x->amount;
    else if (strcmp(x->account, LEDGER_HOSP_ACCOUNT) == 0)
      d->account -= x->amount;
    else if (strcmp(x->account, LEDGER_HOSP_SHARE) == 0)
      d->hospital -= x->amount;
  }
}

static void
add_leg(refund_leg_t *legs, size_t *n, const char *account, int64_t amount, const char *item,
        int64_t quantity, int64_t unit_price)
{
  refund_leg_t *l = &legs[(*n)++];
  memset(l, 0, sizeof *l);
  snprintf(l->account, sizeof l->account, "%s", account);
  l->amount = amount;
  snprintf(l->item, sizeof l->item, "%s", item);
  l->quantity = quantity;
  l->unit_price = unit_price;
}

static till_status_t
hosp_refund_legs(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
                 refund_leg_t legs[REFUND_MAX_LEGS], size_t *n_legs)
{
  open_bill_t *bp = req_alloc(r, sizeof *bp); /* on a reader or the writer */
  if (!bp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (match_lines(r, sc, ask, bp) != TILL_OK)
    return r->status;
  /* a bill drawn from the deposit: the window's part goes back to the
   * deposit (or in cash after discharge) -- the engine's paid-out leg */
  size_t n = 0;
  int64_t refund = 0, before = 0;
  for (size_t k = 0; k < bp->n; k++)
    if (bp->lines[k].taken) {
      if (n == REFUND_MAX_LEGS - 3)
        return req_fail(r, TILL_E_INVALID, "too many lines in one refund");
      add_leg(legs, &n, LEDGER_HOSP_REVENUE, bp->lines[k].amount, bp->lines[k].code,
              bp->lines[k].quantity, bp->lines[k].unit_price);
      refund += bp->lines[k].amount;
    }
  hosp_refund_t done, back;
  done_so_far(ask, &before, &done);
  if (hosp_refund_split(&bp->split, before, refund, &done, &back) != 0)
    return req_fail(r, TILL_E_INTERNAL, "a refund's figures are out of range");
  if (back.window <= 0)
    return req_fail(r, TILL_E_PRECONDITION, "the fund and the personal account paid these lines; "
                    "there is nothing to pay back at the window");
  if (back.fund)
    add_leg(legs, &n, LEDGER_HOSP_FUND, -back.fund, "", 0, 0);
  if (back.account)
    add_leg(legs, &n, LEDGER_HOSP_ACCOUNT, -back.account, "", 0, 0);
  if (back.hospital)
    add_leg(legs, &n, LEDGER_HOSP_SHARE, -back.hospital, "", 0, 0);
  *n_legs = n;
  return TILL_OK;
}

static till_status_t
hosp_refund_posted(req_t *r, store_conn_t *sc, const refund_ask_t *ask, const refund_leg_t *legs,
                   size_t n_legs, int64_t refund_txn_id)
{
  static const char sql[] =
    "UPDATE hosp_bill_lines SET refund_txn = ? WHERE txn_id = ? AND seq = ? AND refund_txn IS NULL";
  (void)legs;
  (void)n_legs;
  open_bill_t *bp = req_alloc(r, sizeof *bp);
  if (!bp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (match_lines(r, sc, ask, bp) != TILL_OK)
    return r->status;
  for (size_t k = 0; k < bp->n; k++) {
    if (!bp->lines[k].taken)
      continue;
    sqlite3_stmt *st = store_stmt(sc, sql);
    if (st) {
      sqlite3_bind_int64(st, 1, refund_txn_id);
      sqlite3_bind_int64(st, 2, ask->orig_txn_id);
      sqlite3_bind_int64(st, 3, bp->lines[k].seq);
    }
    if (hosp_exec(r, st) != TILL_OK)
      return r->status;
  }
  return TILL_OK;
}

/* A line's name as it was billed (hosp_bill_lines keeps it). */
static till_status_t
hosp_refund_item_name(req_t *r, store_conn_t *sc, int64_t orig_txn_id, const char *item,
                      char *name, size_t len)
{
  static const char sql[] =
    "SELECT name FROM hosp_bill_lines WHERE txn_id = ? AND code = ? ORDER BY seq LIMIT 1";
  name[0] = '\0';
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, orig_txn_id);
  sqlite3_bind_text(st, 2, item, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    snprintf(name, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  return TILL_OK;
}

const refund_hook_t hosp_refund_hook = {LEDGER_KIND_HOSP_BILL, hosp_refund_legs,
                                        hosp_refund_posted, hosp_refund_item_name};
