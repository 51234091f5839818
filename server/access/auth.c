/* auth.c -- passwords, lock-out, sessions and terminals; see auth.h. */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "request.h"
#include "till_log.h"
#include "till_util.h"
#include "till_wire.h"

#define TOKEN_BYTES 32

int
auth_parse_roles(const char *s, unsigned *out)
{
  unsigned roles = 0;
  char buf[128];
  if (!s || strlen(s) >= sizeof buf)
    return -1;
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int role = till_role_from_name(tok);
    if (!role)
      return -1;
    roles |= TILL_ROLE_BIT(role);
  }
  if (!roles)
    return -1;
  *out = roles;
  return 0;
}

static int
scrypt_hash(const char *password, const uint8_t *salt, size_t salt_len, uint64_t n, uint64_t r,
            uint64_t p, uint8_t *out, size_t out_len)
{
  /* maxmem: 128 * r * N plus slack */
  uint64_t maxmem = 128 * r * n + 1024 * 1024;
  return EVP_PBE_scrypt(password, strlen(password), salt, salt_len, n, r, p, maxmem, out,
                        out_len) == 1 ? 0 : -1;
}

int
auth_hash_password(const char *password, uint8_t salt[AUTH_SALT_LEN],
                   uint8_t hash[AUTH_HASH_LEN], char params[AUTH_PARAMS_MAX])
{
  if (till_random(salt, AUTH_SALT_LEN) != 0)
    return -1;
  if (scrypt_hash(password, salt, AUTH_SALT_LEN, AUTH_SCRYPT_N, AUTH_SCRYPT_R, AUTH_SCRYPT_P,
                  hash, AUTH_HASH_LEN) != 0)
    return -1;
  snprintf(params, AUTH_PARAMS_MAX, "scrypt:N=%d,r=%d,p=%d", AUTH_SCRYPT_N, AUTH_SCRYPT_R,
           AUTH_SCRYPT_P);
  return 0;
}

int
auth_password_matches(const char *password, const void *salt, size_t salt_len,
                      const void *hash, size_t hash_len, const char *params)
{
  unsigned long n, r, p;
  uint8_t got[AUTH_HASH_LEN];
  if (!params || sscanf(params, "scrypt:N=%lu,r=%lu,p=%lu", &n, &r, &p) != 3)
    return 0;
  if (hash_len != AUTH_HASH_LEN || n < 2 || n > (1ul << 20) || r < 1 || r > 32 || p < 1 || p > 16)
    return 0;
  if (scrypt_hash(password, salt, salt_len, n, r, p, got, sizeof got) != 0)
    return 0;
  return CRYPTO_memcmp(got, hash, AUTH_HASH_LEN) == 0;
}

static void
token_hash(const uint8_t token[TOKEN_BYTES], uint8_t out[SHA256_DIGEST_LENGTH])
{
  SHA256(token, TOKEN_BYTES, out);
}

till_status_t
auth_user_create(store_conn_t *sc, const char *name, const char *password, unsigned roles,
                 int64_t *user_id)
{
  uint8_t salt[AUTH_SALT_LEN], hash[AUTH_HASH_LEN];
  char params[AUTH_PARAMS_MAX];
  if (auth_hash_password(password, salt, hash, params) != 0)
    return TILL_E_INTERNAL;
  return auth_user_create_hashed(sc, name, salt, hash, params, roles, user_id);
}

till_status_t
auth_user_create_hashed(store_conn_t *sc, const char *name, const uint8_t salt[AUTH_SALT_LEN],
                        const uint8_t hash[AUTH_HASH_LEN], const char *params, unsigned roles,
                        int64_t *user_id)
{
  static const char sql_user[] =
    "INSERT INTO users(name, pw_salt, pw_hash, pw_params, created_at) VALUES (?,?,?,?,?)";
  static const char sql_role[] = "INSERT INTO user_roles(user_id, role_id) VALUES (?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql_user);
  if (!st)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, salt, AUTH_SALT_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(st, 3, hash, AUTH_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, till_now());
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    return TILL_E_CONFLICT;
  if (rc != SQLITE_DONE) {
    log_warn(LD_AUTH, "adding user: %s", sqlite3_errmsg(sc->db));
    return TILL_E_INTERNAL;
  }
  int64_t id = sqlite3_last_insert_rowid(sc->db);
  for (int i = 1; i <= 4; i++) {
    if (!(roles & (1u << i)))
      continue;
    st = store_stmt(sc, sql_role);
    if (!st)
      return TILL_E_INTERNAL;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, i);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      return TILL_E_INTERNAL;
  }
  if (user_id)
    *user_id = id;
  return TILL_OK;
}

till_status_t
auth_user_roles(store_conn_t *sc, int64_t user_id, unsigned *roles)
{
  static const char sql[] = "SELECT role_id FROM user_roles WHERE user_id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return TILL_E_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  unsigned bits = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int role = sqlite3_column_int(st, 0);
    if (role >= 1 && role <= 4)
      bits |= 1u << role;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return TILL_E_INTERNAL;
  *roles = bits;
  return TILL_OK;
}

till_status_t
auth_terminal_create(store_conn_t *sc, const char *id, const char *description)
{
  static const char sql[] =
    "INSERT INTO terminals(id, description, created_at) VALUES (?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return TILL_E_INTERNAL;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, description ? description : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, till_now());
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
    return TILL_E_CONFLICT;
  return rc == SQLITE_DONE ? TILL_OK : TILL_E_INTERNAL;
}

till_status_t
auth_terminal_check(req_t *r, store_conn_t *sc, const char *terminal)
{
  static const char sql[] = "SELECT disabled FROM terminals WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int disabled = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) {
    req_security_event(r, "terminal_unknown", NULL, terminal, "certificate valid, terminal not registered");
    return req_fail(r, TILL_E_UNAUTH, "terminal %s is not registered", terminal);
  }
  if (rc != SQLITE_ROW)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  if (disabled) {
    req_security_event(r, "terminal_disabled", NULL, terminal, "connection refused");
    return req_fail(r, TILL_E_UNAUTH, "terminal %s is disabled", terminal);
  }
  return TILL_OK;
}

till_status_t
auth_session_check(req_t *r, store_conn_t *sc, const char *token_hex)
{
  static const char sql[] =
    "SELECT s.user_id, s.terminal_id, s.expires_at, s.ended_at, u.name, u.disabled, t.disabled "
    "FROM sessions s JOIN users u ON u.id = s.user_id JOIN terminals t ON t.id = s.terminal_id "
    "WHERE s.token_hash = ?";
  uint8_t token[TOKEN_BYTES], th[SHA256_DIGEST_LENGTH];
  if (!token_hex || !*token_hex)
    return req_fail(r, TILL_E_UNAUTH, "not logged in: run 'till login' first");
  if (till_hex_decode(token_hex, token, sizeof token) != 0)
    return req_fail(r, TILL_E_UNAUTH, "malformed session token; log in again");
  token_hash(token, th);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    req_security_event(r, "session_unknown", NULL, r->terminal, "unknown session token presented");
    return req_fail(r, TILL_E_UNAUTH, "session not recognised; log in again");
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  }
  int64_t user_id = sqlite3_column_int64(st, 0);
  char sess_terminal[TERMINAL_ID_MAX + 1];
  snprintf(sess_terminal, sizeof sess_terminal, "%s", (const char *)sqlite3_column_text(st, 1));
  int64_t expires = sqlite3_column_int64(st, 2);
  int ended = sqlite3_column_type(st, 3) != SQLITE_NULL;
  char user[USER_NAME_MAX + 1];
  snprintf(user, sizeof user, "%s", (const char *)sqlite3_column_text(st, 4));
  int user_disabled = sqlite3_column_int(st, 5);
  int term_disabled = sqlite3_column_int(st, 6);
  sqlite3_reset(st);

  if (strcmp(sess_terminal, r->terminal) != 0) {
    req_security_event(r, "session_foreign_terminal", user, r->terminal,
                            "token of a session opened on %s", sess_terminal);
    return req_fail(r, TILL_E_UNAUTH, "this session belongs to another terminal; log in here");
  }
  if (ended)
    return req_fail(r, TILL_E_UNAUTH, "session ended; log in again");
  if (expires <= till_now())
    return req_fail(r, TILL_E_UNAUTH, "session expired; log in again");
  if (user_disabled)
    return req_fail(r, TILL_E_UNAUTH, "user %s is disabled", user);
  if (term_disabled)
    return req_fail(r, TILL_E_UNAUTH, "terminal %s is disabled", r->terminal);
  unsigned roles;
  if (auth_user_roles(sc, user_id, &roles) != TILL_OK)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  r->actor.user_id = user_id;
  snprintf(r->actor.user, sizeof r->actor.user, "%s", user);
  snprintf(r->actor.terminal, sizeof r->actor.terminal, "%s", r->terminal);
  r->actor.roles = roles;
  r->actor.session_expires = expires;
  return TILL_OK;
}

Till__V1__SessionInfo *
auth_session_info(req_t *r)
{
  Till__V1__SessionInfo *si = req_alloc(r, sizeof *si);
  Till__V1__Role *roles = req_alloc(r, 4 * sizeof *roles);
  if (!si || !roles)
    return NULL;
  till__v1__session_info__init(si);
  si->user = req_strdup(r, r->actor.user);
  si->terminal_id = req_strdup(r, r->actor.terminal);
  si->expires_at = r->actor.session_expires;
  for (int i = 1; i <= 4; i++)
    if (r->actor.roles & (1u << i))
      roles[si->n_roles++] = till_wire_role(i);
  si->roles = roles;
  return si->user && si->terminal_id ? si : NULL;
}

/* ---- login: verify on a reader (slow KDF off the writer), commit on the writer */

typedef struct {
  int64_t user_id;     /* 0: no such user */
  int password_ok;
} login_state_t;

till_status_t
auth_handle_login_verify(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT id, pw_salt, pw_hash, pw_params FROM users WHERE name = ?";
  const Till__V1__LoginRequest *in = r->env->login_req;
  login_state_t *ls = req_alloc(r, sizeof *ls);
  if (!ls)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->scratch = ls;
  if (req_check_text(r, "user", in->user, USER_NAME_MAX, 0) != TILL_OK)
    return r->status;
  if (strlen(in->password) > AUTH_PASSWORD_MAX)
    return req_fail(r, TILL_E_INVALID, "password longer than %d bytes", AUTH_PASSWORD_MAX);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->user, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    ls->user_id = sqlite3_column_int64(st, 0);
    ls->password_ok = auth_password_matches(
      in->password, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
      sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
      (const char *)sqlite3_column_text(st, 3));
  } else if (rc == SQLITE_DONE) {
    /* spend the same time as for a real user so names cannot be probed */
    uint8_t salt[AUTH_SALT_LEN] = {0}, dummy[AUTH_HASH_LEN];
    scrypt_hash(in->password, salt, sizeof salt, AUTH_SCRYPT_N, AUTH_SCRYPT_R, AUTH_SCRYPT_P,
                dummy, sizeof dummy);
  } else {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  }
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
auth_handle_login_commit(req_t *r, store_conn_t *sc)
{
  static const char sql_user[] =
    "SELECT disabled, failed_count, failed_since, locked_until FROM users WHERE id = ?";
  static const char sql_fail[] =
    "UPDATE users SET failed_count = ?, failed_since = ?, locked_until = ? WHERE id = ?";
  static const char sql_ok[] =
    "UPDATE users SET failed_count = 0, failed_since = 0, locked_until = 0 WHERE id = ?";
  static const char sql_sess[] =
    "INSERT INTO sessions(token_hash, user_id, terminal_id, created_at, expires_at) "
    "VALUES (?,?,?,?,?)";
  const config_t *cfg = req_config(r);
  const char *name = r->env->login_req->user;
  login_state_t *ls = r->scratch;
  int64_t now = till_now();

  /* Failures must be recorded even though the response is an error. */
  r->keep_writes = 1;
  if (ls->user_id == 0) {
    req_security_event(r, "login_failed", name, r->terminal, "unknown user");
    return req_fail(r, TILL_E_UNAUTH, "wrong user name or password");
  }
  sqlite3_stmt *st = store_stmt(sc, sql_user);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ls->user_id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_UNAUTH, "wrong user name or password");
  }
  int disabled = sqlite3_column_int(st, 0);
  int64_t failed = sqlite3_column_int64(st, 1);
  int64_t since = sqlite3_column_int64(st, 2);
  int64_t locked_until = sqlite3_column_int64(st, 3);
  sqlite3_reset(st);

  if (locked_until > now) {
    req_security_event(r, "login_while_locked", name, r->terminal, "attempt during lock-out");
    return req_fail(r, TILL_E_PRECONDITION,
                    "user %s is locked out after repeated failures; try again in %lld s",
                    name, (long long)(locked_until - now));
  }
  if (!ls->password_ok) {
    if (since == 0 || now - since > cfg->lockout_window) {
      failed = 0;
      since = now;
    }
    failed++;
    int64_t lock = 0;
    if (failed >= cfg->lockout_failures) {
      lock = now + cfg->lockout_duration;
      req_security_event(r, "user_locked_out", name, r->terminal, "%lld failures within %d s",
                              (long long)failed, cfg->lockout_window);
    } else {
      req_security_event(r, "login_failed", name, r->terminal, "wrong password (%lld)",
                              (long long)failed);
    }
    st = store_stmt(sc, sql_fail);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, lock ? 0 : failed);
    sqlite3_bind_int64(st, 2, lock ? 0 : since);
    sqlite3_bind_int64(st, 3, lock);
    sqlite3_bind_int64(st, 4, ls->user_id);
    if (sqlite3_step(st) != SQLITE_DONE)
      log_warn(LD_AUTH, "recording failed login: %s", sqlite3_errmsg(sc->db));
    sqlite3_reset(st);
    if (lock)
      return req_fail(r, TILL_E_PRECONDITION,
                      "too many failed attempts: user %s is locked out for %d s", name,
                      cfg->lockout_duration);
    return req_fail(r, TILL_E_UNAUTH, "wrong user name or password");
  }
  if (disabled) {
    req_security_event(r, "login_disabled_user", name, r->terminal, "disabled user tried to log in");
    return req_fail(r, TILL_E_UNAUTH, "user %s is disabled", name);
  }
  r->keep_writes = 0;

  uint8_t token[TOKEN_BYTES], th[SHA256_DIGEST_LENGTH];
  if (till_random(token, sizeof token) != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  token_hash(token, th);
  st = store_stmt(sc, sql_ok);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ls->user_id);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  st = store_stmt(sc, sql_sess);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int64_t expires = now + cfg->session_ttl;
  sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, ls->user_id);
  sqlite3_bind_text(st, 3, r->terminal, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  sqlite3_bind_int64(st, 5, expires);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");

  unsigned roles;
  if (auth_user_roles(sc, ls->user_id, &roles) != TILL_OK)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  r->actor.user_id = ls->user_id;
  snprintf(r->actor.user, sizeof r->actor.user, "%s", name);
  snprintf(r->actor.terminal, sizeof r->actor.terminal, "%s", r->terminal);
  r->actor.roles = roles;
  r->actor.session_expires = expires;

  Till__V1__LoginResponse *resp = req_alloc(r, sizeof *resp);
  char *hex = req_alloc(r, 2 * TOKEN_BYTES + 1);
  if (!resp || !hex)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__login_response__init(resp);
  till_hex_encode(token, sizeof token, hex);
  resp->token = hex;
  resp->session = auth_session_info(r);
  if (!resp->session)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_LOGIN_RESP;
  r->resp.login_resp = resp;
  req_security_event(r, "login_ok", name, r->terminal, "session opened");
  return TILL_OK;
}

till_status_t
auth_handle_logout(req_t *r, store_conn_t *sc)
{
  static const char sql[] = "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL";
  uint8_t token[TOKEN_BYTES], th[SHA256_DIGEST_LENGTH];
  if (till_hex_decode(r->env->session, token, sizeof token) != 0)
    return req_fail(r, TILL_E_UNAUTH, "malformed session token");
  token_hash(token, th);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, till_now());
  sqlite3_bind_blob(st, 2, th, sizeof th, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  Till__V1__LogoutResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__logout_response__init(resp);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_LOGOUT_RESP;
  r->resp.logout_resp = resp;
  req_security_event(r, "logout", r->actor.user, r->terminal, "session ended");
  return TILL_OK;
}

till_status_t
auth_handle_whoami(req_t *r, store_conn_t *sc)
{
  (void)sc;
  Till__V1__WhoamiResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__whoami_response__init(resp);
  resp->session = auth_session_info(r);
  if (!resp->session)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_WHOAMI_RESP;
  r->resp.whoami_resp = resp;
  return TILL_OK;
}
