/* meter.h -- meter readings of metered schemes (docs/billing.md, "Meter
 * readings"): meter read|list, and the quantity a charge run prices. */
#ifndef TILLD_METER_H
#define TILLD_METER_H

#include "request.h"
#include "store.h"

#define METER_READING_MAX 100000000000LL /* units x 100: 1,000,000,000.00 */

till_status_t meter_handle_read(req_t *r, store_conn_t *sc);
till_status_t meter_handle_list(req_t *r, store_conn_t *sc);

/* The quantity (units x 100) payer <payer> used of <scheme> in the days
 * [from, to_excl): its last reading in effect in those days minus its
 * first. *have is 0 (and *quantity_centi untouched) when it has fewer than
 * two readings there. A database failure is recorded on r. */
till_status_t meter_quantity(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme,
                             const char *from, const char *to_excl, int *have,
                             int64_t *quantity_centi);

#endif
