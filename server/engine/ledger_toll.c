/* ledger_toll.c -- toll postings (ledger_toll.h): one checked, balanced,
 * chained, idempotent transaction per vehicle through an exit lane. */
#include "ledger_toll.h"

#include <stdio.h>
#include <string.h>

#include "ledger_int.h"
#include "till_log.h"
#include "till_util.h"

/* A posting the domain built against the rules: a bug, logged with its
 * detail; the answer says only that it is internal. */
static till_status_t
refuse(const char *why, char *err, size_t errlen)
{
  log_err(LD_LEDGER, "refusing a toll posting: %s", why);
  snprintf(err, errlen, "internal error");
  return TILL_E_INTERNAL;
}

static const char *const exemptions[] = {
  "green_channel", "holiday", "military", "police", "emergency", "disaster_relief",
};

static int
exemption_known(const char *type)
{
  for (size_t i = 0; type && i < sizeof exemptions / sizeof exemptions[0]; i++)
    if (strcmp(exemptions[i], type) == 0)
      return 1;
  return 0;
}

/* The rules of a new posting of each kind (a replay needs only its kind,
 * key and hash). */
static till_status_t
check_post(const toll_post_t *p, int paid, char *err, size_t errlen)
{
  if (p->toll <= 0 || p->toll > LEDGER_TOTAL_MAX / 2 || p->card_fee < 0 ||
      p->card_fee > LEDGER_TOTAL_MAX / 2)
    return refuse("an amount out of range", err, errlen);
  if (!p->item || !till_ident_ok(p->item, LEDGER_ITEM_MAX))
    return refuse("a bad item", err, errlen);
  if (paid) {
    if (p->method < 1 || p->method > TILL_METHOD_MAX || !p->series_prefix || !*p->series_prefix ||
        p->exempt)
      return refuse("a paid toll without method or series, or with an exemption", err, errlen);
    if (p->tendered < 0 || (p->tendered && p->method != TILL_METHOD_CASH))
      return refuse("tendered on a toll not paid in cash", err, errlen);
  } else if (!exemption_known(p->exempt) || p->method || p->card_fee || p->tendered ||
             (p->series_prefix && *p->series_prefix)) {
    return refuse("an exemption of no known type, or with money or a series", err, errlen);
  }
  return TILL_OK;
}

till_status_t
ledger_post_toll(ledger_t *lg, store_conn_t *sc, const toll_post_t *p, post_result_t *res,
                 char *receipt, size_t receipt_len, char *err, size_t errlen)
{
  if (!p->kind)
    return refuse("no kind", err, errlen);
  int paid = strcmp(p->kind, LEDGER_KIND_TOLL) == 0;
  if (!paid && strcmp(p->kind, LEDGER_KIND_TOLL_EXEMPT) != 0)
    return refuse("no such toll kind", err, errlen);
  if (ledger_key_is_zero(p->key))
    return refuse("a toll without an idempotency key", err, errlen);
  if (receipt && receipt_len)
    receipt[0] = '\0';
  till_status_t idem;
  if (ledger_idem_check(sc, p->key, p->kind, p->req_hash, res, &idem, err, errlen)) {
    if (idem == TILL_OK && receipt && paid &&
        ledger_txn_receipt(sc, res->ref_id, receipt, receipt_len) != 0)
      return ledger_db_fail(sc, err, errlen);
    return idem;
  }
  till_status_t st = check_post(p, paid, err, errlen);
  if (st != TILL_OK)
    return st;
  int64_t total = p->toll + p->card_fee;
  if (paid && p->method == TILL_METHOD_CASH && p->tendered && p->tendered < total) {
    snprintf(err, errlen, "tendered is less than the toll");
    return TILL_E_INVALID;
  }
  till_txn_t t;
  memset(&t, 0, sizeof t);
  int64_t shift_id;
  st = ledger_open_shift_of(sc, p->terminal, p->cashier, &shift_id, err, errlen);
  if (st != TILL_OK)
    return st;
  t.shift_id = shift_id;
  char debit[96];
  if (paid)
    ledger_method_account(p->method, shift_id, debit, sizeof debit);
  else
    snprintf(debit, sizeof debit, "waiver:%s", p->exempt);
  t.entries[0] = (till_entry_t){1, debit, total, "", 0, 0};
  /* an exemption's revenue line carries no item: the Z-report's items are
   * what was charged */
  t.entries[1] = (till_entry_t){2, LEDGER_TOLL_REVENUE, -p->toll, paid ? p->item : "",
                                paid ? 1 : 0, paid ? p->toll : 0};
  t.n_entries = 2;
  if (p->card_fee)
    t.entries[t.n_entries++] =
      (till_entry_t){3, LEDGER_TOLL_CARD_REVENUE, -p->card_fee, "toll.card", 1, p->card_fee};

  char series[TILL_SERIES_PREFIX_MAX + 16] = "";
  t.at_ms = till_now_ms();
  if (paid) {
    int64_t no;
    if (ledger_allocate_number(sc, p->series_prefix, ledger_current_year(t.at_ms), series,
                               sizeof series, &no) != 0) {
      log_warn(LD_LEDGER, "allocating a receipt number: %s", sqlite3_errmsg(sc->db));
      return ledger_db_fail(sc, err, errlen);
    }
    t.series = series;
    t.receipt_no = no;
  }
  t.kind = p->kind;
  t.terminal = p->terminal;
  t.cashier = p->cashier;
  memcpy(t.idem_key, p->key, TILL_KEY_LEN);
  t.method = paid ? till_method_name((till_method_t)p->method) : "";
  t.memo = p->memo ? p->memo : "";
  t.approver = "";
  st = ledger_post_txn(lg, sc, &t, paid ? p->tendered : 0, err, errlen);
  if (st != TILL_OK)
    return st;
  if (ledger_idem_record(sc, p->key, p->kind, p->req_hash, t.id) != 0)
    return ledger_db_fail(sc, err, errlen);
  if (receipt && paid)
    till_receipt_format(series, t.receipt_no, receipt, receipt_len);
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
}
