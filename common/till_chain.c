/* till_chain.c -- canonical bytes and the hash chain; see till_chain.h and
 * docs/ledger.md. */
#include "till_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

static const char TXN_TAG[] = "TILL-TXN-V1";
static const char HEAD_TAG[] = "TILL-HEAD-V1";
static const char KEY_TAG[] = "TILL-KEY-V1";
static const char HEAD_TAG_V2[] = "TILL-HEAD-V2";

void
till_canon_init(till_canon_t *c)
{
  memset(c, 0, sizeof *c);
}

void
till_canon_free(till_canon_t *c)
{
  free(c->data);
  memset(c, 0, sizeof *c);
}

void
till_canon_bytes(till_canon_t *c, const void *p, size_t n)
{
  if (c->failed || n == 0)
    return;
  if (c->cap - c->len < n) {
    size_t cap = c->cap ? c->cap : 256;
    while (cap - c->len < n)
      cap *= 2;
    uint8_t *d = realloc(c->data, cap);
    if (!d) {
      c->failed = 1;
      return;
    }
    c->data = d;
    c->cap = cap;
  }
  memcpy(c->data + c->len, p, n);
  c->len += n;
}

void
till_canon_u32(till_canon_t *c, uint32_t v)
{
  uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
  till_canon_bytes(c, b, 4);
}

void
till_canon_i64(till_canon_t *c, int64_t v)
{
  uint64_t u = (uint64_t)v;
  uint8_t b[8];
  for (int i = 7; i >= 0; i--) {
    b[i] = (uint8_t)u;
    u >>= 8;
  }
  till_canon_bytes(c, b, 8);
}

void
till_canon_str(till_canon_t *c, const char *s)
{
  size_t n = s ? strlen(s) : 0;
  till_canon_u32(c, (uint32_t)n);
  till_canon_bytes(c, s, n);
}

void
till_chain_canonical(till_canon_t *c, const till_txn_t *t)
{
  till_canon_bytes(c, TXN_TAG, sizeof TXN_TAG - 1);
  till_canon_i64(c, t->id);
  till_canon_str(c, t->kind);
  till_canon_i64(c, t->at_ms);
  till_canon_str(c, t->terminal);
  till_canon_str(c, t->cashier);
  till_canon_i64(c, t->shift_id);
  till_canon_str(c, t->series);
  till_canon_i64(c, t->receipt_no);
  till_canon_bytes(c, t->idem_key, TILL_KEY_LEN);
  till_canon_i64(c, t->reverses);
  till_canon_str(c, t->method);
  till_canon_str(c, t->memo);
  till_canon_str(c, t->approver);
  till_canon_u32(c, (uint32_t)t->n_entries);
  for (size_t i = 0; i < t->n_entries; i++) {
    const till_entry_t *e = &t->entries[i];
    till_canon_u32(c, (uint32_t)e->seq);
    till_canon_str(c, e->account);
    till_canon_i64(c, e->amount);
    till_canon_str(c, e->item);
    till_canon_i64(c, e->quantity);
    till_canon_i64(c, e->unit_price);
  }
}

int
till_chain_hash(const uint8_t prev[TILL_HASH_LEN], const till_txn_t *txn,
                uint8_t out[TILL_HASH_LEN])
{
  till_canon_t c;
  till_canon_init(&c);
  till_canon_bytes(&c, prev, TILL_HASH_LEN);
  till_chain_canonical(&c, txn);
  if (c.failed) {
    till_canon_free(&c);
    return -1;
  }
  SHA256(c.data, c.len, out);
  till_canon_free(&c);
  return 0;
}

void
till_chain_head_message(till_canon_t *c, int64_t txn_id, const uint8_t hash[TILL_HASH_LEN],
                        int64_t at_ms)
{
  till_canon_bytes(c, HEAD_TAG, sizeof HEAD_TAG - 1);
  till_canon_i64(c, txn_id);
  till_canon_bytes(c, hash, TILL_HASH_LEN);
  till_canon_i64(c, at_ms);
}

void
till_key_endorsement_message(till_canon_t *c, int64_t key_id, const uint8_t pub[32],
                             int64_t created_at, int64_t by_id, const uint8_t by_pub[32])
{
  till_canon_bytes(c, KEY_TAG, sizeof KEY_TAG - 1);
  till_canon_i64(c, key_id);
  till_canon_bytes(c, pub, 32);
  till_canon_i64(c, created_at);
  till_canon_i64(c, by_id);
  till_canon_bytes(c, by_pub, 32);
}

void
till_chain_head_message_v2(till_canon_t *c, int64_t txn_id, const uint8_t hash[TILL_HASH_LEN],
                           int64_t at_ms, const char *reason)
{
  till_canon_bytes(c, HEAD_TAG_V2, sizeof HEAD_TAG_V2 - 1);
  till_canon_i64(c, txn_id);
  till_canon_bytes(c, hash, TILL_HASH_LEN);
  till_canon_i64(c, at_ms);
  till_canon_str(c, reason);
}

int
till_head_signature_ok_pk(EVP_PKEY *pk, int64_t txn_id, const uint8_t hash[TILL_HASH_LEN],
                          int64_t at_ms, const char *reason, const uint8_t *sig, size_t siglen,
                          int *v1)
{
  if (siglen != 64 || !pk)
    return 0;
  int ok = 0;
  /* V2 covers the reason; V1, made before it did, is accepted as such */
  for (int version = 2; !ok && version >= 1; version--) {
    till_canon_t c;
    till_canon_init(&c);
    if (version == 2)
      till_chain_head_message_v2(&c, txn_id, hash, at_ms, reason);
    else
      till_chain_head_message(&c, txn_id, hash, at_ms);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ok = md && !c.failed && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
         EVP_DigestVerify(md, sig, siglen, c.data, c.len) == 1;
    EVP_MD_CTX_free(md);
    till_canon_free(&c);
    if (ok && v1)
      *v1 = version == 1;
  }
  return ok;
}

int
till_head_signature_ok(const uint8_t pub[32], int64_t txn_id, const uint8_t hash[TILL_HASH_LEN],
                       int64_t at_ms, const char *reason, const uint8_t *sig, size_t siglen, int *v1)
{
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
  int ok = till_head_signature_ok_pk(pk, txn_id, hash, at_ms, reason, sig, siglen, v1);
  EVP_PKEY_free(pk);
  return ok;
}

int
till_export_statement(char *out, size_t len, int64_t first_id, int64_t last_id, int64_t from_ms,
                      int64_t to_ms)
{
  int n = snprintf(out, len, "export first=%lld last=%lld from=%lld to=%lld", (long long)first_id,
                   (long long)last_id, (long long)from_ms, (long long)to_ms);
  return n > 0 && (size_t)n < len ? 0 : -1;
}

int
till_export_statement_add(char *out, size_t len, const char *series, int64_t last_no)
{
  size_t used = strlen(out);
  if (used >= len)
    return -1;
  int n = snprintf(out + used, len - used, " %s=%lld", series, (long long)last_no);
  return n > 0 && (size_t)n < len - used ? 0 : -1;
}

int
till_chain_sum(const till_txn_t *txn, int64_t *sum)
{
  int64_t s = 0;
  for (size_t i = 0; i < txn->n_entries; i++)
    if (__builtin_add_overflow(s, txn->entries[i].amount, &s))
      return -1;
  *sum = s;
  return 0;
}

void
till_chain_verify_code(const uint8_t hash[TILL_HASH_LEN], char out[10])
{
  snprintf(out, 10, "%02X%02X-%02X%02X", hash[0], hash[1], hash[2], hash[3]);
}

void
till_receipt_format(const char *series, int64_t no, char *out, size_t len)
{
  snprintf(out, len, "%s-%08lld", series, (long long)no);
}

int
till_receipt_parse(const char *s, char *series, size_t series_len, int64_t *no)
{
  const char *dash = strchr(s, '-');
  if (!dash)
    return -1;
  size_t sl = (size_t)(dash - s);
  if (sl < 5 || sl > TILL_SERIES_PREFIX_MAX + 4 || sl >= series_len)
    return -1;
  for (size_t i = 0; i < sl - 4; i++)
    if (s[i] < 'A' || s[i] > 'Z')
      return -1;
  for (size_t i = sl - 4; i < sl; i++)
    if (s[i] < '0' || s[i] > '9')
      return -1;
  const char *p = dash + 1;
  if (!*p || strlen(p) > 12)
    return -1;
  int64_t v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  if (v < 1)
    return -1;
  memcpy(series, s, sl);
  series[sl] = '\0';
  *no = v;
  return 0;
}
