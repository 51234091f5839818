/* sales.c -- sale, receipt and void handlers; see sales.h. */
#include "sales.h"

#include <stdio.h>
#include <string.h>

#include "request.h"
#include "ledger.h"
#include "till_chain.h"
#include "till_log.h"
#include "till_util.h"
#include "till_wire.h"

#define VOID_LIST_MAX 1000

static const char sql_receipt[] =
  "SELECT j.kind, j.at_ms, j.terminal_id, j.cashier, coalesce(j.series, ''),"
  " coalesce(j.receipt_no, 0), j.method, j.memo, j.tendered, j.hash,"
  " (SELECT count(*) FROM reprints p WHERE p.txn_id = j.id),"
  " coalesce((SELECT v.id FROM journal v WHERE v.reverses = j.id), 0),"
  " coalesce((SELECT w.reason FROM void_requests w WHERE w.txn_id = j.id AND w.state = 2), '')"
  " FROM journal j WHERE j.id = ?";
static const char sql_lines[] =
  "SELECT e.item, coalesce(f.name, e.item), e.quantity, e.unit_price, -e.amount"
  " FROM entries e LEFT JOIN fee_items f ON f.code = e.item"
  " WHERE e.txn_id = ? AND e.item != '' ORDER BY e.seq";
/* the payment entries (no item), one per part, in posting order */
static const char sql_parts[] =
  "SELECT e.account, e.amount FROM entries e WHERE e.txn_id = ? AND e.item = '' ORDER BY e.seq";
static const char sql_find_receipt[] =
  "SELECT id, kind FROM journal WHERE series = ? AND receipt_no = ?";

/* rows: item, name, quantity, unit price, amount -- a line of the receipt */
static till_status_t
line_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__Receipt *rc = arg;
  Till__V1__ReceiptLine *l = req_alloc(r, sizeof *l);
  if (!l)
    return TILL_E_INTERNAL;
  till__v1__receipt_line__init(l);
  l->item = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  l->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  l->quantity = sqlite3_column_int64(st, 2);
  l->unit_price = sqlite3_column_int64(st, 3);
  l->amount = sqlite3_column_int64(st, 4);
  if (!l->item || !l->name)
    return TILL_E_INTERNAL;
  rc->total += l->amount;
  rc->lines[rc->n_lines++] = l;
  return TILL_OK;
}

/* rows: account, amount -- a payment part of the receipt */
static till_status_t
part_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__Receipt *rc = arg;
  const char *account = (const char *)sqlite3_column_text(st, 0);
  int m = account ? ledger_account_method(account) : 0;
  if (!m)
    return req_fail(r, TILL_E_INTERNAL, "receipt %lld: payment entry on %s is no payment account",
                    (long long)rc->txn_id, account ? account : "?");
  Till__V1__MethodAmount *p = req_alloc(r, sizeof *p);
  if (!p)
    return TILL_E_INTERNAL;
  till__v1__method_amount__init(p);
  p->method = till_wire_method(m);
  p->amount = sqlite3_column_int64(st, 1);
  rc->payments[rc->n_payments++] = p;
  return TILL_OK;
}

/* The receipt's payment parts, its method (the one part's, or UNSPECIFIED
 * for a split payment) and the change, from its payment entries and
 * journal.tendered (the cash part's). */
static till_status_t
receipt_parts(req_t *r, store_conn_t *sc, Till__V1__Receipt *rc)
{
  sqlite3_stmt *st = store_stmt(sc, sql_parts);
  rc->payments = req_alloc(r, LEDGER_MAX_PARTS * sizeof *rc->payments);
  if (!st || !rc->payments) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  sqlite3_bind_int64(st, 1, rc->txn_id);
  int more;
  if (req_rows(r, st, LEDGER_MAX_PARTS, part_row, rc, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_INTERNAL, "receipt %lld has more payment entries than a sale can "
                    "have", (long long)rc->txn_id);
  if (rc->n_payments == 0)
    return req_fail(r, TILL_E_INTERNAL, "receipt %lld has no payment entry",
                    (long long)rc->txn_id);
  rc->method = rc->n_payments == 1 ? rc->payments[0]->method
                                   : TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED;
  rc->change = 0;
  for (size_t i = 0; i < rc->n_payments; i++)
    if (rc->payments[i]->method == TILL__V1__PAYMENT_METHOD__METHOD_CASH && rc->tendered)
      rc->change = rc->tendered - rc->payments[i]->amount;
  return TILL_OK;
}

/* Build the Receipt of transaction <txn_id> in r's arena. */
static till_status_t
receipt_build(req_t *r, store_conn_t *sc, int64_t txn_id, int copy, Till__V1__Receipt **out)
{
  Till__V1__Receipt *rc = req_alloc(r, sizeof *rc);
  if (!rc)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__receipt__init(rc);
  sqlite3_stmt *st = store_stmt(sc, sql_receipt);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld not found", (long long)txn_id) !=
      TILL_OK)
    return r->status;
  rc->txn_id = txn_id;
  rc->at_ms = sqlite3_column_int64(st, 1);
  rc->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  rc->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  rc->series = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  rc->receipt_no = sqlite3_column_int64(st, 5);
  rc->memo = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  rc->office = req_strdup(r, req_config(r)->office);
  rc->tendered = sqlite3_column_int64(st, 8);
  char code[10] = "";
  if (sqlite3_column_bytes(st, 9) == TILL_HASH_LEN)
    till_chain_verify_code(sqlite3_column_blob(st, 9), code);
  rc->verify_code = req_strdup(r, code);
  rc->reprint_count = sqlite3_column_int(st, 10);
  rc->void_txn_id = sqlite3_column_int64(st, 11);
  rc->voided = rc->void_txn_id != 0;
  rc->void_reason = req_strdup(r, (const char *)sqlite3_column_text(st, 12));
  sqlite3_reset(st);
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format(rc->series, rc->receipt_no, number, sizeof number);
  rc->number = req_strdup(r, number);
  rc->copy = copy != 0;

  st = store_stmt(sc, sql_lines);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  rc->lines = req_alloc(r, TILL_CHAIN_MAX_ENTRIES * sizeof *rc->lines);
  if (!rc->lines) {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  /* a transaction has at most TILL_CHAIN_MAX_ENTRIES entries */
  if (req_rows(r, st, TILL_CHAIN_MAX_ENTRIES, line_row, rc, NULL) != TILL_OK)
    return r->status;
  if (!rc->terminal_id || !rc->cashier || !rc->series || !rc->number || !rc->verify_code)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (receipt_parts(r, sc, rc) != TILL_OK)
    return r->status;
  *out = rc;
  return TILL_OK;
}

/* Find the sale behind "HT2026-00001234". */
static till_status_t
find_receipt(req_t *r, store_conn_t *sc, const char *number, int64_t *txn_id)
{
  char series[TILL_SERIES_PREFIX_MAX + 8];
  int64_t no;
  if (number && strlen(number) >= TILL_RECEIPT_NO_MAX)
    return req_fail(r, TILL_E_INVALID, "receipt number is longer than %d bytes",
                    TILL_RECEIPT_NO_MAX - 1);
  if (!number || till_receipt_parse(number, series, sizeof series, &no) != 0)
    return req_fail(r, TILL_E_INVALID, "'%s' is not a receipt number like HT2026-00001234",
                    number ? number : "");
  sqlite3_stmt *st = store_stmt(sc, sql_find_receipt);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, no);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no receipt %s", number) != TILL_OK)
    return r->status;
  *txn_id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
sales_handle_sale(req_t *r, store_conn_t *sc)
{
  const Till__V1__SaleRequest *in = r->env->sale_req;
  sale_req_t req;
  post_result_t res;
  char err[256];
  memset(&req, 0, sizeof req);
  if (req_idem_key(r, in->idempotency_key, req.key) != TILL_OK)
    return r->status;
  if (in->n_lines == 0 || in->n_lines > LEDGER_MAX_LINES)
    return req_fail(r, TILL_E_INVALID, "a sale needs 1 to %d lines", LEDGER_MAX_LINES);
  for (size_t i = 0; i < in->n_lines; i++) {
    const Till__V1__SaleLine *l = in->lines[i];
    if (!till_ident_ok(l->item, LEDGER_ITEM_MAX))
      return req_fail(r, TILL_E_INVALID, "line %zu: item code must be 1-%d characters from "
                      "A-Z a-z 0-9 . _ -", i + 1, LEDGER_ITEM_MAX);
    snprintf(req.lines[i].item, sizeof req.lines[i].item, "%s", l->item);
    req.lines[i].quantity = l->quantity;
  }
  req.n_lines = in->n_lines;
  if (in->n_payments == 0) {
    int method = till_wire_method_of(in->method);
    if (!method)
      return req_fail(r, TILL_E_INVALID, "payment method is required (cash, card, wechat, "
                      "alipay, transfer, cheque, subsidy)");
    req.method = (till_method_t)method;
    if (in->tendered < 0 || in->tendered > LEDGER_TOTAL_MAX)
      return req_fail(r, TILL_E_INVALID, "tendered must be 0 to 1000000000.00");
    req.tendered = in->tendered;
  } else {
    if (in->method != TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED || in->tendered != 0)
      return req_fail(r, TILL_E_INVALID, "give either a payment method (with tendered) or "
                      "payment parts, not both");
    if (in->n_payments > LEDGER_MAX_PARTS)
      return req_fail(r, TILL_E_INVALID, "a sale has at most %d payment parts, one per method",
                      LEDGER_MAX_PARTS);
    /* the engine checks the parts; an unknown method reaches it as 0 */
    for (size_t i = 0; i < in->n_payments; i++) {
      const Till__V1__PaymentPart *p = in->payments[i];
      req.parts[i] = (sale_part_t){(till_method_t)till_wire_method_of(p->method), p->amount,
                                   p->tendered};
    }
    req.n_parts = in->n_payments;
  }
  if (req_check_text(r, "memo", in->memo, LEDGER_MEMO_MAX, 1) != TILL_OK)
    return r->status;
  req.memo = in->memo;
  req.terminal = r->terminal;
  req.cashier = r->actor.user;

  till_status_t st = ledger_post_sale(req_ledger(r), sc, &req, &res, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  Till__V1__SaleResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__sale_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (receipt_build(r, sc, res.ref_id, 0, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_SALE_RESP;
  r->resp.sale_resp = resp;
  return TILL_OK;
}

till_status_t
sales_handle_receipt_read(req_t *r, store_conn_t *sc)
{
  const Till__V1__ReceiptGetRequest *in = r->env->receipt_get_req;
  int64_t txn_id;
  if (in->reprint) {
    /* a reprint is counted, so it is written: cashiers and supervisors only */
    if (!(r->actor.roles & (ROLES_CASHIER | ROLES_SUPERVISOR))) {
      req_security_event(r, "permission_denied", r->actor.user, r->terminal, "receipt reprint");
      return req_fail(r, TILL_E_DENIED, "receipt reprint: your roles do not allow this request");
    }
    return find_receipt(r, sc, in->number, &txn_id); /* on to the writer */
  }
  r->skip_write = 1;
  if (find_receipt(r, sc, in->number, &txn_id) != TILL_OK)
    return r->status;
  Till__V1__ReceiptGetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__receipt_get_response__init(resp);
  if (receipt_build(r, sc, txn_id, 0, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_RECEIPT_GET_RESP;
  r->resp.receipt_get_resp = resp;
  return TILL_OK;
}

till_status_t
sales_handle_receipt_reprint(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO reprints(txn_id, at, user_name, terminal_id) VALUES (?,?,?,?)";
  const Till__V1__ReceiptGetRequest *in = r->env->receipt_get_req;
  int64_t txn_id;
  if (find_receipt(r, sc, in->number, &txn_id) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  sqlite3_bind_int64(st, 2, till_now());
  sqlite3_bind_text(st, 3, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->terminal, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__ReceiptGetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__receipt_get_response__init(resp);
  if (receipt_build(r, sc, txn_id, 1, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_RECEIPT_GET_RESP;
  r->resp.receipt_get_resp = resp;
  return TILL_OK;
}

static const char sql_void_by_id[] =
  "SELECT w.id, w.txn_id, w.reason, w.requested_by, w.requested_at, w.state,"
  " coalesce(w.decided_by, ''), coalesce(w.decided_at, 0), w.note,"
  " coalesce(w.reversal_txn_id, 0), j.series, j.receipt_no,"
  " (SELECT coalesce(sum(e.amount), 0) FROM entries e WHERE e.txn_id = j.id AND e.amount > 0)"
  " FROM void_requests w JOIN journal j ON j.id = w.txn_id WHERE w.id = ?";
static const char sql_void_list[] =
  "SELECT w.id, w.txn_id, w.reason, w.requested_by, w.requested_at, w.state,"
  " coalesce(w.decided_by, ''), coalesce(w.decided_at, 0), w.note,"
  " coalesce(w.reversal_txn_id, 0), j.series, j.receipt_no,"
  " (SELECT coalesce(sum(e.amount), 0) FROM entries e WHERE e.txn_id = j.id AND e.amount > 0)"
  " FROM void_requests w JOIN journal j ON j.id = w.txn_id"
  " WHERE (?1 = 0 OR w.state = ?1) ORDER BY w.id LIMIT ?2";

static Till__V1__VoidInfo *
void_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__VoidInfo *v = req_alloc(r, sizeof *v);
  if (!v)
    return NULL;
  till__v1__void_info__init(v);
  v->id = sqlite3_column_int64(st, 0);
  v->txn_id = sqlite3_column_int64(st, 1);
  v->reason = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  v->requested_by = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  v->requested_at = sqlite3_column_int64(st, 4);
  v->state = till_wire_void_state(sqlite3_column_int(st, 5));
  v->decided_by = req_strdup(r, (const char *)sqlite3_column_text(st, 6));
  v->decided_at = sqlite3_column_int64(st, 7);
  v->note = req_strdup(r, (const char *)sqlite3_column_text(st, 8));
  v->reversal_txn_id = sqlite3_column_int64(st, 9);
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format((const char *)sqlite3_column_text(st, 10), sqlite3_column_int64(st, 11),
                      number, sizeof number);
  v->number = req_strdup(r, number);
  v->amount = sqlite3_column_int64(st, 12);
  return v->reason && v->requested_by && v->decided_by && v->note && v->number ? v : NULL;
}

till_status_t
sales_load_void(req_t *r, store_conn_t *sc, int64_t id, Till__V1__VoidInfo **out)
{
  sqlite3_stmt *st = store_stmt(sc, sql_void_by_id);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no void request %lld", (long long)id) != TILL_OK)
    return r->status;
  *out = void_from_row(r, st);
  sqlite3_reset(st);
  return *out ? TILL_OK : req_fail(r, TILL_E_INTERNAL, "out of memory");
}

till_status_t
sales_handle_void_request(req_t *r, store_conn_t *sc)
{
  static const char sql_kind[] =
    "SELECT kind, EXISTS (SELECT 1 FROM journal v WHERE v.reverses = j.id) FROM journal j WHERE id = ?";
  static const char sql_open[] =
    "SELECT state FROM void_requests WHERE txn_id = ? AND state IN (1,2)";
  static const char sql_add[] =
    "INSERT INTO void_requests(txn_id, reason, requested_by, requested_terminal, requested_at)"
    " VALUES (?,?,?,?,?)";
  const Till__V1__VoidRequestRequest *in = r->env->void_request_req;
  int64_t txn_id;
  if (req_check_text(r, "reason", in->reason, LEDGER_MEMO_MAX, 0) != TILL_OK)
    return r->status;
  if (find_receipt(r, sc, in->number, &txn_id) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_kind);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  if (req_row_one(r, st, TILL_E_PRECONDITION, "%s is not a sale and cannot be voided",
                  in->number) != TILL_OK)
    return r->status;
  /* a toll paid at an exit lane (docs/tolls.md) is voided as a sale is */
  const char *kind = (const char *)sqlite3_column_text(st, 0);
  int is_sale = strcmp(kind, "sale") == 0 || strcmp(kind, "toll") == 0;
  int reversed = sqlite3_column_int(st, 1);
  sqlite3_reset(st);
  if (!is_sale)
    return req_fail(r, TILL_E_PRECONDITION, "%s is not a sale and cannot be voided", in->number);
  if (reversed)
    return req_fail(r, TILL_E_PRECONDITION, "%s is already voided", in->number);
  if (!shift_of_txn_is_open(sc, txn_id))
    return req_fail(r, TILL_E_PRECONDITION, "the shift of %s is closed; it can no longer be voided",
                    in->number);
  st = store_stmt(sc, sql_open);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  int64_t state = 0;
  if (req_rows(r, st, 1, req_row_int64, &state, NULL) != TILL_OK)
    return r->status;
  if (state == 1)
    return req_fail(r, TILL_E_CONFLICT, "a void of %s is already pending", in->number);
  if (state)
    return req_fail(r, TILL_E_CONFLICT, "a void of %s is already approved", in->number);
  st = store_stmt(sc, sql_add);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  sqlite3_bind_text(st, 2, in->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->actor.user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, till_now());
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__VoidRequestResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__void_request_response__init(resp);
  if (sales_load_void(r, sc, sqlite3_last_insert_rowid(sc->db), &resp->void_info) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_VOID_REQUEST_RESP;
  r->resp.void_request_resp = resp;
  return TILL_OK;
}

till_status_t
sales_handle_void_decide(req_t *r, store_conn_t *sc)
{
  const Till__V1__VoidDecideRequest *in = r->env->void_decide_req;
  void_decision_t d;
  post_result_t res;
  char err[256];
  memset(&d, 0, sizeof d);
  if (req_idem_key(r, in->idempotency_key, d.key) != TILL_OK)
    return r->status;
  if (req_check_text(r, "note", in->note, LEDGER_MEMO_MAX, 1) != TILL_OK)
    return r->status;
  if (in->void_id <= 0)
    return req_fail(r, TILL_E_INVALID, "void_id is required");
  d.void_id = in->void_id;
  d.approve = in->approve;
  d.supervisor = r->actor.user;
  d.supervisor_roles = r->actor.roles;
  d.terminal = r->terminal;
  d.note = in->note;
  till_status_t st = ledger_decide_void(req_ledger(r), sc, &d, &res, err, sizeof err);
  if (st != TILL_OK) {
    if (st == TILL_E_DENIED)
      req_security_event(r, "permission_denied", r->actor.user, r->terminal,
                              "decide own void %lld", (long long)d.void_id);
    return req_fail(r, st, "%s", err);
  }
  Till__V1__VoidDecideResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__void_decide_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (sales_load_void(r, sc, res.ref_id, &resp->void_info) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_VOID_DECIDE_RESP;
  r->resp.void_decide_resp = resp;
  return TILL_OK;
}

/* Void requests as they are read; <list> has room for the query's LIMIT. */
typedef struct {
  Till__V1__VoidInfo **list;
  size_t n;
} void_acc_t;

static till_status_t
void_list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  void_acc_t *acc = arg;
  Till__V1__VoidInfo *v = void_from_row(r, st);
  if (!v)
    return TILL_E_INTERNAL;
  acc->list[acc->n++] = v;
  return TILL_OK;
}

till_status_t
sales_handle_void_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__VoidListRequest *in = r->env->void_list_req;
  if ((int)in->state < 0 || (int)in->state > 3)
    return req_fail(r, TILL_E_INVALID, "unknown void state");
  Till__V1__VoidListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__VoidInfo **list = req_alloc(r, VOID_LIST_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__void_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_void_list);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int(st, 1, (int)in->state);
  sqlite3_bind_int(st, 2, VOID_LIST_MAX);
  void_acc_t acc = {list, 0};
  if (req_rows(r, st, VOID_LIST_MAX, void_list_row, &acc, NULL) != TILL_OK)
    return r->status;
  resp->voids = list;
  resp->n_voids = acc.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_VOID_LIST_RESP;
  r->resp.void_list_resp = resp;
  return TILL_OK;
}
