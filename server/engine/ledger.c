/* ledger.c -- the posting engine; see ledger.h and docs/ledger.md. */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "till_log.h"
#include "till_money.h"
#include "till_tls.h"
#include "till_util.h"

struct ledger {
  int64_t head_id;
  uint8_t head_hash[TILL_HASH_LEN];
  EVP_PKEY *key;
  int64_t key_id;
};

/* The asset account a payment by <method> lands in. Cash goes to the drawer
 * of the shift that took it. */
static void
method_account(int method, int64_t shift_id, char *buf, size_t len)
{
  if (method == TILL_METHOD_CASH)
    snprintf(buf, len, "drawer:shift:%lld", (long long)shift_id);
  else
    snprintf(buf, len, "clearing:%s", till_method_name(method));
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
    {"equity:", "equity"},       {"payable:", "liability"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strncmp(code, map[i].prefix, strlen(map[i].prefix)) == 0)
      return map[i].type;
  return NULL;
}

/* The status and message for the last failure on <sc>'s connection: a full
 * database (disk or max_db_pages) is RESOURCE_EXHAUSTED, anything else
 * UNAVAILABLE. Either way the caller's savepoint is rolled back, so nothing
 * of the posting remains. */
static till_status_t
db_fail(store_conn_t *sc, char *err, size_t errlen)
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

/* ---- the signing key ---------------------------------------------------- */

static EVP_PKEY *
load_or_make_key(const char *path, char *err, size_t errlen)
{
  EVP_PKEY *key = NULL;
  FILE *f = fopen(path, "r");
  if (f) {
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
      fclose(f);
      snprintf(err, errlen, "signing key %s is readable by others (mode %03o); chmod 600 it",
               path, (unsigned)(sb.st_mode & 0777));
      return NULL;
    }
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
      EVP_PKEY_free(key);
      snprintf(err, errlen, "signing key %s is not an Ed25519 private key", path);
      return NULL;
    }
    return key;
  }
  key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  if (!key) {
    till_tls_errors_to(err, errlen);
    return NULL;
  }
  mode_t old = umask(077);
  f = fopen(path, "wx");
  umask(old);
  if (!f || PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1 || fflush(f) != 0 ||
      fsync(fileno(f)) != 0) {
    snprintf(err, errlen, "cannot write signing key %s", path);
    if (f)
      fclose(f);
    EVP_PKEY_free(key);
    return NULL;
  }
  fclose(f);
  log_notice(LD_LEDGER, "made a new chain-signing key %s", path);
  return key;
}

static int
register_key(ledger_t *lg, store_conn_t *sc)
{
  static const char sql_find[] = "SELECT id FROM server_keys WHERE public_key = ?";
  static const char sql_add[] =
    "INSERT INTO server_keys(algorithm, public_key, created_at) VALUES ('ed25519', ?, ?)";
  uint8_t pub[32];
  size_t publen = sizeof pub;
  if (EVP_PKEY_get_raw_public_key(lg->key, pub, &publen) != 1 || publen != 32)
    return -1;
  sqlite3_stmt *st = store_stmt(sc, sql_find);
  if (!st)
    return -1;
  sqlite3_bind_blob(st, 1, pub, 32, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    lg->key_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return -1;
  st = store_stmt(sc, sql_add);
  if (!st)
    return -1;
  sqlite3_bind_blob(st, 1, pub, 32, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, till_now());
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return -1;
  lg->key_id = sqlite3_last_insert_rowid(sc->db);
  return 0;
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
  return 0;
}

ledger_t *
ledger_open(store_conn_t *sc, const char *key_path, char *err, size_t errlen)
{
  ledger_t *lg = calloc(1, sizeof *lg);
  if (!lg) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (!(lg->key = load_or_make_key(key_path, err, errlen)))
    goto fail;
  if (store_exec(sc->db, "BEGIN IMMEDIATE", "registering key") != 0)
    goto fail_db;
  if (register_key(lg, sc) != 0 || ledger_reload_head(lg, sc) != 0) {
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
  EVP_PKEY_free(lg->key);
  free(lg);
}

/* ---- posting ------------------------------------------------------------- */

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

static int
key_is_zero(const uint8_t key[TILL_KEY_LEN])
{
  for (int i = 0; i < TILL_KEY_LEN; i++)
    if (key[i])
      return 0;
  return 1;
}

/* Append <t> to the chain: assigns t->id, writes entries then the journal
 * row (whose trigger checks the balance), advances the in-memory head. */
static till_status_t
post_txn(ledger_t *lg, store_conn_t *sc, till_txn_t *t, int64_t tendered, char *err,
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
  if (!key_is_zero(t->idem_key))
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
  return TILL_OK;
 db_error:
  log_warn(LD_LEDGER, "posting %s: %s", t->kind, sqlite3_errmsg(sc->db));
  return db_fail(sc, err, errlen);
}

/* Idempotency: 0 new key, 1 replay (ref set), -1 conflict, -2 db error. */
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

static int
idem_record(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
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

static void
sale_request_hash(const sale_req_t *req, uint8_t out[32])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "SALE-V1");
  till_canon_str(&c, req->terminal);
  till_canon_str(&c, req->cashier);
  till_canon_i64(&c, req->method);
  till_canon_i64(&c, req->tendered);
  till_canon_str(&c, req->memo);
  till_canon_u32(&c, (uint32_t)req->n_lines);
  for (size_t i = 0; i < req->n_lines; i++) {
    till_canon_str(&c, req->lines[i].item);
    till_canon_i64(&c, req->lines[i].quantity);
  }
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, out);
  till_canon_free(&c);
}

/* Next number of <series> (created for the year on first use). */
static int
allocate_number(store_conn_t *sc, const char *prefix, int year, char *series, size_t slen,
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
    return db_fail(sc, err, errlen);
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

static int
current_year(int64_t at_ms)
{
  time_t t = (time_t)(at_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

till_status_t
ledger_post_sale(ledger_t *lg, store_conn_t *sc, const sale_req_t *req, post_result_t *res,
                 char *err, size_t errlen)
{
  uint8_t req_hash[32];
  int64_t ref = 0;
  till_txn_t t;
  item_row_t items[LEDGER_MAX_LINES];
  char accounts[LEDGER_MAX_LINES + 1][96];
  char series[TILL_SERIES_PREFIX_MAX + 16];
  int64_t total = 0;

  if (req->n_lines == 0 || req->n_lines > LEDGER_MAX_LINES) {
    snprintf(err, errlen, "a sale needs 1 to %d lines", LEDGER_MAX_LINES);
    return TILL_E_INVALID;
  }
  if (!till_method_name((int)req->method)) {
    snprintf(err, errlen, "unknown payment method");
    return TILL_E_INVALID;
  }
  sale_request_hash(req, req_hash);
  int found = idem_lookup(sc, req->key, "sale", req_hash, &ref);
  if (found == 1) {
    res->ref_id = ref;
    res->replayed = 1;
    return TILL_OK;
  }
  if (found == -1) {
    snprintf(err, errlen, "idempotency key already used for a different request");
    return TILL_E_CONFLICT;
  }
  if (found < 0) {
    return db_fail(sc, err, errlen);
  }

  memset(&t, 0, sizeof t);
  int64_t shift_id;
  till_status_t sst = ledger_open_shift_of(sc, req->terminal, req->cashier, &shift_id, err, errlen);
  if (sst != TILL_OK)
    return sst;
  t.shift_id = shift_id;
  for (size_t i = 0; i < req->n_lines; i++) {
    const sale_line_t *l = &req->lines[i];
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
    snprintf(accounts[i + 1], sizeof accounts[i + 1], "%s", items[i].revenue);
    t.entries[i + 1] = (till_entry_t){(int32_t)(i + 2), accounts[i + 1], -amount, l->item,
                                      l->quantity, items[i].unit_price};
  }
  if (req->method != TILL_METHOD_CASH && req->tendered != 0) {
    snprintf(err, errlen, "tendered applies to cash only");
    return TILL_E_INVALID;
  }
  if (req->tendered != 0 && req->tendered < total) {
    char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
    till_money_format(req->tendered, a, sizeof a);
    till_money_format(total, b, sizeof b);
    snprintf(err, errlen, "tendered %s is less than the total %s", a, b);
    return TILL_E_INVALID;
  }
  method_account((int)req->method, shift_id, accounts[0], sizeof accounts[0]);
  t.entries[0] = (till_entry_t){1, accounts[0], total, "", 0, 0};
  t.n_entries = req->n_lines + 1;

  t.at_ms = till_now_ms();
  int64_t no;
  if (allocate_number(sc, items[0].prefix, current_year(t.at_ms), series, sizeof series, &no) != 0) {
    log_warn(LD_LEDGER, "allocating a receipt number: %s", sqlite3_errmsg(sc->db));
    return db_fail(sc, err, errlen);
  }
  t.kind = "sale";
  t.terminal = req->terminal;
  t.cashier = req->cashier;
  t.series = series;
  t.receipt_no = no;
  memcpy(t.idem_key, req->key, TILL_KEY_LEN);
  t.method = till_method_name((int)req->method);
  t.memo = req->memo ? req->memo : "";
  t.approver = "";
  till_status_t st = post_txn(lg, sc, &t, req->tendered, err, errlen);
  if (st != TILL_OK)
    return st;
  if (idem_record(sc, req->key, "sale", req_hash, t.id) != 0) {
    return db_fail(sc, err, errlen);
  }
  res->ref_id = t.id;
  res->replayed = 0;
  return TILL_OK;
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
  int64_t ref = 0;
  char reason[LEDGER_MEMO_MAX + 1];
  if (!(d->supervisor_roles & TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR))) {
    snprintf(err, errlen, "only a supervisor decides voids");
    return TILL_E_DENIED;
  }
  void_decision_hash(d, req_hash);
  int found = idem_lookup(sc, d->key, "void_decide", req_hash, &ref);
  if (found == 1) {
    res->ref_id = ref;
    res->replayed = 1;
    return TILL_OK;
  }
  if (found == -1) {
    snprintf(err, errlen, "idempotency key already used for a different request");
    return TILL_E_CONFLICT;
  }
  if (found < 0) {
    return db_fail(sc, err, errlen);
  }
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
    snprintf(err, errlen, "void request %lld was already %s", (long long)d->void_id,
             state == 2 ? "approved" : "rejected");
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
    till_status_t ps = post_txn(lg, sc, &t, 0, err, errlen);
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
    return db_fail(sc, err, errlen);
  }
  if (idem_record(sc, d->key, "void_decide", req_hash, d->void_id) != 0) {
    return db_fail(sc, err, errlen);
  }
  res->ref_id = d->void_id;
  res->replayed = 0;
  return TILL_OK;
}

till_status_t
ledger_sign_head(ledger_t *lg, store_conn_t *sc, const char *reason, int64_t *sig_id)
{
  static const char sql[] =
    "INSERT INTO chain_signatures(txn_id, head_hash, at_ms, reason, key_id, signature)"
    " VALUES (?,?,?,?,?,?)";
  till_canon_t c;
  uint8_t sig[64];
  size_t siglen = sizeof sig;
  int64_t at = till_now_ms();
  till_status_t rc = TILL_E_INTERNAL;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  till_canon_init(&c);
  till_chain_head_message(&c, lg->head_id, lg->head_hash, at);
  if (!md || c.failed || EVP_DigestSignInit(md, NULL, NULL, NULL, lg->key) != 1 ||
      EVP_DigestSign(md, sig, &siglen, c.data, c.len) != 1) {
    till_tls_log_errors(LOG_ERR, "signing the chain head");
    goto done;
  }
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    goto done;
  sqlite3_bind_int64(st, 1, lg->head_id);
  sqlite3_bind_blob(st, 2, lg->head_hash, TILL_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, at);
  sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, lg->key_id);
  sqlite3_bind_blob(st, 6, sig, (int)siglen, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    rc = TILL_E_UNAVAILABLE;
    goto done;
  }
  if (sig_id)
    *sig_id = sqlite3_last_insert_rowid(sc->db);
  rc = TILL_OK;
 done:
  EVP_MD_CTX_free(md);
  till_canon_free(&c);
  return rc;
}

/* ---- shifts and deposits -------------------------------------------------- */

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
  till_status_t st = post_txn(lg, sc, &t, 0, err, errlen);
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
  int64_t mine = 0;
  char other[160] = "";
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *t = (const char *)sqlite3_column_text(st, 1);
    const char *c = (const char *)sqlite3_column_text(st, 2);
    if (strcmp(t, terminal) == 0 && strcmp(c, cashier) == 0)
      mine = id;
    else if (strcmp(t, terminal) == 0)
      snprintf(other, sizeof other, "terminal %s has shift %lld of %s open", t, (long long)id, c);
    else
      snprintf(other, sizeof other, "%s has shift %lld open on terminal %s", c, (long long)id, t);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    return db_fail(sc, err, errlen);
  }
  if (mine) {
    *shift_id = mine;
    return TILL_OK;
  }
  if (other[0])
    snprintf(err, errlen, "no open shift of %s on %s (%s)", cashier, terminal, other);
  else
    snprintf(err, errlen, "no open shift of %s on %s: open one with 'till shift open --count ...'",
             cashier, terminal);
  return TILL_E_PRECONDITION;
}

/* 1 if <key> was used: replay (res set) or conflict (error set). */
static int
idem_check(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
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
    snprintf(err, errlen, "database error; retry");
    *st = TILL_E_UNAVAILABLE;
  }
  return 1;
}

/* A closed day (till day close) stays closed: no shift opens on it and no
 * deposit is made or confirmed on it, so nothing is posted on its date after
 * the close signed the chain. TILL_OK while the local date of <now> is open. */
static till_status_t
day_still_open(store_conn_t *sc, int64_t now, char *err, size_t errlen)
{
  static const char sql[] = "SELECT 1 FROM day_closes WHERE date = ?";
  char today[11];
  till_local_date(now, today);
  sqlite3_stmt *q = store_stmt(sc, sql);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, today, -1, SQLITE_STATIC);
  int closed = sqlite3_step(q);
  sqlite3_reset(q);
  if (closed == SQLITE_ROW) {
    snprintf(err, errlen, "day %s is closed", today);
    return TILL_E_PRECONDITION;
  }
  return closed == SQLITE_DONE ? TILL_OK : db_fail(sc, err, errlen);
}

till_status_t
ledger_shift_open(ledger_t *lg, store_conn_t *sc, const denoms_t *denoms, const shift_open_t *req,
                  post_result_t *res, char *err, size_t errlen)
{
  static const char sql_busy[] =
    "SELECT id, terminal_id, cashier FROM shifts WHERE state = 1 AND (terminal_id = ? OR cashier = ?)";
  static const char sql_add[] =
    "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount) VALUES (?,?,?,?)";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  int64_t total, shift_id;
  till_canon_init(&c);
  till_canon_str(&c, "SHIFT-OPEN-V1");
  till_canon_str(&c, req->terminal);
  till_canon_str(&c, req->cashier);
  hash_counts(&c, req->counts, req->n_counts);
  finish_hash(&c, hash);
  if (idem_check(sc, req->key, "shift_open", hash, res, &st, err, errlen))
    return st;
  if ((st = count_total(denoms, req->counts, req->n_counts, &total, err, errlen)) != TILL_OK)
    return st;
  int64_t now = till_now();
  if ((st = day_still_open(sc, now, err, errlen)) != TILL_OK)
    return st;
  sqlite3_stmt *q = store_stmt(sc, sql_busy);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, req->cashier, -1, SQLITE_STATIC);
  if (sqlite3_step(q) == SQLITE_ROW) {
    int same_terminal = strcmp((const char *)sqlite3_column_text(q, 1), req->terminal) == 0;
    snprintf(err, errlen, same_terminal ? "terminal %s already has an open shift (%lld, %s)"
                                        : "%s already has an open shift (%lld, on %s)",
             same_terminal ? req->terminal : req->cashier, (long long)sqlite3_column_int64(q, 0),
             (const char *)sqlite3_column_text(q, same_terminal ? 2 : 1));
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
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE) {
    snprintf(err, errlen, "cannot open the shift: %s", sqlite3_errmsg(sc->db));
    return TILL_E_UNAVAILABLE;
  }
  shift_id = sqlite3_last_insert_rowid(sc->db);
  if (insert_counts(sc, shift_id, "open", req->counts, req->n_counts) != 0) {
    return db_fail(sc, err, errlen);
  }
  if (total > 0) {
    char drawer[64];
    snprintf(drawer, sizeof drawer, "drawer:shift:%lld", (long long)shift_id);
    st = post_transfer(lg, sc, "float", req->terminal, req->cashier, shift_id, req->key,
                       "opening float", drawer, "safe", total, NULL, err, errlen);
    if (st != TILL_OK)
      return st;
  }
  if (idem_record(sc, req->key, "shift_open", hash, shift_id) != 0) {
    return db_fail(sc, err, errlen);
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
  if (idem_check(sc, req->key, "shift_close", hash, res, &st, err, errlen))
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
  snprintf(drawer, sizeof drawer, "drawer:shift:%lld", (long long)shift_id);
  snprintf(over_short, sizeof over_short, "over_short:%s", req->cashier);
  if (account_sum(sc, drawer, 0, &expected) != 0) {
    return db_fail(sc, err, errlen);
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
    return db_fail(sc, err, errlen);
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
    return db_fail(sc, err, errlen);
  }
  for (int m = TILL_METHOD_CARD; m <= TILL_METHOD_MAX; m++) {
    char account[32];
    int64_t exp_m = 0;
    snprintf(account, sizeof account, "clearing:%s", till_method_name(m));
    if (account_sum(sc, account, shift_id, &exp_m) != 0) {
      return db_fail(sc, err, errlen);
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
      return db_fail(sc, err, errlen);
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
    return db_fail(sc, err, errlen);
  }
  if (idem_record(sc, req->key, "shift_close", hash, shift_id) != 0) {
    return db_fail(sc, err, errlen);
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
    "INSERT INTO deposits(slip, amount, created_by, created_at, txn_id) VALUES (?,?,?,?,?)";
  static const char sql_mark[] = "UPDATE shifts SET deposit_id = ? WHERE id = ? AND deposit_id IS NULL";
  uint8_t hash[32];
  till_canon_t c;
  till_status_t st;
  int64_t part[LEDGER_MAX_DEPOSIT_SHIFTS], total = 0;
  char accounts[LEDGER_MAX_DEPOSIT_SHIFTS][48];
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
  if (idem_check(sc, req->key, "deposit", hash, res, &st, err, errlen))
    return st;
  if ((st = day_still_open(sc, till_now(), err, errlen)) != TILL_OK)
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
    snprintf(accounts[i], sizeof accounts[i], "drawer:shift:%lld", (long long)req->shifts[i]);
    t.entries[i + 1] = (till_entry_t){(int32_t)(i + 2), accounts[i], -part[i], "", 0, 0};
  }
  t.n_entries = req->n_shifts + 1;
  if ((st = post_txn(lg, sc, &t, 0, err, errlen)) != TILL_OK)
    return st;
  q = store_stmt(sc, sql_add);
  if (!q)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(q, 1, req->slip, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, total);
  sqlite3_bind_text(q, 3, req->supervisor, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, till_now());
  sqlite3_bind_int64(q, 5, t.id);
  rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE) {
    return db_fail(sc, err, errlen);
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
      return db_fail(sc, err, errlen);
    }
  }
  if (idem_record(sc, req->key, "deposit", hash, deposit_id) != 0) {
    return db_fail(sc, err, errlen);
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
  if (idem_check(sc, key, "deposit_confirm", hash, res, &st, err, errlen))
    return st;
  if ((st = day_still_open(sc, till_now(), err, errlen)) != TILL_OK)
    return st;
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
      idem_record(sc, key, "deposit_confirm", hash, deposit_id) != 0) {
    return db_fail(sc, err, errlen);
  }
  res->ref_id = deposit_id;
  res->replayed = 0;
  return TILL_OK;
}
