/* main.c -- till-web: the web console for supervisors and auditors
 * (docs/web.md).
 *
 *   till-web [--config FILE] [--SETTING VALUE ...]
 *
 * Settings (file 'key = value' or flag '--key value'):
 *   listen          HOST:PORT for browsers (default 127.0.0.1:8443; port 0: any)
 *   port_file       where to write the port listened on
 *   cert, key       the HTTPS certificate and key browsers see
 *   tls_min_version 1.3 (default) or 1.2
 *   server          tilld's HOST:PORT
 *   ca              the CA that signed tilld's certificate
 *   terminal_cert, terminal_key
 *                   till-web's own terminal certificate (registered in tilld
 *                   like any other terminal)
 *   timeout         seconds for each call to tilld (default 10)
 *   request_timeout seconds a browser has to send its request (default 10)
 *   language        zh_CN (default) or en: the pages' language until a
 *                   browser chooses
 *   workers         threads answering browsers, 1 to 32 (default 4)
 *   verify_pubkey   a PEM file of the ledger's pinned public keys (as
 *                   'till audit pubkey' writes): /verify trusts only them
 *                   and the keys endorsed from them, rotation by rotation,
 *                   as 'till audit verify --pubkey FILE' does; unset, it
 *                   checks under the key tilld presents (unpinned)
 *   max_sessions    browsers logged in at once, 1 to 256 (default 256)
 *
 * Each worker thread has its own event loop and its own evhttp accepting on
 * the one listening socket, and its own kept connection to tilld, over
 * which a page's calls are made blocking; a worker busy with a slow page
 * accepts no new connection meanwhile, so the other workers answer the
 * other browsers. The browsers' sessions are one table, shared under a
 * mutex (web.h); the language is chosen per request and per thread
 * (i18n_use). The main thread only waits for SIGTERM or SIGINT, then stops
 * every worker and frees everything (docs/web.md). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "i18n.h"
#include "till_conf.h"
#include "till_log.h"
#include "till_tls.h"
#include "till_util.h"
#include "web.h"

typedef struct {
  char listen[300];
  char port_file[1024];
  char cert[1024];
  char key[1024];
  char language[16];
  int tls_min;
  int request_timeout; /* seconds a browser has to send a request */
  int workers;         /* threads answering browsers */
} web_opts_t;

/* One worker thread: its event loop, its evhttp on the shared listening
 * socket and its own kept connection to tilld. */
typedef struct {
  web_t *w;
  struct event_base *base;
  struct evhttp *http;
  cconn_t *conn;     /* reopened when it fails (web_session.c) */
  pthread_t thread;
  int running;       /* the thread was started and is not joined yet */
} worker_t;

static void
usage(FILE *f)
{
  fprintf(f, "usage: till-web [--config FILE] [--SETTING VALUE ...]\n"
             "settings (file 'key = value' or flag '--key value'): listen, port_file, cert, key,\n"
             "  tls_min_version, server, ca, terminal_cert, terminal_key, timeout, request_timeout,\n"
             "  language, workers, verify_pubkey, max_sessions.\n"
             "See docs/web.md.\n");
}

static int
copy(char *dst, size_t len, const char *v)
{
  return snprintf(dst, len, "%s", v) < (int)len ? 0 : -1;
}

/* One setting; 0, or -1 (unknown key or bad value). */
static int
apply(web_opts_t *o, web_t *w, const char *k, const char *v)
{
  client_cfg_t *u = &w->upstream;
  if (!strcmp(k, "listen"))
    return copy(o->listen, sizeof o->listen, v);
  if (!strcmp(k, "port_file"))
    return copy(o->port_file, sizeof o->port_file, v);
  if (!strcmp(k, "cert"))
    return copy(o->cert, sizeof o->cert, v);
  if (!strcmp(k, "key"))
    return copy(o->key, sizeof o->key, v);
  if (!strcmp(k, "server"))
    return copy(u->server, sizeof u->server, v);
  if (!strcmp(k, "ca"))
    return copy(u->ca, sizeof u->ca, v);
  if (!strcmp(k, "terminal_cert"))
    return copy(u->cert, sizeof u->cert, v);
  if (!strcmp(k, "terminal_key"))
    return copy(u->key, sizeof u->key, v);
  if (!strcmp(k, "timeout")) {
    char *end;
    long t = strtol(v, &end, 10);
    if (*end || t < 1 || t > 120)
      return -1;
    u->timeout = (int)t;
    return 0;
  }
  if (!strcmp(k, "request_timeout")) {
    char *end;
    long t = strtol(v, &end, 10);
    if (*end || t < 1 || t > 300)
      return -1;
    o->request_timeout = (int)t;
    return 0;
  }
  if (!strcmp(k, "workers")) {
    char *end;
    long t = strtol(v, &end, 10);
    if (*end || t < 1 || t > WEB_WORKERS_MAX)
      return -1;
    o->workers = (int)t;
    return 0;
  }
  /* ---- webverify: pinned keys, the session limit ---- */
  if (!strcmp(k, "verify_pubkey"))
    return v[0] ? copy(w->pin_file, sizeof w->pin_file, v) : -1;
  if (!strcmp(k, "max_sessions")) {
    char *end;
    long t = strtol(v, &end, 10);
    if (*end || t < 1 || t > WEB_SESS_MAX)
      return -1;
    w->sess_max = (int)t;
    return 0;
  }
  /* ---- end of webverify ---- */
  if (!strcmp(k, "tls_min_version")) {
    if (strcmp(v, "1.3") && strcmp(v, "1.2"))
      return -1;
    o->tls_min = strcmp(v, "1.2") ? TLS1_3_VERSION : TLS1_2_VERSION;
    return 0;
  }
  if (!strcmp(k, "language")) {
    if (strcmp(v, "zh_CN") && strcmp(v, "en"))
      return -1;
    return copy(o->language, sizeof o->language, v);
  }
  return -1;
}

static int
configure(web_opts_t *o, web_t *w, int argc, char **argv)
{
  char err[512];
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--config") != 0)
      continue;
    till_conf_t *conf = till_conf_load(argv[i + 1], err, sizeof err);
    if (!conf) {
      fprintf(stderr, "till-web: %s\n", err);
      return -1;
    }
    for (size_t k = 0; k < conf->n; k++) {
      if (apply(o, w, conf->entries[k].key, conf->entries[k].value) != 0) {
        fprintf(stderr, "till-web: %s: line %d: bad setting %s\n", argv[i + 1],
                conf->entries[k].line, conf->entries[k].key);
        till_conf_free(conf);
        return -1;
      }
    }
    till_conf_free(conf);
  }
  for (int i = 1; i < argc; i += 2) {
    if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
      usage(stderr);
      return -1;
    }
    if (!strcmp(argv[i], "--config"))
      continue;
    if (apply(o, w, argv[i] + 2, argv[i + 1]) != 0) {
      fprintf(stderr, "till-web: bad setting %s %s\n", argv[i], argv[i + 1]);
      return -1;
    }
  }
  const char *need[][2] = {{o->cert, "cert"}, {o->key, "key"}, {w->upstream.server, "server"},
                           {w->upstream.ca, "ca"}, {w->upstream.cert, "terminal_cert"},
                           {w->upstream.key, "terminal_key"}};
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
    if (!need[i][0][0]) {
      fprintf(stderr, "till-web: the setting %s is required\n", need[i][1]);
      return -1;
    }
  }
  /* ---- webverify: the pinned keys, read once ---- */
  if (w->pin_file[0] && audit_pins_load(w->pin_file, &w->pins) != 0) {
    fprintf(stderr, "till-web: verify_pubkey %s: not an Ed25519 public key in PEM\n", w->pin_file);
    return -1;
  }
  /* ---- end of webverify ---- */
  return 0;
}

/* ---- HTTPS -------------------------------------------------------------------- */

static SSL_CTX *
https_ctx(const web_opts_t *o)
{
  char why[512];
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx)
    return NULL;
  if (SSL_CTX_set_min_proto_version(ctx, o->tls_min) != 1 ||
      SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    till_tls_errors_to(why, sizeof why);
    fprintf(stderr, "till-web: HTTPS certificate %s / key %s: %s\n", o->cert, o->key, why);
    SSL_CTX_free(ctx);
    return NULL;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  return ctx;
}

static struct bufferevent *
https_bev(struct event_base *base, void *arg)
{
  SSL *ssl = SSL_new((SSL_CTX *)arg);
  if (!ssl)
    return NULL;
  struct bufferevent *bev =
    bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
  if (bev) /* browsers often close without close_notify */
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  return bev;
}

/* ---- routing --------------------------------------------------------------------- */

typedef struct {
  enum evhttp_cmd_type method;
  const char *path;
  void (*fn)(wreq_t *);
  int needs_session;
} route_t;

static const route_t routes[] = {
  {EVHTTP_REQ_GET, "/login", web_page_login, 0},
  {EVHTTP_REQ_POST, "/login", web_page_login, 0},
  {EVHTTP_REQ_POST, "/logout", web_page_logout, 1},
  {EVHTTP_REQ_GET, "/board", web_page_board, 1},
  {EVHTTP_REQ_GET, "/shift", web_page_shift, 1},
  {EVHTTP_REQ_POST, "/shift/signoff", web_page_signoff, 1},
  {EVHTTP_REQ_GET, "/voids", web_page_voids, 1},
  {EVHTTP_REQ_POST, "/voids/decide", web_page_void_decide, 1},
  {EVHTTP_REQ_GET, "/report", web_page_report, 1},
  {EVHTTP_REQ_GET, "/receipts", web_page_receipts, 1},
  {EVHTTP_REQ_GET, "/ledger", web_page_ledger, 1},
  {EVHTTP_REQ_GET, "/ledger.csv", web_page_ledger_csv, 1},
  /* ---- web1: refunds, waivers, deposits, the chain ---- */
  {EVHTTP_REQ_POST, "/refunds/decide", web_page_refund_decide, 1},
  {EVHTTP_REQ_POST, "/waivers/decide", web_page_waiver_decide, 1},
  {EVHTTP_REQ_GET, "/deposits", web_page_deposits, 1},
  {EVHTTP_REQ_POST, "/deposits/create", web_page_deposit_create, 1},
  {EVHTTP_REQ_POST, "/deposits/confirm", web_page_deposit_confirm, 1},
  {EVHTTP_REQ_GET, "/txn", web_page_txn, 1},
  {EVHTTP_REQ_GET, "/export.tillx", web_page_export, 1},
  {EVHTTP_REQ_GET, "/verify", web_page_verify, 1},
  /* ---- end of web1 ---- */
  /* ---- web2: report pages ---- */
  {EVHTTP_REQ_GET, "/month", web_page_month, 1},
  /* ---- end of web2 ---- */
};

static void
send_static(wreq_t *wr, const char *type, const char *body)
{
  web_security_headers(wr->req);
  struct evkeyvalq *h = evhttp_request_get_output_headers(wr->req);
  evhttp_remove_header(h, "Cache-Control");
  evhttp_add_header(h, "Cache-Control", "max-age=3600");
  evhttp_add_header(h, "Content-Type", type);
  evbuffer_add(wr->out, body, strlen(body));
  evhttp_send_reply(wr->req, 200, "OK", wr->out);
  wr->answered = 1;
}

/* ---- loose: the language switch returns to this page ---- */
/* 1 when <back> is a page of this console to send a browser back to: a
 * path that a GET route answers, perhaps with a query, in printable ASCII
 * without a backslash, quote or angle bracket, at most WEB_BACK_MAX bytes;
 * never "//host" nor "scheme://host", so never another site. */
static int
back_is_ours(const char *back)
{
  if (!back || back[0] != '/')
    return 0;
  size_t n = strnlen(back, WEB_BACK_MAX + 1);
  if (n > WEB_BACK_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)back[i];
    if (c < 0x21 || c > 0x7e || c == '\\' || c == '"' || c == '<' || c == '>' || c == '#')
      return 0;
  }
  size_t path = strcspn(back, "?");
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (routes[i].method == EVHTTP_REQ_GET && strlen(routes[i].path) == path &&
        !strncmp(routes[i].path, back, path))
      return 1;
  return 0;
}
/* ---- end of loose ---- */

static void
set_language(wreq_t *wr)
{
  const char *to = web_query(wr, "to");
  const char *v = to && !strcmp(to, "en") ? "en" : "zh";
  const char *back = web_query(wr, "back");
  char cookie[96];
  snprintf(cookie, sizeof cookie, "till_lang=%s; Path=/; Max-Age=31536000; HttpOnly; Secure; SameSite=Strict", v);
  evhttp_add_header(evhttp_request_get_output_headers(wr->req), "Set-Cookie", cookie);
  /* back to the page the switch was on; else the board (or the login) */
  web_redirect(wr, back_is_ours(back) ? back : wr->sess ? "/board" : "/login");
}

/* The POST body as a form; 0, or -1 after an error page. */
static int
read_form(wreq_t *wr)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(wr->req);
  size_t n = evbuffer_get_length(in);
  const char *type = evhttp_find_header(evhttp_request_get_input_headers(wr->req), "Content-Type");
  if (n > WEB_MAX_BODY) {
    web_error(wr, 413, _("Invalid request"), _("The form is too large."));
    return -1;
  }
  if (!type || strncmp(type, "application/x-www-form-urlencoded", 33) != 0) {
    web_error(wr, 400, _("Invalid request"), _("The form is not one this console drew."));
    return -1;
  }
  char body[WEB_MAX_BODY + 1];
  evbuffer_copyout(in, body, n);
  body[n] = '\0';
  if (memchr(body, '\0', n) || evhttp_parse_query_str(body, &wr->form) != 0) {
    web_error(wr, 400, _("Invalid request"), _("The form is not one this console drew."));
    return -1;
  }
  wr->posted = 1;
  return 0;
}

static void
route(wreq_t *wr, enum evhttp_cmd_type method)
{
  if (!strcmp(wr->path, "/static/till.css") && method == EVHTTP_REQ_GET) {
    send_static(wr, "text/css; charset=utf-8", web_css);
    return;
  }
  if (!strcmp(wr->path, "/static/icon.svg") || !strcmp(wr->path, "/favicon.ico")) {
    send_static(wr, "image/svg+xml", web_icon);
    return;
  }
  if (!strcmp(wr->path, "/lang") && method == EVHTTP_REQ_GET) {
    set_language(wr);
    return;
  }
  if (!strcmp(wr->path, "/") && method == EVHTTP_REQ_GET) {
    web_redirect(wr, wr->sess ? "/board" : "/login");
    return;
  }
  const route_t *r = NULL;
  int path_known = 0;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    if (strcmp(routes[i].path, wr->path) != 0)
      continue;
    path_known = 1;
    if (routes[i].method == method)
      r = &routes[i];
  }
  if (!r) {
    web_error(wr, path_known ? 405 : 404, _("Not found"),
              path_known ? _("This page is not asked for that way.") : _("There is no such page."));
    return;
  }
  if (method == EVHTTP_REQ_POST && read_form(wr) != 0)
    return;
  if (r->needs_session && !wr->sess) {
    if (method == EVHTTP_REQ_GET)
      web_redirect(wr, "/login");
    else
      web_error(wr, 401, _("Not logged in"), _("Log in first."));
    return;
  }
  r->fn(wr);
}

static void
on_request(struct evhttp_request *req, void *arg)
{
  worker_t *wk = arg;
  web_t *w = wk->w;
  wreq_t wr = {.w = w, .conn = &wk->conn, .req = req};
  wr.query.tqh_first = NULL; /* TAILQ_INIT, which event2 does not export */
  wr.query.tqh_last = &wr.query.tqh_first;
  wr.form.tqh_first = NULL;
  wr.form.tqh_last = &wr.form.tqh_first;
  if (!(wr.out = evbuffer_new())) {
    evhttp_send_error(req, 500, "out of memory");
    return;
  }
  char lang[8];
  if (web_cookie(req, "till_lang", lang, sizeof lang) == 0)
    wr.chinese = strcmp(lang, "en") != 0;
  else
    wr.chinese = strcmp(w->default_lang, "en") != 0;
  i18n_use(wr.chinese); /* this thread's language, for this request */
  /* ---- web1: a page leaves in several TLS records; without TCP_NODELAY
   * the last waits for the browser's delayed ACK (40 ms a page,
   * docs/benchmarks.md "Web console") ---- */
  struct evhttp_connection *ec = evhttp_request_get_connection(req);
  struct bufferevent *bev = ec ? evhttp_connection_get_bufferevent(ec) : NULL;
  if (bev && bufferevent_getfd(bev) >= 0)
    (void)till_tcp_nodelay(bufferevent_getfd(bev));
  /* ---- end of web1 ---- */
  if (web_session_find(w, req, &wr.sess_copy) == 0)
    wr.sess = &wr.sess_copy;
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
  wr.path = uri && evhttp_uri_get_path(uri) ? evhttp_uri_get_path(uri) : "";
  enum evhttp_cmd_type method = evhttp_request_get_command(req);
  if (q && evhttp_parse_query_str(q, &wr.query) != 0)
    web_error(&wr, 400, _("Invalid request"), _("The address is not one this console wrote."));
  else if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_POST)
    web_error(&wr, 405, _("Not found"), _("This page is not asked for that way."));
  else
    route(&wr, method);
  if (!wr.answered)
    web_error(&wr, 500, _("Server error"), _("The page could not be made."));
  evhttp_clear_headers(&wr.query);
  evhttp_clear_headers(&wr.form);
  evbuffer_free(wr.out);
  OPENSSL_cleanse(&wr.sess_copy, sizeof wr.sess_copy);
}

/* ---- start-up ------------------------------------------------------------------- */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
  event_base_loopexit((struct event_base *)arg, NULL);
}

static int
split_listen(const char *listen, char *host, size_t hl, int *port)
{
  const char *colon = strrchr(listen, ':');
  char *end;
  if (!colon || (size_t)(colon - listen) >= hl)
    return -1;
  memcpy(host, listen, (size_t)(colon - listen));
  host[colon - listen] = '\0';
  long p = strtol(colon + 1, &end, 10);
  if (*end || p < 0 || p > 65535 || colon[1] == '\0')
    return -1;
  *port = (int)p;
  return 0;
}

static int
write_port(const char *path, struct evhttp_bound_socket *bound)
{
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int port = 0;
  if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl) != 0)
    return -1;
  port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  fprintf(stderr, "till-web: listening on port %d\n", port);
  if (!path[0])
    return 0;
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  int ok = fprintf(f, "%d\n", port) > 0;
  ok = (fclose(f) == 0) && ok;
  return ok && rename(tmp, path) == 0 ? 0 : -1;
}

/* The evhttp of one worker, set up like every other. */
static struct evhttp *
worker_http(worker_t *wk, const web_opts_t *o, SSL_CTX *ctx)
{
  struct evhttp *http = evhttp_new(wk->base);
  if (!http)
    return NULL;
  evhttp_set_bevcb(http, https_bev, ctx);
  evhttp_set_gencb(http, on_request, wk);
  evhttp_set_max_body_size(http, WEB_MAX_BODY);
  evhttp_set_max_headers_size(http, WEB_MAX_HEADERS);
  evhttp_set_timeout(http, o->request_timeout);
  evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
  return http;
}

static void *
worker_main(void *arg)
{
  worker_t *wk = arg;
  event_base_loop(wk->base, EVLOOP_NO_EXIT_ON_EMPTY);
  return NULL;
}

/* Stop and free the workers (each joined first), and their connections. */
static void
workers_free(worker_t *wk, int n)
{
  for (int i = 0; i < n; i++)
    if (wk[i].running && event_base_loopexit(wk[i].base, NULL) != 0)
      fprintf(stderr, "till-web: cannot stop worker %d\n", i);
  for (int i = 0; i < n; i++) {
    if (wk[i].running)
      pthread_join(wk[i].thread, NULL);
    wk[i].running = 0;
    if (wk[i].http)
      evhttp_free(wk[i].http); /* closes its connections and its listener */
    cconn_close(wk[i].conn);
    if (wk[i].base)
      event_base_free(wk[i].base);
  }
}

static int
serve(web_t *w, const web_opts_t *o, SSL_CTX *ctx, cconn_t *first)
{
  char host[256];
  int port, rc = 1, n = o->workers;
  worker_t wk[WEB_WORKERS_MAX];
  memset(wk, 0, sizeof wk);
  wk[0].conn = first;
  struct event_base *base = event_base_new(); /* the main thread's: signals only */
  struct event *sigterm = NULL, *sigint = NULL;
  if (!base || split_listen(o->listen, host, sizeof host, &port) != 0) {
    fprintf(stderr, "till-web: cannot listen on '%s'\n", o->listen);
    goto done;
  }
  for (int i = 0; i < n; i++) {
    wk[i].w = w;
    if (!(wk[i].base = event_base_new()) || !(wk[i].http = worker_http(&wk[i], o, ctx))) {
      fprintf(stderr, "till-web: cannot set up worker %d\n", i);
      goto done;
    }
  }
  struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(wk[0].http, host, (ev_uint16_t)port);
  if (!bound) {
    fprintf(stderr, "till-web: cannot listen on %s: %s\n", o->listen, strerror(errno));
    goto done;
  }
  /* the other workers accept on copies of the same listening socket: the
   * kernel hands a new connection to whichever idle worker takes it first */
  for (int i = 1; i < n; i++) {
    int fd = dup(evhttp_bound_socket_get_fd(bound));
    if (fd < 0 || !evhttp_accept_socket_with_handle(wk[i].http, fd)) {
      if (fd >= 0)
        close(fd);
      fprintf(stderr, "till-web: worker %d cannot accept: %s\n", i, strerror(errno));
      goto done;
    }
  }
  sigterm = evsignal_new(base, SIGTERM, on_signal, base);
  sigint = evsignal_new(base, SIGINT, on_signal, base);
  if (!sigterm || !sigint || event_add(sigterm, NULL) != 0 || event_add(sigint, NULL) != 0)
    goto done;
  for (int i = 0; i < n; i++) {
    if (pthread_create(&wk[i].thread, NULL, worker_main, &wk[i]) != 0) {
      fprintf(stderr, "till-web: cannot start worker %d\n", i);
      goto done;
    }
    wk[i].running = 1;
  }
  if (write_port(o->port_file, bound) != 0) {
    fprintf(stderr, "till-web: cannot write the port file %s\n", o->port_file);
    goto done;
  }
  fprintf(stderr, "till-web: %d workers\n", n);
  event_base_dispatch(base);
  rc = 0;
 done:
  workers_free(wk, n);
  if (rc == 0)
    fprintf(stderr, "till-web: stopped\n");
  if (sigterm)
    event_free(sigterm);
  if (sigint)
    event_free(sigint);
  if (base)
    event_base_free(base);
  return rc;
}

int
main(int argc, char **argv)
{
  static web_t w; /* the session table is large */
  web_opts_t o = {.listen = "127.0.0.1:8443", .tls_min = TLS1_3_VERSION, .language = "zh_CN",
                  .request_timeout = WEB_TIMEOUT_S, .workers = WEB_WORKERS};
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    usage(stdout);
    return 0;
  }
  w.upstream.timeout = 10;
  w.sess_max = WEB_SESS_MAX;
  if (configure(&o, &w, argc, argv) != 0)
    return 2;
  w.default_lang = o.language;
  unsetenv("TILL_LANG"); /* the browser's choice, not the environment's */
  i18n_init_threads();   /* before any thread: each request then picks its language */
  signal(SIGPIPE, SIG_IGN);
  if (evthread_use_pthreads() != 0 || pthread_mutex_init(&w.sess_lock, NULL) != 0) {
    fprintf(stderr, "till-web: cannot set up threads\n");
    return 1;
  }
  SSL_CTX *ctx = https_ctx(&o);
  if (!ctx)
    return 1;
  /* reach tilld once now, so a wrong address or certificate shows at start;
   * the connection becomes the first worker's */
  char err[512];
  cconn_t *first = cconn_open(&w.upstream, err, sizeof err);
  if (!first)
    fprintf(stderr, "till-web: tilld not reachable yet: %s\n", err);
  int rc = serve(&w, &o, ctx, first);
  web_session_clear(&w);
  pthread_mutex_destroy(&w.sess_lock);
  SSL_CTX_free(ctx);
  libevent_global_shutdown();
  return rc;
}
