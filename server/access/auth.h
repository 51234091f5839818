/* auth.h -- who is asking: passwords, lock-out, sessions, terminals.
 *
 * Passwords and PINs are hashed with scrypt (OpenSSL EVP_PBE_scrypt) with a
 * per-user random salt; the parameters are stored with each hash so the cost
 * can be raised later. Session tokens are 32 random bytes shown to the client
 * as hex; the database keeps only their SHA-256, so a copy of the database
 * does not let anyone in. A session is bound to the terminal (client
 * certificate) that opened it. */
#ifndef TILLD_AUTH_H
#define TILLD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "store.h"

#define AUTH_SALT_LEN 16
#define AUTH_HASH_LEN 32
#define AUTH_PASSWORD_MIN 4
#define AUTH_PASSWORD_MAX 128
#define AUTH_PARAMS_MAX 64

/* scrypt cost: N = 2^15, r = 8, p = 1 -- 32 MiB and roughly 0.1 s per hash on
 * the reference machine (docs/operations.md). */
#define AUTH_SCRYPT_N 32768
#define AUTH_SCRYPT_R 8
#define AUTH_SCRYPT_P 1

/* Hash <password> with a fresh salt. 0 or -1. */
int auth_hash_password(const char *password, uint8_t salt[AUTH_SALT_LEN] /* OUT */,
                       uint8_t hash[AUTH_HASH_LEN] /* OUT */, char params[AUTH_PARAMS_MAX] /* OUT */);

/* 1 if <password> matches; 0 if not or on any error. Constant-time compare. */
int auth_password_matches(const char *password, const void *salt, size_t salt_len,
                          const void *hash, size_t hash_len, const char *params);

/* Parse "cashier,supervisor" into a role bit set. 0 or -1. */
int auth_parse_roles(const char *s, unsigned *out /* OUT */);

/* Create a user directly (bootstrap and admin handler). <roles> is a bit set.
 * Returns TILL_OK, TILL_E_CONFLICT if the name exists, TILL_E_INTERNAL. */
till_status_t auth_user_create(store_conn_t *sc, const char *name, const char *password,
                               unsigned roles, int64_t *user_id /* OUT */);

/* The same with a hash made earlier (on a reader thread, so the slow KDF
 * never runs on the writer). */
till_status_t auth_user_create_hashed(store_conn_t *sc, const char *name,
                                      const uint8_t salt[AUTH_SALT_LEN],
                                      const uint8_t hash[AUTH_HASH_LEN], const char *params,
                                      unsigned roles, int64_t *user_id /* OUT */);

/* Load the roles of <user_id> as a bit set. */
till_status_t auth_user_roles(store_conn_t *sc, int64_t user_id, unsigned *roles /* OUT */);

/* Insert a terminal. TILL_E_CONFLICT if it exists. */
till_status_t auth_terminal_create(store_conn_t *sc, const char *id, const char *description);

/* Is <terminal> registered and enabled? Records the failure in <r>. */
till_status_t auth_terminal_check(req_t *r, store_conn_t *sc, const char *terminal);

/* Validate <token> for the request's terminal and fill r->actor. Records the
 * failure in <r> (UNAUTHENTICATED) and a security event where it matters. */
till_status_t auth_session_check(req_t *r, store_conn_t *sc, const char *token);

/* Handlers (see dispatch.c for roles). */
till_status_t auth_handle_login_verify(req_t *r, store_conn_t *sc);
till_status_t auth_handle_login_commit(req_t *r, store_conn_t *sc);
till_status_t auth_handle_logout(req_t *r, store_conn_t *sc);
till_status_t auth_handle_whoami(req_t *r, store_conn_t *sc);

/* Fill a SessionInfo from r->actor, in r's arena. NULL on out of memory. */
Till__V1__SessionInfo *auth_session_info(req_t *r);

#endif
