/* toll.h -- the toll lane handlers (docs/tolls.md): the network's settings
 * (admin), the quote, the entry and exit lanes, the cards report, the
 * hand-over and the exemptions report. The dispatch table (dispatch.c)
 * says which run on a reader and which on the writer, and for whom. */
#ifndef TILLD_TOLL_H
#define TILLD_TOLL_H

#include "refund_hook.h"
#include "request.h"

/* admin (toll_admin.c), on the writer */
till_status_t toll_handle_station_set(req_t *r, store_conn_t *sc);
till_status_t toll_handle_distance_set(req_t *r, store_conn_t *sc);
till_status_t toll_handle_tariff_set(req_t *r, store_conn_t *sc);
till_status_t toll_handle_lane_set(req_t *r, store_conn_t *sc);
till_status_t toll_handle_holiday_set(req_t *r, store_conn_t *sc);

/* lanes (toll.c): the quote on a reader, entry on the writer, an exit
 * checked and priced on a reader, then posted on the writer */
till_status_t toll_handle_quote(req_t *r, store_conn_t *sc);
till_status_t toll_handle_entry(req_t *r, store_conn_t *sc);
till_status_t toll_handle_exit_check(req_t *r, store_conn_t *sc);
till_status_t toll_handle_exit(req_t *r, store_conn_t *sc);

/* reports (toll_report.c), on a reader */
till_status_t toll_handle_cards(req_t *r, store_conn_t *sc);
till_status_t toll_handle_handover(req_t *r, store_conn_t *sc);
till_status_t toll_handle_report(req_t *r, store_conn_t *sc);

/* ---- refunds: what a refund of a paid toll posts (toll_refund.c),
 * registered by net ---- */
extern const refund_hook_t toll_refund_hook;

#endif
