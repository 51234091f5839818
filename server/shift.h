/* shift.h -- cash-drawer shifts and deposits: the handlers, and the X/Z
 * report built from the journal. Postings go through the ledger. */
#ifndef TILLD_SHIFT_H
#define TILLD_SHIFT_H

#include "request.h"
#include "store.h"

till_status_t shift_handle_open(req_t *r, store_conn_t *sc);
till_status_t shift_handle_status(req_t *r, store_conn_t *sc);
till_status_t shift_handle_close(req_t *r, store_conn_t *sc);
till_status_t shift_handle_approve(req_t *r, store_conn_t *sc);
till_status_t shift_handle_list(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_create(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_confirm(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_undeposited(req_t *r, store_conn_t *sc);

#endif
