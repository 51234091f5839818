/* hospital.h -- the hospital window handlers (docs/hospital.md): the price
 * list (admin), bills (cashier), a bill read back by its number, patient
 * deposits and discharge (cashier), a patient's deposit account (cashier,
 * supervisor, auditor). The dispatch table (dispatch.c) says which run on
 * a reader and which on the writer, and for whom. */
#ifndef TILLD_HOSPITAL_H
#define TILLD_HOSPITAL_H

#include "refund_hook.h"
#include "request.h"

/* the price list (hosp_items.c): add on the writer, list on a reader */
till_status_t hosp_handle_item_add(req_t *r, store_conn_t *sc);
till_status_t hosp_handle_item_list(req_t *r, store_conn_t *sc);

/* bills (hosp_bill.c): a bill on the writer, a bill by number on a reader */
till_status_t hosp_handle_bill(req_t *r, store_conn_t *sc);
till_status_t hosp_handle_bill_get(req_t *r, store_conn_t *sc);

/* deposits (hosp_deposit.c): take and discharge on the writer, a patient's
 * account on a reader */
till_status_t hosp_handle_deposit(req_t *r, store_conn_t *sc);
till_status_t hosp_handle_discharge(req_t *r, store_conn_t *sc);
till_status_t hosp_handle_patient(req_t *r, store_conn_t *sc);

/* a refund of a hospital bill's lines (hosp_refund.c), for the refund
 * domain; registered by dispatch_init */
extern const refund_hook_t hosp_refund_hook;

#endif
