/* sales.h -- handlers for sales, receipts and voids. They validate wire
 * input, turn it into the ledger's plain structs and build Receipt messages;
 * the ledger does every write that touches money. */
#ifndef TILLD_SALES_H
#define TILLD_SALES_H

#include "refund_hook.h"
#include "request.h"
#include "store.h"

till_status_t sales_handle_sale(req_t *r, store_conn_t *sc);
till_status_t sales_handle_receipt_read(req_t *r, store_conn_t *sc);
till_status_t sales_handle_receipt_reprint(req_t *r, store_conn_t *sc);
till_status_t sales_handle_void_request(req_t *r, store_conn_t *sc);
till_status_t sales_handle_void_decide(req_t *r, store_conn_t *sc);
till_status_t sales_handle_void_list(req_t *r, store_conn_t *sc);

/* Void request <id> as a VoidInfo in r's arena (NOT_FOUND if none). */
till_status_t sales_load_void(req_t *r, store_conn_t *sc, int64_t id, Till__V1__VoidInfo **out);

/* ---- refunds ---- */
/* What a refund of a sale posts (sales_refund.c): registered by net. */
extern const refund_hook_t sales_refund_hook;
/* ---- end of refunds ---- */

#endif
