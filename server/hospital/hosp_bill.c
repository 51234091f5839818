/* hosp_bill.c -- a hospital bill: lines from the price list (keyed at the
 * window, or an order handed over by the hospital's system), priced by the
 * server, one patient, the insurance split checked, the window share paid
 * through the drawer, clearing or the patient's deposit; and a bill read
 * back by its receipt number. See hospital.h and docs/hospital.md. */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "hosp_calc.h"
#include "hosp_int.h"
#include "hospital.h"
#include "till_chain.h"
#include "till_util.h"
#include "till_wire.h"

/* One line as priced. */
typedef struct {
  char code[LEDGER_ITEM_MAX + 1];
  char name[129], unit[33], department[65];
  int64_t quantity, unit_price, amount;
} priced_line_t;

typedef struct {
  size_t n;
  priced_line_t lines[HOSP_LINES_MAX];
  hosp_split_t split;
} priced_bill_t;

/* Price each line of <in> from the price list into <b>. */
static till_status_t
price_lines(req_t *r, store_conn_t *sc, const Till__V1__HospBillRequest *in, priced_bill_t *b)
{
  static const char sql[] =
    "SELECT name, unit, unit_price, department FROM hosp_items WHERE code = ?";
  if (in->n_lines < 1 || in->n_lines > HOSP_LINES_MAX)
    return req_fail(r, TILL_E_INVALID, "a bill has 1 to %d lines", HOSP_LINES_MAX);
  int64_t total = 0;
  for (size_t i = 0; i < in->n_lines; i++) {
    const Till__V1__HospLineIn *l = in->lines[i];
    priced_line_t *p = &b->lines[i];
    int no = (int)i + 1;
    if (!l || !till_ident_ok(l->code, LEDGER_ITEM_MAX))
      return req_fail(r, TILL_E_INVALID, "line %d: an item code is 1-%d characters from A-Z a-z "
                      "0-9 . _ -", no, LEDGER_ITEM_MAX);
    sqlite3_stmt *st = store_stmt(sc, sql);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_text(st, 1, l->code, -1, SQLITE_STATIC);
    if (req_row_one(r, st, TILL_E_INVALID, "line %d: no item %s in the price list", no, l->code) !=
        TILL_OK)
      return r->status;
    snprintf(p->code, sizeof p->code, "%s", l->code);
    snprintf(p->name, sizeof p->name, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(p->unit, sizeof p->unit, "%s", (const char *)sqlite3_column_text(st, 1));
    p->unit_price = sqlite3_column_int64(st, 2);
    snprintf(p->department, sizeof p->department, "%s", (const char *)sqlite3_column_text(st, 3));
    sqlite3_reset(st);
    p->quantity = l->quantity;
    int rc = hosp_price_line(l->quantity, p->unit_price, &p->amount, &total);
    if (rc == -1)
      return req_fail(r, TILL_E_INVALID, "line %d (%s): quantity %lld is outside 1 to %d", no,
                      l->code, (long long)l->quantity, HOSP_QTY_MAX);
    if (rc != 0)
      return req_fail(r, TILL_E_INVALID, "line %d (%s): the bill's total would pass 100000000.00",
                      no, l->code);
  }
  b->n = in->n_lines;
  b->split.total = total;
  return TILL_OK;
}

/* The split of <in> against the lines' total, named field by field. */
static till_status_t
check_split(req_t *r, const Till__V1__HospBillRequest *in, hosp_split_t *s)
{
  char t[32], a[32], b[32], c[32], d[32];
  if (in->total && in->total != s->total)
    return req_fail(r, TILL_E_INVALID, "the stated total %s is not the lines' total %s",
                    hosp_yuan(in->total, a, sizeof a), hosp_yuan(s->total, t, sizeof t));
  if (!in->split) {
    if (in->fund || in->patient || in->account || in->hospital || in->window_given)
      return req_fail(r, TILL_E_INVALID, "shares are given only with the split");
    s->patient = s->window = s->total;
    return TILL_OK;
  }
  s->fund = in->fund;
  s->patient = in->patient;
  s->account = in->account;
  s->hospital = in->hospital;
  s->window = in->window;
  s->window_given = in->window_given;
  hosp_split_t shown = *s;
  switch (hosp_split_check(s)) {
  case HOSP_SPLIT_OK:
    return TILL_OK;
  case HOSP_SPLIT_NEGATIVE:
    return req_fail(r, TILL_E_INVALID, "a share is below 0 or above 100000000.00");
  case HOSP_SPLIT_TOTAL:
    return req_fail(r, TILL_E_INVALID, "the split does not add up: total %s is not fund %s + "
                    "patient %s + hospital %s", hosp_yuan(shown.total, t, sizeof t),
                    hosp_yuan(shown.fund, a, sizeof a), hosp_yuan(shown.patient, b, sizeof b),
                    hosp_yuan(shown.hospital, c, sizeof c));
  case HOSP_SPLIT_PATIENT:
    return req_fail(r, TILL_E_INVALID, "the split does not add up: patient %s is not account %s "
                    "+ window %s", hosp_yuan(shown.patient, b, sizeof b),
                    hosp_yuan(shown.account, c, sizeof c), hosp_yuan(shown.window, d, sizeof d));
  case HOSP_SPLIT_ACCOUNT:
    return req_fail(r, TILL_E_INVALID, "the split does not add up: account %s is more than "
                    "patient %s", hosp_yuan(shown.account, c, sizeof c),
                    hosp_yuan(shown.patient, b, sizeof b));
  }
  return req_fail(r, TILL_E_INTERNAL, "internal error");
}

/* How the window share is paid: a method, the deposit, or nothing. */
static till_status_t
check_payment(req_t *r, store_conn_t *sc, const Till__V1__HospBillRequest *in, int64_t window)
{
  char w[32], x[32];
  int method = till_wire_method_of(in->method);
  if (in->method != TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED && !method)
    return req_fail(r, TILL_E_INVALID, "unknown payment method");
  if (window == 0) {
    if (method || in->from_deposit || in->tendered)
      return req_fail(r, TILL_E_INVALID, "the window share is 0.00; give no payment");
    return TILL_OK;
  }
  if (method && in->from_deposit)
    return req_fail(r, TILL_E_INVALID, "give either a payment method or the deposit, not both");
  if (!method && !in->from_deposit)
    return req_fail(r, TILL_E_INVALID, "the window share %s needs a payment method or the deposit",
                    hosp_yuan(window, w, sizeof w));
  if (in->tendered && method != TILL_METHOD_CASH)
    return req_fail(r, TILL_E_INVALID, "tendered is for cash only");
  if (in->tendered < 0 || in->tendered > LEDGER_TOTAL_MAX || (in->tendered && in->tendered < window))
    return req_fail(r, TILL_E_INVALID, "tendered %s is less than the window share %s",
                    hosp_yuan(in->tendered, x, sizeof x), hosp_yuan(window, w, sizeof w));
  if (!in->from_deposit)
    return TILL_OK;
  int found = 0, discharged = 0;
  char name[HOSP_NAME_MAX + 1];
  if (hosp_patient_row(r, sc, in->patient_id, &found, &discharged, name, sizeof name) != TILL_OK)
    return r->status;
  if (!found)
    return req_fail(r, TILL_E_NOT_FOUND, "patient %s has no deposit", in->patient_id);
  if (discharged)
    return req_fail(r, TILL_E_PRECONDITION, "patient %s was discharged", in->patient_id);
  if (strcmp(name, in->patient_name) != 0)
    return req_fail(r, TILL_E_INVALID, "patient %s is %s, not %s", in->patient_id, name,
                    in->patient_name);
  return TILL_OK;
}

/* The entries of a bill: its shares debited, its lines credited. */
static void
bill_entries(const Till__V1__HospBillRequest *in, const priced_bill_t *b, hosp_post_t *p)
{
  const hosp_split_t *s = &b->split;
  size_t n = 0;
  if (s->window) {
    if (in->from_deposit)
      snprintf(p->entries[n].account, sizeof p->entries[n].account, "%s%s",
               LEDGER_HOSP_DEPOSIT_PREFIX, in->patient_id);
    else
      p->entries[n].method = till_wire_method_of(in->method);
    p->entries[n++].amount = s->window;
  }
  const struct { const char *account; int64_t amount; } shares[] = {
    {LEDGER_HOSP_ACCOUNT, s->account}, {LEDGER_HOSP_FUND, s->fund},
    {LEDGER_HOSP_SHARE, s->hospital},
  };
  for (size_t i = 0; i < 3; i++)
    if (shares[i].amount) {
      snprintf(p->entries[n].account, sizeof p->entries[n].account, "%s", shares[i].account);
      p->entries[n++].amount = shares[i].amount;
    }
  for (size_t i = 0; i < b->n; i++) {
    hosp_entry_t *e = &p->entries[n++];
    snprintf(e->account, sizeof e->account, "%s", LEDGER_HOSP_REVENUE);
    e->amount = -b->lines[i].amount;
    snprintf(e->item, sizeof e->item, "%s", b->lines[i].code);
    e->quantity = b->lines[i].quantity;
    e->unit_price = b->lines[i].unit_price;
  }
  p->n_entries = n;
}

/* The bill's rows in the hospital's tables. */
static till_status_t
record_bill(req_t *r, store_conn_t *sc, const Till__V1__HospBillRequest *in,
            const priced_bill_t *b, int64_t txn)
{
  static const char sql_bill[] =
    "INSERT INTO hosp_bills(txn_id, order_id, patient_id, patient_name, total, fund,"
    " patient_share, account, hospital_share, window_share, from_deposit)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)";
  static const char sql_line[] =
    "INSERT INTO hosp_bill_lines(txn_id, seq, code, name, unit, department, quantity,"
    " unit_price, amount) VALUES (?,?,?,?,?,?,?,?,?)";
  const hosp_split_t *s = &b->split;
  sqlite3_stmt *st = store_stmt(sc, sql_bill);
  if (st) {
    sqlite3_bind_int64(st, 1, txn);
    if (in->order_id[0])
      sqlite3_bind_text(st, 2, in->order_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->patient_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->patient_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, s->total);
    sqlite3_bind_int64(st, 6, s->fund);
    sqlite3_bind_int64(st, 7, s->patient);
    sqlite3_bind_int64(st, 8, s->account);
    sqlite3_bind_int64(st, 9, s->hospital);
    sqlite3_bind_int64(st, 10, s->window);
    sqlite3_bind_int(st, 11, in->from_deposit && s->window ? 1 : 0);
  }
  if (hosp_exec(r, st) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < b->n; i++) {
    const priced_line_t *l = &b->lines[i];
    st = store_stmt(sc, sql_line);
    if (st) {
      sqlite3_bind_int64(st, 1, txn);
      sqlite3_bind_int64(st, 2, (int64_t)i + 1);
      sqlite3_bind_text(st, 3, l->code, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, l->name, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 5, l->unit, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 6, l->department, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 7, l->quantity);
      sqlite3_bind_int64(st, 8, l->unit_price);
      sqlite3_bind_int64(st, 9, l->amount);
    }
    if (hosp_exec(r, st) != TILL_OK)
      return r->status;
  }
  return TILL_OK;
}

static till_status_t
line_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__HospBill *b = arg;
  Till__V1__HospBillLine *l = req_alloc(r, sizeof *l);
  if (!l)
    return TILL_E_INTERNAL;
  till__v1__hosp_bill_line__init(l);
  l->code = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  l->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  l->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  l->department = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  l->quantity = sqlite3_column_int64(st, 4);
  l->unit_price = sqlite3_column_int64(st, 5);
  l->amount = sqlite3_column_int64(st, 6);
  l->refunded = sqlite3_column_int(st, 7) != 0;
  if (!l->code || !l->name || !l->unit || !l->department)
    return TILL_E_INTERNAL;
  b->lines[b->n_lines++] = l;
  return TILL_OK;
}

/* The bill of transaction <txn> as the window prints it. */
static till_status_t
load_bill(req_t *r, store_conn_t *sc, int64_t txn, Till__V1__HospBill **out)
{
  static const char sql_bill[] =
    "SELECT coalesce(order_id, ''), patient_id, patient_name, total, fund, patient_share,"
    " account, hospital_share, window_share, from_deposit FROM hosp_bills WHERE txn_id = ?";
  static const char sql_lines[] =
    "SELECT code, name, unit, department, quantity, unit_price, amount, refund_txn IS NOT NULL"
    " FROM hosp_bill_lines WHERE txn_id = ? ORDER BY seq LIMIT ?";
  Till__V1__HospBill *b = req_alloc(r, sizeof *b);
  Till__V1__HospBillLine **lines = req_alloc(r, HOSP_LINES_MAX * sizeof *lines);
  if (!b || !lines)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_bill__init(b);
  b->lines = lines;
  sqlite3_stmt *st = store_stmt(sc, sql_bill);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld is no hospital bill",
                  (long long)txn) != TILL_OK)
    return r->status;
  b->txn_id = txn;
  b->order_id = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  b->patient_id = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  b->patient_name = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  b->total = sqlite3_column_int64(st, 3);
  b->fund = sqlite3_column_int64(st, 4);
  b->patient = sqlite3_column_int64(st, 5);
  b->account = sqlite3_column_int64(st, 6);
  b->hospital = sqlite3_column_int64(st, 7);
  b->window = sqlite3_column_int64(st, 8);
  b->from_deposit = sqlite3_column_int(st, 9) != 0;
  sqlite3_reset(st);
  if (!b->order_id || !b->patient_id || !b->patient_name)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  st = store_stmt(sc, sql_lines);
  if (st) {
    sqlite3_bind_int64(st, 1, txn);
    sqlite3_bind_int(st, 2, HOSP_LINES_MAX);
  }
  if (req_rows(r, st, HOSP_LINES_MAX, line_row, b, NULL) != TILL_OK)
    return r->status;
  hosp_head_t h;
  if (hosp_txn_head(r, sc, txn, &h) != TILL_OK)
    return r->status;
  b->number = h.number;
  b->terminal_id = h.terminal;
  b->cashier = h.cashier;
  b->at_ms = h.at_ms;
  b->verify_code = h.verify_code;
  b->tendered = h.tendered;
  int m = till_method_from_name(h.method);
  b->method = m > 0 ? till_wire_method((till_method_t)m) : TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED;
  b->change = h.tendered ? h.tendered - b->window : 0;
  if (b->from_deposit &&
      ledger_hosp_deposit_balance(sc, b->patient_id, &b->deposit_balance) != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  b->office = req_strdup(r, req_config(r)->office);
  if (!b->office)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = b;
  return TILL_OK;
}

/* An imported order's key: the order id itself, so the same order is
 * billed once whatever key the client sent. */
static void
order_key(const char *order, uint8_t key[TILL_KEY_LEN])
{
  uint8_t h[SHA256_DIGEST_LENGTH];
  char buf[32 + HOSP_ORDER_MAX];
  int n = snprintf(buf, sizeof buf, "till.hospital.order\n%s", order);
  SHA256((const unsigned char *)buf, n > 0 ? (size_t)n : 0, h);
  memcpy(key, h, TILL_KEY_LEN);
  key[0] |= 1; /* never all zero */
}

/* The checks and the pricing of a new bill, into <b>. */
static till_status_t
bill_work(req_t *r, store_conn_t *sc, const Till__V1__HospBillRequest *in, priced_bill_t *b)
{
  if (hosp_check_patient(r, in->patient_id, in->patient_name) != TILL_OK ||
      price_lines(r, sc, in, b) != TILL_OK || check_split(r, in, &b->split) != TILL_OK ||
      check_payment(r, sc, in, b->split.window) != TILL_OK)
    return r->status;
  return TILL_OK;
}

till_status_t
hosp_handle_bill(req_t *r, store_conn_t *sc)
{
  Till__V1__HospBillRequest *in = r->env->hosp_bill_req;
  static hosp_post_t p;       /* the writer's alone */
  static priced_bill_t b;
  memset(&p, 0, sizeof p);
  memset(&b, 0, sizeof b);
  if (in->order_id[0]) {
    if (!till_ident_ok(in->order_id, HOSP_ORDER_MAX))
      return req_fail(r, TILL_E_INVALID, "an order id is 1-%d characters from A-Z a-z 0-9 . _ -",
                      HOSP_ORDER_MAX);
    order_key(in->order_id, p.key);
  } else if (req_idem_key(r, in->idempotency_key, p.key) != TILL_OK) {
    return r->status;
  }
  hosp_request_hash(&in->base, &in->idempotency_key, p.req_hash);
  p.kind = LEDGER_KIND_HOSP_BILL;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  int seen = hosp_key_seen(r, sc, p.key);
  if (seen < 0)
    return r->status;
  char prefix[TILL_SERIES_PREFIX_MAX + 1], receipt[TILL_RECEIPT_NO_MAX], err[256];
  if (!seen) {
    if (bill_work(r, sc, in, &b) != TILL_OK || hosp_series(r, sc, prefix, sizeof prefix) != TILL_OK)
      return r->status;
    bill_entries(in, &b, &p);
    p.series_prefix = prefix;
    int m = till_wire_method_of(in->method);
    p.method = b.split.window && !in->from_deposit ? till_method_name((till_method_t)m) : "";
    p.tendered = in->tendered;
    p.memo = in->order_id;
  }
  post_result_t res;
  till_status_t pst =
    ledger_post_hospital(req_ledger(r), sc, &p, &res, receipt, sizeof receipt, err, sizeof err);
  if (pst == TILL_E_CONFLICT && in->order_id[0])
    return req_fail(r, pst, "order %s was already billed with other content", in->order_id);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && record_bill(r, sc, in, &b, res.ref_id) != TILL_OK)
    return r->status;
  Till__V1__HospBillResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_bill_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (load_bill(r, sc, res.ref_id, &resp->bill) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_BILL_RESP;
  r->resp.hosp_bill_resp = resp;
  return TILL_OK;
}

till_status_t
hosp_handle_bill_get(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT id FROM journal WHERE series = ? AND receipt_no = ? AND kind = 'hosp_bill'";
  const Till__V1__HospBillGetRequest *in = r->env->hosp_bill_get_req;
  r->skip_write = 1;
  char series[TILL_SERIES_PREFIX_MAX + 8];
  int64_t no;
  if (till_receipt_parse(in->number, series, sizeof series, &no) != 0)
    return req_fail(r, TILL_E_INVALID, "'%s' is no receipt number", in->number);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, no);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no hospital bill %s", in->number) != TILL_OK)
    return r->status;
  int64_t txn = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  Till__V1__HospBillGetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_bill_get_response__init(resp);
  if (load_bill(r, sc, txn, &resp->bill) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_BILL_GET_RESP;
  r->resp.hosp_bill_get_resp = resp;
  return TILL_OK;
}
