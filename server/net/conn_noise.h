/* conn_noise.h -- what clients that come and go badly leave in the log.
 *
 * A client that closes without a TLS close_notify, or whose connection ends
 * with a TLS error after the handshake, is one line at info; a failed TLS
 * handshake is one line at notice for the first one from each source
 * address (the last NOISE_SOURCES addresses are remembered), at info after
 * that. Once a minute, and at shutdown, one notice counts what the minute
 * had, so a scanner or a flapping client shows as a figure, not as two
 * thousand lines. Event-loop thread only. */
#ifndef TILLD_CONN_NOISE_H
#define TILLD_CONN_NOISE_H

#include <event2/event.h>

#define NOISE_SOURCES 256
#define NOISE_SOURCE_MAX 48   /* an IPv6 address in text, with room */
#define NOISE_PERIOD_S 60

typedef struct {
  int ended_badly;         /* connections ended without close_notify / with a TLS error */
  int handshakes_failed;
  int new_sources;         /* of those handshakes, from an address not seen before */
  char sources[NOISE_SOURCES][NOISE_SOURCE_MAX];
  int next_source;         /* ring: the oldest address is forgotten first */
  struct event *tick;
} conn_noise_t;

/* Start the minute's timer on <base>. 0, or -1 if it cannot be made. */
int conn_noise_init(conn_noise_t *n, struct event_base *base);

/* Report what the unfinished minute had and stop the timer. */
void conn_noise_free(conn_noise_t *n);

/* A connection from <peer> ("ADDR:PORT") whose TLS handshake failed with
 * <why>: logged at notice if it is the first from ADDR, else at info. */
void conn_noise_handshake_failed(conn_noise_t *n, const char *peer, const char *why);

/* The same for a handshake not finished within <seconds>. */
void conn_noise_handshake_timeout(conn_noise_t *n, const char *peer, int seconds);

/* A connection that ended without close_notify or with a TLS error after
 * its handshake: logged at info, counted. */
void conn_noise_ended_badly(conn_noise_t *n, const char *peer, const char *terminal,
                            const char *why);

#endif
