/* optout.h -- 报停 (a household that wants no heat, applied for by the
 * scheme's cut-off) and vacant units' discounts (approved by a supervisor
 * who did not request them): docs/billing.md, "Opt-outs and vacancy". A
 * charge run prices an approved one's period at its share. */
#ifndef TILLD_OPTOUT_H
#define TILLD_OPTOUT_H

#include "request.h"
#include "store.h"

till_status_t relief_handle_request(req_t *r, store_conn_t *sc);
till_status_t relief_handle_decide(req_t *r, store_conn_t *sc);
till_status_t relief_handle_list(req_t *r, store_conn_t *sc);

#endif
