/* web.h -- till-web, the web console for supervisors and auditors
 * (docs/web.md): what its files share. till-web speaks HTTPS to browsers
 * (libevent's evhttp over bufferevent_openssl) and the ordinary mutual-TLS
 * protobuf protocol to tilld, as a client with its own terminal
 * certificate (client/conn.h). It decides no permission: every page is one
 * or more requests to tilld under the user's own Till session, and tilld's
 * refusal is what the page shows. */
#ifndef TILL_WEB_H
#define TILL_WEB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "audit_keys.h"
#include "conn.h"
#include "till.pb-c.h"

/* Limits of what a browser may send. */
#define WEB_MAX_BODY 16384         /* a form; larger is refused (413) */
#define WEB_MAX_HEADERS 8192
#define WEB_TIMEOUT_S 10           /* a slow client is cut off (request_timeout) */
#define WEB_SESS_MAX 256           /* logged-in browsers at once */
#define WEB_TOKEN_HEX 64           /* cookie, CSRF token: 32 random bytes */
#define WEB_WORKERS 4              /* threads answering browsers (workers) */
#define WEB_WORKERS_MAX 32

typedef struct {
  int used;
  char sid[WEB_TOKEN_HEX + 1];   /* the session cookie's value */
  char csrf[WEB_TOKEN_HEX + 1];  /* the token every form of the session carries */
  char token[WEB_TOKEN_HEX + 1]; /* tilld's session token */
  char user[64];
  unsigned roles;                /* TILL_ROLE_BIT set, as tilld said at login (shown only) */
  int64_t expires_at;            /* tilld's session end, Unix seconds */
} web_sess_t;

/* What the worker threads share. Only the session table changes after
 * start-up, and only under sess_lock: a request works on a copy of its
 * session (wreq_t.sess_copy), never on a slot another thread may drop or
 * reuse. */
typedef struct web {
  client_cfg_t upstream;         /* tilld's address, CA, our terminal certificate */
  const char *default_lang;      /* "zh_CN" unless --language says otherwise */
  pthread_mutex_t sess_lock;     /* guards sess[] */
  web_sess_t sess[WEB_SESS_MAX];
  /* ---- webverify: the session limit, the pinned keys ---- */
  int sess_max;                  /* max_sessions: 1 .. WEB_SESS_MAX (default) */
  char pin_file[1024];           /* verify_pubkey: "" when unset (the key tilld presents) */
  audit_pins_t pins;             /* its keys, read once at start */
  /* ---- end of webverify ---- */
} web_t;

/* One browser request being answered, on one worker thread. */
typedef struct {
  web_t *w;
  cconn_t **conn;                /* the worker's kept connection to tilld (NULL: closed) */
  struct evhttp_request *req;
  struct evbuffer *out;          /* the page being written */
  web_sess_t *sess;              /* NULL: not logged in; else &sess_copy */
  web_sess_t sess_copy;          /* the session as the table held it when the request came */
  int chinese;
  const char *path;
  struct evkeyvalq query;        /* the URI's query */
  struct evkeyvalq form;         /* a POST's urlencoded body */
  int posted;                    /* method POST and form parsed */
  int answered;                  /* a response went out */
} wreq_t;

/* ---- loose: the language switch returns to this page ---- */
/* The longest path and query /lang sends a browser back to. */
#define WEB_BACK_MAX 1024
/* ---- end of loose ---- */

/* ---- web_http.c: writing pages ------------------------------------------ */

/* Append printf output to the page. */
void web_printf(wreq_t *wr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append <s> HTML-escaped. */
void web_esc(wreq_t *wr, const char *s);
/* Append an amount in fen as yuan ("-12.50"), with class "neg" when < 0. */
void web_money(wreq_t *wr, int64_t fen);
/* <td class="num">amount</td> */
void web_money_cell(wreq_t *wr, int64_t fen);
/* <tr><th>label</th><td class="num" id="id">amount</td></tr>: a figure the
 * tests find by its id */
void web_money_row(wreq_t *wr, const char *id, const char *label, int64_t fen);
/* The page's head, header bar (user, language, log out) and <main>. */
void web_begin(wreq_t *wr, const char *title);
/* Close <main> and the page, and send it with <code>. */
void web_end(wreq_t *wr, int code);
/* A whole error page: <code>, a heading and the message (escaped). */
void web_error(wreq_t *wr, int code, const char *heading, const char *msg);
/* 303 See Other to <location> (a path of ours). */
void web_redirect(wreq_t *wr, const char *location);
/* Every response's headers: CSP, nosniff, no referrer, HSTS, no caching. */
void web_security_headers(struct evhttp_request *req);
/* A file to save (200, Content-Disposition: attachment; filename=<name>). */
void web_send_download(wreq_t *wr, const char *type, const char *name, const char *body, size_t len);
/* A form's hidden CSRF field for the session. */
void web_csrf_field(wreq_t *wr);
/* A value of the form (POST) or of the query (GET); NULL when absent. */
const char *web_form(wreq_t *wr, const char *key);
const char *web_query(wreq_t *wr, const char *key);
/* The value of cookie <name> of the request into buf; 0, or -1 when absent
 * or too long. */
int web_cookie(struct evhttp_request *req, const char *name, char *buf, size_t len);
/* A whole number 1 .. INT64_MAX written in decimal digits only; 0 or -1. */
int web_parse_id(const char *s, int64_t *out);
/* Unix seconds as "YYYY-MM-DD HH:MM" local time into buf. */
const char *web_time(int64_t unix_s, char *buf, size_t len);

/* ---- web_session.c: sessions and calls to tilld --------------------------- */

/* The session the request's cookie names, if live, copied into <out>; 0,
 * or -1 when there is none (an expired one is dropped). */
int web_session_find(web_t *w, struct evhttp_request *req, web_sess_t *out);
/* Store <s> (token, user, roles, expires_at filled) as a new session: its
 * sid and csrf are made here and written into <s> too; 0, or -1 when the
 * table is full. */
int web_session_add(web_t *w, web_sess_t *s);
/* End the session whose cookie is <sid>, for every connection; nothing
 * when no session has it any more. */
void web_session_drop(web_t *w, const char *sid);
/* Empty the table (at shutdown, after the workers stopped). */
void web_session_clear(web_t *w);
/* ---- webverify: a Till session no browser holds ---- */
/* Send tilld's LogoutRequest for <token> on the request's connection,
 * writing no page (a failure is only logged): for a login tilld accepted
 * that the console then refused. */
void web_till_logout(wreq_t *wr, const char *token);
/* ---- end of webverify ---- */
/* 1 when the form's csrf field equals the session's token. */
int web_csrf_ok(wreq_t *wr);

/* Send <req> to tilld under the request's session (none when sess is
 * NULL) and return the answer when its body is <expected> (caller frees
 * with till__v1__envelope__free_unpacked). Otherwise NULL after an error
 * page went out: tilld's refusal in the user's language (403 for
 * PERMISSION_DENIED, 404 NOT_FOUND, 400 INVALID_ARGUMENT, 409 for a state
 * or conflict, 401 and the session dropped for UNAUTHENTICATED), 502 when
 * tilld cannot be reached. <retry_safe>: a read or a request with an
 * idempotency key may be sent again on a fresh connection once. */
Till__V1__Envelope *web_call(wreq_t *wr, Till__V1__Envelope *req,
                             Till__V1__Envelope__BodyCase expected, int retry_safe);

/* ---- the pages ----------------------------------------------------------- */

void web_page_login(wreq_t *wr);      /* GET and POST /login */
void web_page_logout(wreq_t *wr);     /* POST /logout */
void web_page_board(wreq_t *wr);      /* GET /board: today's shifts */
/* The closed shifts whose cash is not deposited (<u>, NULL: none) as a
 * table with its total, for the board and the deposits page; <pick>: a
 * checkbox "shift" on each row, for the deposit form around it. */
void web_undeposited_table(wreq_t *wr, const Till__V1__UndepositedResponse *u, int pick);
/* Ask tilld for the closed shifts not deposited <hours> after their close:
 * its answer (free it with till__v1__envelope__free_unpacked), or NULL
 * after an error page. */
Till__V1__Envelope *web_undeposited_fetch(wreq_t *wr, int64_t hours);
void web_page_shift(wreq_t *wr);      /* GET /shift?id=N */
void web_page_signoff(wreq_t *wr);    /* POST /shift/signoff */
void web_page_voids(wreq_t *wr);      /* GET /voids */
void web_page_void_decide(wreq_t *wr);/* POST /voids/decide */
void web_page_report(wreq_t *wr);     /* GET /report?date= */
void web_page_receipts(wreq_t *wr);   /* GET /receipts?series=&from=&to= */
void web_page_ledger(wreq_t *wr);     /* GET /ledger?filters&after=&head= */
void web_page_ledger_csv(wreq_t *wr); /* GET /ledger.csv?filters */
/* ---- web2: report pages ---- */
void web_page_month(wreq_t *wr);     /* GET /month?month=YYYY-MM: the monthly settlement */
/* web_report.c: a report's hospital block (chart and table); nothing when h is NULL */
void web_report_hospital(wreq_t *wr, const Till__V1__HospitalDay *h);
/* ---- end of web2 ---- */

/* ---- web1: approvals of refunds and waivers, deposits (web_ops.c) ---- */
/* The pending refunds' and waivers' tables with their buttons, into the
 * approvals page; 0, or -1 after an error page replaced it. */
int web_refunds_table(wreq_t *wr);
int web_waivers_table(wreq_t *wr);
/* ?hours=N (24 when absent); 0, or -1 after a 400 page. */
int web_hours_param(wreq_t *wr, int64_t *hours);
void web_page_refund_decide(wreq_t *wr);   /* POST /refunds/decide */
void web_page_waiver_decide(wreq_t *wr);   /* POST /waivers/decide */
void web_page_deposits(wreq_t *wr);        /* GET /deposits?hours= */
void web_page_deposit_create(wreq_t *wr);  /* POST /deposits/create */
void web_page_deposit_confirm(wreq_t *wr); /* POST /deposits/confirm */
/* ---- web1: the auditor's transaction, export and verification (web_chain.c) ---- */
void web_page_txn(wreq_t *wr);             /* GET /txn?id=N */
void web_page_export(wreq_t *wr);          /* GET /export.tillx?from=&to= */
void web_page_verify(wreq_t *wr);          /* GET /verify */
/* ---- end of web1 ---- */

/* web_css.c: the one style sheet, served as /static/till.css */
extern const char web_css[];
extern const char web_icon[]; /* /static/icon.svg */

#endif
