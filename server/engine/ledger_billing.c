/* ledger_billing.c -- billing's postings (ledger_billing.h): one checked,
 * balanced, chained, idempotent transaction per business event of a
 * heating or property office. The billing domain chooses the entries; this
 * file holds the rules every such transaction obeys whoever builds it. */
#include "ledger_billing.h"

#include <stdio.h>
#include <string.h>

#include "ledger_int.h"
#include "till_log.h"
#include "till_util.h"

/* A posting the domain built against the rules: a bug, logged with its
 * detail; the answer says only that it is internal. */
static till_status_t
refuse(const char *kind, const char *why, const char *detail, char *err, size_t errlen)
{
  log_err(LD_LEDGER, "refusing a billing posting (%s): %s %s", kind ? kind : "?", why,
          detail ? detail : "");
  snprintf(err, errlen, "internal error");
  return TILL_E_INTERNAL;
}

/* Account families a billing kind may touch. */
enum {
  ACC_RECEIVABLE = 1 << 0, /* receivable:payer:<id> */
  ACC_PREPAID = 1 << 1,    /* prepaid:payer:<id> */
  ACC_REVENUE = 1 << 2,    /* revenue:<scheme> */
  ACC_WAIVER = 1 << 3,     /* waiver:<scheme> */
  ACC_METHOD = 1 << 4,     /* a payment method's account, asked for by method */
  ACC_CLEARING = 1 << 5,   /* clearing:<method> named directly */
  ACC_BANK = 1 << 6,       /* bank */
};

static const struct {
  const char *kind;
  unsigned accounts;
  int numbered;            /* in the cashier's open shift, with a receipt number */
  int reverses;            /* names the payment it reverses */
} rules[] = {
  {LEDGER_KIND_CHARGE, ACC_RECEIVABLE | ACC_REVENUE, 0, 0},
  {LEDGER_KIND_CHARGE_ADJUST, ACC_RECEIVABLE | ACC_REVENUE | ACC_PREPAID, 0, 0},
  {LEDGER_KIND_PAYMENT, ACC_METHOD | ACC_RECEIVABLE | ACC_PREPAID, 1, 0},
  {LEDGER_KIND_PREPAID_APPLY, ACC_PREPAID | ACC_RECEIVABLE, 0, 0},
  {LEDGER_KIND_WAIVER, ACC_WAIVER | ACC_RECEIVABLE, 0, 0},
  {LEDGER_KIND_LATE_FEE, ACC_RECEIVABLE | ACC_REVENUE, 0, 0},
  {LEDGER_KIND_CHEQUE_CLEAR, ACC_CLEARING | ACC_BANK, 0, 0},
  {LEDGER_KIND_CHEQUE_BOUNCE, ACC_CLEARING | ACC_RECEIVABLE | ACC_PREPAID, 0, 1},
};

/* The family of <account>, and for a payer's account the payer's id. */
static unsigned
account_family(const char *account, long long *payer)
{
  static const char rec[] = "receivable:payer:", pre[] = "prepaid:payer:";
  const char *id = NULL;
  unsigned fam = 0;
  if (strncmp(account, rec, sizeof rec - 1) == 0) {
    id = account + sizeof rec - 1;
    fam = ACC_RECEIVABLE;
  } else if (strncmp(account, pre, sizeof pre - 1) == 0) {
    id = account + sizeof pre - 1;
    fam = ACC_PREPAID;
  } else if (strncmp(account, "revenue:", 8) == 0 && account[8]) {
    return ACC_REVENUE;
  } else if (strncmp(account, "waiver:", 7) == 0 && account[7]) {
    return ACC_WAIVER;
  } else if (strncmp(account, "clearing:", 9) == 0 && ledger_account_method(account)) {
    return ACC_CLEARING;
  } else if (strcmp(account, "bank") == 0) {
    return ACC_BANK;
  }
  if (!id)
    return 0;
  /* a payer id: digits, no leading zero, at most 18 of them */
  size_t n = strlen(id);
  if (n == 0 || n > 18 || id[0] == '0' || strspn(id, "0123456789") != n)
    return 0;
  long long v = 0;
  for (size_t i = 0; i < n; i++)
    v = v * 10 + (id[i] - '0');
  *payer = v;
  return fam;
}

/* The original of a cheque_bounce: a payment not reversed yet. */
static till_status_t
check_reverses(store_conn_t *sc, int64_t id, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT kind, (SELECT count(*) FROM journal r WHERE r.reverses = j.id)"
    " FROM journal j WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return ledger_db_fail(sc, err, errlen);
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  int is_payment = 0, reversed = 0;
  if (rc == SQLITE_ROW) {
    is_payment = strcmp((const char *)sqlite3_column_text(st, 0), LEDGER_KIND_PAYMENT) == 0;
    reversed = sqlite3_column_int(st, 1) > 0;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ledger_db_fail(sc, err, errlen);
  if (!is_payment) {
    snprintf(err, errlen, "transaction %lld is no payment", (long long)id);
    return TILL_E_INVALID;
  }
  if (reversed) {
    snprintf(err, errlen, "payment %lld was already reversed", (long long)id);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

/* Resolve and check the entries into t (accounts into <acc>). */
static till_status_t
build_entries(const bill_post_t *p, unsigned allowed, int64_t shift_id, till_txn_t *t,
              char acc[][LEDGER_BILL_ACCOUNT_MAX], char *err, size_t errlen)
{
  long long payer = 0;
  int64_t sum = 0;
  for (size_t i = 0; i < p->n_entries; i++) {
    const bill_entry_t *e = &p->entries[i];
    unsigned fam;
    if (e->method > 0) {
      if (e->method > TILL_METHOD_MAX || e->account[0])
        return refuse(p->kind, "an entry names a bad method", e->account, err, errlen);
      fam = ACC_METHOD;
      ledger_method_account(e->method, shift_id, acc[i], LEDGER_BILL_ACCOUNT_MAX);
    } else {
      long long id = 0;
      fam = account_family(e->account, &id);
      if (fam & (ACC_RECEIVABLE | ACC_PREPAID)) {
        if (payer && id != payer)
          return refuse(p->kind, "one transaction names two payers", e->account, err, errlen);
        payer = id;
      }
      snprintf(acc[i], LEDGER_BILL_ACCOUNT_MAX, "%s", e->account);
    }
    if (!(fam & allowed))
      return refuse(p->kind, "the kind may not post to", acc[i], err, errlen);
    if (e->amount == 0 || e->amount > LEDGER_TOTAL_MAX || e->amount < -LEDGER_TOTAL_MAX)
      return refuse(p->kind, "an entry's amount is 0 or out of range on", acc[i], err, errlen);
    sum += e->amount;
    t->entries[i] = (till_entry_t){(int32_t)(i + 1), acc[i], e->amount, e->item,
                                   e->quantity, e->unit_price};
  }
  if (sum != 0 || p->n_entries < 2)
    return refuse(p->kind, "unbalanced", NULL, err, errlen);
  t->n_entries = p->n_entries;
  return TILL_OK;
}

till_status_t
ledger_post_billing(ledger_t *lg, store_conn_t *sc, const bill_post_t *p, post_result_t *res,
                    char *receipt, size_t receipt_len, char *err, size_t errlen)
{
  size_t r = 0;
  while (r < sizeof rules / sizeof rules[0] && strcmp(rules[r].kind, p->kind ? p->kind : "") != 0)
    r++;
  if (r == sizeof rules / sizeof rules[0])
    return refuse(p->kind, "no such billing kind", NULL, err, errlen);
  if (p->n_entries < 2 || p->n_entries > LEDGER_BILL_MAX_ENTRIES)
    return refuse(p->kind, "the number of entries is outside 2..64", NULL, err, errlen);
  if ((rules[r].numbered != 0) != (p->series_prefix && *p->series_prefix))
    return refuse(p->kind, "a receipt series given to the wrong kind, or missing", NULL, err,
                  errlen);
  if ((rules[r].reverses != 0) != (p->reverses != 0))
    return refuse(p->kind, "reverses given to the wrong kind, or missing", NULL, err, errlen);
  if (receipt && receipt_len)
    receipt[0] = '\0';
  if (!ledger_key_is_zero(p->key)) {
    till_status_t idem;
    if (ledger_idem_check(sc, p->key, p->kind, p->req_hash, res, &idem, err, errlen)) {
      if (idem == TILL_OK && receipt && rules[r].numbered &&
          ledger_txn_receipt(sc, res->ref_id, receipt, receipt_len) != 0)
        return ledger_db_fail(sc, err, errlen);
      return idem;
    }
  }
  till_txn_t t;
  memset(&t, 0, sizeof t);
  int64_t shift_id = 0;
  if (rules[r].numbered) {
    till_status_t sst = ledger_open_shift_of(sc, p->terminal, p->cashier, &shift_id, err, errlen);
    if (sst != TILL_OK)
      return sst;
    t.shift_id = shift_id;
  }
  if (rules[r].reverses) {
    till_status_t rst = check_reverses(sc, p->reverses, err, errlen);
    if (rst != TILL_OK)
      return rst;
  }
  static char acc[LEDGER_BILL_MAX_ENTRIES][LEDGER_BILL_ACCOUNT_MAX]; /* the writer's alone */
  till_status_t est = build_entries(p, rules[r].accounts, shift_id, &t, acc, err, errlen);
  if (est != TILL_OK)
    return est;

  char series[TILL_SERIES_PREFIX_MAX + 16] = "";
  t.at_ms = till_now_ms();
  if (rules[r].numbered) {
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
  t.reverses = p->reverses;
  t.method = p->method ? p->method : "";
  t.memo = p->memo ? p->memo : "";
  t.approver = p->approver ? p->approver : "";
  till_status_t st = ledger_post_txn(lg, sc, &t, p->tendered, err, errlen);
  if (st != TILL_OK)
    return st;
  if (!ledger_key_is_zero(p->key) && ledger_idem_record(sc, p->key, p->kind, p->req_hash, t.id) != 0)
    return ledger_db_fail(sc, err, errlen);
  if (receipt && rules[r].numbered)
    till_receipt_format(series, t.receipt_no, receipt, receipt_len);
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
}
