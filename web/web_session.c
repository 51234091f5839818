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

void
web_session_drop(web_sess_t *s)
{
  if (s)
    OPENSSL_cleanse(s, sizeof *s); /* used = 0 */
}

web_sess_t *
web_session_find(web_t *w, struct evhttp_request *req)
{
  char sid[WEB_TOKEN_HEX + 1];
  if (web_cookie(req, "till_sid", sid, sizeof sid) != 0 || strlen(sid) != WEB_TOKEN_HEX)
    return NULL;
  int64_t now = (int64_t)time(NULL);
  for (size_t i = 0; i < WEB_SESS_MAX; i++) {
    web_sess_t *s = &w->sess[i];
    if (!s->used || CRYPTO_memcmp(s->sid, sid, WEB_TOKEN_HEX) != 0)
      continue;
    if (s->expires_at && s->expires_at <= now) {
      web_session_drop(s); /* the Till session ended: so does the browser's */
      return NULL;
    }
    return s;
  }
  return NULL;
}

web_sess_t *
web_session_new(web_t *w)
{
  int64_t now = (int64_t)time(NULL);
  web_sess_t *free_slot = NULL;
  for (size_t i = 0; i < WEB_SESS_MAX && !free_slot; i++) {
    web_sess_t *s = &w->sess[i];
    if (s->used && s->expires_at && s->expires_at <= now)
      web_session_drop(s);
    if (!s->used)
      free_slot = s;
  }
  if (!free_slot)
    return NULL;
  memset(free_slot, 0, sizeof *free_slot);
  if (random_hex(free_slot->sid) != 0 || random_hex(free_slot->csrf) != 0)
    return NULL;
  free_slot->used = 1;
  return free_slot;
}

int
web_csrf_ok(wreq_t *wr)
{
  const char *got = web_form(wr, "csrf");
  return wr->sess && got && strlen(got) == WEB_TOKEN_HEX &&
         CRYPTO_memcmp(got, wr->sess->csrf, WEB_TOKEN_HEX) == 0;
}

/* ---- calls to tilld -------------------------------------------------------- */

static Till__V1__Envelope *
send_once(web_t *w, Till__V1__Envelope *req, char *err, size_t errlen)
{
  if (!w->conn && !(w->conn = cconn_open(&w->upstream, err, errlen)))
    return NULL;
  Till__V1__Envelope *resp = cconn_call(w->conn, req, err, errlen);
  if (!resp || resp->request_id == 0) {
    /* failed, or ended by the server: the next call opens a fresh one */
    cconn_close(w->conn);
    w->conn = NULL;
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

Till__V1__Envelope *
web_call(wreq_t *wr, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase expected,
         int retry_safe)
{
  char err[512], text[2048];
  req->session = wr->sess ? wr->sess->token : "";
  Till__V1__Envelope *resp = send_once(wr->w, req, err, sizeof err);
  if (!resp && retry_safe)
    resp = send_once(wr->w, req, err, sizeof err);
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
      web_session_drop(wr->sess); /* the Till session ended or was revoked */
      wr->sess = NULL;
    }
    web_error(wr, http_code_of(code), heading_of(code), msg);
  } else {
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return NULL;
}
