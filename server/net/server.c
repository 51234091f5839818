/* server.c -- tilld's event loop, listener, signals and shutdown; see
 * server.h. */
#include "server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/thread.h>

#include "conn.h"
#include "dispatch.h"
#include "schema.h"
#include "till_log.h"
#include "till_tls.h"

static void
on_request_done(req_t *r, void *arg)
{
  (void)arg;
  conn_request_done(r);
}

static void
format_peer(const struct sockaddr *sa, char *buf, size_t len)
{
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const void *)sa;
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const void *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  snprintf(buf, len, "%s:%d", host, port);
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
  server_t *srv = arg;
  char peer[64];
  format_peer(sa, peer, sizeof peer);
  if (srv->stopping) {
    evutil_closesocket(fd);
    return;
  }
  if (srv->n_conns >= srv->cfg->max_connections) {
    log_warn(LD_NET, "%s: refused, %d connections open (max_connections)", peer, srv->n_conns);
    evutil_closesocket(fd);
    return;
  }
  conn_new(srv, fd, peer);
}

static void
on_accept_error(struct evconnlistener *l, void *arg)
{
  /* EMFILE and friends: log and carry on; the listener retries */
  log_warn(LD_NET, "accept failed: %s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

void
server_conn_gone(server_t *srv)
{
  if (srv->stopping && TAILQ_EMPTY(&srv->conns))
    event_base_loopexit(srv->base, NULL);
}

static void
on_grace(evutil_socket_t fd, short what, void *arg)
{
  server_t *srv = arg;
  log_warn(LD_GENERAL, "shutdown grace of %d s over; closing %d connections", srv->cfg->shutdown_grace,
           srv->n_conns);
  event_base_loopexit(srv->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
  server_t *srv = arg;
  if (srv->stopping)
    return;
  log_notice(LD_GENERAL, "signal %d: no new connections; finishing in-flight requests",
             (int)sig);
  srv->stopping = 1;
  if (srv->listener) {
    evconnlistener_free(srv->listener);
    srv->listener = NULL;
  }
  conn_t *c, *next;
  for (c = TAILQ_FIRST(&srv->conns); c; c = next) {
    next = TAILQ_NEXT(c, link);
    conn_drain(c);
  }
  struct timeval tv = {srv->cfg->shutdown_grace, 0};
  event_add(srv->grace, &tv);
  server_conn_gone(srv);
}

static int
write_port_file(const char *path, int port)
{
  char tmp[CONFIG_PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  fprintf(f, "%d\n", port);
  if (fclose(f) != 0)
    return -1;
  return rename(tmp, path);
}

static int
open_listener(server_t *srv)
{
  const config_t *cfg = srv->cfg;
  struct addrinfo hints = {0}, *res = NULL;
  char port[16];
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  snprintf(port, sizeof port, "%d", cfg->listen_port);
  int gai = getaddrinfo(cfg->listen_host, port, &hints, &res);
  if (gai != 0) {
    log_err(LD_CONFIG, "listen: cannot resolve '%s': %s", cfg->listen_host, gai_strerror(gai));
    return -1;
  }
  srv->listener = evconnlistener_new_bind(srv->base, on_accept, srv,
                                          LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 512,
                                          res->ai_addr, (int)res->ai_addrlen);
  freeaddrinfo(res);
  if (!srv->listener) {
    log_err(LD_NET, "listen on %s:%d: %s", cfg->listen_host, cfg->listen_port,
            evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
    return -1;
  }
  evconnlistener_set_error_cb(srv->listener, on_accept_error);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&ss, &sl) != 0)
    return -1;
  char where[64];
  format_peer((struct sockaddr *)&ss, where, sizeof where);
  int bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port);
  if (cfg->port_file[0] && write_port_file(cfg->port_file, bound) != 0) {
    log_err(LD_CONFIG, "port_file: cannot write %s", cfg->port_file);
    return -1;
  }
  log_notice(LD_NET, "listening on %s (TLS %s minimum, frames up to %u bytes)", where,
             cfg->tls_min_version == TLS1_3_VERSION ? "1.3" : "1.2", cfg->max_frame);
  return 0;
}

int
server_run(const config_t *cfg)
{
  server_t srv;
  char err[512];
  int rc = 1;
  memset(&srv, 0, sizeof srv);
  srv.cfg = cfg;
  TAILQ_INIT(&srv.conns);
  signal(SIGPIPE, SIG_IGN);
  if (evthread_use_pthreads() != 0) {
    log_err(LD_GENERAL, "libevent has no pthreads support");
    return 1;
  }
  srv.base = event_base_new();
  if (!srv.base) {
    log_err(LD_GENERAL, "cannot create event base");
    return 1;
  }
  if (conn_noise_init(&srv.noise, srv.base) != 0) {
    log_err(LD_GENERAL, "cannot start the connection-noise timer");
    event_base_free(srv.base);
    return 1;
  }
  srv.ssl_ctx = till_tls_server_ctx(cfg->cert, cfg->key, cfg->ca, cfg->crl, cfg->tls_min_version);
  if (!srv.ssl_ctx)
    goto done;
  dispatch_init(cfg);
  srv.worker = worker_new(cfg, schema_all(), srv.base, dispatch_worker_hooks(), on_request_done, &srv, err, sizeof err);
  if (!srv.worker) {
    log_err(LD_STORE, "%s", err);
    goto done;
  }
  dispatch_set_worker(srv.worker);
  srv.sig_term = evsignal_new(srv.base, SIGTERM, on_signal, &srv);
  srv.sig_int = evsignal_new(srv.base, SIGINT, on_signal, &srv);
  srv.grace = evtimer_new(srv.base, on_grace, &srv);
  if (!srv.sig_term || !srv.sig_int || !srv.grace || event_add(srv.sig_term, NULL) != 0 ||
      event_add(srv.sig_int, NULL) != 0) {
    log_err(LD_GENERAL, "cannot install signal handlers");
    goto done;
  }
  if (open_listener(&srv) != 0)
    goto done;
  event_base_dispatch(srv.base);
  rc = 0;
 done:
  if (srv.listener)
    evconnlistener_free(srv.listener);
  srv.listener = NULL;
  /* finish queued work; its answers go to connections that are still open */
  srv.stopping = 1;
  worker_free(srv.worker);
  dispatch_set_worker(NULL);
  conn_t *c;
  while ((c = TAILQ_FIRST(&srv.conns)) != NULL) {
    c->pending = 0;
    conn_close(c);
  }
  if (srv.sig_term)
    event_free(srv.sig_term);
  if (srv.sig_int)
    event_free(srv.sig_int);
  if (srv.grace)
    event_free(srv.grace);
  SSL_CTX_free(srv.ssl_ctx);
  conn_noise_free(&srv.noise);
  event_base_free(srv.base);
  if (rc == 0)
    log_notice(LD_GENERAL, "stopped cleanly; database closed");
  return rc;
}
