/* refund.c -- refund requests, decisions, payments and the list; see
 * refund.h and docs/refunds.md. */
#include "refund.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "ledger.h"
#include "ledger_refund.h"
#include "refund_hook.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"

_Static_assert(sizeof(((refund_done_t *)0)->account) ==
                 sizeof(((ledger_refund_done_t *)0)->account) &&
               sizeof(((refund_done_t *)0)->item) == sizeof(((ledger_refund_done_t *)0)->item) &&
               sizeof(((refund_leg_t *)0)->account) ==
                 sizeof(((ledger_refund_leg_t *)0)->account) &&
               sizeof(((refund_leg_t *)0)->item) == sizeof(((ledger_refund_leg_t *)0)->item),
               "the hook's and the engine's refund structs hold the same strings");

#define REFUND_LIST_MAX 500
#define REASON_MAX 200
#define REFERENCE_MAX 64
#define NOTE_MAX 200

#define SQL_REFUND                                                                             \
  "SELECT q.id, q.orig_txn_id, coalesce(j.series, ''), coalesce(j.receipt_no, 0), j.kind,"     \
  " q.amount, q.reason, q.reference, q.requested_by, q.requested_at, q.state,"                 \
  " coalesce(q.decided_by, ''), coalesce(q.decided_at, 0), q.note, coalesce(q.paid_by, ''),"   \
  " coalesce(q.paid_at, 0), q.method, coalesce(q.refund_txn_id, 0), coalesce(t.series, ''),"   \
  " coalesce(t.receipt_no, 0), q.by_lines"                                                     \
  " FROM refunds q JOIN journal j ON j.id = q.orig_txn_id"                                     \
  " LEFT JOIN journal t ON t.id = q.refund_txn_id"
static const char sql_one[] = SQL_REFUND " WHERE q.id = ?";
static const char sql_list[] =
  SQL_REFUND " WHERE (?1 = '' OR q.state = ?1) AND (?2 = 0 OR q.orig_txn_id = ?2)"
  " ORDER BY q.id LIMIT ?3";
static const char sql_lines[] =
  "SELECT item, quantity FROM refund_lines WHERE refund_id = ? ORDER BY seq";
/* the refund transaction's entries but the paid-out one (seq 1) */
static const char sql_legs[] =
  "SELECT account, amount, item, quantity, unit_price FROM entries"
  " WHERE txn_id = ? AND seq > 1 ORDER BY seq";

/* ---- reading a refund ---------------------------------------------------- */

static char *
number_of(req_t *r, const unsigned char *series, int64_t no)
{
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format(series ? (const char *)series : "", no, number, sizeof number);
  return req_strdup(r, number);
}

#define COL_TEXT(i) req_strdup(r, (const char *)sqlite3_column_text(st, (i)))

static Till__V1__Refund *
refund_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__Refund *f = req_alloc(r, sizeof *f);
  if (!f)
    return NULL;
  till__v1__refund__init(f);
  f->id = sqlite3_column_int64(st, 0);
  f->orig_txn_id = sqlite3_column_int64(st, 1);
  f->orig_number = number_of(r, sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
  f->orig_kind = COL_TEXT(4);
  f->amount = sqlite3_column_int64(st, 5);
  f->reason = COL_TEXT(6);
  f->reference = COL_TEXT(7);
  f->requested_by = COL_TEXT(8);
  f->requested_at = sqlite3_column_int64(st, 9);
  f->state = COL_TEXT(10);
  f->decided_by = COL_TEXT(11);
  f->decided_at = sqlite3_column_int64(st, 12);
  f->note = COL_TEXT(13);
  f->paid_by = COL_TEXT(14);
  f->paid_at = sqlite3_column_int64(st, 15);
  f->method = COL_TEXT(16);
  f->refund_txn_id = sqlite3_column_int64(st, 17);
  f->number = f->refund_txn_id ? number_of(r, sqlite3_column_text(st, 18),
                                           sqlite3_column_int64(st, 19))
                               : req_strdup(r, "");
  if (!f->orig_number || !f->orig_kind || !f->reason || !f->reference || !f->requested_by ||
      !f->state || !f->decided_by || !f->note || !f->paid_by || !f->method || !f->number)
    return NULL;
  return f;
}

static till_status_t
line_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__Refund *f = arg;
  Till__V1__RefundLine *l = req_alloc(r, sizeof *l);
  if (!l)
    return TILL_E_INTERNAL;
  till__v1__refund_line__init(l);
  l->item = COL_TEXT(0);
  l->quantity = sqlite3_column_int64(st, 1);
  if (!l->item)
    return TILL_E_INTERNAL;
  f->lines[f->n_lines++] = l;
  return TILL_OK;
}

static till_status_t
leg_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__Refund *f = arg;
  Till__V1__RefundLeg *l = req_alloc(r, sizeof *l);
  if (!l)
    return TILL_E_INTERNAL;
  till__v1__refund_leg__init(l);
  l->account = COL_TEXT(0);
  l->amount = sqlite3_column_int64(st, 1);
  l->item = COL_TEXT(2);
  l->quantity = sqlite3_column_int64(st, 3);
  l->unit_price = sqlite3_column_int64(st, 4);
  l->name = (char *)"";
  if (!l->account || !l->item)
    return TILL_E_INTERNAL;
  f->legs[f->n_legs++] = l;
  return TILL_OK;
}

/* Each leg's item's name from the original's domain (its hook's
 * item_name), for the slip; "" when it has none. */
static till_status_t
leg_names(req_t *r, store_conn_t *sc, Till__V1__Refund *f)
{
  const refund_hook_t *hook = refund_hook_find(f->orig_kind);
  char name[REFUND_NAME_MAX];
  if (!hook || !hook->item_name)
    return TILL_OK;
  for (size_t i = 0; i < f->n_legs; i++) {
    Till__V1__RefundLeg *l = f->legs[i];
    if (!l->item[0])
      continue;
    if (hook->item_name(r, sc, f->orig_txn_id, l->item, name, sizeof name) != TILL_OK)
      return r->status != TILL_OK ? r->status : req_fail(r, TILL_E_INTERNAL, "internal error");
    if (name[0] && !(l->name = req_strdup(r, name)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  return TILL_OK;
}

/* The lines asked, the legs posted and the original's figures of <f>. */
static till_status_t
refund_details(req_t *r, store_conn_t *sc, Till__V1__Refund *f)
{
  char err[256];
  f->lines = req_alloc(r, REFUND_MAX_LINES * sizeof *f->lines);
  f->legs = req_alloc(r, TILL_CHAIN_MAX_ENTRIES * sizeof *f->legs);
  if (!f->lines || !f->legs)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = store_stmt(sc, sql_lines);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, f->id);
  if (req_rows(r, st, REFUND_MAX_LINES, line_row, f, NULL) != TILL_OK)
    return r->status;
  if (f->refund_txn_id) {
    if (!(st = store_stmt(sc, sql_legs)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, f->refund_txn_id);
    if (req_rows(r, st, TILL_CHAIN_MAX_ENTRIES, leg_row, f, NULL) != TILL_OK)
      return r->status;
    if (leg_names(r, sc, f) != TILL_OK)
      return r->status;
  }
  till_status_t fs = ledger_refund_figures(sc, f->orig_txn_id, &f->orig_paid, &f->orig_refunded,
                                           err, sizeof err);
  return fs == TILL_OK ? TILL_OK : req_fail(r, fs, "%s", err);
}

/* Refund <id> with its details; *by_lines whether lines were asked. */
static till_status_t
refund_load(req_t *r, store_conn_t *sc, int64_t id, Till__V1__Refund **out, int *by_lines)
{
  sqlite3_stmt *st = store_stmt(sc, sql_one);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no refund %lld", (long long)id) != TILL_OK)
    return r->status;
  *out = refund_from_row(r, st);
  if (by_lines)
    *by_lines = sqlite3_column_int(st, 20);
  sqlite3_reset(st);
  if (!*out)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  return refund_details(r, sc, *out);
}

/* ---- the original and what a refund of it posts --------------------------- */

/* The numbered transaction behind "HT2026-00001234": its id and kind. */
static till_status_t
find_original(req_t *r, store_conn_t *sc, const char *number, int64_t *txn_id, char *kind,
              size_t klen)
{
  static const char sql[] = "SELECT id, kind FROM journal WHERE series = ? AND receipt_no = ?";
  char series[TILL_SERIES_PREFIX_MAX + 8];
  int64_t no;
  if (!number || strlen(number) >= TILL_RECEIPT_NO_MAX ||
      till_receipt_parse(number, series, sizeof series, &no) != 0)
    return req_fail(r, TILL_E_INVALID, "'%s' is not a receipt number like HT2026-00001234",
                    number ? number : "");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, no);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no receipt %s", number) != TILL_OK)
    return r->status;
  *txn_id = sqlite3_column_int64(st, 0);
  if (kind)
    snprintf(kind, klen, "%s", (const char *)sqlite3_column_text(st, 1));
  sqlite3_reset(st);
  return TILL_OK;
}

/* The refunds already paid on the original, into ask->done. */
static till_status_t
fill_done(req_t *r, store_conn_t *sc, refund_ask_t *ask)
{
  ledger_refund_done_t mine[REFUND_MAX_DONE];
  char err[256];
  size_t n = 0;
  till_status_t st = ledger_refunded_so_far(sc, ask->orig_txn_id, mine, REFUND_MAX_DONE, &n, err,
                                            sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  for (size_t i = 0; i < n; i++) {
    refund_done_t *o = &ask->done[i];
    memcpy(o->account, mine[i].account, sizeof o->account);
    memcpy(o->item, mine[i].item, sizeof o->item);
    o->amount = mine[i].amount;
    o->quantity = mine[i].quantity;
  }
  ask->n_done = n;
  return TILL_OK;
}

/* The legs the original's domain gives for <ask>, and their sum. */
static till_status_t
ask_legs(req_t *r, store_conn_t *sc, const refund_hook_t *hook, refund_ask_t *ask,
         refund_leg_t *legs, size_t *n, int64_t *total)
{
  *n = 0;
  *total = 0;
  if (fill_done(r, sc, ask) != TILL_OK)
    return r->status;
  if (hook->legs(r, sc, ask, legs, n) != TILL_OK)
    return r->status != TILL_OK ? r->status : req_fail(r, TILL_E_INTERNAL, "internal error");
  if (*n == 0 || *n > REFUND_MAX_LEGS)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  for (size_t i = 0; i < *n; i++)
    *total += legs[i].amount;
  return TILL_OK;
}

/* ---- request -------------------------------------------------------------- */

/* 1 if a void reverses <txn>; -1 on a database error (recorded) */
static int
voided(req_t *r, store_conn_t *sc, int64_t txn)
{
  static const char sql[] = "SELECT EXISTS (SELECT 1 FROM journal WHERE reverses = ?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error"), -1;
  sqlite3_bind_int64(st, 1, txn);
  int64_t v = 0;
  if (req_rows(r, st, 1, req_row_int64, &v, NULL) != TILL_OK)
    return -1;
  return v != 0;
}

/* What the requests not paid yet on <txn> ask. */
static till_status_t
outstanding(req_t *r, store_conn_t *sc, int64_t txn, int64_t *sum)
{
  static const char sql[] = "SELECT coalesce(sum(amount), 0) FROM refunds"
                            " WHERE orig_txn_id = ? AND state IN ('requested', 'approved')";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn);
  *sum = 0;
  return req_rows(r, st, 1, req_row_int64, sum, NULL);
}

/* The request's own checks: reason, reference, an amount or lines. */
static till_status_t
check_request(req_t *r, const Till__V1__RefundRequestRequest *in, refund_ask_t *ask)
{
  if (req_check_text(r, "reason", in->reason, REASON_MAX, 0) != TILL_OK ||
      req_check_text(r, "reference", in->reference, REFERENCE_MAX, 0) != TILL_OK)
    return r->status;
  if ((in->amount != 0) == (in->n_lines != 0))
    return req_fail(r, TILL_E_INVALID, "a refund asks back either an amount or lines, one of "
                    "the two");
  if (in->amount < 0 || in->amount > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "the refund amount must be more than 0.00 and at most "
                    "1000000000.00");
  if (in->n_lines > REFUND_MAX_LINES)
    return req_fail(r, TILL_E_INVALID, "a refund takes back at most %d lines", REFUND_MAX_LINES);
  ask->amount = in->amount;
  for (size_t i = 0; i < in->n_lines; i++) {
    const Till__V1__RefundLine *l = in->lines[i];
    if (!till_ident_ok(l->item, REFUND_ITEM_MAX))
      return req_fail(r, TILL_E_INVALID, "line %zu: item code must be 1-%d characters from "
                      "A-Z a-z 0-9 . _ -", i + 1, REFUND_ITEM_MAX);
    if (l->quantity < 1 || l->quantity > LEDGER_QTY_MAX)
      return req_fail(r, TILL_E_INVALID, "line %zu: quantity %lld is outside 1..%d", i + 1,
                      (long long)l->quantity, LEDGER_QTY_MAX);
    snprintf(ask->lines[i].item, sizeof ask->lines[i].item, "%s", l->item);
    ask->lines[i].quantity = l->quantity;
  }
  ask->n_lines = in->n_lines;
  return TILL_OK;
}

/* The amount <total> against what is left on the original and the
 * office's partial-refund setting. */
static till_status_t
check_amount(req_t *r, store_conn_t *sc, const char *number, int64_t txn, int64_t total)
{
  char err[256], a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
  int64_t in = 0, back = 0, pending = 0;
  till_status_t fs = ledger_refund_figures(sc, txn, &in, &back, err, sizeof err);
  if (fs != TILL_OK)
    return req_fail(r, fs, "%s", err);
  if (outstanding(r, sc, txn, &pending) != TILL_OK)
    return r->status;
  if (total <= 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  if (total > in - back - pending) {
    till_money_format(total, a, sizeof a);
    till_money_format(in - back - pending, b, sizeof b);
    return req_fail(r, TILL_E_PRECONDITION, "a refund of %s exceeds what is left unrefunded on "
                    "%s (%s)", a, number, b);
  }
  if (!req_config(r)->refund_partial && (total != in || back != 0 || pending != 0))
    return req_fail(r, TILL_E_PRECONDITION, "partial refunds are off at this office: only the "
                    "whole of %s can be refunded", number);
  return TILL_OK;
}

static till_status_t
insert_request(req_t *r, store_conn_t *sc, const Till__V1__RefundRequestRequest *in,
               const refund_ask_t *ask, int64_t total, int64_t *id)
{
  static const char sql_add[] =
    "INSERT INTO refunds(orig_txn_id, amount, by_lines, reason, reference, requested_by,"
    " requested_terminal, requested_at) VALUES (?,?,?,?,?,?,?,?)";
  static const char sql_line[] =
    "INSERT INTO refund_lines(refund_id, seq, item, quantity) VALUES (?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql_add);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ask->orig_txn_id);
  sqlite3_bind_int64(st, 2, total);
  sqlite3_bind_int(st, 3, ask->n_lines ? 1 : 0);
  sqlite3_bind_text(st, 4, in->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, in->reference, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, r->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, till_now());
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  *id = sqlite3_last_insert_rowid(sc->db);
  for (size_t i = 0; i < ask->n_lines; i++) {
    if (!(st = store_stmt(sc, sql_line)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, (int64_t)i + 1);
    sqlite3_bind_text(st, 3, ask->lines[i].item, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ask->lines[i].quantity);
    if ((rc = sqlite3_step(st)) != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
  }
  return TILL_OK;
}

till_status_t
refund_handle_request(req_t *r, store_conn_t *sc)
{
  const Till__V1__RefundRequestRequest *in = r->env->refund_request_req;
  static refund_ask_t ask; /* the writer's alone */
  static refund_leg_t legs[REFUND_MAX_LEGS];
  char kind[32];
  size_t n = 0;
  int64_t total = 0, id = 0;
  memset(&ask, 0, sizeof ask);
  if (check_request(r, in, &ask) != TILL_OK)
    return r->status;
  if (find_original(r, sc, in->number, &ask.orig_txn_id, kind, sizeof kind) != TILL_OK)
    return r->status;
  ask.orig_kind = kind;
  ask.orig_number = in->number;
  const refund_hook_t *hook = refund_hook_find(kind);
  if (!hook)
    return req_fail(r, TILL_E_PRECONDITION, "%s (%s) cannot be refunded: only a numbered sale "
                    "or payment can", in->number, kind);
  int v = voided(r, sc, ask.orig_txn_id);
  if (v < 0)
    return r->status;
  if (v)
    return req_fail(r, TILL_E_PRECONDITION, "%s was voided; a voided transaction cannot be "
                    "refunded", in->number);
  if (ask_legs(r, sc, hook, &ask, legs, &n, &total) != TILL_OK ||
      check_amount(r, sc, in->number, ask.orig_txn_id, total) != TILL_OK ||
      insert_request(r, sc, in, &ask, total, &id) != TILL_OK)
    return r->status;
  Till__V1__RefundRequestResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__refund_request_response__init(resp);
  if (refund_load(r, sc, id, &resp->refund, NULL) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REFUND_REQUEST_RESP;
  r->resp.refund_request_resp = resp;
  return TILL_OK;
}

/* ---- decide --------------------------------------------------------------- */

till_status_t
refund_handle_decide(req_t *r, store_conn_t *sc)
{
  static const char sql_set[] =
    "UPDATE refunds SET state = ?, decided_by = ?, decided_at = ?, note = ?"
    " WHERE id = ? AND state = 'requested'";
  const Till__V1__RefundDecideRequest *in = r->env->refund_decide_req;
  Till__V1__Refund *f;
  if (req_check_text(r, "note", in->note, NOTE_MAX, 1) != TILL_OK)
    return r->status;
  if (refund_load(r, sc, in->refund_id, &f, NULL) != TILL_OK)
    return r->status;
  if (strcmp(f->state, "requested") != 0) {
    if (strcmp(f->state, "approved") == 0)
      return req_fail(r, TILL_E_PRECONDITION, "refund %lld was already approved",
                      (long long)f->id);
    if (strcmp(f->state, "rejected") == 0)
      return req_fail(r, TILL_E_PRECONDITION, "refund %lld was already rejected",
                      (long long)f->id);
    return req_fail(r, TILL_E_PRECONDITION, "refund %lld was already paid", (long long)f->id);
  }
  if (strcmp(f->requested_by, r->actor.user) == 0) {
    req_security_event(r, "refund_self_approval", r->actor.user, r->terminal, "refund %lld",
                       (long long)f->id);
    return req_fail(r, TILL_E_DENIED, "you asked for refund %lld; a supervisor other than the "
                    "requester must decide it", (long long)f->id);
  }
  sqlite3_stmt *st = store_stmt(sc, sql_set);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->approve ? "approved" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_text(st, 4, in->note ? in->note : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, f->id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  Till__V1__RefundDecideResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__refund_decide_response__init(resp);
  if (refund_load(r, sc, f->id, &resp->refund, NULL) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_RESP;
  r->resp.refund_decide_resp = resp;
  return TILL_OK;
}

/* ---- pay ------------------------------------------------------------------ */

static void
pay_hash(const req_t *r, int64_t id, int to_original, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "REFUND-PAY-V1");
  till_canon_str(&c, r->terminal);
  till_canon_str(&c, r->actor.user);
  till_canon_i64(&c, id);
  till_canon_i64(&c, to_original ? 1 : 0);
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

/* The ask of an approved request <f>, as it was made. */
static till_status_t
ask_of(req_t *r, const Till__V1__Refund *f, int by_lines, refund_ask_t *ask)
{
  memset(ask, 0, sizeof *ask);
  ask->refund_id = f->id;
  ask->orig_txn_id = f->orig_txn_id;
  ask->orig_kind = f->orig_kind;
  ask->orig_number = f->orig_number;
  if (!by_lines) {
    ask->amount = f->amount;
    return TILL_OK;
  }
  if (f->n_lines == 0 || f->n_lines > REFUND_MAX_LINES)
    return req_fail(r, TILL_E_INTERNAL, "refund %lld has no lines", (long long)f->id);
  for (size_t i = 0; i < f->n_lines; i++) {
    snprintf(ask->lines[i].item, sizeof ask->lines[i].item, "%s", f->lines[i]->item);
    ask->lines[i].quantity = f->lines[i]->quantity;
  }
  ask->n_lines = f->n_lines;
  return TILL_OK;
}

static till_status_t
pay_answer(req_t *r, store_conn_t *sc, int64_t id, int replayed)
{
  Till__V1__RefundPayResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__refund_pay_response__init(resp);
  resp->replayed = replayed != 0;
  resp->office = req_strdup(r, req_config(r)->office);
  if (refund_load(r, sc, id, &resp->refund, NULL) != TILL_OK)
    return r->status;
  till_txn_t t;
  char buf[8192], code[10] = "";
  uint8_t h[TILL_HASH_LEN];
  if (ledger_load_txn(sc, resp->refund->refund_txn_id, &t, h, buf, sizeof buf) != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  till_chain_verify_code(h, code);
  resp->verify_code = req_strdup(r, code);
  resp->at_ms = t.at_ms;
  if (!resp->office || !resp->verify_code)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REFUND_PAY_RESP;
  r->resp.refund_pay_resp = resp;
  return TILL_OK;
}

till_status_t
refund_handle_pay(req_t *r, store_conn_t *sc)
{
  const Till__V1__RefundPayRequest *in = r->env->refund_pay_req;
  static refund_post_t p; /* the writer's alone */
  static refund_ask_t ask;
  static refund_leg_t legs[REFUND_MAX_LEGS];
  Till__V1__Refund *f;
  int by_lines = 0;
  size_t n = 0;
  int64_t total = 0;
  char err[256];
  memset(&p, 0, sizeof p);
  memset(&ask, 0, sizeof ask);
  if (req_idem_key(r, in->idempotency_key, p.key) != TILL_OK)
    return r->status;
  if (refund_load(r, sc, in->refund_id, &f, &by_lines) != TILL_OK)
    return r->status;
  const refund_hook_t *hook = refund_hook_find(f->orig_kind);
  if (strcmp(f->state, "approved") == 0) {
    if (!hook)
      return req_fail(r, TILL_E_PRECONDITION, "%s (%s) cannot be refunded: only a numbered "
                      "sale or payment can", f->orig_number, f->orig_kind);
    if (ask_of(r, f, by_lines, &ask) != TILL_OK ||
        ask_legs(r, sc, hook, &ask, legs, &n, &total) != TILL_OK)
      return r->status;
    for (size_t i = 0; i < n; i++) {
      ledger_refund_leg_t *l = &p.legs[i];
      memcpy(l->account, legs[i].account, sizeof l->account);
      memcpy(l->item, legs[i].item, sizeof l->item);
      l->amount = legs[i].amount;
      l->quantity = legs[i].quantity;
      l->unit_price = legs[i].unit_price;
    }
    p.n_legs = n;
  }
  pay_hash(r, f->id, in->to_original, p.req_hash);
  p.refund_id = f->id;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  p.to_original = in->to_original != 0;
  p.partial_allowed = req_config(r)->refund_partial;
  post_result_t res;
  till_status_t pst = ledger_post_refund(req_ledger(r), sc, &p, &res, NULL, 0, err, sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && hook && hook->posted &&
      hook->posted(r, sc, &ask, legs, n, res.ref_id) != TILL_OK)
    return r->status != TILL_OK ? r->status : req_fail(r, TILL_E_INTERNAL, "internal error");
  return pay_answer(r, sc, f->id, res.replayed);
}

/* ---- list ----------------------------------------------------------------- */

typedef struct {
  Till__V1__Refund **list;
  size_t n;
} refund_acc_t;

static till_status_t
list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  refund_acc_t *acc = arg;
  Till__V1__Refund *f = refund_from_row(r, st);
  if (!f)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = f;
  return TILL_OK;
}

till_status_t
refund_handle_list(req_t *r, store_conn_t *sc)
{
  static const char *const states[] = {"", "requested", "approved", "rejected", "paid"};
  const Till__V1__RefundListRequest *in = r->env->refund_list_req;
  const char *state = in->state ? in->state : "";
  int64_t orig = 0;
  size_t s = 0;
  r->skip_write = 1;
  while (s < sizeof states / sizeof states[0] && strcmp(states[s], state) != 0)
    s++;
  if (s == sizeof states / sizeof states[0])
    return req_fail(r, TILL_E_INVALID, "state must be requested, approved, rejected or paid");
  if (in->number && in->number[0] &&
      find_original(r, sc, in->number, &orig, NULL, 0) != TILL_OK)
    return r->status;
  Till__V1__RefundListResponse *resp = req_alloc(r, sizeof *resp);
  refund_acc_t acc = {req_alloc(r, REFUND_LIST_MAX * sizeof *acc.list), 0};
  if (!resp || !acc.list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__refund_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_list);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, orig);
  sqlite3_bind_int(st, 3, REFUND_LIST_MAX);
  if (req_rows(r, st, REFUND_LIST_MAX, list_row, &acc, NULL) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < acc.n; i++)
    if (refund_details(r, sc, acc.list[i]) != TILL_OK)
      return r->status;
  resp->refunds = acc.list;
  resp->n_refunds = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REFUND_LIST_RESP;
  r->resp.refund_list_resp = resp;
  return TILL_OK;
}
