/* web_session.c -- the browsers' sessions (each holds one Till session of
 * tilld's) and the calls to tilld; see web.h. */
#include "web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "i18n.h"
#include "till_log.h"
#include "till_status.h"
#include "till_util.h"

static int
random_hex(char out[WEB_TOKEN_HEX + 1])
{
  uint8_t raw[WEB_TOKEN_HEX / 2];
  if (till_random(raw, sizeof raw) != 0)
    return -1;
  till_hex_encode(raw, sizeof raw, out);
  return 0;
}

/* Under sess_lock. */
static void
slot_drop(web_sess_t *s)
{
  OPENSSL_cleanse(s, sizeof *s); /* used = 0 */
}

void
web_session_drop(web_t *w, const char *sid)
{
  if (!sid || strlen(sid) != WEB_TOKEN_HEX)
    return;
  pthread_mutex_lock(&w->sess_lock);
  for (size_t i = 0; i < WEB_SESS_MAX; i++) {
    web_sess_t *s = &w->sess[i];
    if (s->used && CRYPTO_memcmp(s->sid, sid, WEB_TOKEN_HEX) == 0)
      slot_drop(s);
  }
  pthread_mutex_unlock(&w->sess_lock);
}

void
web_session_clear(web_t *w)
{
  pthread_mutex_lock(&w->sess_lock);
  for (size_t i = 0; i < WEB_SESS_MAX; i++)
    slot_drop(&w->sess[i]);
  pthread_mutex_unlock(&w->sess_lock);
}

int
web_session_find(web_t *w, struct evhttp_request *req, web_sess_t *out)
{
  char sid[WEB_TOKEN_HEX + 1];
  int rc = -1;
  if (web_cookie(req, "till_sid", sid, sizeof sid) != 0 || strlen(sid) != WEB_TOKEN_HEX)
    return -1;
  int64_t now = (int64_t)time(NULL);
  pthread_mutex_lock(&w->sess_lock);
  for (size_t i = 0; i < WEB_SESS_MAX; i++) {
    web_sess_t *s = &w->sess[i];
    if (!s->used || CRYPTO_memcmp(s->sid, sid, WEB_TOKEN_HEX) != 0)
      continue;
    if (s->expires_at && s->expires_at <= now) {
      slot_drop(s); /* the Till session ended: so does the browser's */
      break;
    }
    *out = *s;
    rc = 0;
    break;
  }
  pthread_mutex_unlock(&w->sess_lock);
  return rc;
}

int
web_session_add(web_t *w, web_sess_t *s)
{
  int64_t now = (int64_t)time(NULL);
  if (random_hex(s->sid) != 0 || random_hex(s->csrf) != 0)
    return -1;
  s->used = 1;
  web_sess_t *free_slot = NULL;
  pthread_mutex_lock(&w->sess_lock);
  size_t max = w->sess_max > 0 && w->sess_max <= WEB_SESS_MAX ? (size_t)w->sess_max : WEB_SESS_MAX;
  for (size_t i = 0; i < max && !free_slot; i++) {
    web_sess_t *t = &w->sess[i];
    if (t->used && t->expires_at && t->expires_at <= now)
      slot_drop(t);
    if (!t->used)
      free_slot = t;
  }
  if (free_slot)
    *free_slot = *s;
  pthread_mutex_unlock(&w->sess_lock);
  return free_slot ? 0 : -1;
}

int
web_csrf_ok(wreq_t *wr)
{
  const char *got = web_form(wr, "csrf");
  return wr->sess && got && strlen(got) == WEB_TOKEN_HEX &&
         CRYPTO_memcmp(got, wr->sess->csrf, WEB_TOKEN_HEX) == 0;
}

/* ---- calls to tilld -------------------------------------------------------- */

/* On the worker's own connection <*conn> (opened when NULL). */
static Till__V1__Envelope *
send_once(const web_t *w, cconn_t **conn, Till__V1__Envelope *req, char *err, size_t errlen)
{
  if (!*conn && !(*conn = cconn_open(&w->upstream, err, errlen)))
    return NULL;
  Till__V1__Envelope *resp = cconn_call(*conn, req, err, errlen);
  if (!resp || resp->request_id == 0) {
    /* failed, or ended by the server: the next call opens a fresh one */
    cconn_close(*conn);
    *conn = NULL;
  }
  return resp;
}

static int
http_code_of(int code)
{
  switch (code) {
  case TILL_E_INVALID: return 400;
  case TILL_E_UNAUTH: return 401;
  case TILL_E_DENIED: return 403;
  case TILL_E_NOT_FOUND: return 404;
  case TILL_E_PRECONDITION:
  case TILL_E_CONFLICT: return 409;
  case TILL_E_EXHAUSTED: return 429;
  case TILL_E_UNAVAILABLE: return 503;
  default: return 500;
  }
}

static const char *
heading_of(int code)
{
  switch (code) {
  case TILL_E_INVALID: return _("Invalid request");
  case TILL_E_UNAUTH: return _("Not logged in");
  case TILL_E_DENIED: return _("Permission denied");
  case TILL_E_NOT_FOUND: return _("Not found");
  case TILL_E_PRECONDITION:
  case TILL_E_CONFLICT: return _("Refused");
  case TILL_E_UNAVAILABLE: return _("Try again later");
  default: return _("Server error");
  }
}

/* ---- webverify: a Till session no browser holds ---- */
void
web_till_logout(wreq_t *wr, const char *token)
{
  char err[512];
  Till__V1__LogoutRequest lr = TILL__V1__LOGOUT_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_LOGOUT_REQ;
  env.logout_req = &lr;
  env.session = (char *)token;
  Till__V1__Envelope *resp = send_once(wr->w, wr->conn, &env, err, sizeof err);
  if (!resp) /* a logout may be sent again: the session is ended at most once */
    resp = send_once(wr->w, wr->conn, &env, err, sizeof err);
  if (!resp)
    till_log(LOG_WARN, LD_NET, "tilld: logout of a refused login: %s", err);
  else if (resp->body_case != TILL__V1__ENVELOPE__BODY_LOGOUT_RESP)
    till_log(LOG_WARN, LD_NET, "tilld: logout of a refused login: %s",
             resp->error && resp->error->message ? resp->error->message : "unexpected answer");
  if (resp)
    till__v1__envelope__free_unpacked(resp, NULL);
}
/* ---- end of webverify ---- */

Till__V1__Envelope *
web_call(wreq_t *wr, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase expected,
         int retry_safe)
{
  char err[512], text[2048];
  req->session = wr->sess ? wr->sess->token : "";
  Till__V1__Envelope *resp = send_once(wr->w, wr->conn, req, err, sizeof err);
  if (!resp && retry_safe)
    resp = send_once(wr->w, wr->conn, req, err, sizeof err);
  if (!resp) {
    till_log(LOG_WARN, LD_NET, "tilld: %s", err);
    web_error(wr, 502, _("The ledger server cannot be reached"), err);
    return NULL;
  }
  if (resp->body_case == expected)
    return resp;
  if (resp->body_case == TILL__V1__ENVELOPE__BODY_ERROR && resp->error) {
    int code = (int)resp->error->code;
    const char *msg = i18n_server_message(resp->error->message ? resp->error->message : "", text,
                                          sizeof text);
    if (code == TILL_E_UNAUTH && wr->sess) {
      web_session_drop(wr->w, wr->sess->sid); /* the Till session ended or was revoked */
      wr->sess = NULL;
    }
    web_error(wr, http_code_of(code), heading_of(code), msg);
  } else {
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return NULL;
}
