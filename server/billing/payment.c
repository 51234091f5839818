/* payment.c -- a payment against a payer (till pay) and its receipt; see
 * payment.h and docs/billing.md "Payments".
 *
 * The handler reads the payer and the charges to settle, splits the amount
 * with payment_allocate (oldest open charge first, or the charges the
 * cashier named), posts one transaction of kind payment through
 * ledger_post_billing (Dr the method's account / Cr receivable:payer:<id>
 * per charge / Cr prepaid:payer:<id> for what is left) and then, in the
 * same savepoint, writes its payments row, a settlements row per charge,
 * charges.paid, and a cheques row for a cheque. A replay writes nothing. */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "ledger.h"
#include "ledger_billing.h"
#include "payment_alloc.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"
#include "till_wire.h"

#define REFERENCE_MAX 64

/* one charge as read: the allocation's view and what the entry needs */
typedef struct {
  char scheme[32];
  char period[32];
} charge_name_t;

/* The payment being built between the reads and the posting. */
typedef struct {
  int64_t payer;
  alloc_charge_t charges[PAYMENT_MAX_CHARGES + 1];
  charge_name_t names[PAYMENT_MAX_CHARGES + 1];
  size_t n_charges;
  alloc_line_t lines[PAYMENT_MAX_CHARGES];
  size_t n_lines;
  int64_t prepaid;
} pay_plan_t;

static const char sql_payer[] = "SELECT id FROM payers WHERE id = ?";
static const char sql_key_used[] = "SELECT 1 FROM idempotency WHERE key = ?";
static const char sql_series[] =
  "SELECT prefix FROM series WHERE kind = 'billing' ORDER BY prefix LIMIT 2";
static const char sql_open[] =
  "SELECT id, year, amount - paid - waived - credited, scheme, period FROM charges"
  " WHERE payer_id = ? AND paid + waived + credited < amount ORDER BY year, id LIMIT ?";
static const char sql_charge[] =
  "SELECT payer_id, year, amount - paid - waived - credited, scheme, period FROM charges"
  " WHERE id = ?";

/* The one receipt series of kind 'billing' into prefix. */
static till_status_t
billing_series(req_t *r, store_conn_t *sc, char *prefix, size_t len)
{
  sqlite3_stmt *st = store_stmt(sc, sql_series);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int n = 0, rc;
  while (n < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == 0)
      snprintf(prefix, len, "%s", (const char *)sqlite3_column_text(st, 0));
    n++;
  }
  if (n < 2 && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  if (n == 0)
    return req_fail(r, TILL_E_PRECONDITION, "there is no receipt series of kind billing; an "
                    "admin adds one with 'till admin series add PREFIX --kind billing'");
  if (n > 1)
    return req_fail(r, TILL_E_PRECONDITION, "there is more than one receipt series of kind "
                    "billing; payments need exactly one");
  return TILL_OK;
}

static void
take_charge(pay_plan_t *p, sqlite3_stmt *st, int64_t id)
{
  size_t i = p->n_charges++;
  p->charges[i] = (alloc_charge_t){id, sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2)};
  snprintf(p->names[i].scheme, sizeof p->names[i].scheme, "%s",
           (const char *)sqlite3_column_text(st, 3));
  snprintf(p->names[i].period, sizeof p->names[i].period, "%s",
           (const char *)sqlite3_column_text(st, 4));
}

/* The charges the cashier named: each the payer's, open, named once. */
static till_status_t
named_charges(req_t *r, store_conn_t *sc, const Till__V1__PayRequest *in, pay_plan_t *p)
{
  if (in->n_charge_ids > PAYMENT_MAX_CHARGES)
    return req_fail(r, TILL_E_INVALID, "a payment settles at most %d charges on one receipt",
                    PAYMENT_MAX_CHARGES);
  for (size_t i = 0; i < in->n_charge_ids; i++) {
    int64_t id = in->charge_ids[i];
    for (size_t j = 0; j < i; j++)
      if (in->charge_ids[j] == id)
        return req_fail(r, TILL_E_INVALID, "charge %lld is named twice", (long long)id);
    sqlite3_stmt *st = store_stmt(sc, sql_charge);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, id);
    if (req_row_one(r, st, TILL_E_NOT_FOUND, "no charge %lld", (long long)id) != TILL_OK)
      return r->status;
    int64_t owner = sqlite3_column_int64(st, 0), open = sqlite3_column_int64(st, 2);
    if (owner != p->payer) {
      sqlite3_reset(st);
      return req_fail(r, TILL_E_INVALID, "charge %lld belongs to payer %lld, not to payer %lld",
                      (long long)id, (long long)owner, (long long)p->payer);
    }
    if (open <= 0) {
      sqlite3_reset(st);
      return req_fail(r, TILL_E_PRECONDITION, "charge %lld is already settled", (long long)id);
    }
    take_charge(p, st, id);
    sqlite3_reset(st);
  }
  return TILL_OK;
}

/* The payer's open charges, oldest first; one more than fits, to tell. */
static till_status_t
open_charges(req_t *r, store_conn_t *sc, pay_plan_t *p)
{
  sqlite3_stmt *st = store_stmt(sc, sql_open);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, p->payer);
  sqlite3_bind_int(st, 2, PAYMENT_MAX_CHARGES + 1);
  int rc;
  while (p->n_charges <= PAYMENT_MAX_CHARGES && (rc = sqlite3_step(st)) == SQLITE_ROW)
    take_charge(p, st, sqlite3_column_int64(st, 0));
  if (p->n_charges <= PAYMENT_MAX_CHARGES && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  return TILL_OK;
}

/* Named charges are settled oldest first too: sort charges and names
 * together (at most PAYMENT_MAX_CHARGES, insertion sort). */
static void
sort_plan(pay_plan_t *p)
{
  for (size_t i = 1; i < p->n_charges; i++) {
    for (size_t j = i; j > 0; j--) {
      alloc_charge_t *a = &p->charges[j - 1], *b = &p->charges[j];
      if (a->year < b->year || (a->year == b->year && a->id < b->id))
        break;
      alloc_charge_t tc = *a;
      *a = *b;
      *b = tc;
      charge_name_t tn = p->names[j - 1];
      p->names[j - 1] = p->names[j];
      p->names[j] = tn;
    }
  }
}

static void
pay_hash(const req_t *r, const Till__V1__PayRequest *in, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "PAY-V1");
  till_canon_str(&c, r->terminal);
  till_canon_str(&c, r->actor.user);
  till_canon_i64(&c, in->payer_id);
  till_canon_i64(&c, in->amount);
  till_canon_i64(&c, in->method);
  till_canon_i64(&c, in->tendered);
  till_canon_u32(&c, (uint32_t)in->n_charge_ids);
  for (size_t i = 0; i < in->n_charge_ids; i++)
    till_canon_i64(&c, in->charge_ids[i]);
  till_canon_str(&c, in->reference ? in->reference : "");
  till_canon_str(&c, in->memo ? in->memo : "");
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

/* The checks that need no database. */
static till_status_t
pay_check(req_t *r, const Till__V1__PayRequest *in, int *method)
{
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "a payment needs a payer");
  if (in->amount <= 0 || in->amount > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "the amount of a payment must be more than 0.00 and at "
                    "most 1000000000.00");
  *method = till_wire_method_of(in->method);
  if (!*method)
    return req_fail(r, TILL_E_INVALID, "payment method is required (cash, card, wechat, "
                    "alipay, transfer, cheque, subsidy)");
  if (in->tendered < 0 || in->tendered > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "tendered must be 0 to 1000000000.00");
  if (in->tendered && *method != TILL_METHOD_CASH)
    return req_fail(r, TILL_E_INVALID, "tendered applies to cash only");
  if (in->tendered && in->tendered < in->amount) {
    char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
    till_money_format(in->tendered, a, sizeof a);
    till_money_format(in->amount, b, sizeof b);
    return req_fail(r, TILL_E_INVALID, "tendered %s is less than the total %s", a, b);
  }
  int needs_ref = *method == TILL_METHOD_CHEQUE || *method == TILL_METHOD_SUBSIDY;
  if (req_check_text(r, "reference", in->reference, REFERENCE_MAX, !needs_ref) != TILL_OK)
    return r->status;
  return req_check_text(r, "memo", in->memo, LEDGER_MEMO_MAX, 1);
}

/* Split the amount; refuse more charges than one receipt holds. */
static till_status_t
pay_allocate(req_t *r, const Till__V1__PayRequest *in, pay_plan_t *p)
{
  int64_t fits = 0;
  alloc_status_t as = payment_allocate(p->charges, p->n_charges, in->amount, p->lines,
                                       PAYMENT_MAX_CHARGES, &p->n_lines, &p->prepaid, &fits);
  if (as == ALLOC_TOO_MANY) {
    char a[TILL_MONEY_STR_MAX];
    till_money_format(fits, a, sizeof a);
    return req_fail(r, TILL_E_INVALID, "this payment would settle more than %d charges, more "
                    "than one receipt holds; take %s on this receipt (the oldest %d charges) "
                    "and the rest on another", PAYMENT_MAX_CHARGES, a, PAYMENT_MAX_CHARGES);
  }
  if (as != ALLOC_OK)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return TILL_OK;
}

/* The transaction: the money, a credit per charge, the prepaid rest. */
static void
pay_entries(const pay_plan_t *p, int method, bill_post_t *bp)
{
  bp->entries[0].method = method;
  bp->entries[0].amount = 0;
  size_t k = 1;
  for (size_t i = 0; i < p->n_lines; i++, k++) {
    const charge_name_t *nm = &p->names[p->lines[i].idx];
    bill_entry_t *e = &bp->entries[k];
    snprintf(e->account, sizeof e->account, LEDGER_RECEIVABLE_FMT, (long long)p->payer);
    e->amount = -p->lines[i].amount;
    /* "heating:2025-2026"; a name too long for an item is cut */
    char item[sizeof nm->scheme + sizeof nm->period + 2];
    snprintf(item, sizeof item, "%s:%s", nm->scheme, nm->period);
    size_t len = strlen(item) < sizeof e->item - 1 ? strlen(item) : sizeof e->item - 1;
    memcpy(e->item, item, len);
    e->item[len] = '\0';
    e->quantity = 1;
    bp->entries[0].amount += p->lines[i].amount;
  }
  if (p->prepaid > 0) {
    bill_entry_t *e = &bp->entries[k++];
    snprintf(e->account, sizeof e->account, LEDGER_PREPAID_FMT, (long long)p->payer);
    e->amount = -p->prepaid;
    snprintf(e->item, sizeof e->item, "prepaid");
    bp->entries[0].amount += p->prepaid;
  }
  bp->n_entries = k;
}

/* After the posting, in its savepoint: the billing rows. */
static till_status_t
pay_rows(req_t *r, store_conn_t *sc, const Till__V1__PayRequest *in, const pay_plan_t *p,
         int method, int64_t txn)
{
  static const char sql_pay[] =
    "INSERT INTO payments(txn_id, payer_id, amount, to_prepaid, method, reference)"
    " VALUES (?,?,?,?,?,?)";
  static const char sql_settle[] =
    "INSERT INTO settlements(txn_id, charge_id, source, amount) VALUES (?,?,'payment',?)";
  static const char sql_paid[] = "UPDATE charges SET paid = paid + ? WHERE id = ?";
  static const char sql_cheque[] = "INSERT INTO cheques(txn_id) VALUES (?)";
  sqlite3_stmt *st = store_stmt(sc, sql_pay);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn);
  sqlite3_bind_int64(st, 2, p->payer);
  sqlite3_bind_int64(st, 3, in->amount);
  sqlite3_bind_int64(st, 4, p->prepaid);
  sqlite3_bind_text(st, 5, till_method_name(method), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, in->reference ? in->reference : "", -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  for (size_t i = 0; i < p->n_lines; i++) {
    int64_t id = p->charges[p->lines[i].idx].id, amount = p->lines[i].amount;
    if (!(st = store_stmt(sc, sql_settle)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, txn);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, amount);
    if ((rc = sqlite3_step(st)) != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
    if (!(st = store_stmt(sc, sql_paid)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, amount);
    sqlite3_bind_int64(st, 2, id);
    if ((rc = sqlite3_step(st)) != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
  }
  if (method != TILL_METHOD_CHEQUE)
    return TILL_OK;
  if (!(st = store_stmt(sc, sql_cheque)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn);
  if ((rc = sqlite3_step(st)) != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  return TILL_OK;
}

static till_status_t pay_post(req_t *r, store_conn_t *sc, const Till__V1__PayRequest *in,
                             const pay_plan_t *plan, bill_post_t *bp, int method);

till_status_t
payment_handle_pay(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayRequest *in = r->env->pay_req;
  static pay_plan_t plan; /* the writer's alone */
  static bill_post_t bp;
  char prefix[TILL_SERIES_PREFIX_MAX + 1];
  int method = 0;
  memset(&plan, 0, sizeof plan);
  memset(&bp, 0, sizeof bp);
  if (req_idem_key(r, in->idempotency_key, bp.key) != TILL_OK)
    return r->status;
  if (pay_check(r, in, &method) != TILL_OK)
    return r->status;
  plan.payer = in->payer_id;
  if (billing_series(r, sc, prefix, sizeof prefix) != TILL_OK)
    return r->status;
  bp.series_prefix = prefix;
  /* a key used before: the engine answers the first result (or a conflict)
   * before it looks at the entries, so the charges, settled since, are not
   * read again; two placeholder entries pass its first checks */
  sqlite3_stmt *st = store_stmt(sc, sql_key_used);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_blob(st, 1, bp.key, TILL_KEY_LEN, SQLITE_STATIC);
  int64_t used = 0;
  if (req_rows(r, st, 1, req_row_int64, &used, NULL) != TILL_OK)
    return r->status;
  if (used)
    return pay_post(r, sc, in, &plan, &bp, method);
  st = store_stmt(sc, sql_payer);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no payer %lld", (long long)in->payer_id) != TILL_OK)
    return r->status;
  sqlite3_reset(st);
  if ((in->n_charge_ids ? named_charges(r, sc, in, &plan) : open_charges(r, sc, &plan)) != TILL_OK)
    return r->status;
  sort_plan(&plan);
  if (pay_allocate(r, in, &plan) != TILL_OK)
    return r->status;
  pay_entries(&plan, method, &bp);
  return pay_post(r, sc, in, &plan, &bp, method);
}

/* Post <bp> (its entries made, or placeholders for a replay), write the
 * billing rows of a new posting, answer the receipt. */
static till_status_t
pay_post(req_t *r, store_conn_t *sc, const Till__V1__PayRequest *in, const pay_plan_t *plan,
         bill_post_t *bp, int method)
{
  char err[256];
  if (bp->n_entries == 0) {
    bp->entries[0] = (bill_entry_t){.method = method, .amount = in->amount};
    snprintf(bp->entries[1].account, sizeof bp->entries[1].account, LEDGER_RECEIVABLE_FMT,
             (long long)in->payer_id);
    bp->entries[1].amount = -in->amount;
    bp->n_entries = 2;
  }
  pay_hash(r, in, bp->req_hash);
  bp->kind = LEDGER_KIND_PAYMENT;
  bp->terminal = r->terminal;
  bp->cashier = r->actor.user;
  bp->method = till_method_name(method);
  bp->tendered = in->tendered;
  bp->memo = in->memo ? in->memo : "";
  bp->approver = "";
  post_result_t res;
  till_status_t pst = ledger_post_billing(req_ledger(r), sc, bp, &res, NULL, 0, err, sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && pay_rows(r, sc, in, plan, method, res.ref_id) != TILL_OK)
    return r->status;
  Till__V1__PayResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__pay_response__init(resp);
  resp->replayed = res.replayed != 0;
  if (payment_receipt_build(r, sc, res.ref_id, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAY_RESP;
  r->resp.pay_resp = resp;
  return TILL_OK;
}
