/* server.h -- the running tilld: event loop, listener, connections, worker,
 * signals and graceful shutdown. */
#ifndef TILLD_SERVER_H
#define TILLD_SERVER_H

#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <sys/queue.h>

#include "config.h"
#include "conn_noise.h"
#include "worker.h"

struct conn;
TAILQ_HEAD(conn_list, conn);

typedef struct server {
  const config_t *cfg;
  struct event_base *base;
  SSL_CTX *ssl_ctx;
  struct evconnlistener *listener;
  worker_t *worker;
  struct conn_list conns;
  int n_conns;             /* connections holding a socket (counted against the limit) */
  int stopping;
  struct event *sig_term, *sig_int, *grace;
  conn_noise_t noise;      /* clients that end badly: counted, not each a notice */
} server_t;

/* Serve until SIGTERM/SIGINT. Returns the process exit code. */
int server_run(const config_t *cfg);

/* Called by conn.c when a connection has gone; ends the loop when stopping. */
void server_conn_gone(server_t *srv);

#endif
