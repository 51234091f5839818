/* conn.c -- blocking mutual-TLS client connection; see conn.h. */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "till_frame.h"
#include "till_tls.h"
#include "till_util.h"

struct cconn {
  SSL_CTX *ctx;
  SSL *ssl;
  int fd;
  uint64_t next_id;
  uint32_t max_frame;
};

static int
split_server(const char *server, char *host, size_t hl, char *port, size_t pl)
{
  const char *colon = strrchr(server, ':');
  if (!colon || colon == server || !colon[1])
    return -1;
  size_t n = (size_t)(colon - server);
  if (server[0] == '[' && n >= 2 && server[n - 1] == ']') {
    server++;
    n -= 2;
  }
  if (n >= hl || strlen(colon + 1) >= pl)
    return -1;
  memcpy(host, server, n);
  host[n] = '\0';
  snprintf(port, pl, "%s", colon + 1);
  return 0;
}

static int
connect_tcp(const char *host, const char *port, int timeout, char *err, size_t errlen)
{
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
      continue;
    struct timeval tv = {timeout, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    till_tcp_nodelay(fd); /* only latency depends on it */
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    snprintf(err, errlen, "cannot connect to %s:%s: %s", host, port, strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

cconn_t *
cconn_open(const client_cfg_t *cfg, char *err, size_t errlen)
{
  char host[256], port[16], why[512];
  cconn_t *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->fd = -1;
  c->next_id = 1;
  c->max_frame = cfg->max_frame ? cfg->max_frame : TILL_FRAME_DEFAULT_MAX;
  if (split_server(cfg->server, host, sizeof host, port, sizeof port) != 0) {
    snprintf(err, errlen, "server '%s' is not HOST:PORT", cfg->server);
    goto fail;
  }
  if (!(c->ctx = till_tls_client_ctx(cfg->cert, cfg->key, cfg->ca, err, errlen)))
    goto fail;
  if ((c->fd = connect_tcp(host, port, cfg->timeout, err, errlen)) < 0)
    goto fail;
  if (!(c->ssl = SSL_new(c->ctx)) || SSL_set_fd(c->ssl, c->fd) != 1) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  /* verify the server's name or address against its certificate */
  SSL_set_tlsext_host_name(c->ssl, host);
  X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
  struct in6_addr a6;
  struct in_addr a4;
  if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1)
    X509_VERIFY_PARAM_set1_ip_asc(param, host);
  else
    X509_VERIFY_PARAM_set1_host(param, host, 0);
  if (SSL_connect(c->ssl) != 1) {
    long vr = SSL_get_verify_result(c->ssl);
    till_tls_errors_to(why, sizeof why);
    if (vr != X509_V_OK)
      snprintf(err, errlen, "TLS handshake with %s failed: server certificate: %s", cfg->server,
               X509_verify_cert_error_string(vr));
    else
      snprintf(err, errlen, "TLS handshake with %s failed: %s", cfg->server,
               why[0] ? why : "connection closed");
    goto fail;
  }
  return c;
 fail:
  cconn_close(c);
  return NULL;
}

static int
ssl_write_all(cconn_t *c, const uint8_t *buf, size_t len)
{
  while (len > 0) {
    size_t n = 0;
    if (SSL_write_ex(c->ssl, buf, len, &n) != 1)
      return -1;
    buf += n;
    len -= n;
  }
  return 0;
}

static int
ssl_read_all(cconn_t *c, uint8_t *buf, size_t len)
{
  while (len > 0) {
    size_t n = 0;
    if (SSL_read_ex(c->ssl, buf, len, &n) != 1)
      return -1;
    buf += n;
    len -= n;
  }
  return 0;
}

int
cconn_write_raw(cconn_t *c, const void *buf, size_t len)
{
  return ssl_write_all(c, buf, len);
}

int
cconn_wait_any(cconn_t *const *cs, size_t n, int timeout_ms, unsigned char *ready)
{
  struct pollfd p[CCONN_WAIT_MAX];
  size_t slot[CCONN_WAIT_MAX];
  size_t np = 0;
  int buffered = 0;
  if (n > CCONN_WAIT_MAX)
    return -1;
  for (size_t i = 0; i < n; i++) {
    ready[i] = 0;
    if (!cs[i])
      continue;
    if (SSL_pending(cs[i]->ssl) > 0) {
      ready[i] = 1; /* already decrypted: no need to wait for the socket */
      buffered++;
      continue;
    }
    p[np] = (struct pollfd){.fd = cs[i]->fd, .events = POLLIN};
    slot[np++] = i;
  }
  int rc = poll(p, (nfds_t)np, buffered ? 0 : timeout_ms);
  if (rc < 0)
    return errno == EINTR ? buffered : -1;
  for (size_t k = 0; k < np; k++)
    if (p[k].revents) /* POLLIN, or an error the next cconn_read reports */
      ready[slot[k]] = 1;
  return buffered + rc;
}

Till__V1__Envelope *
cconn_read(cconn_t *c, char *err, size_t errlen)
{
  uint8_t hdr[TILL_FRAME_HEADER];
  uint32_t len = 0;
  if (ssl_read_all(c, hdr, sizeof hdr) != 0) {
    char why[256];
    till_tls_errors_to(why, sizeof why);
    snprintf(err, errlen, "connection closed by the server%s%s", why[0] ? ": " : "", why);
    return NULL;
  }
  till_frame_result_t fr = till_frame_check(hdr, sizeof hdr, c->max_frame, &len);
  if (fr == TILL_FRAME_EMPTY || fr == TILL_FRAME_TOO_LARGE) {
    snprintf(err, errlen, "server sent a bad frame (%u bytes)", len);
    return NULL;
  }
  uint8_t *payload = malloc(len);
  if (!payload) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (ssl_read_all(c, payload, len) != 0) {
    free(payload);
    snprintf(err, errlen, "connection lost while reading the answer");
    return NULL;
  }
  Till__V1__Envelope *env = till__v1__envelope__unpack(NULL, len, payload);
  free(payload);
  if (!env)
    snprintf(err, errlen, "server sent an undecodable answer");
  return env;
}

Till__V1__Envelope *
cconn_call(cconn_t *c, Till__V1__Envelope *req, char *err, size_t errlen)
{
  req->request_id = c->next_id++;
  size_t n = till__v1__envelope__get_packed_size(req);
  if (n == 0 || n > c->max_frame) {
    snprintf(err, errlen, "request of %zu bytes exceeds the frame limit", n);
    return NULL;
  }
  uint8_t *buf = malloc(TILL_FRAME_HEADER + n);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  till_frame_put_header(buf, (uint32_t)n);
  till__v1__envelope__pack(req, buf + TILL_FRAME_HEADER);
  int wr = ssl_write_all(c, buf, TILL_FRAME_HEADER + n);
  free(buf);
  if (wr != 0) {
    /* a server that refused us sent an alert or an Error (id 0) first:
     * read it, so the user learns why */
    Till__V1__Envelope *resp = cconn_read(c, err, errlen);
    if (resp && resp->request_id == 0)
      return resp;
    if (resp) {
      till__v1__envelope__free_unpacked(resp, NULL);
      snprintf(err, errlen, "connection lost while sending");
    }
    return NULL;
  }
  /* answers to our single outstanding request; a connection-level error
   * (id 0) also ends the wait */
  for (int guard = 0; guard < 1000; guard++) {
    Till__V1__Envelope *resp = cconn_read(c, err, errlen);
    if (!resp)
      return NULL;
    if (resp->request_id == req->request_id || resp->request_id == 0)
      return resp;
    till__v1__envelope__free_unpacked(resp, NULL);
  }
  snprintf(err, errlen, "no answer to request %llu", (unsigned long long)req->request_id);
  return NULL;
}

void
cconn_abort(cconn_t *c)
{
  if (c && c->ssl)
    SSL_set_quiet_shutdown(c->ssl, 1); /* SSL_shutdown then sends nothing */
  cconn_close(c);
}

void
cconn_close(cconn_t *c)
{
  if (!c)
    return;
  if (c->ssl) {
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
  }
  if (c->fd >= 0)
    close(c->fd);
  SSL_CTX_free(c->ctx);
  free(c);
}
