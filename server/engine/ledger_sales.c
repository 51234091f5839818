/* ledger_sales.c -- postings of the sales domain: a sale (Dr each payment
 * part's account -- the drawer for cash, clearing:<method> for the rest --
 * / Cr each item's revenue, with a receipt number) and the decision on a
 * void (the reversing transaction: every entry negated, so every part comes
 * back out of its own account). */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "till_log.h"
#include "till_money.h"
#include "till_util.h"

/* The request as sent, for the idempotency check. The one-method form
 * hashes as it always has (SALE-V1), so a retry across an upgrade still
 * replays; the parts form is SALE-V2 with every part as sent (a part's 0,
 * "the rest", stays 0). */
static void
sale_request_hash(const sale_req_t *req, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, req->n_parts ? "SALE-V2" : "SALE-V1");
  till_canon_str(&c, req->terminal);
  till_canon_str(&c, req->cashier);
  if (!req->n_parts) {
    till_canon_i64(&c, req->method);
    till_canon_i64(&c, req->tendered);
  }
  till_canon_str(&c, req->memo);
  till_canon_u32(&c, (uint32_t)req->n_lines);
  for (size_t i = 0; i < req->n_lines; i++) {
    till_canon_str(&c, req->lines[i].item);
    till_canon_i64(&c, req->lines[i].quantity);
  }
  if (req->n_parts) {
    till_canon_u32(&c, (uint32_t)req->n_parts);
    for (size_t i = 0; i < req->n_parts; i++) {
      till_canon_i64(&c, req->parts[i].method);
      till_canon_i64(&c, req->parts[i].amount);
      till_canon_i64(&c, req->parts[i].tendered);
    }
  }
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

typedef struct {
  char name[128];
  int64_t unit_price;
  char prefix[TILL_SERIES_PREFIX_MAX + 1];
  char revenue[96];
} item_row_t;

static till_status_t
load_item(store_conn_t *sc, const char *code, item_row_t *out, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT name, unit_price, series_prefix, revenue_account, disabled FROM fee_items WHERE code = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st) {
    snprintf(err, errlen, "internal error");
    return TILL_E_INTERNAL;
  }
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    snprintf(err, errlen, "unknown fee item '%s'", code);
    return TILL_E_NOT_FOUND;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return ledger_db_fail(sc, err, errlen);
  }
  snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 0));
  out->unit_price = sqlite3_column_int64(st, 1);
  snprintf(out->prefix, sizeof out->prefix, "%s", (const char *)sqlite3_column_text(st, 2));
  snprintf(out->revenue, sizeof out->revenue, "%s", (const char *)sqlite3_column_text(st, 3));
  int disabled = sqlite3_column_int(st, 4);
  sqlite3_reset(st);
  if (disabled) {
    snprintf(err, errlen, "fee item '%s' is disabled", code);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

/* The payment of <req> as a list of parts, checked as far as it can be
 * without the total: the one-method form becomes one part taking the whole
 * total (amount 0). Refuses both forms or neither, an unknown or repeated
 * method, an amount or tendered out of range, two parts taking the rest,
 * and tendered on a part other than cash. */
static till_status_t
sale_parts(const sale_req_t *req, sale_part_t parts[LEDGER_MAX_PARTS], size_t *n, char *err,
           size_t errlen)
{
  if (req->n_parts == 0) {
    if (req->method == 0) {
      snprintf(err, errlen, "a sale needs a payment: a payment method or payment parts");
      return TILL_E_INVALID;
    }
    if (!till_method_name((int)req->method)) {
      snprintf(err, errlen, "unknown payment method");
      return TILL_E_INVALID;
    }
    if (req->tendered < 0 || req->tendered > LEDGER_TOTAL_MAX) {
      snprintf(err, errlen, "tendered must be 0 to 1000000000.00");
      return TILL_E_INVALID;
    }
    if (req->method != TILL_METHOD_CASH && req->tendered != 0) {
      snprintf(err, errlen, "tendered applies to cash only");
      return TILL_E_INVALID;
    }
    parts[0] = (sale_part_t){req->method, 0, req->tendered};
    *n = 1;
    return TILL_OK;
  }
  if (req->method != 0 || req->tendered != 0) {
    snprintf(err, errlen, "give either a payment method (with tendered) or payment parts, "
             "not both");
    return TILL_E_INVALID;
  }
  if (req->n_parts > LEDGER_MAX_PARTS) {
    snprintf(err, errlen, "a sale has at most %d payment parts, one per method",
             LEDGER_MAX_PARTS);
    return TILL_E_INVALID;
  }
  size_t rest = 0; /* 1-based: the part taking the rest, 0 none */
  for (size_t i = 0; i < req->n_parts; i++) {
    const sale_part_t *p = &req->parts[i];
    const char *name = till_method_name((int)p->method);
    char a[TILL_MONEY_STR_MAX];
    if (!name) {
      snprintf(err, errlen, "payment part %zu: unknown payment method", i + 1);
      return TILL_E_INVALID;
    }
    for (size_t j = 0; j < i; j++) {
      if (parts[j].method == p->method) {
        snprintf(err, errlen, "payment parts %zu and %zu are both %s: each method pays at most "
                 "one part", j + 1, i + 1, name);
        return TILL_E_INVALID;
      }
    }
    if (p->amount < 0 || p->amount > LEDGER_TOTAL_MAX) {
      till_money_format(p->amount, a, sizeof a);
      snprintf(err, errlen, "payment part %zu (%s): amount %s must be more than 0.00 and at "
               "most 1000000000.00", i + 1, name, a);
      return TILL_E_INVALID;
    }
    if (p->amount == 0) {
      if (rest) {
        snprintf(err, errlen, "payment parts %zu and %zu both leave their amount 0; only one "
                 "part may take the rest of the total", rest, i + 1);
        return TILL_E_INVALID;
      }
      rest = i + 1;
    }
    if (p->tendered < 0 || p->tendered > LEDGER_TOTAL_MAX) {
      snprintf(err, errlen, "payment part %zu (%s): tendered must be 0 to 1000000000.00", i + 1,
               name);
      return TILL_E_INVALID;
    }
    if (p->tendered != 0 && p->method != TILL_METHOD_CASH) {
      snprintf(err, errlen, "payment part %zu (%s): tendered applies to the cash part only",
               i + 1, name);
      return TILL_E_INVALID;
    }
    parts[i] = *p;
  }
  *n = req->n_parts;
  return TILL_OK;
}

/* Settle <parts> against the priced <total>: the part with amount 0 gets
 * what the others leave, which must be more than 0; otherwise the parts
 * must add up to the total exactly. Then the cash part's tendered must
 * cover it. *tendered gets the cash part's tendered (0 without one). */
static till_status_t
settle_parts(sale_part_t *parts, size_t n, int64_t total, int64_t *tendered, char *err,
             size_t errlen)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
  int64_t given = 0; /* at most LEDGER_MAX_PARTS amounts of at most LEDGER_TOTAL_MAX */
  size_t rest = n;
  for (size_t i = 0; i < n; i++) {
    if (parts[i].amount == 0)
      rest = i;
    else
      given += parts[i].amount;
  }
  till_money_format(given, a, sizeof a);
  till_money_format(total, b, sizeof b);
  if (rest < n) {
    if (given >= total) {
      const char *name = till_method_name((int)parts[rest].method);
      snprintf(err, errlen, "payments other than %s add up to %s, the total is %s: nothing is "
               "left for %s, which takes the rest", name, a, b, name);
      return TILL_E_INVALID;
    }
    parts[rest].amount = total - given;
  } else if (given != total) {
    snprintf(err, errlen, "payments add up to %s, the total is %s", a, b);
    return TILL_E_INVALID;
  }
  *tendered = 0;
  for (size_t i = 0; i < n; i++) {
    if (parts[i].method != TILL_METHOD_CASH || parts[i].tendered == 0)
      continue;
    if (parts[i].tendered < parts[i].amount) {
      till_money_format(parts[i].tendered, a, sizeof a);
      till_money_format(parts[i].amount, b, sizeof b);
      /* two whole formats, not one with a word filled in: the client
       * translates a server message by matching its format */
      if (n == 1)
        snprintf(err, errlen, "tendered %s is less than the total %s", a, b);
      else
        snprintf(err, errlen, "tendered %s is less than the cash part %s", a, b);
      return TILL_E_INVALID;
    }
    *tendered = parts[i].tendered;
  }
  return TILL_OK;
}

/* Every part and every line is one entry. */
_Static_assert(LEDGER_MAX_PARTS + LEDGER_MAX_LINES <= TILL_CHAIN_MAX_ENTRIES,
               "a sale's entries must fit one transaction");

till_status_t
ledger_post_sale(ledger_t *lg, store_conn_t *sc, const sale_req_t *req, post_result_t *res,
                 char *err, size_t errlen)
{
  uint8_t req_hash[32];
  till_txn_t t;
  item_row_t items[LEDGER_MAX_LINES];
  sale_part_t parts[LEDGER_MAX_PARTS];
  size_t n_parts = 0;
  char accounts[LEDGER_MAX_PARTS + LEDGER_MAX_LINES][96];
  char series[TILL_SERIES_PREFIX_MAX + 16];
  int64_t total = 0, tendered = 0;

  if (req->n_lines == 0 || req->n_lines > LEDGER_MAX_LINES) {
    snprintf(err, errlen, "a sale needs 1 to %d lines", LEDGER_MAX_LINES);
    return TILL_E_INVALID;
  }
  till_status_t pst = sale_parts(req, parts, &n_parts, err, errlen);
  if (pst != TILL_OK)
    return pst;
  sale_request_hash(req, req_hash);
  till_status_t idem;
  if (ledger_idem_check(sc, req->key, "sale", req_hash, res, &idem, err, errlen))
    return idem;

  memset(&t, 0, sizeof t);
  int64_t shift_id;
  till_status_t sst = ledger_open_shift_of(sc, req->terminal, req->cashier, &shift_id, err, errlen);
  if (sst != TILL_OK)
    return sst;
  t.shift_id = shift_id;
  /* entries: the payment parts first (seq 1..n_parts), then the lines */
  for (size_t i = 0; i < req->n_lines; i++) {
    const sale_line_t *l = &req->lines[i];
    size_t at = n_parts + i;
    if (l->quantity < 1 || l->quantity > LEDGER_QTY_MAX) {
      snprintf(err, errlen, "line %zu: quantity %lld is outside 1..%d", i + 1,
               (long long)l->quantity, LEDGER_QTY_MAX);
      return TILL_E_INVALID;
    }
    till_status_t st = load_item(sc, l->item, &items[i], err, errlen);
    if (st != TILL_OK)
      return st;
    if (strcmp(items[i].prefix, items[0].prefix) != 0) {
      snprintf(err, errlen, "items '%s' and '%s' belong to different receipt series; post them "
               "as separate sales", req->lines[0].item, l->item);
      return TILL_E_INVALID;
    }
    int64_t amount;
    if (till_money_mul(items[i].unit_price, l->quantity, &amount) != 0 ||
        till_money_add(total, amount, &total) != 0 || total > LEDGER_TOTAL_MAX) {
      snprintf(err, errlen, "the total exceeds the limit of one posting");
      return TILL_E_INVALID;
    }
    snprintf(accounts[at], sizeof accounts[at], "%s", items[i].revenue);
    t.entries[at] = (till_entry_t){(int32_t)(at + 1), accounts[at], -amount, l->item,
                                   l->quantity, items[i].unit_price};
  }
  if ((pst = settle_parts(parts, n_parts, total, &tendered, err, errlen)) != TILL_OK)
    return pst;
  for (size_t i = 0; i < n_parts; i++) {
    ledger_method_account((int)parts[i].method, shift_id, accounts[i], sizeof accounts[i]);
    t.entries[i] = (till_entry_t){(int32_t)(i + 1), accounts[i], parts[i].amount, "", 0, 0};
  }
  t.n_entries = n_parts + req->n_lines;

  t.at_ms = till_now_ms();
  int64_t no;
  if (ledger_allocate_number(sc, items[0].prefix, ledger_current_year(t.at_ms), series, sizeof series, &no) != 0) {
    log_warn(LD_LEDGER, "allocating a receipt number: %s", sqlite3_errmsg(sc->db));
    return ledger_db_fail(sc, err, errlen);
  }
  t.kind = "sale";
  t.terminal = req->terminal;
  t.cashier = req->cashier;
  t.series = series;
  t.receipt_no = no;
  memcpy(t.idem_key, req->key, TILL_KEY_LEN);
  t.method = n_parts == 1 ? till_method_name((int)parts[0].method) : LEDGER_METHOD_SPLIT;
  t.memo = req->memo ? req->memo : "";
  t.approver = "";
  till_status_t st = ledger_post_txn(lg, sc, &t, tendered, err, errlen);
  if (st != TILL_OK)
    return st;
  if (ledger_idem_record(sc, req->key, "sale", req_hash, t.id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
}

static void
void_decision_hash(const void_decision_t *d, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "VOID-DECIDE-V1");
  till_canon_i64(&c, d->void_id);
  till_canon_i64(&c, d->approve ? 1 : 0);
  till_canon_str(&c, d->supervisor);
  till_canon_str(&c, d->terminal);
  till_canon_str(&c, d->note);
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

till_status_t
ledger_decide_void(ledger_t *lg, store_conn_t *sc, const void_decision_t *d, post_result_t *res,
                   char *err, size_t errlen)
{
  static const char sql_get[] =
    "SELECT txn_id, requested_by, state, reason FROM void_requests WHERE id = ?";
  static const char sql_set[] =
    "UPDATE void_requests SET state = ?, decided_by = ?, decided_at = ?, note = ?,"
    " reversal_txn_id = ? WHERE id = ? AND state = 1";
  uint8_t req_hash[32];
  char reason[LEDGER_MEMO_MAX + 1];
  if (!(d->supervisor_roles & TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR))) {
    snprintf(err, errlen, "only a supervisor decides voids");
    return TILL_E_DENIED;
  }
  void_decision_hash(d, req_hash);
  till_status_t idem;
  if (ledger_idem_check(sc, d->key, "void_decide", req_hash, res, &idem, err, errlen))
    return idem;
  sqlite3_stmt *st = store_stmt(sc, sql_get);
  if (!st)
    return TILL_E_INTERNAL;
  sqlite3_bind_int64(st, 1, d->void_id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    snprintf(err, errlen, "no void request %lld", (long long)d->void_id);
    return rc == SQLITE_DONE ? TILL_E_NOT_FOUND : TILL_E_UNAVAILABLE;
  }
  int64_t txn_id = sqlite3_column_int64(st, 0);
  /* compare the whole stored name: a copy cut to a buffer could let a
   * requester with a long name pass as someone else */
  int own = strcmp((const char *)sqlite3_column_text(st, 1), d->supervisor) == 0;
  int state = sqlite3_column_int(st, 2);
  snprintf(reason, sizeof reason, "%s", (const char *)sqlite3_column_text(st, 3));
  sqlite3_reset(st);
  if (state != 1) {
    if (state == 2)
      snprintf(err, errlen, "void request %lld was already approved", (long long)d->void_id);
    else
      snprintf(err, errlen, "void request %lld was already rejected", (long long)d->void_id);
    return TILL_E_PRECONDITION;
  }
  if (own) {
    snprintf(err, errlen, "you requested this void; another supervisor must decide it");
    return TILL_E_DENIED;
  }
  /* the drawer was counted at close and the day may be closed and signed:
   * a void approved after that would change figures already settled */
  if (d->approve && !shift_of_txn_is_open(sc, txn_id)) {
    snprintf(err, errlen, "the shift of this sale is closed: its drawer was counted, so the "
             "void can only be rejected");
    return TILL_E_PRECONDITION;
  }
  int64_t reversal = 0;
  if (d->approve) {
    till_txn_t orig, t;
    uint8_t ohash[TILL_HASH_LEN];
    char buf[8192];
    if (ledger_load_txn(sc, txn_id, &orig, ohash, buf, sizeof buf) != 0) {
      snprintf(err, errlen, "cannot load transaction %lld", (long long)txn_id);
      return TILL_E_INTERNAL;
    }
    memset(&t, 0, sizeof t);
    t.kind = "void";
    t.at_ms = till_now_ms();
    t.terminal = orig.terminal;
    t.cashier = orig.cashier;
    t.shift_id = orig.shift_id;
    t.series = "";
    memcpy(t.idem_key, d->key, TILL_KEY_LEN);
    t.reverses = txn_id;
    t.method = orig.method;
    t.memo = reason;
    t.approver = d->supervisor;
    t.n_entries = orig.n_entries;
    for (size_t i = 0; i < orig.n_entries; i++) {
      t.entries[i] = orig.entries[i];
      t.entries[i].amount = -orig.entries[i].amount;
    }
    till_status_t ps = ledger_post_txn(lg, sc, &t, 0, err, errlen);
    if (ps != TILL_OK)
      return ps;
    reversal = t.id;
  }
  st = store_stmt(sc, sql_set);
  if (!st)
    return TILL_E_INTERNAL;
  sqlite3_bind_int(st, 1, d->approve ? 2 : 3);
  sqlite3_bind_text(st, 2, d->supervisor, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_text(st, 4, d->note ? d->note : "", -1, SQLITE_STATIC);
  if (reversal)
    sqlite3_bind_int64(st, 5, reversal);
  sqlite3_bind_int64(st, 6, d->void_id);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1) {
    return ledger_db_fail(sc, err, errlen);
  }
  if (ledger_idem_record(sc, d->key, "void_decide", req_hash, d->void_id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = d->void_id;
  res->replayed = 0;
  return TILL_OK;
}
