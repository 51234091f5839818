/* ledger_cash.c -- postings of the cash drawer: a shift's float, its blind
 * close (counts, variance to over_short, float back to the safe), deposits
 * to the bank and their confirmation. */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "till_log.h"
#include "till_money.h"
#include "till_util.h"

static void
hash_counts(till_canon_t *c, const denom_count_t *counts, size_t n)
{
  till_canon_u32(c, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    till_canon_i64(c, counts[i].face);
    till_canon_i64(c, counts[i].count);
  }
}

static void
finish_hash(till_canon_t *c, uint8_t out[32])
{
  SHA256(c->data ? c->data : (const uint8_t *)"", c->len, out);
  till_canon_free(c);
}

/* Check a count against the deployment's denominations and total it. */
static till_status_t
count_total(const denoms_t *denoms, const denom_count_t *counts, size_t n, int64_t *total,
            char *err, size_t errlen)
{
  int64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    int known = 0;
    for (size_t k = 0; k < denoms->n; k++)
      known |= denoms->face[k] == counts[i].face;
    char face[TILL_MONEY_STR_MAX];
    till_money_format(counts[i].face, face, sizeof face);
    if (!known) {
      snprintf(err, errlen, "%s is not a note or coin of this deployment", face);
      return TILL_E_INVALID;
    }
    for (size_t j = 0; j < i; j++) {
      if (counts[j].face == counts[i].face) {
        snprintf(err, errlen, "%s is counted twice", face);
        return TILL_E_INVALID;
      }
    }
    if (counts[i].count < 0 || counts[i].count > LEDGER_COUNT_MAX) {
      snprintf(err, errlen, "count of %s must be 0 to %d", face, LEDGER_COUNT_MAX);
      return TILL_E_INVALID;
    }
    int64_t amount;
    if (till_money_mul(counts[i].face, counts[i].count, &amount) != 0 ||
        till_money_add(sum, amount, &sum) != 0 || sum > LEDGER_TOTAL_MAX) {
      snprintf(err, errlen, "the count exceeds the limit of one posting");
      return TILL_E_INVALID;
    }
  }
  *total = sum;
  return TILL_OK;
}

static int
insert_counts(store_conn_t *sc, int64_t shift_id, const char *phase, const denom_count_t *counts,
              size_t n)
{
  static const char sql[] =
    "INSERT INTO shift_counts(shift_id, phase, face, count) VALUES (?,?,?,?)";
  for (size_t i = 0; i < n; i++) {
    sqlite3_stmt *st = store_stmt(sc, sql);
    if (!st)
      return -1;
    sqlite3_bind_int64(st, 1, shift_id);
    sqlite3_bind_text(st, 2, phase, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, counts[i].face);
    sqlite3_bind_int64(st, 4, counts[i].count);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      return -1;
  }
  return 0;
}

/* Post a two-entry transaction moving <amount> from <credit> to <debit>. */
static till_status_t
post_transfer(ledger_t *lg, store_conn_t *sc, const char *kind, const char *terminal,
              const char *cashier, int64_t shift_id, const uint8_t *key, const char *memo,
              const char *debit, const char *credit, int64_t amount, int64_t *txn_id, char *err,
              size_t errlen)
{
  till_txn_t t;
  memset(&t, 0, sizeof t);
  t.kind = kind;
  t.at_ms = till_now_ms();
  t.terminal = terminal;
  t.cashier = cashier;
  t.shift_id = shift_id;
  t.series = "";
  if (key)
    memcpy(t.idem_key, key, TILL_KEY_LEN);
  t.method = "";
  t.memo = memo ? memo : "";
  t.approver = "";
  t.n_entries = 2;
  t.entries[0] = (till_entry_t){1, debit, amount, "", 0, 0};
  t.entries[1] = (till_entry_t){2, credit, -amount, "", 0, 0};
  till_status_t st = ledger_post_txn(lg, sc, &t, 0, err, errlen);
  if (st == TILL_OK && txn_id)
    *txn_id = t.id;
  return st;
}

till_status_t
ledger_open_shift_of(store_conn_t *sc, const char *terminal, const char *cashier,
                     int64_t *shift_id, char *err, size_t errlen)
{
  static const char sql[] =
    "SELECT id, terminal_id, cashier FROM shifts WHERE state = 1 AND (terminal_id = ? OR cashier = ?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st) {
    snprintf(err, errlen, "internal error");
    return TILL_E_INTERNAL;
  }
  sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, cashier, -1, SQLITE_STATIC);
  int64_t mine = 0, other_id = 0;
  int other_here = 0; /* the other open shift is on this terminal */
  char other_t[64] = "", other_c[64] = "";
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *t = (const char *)sqlite3_column_text(st, 1);
    const char *c = (const char *)sqlite3_column_text(st, 2);
    if (strcmp(t, terminal) == 0 && strcmp(c, cashier) == 0) {
      mine = id;
      continue;
    }
    other_id = id;
    other_here = strcmp(t, terminal) == 0;
    snprintf(other_t, sizeof other_t, "%s", t);
    snprintf(other_c, sizeof other_c, "%s", c);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    return ledger_db_fail(sc, err, errlen);
  }
  if (mine) {
    *shift_id = mine;
    return TILL_OK;
  }
  /* whole sentences, so that each has its translation (po/server) */
  if (other_id && other_here)
    snprintf(err, errlen, "no open shift of %s on %s (terminal %s has shift %lld of %s open)",
             cashier, terminal, other_t, (long long)other_id, other_c);
  else if (other_id)
    snprintf(err, errlen, "no open shift of %s on %s (%s has shift %lld open on terminal %s)",
             cashier, terminal, other_c, (long long)other_id, other_t);
  else
    snprintf(err, errlen, "no open shift of %s on %s: open one with 'till shift open --count ...'",
             cashier, terminal);
  return TILL_E_PRECONDITION;
}

int
shift_of_txn_is_open(store_conn_t *sc, int64_t txn_id)
{
  static const char sql[] =
    "SELECT s.state FROM journal j JOIN shifts s ON s.id = j.shift_id WHERE j.id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return 0;
  sqlite3_bind_int64(st, 1, txn_id);
  int open = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
  sqlite3_reset(st);
  return open;
}

till_status_t
ledger_business_date(store_conn_t *sc, int64_t now, char out[LEDGER_DATE_LEN + 1], char *err,
                     size_t errlen)
{
  /* dates are YYYY-MM-DD: text order is date order; date(.., '+1 day') is
   * calendar arithmetic, without a time zone */
  static const char sql[] =
    "SELECT max(?1, coalesce((SELECT date(max(date), '+1 day') FROM day_closes), ''))";
  char today[LEDGER_DATE_LEN + 1];
  till_local_date(now, today);
  sqlite3_stmt *q = store_stmt(sc, sql);
  if (!q) {
    snprintf(err, errlen, "internal error");
    return TILL_E_INTERNAL;
  }
  sqlite3_bind_text(q, 1, today, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  const char *d = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
  int ok = d && strlen(d) == LEDGER_DATE_LEN;
  if (ok)
    memcpy(out, d, LEDGER_DATE_LEN + 1);
  sqlite3_reset(q);
  if (rc != SQLITE_ROW)
    return ledger_db_fail(sc, err, errlen);
  if (!ok) {
    snprintf(err, errlen, "the business date cannot be computed");
    return TILL_E_INTERNAL;
  }
  return TILL_OK;
}

/* A closed business date (till day close) stays closed: nothing new is
 * stamped with it. ledger_business_date never returns a closed date, so
 * this only fails if that rule is broken; schema step 5's triggers refuse
 * the same rows in SQLite. TILL_OK while <date> is open. */
static till_status_t
date_still_open(store_conn_t *sc, const char *date, char *err, size_t errlen)
{
  static const char sql[] = "SELECT 1 FROM day_closes WHERE date = ?";
  sqlite3_stmt *q = store_stmt(sc, sql);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, date, -1, SQLITE_STATIC);
  int closed = sqlite3_step(q);
  sqlite3_reset(q);
  if (closed == SQLITE_ROW) {
    snprintf(err, errlen, "business date %s is closed", date);
    return TILL_E_PRECONDITION;
  }
  return closed == SQLITE_DONE ? TILL_OK : ledger_db_fail(sc, err, errlen);
}

/* The current business date into <date>, checked open. */
static till_status_t
open_business_date(store_conn_t *sc, int64_t now, char date[LEDGER_DATE_LEN + 1], char *err,
                   size_t errlen)
{
  till_status_t st = ledger_business_date(sc, now, date, err, errlen);
  return st != TILL_OK ? st : date_still_open(sc, date, err, errlen);
}

till_status_t
ledger_shift_open(ledger_t *lg, store_conn_t *sc, const denoms_t *denoms, const shift_open_t *req,
                  post_result_t *res, char *err, size_t errlen)
{
  static const char sql_busy[] =
    "SELECT id, terminal_id, cashier FROM shifts WHERE state = 1 AND (terminal_id = ? OR cashier = ?)";
  static const char sql_add[] =
    "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount, business_date)"
    " VALUES (?,?,?,?,?)";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  int64_t total, shift_id;
  char bdate[LEDGER_DATE_LEN + 1];
  till_canon_init(&c);
  till_canon_str(&c, "SHIFT-OPEN-V1");
  till_canon_str(&c, req->terminal);
  till_canon_str(&c, req->cashier);
  hash_counts(&c, req->counts, req->n_counts);
  finish_hash(&c, hash);
  if (ledger_idem_check(sc, req->key, "shift_open", hash, res, &st, err, errlen))
    return st;
  if ((st = count_total(denoms, req->counts, req->n_counts, &total, err, errlen)) != TILL_OK)
    return st;
  int64_t now = till_now();
  if ((st = open_business_date(sc, now, bdate, err, errlen)) != TILL_OK)
    return st;
  sqlite3_stmt *q = store_stmt(sc, sql_busy);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, req->cashier, -1, SQLITE_STATIC);
  if (sqlite3_step(q) == SQLITE_ROW) {
    int same_terminal = strcmp((const char *)sqlite3_column_text(q, 1), req->terminal) == 0;
    long long id = (long long)sqlite3_column_int64(q, 0);
    if (same_terminal)
      snprintf(err, errlen, "terminal %s already has an open shift (%lld, %s)", req->terminal, id,
               (const char *)sqlite3_column_text(q, 2));
    else
      snprintf(err, errlen, "%s already has an open shift (%lld, on %s)", req->cashier, id,
               (const char *)sqlite3_column_text(q, 1));
    sqlite3_reset(q);
    return TILL_E_PRECONDITION;
  }
  sqlite3_reset(q);
  q = store_stmt(sc, sql_add);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, req->cashier, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, now);
  sqlite3_bind_int64(q, 4, total);
  sqlite3_bind_text(q, 5, bdate, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE) {
    snprintf(err, errlen, "cannot open the shift: %s", sqlite3_errmsg(sc->db));
    return TILL_E_UNAVAILABLE;
  }
  shift_id = sqlite3_last_insert_rowid(sc->db);
  if (insert_counts(sc, shift_id, "open", req->counts, req->n_counts) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  if (total > 0) {
    char drawer[64];
    ledger_drawer_account(shift_id, drawer, sizeof drawer);
    st = post_transfer(lg, sc, "float", req->terminal, req->cashier, shift_id, req->key,
                       "opening float", drawer, "safe", total, NULL, err, errlen);
    if (st != TILL_OK)
      return st;
  }
  if (ledger_idem_record(sc, req->key, "shift_open", hash, shift_id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = shift_id;
  res->replayed = 0;
  return TILL_OK;
}

/* Sum of one account's entries, optionally only in transactions of a shift. */
static int
account_sum(store_conn_t *sc, const char *account, int64_t shift_id, int64_t *sum)
{
  static const char sql_all[] = "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = ?";
  static const char sql_shift[] =
    "SELECT coalesce(sum(e.amount), 0) FROM entries e JOIN journal j ON j.id = e.txn_id"
    " WHERE e.account = ? AND j.shift_id = ?";
  sqlite3_stmt *st = store_stmt(sc, shift_id ? sql_shift : sql_all);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
  if (shift_id)
    sqlite3_bind_int64(st, 2, shift_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *sum = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

till_status_t
ledger_shift_close(ledger_t *lg, store_conn_t *sc, const denoms_t *denoms,
                   const shift_close_t *req, post_result_t *res, char *err, size_t errlen)
{
  static const char sql_float[] = "SELECT float_amount FROM shifts WHERE id = ?";
  static const char sql_close[] =
    "UPDATE shifts SET state = 2, closed_at = ?, expected_cash = ?, counted_cash = ?,"
    " cash_variance = ?, signature_txn_id = ? WHERE id = ? AND state = 1";
  static const char sql_noncash[] =
    "INSERT INTO shift_noncash(shift_id, method, counted, expected) VALUES (?,?,?,?)";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  int64_t counted, shift_id, expected, float_amount = 0;
  char drawer[64], over_short[96];

  till_canon_init(&c);
  till_canon_str(&c, "SHIFT-CLOSE-V1");
  till_canon_str(&c, req->terminal);
  till_canon_str(&c, req->cashier);
  hash_counts(&c, req->counts, req->n_counts);
  for (int m = TILL_METHOD_CARD; m <= TILL_METHOD_MAX; m++) {
    till_canon_i64(&c, req->noncash_given[m]);
    till_canon_i64(&c, req->noncash[m]);
  }
  finish_hash(&c, hash);
  if (ledger_idem_check(sc, req->key, "shift_close", hash, res, &st, err, errlen))
    return st;
  if ((st = count_total(denoms, req->counts, req->n_counts, &counted, err, errlen)) != TILL_OK)
    return st;
  for (int m = TILL_METHOD_CARD; m <= TILL_METHOD_MAX; m++) {
    if (req->noncash[m] < 0 || req->noncash[m] > LEDGER_TOTAL_MAX) {
      snprintf(err, errlen, "%s total must be 0 to 1000000000.00", till_method_name(m));
      return TILL_E_INVALID;
    }
  }
  if ((st = ledger_open_shift_of(sc, req->terminal, req->cashier, &shift_id, err, errlen)) != TILL_OK)
    return st;
  ledger_drawer_account(shift_id, drawer, sizeof drawer);
  snprintf(over_short, sizeof over_short, "over_short:%s", req->cashier);
  if (account_sum(sc, drawer, 0, &expected) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  sqlite3_stmt *q = store_stmt(sc, sql_float);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_int64(q, 1, shift_id);
  int frc = sqlite3_step(q);
  if (frc == SQLITE_ROW)
    float_amount = sqlite3_column_int64(q, 0);
  sqlite3_reset(q);
  if (frc != SQLITE_ROW) {
    return ledger_db_fail(sc, err, errlen);
  }

  int64_t variance;
  if (__builtin_sub_overflow(counted, expected, &variance)) {
    snprintf(err, errlen, "the count is out of range");
    return TILL_E_INVALID;
  }
  if (variance < 0)
    st = post_transfer(lg, sc, "variance", req->terminal, req->cashier, shift_id, req->key,
                       "cash short at close", over_short, drawer, -variance, NULL, err, errlen);
  else if (variance > 0)
    st = post_transfer(lg, sc, "variance", req->terminal, req->cashier, shift_id, req->key,
                       "cash over at close", drawer, over_short, variance, NULL, err, errlen);
  if (st != TILL_OK)
    return st;
  if (float_amount > 0) {
    /* the float goes back to the safe; what stays in the drawer is deposited */
    st = post_transfer(lg, sc, "float_return", req->terminal, req->cashier, shift_id,
                       variance ? NULL : req->key, "float returned to the safe", "safe", drawer,
                       float_amount, NULL, err, errlen);
    if (st != TILL_OK)
      return st;
  }
  if (insert_counts(sc, shift_id, "close", req->counts, req->n_counts) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  for (int m = TILL_METHOD_CARD; m <= TILL_METHOD_MAX; m++) {
    char account[32];
    int64_t exp_m = 0;
    snprintf(account, sizeof account, "clearing:%s", till_method_name(m));
    if (account_sum(sc, account, shift_id, &exp_m) != 0) {
      return ledger_db_fail(sc, err, errlen);
    }
    if (!req->noncash_given[m] && exp_m == 0)
      continue;
    q = store_stmt(sc, sql_noncash);
    if (!q)
      return TILL_E_INTERNAL;
    sqlite3_bind_int64(q, 1, shift_id);
    sqlite3_bind_text(q, 2, till_method_name(m), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, req->noncash[m]);
    sqlite3_bind_int64(q, 4, exp_m);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
      return ledger_db_fail(sc, err, errlen);
    }
  }
  if (ledger_sign_head(lg, sc, "shift_close", NULL) != TILL_OK) {
    snprintf(err, errlen, "could not sign the chain head; retry");
    return TILL_E_UNAVAILABLE;
  }
  q = store_stmt(sc, sql_close);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_int64(q, 1, till_now());
  sqlite3_bind_int64(q, 2, expected);
  sqlite3_bind_int64(q, 3, counted);
  sqlite3_bind_int64(q, 4, variance);
  sqlite3_bind_int64(q, 5, lg->head_id);
  sqlite3_bind_int64(q, 6, shift_id);
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1) {
    return ledger_db_fail(sc, err, errlen);
  }
  if (ledger_idem_record(sc, req->key, "shift_close", hash, shift_id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = shift_id;
  res->replayed = 0;
  return TILL_OK;
}

till_status_t
ledger_deposit_create(ledger_t *lg, store_conn_t *sc, const deposit_create_t *req,
                      post_result_t *res, char *err, size_t errlen)
{
  static const char sql_shift[] =
    "SELECT state, deposit_id, coalesce(counted_cash, 0), float_amount FROM shifts WHERE id = ?";
  static const char sql_slip[] = "SELECT id FROM deposits WHERE slip = ?";
  static const char sql_add[] =
    "INSERT INTO deposits(slip, amount, created_by, created_at, txn_id, business_date)"
    " VALUES (?,?,?,?,?,?)";
  static const char sql_mark[] = "UPDATE shifts SET deposit_id = ? WHERE id = ? AND deposit_id IS NULL";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  int64_t part[LEDGER_MAX_DEPOSIT_SHIFTS], total = 0;
  char accounts[LEDGER_MAX_DEPOSIT_SHIFTS][48], bdate[LEDGER_DATE_LEN + 1];
  till_txn_t t;

  till_canon_init(&c);
  till_canon_str(&c, "DEPOSIT-V1");
  till_canon_str(&c, req->supervisor);
  till_canon_str(&c, req->slip);
  till_canon_i64(&c, req->amount);
  till_canon_u32(&c, (uint32_t)req->n_shifts);
  for (size_t i = 0; i < req->n_shifts; i++)
    till_canon_i64(&c, req->shifts[i]);
  finish_hash(&c, hash);
  if (ledger_idem_check(sc, req->key, "deposit", hash, res, &st, err, errlen))
    return st;
  /* the deposit counts on the current business date, whatever the dates of
   * the shifts whose cash it moves */
  if ((st = open_business_date(sc, till_now(), bdate, err, errlen)) != TILL_OK)
    return st;
  if (req->n_shifts == 0 || req->n_shifts > LEDGER_MAX_DEPOSIT_SHIFTS - 1) {
    snprintf(err, errlen, "a deposit covers 1 to %d shifts", LEDGER_MAX_DEPOSIT_SHIFTS - 1);
    return TILL_E_INVALID;
  }
  sqlite3_stmt *q = store_stmt(sc, sql_slip);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->slip, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc == SQLITE_ROW) {
    snprintf(err, errlen, "deposit slip %s is already recorded", req->slip);
    return TILL_E_CONFLICT;
  }
  for (size_t i = 0; i < req->n_shifts; i++) {
    for (size_t j = 0; j < i; j++) {
      if (req->shifts[j] == req->shifts[i]) {
        snprintf(err, errlen, "shift %lld is listed twice", (long long)req->shifts[i]);
        return TILL_E_INVALID;
      }
    }
    q = store_stmt(sc, sql_shift);
    if (!q)
      return TILL_E_INTERNAL;
    sqlite3_bind_int64(q, 1, req->shifts[i]);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
      sqlite3_reset(q);
      snprintf(err, errlen, "no shift %lld", (long long)req->shifts[i]);
      return TILL_E_NOT_FOUND;
    }
    int state = sqlite3_column_int(q, 0);
    int deposited = sqlite3_column_type(q, 1) != SQLITE_NULL;
    int64_t counted = sqlite3_column_int64(q, 2), fl = sqlite3_column_int64(q, 3);
    sqlite3_reset(q);
    if (state == 1) {
      snprintf(err, errlen, "shift %lld is still open", (long long)req->shifts[i]);
      return TILL_E_PRECONDITION;
    }
    if (deposited) {
      snprintf(err, errlen, "shift %lld is already deposited", (long long)req->shifts[i]);
      return TILL_E_PRECONDITION;
    }
    part[i] = counted - fl;
    if (part[i] <= 0) {
      snprintf(err, errlen, "shift %lld has no cash to deposit", (long long)req->shifts[i]);
      return TILL_E_PRECONDITION;
    }
    if (till_money_add(total, part[i], &total) != 0) {
      snprintf(err, errlen, "amount out of range");
      return TILL_E_INVALID;
    }
  }
  if (total != req->amount) {
    char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
    till_money_format(req->amount, a, sizeof a);
    till_money_format(total, b, sizeof b);
    snprintf(err, errlen, "the slip says %s but the shifts hold %s of counted cash less floats; "
             "nothing was recorded", a, b);
    return TILL_E_INVALID;
  }
  memset(&t, 0, sizeof t);
  t.kind = "deposit";
  t.at_ms = till_now_ms();
  t.terminal = req->terminal;
  t.cashier = req->supervisor;
  t.series = "";
  memcpy(t.idem_key, req->key, TILL_KEY_LEN);
  t.method = "cash";
  t.memo = req->slip;
  t.approver = "";
  t.entries[0] = (till_entry_t){1, "bank:transit", total, "", 0, 0};
  for (size_t i = 0; i < req->n_shifts; i++) {
    ledger_drawer_account(req->shifts[i], accounts[i], sizeof accounts[i]);
    t.entries[i + 1] = (till_entry_t){(int32_t)(i + 2), accounts[i], -part[i], "", 0, 0};
  }
  t.n_entries = req->n_shifts + 1;
  if ((st = ledger_post_txn(lg, sc, &t, 0, err, errlen)) != TILL_OK)
    return st;
  q = store_stmt(sc, sql_add);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->slip, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, total);
  sqlite3_bind_text(q, 3, req->supervisor, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, till_now());
  sqlite3_bind_int64(q, 5, t.id);
  sqlite3_bind_text(q, 6, bdate, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE) {
    return ledger_db_fail(sc, err, errlen);
  }
  int64_t deposit_id = sqlite3_last_insert_rowid(sc->db);
  for (size_t i = 0; i < req->n_shifts; i++) {
    q = store_stmt(sc, sql_mark);
    if (!q)
      return TILL_E_INTERNAL;
    sqlite3_bind_int64(q, 1, deposit_id);
    sqlite3_bind_int64(q, 2, req->shifts[i]);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1) {
      return ledger_db_fail(sc, err, errlen);
    }
  }
  if (ledger_idem_record(sc, req->key, "deposit", hash, deposit_id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = deposit_id;
  res->replayed = 0;
  return TILL_OK;
}

till_status_t
ledger_deposit_confirm(ledger_t *lg, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN],
                       int64_t deposit_id, const char *terminal, const char *supervisor,
                       post_result_t *res, char *err, size_t errlen)
{
  static const char sql_get[] = "SELECT state, amount, slip FROM deposits WHERE id = ?";
  static const char sql_set[] =
    "UPDATE deposits SET state = 2, confirmed_by = ?, confirmed_at = ?, confirm_txn_id = ?"
    " WHERE id = ? AND state = 1";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  char slip[80];
  till_canon_init(&c);
  till_canon_str(&c, "DEPOSIT-CONFIRM-V1");
  till_canon_str(&c, supervisor);
  till_canon_i64(&c, deposit_id);
  finish_hash(&c, hash);
  if (ledger_idem_check(sc, key, "deposit_confirm", hash, res, &st, err, errlen))
    return st;
  /* no date check: the bank's confirmation names no business date and no
   * report counts it on one; its posting moves bank:transit to bank, which
   * no closed date's figure reads (docs/ledger.md, "Business dates") */
  sqlite3_stmt *q = store_stmt(sc, sql_get);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_int64(q, 1, deposit_id);
  if (sqlite3_step(q) != SQLITE_ROW) {
    sqlite3_reset(q);
    snprintf(err, errlen, "no deposit %lld", (long long)deposit_id);
    return TILL_E_NOT_FOUND;
  }
  int state = sqlite3_column_int(q, 0);
  int64_t amount = sqlite3_column_int64(q, 1);
  snprintf(slip, sizeof slip, "%s", (const char *)sqlite3_column_text(q, 2));
  sqlite3_reset(q);
  if (state != 1) {
    snprintf(err, errlen, "deposit %lld is already confirmed", (long long)deposit_id);
    return TILL_E_PRECONDITION;
  }
  int64_t txn_id;
  st = post_transfer(lg, sc, "deposit_confirm", terminal, supervisor, 0, key, slip, "bank",
                     "bank:transit", amount, &txn_id, err, errlen);
  if (st != TILL_OK)
    return st;
  q = store_stmt(sc, sql_set);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, supervisor, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, till_now());
  sqlite3_bind_int64(q, 3, txn_id);
  sqlite3_bind_int64(q, 4, deposit_id);
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE || sqlite3_changes(sc->db) != 1 ||
      ledger_idem_record(sc, key, "deposit_confirm", hash, deposit_id) != 0) {
    return ledger_db_fail(sc, err, errlen);
  }
  res->ref_id = deposit_id;
  res->replayed = 0;
  return TILL_OK;
}
