/* charge.h -- charges (应收): the chunked, resumable charge run with the
 * prepaid it consumes, and adjustments after a run (docs/billing.md,
 * "Charge runs" and "Adjustments"). Writer-phase handlers. */
#ifndef TILLD_CHARGE_H
#define TILLD_CHARGE_H

#include "request.h"
#include "scheme.h"
#include "store.h"

#define CHARGE_RUN_CHUNK 500     /* payers a chunk looks at unless the client says */
#define CHARGE_RUN_CHUNK_MAX 1000

till_status_t charge_handle_run(req_t *r, store_conn_t *sc);
till_status_t charge_handle_adjust(req_t *r, store_conn_t *sc);

/* ---- shared by charge.c and charge_adjust.c ---- */

/* The share (percent) payer <payer> is charged for (scheme, period): the
 * lowest of its approved reliefs, 100 without one. */
till_status_t charge_relief_share(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme,
                                  const char *period, int64_t *share_pct);

/* What payer <payer> (area <area_centi>; of a metered scheme, the
 * quantity <quantity_centi> it used) owes for a period of <s> priced at
 * <rate_e4> and <share_pct>, into *fen. TILL_E_INTERNAL on overflow. */
till_status_t charge_price(req_t *r, const scheme_row_t *s, const period_t *p,
                           int64_t area_centi, int64_t quantity_centi, int64_t rate_e4,
                           int64_t share_pct, int64_t *fen);

/* A metered scheme's quantity of payer <payer> in period <p> (starting on
 * <start>): meter_quantity over the period's days; *have 0 without two
 * readings there. */
till_status_t charge_metered_quantity(req_t *r, store_conn_t *sc, const scheme_row_t *s,
                                      const period_t *p, const char *start, int64_t payer,
                                      int *have, int64_t *quantity_centi);

/* The entry item of a period's postings: "heating 2026-2027". */
void charge_item(const char *scheme, const char *period, char *buf, size_t len);

/* The balance of prepaid:payer:<payer> (fen the office owes the payer, >= 0
 * normally) into *fen. */
till_status_t charge_prepaid_balance(req_t *r, store_conn_t *sc, int64_t payer, int64_t *fen);

/* Insert the charges row of a posted charge (kind 'charge' or
 * 'adjustment'); its id into *id. */
till_status_t charge_insert(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme,
                            const char *period, int year, const char *kind, int64_t amount,
                            int64_t txn_id, int64_t *id);

/* Consume up to <amount> of payer <payer>'s prepaid balance against charge
 * <charge_id> (prepaid_apply: Dr prepaid / Cr receivable; the charge's
 * paid and a 'prepaid' settlement). *applied gets the fen consumed (0 when
 * there was no balance). */
till_status_t charge_apply_prepaid(req_t *r, store_conn_t *sc, int64_t payer, int64_t charge_id,
                                   int64_t amount, const char *item, int64_t *applied);

#endif
