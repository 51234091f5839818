/* audit_snapshot.c -- the export's signed snapshot (issue 22): on the
 * writer, in the one transaction of its batch, the run an export of
 * [from_ms, to_ms) covers, extended to the first signed head at or after
 * its end; the series counters; and the head, signed with the header's
 * statement as the signature's reason (till_export_statement). The export
 * then pages through exactly that run, so header and run describe one
 * state, and the signature covers the header's range, counters and head
 * (docs/ledger.md, "The export file"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ledger.h"
#include "till_chain.h"

#define SNAPSHOT_MAX_COUNTERS 1000

static ProtobufCBinaryData
copy_bin(req_t *r, const void *p, size_t n)
{
  ProtobufCBinaryData b = {0, NULL};
  uint8_t *d = req_alloc(r, n ? n : 1);
  if (d && n) {
    memcpy(d, p, n);
    b.data = d;
    b.len = n;
  }
  return b;
}

/* The counters in series order into resp, and each into the statement. */
static till_status_t
read_counters(req_t *r, store_conn_t *sc, Till__V1__AuditSnapshotResponse *resp, char *stmt,
              size_t len)
{
  static const char sql[] =
    "SELECT series, last_no FROM series_counters ORDER BY series LIMIT ?";
  resp->counters = req_alloc(r, SNAPSHOT_MAX_COUNTERS * sizeof *resp->counters);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!resp->counters || !st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, SNAPSHOT_MAX_COUNTERS + 1);
  int rc;
  /* bounded by the LIMIT */
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (resp->n_counters == SNAPSHOT_MAX_COUNTERS) {
      sqlite3_reset(st);
      return req_fail(r, TILL_E_EXHAUSTED, "more than %d series counters", SNAPSHOT_MAX_COUNTERS);
    }
    Till__V1__SeriesCounter *c = req_alloc(r, sizeof *c);
    if (!c) {
      sqlite3_reset(st);
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    }
    till__v1__series_counter__init(c);
    c->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
    c->last_no = sqlite3_column_int64(st, 1);
    if (!c->series || till_export_statement_add(stmt, len, c->series, c->last_no) != 0) {
      sqlite3_reset(st);
      return req_fail(r, TILL_E_EXHAUSTED, "too many series counters for one export");
    }
    resp->counters[resp->n_counters++] = c;
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? TILL_OK : req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
}

till_status_t
audit_handle_snapshot(req_t *r, store_conn_t *sc)
{
  static const char sql_signed[] =
    "SELECT min(txn_id) FROM chain_signatures WHERE txn_id >= ?";
  static const char sql_sig[] =
    "SELECT c.txn_id, c.head_hash, c.at_ms, c.reason, c.signature, k.public_key"
    " FROM chain_signatures c JOIN server_keys k ON k.id = c.key_id WHERE c.id = ?";
  const Till__V1__AuditSnapshotRequest *in = r->env->audit_snapshot_req;
  if (in->from_ms < 0 || in->to_ms < 0)
    return req_fail(r, TILL_E_INVALID, "from_ms and to_ms must not be negative");
  if (in->to_ms && in->from_ms >= in->to_ms)
    return req_fail(r, TILL_E_INVALID, "from_ms must be before to_ms");
  Till__V1__AuditSnapshotResponse *resp = req_alloc(r, sizeof *resp);
  uint8_t *prev = req_alloc(r, TILL_HASH_LEN);
  char *stmt = req_alloc(r, TILL_EXPORT_STATEMENT_MAX);
  if (!resp || !prev || !stmt)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_snapshot_response__init(resp);
  int64_t first, last, head;
  int rc = audit_find_range(sc, in->from_ms, in->to_ms, &first, &last, &head, prev);
  if (rc == -2)
    return req_fail(r, TILL_E_INTERNAL, "transaction %lld, before the range, cannot be read",
                    (long long)(first - 1));
  if (rc != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  if (first <= last) {
    /* on to the first signed head at or after the end (the one about to be
     * made, at the head, if there is no earlier one): a signature vouches
     * for every record */
    sqlite3_stmt *st = store_stmt(sc, sql_signed);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, last);
    int step = sqlite3_step(st);
    int64_t to = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
                   ? sqlite3_column_int64(st, 0) : head;
    sqlite3_reset(st);
    if (step != SQLITE_ROW)
      return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
    last = to < head ? to : head;
  }
  if (till_export_statement(stmt, TILL_EXPORT_STATEMENT_MAX, first, last, in->from_ms,
                            in->to_ms) != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  if (read_counters(r, sc, resp, stmt, TILL_EXPORT_STATEMENT_MAX) != TILL_OK)
    return r->status;
  int64_t sig_id;
  if (ledger_sign_head(req_ledger(r), sc, stmt, &sig_id) != TILL_OK)
    return req_fail(r, TILL_E_UNAVAILABLE, "could not sign the export's snapshot; retry");
  sqlite3_stmt *st = store_stmt(sc, sql_sig);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, sig_id);
  if (sqlite3_step(st) == SQLITE_ROW) {
    resp->signature = audit_signature_from_row(r, st);
    resp->public_key = copy_bin(r, sqlite3_column_blob(st, 5), (size_t)sqlite3_column_bytes(st, 5));
  }
  sqlite3_reset(st);
  if (!resp->signature || resp->public_key.len != 32 || resp->signature->txn_id != head)
    return req_fail(r, TILL_E_INTERNAL, "signature not found after signing");
  resp->first_id = first;
  resp->last_id = last;
  resp->head_id = head;
  resp->prev_hash.data = prev;
  resp->prev_hash.len = TILL_HASH_LEN;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_RESP;
  r->resp.audit_snapshot_resp = resp;
  return TILL_OK;
}
