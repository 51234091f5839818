/* ledger_refund.c -- refunds (ledger_refund.h): the rules every refund
 * obeys whatever domain's original it takes back. The legs come from the
 * original's domain; this file checks them against the original and the
 * refunds already paid on it, adds the paid-out leg, numbers the receipt
 * in the refund series and marks the request paid. */
#include "ledger_refund.h"

#include <stdio.h>
#include <string.h>

#include "ledger_hospital.h"
#include "ledger_int.h"
#include "till_log.h"
#include "till_money.h"
#include "till_util.h"

/* the request as the refund domain stored it */
typedef struct {
  int64_t orig;
  char state[16];
  int64_t amount;
  char reason[LEDGER_MEMO_MAX + 1];
  char approver[80];
} refund_row_t;

static till_status_t
load_request(store_conn_t *sc, int64_t id, refund_row_t *q, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT orig_txn_id, state, amount, reason, coalesce(decided_by, '') FROM refunds WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return ledger_db_fail(sc, err, errlen);
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    q->orig = sqlite3_column_int64(st, 0);
    snprintf(q->state, sizeof q->state, "%s", (const char *)sqlite3_column_text(st, 1));
    q->amount = sqlite3_column_int64(st, 2);
    snprintf(q->reason, sizeof q->reason, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(q->approver, sizeof q->approver, "%s", (const char *)sqlite3_column_text(st, 4));
  }
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) {
    snprintf(err, errlen, "no refund %lld", (long long)id);
    return TILL_E_NOT_FOUND;
  }
  if (rc != SQLITE_ROW)
    return ledger_db_fail(sc, err, errlen);
  if (strcmp(q->state, "approved") != 0) {
    if (strcmp(q->state, "paid") == 0)
      snprintf(err, errlen, "refund %lld was already paid", (long long)id);
    else if (strcmp(q->state, "rejected") == 0)
      snprintf(err, errlen, "refund %lld was rejected; it cannot be paid", (long long)id);
    else
      snprintf(err, errlen, "refund %lld is not approved yet; a supervisor approves it first",
               (long long)id);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

/* 1 if a void reverses <id>, 0 if not, -1 on a database error */
static int
is_voided(store_conn_t *sc, int64_t id)
{
  static const char sql[] = "SELECT EXISTS (SELECT 1 FROM journal WHERE reverses = ?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

/* The original as a refund may take it: numbered, neither a void nor a
 * refund, not voided. */
static till_status_t
check_original(store_conn_t *sc, const till_txn_t *o, char *number, size_t nlen, char *err,
               size_t errlen)
{
  till_receipt_format(o->series, o->receipt_no, number, nlen);
  if (strcmp(o->kind, "void") == 0 || strcmp(o->kind, LEDGER_KIND_REFUND) == 0 ||
      !o->series[0] || o->receipt_no <= 0) {
    snprintf(err, errlen, "transaction %lld (%s) cannot be refunded: only a numbered sale or "
             "payment can", (long long)o->id, o->kind);
    return TILL_E_PRECONDITION;
  }
  int v = is_voided(sc, o->id);
  if (v < 0)
    return ledger_db_fail(sc, err, errlen);
  if (v) {
    snprintf(err, errlen, "%s was voided; a voided transaction cannot be refunded", number);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

till_status_t
ledger_refunded_so_far(store_conn_t *sc, int64_t orig, ledger_refund_done_t *out, size_t max,
                       size_t *n, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT e.account, e.item, sum(e.amount), sum(e.quantity) FROM refunds q"
    " JOIN entries e ON e.txn_id = q.refund_txn_id"
    " WHERE q.orig_txn_id = ? AND q.state = 'paid'"
    " AND e.seq > 1" /* seq 1 is the paid-out leg: a drawer, clearing or a deposit */
    " GROUP BY e.account, e.item ORDER BY min(e.txn_id * 100 + e.seq)";
  *n = 0;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return ledger_db_fail(sc, err, errlen);
  sqlite3_bind_int64(st, 1, orig);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == max) {
      sqlite3_reset(st);
      snprintf(err, errlen, "internal error");
      log_err(LD_LEDGER, "transaction %lld: its refunds touch more than %zu accounts",
              (long long)orig, max);
      return TILL_E_INTERNAL;
    }
    ledger_refund_done_t *d = &out[(*n)++];
    snprintf(d->account, sizeof d->account, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(d->item, sizeof d->item, "%s", (const char *)sqlite3_column_text(st, 1));
    d->amount = sqlite3_column_int64(st, 2);
    d->quantity = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? TILL_OK : ledger_db_fail(sc, err, errlen);
}

/* 1 if <account> is a patient's deposit (预交金, deposit:patient:<id>) */
static int
is_deposit(const char *account)
{
  return strncmp(account, LEDGER_HOSP_DEPOSIT_PREFIX, strlen(LEDGER_HOSP_DEPOSIT_PREFIX)) == 0;
}

/* what <o> took in: the sum of its payment entries, and what it drew from
 * a patient's deposit (a hospital bill paid --from-deposit debits it) */
static int64_t
paid_in_of(const till_txn_t *o)
{
  int64_t in = 0;
  for (size_t i = 0; i < o->n_entries; i++)
    if (ledger_account_method(o->entries[i].account) ||
        (is_deposit(o->entries[i].account) && o->entries[i].amount > 0))
      in += o->entries[i].amount;
  return in;
}

till_status_t
ledger_refund_figures(store_conn_t *sc, int64_t orig, int64_t *paid_in, int64_t *refunded,
                      char *err, size_t errlen)
{
  /* readers call this too: everything on the stack */
  till_txn_t o;
  char buf[8192];
  uint8_t h[TILL_HASH_LEN];
  ledger_refund_done_t done[TILL_CHAIN_MAX_ENTRIES];
  size_t n;
  int rc = ledger_load_txn(sc, orig, &o, h, buf, sizeof buf);
  if (rc != 0) {
    snprintf(err, errlen, "transaction %lld not found", (long long)orig);
    return rc > 0 ? TILL_E_NOT_FOUND : ledger_db_fail(sc, err, errlen);
  }
  *paid_in = paid_in_of(&o);
  till_status_t st = ledger_refunded_so_far(sc, orig, done, TILL_CHAIN_MAX_ENTRIES, &n, err,
                                            errlen);
  if (st != TILL_OK)
    return st;
  *refunded = 0;
  for (size_t i = 0; i < n; i++)
    *refunded += done[i].amount;
  return TILL_OK;
}

/* The net of <o>'s entries on <account> (0 when it has none). */
static int64_t
orig_net(const till_txn_t *o, const char *account)
{
  int64_t net = 0;
  for (size_t i = 0; i < o->n_entries; i++)
    if (strcmp(o->entries[i].account, account) == 0)
      net += o->entries[i].amount;
  return net;
}

/* Every leg reverses the original on its own account, and no account gives
 * back more than the original put there less the earlier refunds. *total
 * gets the legs' sum. */
static till_status_t
check_legs(const till_txn_t *o, const refund_post_t *p, const ledger_refund_done_t *done,
           size_t n_done, int64_t *total, char *err, size_t errlen)
{
  *total = 0;
  if (p->n_legs < 1 || p->n_legs > LEDGER_REFUND_MAX_LEGS) {
    snprintf(err, errlen, "a refund takes back 1 to %d entries of the original",
             LEDGER_REFUND_MAX_LEGS);
    return TILL_E_INVALID;
  }
  for (size_t i = 0; i < p->n_legs; i++) {
    const ledger_refund_leg_t *l = &p->legs[i];
    int64_t net = orig_net(o, l->account);
    if (l->amount == 0 || l->amount > LEDGER_TOTAL_MAX || l->amount < -LEDGER_TOTAL_MAX ||
        ledger_account_method(l->account) || is_deposit(l->account) || net == 0 ||
        (net > 0) == (l->amount > 0)) {
      snprintf(err, errlen, "a refund of transaction %lld may only reverse its own entries; "
               "%s is not one of them", (long long)o->id, l->account);
      return TILL_E_INVALID;
    }
    /* the account's legs in this refund and in the earlier ones */
    int64_t back = 0;
    for (size_t j = 0; j < p->n_legs; j++)
      if (strcmp(p->legs[j].account, l->account) == 0)
        back += p->legs[j].amount;
    for (size_t j = 0; j < n_done; j++)
      if (strcmp(done[j].account, l->account) == 0)
        back += done[j].amount;
    if ((net < 0 && back > -net) || (net > 0 && back < -net)) {
      char a[TILL_MONEY_STR_MAX];
      till_money_format(net < 0 ? -net : net, a, sizeof a);
      snprintf(err, errlen, "a refund would take back more from %s than the original put "
               "there (%s)", l->account, a);
      return TILL_E_PRECONDITION;
    }
    *total += l->amount;
  }
  return TILL_OK;
}

/* The receipt series of kind refund: exactly one. */
static till_status_t
refund_series(store_conn_t *sc, char *prefix, size_t len, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT prefix FROM series WHERE kind = '" LEDGER_REFUND_SERIES_KIND "' ORDER BY prefix LIMIT 2";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return ledger_db_fail(sc, err, errlen);
  int n = 0, rc;
  while (n < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == 0)
      snprintf(prefix, len, "%s", (const char *)sqlite3_column_text(st, 0));
    n++;
  }
  sqlite3_reset(st);
  if (n == 0 && rc != SQLITE_DONE)
    return ledger_db_fail(sc, err, errlen);
  if (n == 0) {
    snprintf(err, errlen, "there is no receipt series of kind refund; an admin adds one with "
             "'till admin series add PREFIX --kind refund'");
    return TILL_E_PRECONDITION;
  }
  if (n > 1) {
    snprintf(err, errlen, "there is more than one receipt series of kind refund; refunds need "
             "exactly one");
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

/* 1 if a discharge closed the deposit <account> (its hosp_discharge debited
 * it), 0 if not, -1 on a database error */
static int
deposit_closed(store_conn_t *sc, const char *account)
{
  static const char sql[] =
    "SELECT EXISTS (SELECT 1 FROM entries e JOIN journal j ON j.id = e.txn_id"
    " WHERE e.account = ? AND j.kind = '" LEDGER_KIND_HOSP_DISCHARGE "')";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return v;
}

/* An original drawn from a patient's deposit goes back to that deposit
 * while the patient is in (a hospital credits an inpatient's refund to the
 * 预交金; the discharge pays the balance out in cash), and in cash once
 * the discharge closed it. *done 1 when the deposit (or a refusal) decided
 * the paid-out account, 0 when the original drew on no deposit. */
static till_status_t
paid_out_deposit(store_conn_t *sc, const till_txn_t *o, int to_original, char *acc, size_t len,
                 const char **method, int *done, char *err, size_t errlen)
{
  const char *dep = NULL;
  *done = 0;
  for (size_t i = 0; i < o->n_entries && !dep; i++)
    if (is_deposit(o->entries[i].account) && o->entries[i].amount > 0)
      dep = o->entries[i].account;
  if (!dep)
    return TILL_OK;
  const char *patient = dep + strlen(LEDGER_HOSP_DEPOSIT_PREFIX);
  int closed = deposit_closed(sc, dep);
  if (closed < 0)
    return ledger_db_fail(sc, err, errlen);
  if (closed && to_original) {
    snprintf(err, errlen, "the deposit of patient %s was closed at discharge; pay the refund in "
             "cash", patient);
    return TILL_E_PRECONDITION;
  }
  if (closed)
    return TILL_OK; /* cash from the paying drawer, as any refund */
  if (!to_original) {
    snprintf(err, errlen, "the original was paid from the deposit of patient %s, who was not "
             "discharged: the refund goes back to the deposit (--method original); the "
             "discharge pays the balance in cash", patient);
    return TILL_E_PRECONDITION;
  }
  snprintf(acc, len, "%s", dep);
  *method = LEDGER_REFUND_METHOD_DEPOSIT;
  *done = 1;
  return TILL_OK;
}

/* The paid-out account and journal.method: the paying drawer for cash, the
 * original's clearing:<method> for its non-cash method, the patient's
 * deposit for an original drawn from it (paid_out_deposit). */
static till_status_t
paid_out_account(store_conn_t *sc, const till_txn_t *o, int to_original, int64_t shift_id,
                 char *acc, size_t len, const char **method, char *err, size_t errlen)
{
  int m = TILL_METHOD_CASH, done = 0;
  till_status_t st = paid_out_deposit(sc, o, to_original, acc, len, method, &done, err, errlen);
  if (st != TILL_OK || done)
    return st;
  if (to_original) {
    int found = 0;
    for (size_t i = 0; i < o->n_entries; i++) {
      int em = ledger_account_method(o->entries[i].account);
      if (!em || o->entries[i].amount <= 0)
        continue;
      if (found && em != m) {
        snprintf(err, errlen, "the original was paid by more than one method; pay the refund "
                 "in cash");
        return TILL_E_PRECONDITION;
      }
      m = em;
      found = 1;
    }
    if (!found) {
      snprintf(err, errlen, "the original has no payment to go back to; pay the refund in cash");
      return TILL_E_PRECONDITION;
    }
  }
  ledger_method_account(m, shift_id, acc, len);
  *method = till_method_name(m);
  return TILL_OK;
}

static till_status_t
mark_paid(store_conn_t *sc, const refund_post_t *p, const char *method, int64_t txn, char *err,
          size_t errlen)
{
  static const char sql[] =
    "UPDATE refunds SET state = 'paid', paid_by = ?, paid_terminal = ?, paid_at = ?,"
    " method = ?, refund_txn_id = ? WHERE id = ? AND state = 'approved'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return ledger_db_fail(sc, err, errlen);
  sqlite3_bind_text(st, 1, p->cashier, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, p->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, txn);
  sqlite3_bind_int64(st, 6, p->refund_id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1)
    return ledger_db_fail(sc, err, errlen);
  return TILL_OK;
}

/* Everything but the posting: the request, the original, the legs, the
 * remaining amount, partial refunds. *total the legs' sum. */
static till_status_t
check_refund(store_conn_t *sc, const refund_post_t *p, const refund_row_t *q, const till_txn_t *o,
             int64_t *total, char *err, size_t errlen)
{
  static ledger_refund_done_t done[TILL_CHAIN_MAX_ENTRIES]; /* the writer's alone */
  char number[TILL_RECEIPT_NO_MAX], a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
  size_t n_done = 0;
  till_status_t st = check_original(sc, o, number, sizeof number, err, errlen);
  if (st != TILL_OK)
    return st;
  if ((st = ledger_refunded_so_far(sc, o->id, done, TILL_CHAIN_MAX_ENTRIES, &n_done, err,
                                   errlen)) != TILL_OK)
    return st;
  if ((st = check_legs(o, p, done, n_done, total, err, errlen)) != TILL_OK)
    return st;
  int64_t in = paid_in_of(o), before = 0;
  for (size_t i = 0; i < n_done; i++)
    before += done[i].amount;
  if (*total <= 0 || *total > in - before) {
    till_money_format(*total, a, sizeof a);
    till_money_format(in - before, b, sizeof b);
    snprintf(err, errlen, "a refund of %s exceeds what is left unrefunded on %s (%s)", a, number,
             b);
    return TILL_E_PRECONDITION;
  }
  if (*total != q->amount) {
    till_money_format(*total, a, sizeof a);
    till_money_format(q->amount, b, sizeof b);
    snprintf(err, errlen, "the refund now comes to %s, not the %s approved; reject it and ask "
             "again", a, b);
    return TILL_E_PRECONDITION;
  }
  if (!p->partial_allowed && (before != 0 || *total != in)) {
    snprintf(err, errlen, "partial refunds are off at this office: only the whole of %s can be "
             "refunded", number);
    return TILL_E_PRECONDITION;
  }
  return TILL_OK;
}

till_status_t
ledger_post_refund(ledger_t *lg, store_conn_t *sc, const refund_post_t *p, post_result_t *res,
                   char *receipt, size_t receipt_len, char *err, size_t errlen)
{
  static till_txn_t o, t; /* the writer's alone */
  static char obuf[8192];
  static char acc[TILL_CHAIN_MAX_ENTRIES][LEDGER_REFUND_ACCOUNT_MAX];
  refund_row_t q;
  uint8_t ohash[TILL_HASH_LEN];
  if (receipt && receipt_len)
    receipt[0] = '\0';
  till_status_t idem;
  if (ledger_idem_check(sc, p->key, LEDGER_KIND_REFUND, p->req_hash, res, &idem, err, errlen)) {
    if (idem == TILL_OK && receipt && ledger_txn_receipt(sc, res->ref_id, receipt, receipt_len))
      return ledger_db_fail(sc, err, errlen);
    return idem;
  }
  till_status_t st = load_request(sc, p->refund_id, &q, err, errlen);
  if (st != TILL_OK)
    return st;
  int lrc = ledger_load_txn(sc, q.orig, &o, ohash, obuf, sizeof obuf);
  if (lrc != 0) {
    snprintf(err, errlen, "cannot load transaction %lld", (long long)q.orig);
    return lrc > 0 ? TILL_E_NOT_FOUND : ledger_db_fail(sc, err, errlen);
  }
  int64_t total = 0, shift_id = 0;
  if ((st = check_refund(sc, p, &q, &o, &total, err, errlen)) != TILL_OK)
    return st;
  if ((st = ledger_open_shift_of(sc, p->terminal, p->cashier, &shift_id, err, errlen)) != TILL_OK)
    return st;
  char prefix[TILL_SERIES_PREFIX_MAX + 1], series[TILL_SERIES_PREFIX_MAX + 16];
  if ((st = refund_series(sc, prefix, sizeof prefix, err, errlen)) != TILL_OK)
    return st;
  const char *method = "";
  memset(&t, 0, sizeof t);
  if ((st = paid_out_account(sc, &o, p->to_original, shift_id, acc[0], sizeof acc[0], &method,
                             err, errlen)) != TILL_OK)
    return st;
  t.entries[0] = (till_entry_t){1, acc[0], -total, "", 0, 0};
  for (size_t i = 0; i < p->n_legs; i++) {
    const ledger_refund_leg_t *l = &p->legs[i];
    snprintf(acc[i + 1], sizeof acc[i + 1], "%s", l->account);
    t.entries[i + 1] = (till_entry_t){(int32_t)(i + 2), acc[i + 1], l->amount, l->item,
                                      l->quantity, l->unit_price};
  }
  t.n_entries = p->n_legs + 1;
  t.at_ms = till_now_ms();
  int64_t no;
  if (ledger_allocate_number(sc, prefix, ledger_current_year(t.at_ms), series, sizeof series,
                             &no) != 0) {
    log_warn(LD_LEDGER, "allocating a refund number: %s", sqlite3_errmsg(sc->db));
    return ledger_db_fail(sc, err, errlen);
  }
  t.kind = LEDGER_KIND_REFUND;
  t.terminal = p->terminal;
  t.cashier = p->cashier;
  t.shift_id = shift_id;
  t.series = series;
  t.receipt_no = no;
  memcpy(t.idem_key, p->key, TILL_KEY_LEN);
  t.method = method;
  t.memo = q.reason;
  t.approver = q.approver;
  if ((st = ledger_post_txn(lg, sc, &t, 0, err, errlen)) != TILL_OK)
    return st;
  if ((st = mark_paid(sc, p, method, t.id, err, errlen)) != TILL_OK)
    return st;
  if (ledger_idem_record(sc, p->key, LEDGER_KIND_REFUND, p->req_hash, t.id) != 0)
    return ledger_db_fail(sc, err, errlen);
  if (receipt)
    till_receipt_format(series, no, receipt, receipt_len);
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
}
