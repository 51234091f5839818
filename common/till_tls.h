/* till_tls.h -- OpenSSL context set-up for both sides, and error draining.
 *
 * Mutual TLS is mandatory: the server requires and verifies a client
 * certificate; the client verifies the server against its CA. TLS 1.3 is the
 * minimum unless the server is configured to allow 1.2. */
#ifndef TILL_TLS_H
#define TILL_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "till_log.h"

/* Log and clear OpenSSL's error queue, prefixed with what we were doing. */
void till_tls_log_errors(till_log_level_t lvl, const char *doing);

/* Same, but into a buffer (for messages shown to a user). */
void till_tls_errors_to(char *buf, size_t len);

/* Server context: <cert>/<key> are the server's, <ca> verifies clients,
 * <crl> (may be NULL) is checked for revoked client certificates.
 * <min_version> is TLS1_2_VERSION or TLS1_3_VERSION. NULL on failure
 * (errors logged). */
SSL_CTX *till_tls_server_ctx(const char *cert, const char *key, const char *ca,
                             const char *crl, int min_version);

/* Client context: terminal certificate and key, and the CA that signed the
 * server. The caller still sets the host name to verify on each SSL.
 * NULL on failure, with the reason in err. */
SSL_CTX *till_tls_client_ctx(const char *cert, const char *key, const char *ca,
                             char *err, size_t errlen);

/* The verified peer certificate's subject CN into buf. 0, or -1 if there is
 * no certificate, no CN, or it does not fit. */
int till_tls_peer_cn(SSL *ssl, char *buf, size_t len);

#endif
