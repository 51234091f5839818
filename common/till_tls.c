/* till_tls.c -- SSL_CTX set-up and error reporting; see till_tls.h. */
#include "till_tls.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

void
till_tls_log_errors(till_log_level_t lvl, const char *doing)
{
  unsigned long e;
  int any = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    till_log(lvl, LD_TLS, "%s: %s", doing, buf);
    any = 1;
  }
  if (!any)
    till_log(lvl, LD_TLS, "%s: failed (no OpenSSL error reported)", doing);
}

void
till_tls_errors_to(char *out, size_t len)
{
  unsigned long e;
  size_t used = 0;
  if (len == 0)
    return;
  out[0] = '\0';
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    int n = snprintf(out + used, len - used, "%s%s", used ? "; " : "", buf);
    if (n < 0 || (size_t)n >= len - used)
      break;
    used += (size_t)n;
  }
  ERR_clear_error();
}

static int
load_crl(SSL_CTX *ctx, const char *crl)
{
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
  if (!lookup || X509_load_crl_file(lookup, crl, X509_FILETYPE_PEM) <= 0)
    return -1;
  return X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK) == 1 ? 0 : -1;
}

#define TLS12_CIPHERS                                                                        \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
#define TLS_GROUPS "X25519:P-256:P-384"

SSL_CTX *
till_tls_server_ctx(const char *cert, const char *key, const char *ca, const char *crl,
                    int min_version)
{
  char doing[512];
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    till_tls_log_errors(LOG_ERR, "creating server TLS context");
    return NULL;
  }
  if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1) {
    till_tls_log_errors(LOG_ERR, "setting minimum TLS version");
    goto fail;
  }
  /* TLS 1.2 (only by configuration): forward-secret AEAD suites only. The
   * TLS 1.3 suites are all AEAD and are left at OpenSSL's defaults. */
  if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1) {
    till_tls_log_errors(LOG_ERR, "setting TLS 1.2 cipher suites");
    goto fail;
  }
  /* Cheap, strong groups only: a peer must not make the event loop spend
   * milliseconds on an ffdhe8192 key exchange before it has shown a
   * certificate. */
  if (SSL_CTX_set1_groups_list(ctx, TLS_GROUPS) != 1) {
    till_tls_log_errors(LOG_ERR, "setting key-exchange groups");
    goto fail;
  }
  snprintf(doing, sizeof doing, "loading server certificate %s", cert);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
    till_tls_log_errors(LOG_ERR, doing);
    goto fail;
  }
  snprintf(doing, sizeof doing, "loading server key %s", key);
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    till_tls_log_errors(LOG_ERR, doing);
    goto fail;
  }
  snprintf(doing, sizeof doing, "loading terminal CA %s", ca);
  if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
    till_tls_log_errors(LOG_ERR, doing);
    goto fail;
  }
  STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
  if (!names) {
    till_tls_log_errors(LOG_ERR, doing);
    goto fail;
  }
  SSL_CTX_set_client_CA_list(ctx, names);
  if (crl && *crl) {
    snprintf(doing, sizeof doing, "loading CRL %s", crl);
    if (load_crl(ctx, crl) != 0) {
      till_tls_log_errors(LOG_ERR, doing);
      goto fail;
    }
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_verify_depth(ctx, 4);
  /* No resumption: every connection presents and proves its certificate. */
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  return ctx;
 fail:
  SSL_CTX_free(ctx);
  return NULL;
}

SSL_CTX *
till_tls_client_ctx(const char *cert, const char *key, const char *ca, char *err,
                    size_t errlen)
{
  char why[512];
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    till_tls_errors_to(why, sizeof why);
    snprintf(err, errlen, "creating TLS context: %s", why);
    return NULL;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
    till_tls_errors_to(why, sizeof why);
    snprintf(err, errlen, "loading terminal certificate %s: %s", cert, why);
    goto fail;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    till_tls_errors_to(why, sizeof why);
    snprintf(err, errlen, "loading terminal key %s: %s", key, why);
    goto fail;
  }
  if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
    till_tls_errors_to(why, sizeof why);
    snprintf(err, errlen, "loading CA %s: %s", ca, why);
    goto fail;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  return ctx;
 fail:
  SSL_CTX_free(ctx);
  return NULL;
}

int
till_tls_peer_cn(SSL *ssl, char *buf, size_t len)
{
  int rc = -1;
  X509 *peer = SSL_get1_peer_certificate(ssl);
  if (!peer)
    return -1;
  if (SSL_get_verify_result(ssl) != X509_V_OK)
    goto done;
  X509_NAME *subj = X509_get_subject_name(peer);
  int idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
  if (idx < 0)
    goto done;
  /* Exactly one CN, so nobody can smuggle a second terminal id in. */
  if (X509_NAME_get_index_by_NID(subj, NID_commonName, idx) >= 0)
    goto done;
  ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx));
  const unsigned char *p = ASN1_STRING_get0_data(data);
  int n = ASN1_STRING_length(data);
  if (n <= 0 || (size_t)n >= len || memchr(p, '\0', (size_t)n))
    goto done;
  memcpy(buf, p, (size_t)n);
  buf[n] = '\0';
  rc = 0;
 done:
  X509_free(peer);
  return rc;
}
