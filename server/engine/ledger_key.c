/* ledger_key.c -- the server's Ed25519 signing key: made on first start
 * (mode 0600), registered in server_keys, and used to sign the chain head
 * at shift closes, day closes, checkpoints and shutdown. */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "till_log.h"
#include "till_tls.h"
#include "till_util.h"

EVP_PKEY *
ledger_key_load(const char *path, char *err, size_t errlen)
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

int
ledger_key_register(ledger_t *lg, store_conn_t *sc)
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
