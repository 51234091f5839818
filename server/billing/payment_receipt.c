/* payment_receipt.c -- the receipt of a payment, built from the journal
 * and the billing tables (payment.h): the payer, each charge settled with
 * its scheme, period and year, what this payment settled of it and the
 * percentage of it settled once this payment was made, the prepaid rest,
 * the cash tendered and the change. "Once this payment was made" is read
 * from the settlements up to this transaction, so a reprint years later
 * prints the same figures. */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "payment_alloc.h"
#include "till_chain.h"
#include "till_util.h"
#include "till_wire.h"

static const char sql_head[] =
  "SELECT j.kind, j.at_ms, j.terminal_id, j.cashier, coalesce(j.series, ''),"
  " coalesce(j.receipt_no, 0), j.memo, j.tendered, j.hash,"
  " (SELECT count(*) FROM reprints p WHERE p.txn_id = j.id),"
  " p.payer_id, p.amount, p.to_prepaid, p.method, p.reference,"
  " coalesce((SELECT c.state FROM cheques c WHERE c.txn_id = j.id), ''),"
  " y.complex, y.unit, y.owner,"
  " -(SELECT coalesce(sum(e.amount), 0) FROM entries e"
  "   WHERE e.account = 'prepaid:payer:' || p.payer_id)"
  " FROM journal j JOIN payments p ON p.txn_id = j.id JOIN payers y ON y.id = p.payer_id"
  " WHERE j.id = ?";
/* settled_after: every settlement of the charge up to this transaction */
static const char sql_lines[] =
  "SELECT c.id, c.scheme, coalesce(m.name, c.scheme), c.period, c.year, c.kind, c.amount,"
  " s.amount,"
  " (SELECT coalesce(sum(t.amount), 0) FROM settlements t"
  "  WHERE t.charge_id = c.id AND t.txn_id <= s.txn_id)"
  " FROM settlements s JOIN charges c ON c.id = s.charge_id"
  " LEFT JOIN schemes m ON m.code = c.scheme"
  " WHERE s.txn_id = ? AND s.source = ? ORDER BY s.id";
static const char sql_find[] = "SELECT id FROM journal WHERE series = ? AND receipt_no = ?";

typedef struct {
  Till__V1__PaymentLine **lines;
  size_t n;
} lines_acc_t;

static till_status_t
line_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  lines_acc_t *acc = arg;
  Till__V1__PaymentLine *l = req_alloc(r, sizeof *l);
  if (!l)
    return TILL_E_INTERNAL;
  till__v1__payment_line__init(l);
  l->charge_id = sqlite3_column_int64(st, 0);
  l->scheme = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  l->scheme_name = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  l->period = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  l->year = sqlite3_column_int(st, 4);
  l->kind = req_strdup(r, (const char *)sqlite3_column_text(st, 5));
  l->charge_amount = sqlite3_column_int64(st, 6);
  int64_t a = sqlite3_column_int64(st, 7);
  l->amount = a < 0 ? -a : a;
  l->paid_after = sqlite3_column_int64(st, 8);
  l->percent_e2 = payment_percent_e2(l->paid_after, l->charge_amount);
  if (!l->scheme || !l->scheme_name || !l->period || !l->kind)
    return TILL_E_INTERNAL;
  acc->lines[acc->n++] = l;
  return TILL_OK;
}

till_status_t
payment_lines(req_t *r, store_conn_t *sc, int64_t txn_id, const char *source,
              Till__V1__PaymentLine ***lines, size_t *n)
{
  lines_acc_t acc = {req_alloc(r, TILL_CHAIN_MAX_ENTRIES * sizeof *acc.lines), 0};
  if (!acc.lines)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = store_stmt(sc, sql_lines);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
  /* a transaction has at most TILL_CHAIN_MAX_ENTRIES entries, one per charge */
  if (req_rows(r, st, TILL_CHAIN_MAX_ENTRIES, line_row, &acc, NULL) != TILL_OK)
    return r->status;
  *lines = acc.lines;
  *n = acc.n;
  return TILL_OK;
}

static till_status_t
receipt_head(req_t *r, sqlite3_stmt *st, Till__V1__PaymentReceipt *rc)
{
  rc->at_ms = sqlite3_column_int64(st, 1);
  rc->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  rc->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  rc->series = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  rc->receipt_no = sqlite3_column_int64(st, 5);
  rc->memo = req_strdup(r, (const char *)sqlite3_column_text(st, 6));
  rc->tendered = sqlite3_column_int64(st, 7);
  char code[10] = "";
  if (sqlite3_column_bytes(st, 8) == TILL_HASH_LEN)
    till_chain_verify_code(sqlite3_column_blob(st, 8), code);
  rc->verify_code = req_strdup(r, code);
  rc->reprint_count = sqlite3_column_int(st, 9);
  rc->payer_id = sqlite3_column_int64(st, 10);
  rc->amount = sqlite3_column_int64(st, 11);
  rc->to_prepaid = sqlite3_column_int64(st, 12);
  rc->method = till_wire_method(
    (till_method_t)till_method_from_name((const char *)sqlite3_column_text(st, 13)));
  rc->reference = req_strdup(r, (const char *)sqlite3_column_text(st, 14));
  rc->cheque_state = req_strdup(r, (const char *)sqlite3_column_text(st, 15));
  rc->complex = req_strdup(r, (const char *)sqlite3_column_text(st, 16));
  rc->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 17));
  rc->owner = req_strdup(r, (const char *)sqlite3_column_text(st, 18));
  rc->prepaid_balance = sqlite3_column_int64(st, 19);
  rc->change = rc->tendered ? rc->tendered - rc->amount : 0;
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format(rc->series, rc->receipt_no, number, sizeof number);
  rc->number = req_strdup(r, number);
  rc->office = req_strdup(r, req_config(r)->office);
  if (!rc->terminal_id || !rc->cashier || !rc->series || !rc->memo || !rc->verify_code ||
      !rc->reference || !rc->cheque_state || !rc->complex || !rc->unit || !rc->owner ||
      !rc->number || !rc->office)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  return TILL_OK;
}

till_status_t
payment_receipt_build(req_t *r, store_conn_t *sc, int64_t txn_id, Till__V1__PaymentReceipt **out)
{
  Till__V1__PaymentReceipt *rc = req_alloc(r, sizeof *rc);
  if (!rc)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payment_receipt__init(rc);
  rc->txn_id = txn_id;
  sqlite3_stmt *st = store_stmt(sc, sql_head);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld is no payment against a payer",
                  (long long)txn_id) != TILL_OK)
    return r->status;
  till_status_t hst = receipt_head(r, st, rc);
  sqlite3_reset(st);
  if (hst != TILL_OK)
    return hst;
  if (payment_lines(r, sc, txn_id, "payment", &rc->lines, &rc->n_lines) != TILL_OK)
    return r->status;
  *out = rc;
  return TILL_OK;
}

till_status_t
payment_handle_receipt(req_t *r, store_conn_t *sc)
{
  const Till__V1__PaymentReceiptRequest *in = r->env->payment_receipt_req;
  char series[TILL_SERIES_PREFIX_MAX + 8];
  int64_t no;
  r->skip_write = 1;
  if (!in->number || strlen(in->number) >= TILL_RECEIPT_NO_MAX ||
      till_receipt_parse(in->number, series, sizeof series, &no) != 0)
    return req_fail(r, TILL_E_INVALID, "'%s' is not a receipt number like JF2026-00000012",
                    in->number ? in->number : "");
  sqlite3_stmt *st = store_stmt(sc, sql_find);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, no);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no receipt %s", in->number) != TILL_OK)
    return r->status;
  int64_t txn_id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  Till__V1__PaymentReceiptResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payment_receipt_response__init(resp);
  if (payment_receipt_build(r, sc, txn_id, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYMENT_RECEIPT_RESP;
  r->resp.payment_receipt_resp = resp;
  return TILL_OK;
}
