/* refund.h -- refunds (退费) of any office's numbered transaction
 * (docs/refunds.md): the request (a cashier: the original receipt, an
 * amount or lines, a reason, a confirmation reference), the decision (a
 * supervisor other than the requester), the payment out of the paying
 * cashier's open shift (posted by the engine, ledger_post_refund) and the
 * list. What a refund of each original kind posts comes from that kind's
 * domain through core/refund_hook.h. */
#ifndef TILLD_REFUND_H
#define TILLD_REFUND_H

#include "request.h"

till_status_t refund_handle_request(req_t *r, store_conn_t *sc);
till_status_t refund_handle_decide(req_t *r, store_conn_t *sc);
till_status_t refund_handle_pay(req_t *r, store_conn_t *sc);
till_status_t refund_handle_list(req_t *r, store_conn_t *sc);

#endif
