/* ledger_query.h -- the auditor's ledger query: journal transactions that
 * match a set of filters, ascending by id, one bounded page at a time, on a
 * reader's read-only snapshot. It writes nothing.
 *
 * Paging is by id. The first page fixes head_id (the journal's max(id) in
 * that page's snapshot); every page returns matching ids in
 * (after_id, head_id]. Ids are dense, only grow, and commit in order (one
 * writer), so a client that passes back head_id and next_after_id sees
 * every matching transaction up to head_id exactly once, whatever is posted
 * meanwhile.
 *
 * One page examines at most LEDGER_QUERY_WINDOW journal ids: a selective
 * filter costs the client more round trips, never one long request. Filters
 * with an index jump the window to their first possible id (shift:
 * journal_shift; account: entries_account; series and receipt range:
 * UNIQUE (series, receipt_no)). */
#ifndef TILLD_LEDGER_QUERY_H
#define TILLD_LEDGER_QUERY_H

#include "request.h"
#include "store.h"

/* Journal ids one page examines, at most. */
#define LEDGER_QUERY_WINDOW 5000
/* Rows a page may return: LedgerQueryRequest.limit is 1 .. this. */
#define LEDGER_QUERY_LIMIT_MAX 1000

/* LedgerQueryRequest -> LedgerQueryResponse (reader phase only). */
till_status_t ledger_query_handle(req_t *r, store_conn_t *sc);

#endif
