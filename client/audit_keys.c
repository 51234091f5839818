/* audit_keys.c -- pinned key sets and the check of a ledger's keys (see
 * audit_keys.h). */
#include <stdio.h>

#include "audit_keys.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "i18n.h"
#include "till_chain.h"

int
audit_pins_load(const char *path, audit_pins_t *p)
{
  memset(p, 0, sizeof *p);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  int bad = 0;
  /* bounded: at most AUDIT_KEYS_MAX + 1 reads */
  for (;;) {
    EVP_PKEY *pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    if (!pk)
      break;
    size_t len = 32;
    if (p->n >= AUDIT_KEYS_MAX || EVP_PKEY_get_base_id(pk) != EVP_PKEY_ED25519 ||
        EVP_PKEY_get_raw_public_key(pk, p->pub[p->n], &len) != 1 || len != 32)
      bad = 1;
    else
      p->n++;
    EVP_PKEY_free(pk);
    if (bad)
      break;
  }
  fclose(f);
  ERR_clear_error(); /* the read past the last key */
  return bad || p->n == 0 ? -1 : 0;
}

int
audit_pins_has(const audit_pins_t *p, const uint8_t pub[32])
{
  for (size_t i = 0; p && i < p->n; i++)
    if (memcmp(p->pub[i], pub, 32) == 0)
      return 1;
  return 0;
}

/* Whether <sig> by <by_pub> over the key message of <k> verifies. */
static int
endorsement_ok(const Till__V1__ServerKey *k, const uint8_t by_pub[32])
{
  if (k->endorsement.len != 64)
    return 0;
  till_canon_t c;
  till_canon_init(&c);
  till_key_endorsement_message(&c, k->id, k->public_key.data, k->created_at, k->endorsed_by,
                               by_pub);
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, by_pub, 32);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = pk && md && !c.failed && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
           EVP_DigestVerify(md, k->endorsement.data, 64, c.data, c.len) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pk);
  till_canon_free(&c);
  return ok;
}

#define KEY_FAIL(fmt, ...)                                                \
  do {                                                                    \
    snprintf(why, whylen, fmt, __VA_ARGS__);                              \
    snprintf(text, textlen, _(fmt), __VA_ARGS__);                         \
    return -1;                                                            \
  } while (0)

int
audit_keys_check(Till__V1__ServerKey *const *keys, size_t n, const uint8_t newest[32],
                 const audit_pins_t *pins, const char *pin_name, verifier_t *v, char *why,
                 size_t whylen, char *text, size_t textlen)
{
  if (n == 0) { /* an older server or export: one key, id 0 */
    if (pins && !audit_pins_has(pins, newest))
      KEY_FAIL(N_("the signing key is not among the pinned keys in %s"), pin_name);
    return 0;
  }
  if (n > AUDIT_KEYS_MAX)
    KEY_FAIL(N_("the ledger lists %zu signing keys, more than %d"), n, AUDIT_KEYS_MAX);
  int trusted[AUDIT_KEYS_MAX] = {0};
  for (size_t i = 0; i < n; i++) {
    const Till__V1__ServerKey *k = keys[i];
    if (k->public_key.len != 32 || k->id < 1 || (i > 0 && k->id <= keys[i - 1]->id))
      KEY_FAIL(N_("signing key %lld is malformed or out of order"), (long long)k->id);
    if (k->endorsed_by) {
      size_t j = 0;
      while (j < i && keys[j]->id != k->endorsed_by)
        j++;
      if (j == i)
        KEY_FAIL(N_("signing key %lld names key %lld as its endorser, which is not an earlier "
                    "key of the ledger"),
                 (long long)k->id, (long long)k->endorsed_by);
      if (!endorsement_ok(k, keys[j]->public_key.data))
        KEY_FAIL(N_("the endorsement of signing key %lld by key %lld does not verify"),
                 (long long)k->id, (long long)k->endorsed_by);
      trusted[i] = trusted[j];
    }
    if (pins ? audit_pins_has(pins, k->public_key.data) : (i == 0 && !k->endorsed_by))
      trusted[i] = 1;
    if (!trusted[i] && pins)
      KEY_FAIL(N_("signing key %lld is not among the pinned keys in %s, nor endorsed by one of "
                  "them"),
               (long long)k->id, pin_name);
    if (!trusted[i])
      KEY_FAIL(N_("signing key %lld is not endorsed by an earlier key; pin it with --pubkey to "
                  "trust it"),
               (long long)k->id);
    if (v && verifier_add_key(v, k->id, k->public_key.data) != 0)
      KEY_FAIL(N_("the ledger lists more than %d signing keys"), AUDIT_KEYS_MAX);
  }
  if (memcmp(keys[n - 1]->public_key.data, newest, 32) != 0)
    KEY_FAIL(N_("the newest signing key %lld is not the key the header names"),
             (long long)keys[n - 1]->id);
  return 0;
}

int
audit_key_write_pem(FILE *f, const uint8_t pub[32], const char *comment)
{
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
  int ok = pk && (!comment || fprintf(f, "# %s\n", comment) >= 0) && PEM_write_PUBKEY(f, pk) == 1;
  EVP_PKEY_free(pk);
  return ok ? 0 : -1;
}
