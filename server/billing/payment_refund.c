/* payment_refund.c -- what a refund of a payment against a payer posts and
 * changes (core/refund_hook.h). A payment is refunded by amount: first
 * what it credited to the payer's prepaid (as far as the prepaid is still
 * there), then the charges it settled, newest settlement first -- each
 * comes back as a debit to the payer's receivable, and the charge opens
 * again ('reversal' settlements, charges.paid less), as a bounced cheque
 * reopens them (payment_reopen_charges, cheque.c). */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "ledger_billing.h"
#include "till_money.h"

#define PAY_SETTLE_MAX LEDGER_BILL_MAX_ENTRIES

/* What a refund of the payment may still take back, and what this one
 * takes: the prepaid, then each settlement newest first. */
typedef struct {
  long long payer;
  char receivable[REFUND_ACCOUNT_MAX], prepaid[REFUND_ACCOUNT_MAX];
  int64_t prepaid_left, prepaid_take;
  size_t n;
  int64_t charge[PAY_SETTLE_MAX];
  int64_t left[PAY_SETTLE_MAX];
  int64_t take[PAY_SETTLE_MAX];
  char item[PAY_SETTLE_MAX][REFUND_ITEM_MAX + 1];
} pay_alloc_t;

static till_status_t
settle_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  pay_alloc_t *a = arg;
  a->charge[a->n] = sqlite3_column_int64(st, 0);
  a->left[a->n] = sqlite3_column_int64(st, 1);
  a->take[a->n] = 0;
  a->n++;
  return TILL_OK;
}

/* what the earlier refunds took back on (<account>, <item>) */
static int64_t
done_on(const refund_ask_t *ask, const char *account, const char *item)
{
  int64_t d = 0;
  for (size_t i = 0; i < ask->n_done; i++)
    if (strcmp(ask->done[i].account, account) == 0 && strcmp(ask->done[i].item, item) == 0)
      d += ask->done[i].amount;
  return d;
}

/* The payment's payer, prepaid and settlements, less the earlier refunds. */
static till_status_t
load_payment(req_t *r, store_conn_t *sc, const refund_ask_t *ask, pay_alloc_t *a)
{
  static const char sql_pay[] =
    "SELECT payer_id, to_prepaid FROM payments WHERE txn_id = ?";
  static const char sql_settle[] =
    "SELECT charge_id, amount FROM settlements WHERE txn_id = ? AND source = 'payment'"
    " ORDER BY id DESC";
  static const char sql_balance[] =
    "SELECT -coalesce(sum(amount), 0) FROM entries WHERE account = ?";
  memset(a, 0, sizeof *a);
  sqlite3_stmt *st = store_stmt(sc, sql_pay);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ask->orig_txn_id);
  if (req_row_one(r, st, TILL_E_INTERNAL, "payment %lld has no payments row",
                  (long long)ask->orig_txn_id) != TILL_OK)
    return r->status;
  a->payer = sqlite3_column_int64(st, 0);
  a->prepaid_left = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  snprintf(a->receivable, sizeof a->receivable, LEDGER_RECEIVABLE_FMT, a->payer);
  snprintf(a->prepaid, sizeof a->prepaid, LEDGER_PREPAID_FMT, a->payer);
  if (!(st = store_stmt(sc, sql_settle)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ask->orig_txn_id);
  if (req_rows(r, st, PAY_SETTLE_MAX, settle_row, a, NULL) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < a->n; i++)
    if (payment_charge_item(r, sc, a->charge[i], a->item[i], sizeof a->item[i]) != TILL_OK)
      return r->status;
  /* the earlier refunds took each item back newest settlement first too */
  for (size_t i = 0; i < a->n; i++) {
    if (i > 0) {
      size_t j = 0;
      while (j < i && strcmp(a->item[j], a->item[i]) != 0)
        j++;
      if (j < i)
        continue; /* handled with the first settlement of its item */
    }
    int64_t d = done_on(ask, a->receivable, a->item[i]);
    for (size_t k = i; k < a->n && d > 0; k++) {
      if (strcmp(a->item[k], a->item[i]) != 0)
        continue;
      int64_t x = d < a->left[k] ? d : a->left[k];
      a->left[k] -= x;
      d -= x;
    }
  }
  if (a->prepaid_left > 0) {
    a->prepaid_left -= done_on(ask, a->prepaid, "prepaid");
    if (!(st = store_stmt(sc, sql_balance)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_text(st, 1, a->prepaid, -1, SQLITE_TRANSIENT);
    int64_t balance = 0;
    if (req_rows(r, st, 1, req_row_int64, &balance, NULL) != TILL_OK)
      return r->status;
    if (a->prepaid_left > balance)
      a->prepaid_left = balance; /* what a charge run applied since stays applied */
  }
  if (a->prepaid_left < 0)
    a->prepaid_left = 0;
  return TILL_OK;
}

/* <ask>'s amount from the prepaid first, then the settlements newest first. */
static till_status_t
allocate(req_t *r, store_conn_t *sc, const refund_ask_t *ask, pay_alloc_t *a)
{
  char x[TILL_MONEY_STR_MAX], y[TILL_MONEY_STR_MAX];
  if (ask->n_lines)
    return req_fail(r, TILL_E_INVALID, "a payment is refunded by amount, not by lines");
  if (load_payment(r, sc, ask, a) != TILL_OK)
    return r->status;
  int64_t want = ask->amount, avail = a->prepaid_left;
  for (size_t i = 0; i < a->n; i++)
    avail += a->left[i];
  if (want > avail) {
    till_money_format(want, x, sizeof x);
    till_money_format(avail, y, sizeof y);
    return req_fail(r, TILL_E_PRECONDITION, "a refund of %s exceeds what is left unrefunded on "
                    "%s (%s)", x, ask->orig_number, y);
  }
  a->prepaid_take = want < a->prepaid_left ? want : a->prepaid_left;
  want -= a->prepaid_take;
  for (size_t i = 0; i < a->n && want > 0; i++) {
    a->take[i] = want < a->left[i] ? want : a->left[i];
    want -= a->take[i];
  }
  return TILL_OK;
}

static till_status_t
payment_legs(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
             refund_leg_t legs[REFUND_MAX_LEGS], size_t *n)
{
  pay_alloc_t a; /* the stack: a hook may be asked on a reader */
  *n = 0;
  if (allocate(r, sc, ask, &a) != TILL_OK)
    return r->status;
  if (a.prepaid_take > 0) {
    refund_leg_t *l = &legs[(*n)++];
    memset(l, 0, sizeof *l);
    snprintf(l->account, sizeof l->account, "%s", a.prepaid);
    snprintf(l->item, sizeof l->item, "prepaid");
    l->amount = a.prepaid_take;
  }
  for (size_t i = 0; i < a.n && *n < REFUND_MAX_LEGS; i++) {
    if (a.take[i] <= 0)
      continue;
    refund_leg_t *l = &legs[(*n)++];
    memset(l, 0, sizeof *l);
    snprintf(l->account, sizeof l->account, "%s", a.receivable);
    snprintf(l->item, sizeof l->item, "%s", a.item[i]);
    l->amount = a.take[i];
    l->quantity = 1;
  }
  if (*n == 0)
    return req_fail(r, TILL_E_PRECONDITION, "nothing is left to refund on %s", ask->orig_number);
  return TILL_OK;
}

/* The charges this refund took back open again: its receivable legs'
 * sum over the settlements newest first, as payment_legs split it (the
 * prepaid part is read from the legs: the posting changed the balance
 * allocate() caps it by). */
static till_status_t
payment_refunded(req_t *r, store_conn_t *sc, const refund_ask_t *ask, const refund_leg_t *legs,
                 size_t n_legs, int64_t refund_txn_id)
{
  static pay_alloc_t a; /* the writer's alone */
  int64_t charge[PAY_SETTLE_MAX], amount[PAY_SETTLE_MAX], want = 0;
  size_t k = 0;
  if (load_payment(r, sc, ask, &a) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < n_legs; i++)
    if (strcmp(legs[i].account, a.receivable) == 0)
      want += legs[i].amount;
  for (size_t i = 0; i < a.n && want > 0; i++) {
    int64_t x = want < a.left[i] ? want : a.left[i];
    if (x <= 0)
      continue;
    charge[k] = a.charge[i];
    amount[k++] = x;
    want -= x;
  }
  if (want != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return payment_reopen_charges(r, sc, charge, amount, k, refund_txn_id);
}

const refund_hook_t billing_refund_hook = {LEDGER_KIND_PAYMENT, payment_legs, payment_refunded,
                                           NULL /* item names: the charge periods are their own */};
