/* payment.h -- payments against payers (till pay), their receipts, and
 * cheques (till cheque clear|bounce|list); docs/billing.md "Payments". */
#ifndef TILLD_PAYMENT_H
#define TILLD_PAYMENT_H

#include "refund_hook.h"
#include "request.h"

/* writer: PayRequest -> PayResponse (cashiers, into the open shift) */
till_status_t payment_handle_pay(req_t *r, store_conn_t *sc);
/* reader: PaymentReceiptRequest -> PaymentReceiptResponse */
till_status_t payment_handle_receipt(req_t *r, store_conn_t *sc);
/* writer: ChequeClearRequest / ChequeBounceRequest -> ChequeDecideResponse (supervisors) */
till_status_t cheque_handle_clear(req_t *r, store_conn_t *sc);
till_status_t cheque_handle_bounce(req_t *r, store_conn_t *sc);
/* reader: ChequeListRequest -> ChequeListResponse */
till_status_t cheque_handle_list(req_t *r, store_conn_t *sc);

/* The PaymentReceipt of payment transaction <txn_id>, built in r's arena
 * from the journal and the billing tables (shared by payment.c and
 * cheque.c). */
till_status_t payment_receipt_build(req_t *r, store_conn_t *sc, int64_t txn_id,
                                    Till__V1__PaymentReceipt **out);
/* The PaymentLine rows of transaction <txn_id>'s settlements of <source>
 * ("payment" or "reversal"), amounts as positive figures. */
till_status_t payment_lines(req_t *r, store_conn_t *sc, int64_t txn_id, const char *source,
                            Till__V1__PaymentLine ***lines, size_t *n);

/* Open again the charges charge[0..n) by amount[0..n) fen each, for
 * transaction <txn> that took their payment back (a bounced cheque, a
 * refund): a 'reversal' settlement of -amount and charges.paid less. */
till_status_t payment_reopen_charges(req_t *r, store_conn_t *sc, const int64_t *charge,
                                     const int64_t *amount, size_t n, int64_t txn);
/* The item a payment's entry gives charge <charge>: "heating:2025-2026"
 * (cut to <len>). */
till_status_t payment_charge_item(req_t *r, store_conn_t *sc, int64_t charge, char *item,
                                  size_t len);

/* ---- refunds ---- */
/* What a refund of a payment posts and reopens (payment_refund.c):
 * registered by net. */
extern const refund_hook_t billing_refund_hook;
/* ---- end of refunds ---- */

#endif
