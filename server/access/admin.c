/* admin.c -- user and terminal administration; see admin.h. */
#include "admin.h"

#include <string.h>

#include "auth.h"
#include "request.h"
#include "till_log.h"
#include "till_util.h"
#include "till_wire.h"

#define ADMIN_LIST_MAX 10000
#define DESCRIPTION_MAX 200

static const char sql_user_get[] =
  "SELECT id, name, disabled, created_at, locked_until FROM users WHERE name = ?";
static const char sql_users[] =
  "SELECT id, name, disabled, created_at, locked_until FROM users ORDER BY name LIMIT ?";
static const char sql_term_get[] =
  "SELECT id, description, disabled, created_at FROM terminals WHERE id = ?";
static const char sql_terms[] =
  "SELECT id, description, disabled, created_at FROM terminals ORDER BY id LIMIT ?";

/* A User message from the current row of one of the user queries; NULL
 * when out of memory, or with the failure recorded on <r> when the roles
 * cannot be read. */
static Till__V1__User *
user_from_row(req_t *r, store_conn_t *sc, sqlite3_stmt *st)
{
  Till__V1__User *u = req_alloc(r, sizeof *u);
  Till__V1__Role *roles = req_alloc(r, 4 * sizeof *roles);
  if (!u || !roles)
    return NULL;
  till__v1__user__init(u);
  u->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  u->disabled = sqlite3_column_int(st, 2) != 0;
  u->created_at = sqlite3_column_int64(st, 3);
  int64_t locked = sqlite3_column_int64(st, 4);
  u->locked_until = locked > till_now() ? locked : 0;
  unsigned bits = 0;
  if (auth_user_roles(sc, sqlite3_column_int64(st, 0), &bits) != TILL_OK) {
    req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
    return NULL;
  }
  for (int i = 1; i <= 4; i++)
    if (bits & (1u << i))
      roles[u->n_roles++] = till_wire_role(i);
  u->roles = roles;
  return u->name ? u : NULL;
}

static Till__V1__Terminal *
terminal_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__Terminal *t = req_alloc(r, sizeof *t);
  if (!t)
    return NULL;
  till__v1__terminal__init(t);
  t->id = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  t->description = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  t->disabled = sqlite3_column_int(st, 2) != 0;
  t->created_at = sqlite3_column_int64(st, 3);
  return t->id && t->description ? t : NULL;
}

static till_status_t
load_user(req_t *r, store_conn_t *sc, const char *name, Till__V1__User **out)
{
  sqlite3_stmt *st = store_stmt(sc, sql_user_get);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no user named %s", name) != TILL_OK)
    return r->status;
  /* copy out before the role query reuses the connection */
  Till__V1__User *u = user_from_row(r, sc, st);
  sqlite3_reset(st);
  if (!u)
    return r->status != TILL_OK ? r->status : req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = u;
  return TILL_OK;
}

static till_status_t
load_terminal(req_t *r, store_conn_t *sc, const char *id, Till__V1__Terminal **out)
{
  sqlite3_stmt *st = store_stmt(sc, sql_term_get);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "no terminal %s", id) != TILL_OK)
    return r->status;
  Till__V1__Terminal *t = terminal_from_row(r, st);
  sqlite3_reset(st);
  if (!t)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = t;
  return TILL_OK;
}

/* What the reader phase of user add hands to the writer phase. */
typedef struct {
  unsigned roles;
  uint8_t salt[AUTH_SALT_LEN];
  uint8_t hash[AUTH_HASH_LEN];
  char params[AUTH_PARAMS_MAX];
} user_add_state_t;

till_status_t
admin_handle_user_add_prepare(req_t *r, store_conn_t *sc)
{
  (void)sc;
  const Till__V1__UserAddRequest *in = r->env->user_add_req;
  if (!till_ident_ok(in->name, USER_NAME_MAX))
    return req_fail(r, TILL_E_INVALID,
                    "user name must be 1-%d characters from A-Z a-z 0-9 . _ -", USER_NAME_MAX);
  size_t pl = strlen(in->password);
  if (pl < AUTH_PASSWORD_MIN || pl > AUTH_PASSWORD_MAX)
    return req_fail(r, TILL_E_INVALID, "password must be %d to %d bytes", AUTH_PASSWORD_MIN,
                    AUTH_PASSWORD_MAX);
  unsigned roles = 0;
  for (size_t i = 0; i < in->n_roles; i++) {
    int role = (int)in->roles[i];
    if (role < 1 || role > 4)
      return req_fail(r, TILL_E_INVALID, "unknown role %d", role);
    roles |= 1u << role;
  }
  if (!roles)
    return req_fail(r, TILL_E_INVALID, "a user needs at least one role");
  user_add_state_t *us = req_alloc(r, sizeof *us);
  if (!us)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  us->roles = roles;
  if (auth_hash_password(in->password, us->salt, us->hash, us->params) != 0)
    return req_fail(r, TILL_E_INTERNAL, "could not hash the password");
  r->scratch = us;
  return TILL_OK;
}

till_status_t
admin_handle_user_add(req_t *r, store_conn_t *sc)
{
  const Till__V1__UserAddRequest *in = r->env->user_add_req;
  const user_add_state_t *us = r->scratch;
  till_status_t st = auth_user_create_hashed(sc, in->name, us->salt, us->hash, us->params,
                                             us->roles, NULL);
  if (st == TILL_E_CONFLICT)
    return req_fail(r, st, "user %s already exists", in->name);
  if (st != TILL_OK)
    return req_fail(r, st, "could not add user");
  Till__V1__UserAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__user_add_response__init(resp);
  if (load_user(r, sc, in->name, &resp->user) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_USER_ADD_RESP;
  r->resp.user_add_resp = resp;
  req_security_event(r, "user_added", r->actor.user, r->terminal, "added user %s", in->name);
  return TILL_OK;
}

/* The users as they are read (<sc> for each one's roles). */
typedef struct {
  store_conn_t *sc;
  Till__V1__User **v;
  size_t n, cap;
} users_acc_t;

static till_status_t
user_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  users_acc_t *acc = arg;
  if (acc->n == acc->cap) { /* double the arena array */
    Till__V1__User **bigger = req_alloc(r, 2 * acc->cap * sizeof *bigger);
    if (!bigger)
      return TILL_E_INTERNAL;
    memcpy(bigger, acc->v, acc->cap * sizeof *bigger);
    acc->v = bigger;
    acc->cap *= 2;
  }
  Till__V1__User *u = user_from_row(r, acc->sc, st);
  if (!u)
    return TILL_E_INTERNAL;
  acc->v[acc->n++] = u;
  return TILL_OK;
}

typedef struct {
  Till__V1__Terminal **v;
  size_t n, cap;
} terms_acc_t;

static till_status_t
terminal_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  terms_acc_t *acc = arg;
  if (acc->n == acc->cap) {
    Till__V1__Terminal **bigger = req_alloc(r, 2 * acc->cap * sizeof *bigger);
    if (!bigger)
      return TILL_E_INTERNAL;
    memcpy(bigger, acc->v, acc->cap * sizeof *bigger);
    acc->v = bigger;
    acc->cap *= 2;
  }
  Till__V1__Terminal *t = terminal_from_row(r, st);
  if (!t)
    return TILL_E_INTERNAL;
  acc->v[acc->n++] = t;
  return TILL_OK;
}

till_status_t
admin_handle_user_list(req_t *r, store_conn_t *sc)
{
  Till__V1__UserListResponse *resp = req_alloc(r, sizeof *resp);
  users_acc_t g = {sc, req_alloc(r, 64 * sizeof *g.v), 0, 64};
  if (!resp || !g.v)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__user_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_users);
  if (st)
    sqlite3_bind_int(st, 1, ADMIN_LIST_MAX);
  if (req_rows(r, st, ADMIN_LIST_MAX, user_row, &g, NULL) != TILL_OK)
    return r->status;
  resp->users = g.v;
  resp->n_users = g.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_USER_LIST_RESP;
  r->resp.user_list_resp = resp;
  return TILL_OK;
}

till_status_t
admin_handle_user_disable(req_t *r, store_conn_t *sc)
{
  static const char sql[] = "UPDATE users SET disabled = 1 WHERE name = ?";
  static const char sql_end[] =
    "UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND user_id = "
    "(SELECT id FROM users WHERE name = ?)";
  const char *name = r->env->user_disable_req->name;
  if (!till_ident_ok(name, USER_NAME_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid user name");
  if (strcmp(name, r->actor.user) == 0)
    return req_fail(r, TILL_E_PRECONDITION, "you cannot disable yourself");
  Till__V1__UserDisableResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__user_disable_response__init(resp);
  if (load_user(r, sc, name, &resp->user) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  st = store_stmt(sc, sql_end);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, till_now());
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  resp->user->disabled = 1;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_USER_DISABLE_RESP;
  r->resp.user_disable_resp = resp;
  req_security_event(r, "user_disabled", r->actor.user, r->terminal, "disabled user %s", name);
  return TILL_OK;
}

till_status_t
admin_handle_terminal_add(req_t *r, store_conn_t *sc)
{
  const Till__V1__TerminalAddRequest *in = r->env->terminal_add_req;
  if (!till_ident_ok(in->id, TERMINAL_ID_MAX))
    return req_fail(r, TILL_E_INVALID,
                    "terminal id must be 1-%d characters from A-Z a-z 0-9 . _ -", TERMINAL_ID_MAX);
  if (req_check_text(r, "description", in->description, DESCRIPTION_MAX, 1) != TILL_OK)
    return r->status;
  till_status_t st = auth_terminal_create(sc, in->id, in->description);
  if (st == TILL_E_CONFLICT)
    return req_fail(r, st, "terminal %s already exists", in->id);
  if (st != TILL_OK)
    return req_fail(r, st, "could not add terminal");
  Till__V1__TerminalAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__terminal_add_response__init(resp);
  if (load_terminal(r, sc, in->id, &resp->terminal) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_ADD_RESP;
  r->resp.terminal_add_resp = resp;
  req_security_event(r, "terminal_added", r->actor.user, r->terminal, "added terminal %s", in->id);
  return TILL_OK;
}

till_status_t
admin_handle_terminal_list(req_t *r, store_conn_t *sc)
{
  Till__V1__TerminalListResponse *resp = req_alloc(r, sizeof *resp);
  terms_acc_t g = {req_alloc(r, 64 * sizeof *g.v), 0, 64};
  if (!resp || !g.v)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__terminal_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, sql_terms);
  if (st)
    sqlite3_bind_int(st, 1, ADMIN_LIST_MAX);
  if (req_rows(r, st, ADMIN_LIST_MAX, terminal_row, &g, NULL) != TILL_OK)
    return r->status;
  resp->terminals = g.v;
  resp->n_terminals = g.n;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_LIST_RESP;
  r->resp.terminal_list_resp = resp;
  return TILL_OK;
}

till_status_t
admin_handle_terminal_disable(req_t *r, store_conn_t *sc)
{
  static const char sql[] = "UPDATE terminals SET disabled = 1 WHERE id = ?";
  const char *id = r->env->terminal_disable_req->id;
  if (!till_ident_ok(id, TERMINAL_ID_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid terminal id");
  if (strcmp(id, r->terminal) == 0)
    return req_fail(r, TILL_E_PRECONDITION, "you cannot disable the terminal you are using");
  Till__V1__TerminalDisableResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__terminal_disable_response__init(resp);
  if (load_terminal(r, sc, id, &resp->terminal) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  resp->terminal->disabled = 1;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_DISABLE_RESP;
  r->resp.terminal_disable_resp = resp;
  req_security_event(r, "terminal_disabled", r->actor.user, r->terminal, "disabled terminal %s", id);
  return TILL_OK;
}

/* ---- lifting a restriction: unlock, enable ---------------------------------
 *
 * Each answers the object as it now is and records a security event naming
 * the admin (user) and the object (detail). Lifting a restriction that is
 * not there is refused (FAILED_PRECONDITION) and writes nothing: it is
 * most likely the wrong name, and the admin should know. */

/* Run <sql> with ?1 = <a> (text) and ?2 = <b> (int64); TILL_OK when it
 * changed exactly one row, else the failure recorded on <r>. */
static till_status_t
update_one(req_t *r, store_conn_t *sc, const char *sql, const char *a, int64_t b)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, b);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  if (sqlite3_changes(sc->db) != 1)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return TILL_OK;
}

till_status_t
admin_handle_user_unlock(req_t *r, store_conn_t *sc)
{
  /* ?2 is the lock-out load_user saw, in the same transaction */
  static const char sql[] =
    "UPDATE users SET failed_count = 0, failed_since = 0, locked_until = 0"
    " WHERE name = ?1 AND locked_until = ?2";
  const char *name = r->env->user_unlock_req->name;
  if (!till_ident_ok(name, USER_NAME_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid user name");
  Till__V1__UserUnlockResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__user_unlock_response__init(resp);
  if (load_user(r, sc, name, &resp->user) != TILL_OK)
    return r->status;
  /* user_from_row shows locked_until only while it is in the future */
  if (resp->user->locked_until == 0)
    return req_fail(r, TILL_E_PRECONDITION, "user %s is not locked out", name);
  if (update_one(r, sc, sql, name, resp->user->locked_until) != TILL_OK)
    return r->status;
  resp->user->locked_until = 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_USER_UNLOCK_RESP;
  r->resp.user_unlock_resp = resp;
  req_security_event(r, "user_unlocked", r->actor.user, r->terminal, "unlocked user %s", name);
  return TILL_OK;
}

till_status_t
admin_handle_user_enable(req_t *r, store_conn_t *sc)
{
  static const char sql[] = "UPDATE users SET disabled = 0 WHERE name = ?1 AND disabled = ?2";
  const char *name = r->env->user_enable_req->name;
  if (!till_ident_ok(name, USER_NAME_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid user name");
  Till__V1__UserEnableResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__user_enable_response__init(resp);
  if (load_user(r, sc, name, &resp->user) != TILL_OK)
    return r->status;
  if (!resp->user->disabled)
    return req_fail(r, TILL_E_PRECONDITION, "user %s is not disabled", name);
  if (update_one(r, sc, sql, name, 1) != TILL_OK)
    return r->status;
  resp->user->disabled = 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_USER_ENABLE_RESP;
  r->resp.user_enable_resp = resp;
  req_security_event(r, "user_enabled", r->actor.user, r->terminal, "enabled user %s", name);
  return TILL_OK;
}

till_status_t
admin_handle_terminal_enable(req_t *r, store_conn_t *sc)
{
  static const char sql[] = "UPDATE terminals SET disabled = 0 WHERE id = ?1 AND disabled = ?2";
  static const char sql_end[] =
    "UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND terminal_id = ?";
  const char *id = r->env->terminal_enable_req->id;
  if (!till_ident_ok(id, TERMINAL_ID_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid terminal id");
  Till__V1__TerminalEnableResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__terminal_enable_response__init(resp);
  if (load_terminal(r, sc, id, &resp->terminal) != TILL_OK)
    return r->status;
  if (!resp->terminal->disabled)
    return req_fail(r, TILL_E_PRECONDITION, "terminal %s is not disabled", id);
  if (update_one(r, sc, sql, id, 1) != TILL_OK)
    return r->status;
  /* sessions opened before the disable stayed open, refused only by the
   * disable: a terminal comes back with nobody logged in */
  sqlite3_stmt *st = store_stmt(sc, sql_end);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, till_now());
  sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  resp->terminal->disabled = 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_ENABLE_RESP;
  r->resp.terminal_enable_resp = resp;
  req_security_event(r, "terminal_enabled", r->actor.user, r->terminal, "enabled terminal %s", id);
  return TILL_OK;
}
