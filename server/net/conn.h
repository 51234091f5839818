/* conn.h -- one client connection: TLS over a bufferevent, the frame reader,
 * timeouts and limits.
 *
 * A connection owns its bufferevent (BEV_OPT_CLOSE_ON_FREE: the socket and the
 * SSL go with it) and its timer. Requests it has dispatched borrow it; when
 * the peer goes away while requests are in flight, the socket is closed at
 * once and the struct lives on, "dead", until the last request returns. */
#ifndef TILLD_CONN_H
#define TILLD_CONN_H

#include <event2/bufferevent.h>
#include <stdint.h>
#include <sys/queue.h>

#include "request.h"
#include "server.h"

typedef enum {
  CONN_HANDSHAKE = 0,  /* TLS handshake under way */
  CONN_CHECKING,       /* handshake done, terminal being checked */
  CONN_READY,          /* serving requests */
  CONN_CLOSING,        /* sending the last bytes, then closing */
} conn_state_t;

typedef struct conn {
  server_t *srv;
  struct bufferevent *bev;   /* NULL once the socket is closed */
  struct event *timer;
  conn_state_t state;
  char terminal[TERMINAL_ID_MAX + 1];
  char peer[64];
  int pending;               /* requests dispatched and not yet answered */
  int paused;                /* reading paused for back-pressure */
  int64_t last_active_ms;
  uint8_t *farewell;         /* the closing Error (id 0), held until every
                              * request in flight has been answered */
  size_t farewell_len;
  TAILQ_ENTRY(conn) link;
} conn_t;

/* Start serving the accepted socket <fd> (takes ownership of it). */
conn_t *conn_new(server_t *srv, evutil_socket_t fd, const char *peer);

/* A finished request for this connection: send its response (if the socket is
 * still open) and release the request's hold on the connection. Takes
 * ownership of <r>. */
void conn_request_done(req_t *r);

/* Stop reading; close once in-flight requests are answered (SIGTERM). */
void conn_drain(conn_t *c);

/* Close the socket now and free the connection when nothing is in flight. */
void conn_close(conn_t *c);

#endif
