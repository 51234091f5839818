/* ledger_hospital.c -- hospital postings (ledger_hospital.h): one checked,
 * balanced, chained, idempotent transaction per bill, deposit or discharge
 * at a hospital cashier window. The hospital domain chooses the entries;
 * this file holds the rules every such transaction obeys whoever builds
 * it. */
#include "ledger_hospital.h"

#include <stdio.h>
#include <string.h>

#include "ledger_int.h"
#include "till_log.h"
#include "till_money.h"
#include "till_util.h"

/* A posting the domain built against the rules: a bug, logged with its
 * detail; the answer says only that it is internal. */
static till_status_t
refuse(const char *kind, const char *why, const char *detail, char *err, size_t errlen)
{
  log_err(LD_LEDGER, "refusing a hospital posting (%s): %s %s", kind ? kind : "?", why,
          detail ? detail : "");
  snprintf(err, errlen, "internal error");
  return TILL_E_INTERNAL;
}

/* Account families a hospital kind may touch. */
enum {
  ACC_METHOD = 1 << 0,   /* a payment method's account, asked for by method */
  ACC_CASH = 1 << 1,     /* the cash drawer only (method cash) */
  ACC_DEPOSIT = 1 << 2,  /* deposit:patient:<id> */
  ACC_FUND = 1 << 3,     /* receivable:medical-fund */
  ACC_PACCOUNT = 1 << 4, /* receivable:medical-account */
  ACC_SHARE = 1 << 5,    /* waiver:hospital */
  ACC_REVENUE = 1 << 6,  /* revenue:hospital, with item, quantity and unit price */
};

/* The rules table: which families each kind debits and credits. Every
 * kind is posted into the cashier's open shift and numbered. */
static const struct {
  const char *kind;
  unsigned debits, credits;
} rules[] = {
  {LEDGER_KIND_HOSP_BILL, ACC_METHOD | ACC_DEPOSIT | ACC_FUND | ACC_PACCOUNT | ACC_SHARE,
   ACC_REVENUE},
  {LEDGER_KIND_HOSP_DEPOSIT, ACC_METHOD, ACC_DEPOSIT},
  {LEDGER_KIND_HOSP_DISCHARGE, ACC_DEPOSIT, ACC_CASH},
};

/* The family of a named account; for a deposit, the patient id in it. */
static unsigned
account_family(const char *account, const char **patient)
{
  static const char dep[] = LEDGER_HOSP_DEPOSIT_PREFIX;
  if (strncmp(account, dep, sizeof dep - 1) == 0) {
    *patient = account + sizeof dep - 1;
    return till_ident_ok(*patient, LEDGER_HOSP_PATIENT_MAX) ? ACC_DEPOSIT : 0;
  }
  if (strcmp(account, LEDGER_HOSP_FUND) == 0)
    return ACC_FUND;
  if (strcmp(account, LEDGER_HOSP_ACCOUNT) == 0)
    return ACC_PACCOUNT;
  if (strcmp(account, LEDGER_HOSP_SHARE) == 0)
    return ACC_SHARE;
  if (strcmp(account, LEDGER_HOSP_REVENUE) == 0)
    return ACC_REVENUE;
  return 0;
}

int
ledger_hosp_deposit_balance(store_conn_t *sc, const char *patient, int64_t *balance)
{
  static const char sql[] = "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = ?";
  char acc[LEDGER_HOSP_ACCOUNT_MAX];
  snprintf(acc, sizeof acc, "%s%s", LEDGER_HOSP_DEPOSIT_PREFIX, patient);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, acc, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *balance = -sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

/* Resolve and check the entries into t (accounts into <acc>); *patient is
 * the one deposit account's patient (NULL: none) and *deposit_move its net
 * amount in this transaction (a debit > 0). */
static till_status_t
build_entries(const hosp_post_t *p, size_t r, int64_t shift_id, till_txn_t *t,
              char acc[][LEDGER_HOSP_ACCOUNT_MAX], const char **patient, int64_t *deposit_move,
              char *err, size_t errlen)
{
  int64_t sum = 0;
  *patient = NULL;
  *deposit_move = 0;
  for (size_t i = 0; i < p->n_entries; i++) {
    const hosp_entry_t *e = &p->entries[i];
    unsigned fam;
    const char *who = NULL;
    if (e->method > 0) {
      if (e->method > TILL_METHOD_MAX || e->account[0])
        return refuse(p->kind, "an entry names a bad method", e->account, err, errlen);
      fam = e->method == TILL_METHOD_CASH ? (ACC_METHOD | ACC_CASH) : ACC_METHOD;
      ledger_method_account(e->method, shift_id, acc[i], LEDGER_HOSP_ACCOUNT_MAX);
    } else {
      fam = account_family(e->account, &who);
      snprintf(acc[i], LEDGER_HOSP_ACCOUNT_MAX, "%s", e->account);
    }
    if (e->amount == 0 || e->amount > LEDGER_TOTAL_MAX || e->amount < -LEDGER_TOTAL_MAX)
      return refuse(p->kind, "an entry's amount is 0 or out of range on", acc[i], err, errlen);
    unsigned allowed = e->amount > 0 ? rules[r].debits : rules[r].credits;
    if (!(fam & allowed))
      return refuse(p->kind, e->amount > 0 ? "the kind may not debit" : "the kind may not credit",
                    acc[i], err, errlen);
    int line = (fam & ACC_REVENUE) != 0;
    if (line != (e->item[0] != 0) || (line && !till_ident_ok(e->item, LEDGER_ITEM_MAX)) ||
        (line && (e->quantity < 1 || e->quantity > LEDGER_QTY_MAX || e->unit_price < 1 ||
                  e->unit_price > LEDGER_TOTAL_MAX ||
                  e->quantity * e->unit_price != -e->amount)) ||
        (!line && (e->quantity || e->unit_price)))
      return refuse(p->kind, "a revenue line without a priced item, or an item elsewhere", acc[i],
                    err, errlen);
    if (who) {
      if (*patient && strcmp(*patient, who) != 0)
        return refuse(p->kind, "one transaction names two patients' deposits", acc[i], err,
                      errlen);
      *patient = who;
      *deposit_move += e->amount;
    }
    sum += e->amount;
    t->entries[i] = (till_entry_t){(int32_t)(i + 1), acc[i], e->amount, e->item, e->quantity,
                                   e->unit_price};
  }
  if (sum != 0 || p->n_entries < 2)
    return refuse(p->kind, "unbalanced", NULL, err, errlen);
  t->n_entries = p->n_entries;
  return TILL_OK;
}

/* A deposit may not go below zero: the one refusal here a person causes
 * (a bill or a discharge asking more than the patient has). */
static till_status_t
check_deposit(store_conn_t *sc, const char *patient, int64_t move, char *err, size_t errlen)
{
  int64_t balance = 0;
  if (move <= 0)
    return TILL_OK;
  if (ledger_hosp_deposit_balance(sc, patient, &balance) != 0)
    return ledger_db_fail(sc, err, errlen);
  if (balance - move < 0) {
    char have[32], want[32];
    till_money_format(balance, have, sizeof have);
    till_money_format(move, want, sizeof want);
    snprintf(err, errlen, "the deposit of patient %s is %s, less than %s", patient, have, want);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

till_status_t
ledger_post_hospital(ledger_t *lg, store_conn_t *sc, const hosp_post_t *p, post_result_t *res,
                     char *receipt, size_t receipt_len, char *err, size_t errlen)
{
  size_t r = 0;
  while (r < sizeof rules / sizeof rules[0] && strcmp(rules[r].kind, p->kind ? p->kind : "") != 0)
    r++;
  if (r == sizeof rules / sizeof rules[0])
    return refuse(p->kind, "no such hospital kind", NULL, err, errlen);
  if (ledger_key_is_zero(p->key))
    return refuse(p->kind, "no idempotency key", NULL, err, errlen);
  if (receipt && receipt_len)
    receipt[0] = '\0';
  /* a replay needs only kind, key and hash */
  till_status_t idem;
  if (ledger_idem_check(sc, p->key, p->kind, p->req_hash, res, &idem, err, errlen)) {
    if (idem == TILL_OK && receipt && ledger_txn_receipt(sc, res->ref_id, receipt, receipt_len) != 0)
      return ledger_db_fail(sc, err, errlen);
    return idem;
  }
  if (p->n_entries < 2 || p->n_entries > LEDGER_HOSP_MAX_ENTRIES)
    return refuse(p->kind, "the number of entries is outside 2..64", NULL, err, errlen);
  if (!p->series_prefix || !*p->series_prefix)
    return refuse(p->kind, "no receipt series", NULL, err, errlen);
  int cash = p->method && strcmp(p->method, till_method_name(TILL_METHOD_CASH)) == 0;
  if (p->tendered < 0 || (p->tendered && !cash))
    return refuse(p->kind, "tendered on a posting not paid in cash", NULL, err, errlen);
  till_txn_t t;
  memset(&t, 0, sizeof t);
  int64_t shift_id;
  till_status_t st = ledger_open_shift_of(sc, p->terminal, p->cashier, &shift_id, err, errlen);
  if (st != TILL_OK)
    return st;
  t.shift_id = shift_id;
  static char acc[LEDGER_HOSP_MAX_ENTRIES][LEDGER_HOSP_ACCOUNT_MAX]; /* the writer's alone */
  const char *patient;
  int64_t move;
  st = build_entries(p, r, shift_id, &t, acc, &patient, &move, err, errlen);
  if (st != TILL_OK)
    return st;
  if (patient && (st = check_deposit(sc, patient, move, err, errlen)) != TILL_OK)
    return st;
  /* cash tendered covers the cash taken */
  int64_t cash_in = 0;
  for (size_t i = 0; i < p->n_entries; i++)
    if (p->entries[i].method == TILL_METHOD_CASH && p->entries[i].amount > 0)
      cash_in += p->entries[i].amount;
  if (p->tendered && p->tendered < cash_in) {
    snprintf(err, errlen, "tendered is less than the amount due");
    return TILL_E_INVALID;
  }

  char series[TILL_SERIES_PREFIX_MAX + 16] = "";
  t.at_ms = till_now_ms();
  int64_t no;
  if (ledger_allocate_number(sc, p->series_prefix, ledger_current_year(t.at_ms), series,
                             sizeof series, &no) != 0) {
    log_warn(LD_LEDGER, "allocating a receipt number: %s", sqlite3_errmsg(sc->db));
    return ledger_db_fail(sc, err, errlen);
  }
  t.series = series;
  t.receipt_no = no;
  t.kind = p->kind;
  t.terminal = p->terminal;
  t.cashier = p->cashier;
  memcpy(t.idem_key, p->key, TILL_KEY_LEN);
  t.method = p->method ? p->method : "";
  t.memo = p->memo ? p->memo : "";
  t.approver = "";
  st = ledger_post_txn(lg, sc, &t, p->tendered, err, errlen);
  if (st != TILL_OK)
    return st;
  if (ledger_idem_record(sc, p->key, p->kind, p->req_hash, t.id) != 0)
    return ledger_db_fail(sc, err, errlen);
  if (receipt)
    till_receipt_format(series, t.receipt_no, receipt, receipt_len);
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
}
