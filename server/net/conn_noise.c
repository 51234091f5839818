/* conn_noise.c -- rate-limited logging of connections that end badly; see
 * conn_noise.h. */
#include "conn_noise.h"

#include <stdio.h>
#include <string.h>

#include "till_log.h"

/* The address part of "ADDR:PORT" (the port is whatever follows the last
 * colon, so IPv6 addresses keep theirs). */
static void
source_of(const char *peer, char *out, size_t len)
{
  const char *colon = strrchr(peer, ':');
  size_t n = colon ? (size_t)(colon - peer) : strlen(peer);
  if (n >= len)
    n = len - 1;
  memcpy(out, peer, n);
  out[n] = '\0';
}

/* 1 if <src> was seen before; else remember it (forgetting the oldest). */
static int
seen_before(conn_noise_t *n, const char *src)
{
  for (int i = 0; i < NOISE_SOURCES; i++)
    if (n->sources[i][0] && strcmp(n->sources[i], src) == 0)
      return 1;
  snprintf(n->sources[n->next_source], NOISE_SOURCE_MAX, "%s", src);
  n->next_source = (n->next_source + 1) % NOISE_SOURCES;
  return 0;
}

static void
report(conn_noise_t *n, const char *period)
{
  if (n->ended_badly == 0 && n->handshakes_failed == 0)
    return;
  log_notice(LD_NET,
             "%s: %d connection(s) ended without a TLS close_notify or with a TLS error; "
             "%d TLS handshake(s) failed (%d from new addresses)",
             period, n->ended_badly, n->handshakes_failed, n->new_sources);
  n->ended_badly = n->handshakes_failed = n->new_sources = 0;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
  (void)fd;
  (void)what;
  report(arg, "in the last minute");
}

int
conn_noise_init(conn_noise_t *n, struct event_base *base)
{
  memset(n, 0, sizeof *n);
  n->tick = event_new(base, -1, EV_PERSIST, on_tick, n);
  struct timeval tv = {NOISE_PERIOD_S, 0};
  if (!n->tick || event_add(n->tick, &tv) != 0)
    return -1;
  return 0;
}

void
conn_noise_free(conn_noise_t *n)
{
  report(n, "since the last count");
  if (n->tick)
    event_free(n->tick);
  n->tick = NULL;
}

void
conn_noise_handshake_failed(conn_noise_t *n, const char *peer, const char *why)
{
  char src[NOISE_SOURCE_MAX];
  source_of(peer, src, sizeof src);
  n->handshakes_failed++;
  if (!seen_before(n, src)) {
    n->new_sources++;
    log_notice(LD_TLS, "%s: TLS handshake failed: %s (the first from %s; more are counted "
                       "once a minute)", peer, why, src);
  } else {
    log_info(LD_TLS, "%s: TLS handshake failed: %s", peer, why);
  }
}

void
conn_noise_handshake_timeout(conn_noise_t *n, const char *peer, int seconds)
{
  char why[64];
  snprintf(why, sizeof why, "not finished within %d s", seconds);
  conn_noise_handshake_failed(n, peer, why);
}

void
conn_noise_ended_badly(conn_noise_t *n, const char *peer, const char *terminal, const char *why)
{
  n->ended_badly++;
  log_info(LD_NET, "%s (%s): connection ended: %s", peer, terminal[0] ? terminal : "-", why);
}
