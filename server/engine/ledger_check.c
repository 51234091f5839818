/* ledger_check.c -- the start-up self-check and the signing policy: the
 * server signs a head only once it has verified the chain up to it, from a
 * signed head it checked itself (docs/security.md, "The start-up check" and
 * "What the server signs"). See ledger.h and ledger_int.h. */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "till_log.h"
#include "till_util.h"

#define CHECK_TXN_STORE 16384

static int stored_hash(store_conn_t *sc, int64_t id, uint8_t out[TILL_HASH_LEN]);

static int64_t
mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The stored hash of transaction <id> (0: the zero hash). 0, 1 when there
 * is no such row, -1 on a database error. */
static int
stored_hash(store_conn_t *sc, int64_t id, uint8_t out[TILL_HASH_LEN])
{
  static const char sql[] = "SELECT hash FROM journal WHERE id = ?";
  memset(out, 0, TILL_HASH_LEN);
  if (id == 0)
    return 0;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TILL_HASH_LEN)
    memcpy(out, sqlite3_column_blob(st, 0), TILL_HASH_LEN);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Re-hash the stored chain from (from_id, from_hash) to <to_id>: every id
 * present, every transaction balanced, every stored hash recomputed. On
 * success out_hash is h_{to_id}. 0, or -1 with the first finding in why. */
static int
rehash(store_conn_t *sc, int64_t from_id, const uint8_t from_hash[TILL_HASH_LEN], int64_t to_id,
       uint8_t out_hash[TILL_HASH_LEN], char *why, size_t whylen)
{
  uint8_t prev[TILL_HASH_LEN], stored[TILL_HASH_LEN], h[TILL_HASH_LEN];
  char *store = malloc(CHECK_TXN_STORE);
  till_txn_t *t = malloc(sizeof *t);
  int rc = -1;
  memcpy(prev, from_hash, TILL_HASH_LEN);
  if (!store || !t) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  /* bounded: one row per id up to to_id */
  for (int64_t id = from_id + 1; id <= to_id; id++) {
    int got = ledger_load_txn(sc, id, t, stored, store, CHECK_TXN_STORE);
    int64_t sum;
    if (got == 1) {
      snprintf(why, whylen, "transaction %lld is missing (the journal's head is %lld)",
               (long long)id, (long long)to_id);
      goto out;
    }
    if (got != 0) {
      snprintf(why, whylen, "transaction %lld cannot be read: %s", (long long)id,
               sqlite3_errmsg(sc->db));
      goto out;
    }
    if (t->n_entries < 2 || till_chain_sum(t, &sum) != 0 || sum != 0) {
      snprintf(why, whylen, "transaction %lld does not balance", (long long)id);
      goto out;
    }
    if (till_chain_hash(prev, t, h) != 0) {
      snprintf(why, whylen, "out of memory");
      goto out;
    }
    if (memcmp(h, stored, TILL_HASH_LEN) != 0) {
      snprintf(why, whylen, "transaction %lld: hash does not match its contents and the one "
               "before it", (long long)id);
      goto out;
    }
    memcpy(prev, h, TILL_HASH_LEN);
  }
  memcpy(out_hash, prev, TILL_HASH_LEN);
  rc = 0;
 out:
  free(store);
  free(t);
  return rc;
}

/* The newest signed head at or before the head that verifies under this
 * server's key and matches the stored chain becomes the anchor. 0 or -1. */
static int
reanchor(ledger_t *lg, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT txn_id, head_hash, at_ms, reason, signature FROM chain_signatures"
    " WHERE key_id = ?1 AND txn_id <= ?2 ORDER BY id DESC LIMIT 16";
  uint8_t stored[TILL_HASH_LEN];
  const uint8_t *own = ledger_key_public(lg->key);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st || !own)
    return -1;
  sqlite3_bind_int64(st, 1, lg->key_id);
  sqlite3_bind_int64(st, 2, lg->head_id);
  int found = -1;
  /* bounded by the LIMIT */
  while (found != 0 && sqlite3_step(st) == SQLITE_ROW) {
    int64_t txn = sqlite3_column_int64(st, 0);
    const uint8_t *head = sqlite3_column_blob(st, 1);
    if (sqlite3_column_bytes(st, 1) == TILL_HASH_LEN &&
        till_head_signature_ok(own, txn, head, sqlite3_column_int64(st, 2),
                               (const char *)sqlite3_column_text(st, 3),
                               sqlite3_column_blob(st, 4),
                               (size_t)sqlite3_column_bytes(st, 4), NULL) &&
        stored_hash(sc, txn, stored) == 0 && memcmp(stored, head, TILL_HASH_LEN) == 0) {
      lg->anchor_id = txn;
      memcpy(lg->anchor_hash, head, TILL_HASH_LEN);
      found = 0;
    }
  }
  sqlite3_reset(st);
  return found;
}

static int
refuse(ledger_t *lg, char *why, size_t whylen, const char *what)
{
  snprintf(why, whylen, "%s", what);
  log_err(LD_LEDGER, "not signing the chain head: %s", what);
  return -1;
}

int
ledger_check_tail(ledger_t *lg, store_conn_t *sc, char *why, size_t whylen)
{
  char finding[400];
  uint8_t h[TILL_HASH_LEN];
  if (lg->refused)
    return refuse(lg, why, whylen, lg->refused_why);
  int64_t from = lg->verified_id;
  const uint8_t *from_hash = lg->verified_hash;
  if (from < 0 || from > lg->head_id) {
    /* the anchor went with a rollback (a failed COMMIT of a batch that
     * signed): the last signature still stored, checked as at start-up */
    if (lg->anchor_id > lg->head_id && reanchor(lg, sc) != 0)
      return refuse(lg, why, whylen, "no signed head this server can check lies within the chain");
    from = lg->anchor_id;
    from_hash = lg->anchor_hash;
  }
  if (from > lg->head_id)
    return refuse(lg, why, whylen, "the chain's head lies before the last signed head");
  /* the head the chain is verified from must still be stored as it was */
  int got = stored_hash(sc, from, h);
  if (got != 0 || memcmp(h, from_hash, TILL_HASH_LEN) != 0) {
    snprintf(finding, sizeof finding, "transaction %lld is no longer stored as verified",
             (long long)from);
    return refuse(lg, why, whylen, finding);
  }
  if (rehash(sc, from, from_hash, lg->head_id, h, finding, sizeof finding) != 0)
    return refuse(lg, why, whylen, finding);
  if (memcmp(h, lg->head_hash, TILL_HASH_LEN) != 0)
    return refuse(lg, why, whylen, "the stored chain does not end at the head this server made");
  lg->verified_id = lg->head_id;
  memcpy(lg->verified_hash, h, TILL_HASH_LEN);
  return 0;
}

void
ledger_check_signed(ledger_t *lg)
{
  lg->anchor_id = lg->head_id;
  memcpy(lg->anchor_hash, lg->head_hash, TILL_HASH_LEN);
}

void
ledger_check_appended(ledger_t *lg, int64_t id, const uint8_t hash[TILL_HASH_LEN])
{
  if (lg->verified_id == id - 1) {
    lg->verified_id = id;
    memcpy(lg->verified_hash, hash, TILL_HASH_LEN);
  }
  lg->recent[id % LEDGER_RECENT].id = id;
  memcpy(lg->recent[id % LEDGER_RECENT].hash, hash, TILL_HASH_LEN);
}

void
ledger_check_reloaded(ledger_t *lg)
{
  int64_t id = lg->head_id;
  if (id >= 0 && id == lg->anchor_id && memcmp(lg->anchor_hash, lg->head_hash, TILL_HASH_LEN) == 0) {
    lg->verified_id = id;
    return;
  }
  if (id > 0 && lg->recent[id % LEDGER_RECENT].id == id &&
      memcmp(lg->recent[id % LEDGER_RECENT].hash, lg->head_hash, TILL_HASH_LEN) == 0 &&
      id <= lg->verified_id) {
    lg->verified_id = id;
    memcpy(lg->verified_hash, lg->head_hash, TILL_HASH_LEN);
    return;
  }
  lg->verified_id = -1; /* ledger_check_tail starts from the anchor */
}

const char *
ledger_refused(const ledger_t *lg)
{
  return lg && lg->refused ? lg->refused_why : NULL;
}

/* ---- the start-up check ----------------------------------------------- */

#define SCHEMA_SQL                                                                          \
  "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema"                       \
  " WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"

/* Step 1: sqlite_schema of the file equals that of an in-memory database
 * made by the migrations. 0, or -1 with the first difference in why. */
static int
check_schema(store_conn_t *sc, const store_schema_t *schema, char *why, size_t whylen)
{
  sqlite3 *mem = NULL;
  sqlite3_stmt *a = NULL, *b = NULL;
  char err[256];
  int rc = -1;
  if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK ||
      store_migrate(mem, schema, err, sizeof err) != 0) {
    snprintf(why, whylen, "cannot build the expected schema");
    goto out;
  }
  if (sqlite3_prepare_v2(sc->db, SCHEMA_SQL, -1, &a, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(mem, SCHEMA_SQL, -1, &b, NULL) != SQLITE_OK) {
    snprintf(why, whylen, "cannot read the schema: %s", sqlite3_errmsg(sc->db));
    goto out;
  }
  int ra = sqlite3_step(a), rb = sqlite3_step(b);
  /* bounded by the two schemas: every round steps one or both */
  while (ra == SQLITE_ROW || rb == SQLITE_ROW) {
    int order = ra != SQLITE_ROW ? 1 : rb != SQLITE_ROW ? -1 : 0;
    for (int col = 0; order == 0 && col < 2; col++)
      order = strcmp((const char *)sqlite3_column_text(a, col),
                     (const char *)sqlite3_column_text(b, col));
    if (order < 0) {
      snprintf(why, whylen, "the schema has %s %s, which no migration makes",
               sqlite3_column_text(a, 0), sqlite3_column_text(a, 1));
      goto out;
    }
    if (order > 0) {
      snprintf(why, whylen, "%s %s is missing from the schema (dropped)",
               sqlite3_column_text(b, 0), sqlite3_column_text(b, 1));
      goto out;
    }
    if (strcmp((const char *)sqlite3_column_text(a, 2), (const char *)sqlite3_column_text(b, 2)) ||
        strcmp((const char *)sqlite3_column_text(a, 3), (const char *)sqlite3_column_text(b, 3))) {
      snprintf(why, whylen, "%s %s differs from what the migrations make",
               sqlite3_column_text(a, 0), sqlite3_column_text(a, 1));
      goto out;
    }
    ra = sqlite3_step(a);
    rb = sqlite3_step(b);
  }
  if (ra != SQLITE_DONE || rb != SQLITE_DONE)
    snprintf(why, whylen, "cannot read the schema: %s", sqlite3_errmsg(sc->db));
  else
    rc = 0;
 out:
  sqlite3_finalize(a);
  sqlite3_finalize(b);
  sqlite3_close(mem);
  return rc;
}

/* ---- keys: the keys step 2 trusts. A key is trusted only through the
 * endorsements that lead back from the key tilld holds: the held key's row
 * names the key it replaced (endorsed_by, always the id before it) and
 * that key's signature over the held key's id, public half and time; that
 * key's row names the one before, and so on down to the ledger's first key,
 * which names none. A row the walk does not reach -- a key slipped into
 * server_keys, a newer key the held one never endorsed -- or an
 * endorsement that does not verify is a finding (docs/security.md, "The
 * start-up check"). ---- */
#define CHECK_KEYS_MAX 4096

typedef struct {
  int64_t id, created_at, endorsed_by;
  uint8_t pub[32], endorsement[64];
  int first, pub_ok, endorsement_ok, trusted; /* first: endorsed_by is NULL */
} check_key_t;

typedef struct {
  check_key_t *k;
  size_t n;
} keyset_t;

/* The trusted public half of key <id>, or NULL. */
static const uint8_t *
keyset_pub(const keyset_t *ks, int64_t id)
{
  size_t lo = 0, hi = ks->n;
  while (lo < hi) { /* bounded: halves each round */
    size_t mid = lo + (hi - lo) / 2;
    if (ks->k[mid].id == id)
      return ks->k[mid].trusted ? ks->k[mid].pub : NULL;
    if (ks->k[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* 1 if <k>'s endorsement verifies under <by>'s public half. */
static int
endorsement_verifies(const check_key_t *k, const check_key_t *by)
{
  till_canon_t c;
  till_canon_init(&c);
  till_key_endorsement_message(&c, k->id, k->pub, k->created_at, by->id, by->pub);
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, by->pub, 32);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = k->endorsement_ok && pk && md && !c.failed &&
           EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
           EVP_DigestVerify(md, k->endorsement, 64, c.data, c.len) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pk);
  till_canon_free(&c);
  return ok;
}

/* Read server_keys into ks (by id) and mark the keys reached from the held
 * key. 0, or -1 with the first finding in why. */
static int
check_keys(ledger_t *lg, store_conn_t *sc, keyset_t *ks, char *why, size_t whylen)
{
  static const char sql[] =
    "SELECT id, public_key, created_at, endorsed_by, endorsement FROM server_keys ORDER BY id";
  sqlite3_stmt *st = NULL;
  int step, rc = -1;
  if (sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL) != SQLITE_OK)
    goto db_error;
  /* bounded: at most CHECK_KEYS_MAX rows are read */
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (ks->n == CHECK_KEYS_MAX) {
      snprintf(why, whylen, "server_keys holds more than %d keys", CHECK_KEYS_MAX);
      goto out;
    }
    check_key_t *nk = realloc(ks->k, (ks->n + 1) * sizeof *nk);
    if (!nk) {
      snprintf(why, whylen, "out of memory");
      goto out;
    }
    ks->k = nk;
    check_key_t *k = &ks->k[ks->n++];
    memset(k, 0, sizeof *k);
    k->id = sqlite3_column_int64(st, 0);
    k->created_at = sqlite3_column_int64(st, 2);
    k->first = sqlite3_column_type(st, 3) == SQLITE_NULL;
    k->endorsed_by = sqlite3_column_int64(st, 3);
    if ((k->pub_ok = sqlite3_column_bytes(st, 1) == 32))
      memcpy(k->pub, sqlite3_column_blob(st, 1), 32);
    if ((k->endorsement_ok = sqlite3_column_bytes(st, 4) == 64))
      memcpy(k->endorsement, sqlite3_column_blob(st, 4), 64);
  }
  if (step != SQLITE_DONE)
    goto db_error;
  const uint8_t *own = ledger_key_public(lg->key);
  size_t i = 0;
  while (i < ks->n && ks->k[i].id != lg->key_id)
    i++;
  if (i == ks->n || !ks->k[i].pub_ok || memcmp(ks->k[i].pub, own, 32) != 0) {
    snprintf(why, whylen, "server_keys does not hold the key tilld holds as key %lld",
             (long long)lg->key_id);
    goto out;
  }
  /* bounded: i only goes down */
  for (;;) {
    check_key_t *k = &ks->k[i];
    k->trusted = 1;
    if (k->first)
      break;
    if (i == 0 || k->endorsed_by < 1 || ks->k[i - 1].id != k->id - 1 ||
        k->endorsed_by != k->id - 1 ||
        !ks->k[i - 1].pub_ok) {
      snprintf(why, whylen, "signing key %lld names key %lld as the key it replaced, not the key "
               "before it: server_keys was altered", (long long)k->id, (long long)k->endorsed_by);
      goto out;
    }
    if (!endorsement_verifies(k, &ks->k[i - 1])) {
      snprintf(why, whylen, "the endorsement of signing key %lld by key %lld does not verify: "
               "server_keys was altered", (long long)k->id, (long long)k->endorsed_by);
      goto out;
    }
    i--;
  }
  for (i = 0; i < ks->n; i++)
    if (!ks->k[i].trusted) {
      snprintf(why, whylen, "signing key %lld in server_keys is not endorsed, through the "
               "ledger's rotations, by the key tilld holds (key %lld): a key was slipped in",
               (long long)ks->k[i].id, (long long)lg->key_id);
      goto out;
    }
  rc = 0;
  goto out;
 db_error:
  snprintf(why, whylen, "cannot read server_keys: %s", sqlite3_errmsg(sc->db));
 out:
  sqlite3_finalize(st);
  return rc;
}

/* The signed heads step 2 found, for step 3: their transactions (in
 * ascending order, as read) and their row ids (sorted afterwards). */
typedef struct {
  int64_t *txns, *ids;
  size_t n, cap;
} headset_t;

static int
headset_add(headset_t *ss, int64_t txn, int64_t id)
{
  if (ss->n == ss->cap) {
    size_t cap = ss->cap ? ss->cap * 2 : 1024;
    int64_t *t = realloc(ss->txns, cap * sizeof *t);
    if (!t)
      return -1;
    ss->txns = t;
    int64_t *i = realloc(ss->ids, cap * sizeof *i);
    if (!i)
      return -1;
    ss->ids = i;
    ss->cap = cap;
  }
  ss->txns[ss->n] = txn;
  ss->ids[ss->n++] = id;
  return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Step 2: every key is reached from the held key (check_keys), and every
 * signed head verifies under its key and matches the stored chain; the
 * last one is the anchor. Read in chain order, so the stored hashes are
 * looked up in order and the first finding is the earliest; in that order
 * the keys only move on (a replaced key signs nothing after its successor
 * did). 0, or -1 with the first finding in why. */
static int
check_signatures(ledger_t *lg, store_conn_t *sc, ledger_check_stats_t *s, headset_t *ss,
                 char *why, size_t whylen)
{
  static const char sql[] =
    "SELECT id, txn_id, head_hash, at_ms, reason, key_id, signature FROM chain_signatures"
    " ORDER BY txn_id, id";
  uint8_t stored[TILL_HASH_LEN];
  const uint8_t *own = ledger_key_public(lg->key);
  if (!own) {
    snprintf(why, whylen, "the signing key has no Ed25519 public half");
    return -1;
  }
  keyset_t ks = {0};
  if (check_keys(lg, sc, &ks, why, whylen) != 0) {
    free(ks.k);
    return -1;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(why, whylen, "cannot read chain_signatures: %s", sqlite3_errmsg(sc->db));
    free(ks.k);
    return -1;
  }
  int rc = 0, step;
  int64_t last_key = 0;
  lg->anchor_id = 0;
  memset(lg->anchor_hash, 0, TILL_HASH_LEN);
  /* bounded by the table */
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t sig_id = sqlite3_column_int64(st, 0), txn = sqlite3_column_int64(st, 1);
    int64_t at = sqlite3_column_int64(st, 3), key_id = sqlite3_column_int64(st, 5);
    const uint8_t *head = sqlite3_column_blob(st, 2);
    int headlen = sqlite3_column_bytes(st, 2);
    const char *reason = (const char *)sqlite3_column_text(st, 4);
    const uint8_t *sig = sqlite3_column_blob(st, 6);
    size_t siglen = (size_t)sqlite3_column_bytes(st, 6);
    /* this server's own signatures verify under the key it holds, not under
     * the copy in server_keys; an earlier key's under its recorded half,
     * trusted through the endorsements (check_keys) */
    const uint8_t *pub = key_id == lg->key_id ? own : keyset_pub(&ks, key_id);
    rc = -1;
    if (!pub)
      snprintf(why, whylen, "signature %lld names key %lld, which server_keys does not hold",
               (long long)sig_id, (long long)key_id);
    else if (key_id < last_key)
      snprintf(why, whylen, "signature %lld (transaction %lld) is by key %lld, but its successor "
               "key %lld signed an earlier head: a replaced key signs nothing after",
               (long long)sig_id, (long long)txn, (long long)key_id, (long long)last_key);
    else if (headlen != TILL_HASH_LEN ||
             !till_head_signature_ok(pub, txn, head, at, reason, sig, siglen, NULL))
      snprintf(why, whylen, "signature %lld (%s, transaction %lld) does not verify under the "
               "server's key", (long long)sig_id, reason ? reason : "", (long long)txn);
    else if (txn > lg->head_id)
      snprintf(why, whylen, "signature %lld covers transaction %lld but the journal ends at "
               "%lld: transactions were cut", (long long)sig_id, (long long)txn,
               (long long)lg->head_id);
    else if (txn < 0 || stored_hash(sc, txn, stored) != 0 ||
             memcmp(stored, head, TILL_HASH_LEN) != 0)
      snprintf(why, whylen, "the signed head at transaction %lld (signature %lld, %s) does not "
               "match the stored chain: transactions up to %lld were rewritten",
               (long long)txn, (long long)sig_id, reason ? reason : "", (long long)txn);
    else if (headset_add(ss, txn, sig_id) != 0)
      snprintf(why, whylen, "out of memory");
    else
      rc = 0;
    if (rc == 0) {
      s->signatures++;
      last_key = key_id;
      lg->anchor_id = txn;
      memcpy(lg->anchor_hash, head, TILL_HASH_LEN);
    }
  }
  if (rc == 0 && step != SQLITE_DONE) {
    snprintf(why, whylen, "cannot read chain_signatures: %s", sqlite3_errmsg(sc->db));
    rc = -1;
  }
  sqlite3_finalize(st);
  free(ks.k);
  s->anchor_id = lg->anchor_id;
  if (ss->n > 1)
    qsort(ss->ids, ss->n, sizeof *ss->ids, cmp_i64);
  return rc;
}

/* Step 3: every closed shift and closed day names a signed head that
 * exists (looked up among those step 2 verified). 0, or -1 with the first
 * finding in why. */
static int
check_references(store_conn_t *sc, const headset_t *ss, ledger_check_stats_t *s, char *why,
                 size_t whylen)
{
  static const char sql_shift[] =
    "SELECT id, signature_txn_id FROM shifts WHERE state != 1 ORDER BY id";
  static const char sql_day[] = "SELECT signature_id, date FROM day_closes ORDER BY date";
  sqlite3_stmt *st = NULL;
  int rc = 0, step = SQLITE_DONE;
  if (sqlite3_prepare_v2(sc->db, sql_shift, -1, &st, NULL) != SQLITE_OK)
    goto db_error;
  /* bounded by the table */
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t txn = sqlite3_column_int64(st, 1);
    if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
      snprintf(why, whylen, "closed shift %lld names the signed head at transaction %s, but no "
               "signature covers it: signatures were removed",
               (long long)sqlite3_column_int64(st, 0), "none");
      rc = -1;
    } else if (!ss->n || !bsearch(&txn, ss->txns, ss->n, sizeof *ss->txns, cmp_i64)) {
      char t[24];
      snprintf(t, sizeof t, "%lld", (long long)txn);
      snprintf(why, whylen, "closed shift %lld names the signed head at transaction %s, but no "
               "signature covers it: signatures were removed",
               (long long)sqlite3_column_int64(st, 0), t);
      rc = -1;
    } else {
      s->shifts++;
    }
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc != 0)
    return rc;
  if (step != SQLITE_DONE || sqlite3_prepare_v2(sc->db, sql_day, -1, &st, NULL) != SQLITE_OK)
    goto db_error;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    if (!ss->n || !bsearch(&id, ss->ids, ss->n, sizeof *ss->ids, cmp_i64)) {
      snprintf(why, whylen, "closed day %s names signature %lld, which does not exist: "
               "signatures were removed", sqlite3_column_text(st, 1), (long long)id);
      rc = -1;
    } else {
      s->days++;
    }
  }
  sqlite3_finalize(st);
  if (rc == 0 && step != SQLITE_DONE)
    goto db_error2;
  return rc;
 db_error:
  sqlite3_finalize(st);
 db_error2:
  snprintf(why, whylen, "cannot read the closed shifts and days: %s", sqlite3_errmsg(sc->db));
  return -1;
}

/* One row of <sql> (an integer and a text), or none. 1 found, 0 none,
 * -1 error. */
static int
first_row(store_conn_t *sc, const char *sql, int64_t *n, char *text, size_t textlen)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL) != SQLITE_OK)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *n = sqlite3_column_int64(st, 0);
    snprintf(text, textlen, "%s",
             sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Step 5: each series counter equals the highest number of its series in
 * the journal, and every series in the journal has a counter. The journal's
 * UNIQUE (series, receipt_no) index answers each question with a seek. */
static int
check_counters(store_conn_t *sc, ledger_check_stats_t *s, char *why, size_t whylen)
{
  static const char sql_next[] =
    "SELECT series FROM journal WHERE series > ?1 ORDER BY series LIMIT 1";
  static const char sql_max[] =
    "SELECT (SELECT max(receipt_no) FROM journal WHERE series = ?1),"
    " (SELECT last_no FROM series_counters WHERE series = ?1)";
  static const char sql_counters[] =
    "SELECT last_no, series FROM series_counters WHERE last_no > 0 AND NOT EXISTS"
    " (SELECT 1 FROM journal WHERE journal.series = series_counters.series) LIMIT 1";
  char series[64] = "";
  int64_t n = 0;
  char text[64];
  sqlite3_stmt *nx = NULL, *mx = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(sc->db, sql_next, -1, &nx, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(sc->db, sql_max, -1, &mx, NULL) != SQLITE_OK)
    goto db_error;
  /* bounded: the series only grow, one seek each */
  for (;;) {
    sqlite3_reset(nx);
    sqlite3_bind_text(nx, 1, series, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(nx);
    if (step == SQLITE_DONE)
      break;
    if (step != SQLITE_ROW)
      goto db_error;
    snprintf(series, sizeof series, "%s", sqlite3_column_text(nx, 0));
    sqlite3_reset(mx);
    sqlite3_bind_text(mx, 1, series, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(mx) != SQLITE_ROW)
      goto db_error;
    int64_t top = sqlite3_column_int64(mx, 0);
    if (sqlite3_column_type(mx, 1) == SQLITE_NULL) {
      snprintf(why, whylen, "series %s has numbers up to %lld in the journal but no counter",
               series, (long long)top);
      goto out;
    }
    int64_t last = sqlite3_column_int64(mx, 1);
    if (last != top) {
      if (last > top)
        snprintf(why, whylen, "series %s's counter says %lld, the journal's highest number is "
                 "%lld: transactions were cut", series, (long long)last, (long long)top);
      else
        snprintf(why, whylen, "series %s's counter says %lld, the journal's highest number is "
                 "%lld: the counter was lowered", series, (long long)last, (long long)top);
      goto out;
    }
    s->series++;
  }
  int got = first_row(sc, sql_counters, &n, text, sizeof text);
  if (got < 0)
    goto db_error;
  if (got == 1) {
    snprintf(why, whylen, "series %s's counter says %lld, the journal holds none of its "
             "numbers: transactions were cut", text, (long long)n);
    goto out;
  }
  rc = 0;
  goto out;
 db_error:
  snprintf(why, whylen, "cannot compare the series counters: %s", sqlite3_errmsg(sc->db));
 out:
  sqlite3_finalize(nx);
  sqlite3_finalize(mx);
  return rc;
}

till_status_t
ledger_selfcheck(ledger_t *lg, store_conn_t *sc, const store_schema_t *schema,
                 ledger_check_stats_t *stats, char *why, size_t whylen)
{
  ledger_check_stats_t s = {0};
  headset_t ss = {0};
  int64_t t0 = mono_ms();
  uint8_t h[TILL_HASH_LEN];
  int bad = 1;
  char finding[400] = "";
  if (store_exec(sc->db, "BEGIN", "the start-up check") != 0) {
    snprintf(finding, sizeof finding, "cannot read the database: %s", sqlite3_errmsg(sc->db));
    goto out;
  }
  if (ledger_reload_head(lg, sc) != 0)
    snprintf(finding, sizeof finding, "cannot read the chain head: %s", sqlite3_errmsg(sc->db));
  else {
    /* each step in turn, timed; the first finding stops the check */
    int64_t t = mono_ms();
    int step = 0, failed = 0;
    for (; step < 5 && !failed; step++) {
      switch (step) {
      case 0: failed = check_schema(sc, schema, finding, sizeof finding); break;
      case 1: failed = check_signatures(lg, sc, &s, &ss, finding, sizeof finding); break;
      case 2: failed = check_references(sc, &ss, &s, finding, sizeof finding); break;
      case 3:
        failed = rehash(sc, lg->anchor_id, lg->anchor_hash, lg->head_id, h, finding,
                        sizeof finding);
        break;
      default: failed = check_counters(sc, &s, finding, sizeof finding); break;
      }
      int64_t now = mono_ms();
      s.step_ms[step] = now - t;
      t = now;
    }
    if (!failed)
      bad = memcmp(h, lg->head_hash, TILL_HASH_LEN) != 0;
  }
  sqlite3_exec(sc->db, "COMMIT", NULL, NULL, NULL);
  if (bad && !finding[0])
    snprintf(finding, sizeof finding, "the chain does not end at the stored head");
 out:
  free(ss.txns);
  free(ss.ids);
  s.tail = lg->head_id - lg->anchor_id;
  s.elapsed_ms = mono_ms() - t0;
  if (stats)
    *stats = s;
  if (bad) {
    lg->refused = 1;
    snprintf(lg->refused_why, sizeof lg->refused_why, "%s", finding);
    snprintf(why, whylen, "%s", finding);
    lg->verified_id = -1;
    return TILL_E_PRECONDITION;
  }
  lg->refused = 0;
  lg->verified_id = lg->head_id;
  memcpy(lg->verified_hash, lg->head_hash, TILL_HASH_LEN);
  return TILL_OK;
}
