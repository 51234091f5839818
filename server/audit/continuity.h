/* continuity.h -- receipt continuity: proof that a series has no gap.
 *
 * For one series and a range of numbers it walks the journal's receipt
 * numbers in order (the UNIQUE (series, receipt_no) index) and reports the
 * numbers issued, the ranges missing, the voided numbers with reason,
 * requester and approver, and the reprint counts -- on a reader's
 * read-only snapshot. */
#ifndef TILLD_CONTINUITY_H
#define TILLD_CONTINUITY_H

#include "request.h"
#include "store.h"

/* Entries in each list of the answer, at most; beyond, truncated is set. */
#define CONTINUITY_LIST_MAX 1000

till_status_t continuity_handle_receipts(req_t *r, store_conn_t *sc);

#endif
