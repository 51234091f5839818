/* conn.c -- one TLS client connection; see conn.h. */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "dispatch.h"
#include "till_frame.h"
#include "till_log.h"
#include "till_tls.h"
#include "till_util.h"

static void conn_read_frames(conn_t *c);
static void begin_closing(conn_t *c);

/* Lifetime rule: a conn_t is freed only by conn_close()/conn_free_if_unused()
 * called at the top of an event callback or at the very end of
 * conn_request_done(). Everything else that wants the connection gone calls
 * begin_closing(), which stops reading and leaves the close to the timer
 * callback, so no caller ever touches a freed connection. */

static void
conn_free_if_unused(conn_t *c)
{
  if (c->bev || c->pending > 0)
    return;
  server_t *srv = c->srv;
  TAILQ_REMOVE(&srv->conns, c, link);
  if (c->timer)
    event_free(c->timer);
  free(c->farewell);
  free(c);
  server_conn_gone(srv);
}

void
conn_close(conn_t *c)
{
  if (c->bev) {
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    if (ssl && c->state != CONN_HANDSHAKE)
      SSL_shutdown(ssl); /* best effort close_notify; never blocks */
    bufferevent_free(c->bev);
    c->bev = NULL;
    c->srv->n_conns--;
    log_debug(LD_NET, "%s (%s): closed", c->peer, c->terminal[0] ? c->terminal : "-");
  }
  if (c->timer)
    event_del(c->timer);
  conn_free_if_unused(c);
}

static void
arm_timer(conn_t *c, int seconds)
{
  struct timeval tv = {seconds, 0};
  event_add(c->timer, &tv);
}

static void
send_bytes(conn_t *c, const uint8_t *buf, size_t len)
{
  if (!c->bev || !buf || !len)
    return;
  if (bufferevent_write(c->bev, buf, len) != 0) {
    log_warn(LD_NET, "%s: cannot queue %zu bytes; closing", c->peer, len);
    begin_closing(c);
    return;
  }
  c->last_active_ms = till_mono_ms();
  struct evbuffer *out = bufferevent_get_output(c->bev);
  if (evbuffer_get_length(out) > c->srv->cfg->max_conn_buffer && !c->paused) {
    /* the peer does not read its answers: stop taking its questions */
    c->paused = 1;
    bufferevent_disable(c->bev, EV_READ);
  }
}

/* Once the output has drained and nothing is in flight, have the timer
 * callback close the connection (never closed from here: see above). */
static void
close_when_flushed(conn_t *c)
{
  if (!c->bev)
    return;
  if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 && c->pending == 0)
    event_active(c->timer, EV_TIMEOUT, 1);
}

/* The Error with request id 0 that tells the client the connection ends
 * (docs/protocol.md, checklist item 4): a client fails every request not yet
 * answered when it reads it, so it goes out after every answer still owed.
 * Sent now when nothing is in flight, else kept until the last answer. */
static void
say_farewell(conn_t *c, const uint8_t *buf, size_t len)
{
  if (!buf || !len)
    return;
  if (c->pending == 0) {
    send_bytes(c, buf, len);
    return;
  }
  if (c->farewell)
    return; /* one farewell per connection: the first reason stands */
  c->farewell = malloc(len);
  if (!c->farewell) {
    log_warn(LD_NET, "%s: no memory to keep the closing error; it is not sent", c->peer);
    return;
  }
  memcpy(c->farewell, buf, len);
  c->farewell_len = len;
}

/* After an answer: once nothing is in flight, the kept farewell goes out. */
static void
send_farewell_if_due(conn_t *c)
{
  if (!c->farewell || c->pending > 0)
    return;
  send_bytes(c, c->farewell, c->farewell_len);
  free(c->farewell);
  c->farewell = NULL;
  c->farewell_len = 0;
}

static void
begin_closing(conn_t *c)
{
  c->state = CONN_CLOSING;
  if (c->bev) {
    bufferevent_disable(c->bev, EV_READ);
    /* bound the time we wait for a peer that does not read */
    arm_timer(c, c->srv->cfg->handshake_timeout);
  }
  close_when_flushed(c);
}

void
conn_drain(conn_t *c)
{
  if (c->state == CONN_HANDSHAKE || c->state == CONN_CHECKING) {
    conn_close(c);
    return;
  }
  begin_closing(c);
}

void
conn_request_done(req_t *r)
{
  conn_t *c = r->conn;
  c->pending--;
  if (r->h && r->h->req_case == TILL__V1__ENVELOPE__BODY__NOT_SET && r->env == NULL &&
      c->state == CONN_CHECKING) {
    /* the terminal check after the handshake */
    if (!c->bev) {
      /* the peer left while we were checking */
    } else if (r->status == TILL_OK) {
      log_info(LD_NET, "%s: terminal %s connected", c->peer, c->terminal);
      c->state = CONN_READY;
      bufferevent_enable(c->bev, EV_READ);
      arm_timer(c, c->srv->cfg->idle_timeout);
      conn_read_frames(c);
    } else {
      log_notice(LD_NET, "%s: terminal %s refused: %s", c->peer, c->terminal, r->errmsg);
      send_bytes(c, r->out, r->out_len);
      begin_closing(c);
    }
    req_free(r);
    conn_free_if_unused(c);
    return;
  }
  send_bytes(c, r->out, r->out_len);
  if (r->close_after && c->state != CONN_CLOSING)
    begin_closing(c);
  req_free(r);
  if (c->state == CONN_CLOSING) {
    send_farewell_if_due(c);
    close_when_flushed(c);
    conn_free_if_unused(c); /* last use of c */
    return;
  }
  if (c->bev && c->paused && c->pending < c->srv->cfg->max_inflight &&
      evbuffer_get_length(bufferevent_get_output(c->bev)) <= c->srv->cfg->max_conn_buffer) {
    c->paused = 0;
    bufferevent_enable(c->bev, EV_READ);
    conn_read_frames(c);
  }
  conn_free_if_unused(c);
}

/* A connection-level protocol error: answer with request id 0 and close. */
static void
protocol_error(conn_t *c, till_status_t st, const char *msg)
{
  log_notice(LD_PROTO, "%s (%s): %s; closing", c->peer, c->terminal, msg);
  req_t *r = req_new(c, c->terminal, dispatch_ctx());
  if (r) {
    req_fail(r, st, "%s", msg);
    dispatch_pack(r);
    say_farewell(c, r->out, r->out_len);
    req_free(r);
  }
  begin_closing(c);
}

static void
conn_read_frames(conn_t *c)
{
  const config_t *cfg = c->srv->cfg;
  while (c->bev && c->state == CONN_READY) {
    if (c->pending >= cfg->max_inflight) {
      c->paused = 1;
      bufferevent_disable(c->bev, EV_READ);
      return;
    }
    struct evbuffer *in = bufferevent_get_input(c->bev);
    size_t avail = evbuffer_get_length(in);
    uint8_t hdr[TILL_FRAME_HEADER];
    uint32_t len = 0;
    if (avail < TILL_FRAME_HEADER)
      return;
    evbuffer_copyout(in, hdr, sizeof hdr);
    /* till_frame_check reads only the header; avail tells it what follows */
    till_frame_result_t fr = till_frame_check(hdr, avail, cfg->max_frame, &len);
    if (fr == TILL_FRAME_NEED_MORE)
      return;
    if (fr == TILL_FRAME_EMPTY) {
      protocol_error(c, TILL_E_INVALID, "frame of length 0");
      return;
    }
    if (fr == TILL_FRAME_TOO_LARGE) {
      char msg[128];
      snprintf(msg, sizeof msg, "frame of %u bytes exceeds the maximum of %u", len, cfg->max_frame);
      protocol_error(c, TILL_E_EXHAUSTED, msg);
      return;
    }
    const uint8_t *payload = evbuffer_pullup(in, TILL_FRAME_HEADER + len);
    if (!payload) {
      protocol_error(c, TILL_E_INTERNAL, "out of memory reading frame");
      return;
    }
    req_t *bad = NULL;
    c->pending++;
    int rc = dispatch_frame(c, c->terminal, payload + TILL_FRAME_HEADER, len, &bad);
    evbuffer_drain(in, TILL_FRAME_HEADER + len);
    c->last_active_ms = till_mono_ms();
    if (bad) {
      /* answered at once, without touching the database; an answer that
       * ends the connection waits for those still owed */
      c->pending--;
      int close_now = bad->close_after || rc != 0;
      if (close_now)
        say_farewell(c, bad->out, bad->out_len);
      else
        send_bytes(c, bad->out, bad->out_len);
      req_free(bad);
      if (close_now) {
        log_notice(LD_PROTO, "%s (%s): undecodable envelope; closing", c->peer, c->terminal);
        begin_closing(c);
        return;
      }
    } else if (rc != 0) {
      c->pending--;
      protocol_error(c, TILL_E_INTERNAL, "out of memory");
      return;
    }
  }
}

static void
on_read(struct bufferevent *bev, void *arg)
{
  conn_read_frames(arg);
}

static void
on_write(struct bufferevent *bev, void *arg)
{
  conn_t *c = arg;
  if (c->state == CONN_CLOSING) {
    close_when_flushed(c);
    return;
  }
  if (c->paused && c->pending < c->srv->cfg->max_inflight) {
    c->paused = 0;
    bufferevent_enable(bev, EV_READ);
    conn_read_frames(c);
  }
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
  conn_t *c = arg;
  if (what & BEV_EVENT_CONNECTED) {
    SSL *ssl = bufferevent_openssl_get_ssl(bev);
    if (till_tls_peer_cn(ssl, c->terminal, sizeof c->terminal) != 0 ||
        !till_ident_ok(c->terminal, TERMINAL_ID_MAX)) {
      log_notice(LD_TLS, "%s: client certificate carries no usable terminal id; closing", c->peer);
      c->terminal[0] = '\0';
      conn_close(c);
      return;
    }
    log_debug(LD_TLS, "%s: handshake done (%s), terminal %s", c->peer, SSL_get_version(ssl),
              c->terminal);
    c->state = CONN_CHECKING;
    bufferevent_disable(bev, EV_READ);
    event_del(c->timer);
    arm_timer(c, c->srv->cfg->handshake_timeout);
    c->pending++;
    dispatch_terminal_check(c, c->terminal);
    return;
  }
  if (what & BEV_EVENT_ERROR) {
    /* the first OpenSSL error says why; libevent's own errno marker is not one */
    char why[256] = "";
    unsigned long e;
    while ((e = bufferevent_get_openssl_error(bev)) != 0)
      if (ERR_GET_LIB(e) != 0 && !why[0])
        ERR_error_string_n(e, why, sizeof why);
    if (!why[0]) {
      int err = EVUTIL_SOCKET_ERROR();
      snprintf(why, sizeof why, "%s", err ? evutil_socket_error_to_string(err) : "connection error");
    }
    if (c->state == CONN_HANDSHAKE)
      conn_noise_handshake_failed(&c->srv->noise, c->peer, why);
    else
      conn_noise_ended_badly(&c->srv->noise, c->peer, c->terminal, why);
  } else if (what & BEV_EVENT_EOF) {
    log_debug(LD_NET, "%s (%s): peer closed", c->peer, c->terminal[0] ? c->terminal : "-");
  }
  conn_close(c);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
  conn_t *c = arg;
  const config_t *cfg = c->srv->cfg;
  switch (c->state) {
  case CONN_HANDSHAKE:
    conn_noise_handshake_timeout(&c->srv->noise, c->peer, cfg->handshake_timeout);
    conn_close(c);
    return;
  case CONN_CHECKING:
    arm_timer(c, cfg->handshake_timeout); /* waiting on our own database; keep going */
    return;
  case CONN_CLOSING:
    if (c->bev && evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
      log_info(LD_NET, "%s: peer did not take its last bytes; closing", c->peer);
    conn_close(c);
    return;
  case CONN_READY:
    break;
  }
  int64_t idle_ms = till_mono_ms() - c->last_active_ms;
  if (c->pending == 0 && idle_ms >= (int64_t)cfg->idle_timeout * 1000) {
    log_info(LD_NET, "%s (%s): idle for %d s; closing", c->peer, c->terminal, cfg->idle_timeout);
    conn_close(c);
    return;
  }
  int64_t left = (int64_t)cfg->idle_timeout * 1000 - idle_ms;
  struct timeval tv = {left > 1000 ? left / 1000 : 1, 0};
  event_add(c->timer, &tv);
}

conn_t *
conn_new(server_t *srv, evutil_socket_t fd, const char *peer)
{
  conn_t *c = calloc(1, sizeof *c);
  SSL *ssl = NULL;
  if (!c)
    goto fail;
  c->srv = srv;
  snprintf(c->peer, sizeof c->peer, "%s", peer);
  c->last_active_ms = till_mono_ms();
  /* Without it an answer could wait for the terminal's delayed ACK: 32
   * terminals paced at 3,000 sales/s in all waited 11.3 ms (p50), 3.4 with
   * it (docs/benchmarks.md). A socket without it still works, only slower. */
  if (till_tcp_nodelay(fd) != 0)
    log_warn(LD_NET, "%s: cannot set TCP_NODELAY: %s", peer, strerror(errno));
  c->timer = evtimer_new(srv->base, on_timer, c);
  ssl = SSL_new(srv->ssl_ctx);
  if (!c->timer || !ssl)
    goto fail;
  c->bev = bufferevent_openssl_socket_new(srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  if (!c->bev)
    goto fail;
  ssl = NULL; /* owned by the bufferevent now */
  fd = -1;
  bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
  bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
  /* never hold more than one frame (plus TLS record slack) of unread input */
  bufferevent_setwatermark(c->bev, EV_READ, 0, TILL_FRAME_HEADER + srv->cfg->max_frame + 65536);
  bufferevent_enable(c->bev, EV_READ | EV_WRITE);
  TAILQ_INSERT_TAIL(&srv->conns, c, link);
  srv->n_conns++;
  arm_timer(c, srv->cfg->handshake_timeout);
  return c;
 fail:
  log_warn(LD_NET, "%s: cannot set up connection (out of memory)", peer);
  SSL_free(ssl);
  if (c) {
    if (c->timer)
      event_free(c->timer);
    free(c);
  }
  if (fd >= 0)
    evutil_closesocket(fd);
  return NULL;
}
