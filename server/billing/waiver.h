/* waiver.h -- billing's waivers (减免, 核销, 免收), late fees (违约金),
 * statements (对账单), arrears (欠费), the collection rate (收缴率) and
 * reminders (催缴): the handlers of the waivers part of billing
 * (docs/billing.md). Postings go through ledger_post_billing; the rows of
 * charges, settlements, waivers, late_fee_parts and reminders are written
 * in the same savepoint. */
#ifndef TILLD_WAIVER_H
#define TILLD_WAIVER_H

#include "request.h"
#include "store.h"

/* waiver.c */
till_status_t waiver_handle_request(req_t *r, store_conn_t *sc);
till_status_t waiver_handle_decide(req_t *r, store_conn_t *sc);
till_status_t waiver_handle_list(req_t *r, store_conn_t *sc);
/* late_fee.c */
till_status_t late_fee_handle_set(req_t *r, store_conn_t *sc);
till_status_t late_fee_handle_post(req_t *r, store_conn_t *sc);
/* statement.c */
till_status_t statement_handle(req_t *r, store_conn_t *sc);
/* arrears.c */
till_status_t arrears_handle_report(req_t *r, store_conn_t *sc);
till_status_t arrears_handle_collection(req_t *r, store_conn_t *sc);
till_status_t arrears_handle_reminder_record(req_t *r, store_conn_t *sc);
till_status_t arrears_handle_reminder_list(req_t *r, store_conn_t *sc);

#endif
