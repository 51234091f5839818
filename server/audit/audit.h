/* audit.h -- the auditor's view of the chain: transactions exactly as
 * stored (for the client to re-verify), one transaction with what happened
 * to it, signed chain heads, the server's public key and the series
 * counters; and the supervisor's checkpoint, which signs the current head. */
#ifndef TILLD_AUDIT_H
#define TILLD_AUDIT_H

#include "request.h"
#include "store.h"
#include "till_chain.h"

#define AUDIT_PAGE_MAX 1000

/* <t> (with its stored <hash>) as a wire AuditTxn, every string and the
 * entries copied into the request's arena. NULL when out of memory. */
Till__V1__AuditTxn *audit_txn_message(req_t *r, const till_txn_t *t,
                                      const uint8_t hash[TILL_HASH_LEN]);

/* Transaction <id> as stored, as a wire AuditTxn in the request's arena;
 * NULL after req_fail when it cannot be read. */
Till__V1__AuditTxn *audit_load_message(req_t *r, store_conn_t *sc, int64_t id);

till_status_t audit_handle_export(req_t *r, store_conn_t *sc);
till_status_t audit_handle_heads(req_t *r, store_conn_t *sc);
till_status_t audit_handle_checkpoint(req_t *r, store_conn_t *sc);
/* ---- tamper: fail <r> because the ledger failed the start-up check for
 * <why> (docs/security.md); tilld then refuses every write ---- */
till_status_t audit_refuse_write(req_t *r, const char *why);
/* ---- end of tamper ---- */

/* Void requests returned with one transaction, at most (a sale has at most
 * one pending or approved void, and rejected ones are rare). */
#define AUDIT_TXN_VOIDS_MAX 100

/* One transaction with its entries, voids, reversal and reprint count. */
till_status_t audit_handle_txn(req_t *r, store_conn_t *sc);

/* The contiguous run of ids an export of [from_ms, to_ms) covers, with the
 * hash it chains from. */
till_status_t audit_handle_range(req_t *r, store_conn_t *sc);
/* The same run, worked out on <sc>: the first and last id of
 * [from_ms, to_ms) (first = head + 1, last = head when empty), the head,
 * and h_{first_id - 1} (also for an empty run). 0, -1 on a database error,
 * -2 when transaction first_id - 1 cannot be read. */
int audit_find_range(store_conn_t *sc, int64_t from_ms, int64_t to_ms, int64_t *first,
                     int64_t *last, int64_t *head, uint8_t prev[TILL_HASH_LEN]);

/* ---- tamper: the export's signed snapshot (audit_snapshot.c), on the
 * writer: the run, the counters and the head in one transaction, and the
 * head signed with the header's statement as its reason ---- */
till_status_t audit_handle_snapshot(req_t *r, store_conn_t *sc);
/* ---- end of tamper ---- */
/* ---- tamper: security events (audit_events.c), read phase: the events
 * after after_id, at or after since, of one kind or all, oldest first ---- */
till_status_t audit_handle_events(req_t *r, store_conn_t *sc);
/* ---- end of tamper: security events ---- */
/* A ChainSignature from a row of (txn_id, head_hash, at_ms, reason,
 * signature) of chain_signatures, in r's arena; NULL when out of memory. */
Till__V1__ChainSignature *audit_signature_from_row(req_t *r, sqlite3_stmt *st);

#endif
