/* conn.h -- the client's side of the wire: a blocking mutual-TLS connection
 * that sends one framed Envelope and waits for the answer with the same
 * request id. Generated protobuf types stop here and in the cmd_ files. */
#ifndef TILL_CLIENT_CONN_H
#define TILL_CLIENT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "till.pb-c.h"

typedef struct {
  char server[300];    /* host:port */
  char ca[1024];
  char cert[1024];
  char key[1024];
  char session_file[1024];
  int timeout;         /* seconds for connect, each read and each write */
  uint32_t max_frame;
  char language[32];   /* the `language` setting (i18n.h); "" = the locale's */
} client_cfg_t;

typedef struct cconn cconn_t;

/* Connect and handshake. NULL with the reason in err. */
cconn_t *cconn_open(const client_cfg_t *cfg, char *err, size_t errlen);

/* Send <req> (its request_id is set here) and return the unpacked response
 * (caller frees with till__v1__envelope__free_unpacked), or NULL with err set
 * when the connection failed -- then it is unknown whether the server acted,
 * and the caller may retry a request that carries an idempotency key. */
Till__V1__Envelope *cconn_call(cconn_t *c, Till__V1__Envelope *req, char *err, size_t errlen);

/* Send raw bytes (tests of hostile input use the real TLS stack this way). */
int cconn_write_raw(cconn_t *c, const void *buf, size_t len);
/* Read one frame's payload into an unpacked envelope; NULL on EOF/error. */
Till__V1__Envelope *cconn_read(cconn_t *c, char *err, size_t errlen);

#define CCONN_WAIT_MAX 1024
/* Wait up to <timeout_ms> for an answer's bytes on any of up to
 * CCONN_WAIT_MAX connections (NULL entries are skipped): sets ready[i] to 1
 * for each cs[i] with some bytes (or a failure, which the next cconn_read
 * reports) and 0 for the others, and returns how many are ready, 0 if the
 * time ran out, -1 if n is too large or poll failed. For a caller that
 * drives several connections from one thread, or paces its requests and
 * must not block in cconn_read past its next send. */
int cconn_wait_any(cconn_t *const *cs, size_t n, int timeout_ms, unsigned char *ready);

void cconn_close(cconn_t *c);

/* Close without a TLS close_notify, as a client that crashes or loses power
 * would (tests of how the server logs such peers). */
void cconn_abort(cconn_t *c);

#endif
