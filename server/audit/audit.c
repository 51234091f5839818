/* audit.c -- export of the chain and its signatures; see audit.h. */
#include "audit.h"

#include <string.h>

#include "request.h"
#include "ledger.h"
#include "sales.h"
#include "till_chain.h"
#include "till_util.h"

static ProtobufCBinaryData
bin(req_t *r, const void *p, size_t n)
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

Till__V1__AuditTxn *
audit_txn_message(req_t *r, const till_txn_t *t, const uint8_t hash[TILL_HASH_LEN])
{
  Till__V1__AuditTxn *m = req_alloc(r, sizeof *m);
  if (!m)
    return NULL;
  till__v1__audit_txn__init(m);
  m->id = t->id;
  m->kind = req_strdup(r, t->kind);
  m->at_ms = t->at_ms;
  m->terminal_id = req_strdup(r, t->terminal);
  m->cashier = req_strdup(r, t->cashier);
  m->shift_id = t->shift_id;
  m->series = req_strdup(r, t->series);
  m->receipt_no = t->receipt_no;
  m->idempotency_key = bin(r, t->idem_key, TILL_KEY_LEN);
  m->reverses = t->reverses;
  m->method = req_strdup(r, t->method);
  m->memo = req_strdup(r, t->memo);
  m->approver = req_strdup(r, t->approver);
  m->hash = bin(r, hash, TILL_HASH_LEN);
  m->entries = req_alloc(r, (t->n_entries ? t->n_entries : 1) * sizeof *m->entries);
  if (!m->entries)
    return NULL;
  for (size_t i = 0; i < t->n_entries; i++) {
    Till__V1__AuditEntry *e = req_alloc(r, sizeof *e);
    if (!e)
      return NULL;
    till__v1__audit_entry__init(e);
    e->seq = t->entries[i].seq;
    e->account = req_strdup(r, t->entries[i].account);
    e->amount = t->entries[i].amount;
    e->item = req_strdup(r, t->entries[i].item);
    e->quantity = t->entries[i].quantity;
    e->unit_price = t->entries[i].unit_price;
    m->entries[m->n_entries++] = e;
  }
  return m;
}

Till__V1__AuditTxn *
audit_load_message(req_t *r, store_conn_t *sc, int64_t id)
{
  till_txn_t t;
  uint8_t hash[TILL_HASH_LEN];
  char buf[8192];
  if (ledger_load_txn(sc, id, &t, hash, buf, sizeof buf) != 0) {
    req_fail(r, TILL_E_INTERNAL, "cannot read transaction %lld", (long long)id);
    return NULL;
  }
  Till__V1__AuditTxn *m = audit_txn_message(r, &t, hash);
  if (!m)
    req_fail(r, TILL_E_INTERNAL, "out of memory");
  return m;
}

till_status_t
audit_handle_export(req_t *r, store_conn_t *sc)
{
  static const char sql_ids[] = "SELECT id FROM journal WHERE id > ? ORDER BY id LIMIT ?";
  static const char sql_head[] = "SELECT coalesce(max(id), 0) FROM journal";
  const Till__V1__AuditExportRequest *in = r->env->audit_export_req;
  if (in->after_id < 0)
    return req_fail(r, TILL_E_INVALID, "after_id must not be negative");
  if (in->limit < 1 || in->limit > AUDIT_PAGE_MAX)
    return req_fail(r, TILL_E_INVALID, "limit must be 1 to %d", AUDIT_PAGE_MAX);
  Till__V1__AuditExportResponse *resp = req_alloc(r, sizeof *resp);
  int64_t *ids = req_alloc(r, in->limit * sizeof *ids);
  if (!resp || !ids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_export_response__init(resp);
  if (req_rows(r, store_stmt(sc, sql_head), 1, req_row_int64, &resp->head_id, NULL) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_ids);
  if (st) {
    sqlite3_bind_int64(st, 1, in->after_id);
    sqlite3_bind_int(st, 2, (int)in->limit);
  }
  req_ids_t acc = {ids, 0};
  if (req_rows(r, st, in->limit, req_row_id, &acc, NULL) != TILL_OK)
    return r->status;
  size_t n = acc.n;
  resp->txns = req_alloc(r, (n ? n : 1) * sizeof *resp->txns);
  if (!resp->txns)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    Till__V1__AuditTxn *m = audit_load_message(r, sc, ids[i]);
    if (!m)
      return r->status;
    resp->txns[resp->n_txns++] = m;
  }
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_RESP;
  r->resp.audit_export_resp = resp;
  return TILL_OK;
}

Till__V1__ChainSignature *
audit_signature_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__ChainSignature *s = req_alloc(r, sizeof *s);
  if (!s)
    return NULL;
  till__v1__chain_signature__init(s);
  s->txn_id = sqlite3_column_int64(st, 0);
  s->head_hash = bin(r, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  s->at_ms = sqlite3_column_int64(st, 2);
  s->reason = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  s->signature = bin(r, sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4));
  return s->reason ? s : NULL;
}

/* The page of signatures as it is read, and the id of the last one. */
typedef struct {
  Till__V1__AuditHeadsResponse *resp;
  int64_t last_id;
} sigs_acc_t;

/* rows: txn_id, head_hash, at_ms, reason, signature, id, key_id */
static till_status_t
signature_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  sigs_acc_t *acc = arg;
  Till__V1__ChainSignature *s = audit_signature_from_row(r, st);
  if (!s)
    return TILL_E_INTERNAL;
  s->key_id = sqlite3_column_int64(st, 6);
  acc->last_id = sqlite3_column_int64(st, 5);
  acc->resp->signatures[acc->resp->n_signatures++] = s;
  return TILL_OK;
}

/* rows: series, last_no */
static till_status_t
counter_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__AuditHeadsResponse *resp = arg;
  Till__V1__SeriesCounter *c = req_alloc(r, sizeof *c);
  if (!c)
    return TILL_E_INTERNAL;
  till__v1__series_counter__init(c);
  c->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  c->last_no = sqlite3_column_int64(st, 1);
  if (!c->series)
    return TILL_E_INTERNAL;
  resp->counters[resp->n_counters++] = c;
  return TILL_OK;
}

/* ---- keys: rows id, public_key, created_at, endorsed_by, endorsement ---- */
static till_status_t
key_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__AuditHeadsResponse *resp = arg;
  Till__V1__ServerKey *k = req_alloc(r, sizeof *k);
  if (!k)
    return TILL_E_INTERNAL;
  till__v1__server_key__init(k);
  k->id = sqlite3_column_int64(st, 0);
  k->public_key = bin(r, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  k->created_at = sqlite3_column_int64(st, 2);
  k->endorsed_by = sqlite3_column_int64(st, 3);
  k->endorsement = bin(r, sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4));
  resp->keys[resp->n_keys++] = k;
  return TILL_OK;
}

till_status_t
audit_handle_heads(req_t *r, store_conn_t *sc)
{
  static const char sql_key[] = "SELECT id, public_key FROM server_keys ORDER BY id DESC LIMIT 1";
  /* ---- keys: the signatures under every key the ledger has used ---- */
  static const char sql_sigs[] =
    "SELECT txn_id, head_hash, at_ms, reason, signature, id, key_id FROM chain_signatures"
    " WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3";
  static const char sql_last[] = "SELECT coalesce(max(id), 0) FROM chain_signatures";
  static const char sql_keys[] =
    "SELECT id, public_key, created_at, coalesce(endorsed_by, 0), endorsement FROM server_keys"
    " ORDER BY id LIMIT ?";
  static const char sql_nkeys[] = "SELECT count(*) FROM server_keys";
  static const char sql_ctr[] = "SELECT series, last_no FROM series_counters ORDER BY series";
  static const char sql_nctr[] = "SELECT count(*) FROM series_counters";
  static const char sql_head[] = "SELECT coalesce(max(id), 0) FROM journal";
  const Till__V1__AuditHeadsRequest *in = r->env->audit_heads_req;
  if (in->after_signature < 0 || in->up_to_signature < 0)
    return req_fail(r, TILL_E_INVALID, "after_signature and up_to_signature must not be negative");
  if (in->limit > AUDIT_PAGE_MAX)
    return req_fail(r, TILL_E_INVALID, "limit must be 1 to %d (0: %d)", AUDIT_PAGE_MAX,
                    AUDIT_PAGE_MAX);
  uint32_t limit = in->limit ? in->limit : AUDIT_PAGE_MAX;
  Till__V1__AuditHeadsResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_heads_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_key);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  if (req_row_one(r, st, TILL_E_UNAVAILABLE, "the server has no signing key yet") != TILL_OK)
    return r->status;
  resp->public_key = bin(r, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  sqlite3_reset(st);

  /* the reader runs this handler in one read transaction, so head_id,
   * counters and signatures describe the same committed state */
  if (req_rows(r, store_stmt(sc, sql_head), 1, req_row_int64, &resp->head_id, NULL) != TILL_OK)
    return r->status;
  if (req_rows(r, store_stmt(sc, sql_last), 1, req_row_int64, &resp->last_signature, NULL) !=
      TILL_OK)
    return r->status;
  int64_t nkeys = 0;
  if (req_rows(r, store_stmt(sc, sql_nkeys), 1, req_row_int64, &nkeys, NULL) != TILL_OK)
    return r->status;
  if (!(resp->keys = req_alloc(r, (size_t)(nkeys + 1) * sizeof *resp->keys)))
    return req_fail(r, TILL_E_EXHAUSTED, "too many server keys to list");
  if ((st = store_stmt(sc, sql_keys)))
    sqlite3_bind_int64(st, 1, nkeys);
  if (req_rows(r, st, (size_t)nkeys, key_row, resp, NULL) != TILL_OK)
    return r->status;
  /* count first, so the array is sized from the same snapshot */
  int64_t nctr = 0;
  if (req_rows(r, store_stmt(sc, sql_nctr), 1, req_row_int64, &nctr, NULL) != TILL_OK)
    return r->status;
  resp->signatures = req_alloc(r, limit * sizeof *resp->signatures);
  resp->counters = req_alloc(r, (size_t)(nctr + 1) * sizeof *resp->counters);
  if (!resp->signatures || !resp->counters)
    return req_fail(r, TILL_E_EXHAUSTED, "too many series counters to list");

  /* one row more than the page: whether another page follows */
  if ((st = store_stmt(sc, sql_sigs))) {
    sqlite3_bind_int64(st, 1, in->after_signature);
    sqlite3_bind_int64(st, 2, in->up_to_signature ? in->up_to_signature : resp->last_signature);
    sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
  }
  sigs_acc_t sigs = {resp, 0};
  int more;
  if (req_rows(r, st, limit, signature_row, &sigs, &more) != TILL_OK)
    return r->status;
  if (more)
    resp->next_signature = sigs.last_id;
  /* the count came from this snapshot: no more rows than nctr */
  if (nctr > 0 &&
      req_rows(r, store_stmt(sc, sql_ctr), (size_t)nctr, counter_row, resp, NULL) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_RESP;
  r->resp.audit_heads_resp = resp;
  return TILL_OK;
}

/* ---- tamper: the answer to a write while the ledger is refused ---- */
till_status_t
audit_refuse_write(req_t *r, const char *why)
{
  return req_fail(r, TILL_E_PRECONDITION,
                  "the ledger failed tilld's start-up check (%s); tilld refuses writes until it "
                  "is repaired, auditors can still read it",
                  why);
}
/* ---- end of tamper ---- */

till_status_t
audit_handle_checkpoint(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT txn_id, head_hash, at_ms, reason, signature, key_id FROM chain_signatures WHERE id = ?";
  int64_t sig_id;
  if (ledger_sign_head(req_ledger(r), sc, "checkpoint", &sig_id) != TILL_OK)
    return req_fail(r, TILL_E_UNAVAILABLE, "could not sign the chain head; retry");
  Till__V1__ChainCheckpointResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__chain_checkpoint_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, sig_id);
  if (sqlite3_step(st) == SQLITE_ROW && (resp->signature = audit_signature_from_row(r, st)))
    resp->signature->key_id = sqlite3_column_int64(st, 5);
  sqlite3_reset(st);
  if (!resp->signature)
    return req_fail(r, TILL_E_INTERNAL, "signature not found after signing");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_CHAIN_CHECKPOINT_RESP;
  r->resp.chain_checkpoint_resp = resp;
  return TILL_OK;
}

till_status_t
audit_handle_txn(req_t *r, store_conn_t *sc)
{
  static const char sql_voids[] =
    "SELECT id FROM void_requests WHERE txn_id = ?1 OR reversal_txn_id = ?1 ORDER BY id LIMIT ?2";
  static const char sql_reversed_by[] = "SELECT id FROM journal WHERE reverses = ?";
  static const char sql_reprints[] = "SELECT count(*) FROM reprints WHERE txn_id = ?";
  const Till__V1__AuditTxnRequest *in = r->env->audit_txn_req;
  if (in->id <= 0)
    return req_fail(r, TILL_E_INVALID, "a transaction id is 1 or more");
  till_txn_t t;
  uint8_t hash[TILL_HASH_LEN];
  char buf[8192];
  int found = ledger_load_txn(sc, in->id, &t, hash, buf, sizeof buf);
  if (found == 1)
    return req_fail(r, TILL_E_NOT_FOUND, "no transaction %lld", (long long)in->id);
  if (found != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__AuditTxnResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_txn_response__init(resp);
  if (!(resp->txn = audit_txn_message(r, &t, hash)))
    return req_fail(r, TILL_E_INTERNAL, "out of memory");

  int64_t ids[AUDIT_TXN_VOIDS_MAX];
  sqlite3_stmt *st = store_stmt(sc, sql_voids);
  if (st) {
    sqlite3_bind_int64(st, 1, in->id);
    sqlite3_bind_int(st, 2, AUDIT_TXN_VOIDS_MAX);
  }
  req_ids_t acc = {ids, 0};
  if (req_rows(r, st, AUDIT_TXN_VOIDS_MAX, req_row_id, &acc, NULL) != TILL_OK)
    return r->status;
  size_t n = acc.n;
  resp->voids = req_alloc(r, (n ? n : 1) * sizeof *resp->voids);
  if (!resp->voids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (sales_load_void(r, sc, ids[i], &resp->voids[i]) != TILL_OK)
      return r->status;
    resp->n_voids++;
  }

  if (!(st = store_stmt(sc, sql_reversed_by)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->id);
  if (req_rows(r, st, 1, req_row_int64, &resp->reversed_by, NULL) != TILL_OK)
    return r->status;
  if ((st = store_stmt(sc, sql_reprints)))
    sqlite3_bind_int64(st, 1, in->id);
  if (req_rows(r, st, 1, req_row_int64, &resp->reprints, NULL) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_TXN_RESP;
  r->resp.audit_txn_resp = resp;
  return TILL_OK;
}

/* One id from a single-row query with an int64 bound, or <none> when it
 * returns no row or NULL. 0, or -1 on a database error. */
static int
id_query(store_conn_t *sc, const char *sql, int64_t bound, int64_t none, int64_t *out)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, bound);
  int step = sqlite3_step(st);
  *out = step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
           ? sqlite3_column_int64(st, 0) : none;
  sqlite3_reset(st);
  return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
}

int
audit_find_range(store_conn_t *sc, int64_t from_ms, int64_t to_ms, int64_t *first_out,
                 int64_t *last_out, int64_t *head_out, uint8_t prev[TILL_HASH_LEN])
{
  /* Exact even if the clock was ever set back (a later id with an earlier
   * at_ms): the smallest id at or after from_ms, over journal_at from that
   * time on, and the largest id before to_ms, walking the ids down from the
   * head. Each costs the rows posted since its bound, so a recent range is
   * cheap. */
  static const char sql_first[] =
    "SELECT min(id) FROM journal INDEXED BY journal_at WHERE at_ms >= ?";
  static const char sql_last[] =
    "SELECT id FROM journal NOT INDEXED WHERE at_ms < ? ORDER BY id DESC LIMIT 1";
  static const char sql_head[] = "SELECT coalesce(max(id), 0) FROM journal WHERE id > ?";
  static const char sql_hash[] = "SELECT hash FROM journal WHERE id = ?";
  int64_t head, first, last;
  if (id_query(sc, sql_head, 0, 0, &head) != 0)
    return -1;
  first = 1;
  last = head;
  if (from_ms && id_query(sc, sql_first, from_ms, head + 1, &first) != 0)
    return -1;
  if (to_ms && id_query(sc, sql_last, to_ms, 0, &last) != 0)
    return -1;
  if (first > last) { /* nothing in the range: an empty run after the head */
    first = head + 1;
    last = head;
  }
  /* h_{first-1}, for an empty run too (issue 22: it was 32 zero bytes) */
  memset(prev, 0, TILL_HASH_LEN);
  if (first > 1) {
    sqlite3_stmt *st = store_stmt(sc, sql_hash);
    if (!st)
      return -1;
    sqlite3_bind_int64(st, 1, first - 1);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TILL_HASH_LEN;
    if (ok)
      memcpy(prev, sqlite3_column_blob(st, 0), TILL_HASH_LEN);
    sqlite3_reset(st);
    if (!ok)
      return -2;
  }
  *first_out = first;
  *last_out = last;
  *head_out = head;
  return 0;
}

till_status_t
audit_handle_range(req_t *r, store_conn_t *sc)
{
  const Till__V1__AuditRangeRequest *in = r->env->audit_range_req;
  if (in->from_ms < 0 || in->to_ms < 0)
    return req_fail(r, TILL_E_INVALID, "from_ms and to_ms must not be negative");
  if (in->to_ms && in->from_ms >= in->to_ms)
    return req_fail(r, TILL_E_INVALID, "from_ms must be before to_ms");
  Till__V1__AuditRangeResponse *resp = req_alloc(r, sizeof *resp);
  uint8_t *prev = req_alloc(r, TILL_HASH_LEN);
  if (!resp || !prev)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_range_response__init(resp);
  int64_t head, first, last;
  int rc = audit_find_range(sc, in->from_ms, in->to_ms, &first, &last, &head, prev);
  if (rc == -2)
    return req_fail(r, TILL_E_INTERNAL, "transaction %lld, before the range, cannot be read",
                    (long long)(first - 1));
  if (rc != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  resp->first_id = first;
  resp->last_id = last;
  resp->head_id = head;
  resp->prev_hash.data = prev;
  resp->prev_hash.len = TILL_HASH_LEN;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_RANGE_RESP;
  r->resp.audit_range_resp = resp;
  return TILL_OK;
}
