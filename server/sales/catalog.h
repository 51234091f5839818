/* catalog.h -- what can be sold and how it is numbered: receipt series and
 * the price table (fee items). Admin requests; the ledger reads them. */
#ifndef TILLD_CATALOG_H
#define TILLD_CATALOG_H

#include "request.h"
#include "store.h"

till_status_t catalog_handle_series_add(req_t *r, store_conn_t *sc);
till_status_t catalog_handle_series_list(req_t *r, store_conn_t *sc);
till_status_t catalog_handle_item_add(req_t *r, store_conn_t *sc);
till_status_t catalog_handle_item_list(req_t *r, store_conn_t *sc);

#endif
