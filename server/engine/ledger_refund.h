/* ledger_refund.h -- the posting engine's entry for refunds (退费) of any
 * office's numbered transaction (docs/refunds.md, docs/ledger.md "refund").
 *
 * The refund domain (server/refund/) keeps the requests (table refunds,
 * its schema step) and gets the legs of a refund from the domain of the
 * original through core/refund_hook.h; this file checks them against the
 * original and the refunds already paid on it, adds the paid-out leg and
 * makes one balanced, chained, idempotent transaction of kind `refund`,
 * numbered in the one receipt series of kind `refund`, in the paying
 * cashier's open shift, and marks the request paid.
 *
 * THREAD SAFETY: as ledger.h -- the writer thread's. */
#ifndef TILLD_LEDGER_REFUND_H
#define TILLD_LEDGER_REFUND_H

#include "ledger.h"

#define LEDGER_KIND_REFUND "refund"         /* journal.kind of a refund */
#define LEDGER_REFUND_SERIES_KIND "refund"  /* series.kind of the refund receipts */
#define LEDGER_REFUND_METHOD_DEPOSIT "deposit" /* journal.method of a refund back to a deposit */
#define LEDGER_REFUND_ACCOUNT_MAX 96
#define LEDGER_REFUND_MAX_LEGS (TILL_CHAIN_MAX_ENTRIES - 1)

/* One leg besides the paid-out one: reverses (part of) an entry of the
 * original -- same account, opposite sign. */
typedef struct {
  char account[LEDGER_REFUND_ACCOUNT_MAX];
  int64_t amount;            /* signed fen, debit > 0; never 0 */
  char item[LEDGER_ITEM_MAX + 1];
  int64_t quantity;
  int64_t unit_price;
} ledger_refund_leg_t;

/* What the refunds already paid on an original took back, per account and
 * item of their legs. */
typedef struct {
  char account[LEDGER_REFUND_ACCOUNT_MAX];
  char item[LEDGER_ITEM_MAX + 1];
  int64_t amount;
  int64_t quantity;
} ledger_refund_done_t;

typedef struct {
  uint8_t key[TILL_KEY_LEN]; /* the payment's idempotency key */
  uint8_t req_hash[32];      /* SHA-256 of the domain's canonical request */
  int64_t refund_id;         /* refunds.id: approved, not paid yet */
  const char *terminal;
  const char *cashier;       /* who pays it out, from their open shift on <terminal> */
  int to_original;           /* 0: cash from the paying drawer; 1: the original's method */
  int partial_allowed;       /* 0: only the whole of an original never refunded before */
  size_t n_legs;
  ledger_refund_leg_t legs[LEDGER_REFUND_MAX_LEGS];
} refund_post_t;

/* Post the refund <p>. Refused, with nothing written and err saying why:
 * a request that is not approved (or is paid already), an original that
 * is a void, a refund, unnumbered or voided, a paying cashier with no open
 * shift, no refund series, a leg on an account the original has no entry
 * on or in the same sign as the original's entry there, more taken back
 * on an account than is left on it or in all than is left unrefunded on
 * the original, a total other than the approved amount, a partial refund
 * where partial refunds are off, "original" for an original paid by more
 * than one method. The paid-out leg is Cr drawer:shift:<paying shift> for
 * cash, Cr clearing:<method> for the original's non-cash method (cash
 * back to the original's cash means the paying drawer). An original that
 * drew on a patient's deposit (deposit:patient:<id>, a hospital bill paid
 * from it) goes back to that deposit ("original"; journal.method
 * "deposit") while no discharge has closed it -- cash is then refused --
 * and only in cash once one has. On TILL_OK
 * res->ref_id is the refund transaction's id and *receipt its number
 * ("TF2026-00000001", receipt may be NULL); a replay of the key answers
 * the first result. */
till_status_t ledger_post_refund(ledger_t *lg, store_conn_t *sc, const refund_post_t *p,
                                 post_result_t *res /* OUT */, char *receipt /* OUT */,
                                 size_t receipt_len, char *err, size_t errlen);

/* The refunds paid on <orig_txn_id>, summed per account and item of their
 * legs (paid-out entries left out), into out[0..*n): TILL_OK, or a
 * database error (err set). More than <max> rows is TILL_E_INTERNAL. */
till_status_t ledger_refunded_so_far(store_conn_t *sc, int64_t orig_txn_id,
                                     ledger_refund_done_t *out, size_t max, size_t *n /* OUT */,
                                     char *err, size_t errlen);

/* The figures of original <orig_txn_id>: what it took in (its payment
 * entries' sum) and what the refunds paid on it gave back. TILL_OK, or
 * TILL_E_NOT_FOUND / a database error with err set. */
till_status_t ledger_refund_figures(store_conn_t *sc, int64_t orig_txn_id, int64_t *paid_in,
                                    int64_t *refunded, char *err, size_t errlen);

#endif
