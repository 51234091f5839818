/* ledger_key_p11.c -- the chain-signing key in a PKCS#11 token: the token's
 * module is loaded at run time (dlopen) and signs with CKM_EDDSA; the
 * private key never leaves the token. Named by an RFC 7512 URI:
 *
 *   pkcs11:token=LABEL;object=LABEL?module-path=/usr/lib/softhsm/libsofthsm2.so
 *     &pin-source=file:/etc/till/keys/token.pin
 *
 * Tested against SoftHSM2 (tests/integ/test_key_pkcs11.sh). Only the
 * writer thread signs, so one session serves; rotate-key holds two keys,
 * perhaps in one module, whose first opener alone finalizes it. */
#include "ledger_int.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#define P11_FIELD_MAX 256

struct p11_key {
  void *lib;
  CK_FUNCTION_LIST_PTR f;
  int initialized; /* this key called C_Initialize, so it calls C_Finalize */
  CK_SESSION_HANDLE session;
  int has_session;
  CK_OBJECT_HANDLE priv;
};

typedef struct {
  char token[P11_FIELD_MAX];
  char object[P11_FIELD_MAX];
  char module[P11_FIELD_MAX];
  char pin_file[P11_FIELD_MAX];
} p11_uri_t;

static int
hexval(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Percent-decode s[0..n) into out: 0 or -1. */
static int
pct_decode(const char *s, size_t n, char *out, size_t len)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      if (i + 2 >= n)
        return -1;
      int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
      if (h < 0 || l < 0)
        return -1;
      c = h * 16 + l;
      i += 2;
    }
    if (c == 0 || o + 1 >= len)
      return -1;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  return 0;
}

/* Parse <uri>; every attribute it does not use is refused, so a typo is
 * not silently ignored. 0, or -1 with err set. */
static int
uri_parse(const char *uri, p11_uri_t *u, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  if (strncmp(uri, "pkcs11:", 7) != 0)
    goto bad;
  const char *p = uri + 7;
  int in_query = 0;
  for (int n = 0; *p && n < 16; n++) {
    size_t len = strcspn(p, in_query ? "&" : ";?");
    const char *eq = memchr(p, '=', len);
    if (!eq)
      goto bad;
    size_t klen = (size_t)(eq - p);
    char *dst = NULL;
    if (!in_query && klen == 5 && memcmp(p, "token", 5) == 0)
      dst = u->token;
    else if (!in_query && klen == 6 && memcmp(p, "object", 6) == 0)
      dst = u->object;
    else if (in_query && klen == 11 && memcmp(p, "module-path", 11) == 0)
      dst = u->module;
    else if (in_query && klen == 10 && memcmp(p, "pin-source", 10) == 0)
      dst = u->pin_file;
    if (!dst || pct_decode(eq + 1, len - klen - 1, dst, P11_FIELD_MAX) != 0)
      goto bad;
    p += len;
    if (*p == '?')
      in_query = 1;
    if (*p)
      p++;
  }
  if (*p || !u->token[0] || !u->object[0] || !u->module[0])
    goto bad;
  if (strncmp(u->pin_file, "file:", 5) == 0)
    memmove(u->pin_file, u->pin_file + 5, strlen(u->pin_file + 5) + 1);
  return 0;
 bad:
  snprintf(err, errlen,
           "signing key %s: expected pkcs11:token=LABEL;object=LABEL?module-path=MODULE"
           "&pin-source=file:PINFILE",
           uri);
  return -1;
}

int
p11_uri_pin_file(const char *uri, char *out, size_t len, char *err, size_t errlen)
{
  p11_uri_t u;
  if (uri_parse(uri, &u, err, errlen) != 0)
    return -1;
  return snprintf(out, len, "%s", u.pin_file) < (int)len ? 0 : -1;
}

/* The first line of <path> into pin: 0 or -1. */
static int
read_pin(const char *path, char *pin, size_t len)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char *line = fgets(pin, (int)len, f);
  fclose(f);
  if (!line)
    return -1;
  pin[strcspn(pin, "\r\n")] = '\0';
  return pin[0] ? 0 : -1;
}

/* The one object of <cls> labelled <label>: 0, or -1 when there is none
 * or more than one. */
static int
find_object(p11_key_t *k, CK_OBJECT_CLASS cls, const char *label, CK_OBJECT_HANDLE *out)
{
  CK_KEY_TYPE type = CKK_EC_EDWARDS;
  CK_ATTRIBUTE tmpl[] = {
    {CKA_CLASS, &cls, sizeof cls},
    {CKA_KEY_TYPE, &type, sizeof type},
    {CKA_LABEL, (void *)label, strlen(label)},
  };
  CK_OBJECT_HANDLE found[2];
  CK_ULONG n = 0;
  if (k->f->C_FindObjectsInit(k->session, tmpl, 3) != CKR_OK)
    return -1;
  CK_RV rv = k->f->C_FindObjects(k->session, found, 2, &n);
  k->f->C_FindObjectsFinal(k->session);
  if (rv != CKR_OK || n != 1)
    return -1;
  *out = found[0];
  return 0;
}

/* The raw 32-byte Ed25519 key of public-key object <obj>: CKA_EC_POINT is
 * the DER OCTET STRING (04 20 ...) or, in some tokens, the bare 32 bytes. */
static int
read_public(p11_key_t *k, CK_OBJECT_HANDLE obj, uint8_t pub[32])
{
  uint8_t point[64];
  CK_ATTRIBUTE a = {CKA_EC_POINT, point, sizeof point};
  if (k->f->C_GetAttributeValue(k->session, obj, &a, 1) != CKR_OK)
    return -1;
  if (a.ulValueLen == 34 && point[0] == 0x04 && point[1] == 32)
    memcpy(pub, point + 2, 32);
  else if (a.ulValueLen == 32)
    memcpy(pub, point, 32);
  else
    return -1;
  return 0;
}

int
p11_key_sign(p11_key_t *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
  CK_MECHANISM mech = {CKM_EDDSA, NULL, 0};
  CK_ULONG siglen = 64;
  if (k->f->C_SignInit(k->session, &mech, k->priv) != CKR_OK)
    return -1;
  CK_RV rv = k->f->C_Sign(k->session, (CK_BYTE_PTR)msg, len, sig, &siglen);
  return rv == CKR_OK && siglen == 64 ? 0 : -1;
}

/* Whether <sig> over <msg> verifies under <pub>. */
static int
verifies(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64])
{
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = pk && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
           EVP_DigestVerify(md, sig, 64, msg, len) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pk);
  return ok;
}

p11_key_t *
p11_key_open(const char *uri, uint8_t pub[32], char *err, size_t errlen)
{
  p11_uri_t u;
  char pin[256] = "";
  if (uri_parse(uri, &u, err, errlen) != 0)
    return NULL;
  if (u.pin_file[0] && read_pin(u.pin_file, pin, sizeof pin) != 0) {
    snprintf(err, errlen, "signing key %s: cannot read a PIN from %s", uri, u.pin_file);
    return NULL;
  }
  p11_key_t *k = calloc(1, sizeof *k);
  if (!k) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  CK_C_GetFunctionList get = NULL;
  if (!(k->lib = dlopen(u.module, RTLD_NOW | RTLD_LOCAL))) {
    snprintf(err, errlen, "signing key %s: cannot load the PKCS#11 module %s", uri, u.module);
    goto fail;
  }
  *(void **)&get = dlsym(k->lib, "C_GetFunctionList");
  if (!get || get(&k->f) != CKR_OK || !k->f) {
    snprintf(err, errlen, "signing key %s: %s is not a PKCS#11 module", uri, u.module);
    goto fail;
  }
  CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
  CK_RV rv = k->f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    snprintf(err, errlen, "signing key %s: the PKCS#11 module did not start (CKR 0x%lx)", uri,
             (unsigned long)rv);
    goto fail;
  }
  k->initialized = rv == CKR_OK;

  /* the slot whose token carries the label */
  CK_SLOT_ID slots[64];
  CK_ULONG nslots = 64;
  if (k->f->C_GetSlotList(CK_TRUE, slots, &nslots) != CKR_OK)
    nslots = 0;
  int found = 0;
  CK_SLOT_ID slot = 0;
  for (CK_ULONG i = 0; i < nslots && i < 64; i++) {
    CK_TOKEN_INFO ti;
    if (k->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
      continue;
    size_t n = sizeof ti.label; /* blank-padded, not NUL-terminated */
    while (n > 0 && ti.label[n - 1] == ' ')
      n--;
    if (n == strlen(u.token) && memcmp(ti.label, u.token, n) == 0) {
      slot = slots[i];
      found = 1;
      break;
    }
  }
  if (!found) {
    snprintf(err, errlen, "signing key %s: no token labelled %s in %s", uri, u.token, u.module);
    goto fail;
  }
  if (k->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &k->session) != CKR_OK) {
    snprintf(err, errlen, "signing key %s: cannot open a session with token %s", uri, u.token);
    goto fail;
  }
  k->has_session = 1;
  rv = k->f->C_Login(k->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    snprintf(err, errlen, "signing key %s: the token refused the PIN from %s (CKR 0x%lx)", uri,
             u.pin_file[0] ? u.pin_file : "(none)", (unsigned long)rv);
    goto fail;
  }
  CK_OBJECT_HANDLE pubobj;
  if (find_object(k, CKO_PRIVATE_KEY, u.object, &k->priv) != 0 ||
      find_object(k, CKO_PUBLIC_KEY, u.object, &pubobj) != 0 || read_public(k, pubobj, pub) != 0) {
    snprintf(err, errlen,
             "signing key %s: token %s holds no single Ed25519 key pair labelled %s", uri, u.token,
             u.object);
    goto fail;
  }
  /* the private and the public object belong together: sign and check once */
  static const uint8_t probe[] = "till: is this the key pair?";
  uint8_t sig[64];
  if (p11_key_sign(k, probe, sizeof probe, sig) != 0 || !verifies(pub, probe, sizeof probe, sig)) {
    snprintf(err, errlen,
             "signing key %s: the token's key %s does not sign with CKM_EDDSA under its own "
             "public key",
             uri, u.object);
    goto fail;
  }
  memset(pin, 0, sizeof pin);
  return k;
 fail:
  memset(pin, 0, sizeof pin);
  p11_key_close(k);
  return NULL;
}

void
p11_key_close(p11_key_t *k)
{
  if (!k)
    return;
  if (k->has_session)
    k->f->C_CloseSession(k->session);
  if (k->initialized)
    k->f->C_Finalize(NULL);
  /* the module stays mapped (one per process, for its life): unmapped,
   * whatever it still holds becomes unreachable and its frames nameless
   * to the sanitizers (tests/integ/lsan-softhsm2.supp) */
  free(k);
}
