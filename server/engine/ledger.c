/* ledger.c -- the posting engine's core: accounts, appending to the hash
 * chain, the one idempotency path, receipt numbers, opening the ledger and
 * loading a transaction. The postings themselves are in ledger_sales.c and
 * ledger_cash.c, the signing key in ledger_key.c; see ledger_int.h, ledger.h
 * and docs/ledger.md. */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "till_log.h"
#include "till_util.h"

void
ledger_drawer_account(int64_t shift_id, char *buf, size_t len)
{
  snprintf(buf, len, "drawer:shift:%lld", (long long)shift_id);
}

void
ledger_method_account(int method, int64_t shift_id, char *buf, size_t len)
{
  if (method == TILL_METHOD_CASH)
    ledger_drawer_account(shift_id, buf, len);
  else
    snprintf(buf, len, "clearing:%s", till_method_name(method));
}

int
ledger_account_method(const char *account)
{
  if (strncmp(account, "drawer:", 7) == 0)
    return TILL_METHOD_CASH;
  if (strncmp(account, "clearing:", 9) == 0) {
    int m = till_method_from_name(account + 9);
    return m == TILL_METHOD_CASH ? 0 : m;
  }
  return 0;
}

/* Account type from the code's prefix (docs/ledger.md lists them). */
static const char *
account_type(const char *code)
{
  static const struct {
    const char *prefix, *type;
  } map[] = {
    {"drawer:", "asset"},        {"clearing:", "asset"},   {"bank", "asset"},
    {"safe", "asset"},           {"receivable:", "asset"}, {"revenue:", "revenue"},
    {"waiver:", "contra_revenue"}, {"over_short", "contra_revenue"},
    {"equity:", "equity"},       {"payable:", "liability"}, {"prepaid:", "liability"},
    {"deposit:", "liability"}, /* hospital: a patient's deposit (预交金) */
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strncmp(code, map[i].prefix, strlen(map[i].prefix)) == 0)
      return map[i].type;
  return NULL;
}

till_status_t
ledger_db_fail(store_conn_t *sc, char *err, size_t errlen)
{
  int code = sqlite3_errcode(sc->db) & 0xff;
  if (code == SQLITE_FULL) {
    snprintf(err, errlen, "the database is full; nothing was recorded (free disk space, then retry)");
    return TILL_E_EXHAUSTED;
  }
  snprintf(err, errlen, "database error (%s); nothing was recorded, retry",
           sqlite3_errstr(code ? code : SQLITE_ERROR));
  return TILL_E_UNAVAILABLE;
}

static int
ensure_account(store_conn_t *sc, const char *code)
{
  static const char sql[] =
    "INSERT OR IGNORE INTO accounts(code, type, created_at) VALUES (?,?,?)";
  const char *type = account_type(code);
  if (!type)
    return -1;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
ledger_key_is_zero(const uint8_t key[TILL_KEY_LEN])
{
  for (int i = 0; i < TILL_KEY_LEN; i++)
    if (key[i])
      return 0;
  return 1;
}

till_status_t
ledger_post_txn(ledger_t *lg, store_conn_t *sc, till_txn_t *t, int64_t tendered, char *err,
         size_t errlen)
{
  static const char sql_entry[] =
    "INSERT INTO entries(txn_id, seq, account, amount, item, quantity, unit_price) "
    "VALUES (?,?,?,?,?,?,?)";
  static const char sql_journal[] =
    "INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, series, receipt_no,"
    " idem_key, reverses, method, memo, approver, tendered, hash)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  uint8_t hash[TILL_HASH_LEN];
  int64_t sum;
  if (till_chain_sum(t, &sum) != 0 || sum != 0 || t->n_entries < 2) {
    snprintf(err, errlen, "internal error: unbalanced transaction");
    log_err(LD_LEDGER, "refusing an unbalanced %s transaction", t->kind);
    return TILL_E_INTERNAL;
  }
  t->id = lg->head_id + 1;
  if (till_chain_hash(lg->head_hash, t, hash) != 0) {
    snprintf(err, errlen, "out of memory");
    return TILL_E_INTERNAL;
  }
  for (size_t i = 0; i < t->n_entries; i++) {
    const till_entry_t *e = &t->entries[i];
    if (!account_type(e->account)) {
      snprintf(err, errlen, "internal error: account %s has no known type", e->account);
      log_err(LD_LEDGER, "posting %s: account %s has no known type", t->kind, e->account);
      return TILL_E_INTERNAL;
    }
    if (ensure_account(sc, e->account) != 0)
      goto db_error;
    sqlite3_stmt *st = store_stmt(sc, sql_entry);
    if (!st)
      goto db_error;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int(st, 2, e->seq);
    sqlite3_bind_text(st, 3, e->account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, e->amount);
    sqlite3_bind_text(st, 5, e->item ? e->item : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, e->quantity);
    sqlite3_bind_int64(st, 7, e->unit_price);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      goto db_error;
  }
  sqlite3_stmt *st = store_stmt(sc, sql_journal);
  if (!st)
    goto db_error;
  sqlite3_bind_int64(st, 1, t->id);
  sqlite3_bind_text(st, 2, t->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, t->at_ms);
  sqlite3_bind_text(st, 4, t->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, t->cashier, -1, SQLITE_STATIC);
  if (t->shift_id)
    sqlite3_bind_int64(st, 6, t->shift_id);
  if (t->series && *t->series) {
    sqlite3_bind_text(st, 7, t->series, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, t->receipt_no);
  }
  if (!ledger_key_is_zero(t->idem_key))
    sqlite3_bind_blob(st, 9, t->idem_key, TILL_KEY_LEN, SQLITE_STATIC);
  if (t->reverses)
    sqlite3_bind_int64(st, 10, t->reverses);
  sqlite3_bind_text(st, 11, t->method ? t->method : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 12, t->memo ? t->memo : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 13, t->approver ? t->approver : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 14, tendered);
  sqlite3_bind_blob(st, 15, hash, TILL_HASH_LEN, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    goto db_error;
  lg->head_id = t->id;
  memcpy(lg->head_hash, hash, TILL_HASH_LEN);
  ledger_check_appended(lg, t->id, hash);
  return TILL_OK;
 db_error:
  log_warn(LD_LEDGER, "posting %s: %s", t->kind, sqlite3_errmsg(sc->db));
  return ledger_db_fail(sc, err, errlen);
}

/* 0 new key, 1 replay (ref set), -1 conflict, -2 database error. */
static int
idem_lookup(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
            const uint8_t req_hash[32], int64_t *ref)
{
  static const char sql[] = "SELECT request_hash, kind, ref_id FROM idempotency WHERE key = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -2;
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    return 0;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return -2;
  }
  int same = sqlite3_column_bytes(st, 0) == 32 &&
             memcmp(sqlite3_column_blob(st, 0), req_hash, 32) == 0 &&
             strcmp((const char *)sqlite3_column_text(st, 1), kind) == 0;
  *ref = sqlite3_column_int64(st, 2);
  sqlite3_reset(st);
  return same ? 1 : -1;
}

int
ledger_idem_check(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
           const uint8_t hash[32], post_result_t *res, till_status_t *st, char *err, size_t errlen)
{
  int64_t ref = 0;
  int found = idem_lookup(sc, key, kind, hash, &ref);
  if (found == 0)
    return 0;
  if (found == 1) {
    res->ref_id = ref;
    res->replayed = 1;
    *st = TILL_OK;
  } else if (found == -1) {
    snprintf(err, errlen, "idempotency key already used for a different request");
    *st = TILL_E_CONFLICT;
  } else {
    *st = ledger_db_fail(sc, err, errlen);
  }
  return 1;
}

int
ledger_txn_receipt(store_conn_t *sc, int64_t id, char *out, size_t len)
{
  static const char sql[] = "SELECT series, receipt_no FROM journal WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    till_receipt_format((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                        out, len);
  else if (len)
    out[0] = '\0';
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

int
ledger_idem_record(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
            const uint8_t req_hash[32], int64_t ref)
{
  static const char sql[] =
    "INSERT INTO idempotency(key, request_hash, kind, ref_id) VALUES (?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, req_hash, 32, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, ref);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
ledger_allocate_number(store_conn_t *sc, const char *prefix, int year, char *series, size_t slen,
                int64_t *no)
{
  static const char sql_make[] =
    "INSERT OR IGNORE INTO series_counters(series, prefix, year, last_no) VALUES (?,?,?,0)";
  static const char sql_next[] =
    "UPDATE series_counters SET last_no = last_no + 1 WHERE series = ? RETURNING last_no";
  if (year < 1970 || year > 9999)
    return -1;
  snprintf(series, slen, "%.8s%04d", prefix, year % 10000);
  sqlite3_stmt *st = store_stmt(sc, sql_make);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, year);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return -1;
  st = store_stmt(sc, sql_next);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  *no = sqlite3_column_int64(st, 0);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
ledger_current_year(int64_t at_ms)
{
  time_t t = (time_t)(at_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

int
ledger_reload_head(ledger_t *lg, store_conn_t *sc)
{
  static const char sql[] = "SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == TILL_HASH_LEN) {
    lg->head_id = sqlite3_column_int64(st, 0);
    memcpy(lg->head_hash, sqlite3_column_blob(st, 1), TILL_HASH_LEN);
  } else if (rc == SQLITE_DONE) {
    lg->head_id = 0;
    memset(lg->head_hash, 0, TILL_HASH_LEN);
  } else {
    sqlite3_reset(st);
    return -1;
  }
  sqlite3_reset(st);
  ledger_check_reloaded(lg);
  return 0;
}

ledger_t *
ledger_open(store_conn_t *sc, const char *key_spec, char *err, size_t errlen)
{
  ledger_t *lg = calloc(1, sizeof *lg);
  if (!lg) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (!(lg->key = ledger_key_load(key_spec, 1, err, errlen)))
    goto fail;
  if (store_exec(sc->db, "BEGIN IMMEDIATE", "registering key") != 0)
    goto fail_db;
  if (ledger_key_register(lg, sc, key_spec, err, errlen) != 0) {
    sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
    goto fail;
  }
  if (ledger_reload_head(lg, sc) != 0) {
    sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
    goto fail_db;
  }
  if (store_exec(sc->db, "COMMIT", "registering key") != 0)
    goto fail_db;
  log_info(LD_LEDGER, "chain head at transaction %lld", (long long)lg->head_id);
  return lg;
 fail_db:
  snprintf(err, errlen, "loading the ledger: %s", sqlite3_errmsg(sc->db));
 fail:
  ledger_free(lg);
  return NULL;
}

void
ledger_free(ledger_t *lg)
{
  if (!lg)
    return;
  ledger_key_free(lg->key);
  free(lg);
}

int
ledger_load_txn(store_conn_t *sc, int64_t id, till_txn_t *t, uint8_t hash[TILL_HASH_LEN],
                char *store, size_t store_len)
{
  static const char sql_j[] =
    "SELECT kind, at_ms, terminal_id, cashier, coalesce(shift_id, 0), coalesce(series, ''),"
    " coalesce(receipt_no, 0), idem_key, coalesce(reverses, 0), method, memo, approver, hash"
    " FROM journal WHERE id = ?";
  static const char sql_e[] =
    "SELECT seq, account, amount, item, quantity, unit_price FROM entries WHERE txn_id = ?"
    " ORDER BY seq";
  size_t used = 0;
  memset(t, 0, sizeof *t);
#define KEEP(dst, col)                                                              \
  do {                                                                              \
    const char *s_ = (const char *)sqlite3_column_text(st, col);                    \
    size_t n_ = s_ ? strlen(s_) : 0;                                                \
    if (used + n_ + 1 > store_len)                                                  \
      goto too_big;                                                                 \
    memcpy(store + used, s_ ? s_ : "", n_ + 1);                                     \
    (dst) = store + used;                                                           \
    used += n_ + 1;                                                                 \
  } while (0)
  sqlite3_stmt *st = store_stmt(sc, sql_j);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    return 1;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return -1;
  }
  t->id = id;
  KEEP(t->kind, 0);
  t->at_ms = sqlite3_column_int64(st, 1);
  KEEP(t->terminal, 2);
  KEEP(t->cashier, 3);
  t->shift_id = sqlite3_column_int64(st, 4);
  KEEP(t->series, 5);
  t->receipt_no = sqlite3_column_int64(st, 6);
  if (sqlite3_column_bytes(st, 7) == TILL_KEY_LEN)
    memcpy(t->idem_key, sqlite3_column_blob(st, 7), TILL_KEY_LEN);
  t->reverses = sqlite3_column_int64(st, 8);
  KEEP(t->method, 9);
  KEEP(t->memo, 10);
  KEEP(t->approver, 11);
  memset(hash, 0, TILL_HASH_LEN);
  if (sqlite3_column_bytes(st, 12) == TILL_HASH_LEN)
    memcpy(hash, sqlite3_column_blob(st, 12), TILL_HASH_LEN);
  sqlite3_reset(st);

  st = store_stmt(sc, sql_e);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (t->n_entries == TILL_CHAIN_MAX_ENTRIES)
      goto too_big;
    till_entry_t *e = &t->entries[t->n_entries++];
    e->seq = sqlite3_column_int(st, 0);
    KEEP(e->account, 1);
    e->amount = sqlite3_column_int64(st, 2);
    KEEP(e->item, 3);
    e->quantity = sqlite3_column_int64(st, 4);
    e->unit_price = sqlite3_column_int64(st, 5);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
#undef KEEP
 too_big:
  sqlite3_reset(st);
  return -1;
}
