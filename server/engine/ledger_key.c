/* ledger_key.c -- the server's Ed25519 signing keys: where a key may live
 * (a file out of the database's reach, or a PKCS#11 token), loading it,
 * registering it in server_keys, rotating to a new key that the old one
 * endorses, and signing the chain head at shift closes, day closes,
 * checkpoints and shutdown (docs/ledger.md, "Signed heads" and "Signing
 * keys"; docs/operations.md, "The signing key"). */
#include "ledger_int.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
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

struct ledger_signer {
  EVP_PKEY *pkey;   /* a key file, or */
  p11_key_t *p11;   /* a key in a token */
  uint8_t pub[32];
};

/* ---- where a key may live -------------------------------------------------------- */

int
ledger_key_is_token(const char *spec)
{
  return strncmp(spec, "pkcs11:", 7) == 0;
}

/* The directory <path> lies in, resolved, into out: 0 or -1. */
static int
dir_of(const char *path, char *out, size_t len)
{
  char copy[PATH_MAX];
  char real[PATH_MAX];
  if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy)
    return -1;
  if (!realpath(dirname(copy), real))
    return -1;
  return snprintf(out, len, "%s", real) < (int)len ? 0 : -1;
}

int
ledger_key_check_file(const char *path, const char *what, const char *db_path, int strict,
                      char *err, size_t errlen)
{
  struct stat sb, kd, dd;
  char kdir[PATH_MAX], ddir[PATH_MAX];
  if (lstat(path, &sb) != 0) {
    if (errno == ENOENT && !strict) { /* made on first start (signing_key_check = dev) */
      if (dir_of(path, kdir, sizeof kdir) == 0 && stat(kdir, &kd) == 0 &&
          dir_of(db_path, ddir, sizeof ddir) == 0 && stat(ddir, &dd) == 0 &&
          kd.st_dev == dd.st_dev && kd.st_ino == dd.st_ino)
        goto in_db_dir;
      return 0;
    }
    if (errno == ENOENT)
      snprintf(err, errlen,
               "%s %s does not exist; make it as the key's custodian (openssl genpkey "
               "-algorithm ED25519 -out %s), give it to root:<tilld's group>, mode 440 "
               "(docs/operations.md, \"The signing key\")",
               what, path, path);
    else
      snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
  }
  if (S_ISLNK(sb.st_mode)) {
    snprintf(err, errlen, "%s %s is a symbolic link; name the file itself", what, path);
    return -1;
  }
  if (!S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "%s %s is not a regular file", what, path);
    return -1;
  }
  if (sb.st_mode & 027) {
    snprintf(err, errlen,
             "%s %s has mode %03o: only its owner and group may read it and only its owner "
             "write it; chmod 440 it",
             what, path, (unsigned)(sb.st_mode & 0777));
    return -1;
  }
  if (dir_of(path, kdir, sizeof kdir) != 0 || stat(kdir, &kd) != 0) {
    snprintf(err, errlen, "%s %s: cannot resolve its directory", what, path);
    return -1;
  }
  if (dir_of(db_path, ddir, sizeof ddir) == 0 && stat(ddir, &dd) == 0 && kd.st_dev == dd.st_dev &&
      kd.st_ino == dd.st_ino) {
 in_db_dir:
    snprintf(err, errlen,
             "%s %s lies in the database's directory %s, where a copy or backup of the "
             "database takes it along; move it to a directory of its own, e.g. /etc/till/keys "
             "(docs/operations.md, \"The signing key\")",
             what, path, ddir);
    return -1;
  }
  if (!strict)
    return 0;
  /* the database's owner: whoever owns the file, and the user tilld runs as */
  struct stat db;
  uid_t owner = stat(db_path, &db) == 0 ? db.st_uid : geteuid();
  uid_t me = geteuid();
  if (sb.st_uid == owner || sb.st_uid == me) {
    snprintf(err, errlen,
             "%s %s belongs to uid %u, %s, who could replace it; chown it to the key's "
             "custodian (e.g. root:<tilld's group>, mode 440), or keep the key in a token "
             "(docs/operations.md, \"The signing key\")",
             what, path, (unsigned)sb.st_uid,
             sb.st_uid == owner ? "the database's owner" : "the user tilld runs as");
    return -1;
  }
  if (kd.st_uid == owner || kd.st_uid == me || (kd.st_mode & 022)) {
    snprintf(err, errlen,
             "%s %s: its directory %s can be written by uid %u (mode %03o), so the key "
             "could be replaced; give the directory to the key's custodian, mode 750",
             what, path, kdir, (unsigned)(kd.st_uid == me ? me : owner),
             (unsigned)(kd.st_mode & 0777));
    return -1;
  }
  return 0;
}

int
ledger_key_check(const char *spec, const char *db_path, int strict, char *err, size_t errlen)
{
  if (!ledger_key_is_token(spec))
    return ledger_key_check_file(spec, "signing key", db_path, strict, err, errlen);
  char pin[PATH_MAX];
  if (p11_uri_pin_file(spec, pin, sizeof pin, err, errlen) != 0)
    return -1;
  return pin[0] ? ledger_key_check_file(pin, "PIN file", db_path, strict, err, errlen) : 0;
}

/* ---- loading and signing ------------------------------------------------------------ */

static EVP_PKEY *
key_file_load(const char *path, int create, char *err, size_t errlen)
{
  EVP_PKEY *key = NULL;
  FILE *f = fopen(path, "r");
  if (f) {
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 027)) {
      fclose(f);
      snprintf(err, errlen,
               "signing key %s has mode %03o: only its owner and group may read it and only "
               "its owner write it; chmod 440 it",
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
  if (!create || errno != ENOENT) {
    snprintf(err, errlen, "cannot read signing key %s: %s", path, strerror(errno));
    return NULL;
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

ledger_signer_t *
ledger_key_load(const char *spec, int create, char *err, size_t errlen)
{
  ledger_signer_t *k = calloc(1, sizeof *k);
  if (!k) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (ledger_key_is_token(spec)) {
    if (!(k->p11 = p11_key_open(spec, k->pub, err, errlen)))
      goto fail;
    return k;
  }
  if (!(k->pkey = key_file_load(spec, create, err, errlen)))
    goto fail;
  size_t publen = sizeof k->pub;
  if (EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &publen) != 1 || publen != 32) {
    snprintf(err, errlen, "signing key %s is not an Ed25519 private key", spec);
    goto fail;
  }
  return k;
 fail:
  ledger_key_free(k);
  return NULL;
}

const uint8_t *
ledger_key_public(const ledger_signer_t *k)
{
  return k->pub;
}

int
ledger_key_sign(ledger_signer_t *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
  if (k->p11)
    return p11_key_sign(k->p11, msg, len, sig);
  size_t siglen = 64;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
           EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == 64;
  EVP_MD_CTX_free(md);
  if (!ok)
    till_tls_log_errors(LOG_ERR, "signing with the chain-signing key");
  return ok ? 0 : -1;
}

void
ledger_key_free(ledger_signer_t *k)
{
  if (!k)
    return;
  EVP_PKEY_free(k->pkey);
  p11_key_close(k->p11);
  free(k);
}

/* ---- the ledger's keys ------------------------------------------------------------- */

/* Short printable name of a public key: its first 8 bytes in hex. */
static void
key_print(const uint8_t pub[32], char out[17])
{
  till_hex_encode(pub, 8, out);
}

/* The newest key's id, or 0 when the ledger has none: 0 or -1. */
static int
newest_key(store_conn_t *sc, int64_t *id, uint8_t pub[32])
{
  static const char sql[] = "SELECT id, public_key FROM server_keys ORDER BY id DESC LIMIT 1";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  int rc = sqlite3_step(st);
  *id = 0;
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    if (sqlite3_column_bytes(st, 1) == 32)
      memcpy(pub, sqlite3_column_blob(st, 1), 32);
    else
      memset(pub, 0, 32);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The id of the key with public half <pub>, or 0: 0 or -1. */
static int
find_key(store_conn_t *sc, const uint8_t pub[32], int64_t *id)
{
  static const char sql[] = "SELECT id FROM server_keys WHERE public_key = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_blob(st, 1, pub, 32, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
insert_key(store_conn_t *sc, const uint8_t pub[32], int64_t created_at, int64_t endorsed_by,
           const uint8_t *endorsement, int64_t *id)
{
  static const char sql[] =
    "INSERT INTO server_keys(algorithm, public_key, created_at, endorsed_by, endorsement)"
    " VALUES ('ed25519', ?, ?, ?, ?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_blob(st, 1, pub, 32, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, created_at);
  if (endorsed_by) {
    sqlite3_bind_int64(st, 3, endorsed_by);
    sqlite3_bind_blob(st, 4, endorsement, 64, SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, 3);
    sqlite3_bind_null(st, 4);
  }
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return -1;
  *id = sqlite3_last_insert_rowid(sc->db);
  return 0;
}

/* ---- keys: whether key <id> + 1 is a rotation <id> (public half <pub>)
 * endorsed: 0 if it is -- then <id> was replaced and tilld must not start
 * with it -- 1 if not (a row slipped into server_keys: the start-up check
 * names it), -1 on a database error. ---- */
static int
successor_endorsed(store_conn_t *sc, int64_t id, const uint8_t pub[32])
{
  static const char sql[] =
    "SELECT public_key, created_at, endorsement FROM server_keys WHERE id = ? AND endorsed_by = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id + 1);
  sqlite3_bind_int64(st, 2, id);
  int rc = sqlite3_step(st), ok = 0;
  if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 && sqlite3_column_bytes(st, 2) == 64) {
    till_canon_t c;
    till_canon_init(&c);
    till_key_endorsement_message(&c, id + 1, sqlite3_column_blob(st, 0),
                                 sqlite3_column_int64(st, 1), id, pub);
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ok = pk && md && !c.failed && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
         EVP_DigestVerify(md, sqlite3_column_blob(st, 2), 64, c.data, c.len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pk);
    till_canon_free(&c);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return -1;
  return ok ? 0 : 1;
}

int
ledger_key_register(ledger_t *lg, store_conn_t *sc, const char *spec, char *err, size_t errlen)
{
  const uint8_t *pub = ledger_key_public(lg->key);
  int64_t newest, found;
  uint8_t newest_pub[32];
  char a[17], b[17];
  if (newest_key(sc, &newest, newest_pub) != 0 || find_key(sc, pub, &found) != 0)
    goto db_fail;
  if (newest == 0) { /* a new ledger: its first key */
    if (insert_key(sc, pub, till_now(), 0, NULL, &lg->key_id) != 0)
      goto db_fail;
    return 0;
  }
  key_print(pub, a);
  key_print(newest_pub, b);
  if (found == 0) {
    snprintf(err, errlen,
             "signing key %s (%s...) is not one of this ledger's keys; its current key is key "
             "%lld (%s...). Start with that key, or change keys with 'tilld rotate-key'",
             spec, a, (long long)newest, b);
    return -1;
  }
  int replaced = found != newest ? successor_endorsed(sc, found, pub) : 1;
  if (replaced < 0)
    goto db_fail;
  if (replaced == 0) {
    snprintf(err, errlen,
             "signing key %s is key %lld, which key %lld (%s...) replaced; set signing_key to "
             "the current key",
             spec, (long long)found, (long long)newest, b);
    return -1;
  }
  if (found != newest)
    log_warn(LD_LEDGER, "server_keys holds key %lld after key %lld, the key tilld holds, but key "
             "%lld never endorsed it; the start-up check decides", (long long)found + 1,
             (long long)found, (long long)found);
  lg->key_id = found;
  return 0;
 db_fail:
  snprintf(err, errlen, "registering the signing key: %s", sqlite3_errmsg(sc->db));
  return -1;
}

int
ledger_rotate_key(store_conn_t *sc, const char *old_spec, const char *new_spec,
                  ledger_rotation_t *out, char *err, size_t errlen)
{
  return ledger_rotate_key_recorded(sc, old_spec, new_spec, NULL, NULL, out, err, errlen);
}

int
ledger_rotate_key_recorded(store_conn_t *sc, const char *old_spec, const char *new_spec,
                           ledger_rotation_record_fn record, void *arg, ledger_rotation_t *out,
                           char *err, size_t errlen)
{
  int rc = -1;
  ledger_signer_t *old = NULL, *nk = NULL;
  till_canon_t c;
  till_canon_init(&c);
  memset(out, 0, sizeof *out);
  if (!(old = ledger_key_load(old_spec, 0, err, errlen)))
    goto done;
  if (!(nk = ledger_key_load(new_spec, 0, err, errlen)))
    goto done;
  if (store_exec(sc->db, "BEGIN IMMEDIATE", "rotating the signing key") != 0) {
    snprintf(err, errlen, "rotating the signing key: %s", sqlite3_errmsg(sc->db));
    goto done;
  }
  int64_t newest, old_id, new_id;
  uint8_t newest_pub[32];
  char a[17], b[17];
  if (newest_key(sc, &newest, newest_pub) != 0 ||
      find_key(sc, ledger_key_public(old), &old_id) != 0 ||
      find_key(sc, ledger_key_public(nk), &new_id) != 0)
    goto db_fail;
  key_print(newest_pub, b);
  if (newest == 0) {
    snprintf(err, errlen, "the ledger has no signing key yet; start tilld once with its first key");
    goto rollback;
  }
  if (old_id != newest) {
    snprintf(err, errlen,
             "signing key %s is not the ledger's current key (key %lld, %s...); name the current "
             "key in signing_key",
             old_spec, (long long)newest, b);
    goto rollback;
  }
  if (new_id != 0) {
    key_print(ledger_key_public(nk), a);
    snprintf(err, errlen,
             "the new key %s (%s...) is already key %lld of this ledger; a key is used once", new_spec,
             a, (long long)new_id);
    goto rollback;
  }
  int64_t at = till_now();
  uint8_t endorsement[64];
  till_key_endorsement_message(&c, newest + 1, ledger_key_public(nk), at, old_id,
                               ledger_key_public(old));
  if (c.failed || ledger_key_sign(old, c.data, c.len, endorsement) != 0) {
    snprintf(err, errlen, "the current key could not sign the new key");
    goto rollback;
  }
  if (insert_key(sc, ledger_key_public(nk), at, old_id, endorsement, &new_id) != 0)
    goto db_fail;
  if (new_id != newest + 1) { /* the endorsement names the id it expected */
    snprintf(err, errlen, "server_keys gave id %lld, not %lld", (long long)new_id,
             (long long)(newest + 1));
    goto rollback;
  }
  out->old_id = old_id;
  out->new_id = new_id;
  memcpy(out->old_pub, ledger_key_public(old), 32);
  memcpy(out->new_pub, ledger_key_public(nk), 32);
  if (record && record(sc, out, arg) != 0) {
    snprintf(err, errlen, "recording the rotation: %s", sqlite3_errmsg(sc->db));
    memset(out, 0, sizeof *out);
    goto rollback;
  }
  if (store_exec(sc->db, "COMMIT", "rotating the signing key") != 0) {
    memset(out, 0, sizeof *out);
    goto db_fail;
  }
  rc = 0;
  goto done;
 db_fail:
  snprintf(err, errlen, "rotating the signing key: %s", sqlite3_errmsg(sc->db));
 rollback:
  sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
 done:
  till_canon_free(&c);
  ledger_key_free(nk);
  ledger_key_free(old);
  return rc;
}

till_status_t
ledger_sign_head(ledger_t *lg, store_conn_t *sc, const char *reason, int64_t *sig_id)
{
  static const char sql[] =
    "INSERT INTO chain_signatures(txn_id, head_hash, at_ms, reason, key_id, signature)"
    " VALUES (?,?,?,?,?,?)";
  till_canon_t c;
  uint8_t sig[64];
  int64_t at = till_now_ms();
  till_status_t rc = TILL_E_INTERNAL;
  char why[512];
  /* ---- tamper: sign only a head verified from the last one checked ---- */
  if (ledger_check_tail(lg, sc, why, sizeof why) != 0)
    return TILL_E_INTERNAL;
  /* ---- end of tamper ---- */
  till_canon_init(&c);
  till_chain_head_message_v2(&c, lg->head_id, lg->head_hash, at, reason);
  if (c.failed || ledger_key_sign(lg->key, c.data, c.len, sig) != 0) {
    log_err(LD_LEDGER, "signing the chain head failed");
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
  sqlite3_bind_blob(st, 6, sig, (int)sizeof sig, SQLITE_STATIC);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE) {
    rc = TILL_E_UNAVAILABLE;
    goto done;
  }
  if (sig_id)
    *sig_id = sqlite3_last_insert_rowid(sc->db);
  ledger_check_signed(lg);
  rc = TILL_OK;
 done:
  till_canon_free(&c);
  return rc;
}
