/* waiver.c -- 减免 / 核销 / 免收: a cashier asks to waive (part of) one
 * charge with a reason and a document reference; a supervisor who is not
 * the requester approves or rejects. An approval posts kind waiver (Dr
 * waiver:<scheme> / Cr receivable:payer:<id>) through ledger_post_billing
 * and, in the same savepoint, writes the settlement (source waiver), adds
 * to charges.waived and marks the request approved. Never more than the
 * charge has open: checked when asked and again when approved. See
 * waiver.h and docs/billing.md ("Waivers"). */
#include "waiver.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "ledger.h"
#include "ledger_billing.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"

#define WAIVER_LIST_MAX 1000
#define REASON_MAX 120
#define DOC_REF_MAX 64
#define NOTE_MAX 200

enum { W_PENDING = 1, W_APPROVED = 2, W_REJECTED = 3 };

static Till__V1__WaiverState
wire_state(int s)
{
  switch (s) {
  case W_PENDING:
    return TILL__V1__WAIVER_STATE__WAIVER_PENDING;
  case W_APPROVED:
    return TILL__V1__WAIVER_STATE__WAIVER_APPROVED;
  case W_REJECTED:
    return TILL__V1__WAIVER_STATE__WAIVER_REJECTED;
  default:
    return TILL__V1__WAIVER_STATE__WAIVER_STATE_UNSPECIFIED;
  }
}

#define WAIVER_COLUMNS \
  "SELECT w.id, w.payer_id, w.charge_id, c.scheme, c.period, c.year, w.amount, w.reason," \
  " w.doc_ref, w.state, w.requested_by, w.requested_at, coalesce(w.decided_by, '')," \
  " coalesce(w.decided_at, 0), w.note, coalesce(w.txn_id, 0)," \
  " c.amount - c.paid - c.waived - c.credited" \
  " FROM waivers w JOIN charges c ON c.id = w.charge_id"
static const char sql_waiver_by_id[] = WAIVER_COLUMNS " WHERE w.id = ?";
static const char sql_waiver_list[] = WAIVER_COLUMNS
  " WHERE (?1 = 0 OR w.state = 1) AND (?2 = 0 OR w.payer_id = ?2) ORDER BY w.id LIMIT ?3";

static Till__V1__WaiverInfo *
waiver_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__WaiverInfo *w = req_alloc(r, sizeof *w);
  if (!w)
    return NULL;
  till__v1__waiver_info__init(w);
  w->id = sqlite3_column_int64(st, 0);
  w->payer_id = sqlite3_column_int64(st, 1);
  w->charge_id = sqlite3_column_int64(st, 2);
  w->scheme = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  w->period = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  w->year = sqlite3_column_int(st, 5);
  w->amount = sqlite3_column_int64(st, 6);
  w->reason = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  w->doc_ref = req_strdup(r, (const char *)sqlite3_column_text(st, 8));
  w->state = wire_state(sqlite3_column_int(st, 9));
  w->requested_by = req_strdup(r, (const char *)sqlite3_column_text(st, 10));
  w->requested_at = sqlite3_column_int64(st, 11);
  w->decided_by = req_strdup(r, (const char *)sqlite3_column_text(st, 12));
  w->decided_at = sqlite3_column_int64(st, 13);
  w->note = req_strdup(r, (const char *)sqlite3_column_text(st, 14));
  w->txn_id = sqlite3_column_int64(st, 15);
  w->charge_open = sqlite3_column_int64(st, 16);
  return w->scheme && w->period && w->reason && w->doc_ref && w->requested_by &&
             w->decided_by && w->note ? w : NULL;
}

static till_status_t
load_waiver(req_t *r, store_conn_t *sc, int64_t id, Till__V1__WaiverInfo **out)
{
  sqlite3_stmt *st = store_stmt(sc, sql_waiver_by_id);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "There is no waiver %lld.", (long long)id) != TILL_OK)
    return r->status;
  *out = waiver_from_row(r, st);
  sqlite3_reset(st);
  return *out ? TILL_OK : req_fail(r, TILL_E_INTERNAL, "out of memory");
}

/* The charge a request names: its id, its open amount and what pending
 * waivers already ask of it. */
typedef struct {
  int64_t id, open, pending;
} charge_ref_t;

static till_status_t
find_charge(req_t *r, store_conn_t *sc, const Till__V1__WaiverRequestRequest *in,
            charge_ref_t *c)
{
  static const char sql_by_id[] =
    "SELECT c.id, c.amount - c.paid - c.waived - c.credited,"
    " (SELECT coalesce(sum(w.amount), 0) FROM waivers w WHERE w.charge_id = c.id AND w.state = 1)"
    " FROM charges c WHERE c.id = ?1 AND c.payer_id = ?2";
  static const char sql_by_period[] =
    "SELECT c.id, c.amount - c.paid - c.waived - c.credited,"
    " (SELECT coalesce(sum(w.amount), 0) FROM waivers w WHERE w.charge_id = c.id AND w.state = 1)"
    " FROM charges c WHERE c.payer_id = ?2 AND c.scheme = ?3 AND c.period = ?4"
    " AND c.kind = 'charge'";
  sqlite3_stmt *st = store_stmt(sc, in->charge_id > 0 ? sql_by_id : sql_by_period);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 2, in->payer_id);
  till_status_t s;
  if (in->charge_id > 0) {
    sqlite3_bind_int64(st, 1, in->charge_id);
    s = req_row_one(r, st, TILL_E_NOT_FOUND, "Payer %lld has no charge %lld.",
                    (long long)in->payer_id, (long long)in->charge_id);
  } else {
    sqlite3_bind_text(st, 3, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->period, -1, SQLITE_STATIC);
    s = req_row_one(r, st, TILL_E_NOT_FOUND, "Payer %lld has no charge of %s for the period %s.",
                    (long long)in->payer_id, in->scheme, in->period);
  }
  if (s != TILL_OK)
    return s;
  c->id = sqlite3_column_int64(st, 0);
  c->open = sqlite3_column_int64(st, 1);
  c->pending = sqlite3_column_int64(st, 2);
  sqlite3_reset(st);
  return TILL_OK;
}

static till_status_t
check_request(req_t *r, const Till__V1__WaiverRequestRequest *in)
{
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "A waiver needs the payer's number.");
  if (in->charge_id <= 0 &&
      (req_check_text(r, "scheme", in->scheme, 24, 0) != TILL_OK ||
       req_check_text(r, "period", in->period, 32, 0) != TILL_OK))
    return r->status;
  if (in->amount <= 0 || in->amount > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "The amount to waive must be more than 0.00.");
  if (req_check_text(r, "reason", in->reason, REASON_MAX, 0) != TILL_OK ||
      req_check_text(r, "doc_ref", in->doc_ref, DOC_REF_MAX, 0) != TILL_OK)
    return r->status;
  return TILL_OK;
}

till_status_t
waiver_handle_request(req_t *r, store_conn_t *sc)
{
  static const char sql_add[] =
    "INSERT INTO waivers(payer_id, charge_id, amount, reason, doc_ref, requested_by,"
    " requested_terminal, requested_at) VALUES (?,?,?,?,?,?,?,?)";
  const Till__V1__WaiverRequestRequest *in = r->env->waiver_request_req;
  charge_ref_t c = {0};
  if (check_request(r, in) != TILL_OK || find_charge(r, sc, in, &c) != TILL_OK)
    return r->status;
  char want[TILL_MONEY_STR_MAX], open[TILL_MONEY_STR_MAX], pend[TILL_MONEY_STR_MAX];
  till_money_format(in->amount, want, sizeof want);
  till_money_format(c.open, open, sizeof open);
  till_money_format(c.pending, pend, sizeof pend);
  if (in->amount > c.open)
    return req_fail(r, TILL_E_PRECONDITION,
                    "Charge %lld has %s open; a waiver of %s would be more than that.",
                    (long long)c.id, open, want);
  if (in->amount > c.open - c.pending)
    return req_fail(r, TILL_E_PRECONDITION,
                    "Charge %lld has %s open and waivers of %s are already pending; a waiver "
                    "of %s would be more than the rest.", (long long)c.id, open, pend, want);
  sqlite3_stmt *st = store_stmt(sc, sql_add);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_int64(st, 2, c.id);
  sqlite3_bind_int64(st, 3, in->amount);
  sqlite3_bind_text(st, 4, in->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, in->doc_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, r->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, till_now());
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  Till__V1__WaiverRequestResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__waiver_request_response__init(resp);
  if (load_waiver(r, sc, sqlite3_last_insert_rowid(sc->db), &resp->waiver) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_REQUEST_RESP;
  r->resp.waiver_request_resp = resp;
  return TILL_OK;
}

/* The posting of an approved waiver <w> by the supervisor of <r>. */
static void
waiver_post(req_t *r, const Till__V1__WaiverInfo *w, const uint8_t key[TILL_KEY_LEN],
            bill_post_t *p, char *memo, size_t memolen)
{
  memset(p, 0, sizeof *p);
  memcpy(p->key, key, TILL_KEY_LEN);
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "WAIVER-V1");
  till_canon_i64(&c, w->id);
  till_canon_i64(&c, w->amount);
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, p->req_hash);
  till_canon_free(&c);
  snprintf(memo, memolen, "[%s]%s", w->doc_ref, w->reason); /* [文号]理由 */
  p->kind = LEDGER_KIND_WAIVER;
  p->terminal = r->terminal;
  p->cashier = w->requested_by;
  p->approver = r->actor.user;
  p->method = "";
  p->memo = memo;
  p->n_entries = 2;
  bill_entry_t *e = p->entries;
  snprintf(e[0].account, sizeof e[0].account, "waiver:%s", w->scheme);
  e[0].amount = w->amount;
  snprintf(e[1].account, sizeof e[1].account, LEDGER_RECEIVABLE_FMT, (long long)w->payer_id);
  e[1].amount = -w->amount;
  /* the item names the charge: "heating 2025-2026" (scheme and period are ASCII codes) */
  for (int i = 0; i < 2; i++) {
    size_t n = strnlen(w->scheme, 12);
    memcpy(e[i].item, w->scheme, n);
    e[i].item[n] = ' ';
    snprintf(e[i].item + n + 1, sizeof e[i].item - n - 1, "%.19s", w->period);
  }
}

/* The rows an approval writes after its posting <txn_id>. */
static till_status_t
waiver_rows(req_t *r, store_conn_t *sc, const Till__V1__WaiverInfo *w, int64_t txn_id,
            const char *note)
{
  static const char sql_decided[] =
    "UPDATE waivers SET state = 2, txn_id = ?1, decided_by = ?5, decided_at = ?6, note = ?7"
    " WHERE id = ?4 AND state = 1";
  static const char *const sql[] = {
    "INSERT INTO settlements(txn_id, charge_id, source, amount) VALUES (?1, ?2, 'waiver', ?3)",
    "UPDATE charges SET waived = waived + ?3 WHERE id = ?2",
    sql_decided,
  };
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
    sqlite3_stmt *st = store_stmt(sc, sql[i]);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, txn_id);
    sqlite3_bind_int64(st, 2, w->charge_id);
    sqlite3_bind_int64(st, 3, w->amount);
    if (i == 2) {
      sqlite3_bind_int64(st, 4, w->id);
      sqlite3_bind_text(st, 5, r->actor.user, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 6, till_now());
      sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
  }
  return TILL_OK;
}

/* Was the approval of <w> made with <key>? (A client's retry.) */
static int
approved_with_key(store_conn_t *sc, const Till__V1__WaiverInfo *w, const uint8_t key[TILL_KEY_LEN])
{
  static const char sql[] = "SELECT 1 FROM idempotency WHERE key = ? AND ref_id = ? AND kind = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return 0;
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, w->txn_id);
  sqlite3_bind_text(st, 3, LEDGER_KIND_WAIVER, -1, SQLITE_STATIC);
  int found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_reset(st);
  return found;
}

static till_status_t
decide_answer(req_t *r, store_conn_t *sc, int64_t id, int replayed)
{
  Till__V1__WaiverDecideResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__waiver_decide_response__init(resp);
  resp->replayed = replayed != 0;
  if (load_waiver(r, sc, id, &resp->waiver) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_RESP;
  r->resp.waiver_decide_resp = resp;
  return TILL_OK;
}

/* A decision on a waiver already decided: the same decision by the same
 * supervisor (an approval with the same key) answers it again; anything
 * else is refused. */
static till_status_t
decided_already(req_t *r, store_conn_t *sc, const Till__V1__WaiverInfo *w,
                const Till__V1__WaiverDecideRequest *in, const uint8_t key[TILL_KEY_LEN])
{
  int approved = w->state == TILL__V1__WAIVER_STATE__WAIVER_APPROVED;
  if (approved && in->approve && approved_with_key(sc, w, key))
    return decide_answer(r, sc, w->id, 1);
  if (!approved && !in->approve && strcmp(w->decided_by, r->actor.user) == 0)
    return decide_answer(r, sc, w->id, 1);
  if (approved)
    return req_fail(r, TILL_E_PRECONDITION, "Waiver %lld was already approved by %s.",
                    (long long)w->id, w->decided_by);
  return req_fail(r, TILL_E_PRECONDITION, "Waiver %lld was already rejected by %s.",
                  (long long)w->id, w->decided_by);
}

till_status_t
waiver_handle_decide(req_t *r, store_conn_t *sc)
{
  const Till__V1__WaiverDecideRequest *in = r->env->waiver_decide_req;
  uint8_t key[TILL_KEY_LEN];
  Till__V1__WaiverInfo *w;
  if (req_idem_key(r, in->idempotency_key, key) != TILL_OK ||
      req_check_text(r, "note", in->note, NOTE_MAX, 1) != TILL_OK)
    return r->status;
  if (in->waiver_id <= 0)
    return req_fail(r, TILL_E_INVALID, "A decision needs the waiver's number.");
  if (load_waiver(r, sc, in->waiver_id, &w) != TILL_OK)
    return r->status;
  if (strcmp(w->requested_by, r->actor.user) == 0) {
    req_security_event(r, "permission_denied", r->actor.user, r->terminal,
                       "decide own waiver %lld", (long long)w->id);
    return req_fail(r, TILL_E_DENIED, "Waiver %lld was asked for by you; another supervisor "
                    "must decide it.", (long long)w->id);
  }
  if (w->state != TILL__V1__WAIVER_STATE__WAIVER_PENDING)
    return decided_already(r, sc, w, in, key);
  if (!in->approve) {
    static const char sql[] = "UPDATE waivers SET state = 3, decided_by = ?, decided_at = ?,"
                              " note = ? WHERE id = ? AND state = 1";
    sqlite3_stmt *st = store_stmt(sc, sql);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_text(st, 1, r->actor.user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, till_now());
    sqlite3_bind_text(st, 3, in->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, w->id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
    return decide_answer(r, sc, w->id, 0);
  }
  if (w->amount > w->charge_open) {
    char want[TILL_MONEY_STR_MAX], open[TILL_MONEY_STR_MAX];
    till_money_format(w->amount, want, sizeof want);
    till_money_format(w->charge_open, open, sizeof open);
    return req_fail(r, TILL_E_PRECONDITION, "Waiver %lld is for %s but charge %lld has only %s "
                    "open now; reject it and ask again.", (long long)w->id, want,
                    (long long)w->charge_id, open);
  }
  static bill_post_t p; /* the writer's alone */
  char memo[DOC_REF_MAX + REASON_MAX + 3], err[256], receipt[64];
  post_result_t res;
  waiver_post(r, w, key, &p, memo, sizeof memo);
  till_status_t st = ledger_post_billing(req_ledger(r), sc, &p, &res, receipt, sizeof receipt, err,
                                         sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  if (!res.replayed && waiver_rows(r, sc, w, res.ref_id, in->note) != TILL_OK)
    return r->status;
  return decide_answer(r, sc, w->id, res.replayed);
}

typedef struct {
  Till__V1__WaiverInfo **list;
  size_t n;
} waiver_acc_t;

static till_status_t
waiver_list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  waiver_acc_t *acc = arg;
  Till__V1__WaiverInfo *w = waiver_from_row(r, st);
  if (!w)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = w;
  return TILL_OK;
}

till_status_t
waiver_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__WaiverListRequest *in = r->env->waiver_list_req;
  Till__V1__WaiverListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__WaiverInfo **list = req_alloc(r, WAIVER_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__waiver_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_waiver_list);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, in->pending_only ? 1 : 0);
  sqlite3_bind_int64(st, 2, in->payer_id > 0 ? in->payer_id : 0);
  sqlite3_bind_int(st, 3, WAIVER_LIST_MAX + 1);
  waiver_acc_t acc = {list, 0};
  int more = 0;
  if (req_rows(r, st, WAIVER_LIST_MAX, waiver_list_row, &acc, &more) != TILL_OK)
    return r->status;
  resp->waivers = list;
  resp->n_waivers = acc.n;
  resp->more = more != 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_LIST_RESP;
  r->resp.waiver_list_resp = resp;
  return TILL_OK;
}
