/* ledger_billing.h -- the posting engine's entry for billing (heating and
 * property offices): charges, adjustments, payments against payers,
 * prepaid consumed by a charge run, waivers, late fees, cheques cleared and
 * bounced (docs/billing.md, docs/ledger.md).
 *
 * The billing domain decides what a business event moves (which charges a
 * payment settles, what a run charges); the engine checks it, makes it one
 * balanced, chained, idempotent transaction and numbers its receipt. The
 * kind decides the rules: which accounts a kind may touch, whether it needs
 * the cashier's open shift and a receipt number.
 *
 * THREAD SAFETY: as ledger.h -- the writer thread's. */
#ifndef TILLD_LEDGER_BILLING_H
#define TILLD_LEDGER_BILLING_H

#include "ledger.h"

/* journal.kind of each billing event */
#define LEDGER_KIND_CHARGE "charge"               /* 应收: Dr receivable / Cr revenue */
#define LEDGER_KIND_CHARGE_ADJUST "charge_adjust" /* a charge raised or lowered after its run */
#define LEDGER_KIND_PAYMENT "payment"             /* 实收 against a payer, in a shift, numbered */
#define LEDGER_KIND_PREPAID_APPLY "prepaid_apply" /* prepaid consumed by a charge */
#define LEDGER_KIND_WAIVER "waiver"               /* 减免 / 核销 / 免收, approved */
#define LEDGER_KIND_LATE_FEE "late_fee"           /* 违约金 posted when collected or approved */
#define LEDGER_KIND_CHEQUE_CLEAR "cheque_clear"   /* a pending cheque cleared by the bank */
#define LEDGER_KIND_CHEQUE_BOUNCE "cheque_bounce" /* a cheque bounced: reverses its payment */

/* The payer accounts. <id> is payers.id. */
#define LEDGER_RECEIVABLE_FMT "receivable:payer:%lld" /* asset: what the payer owes */
#define LEDGER_PREPAID_FMT "prepaid:payer:%lld"       /* liability: paid in advance */
#define LEDGER_BILL_ACCOUNT_MAX 96

/* One entry of a billing transaction. Either <account> names it, or
 * <method> (a till_method_t, > 0) asks for the account that method's
 * money lands in: the drawer of the cashier's open shift for cash,
 * clearing:<method> otherwise (as for a sale). */
typedef struct {
  char account[LEDGER_BILL_ACCOUNT_MAX];
  int method;
  int64_t amount;            /* fen; a debit > 0, a credit < 0; never 0 */
  char item[LEDGER_ITEM_MAX + 1]; /* what it settles or charges: "heating 2025-2026", or "" */
  int64_t quantity;          /* 0 when it means nothing */
  int64_t unit_price;        /* fen; 0 when it means nothing */
} bill_entry_t;

#define LEDGER_BILL_MAX_ENTRIES TILL_CHAIN_MAX_ENTRIES

typedef struct {
  uint8_t key[TILL_KEY_LEN]; /* the idempotency key; all zero for none (a run's own key) */
  uint8_t req_hash[32];      /* SHA-256 of the domain's canonical request */
  const char *kind;          /* one of LEDGER_KIND_* above */
  const char *terminal;
  const char *cashier;       /* who posts it: the cashier, the supervisor, the admin */
  const char *series_prefix; /* the receipt series of a numbered kind (payment) */
  const char *method;        /* journal.method: a method's name, "split" or "" */
  int64_t tendered;          /* fen; cash only */
  const char *memo;
  const char *approver;      /* the approving supervisor (waiver), or "" */
  int64_t reverses;          /* the transaction a cheque_bounce reverses, else 0 */
  size_t n_entries;
  bill_entry_t entries[LEDGER_BILL_MAX_ENTRIES];
} bill_post_t;

/* Post <p>. The engine checks that the kind is known; that its entries are
 * at least two, none 0, balanced, on accounts the kind may use; that a
 * payment is posted into the open shift of <cashier> on <terminal> and
 * gets the next number of its series, and that other kinds carry neither;
 * that a cheque_bounce names a payment. It then chains the transaction and
 * records the key (when not all zero) with <req_hash>: a replay of the same
 * key and hash answers the first result (res->replayed), a different
 * request under it is TILL_E_CONFLICT. On TILL_OK res->ref_id is the
 * transaction id and, for a numbered kind, *receipt gets "SERIES-NO"
 * (receipt may be NULL). On error nothing is written (the caller's
 * savepoint is rolled back) and err says why. */
till_status_t ledger_post_billing(ledger_t *lg, store_conn_t *sc, const bill_post_t *p,
                                  post_result_t *res /* OUT */, char *receipt /* OUT */,
                                  size_t receipt_len, char *err, size_t errlen);

#endif
