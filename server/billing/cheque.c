/* cheque.c -- cheques (支票): a cheque payment is pending until a
 * supervisor records the bank's answer. Cleared: cheque_clear, Dr bank /
 * Cr clearing:cheque. Bounced: cheque_bounce, reversing the payment (Cr
 * clearing:cheque, Dr receivable:payer:<id> per charge it settled, Dr
 * prepaid:payer:<id> for what it credited there), and the charges it
 * settled open again (settlements source 'reversal', charges.paid less).
 * See payment.h and docs/billing.md "Cheques". */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "ledger.h"
#include "ledger_billing.h"
#include "till_chain.h"
#include "till_util.h"

#define CHEQUE_LIST_MAX 1000
#define REASON_MAX 200

#define SQL_CHEQUE \
  "SELECT c.id, c.txn_id, coalesce(j.series, ''), coalesce(j.receipt_no, 0), p.payer_id," \
  " p.amount, p.reference, c.state, j.cashier, j.at_ms / 1000, coalesce(c.decided_by, '')," \
  " coalesce(c.decided_at, 0), coalesce(c.decide_txn_id, 0), c.reason, p.to_prepaid" \
  " FROM cheques c JOIN payments p ON p.txn_id = c.txn_id JOIN journal j ON j.id = c.txn_id"
static const char sql_one[] = SQL_CHEQUE " WHERE c.id = ?";
static const char sql_list[] =
  SQL_CHEQUE " WHERE (?1 = 0 OR c.state = 'pending') ORDER BY c.id LIMIT ?2";

static Till__V1__Cheque *
cheque_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__Cheque *c = req_alloc(r, sizeof *c);
  if (!c)
    return NULL;
  till__v1__cheque__init(c);
  c->id = sqlite3_column_int64(st, 0);
  c->txn_id = sqlite3_column_int64(st, 1);
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format((const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
                      number, sizeof number);
  c->number = req_strdup(r, number);
  c->payer_id = sqlite3_column_int64(st, 4);
  c->amount = sqlite3_column_int64(st, 5);
  c->reference = req_strdup(r, (const char *)sqlite3_column_text(st, 6));
  c->state = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  c->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 8));
  c->received_at = sqlite3_column_int64(st, 9);
  c->decided_by = req_strdup(r, (const char *)sqlite3_column_text(st, 10));
  c->decided_at = sqlite3_column_int64(st, 11);
  c->decide_txn_id = sqlite3_column_int64(st, 12);
  c->reason = req_strdup(r, (const char *)sqlite3_column_text(st, 13));
  return c->number && c->reference && c->state && c->cashier && c->decided_by && c->reason ? c
                                                                                           : NULL;
}

/* The cheque <id>, and what its payment credited to prepaid. */
static till_status_t
cheque_load(req_t *r, store_conn_t *sc, int64_t id, Till__V1__Cheque **out, int64_t *to_prepaid)
{
  sqlite3_stmt *st = store_stmt(sc, sql_one);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no cheque %lld", (long long)id) != TILL_OK)
    return r->status;
  *out = cheque_from_row(r, st);
  if (to_prepaid)
    *to_prepaid = sqlite3_column_int64(st, 14);
  sqlite3_reset(st);
  return *out ? TILL_OK : req_fail(r, TILL_E_INTERNAL, "out of memory");
}

static void
decide_hash(const req_t *r, const char *what, int64_t id, const char *reason, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, what);
  till_canon_str(&c, r->terminal);
  till_canon_str(&c, r->actor.user);
  till_canon_i64(&c, id);
  till_canon_str(&c, reason);
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

/* A cheque no longer pending: the answer to a replay of the request that
 * decided it, else a refusal naming its state. */
static till_status_t
decided_already(req_t *r, store_conn_t *sc, const Till__V1__Cheque *c, const uint8_t key[16],
                const char *kind)
{
  static const char sql[] = "SELECT ref_id, kind FROM idempotency WHERE key = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int mine = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == c->decide_txn_id &&
             strcmp((const char *)sqlite3_column_text(st, 1), kind) == 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  if (mine)
    return TILL_OK;
  if (strcmp(c->state, "cleared") == 0)
    return req_fail(r, TILL_E_PRECONDITION, "cheque %lld has already cleared", (long long)c->id);
  return req_fail(r, TILL_E_PRECONDITION, "cheque %lld has already bounced", (long long)c->id);
}

static till_status_t
mark_decided(req_t *r, store_conn_t *sc, int64_t id, const char *state, int64_t txn,
             const char *reason)
{
  static const char sql[] =
    "UPDATE cheques SET state = ?, decided_by = ?, decided_at = ?, decide_txn_id = ?,"
    " reason = ? WHERE id = ? AND state = 'pending'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_int64(st, 4, txn);
  sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  return TILL_OK;
}

static till_status_t
decide_answer(req_t *r, store_conn_t *sc, int64_t id, int replayed, int bounce)
{
  Till__V1__ChequeDecideResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__cheque_decide_response__init(resp);
  resp->replayed = replayed != 0;
  if (cheque_load(r, sc, id, &resp->cheque, NULL) != TILL_OK)
    return r->status;
  if (bounce && payment_lines(r, sc, resp->cheque->decide_txn_id, "reversal", &resp->reopened,
                              &resp->n_reopened) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_CHEQUE_DECIDE_RESP;
  r->resp.cheque_decide_resp = resp;
  return TILL_OK;
}

till_status_t
cheque_handle_clear(req_t *r, store_conn_t *sc)
{
  const Till__V1__ChequeClearRequest *in = r->env->cheque_clear_req;
  static bill_post_t bp; /* the writer's alone */
  Till__V1__Cheque *c;
  char err[256];
  memset(&bp, 0, sizeof bp);
  if (req_idem_key(r, in->idempotency_key, bp.key) != TILL_OK)
    return r->status;
  if (cheque_load(r, sc, in->cheque_id, &c, NULL) != TILL_OK)
    return r->status;
  if (strcmp(c->state, "pending") != 0) {
    if (decided_already(r, sc, c, bp.key, LEDGER_KIND_CHEQUE_CLEAR) != TILL_OK)
      return r->status;
    return decide_answer(r, sc, c->id, 1, 0);
  }
  decide_hash(r, "CHEQUE-CLEAR-V1", c->id, "", bp.req_hash);
  bp.kind = LEDGER_KIND_CHEQUE_CLEAR;
  bp.terminal = r->terminal;
  bp.cashier = r->actor.user;
  bp.method = "cheque";
  bp.memo = c->reference;
  bp.approver = "";
  snprintf(bp.entries[0].account, sizeof bp.entries[0].account, "bank");
  bp.entries[0].amount = c->amount;
  snprintf(bp.entries[1].account, sizeof bp.entries[1].account, "clearing:cheque");
  bp.entries[1].amount = -c->amount;
  bp.n_entries = 2;
  post_result_t res;
  till_status_t pst = ledger_post_billing(req_ledger(r), sc, &bp, &res, NULL, 0, err, sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && mark_decided(r, sc, c->id, "cleared", res.ref_id, "") != TILL_OK)
    return r->status;
  return decide_answer(r, sc, c->id, res.replayed, 0);
}

/* The payment's credits to the payer's receivable (one per charge, with
 * the charge) become debits: the bounce's entries and its settlements. */
typedef struct {
  int64_t charge[LEDGER_BILL_MAX_ENTRIES];
  int64_t amount[LEDGER_BILL_MAX_ENTRIES];
  size_t n;
} reopen_t;

static till_status_t
reopen_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  reopen_t *ro = arg;
  ro->charge[ro->n] = sqlite3_column_int64(st, 0);
  ro->amount[ro->n] = sqlite3_column_int64(st, 1);
  ro->n++;
  return TILL_OK;
}

till_status_t
payment_reopen_charges(req_t *r, store_conn_t *sc, const int64_t *charge, const int64_t *amount,
                       size_t n, int64_t txn)
{
  static const char sql_settle[] =
    "INSERT INTO settlements(txn_id, charge_id, source, amount) VALUES (?,?,'reversal',?)";
  static const char sql_paid[] = "UPDATE charges SET paid = paid - ? WHERE id = ?";
  for (size_t i = 0; i < n; i++) {
    sqlite3_stmt *st = store_stmt(sc, sql_settle);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, txn);
    sqlite3_bind_int64(st, 2, charge[i]);
    sqlite3_bind_int64(st, 3, -amount[i]);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
    if (!(st = store_stmt(sc, sql_paid)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, amount[i]);
    sqlite3_bind_int64(st, 2, charge[i]);
    if ((rc = sqlite3_step(st)) != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
  }
  return TILL_OK;
}

till_status_t
payment_charge_item(req_t *r, store_conn_t *sc, int64_t charge, char *item, size_t len)
{
  static const char sql[] = "SELECT scheme || ':' || period FROM charges WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, charge);
  if (req_row_one(r, st, TILL_E_INTERNAL, "charge %lld not found", (long long)charge) != TILL_OK)
    return r->status;
  snprintf(item, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  return TILL_OK;
}

/* The bounce's entries: Cr clearing:cheque, Dr receivable per charge (the
 * payment's item), Dr prepaid for what the payment credited there. */
static till_status_t
bounce_entries(req_t *r, store_conn_t *sc, const Till__V1__Cheque *c, int64_t to_prepaid,
               reopen_t *ro, bill_post_t *bp)
{
  static const char sql[] =
    "SELECT s.charge_id, s.amount FROM settlements s"
    " WHERE s.txn_id = ? AND s.source = 'payment' ORDER BY s.id";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, c->txn_id);
  if (req_rows(r, st, LEDGER_BILL_MAX_ENTRIES - 2, reopen_row, ro, NULL) != TILL_OK)
    return r->status;
  snprintf(bp->entries[0].account, sizeof bp->entries[0].account, "clearing:cheque");
  bp->entries[0].amount = -c->amount;
  size_t k = 1;
  for (size_t i = 0; i < ro->n; i++, k++) {
    snprintf(bp->entries[k].account, sizeof bp->entries[k].account, LEDGER_RECEIVABLE_FMT,
             (long long)c->payer_id);
    bp->entries[k].amount = ro->amount[i];
    bp->entries[k].quantity = 1;
  }
  if (to_prepaid > 0) {
    snprintf(bp->entries[k].account, sizeof bp->entries[k].account, LEDGER_PREPAID_FMT,
             (long long)c->payer_id);
    bp->entries[k].amount = to_prepaid;
    snprintf(bp->entries[k].item, sizeof bp->entries[k].item, "prepaid");
    k++;
  }
  bp->n_entries = k;
  return TILL_OK;
}

/* the item of each reopened charge, as the payment had it */
static till_status_t
bounce_items(req_t *r, store_conn_t *sc, const reopen_t *ro, bill_post_t *bp)
{
  for (size_t i = 0; i < ro->n; i++)
    if (payment_charge_item(r, sc, ro->charge[i], bp->entries[i + 1].item,
                            sizeof bp->entries[i + 1].item) != TILL_OK)
      return r->status;
  return TILL_OK;
}

till_status_t
cheque_handle_bounce(req_t *r, store_conn_t *sc)
{
  const Till__V1__ChequeBounceRequest *in = r->env->cheque_bounce_req;
  static bill_post_t bp; /* the writer's alone */
  static reopen_t ro;
  Till__V1__Cheque *c;
  int64_t to_prepaid = 0;
  char err[256];
  memset(&bp, 0, sizeof bp);
  memset(&ro, 0, sizeof ro);
  if (req_idem_key(r, in->idempotency_key, bp.key) != TILL_OK)
    return r->status;
  if (req_check_text(r, "reason", in->reason, REASON_MAX, 0) != TILL_OK)
    return r->status;
  if (cheque_load(r, sc, in->cheque_id, &c, &to_prepaid) != TILL_OK)
    return r->status;
  if (strcmp(c->state, "pending") != 0) {
    if (decided_already(r, sc, c, bp.key, LEDGER_KIND_CHEQUE_BOUNCE) != TILL_OK)
      return r->status;
    return decide_answer(r, sc, c->id, 1, 1);
  }
  if (bounce_entries(r, sc, c, to_prepaid, &ro, &bp) != TILL_OK ||
      bounce_items(r, sc, &ro, &bp) != TILL_OK)
    return r->status;
  decide_hash(r, "CHEQUE-BOUNCE-V1", c->id, in->reason, bp.req_hash);
  bp.kind = LEDGER_KIND_CHEQUE_BOUNCE;
  bp.terminal = r->terminal;
  bp.cashier = r->actor.user;
  bp.method = "cheque";
  bp.memo = in->reason;
  bp.approver = "";
  bp.reverses = c->txn_id;
  post_result_t res;
  till_status_t pst = ledger_post_billing(req_ledger(r), sc, &bp, &res, NULL, 0, err, sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && (payment_reopen_charges(r, sc, ro.charge, ro.amount, ro.n, res.ref_id) !=
                              TILL_OK ||
                        mark_decided(r, sc, c->id, "bounced", res.ref_id, in->reason) != TILL_OK))
    return r->status;
  return decide_answer(r, sc, c->id, res.replayed, 1);
}

typedef struct {
  Till__V1__Cheque **list;
  size_t n;
} cheque_acc_t;

static till_status_t
list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  cheque_acc_t *acc = arg;
  Till__V1__Cheque *c = cheque_from_row(r, st);
  if (!c)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = c;
  return TILL_OK;
}

till_status_t
cheque_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__ChequeListRequest *in = r->env->cheque_list_req;
  r->skip_write = 1;
  Till__V1__ChequeListResponse *resp = req_alloc(r, sizeof *resp);
  cheque_acc_t acc = {req_alloc(r, CHEQUE_LIST_MAX * sizeof *acc.list), 0};
  if (!resp || !acc.list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__cheque_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_list);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, in->pending_only ? 1 : 0);
  sqlite3_bind_int(st, 2, CHEQUE_LIST_MAX);
  if (req_rows(r, st, CHEQUE_LIST_MAX, list_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->cheques = acc.list;
  resp->n_cheques = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_CHEQUE_LIST_RESP;
  r->resp.cheque_list_resp = resp;
  return TILL_OK;
}
