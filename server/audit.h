/* audit.h -- the auditor's view of the chain: transactions exactly as
 * stored (for the client to re-verify), signed chain heads, the server's
 * public key and the series counters; and the supervisor's checkpoint, which
 * signs the current head. */
#ifndef TILLD_AUDIT_H
#define TILLD_AUDIT_H

#include "request.h"
#include "store.h"

#define AUDIT_PAGE_MAX 1000

till_status_t audit_handle_export(req_t *r, store_conn_t *sc);
till_status_t audit_handle_heads(req_t *r, store_conn_t *sc);
till_status_t audit_handle_checkpoint(req_t *r, store_conn_t *sc);

#endif
