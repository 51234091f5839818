/* till_probe.c -- a small hostile and diagnostic client for the integration
 * tests.
 *
 *   till-probe --server HOST:PORT --ca F --cert F --key F MODE [ARGS]
 *
 * It speaks to a real tilld over the real TLS stack (client/conn.h), but
 * sends what the well-behaved `till` never would: frames with a bad length,
 * undecodable payloads, no TLS at all, a login raced against SIGTERM. It
 * prints one line per thing it saw, so a test script can assert on them:
 *
 *   error <CODE> <message>   an Error envelope (CODE is the ErrorCode number)
 *   ok <what>                the answer the mode hoped for
 *   closed [...]             the server ended the connection
 *
 * Exit status: 0 when the mode's expectation was met (see usage()), 1 when
 * it was not, 2 for a usage error, 3 when the TLS connection could not be
 * set up at all. Every wait is bounded: the connection's socket timeout
 * (PROBE_TIMEOUT seconds per read or write) and an overall deadline per mode.
 * Leaves framing, TLS and protobuf to the client's conn layer; knows nothing
 * about the server beyond the wire protocol. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "till_frame.h"
#include "till_util.h"
#include "tool_opts.h"

#define PROBE_TIMEOUT 10        /* seconds: socket timeout and close deadline */
#define PROBE_MAX_READS 16      /* frames read before giving up on a close */
#define PROBE_GARBAGE_MAX (64u * 1024u * 1024u)
#define PROBE_SIGNAL_DELAY_MS 30
#define PROBE_GATE_WAIT_MS 20000
#define PROBE_LOGIN_ID 4242u

#define EXIT_MET 0
#define EXIT_NOT_MET 1
#define EXIT_USAGE 2
#define EXIT_CONN 3

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: till-probe --server HOST:PORT --ca F --cert F --key F MODE [ARGS]\n"
          "modes:\n"
          "  oversize          frame header announcing 0xFFFFFFFF bytes\n"
          "  zero              frame header announcing 0 bytes\n"
          "  garbage N         a header of N (1..64 MiB) and N bytes that are no Envelope\n"
          "      these three print 'error CODE MESSAGE' per Error envelope, then 'closed';\n"
          "      exit 0 if the server closed the connection within %d s\n"
          "  nohandshake S     plain TCP, no TLS; prints 'connected', then\n"
          "                    'closed after MS ms' (exit 0) or 'still open after S s' (exit 1)\n"
          "  whoami TOKEN      'ok USER' (exit 0) or 'error CODE MESSAGE' / 'closed ...' (exit 1)\n"
          "  hold-whoami TOKEN GATEFILE\n"
          "                    whoami, print 'ready', wait (<= %d s) for GATEFILE to exist,\n"
          "                    whoami again on the same connection; exit 0 if both answered\n"
          "  pipeline TOKEN    three whoami requests (ids 5, 6, 7) and a frame of length 0 in\n"
          "                    one write; prints 'id=N body=B' or 'id=N error CODE' per frame\n"
          "                    in the order read, then 'closed'; exit 0 if the server closed\n"
          "  vanish N          N connections (1..1000), one after the other: each takes one\n"
          "                    answer, then closes its socket without a TLS close_notify;\n"
          "                    prints 'vanished N' (exit 0)\n"
          "  login-then-signal PID USER PASSWORD\n"
          "                    round trip once, send a LoginRequest, wait %d ms, SIGTERM PID,\n"
          "                    then read: 'ok login' (exit 0), 'error ...' or 'closed' (exit 1)\n"
          "exit 2: usage error; exit 3: the (TLS) connection could not be set up\n",
          PROBE_TIMEOUT, PROBE_GATE_WAIT_MS / 1000, PROBE_SIGNAL_DELAY_MS);
}

static void
sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Print one received envelope in the line format above. */
static void
print_envelope(const Till__V1__Envelope *env)
{
  if (env->body_case == TILL__V1__ENVELOPE__BODY_ERROR && env->error)
    printf("error %d %s\n", (int)env->error->code, env->error->message ? env->error->message : "");
  else
    printf("frame id=%llu body=%d\n", (unsigned long long)env->request_id, (int)env->body_case);
  fflush(stdout);
}

/* Pack <env> (request_id as set by the caller) into a framed, malloc'd
 * buffer. NULL on failure. */
static uint8_t *
pack_frame(const Till__V1__Envelope *env, size_t *len /* OUT */)
{
  size_t n = till__v1__envelope__get_packed_size(env);
  if (n == 0 || n > UINT32_MAX)
    return NULL;
  uint8_t *buf = malloc(TILL_FRAME_HEADER + n);
  if (!buf)
    return NULL;
  till_frame_put_header(buf, (uint32_t)n);
  till__v1__envelope__pack(env, buf + TILL_FRAME_HEADER);
  *len = TILL_FRAME_HEADER + n;
  return buf;
}

/* Read and print frames until the server closes the connection. Returns 1 if
 * it closed before PROBE_TIMEOUT seconds had passed, 0 if it did not. A read
 * that fails only because the socket timeout ran out is not a close. */
static int
read_until_closed(cconn_t *c)
{
  char err[512];
  int64_t start = till_mono_ms(), limit = (int64_t)PROBE_TIMEOUT * 1000;
  for (int i = 0; i < PROBE_MAX_READS; i++) {
    int64_t t0 = till_mono_ms();
    if (t0 - start >= limit)
      break;
    errno = 0;
    Till__V1__Envelope *env = cconn_read(c, err, sizeof err);
    int64_t t1 = till_mono_ms();
    if (!env) {
      int timed_out = (errno == EAGAIN || errno == EWOULDBLOCK) &&
                      t1 - t0 >= (int64_t)PROBE_TIMEOUT * 1000 - 250;
      if (timed_out || t1 - start >= limit)
        break;
      printf("closed\n");
      return 1;
    }
    print_envelope(env);
    till__v1__envelope__free_unpacked(env, NULL);
  }
  printf("still open after %d s\n", PROBE_TIMEOUT);
  return 0;
}

static int
mode_bad_frame(cconn_t *c, const char *mode, const char *arg)
{
  uint8_t hdr[TILL_FRAME_HEADER];
  uint8_t *payload = NULL;
  uint32_t n = 0;
  int rc = EXIT_NOT_MET;
  if (strcmp(mode, "oversize") == 0) {
    till_frame_put_header(hdr, UINT32_MAX);
  } else if (strcmp(mode, "zero") == 0) {
    till_frame_put_header(hdr, 0);
  } else {
    int64_t v;
    if (!arg || till_parse_i64(arg, 1, PROBE_GARBAGE_MAX, &v) != 0) {
      fprintf(stderr, "till-probe: garbage needs a length from 1 to %u\n", PROBE_GARBAGE_MAX);
      return EXIT_USAGE;
    }
    n = (uint32_t)v;
    if (!(payload = malloc(n)) || till_random(payload, n) != 0) {
      fprintf(stderr, "till-probe: cannot make %u random bytes\n", n);
      goto done;
    }
    /* Field 1 with wire type 7, which does not exist: whatever the random
     * bytes after it say, this is no Envelope. */
    payload[0] = (uint8_t)((1u << 3) | 7u);
    till_frame_put_header(hdr, n);
  }
  if (cconn_write_raw(c, hdr, sizeof hdr) != 0 || (n && cconn_write_raw(c, payload, n) != 0)) {
    /* the server may close while we are still sending; what it said before
     * that is still worth reading */
    fprintf(stderr, "till-probe: write failed; reading what the server sent\n");
  }
  rc = read_until_closed(c) ? EXIT_MET : EXIT_NOT_MET;
 done:
  free(payload);
  return rc;
}

/* One whoami on <c>. 0 if answered with a session, else -1 (printed). */
static int
whoami_once(cconn_t *c, const char *token)
{
  char err[512];
  Till__V1__WhoamiRequest wr = TILL__V1__WHOAMI_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.session = (char *)token;
  req.body_case = TILL__V1__ENVELOPE__BODY_WHOAMI_REQ;
  req.whoami_req = &wr;
  Till__V1__Envelope *resp = cconn_call(c, &req, err, sizeof err);
  if (!resp) {
    printf("closed %s\n", err);
    return -1;
  }
  int rc = -1;
  if (resp->body_case == TILL__V1__ENVELOPE__BODY_WHOAMI_RESP && resp->whoami_resp->session) {
    printf("ok %s\n", resp->whoami_resp->session->user);
    rc = 0;
  } else {
    print_envelope(resp);
  }
  fflush(stdout);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

static int
mode_hold_whoami(cconn_t *c, const char *token, const char *gate)
{
  struct stat sb;
  if (whoami_once(c, token) != 0)
    return EXIT_NOT_MET;
  printf("ready\n");
  fflush(stdout);
  int64_t deadline = till_mono_ms() + PROBE_GATE_WAIT_MS;
  while (stat(gate, &sb) != 0) {
    if (till_mono_ms() >= deadline) {
      printf("gate %s did not appear within %d s\n", gate, PROBE_GATE_WAIT_MS / 1000);
      return EXIT_NOT_MET;
    }
    sleep_ms(20);
  }
  return whoami_once(c, token) == 0 ? EXIT_MET : EXIT_NOT_MET;
}

static int
mode_login_then_signal(cconn_t *c, const char *pid_s, const char *user, const char *password)
{
  char err[512];
  int64_t pid;
  size_t len = 0;
  int rc = EXIT_NOT_MET;
  if (till_parse_i64(pid_s, 2, INT32_MAX, &pid) != 0) {
    fprintf(stderr, "till-probe: '%s' is not a process id\n", pid_s);
    return EXIT_USAGE;
  }
  /* One round trip first (an envelope without a body is answered at once),
   * so the server has finished its terminal check and reads our frames:
   * the login is then surely in flight when the signal lands. */
  Till__V1__Envelope ping = TILL__V1__ENVELOPE__INIT;
  Till__V1__Envelope *pong = cconn_call(c, &ping, err, sizeof err);
  if (!pong) {
    printf("closed %s\n", err);
    return EXIT_NOT_MET;
  }
  till__v1__envelope__free_unpacked(pong, NULL);

  Till__V1__LoginRequest lr = TILL__V1__LOGIN_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  lr.user = (char *)user;
  lr.password = (char *)password;
  req.request_id = PROBE_LOGIN_ID;
  req.body_case = TILL__V1__ENVELOPE__BODY_LOGIN_REQ;
  req.login_req = &lr;
  uint8_t *frame = pack_frame(&req, &len);
  if (!frame) {
    fprintf(stderr, "till-probe: cannot pack the login request\n");
    return EXIT_NOT_MET;
  }
  int wr = cconn_write_raw(c, frame, len);
  free(frame);
  if (wr != 0) {
    printf("closed while sending the login\n");
    return EXIT_NOT_MET;
  }
  sleep_ms(PROBE_SIGNAL_DELAY_MS);
  if (kill((pid_t)pid, SIGTERM) != 0) {
    fprintf(stderr, "till-probe: kill %lld: %s\n", (long long)pid, strerror(errno));
    return EXIT_NOT_MET;
  }
  int64_t deadline = till_mono_ms() + (int64_t)PROBE_TIMEOUT * 1000;
  for (int i = 0; i < PROBE_MAX_READS && till_mono_ms() < deadline; i++) {
    Till__V1__Envelope *resp = cconn_read(c, err, sizeof err);
    if (!resp) {
      printf("closed %s\n", err);
      return EXIT_NOT_MET;
    }
    if (resp->body_case == TILL__V1__ENVELOPE__BODY_LOGIN_RESP &&
        resp->request_id == PROBE_LOGIN_ID) {
      printf("ok login\n");
      rc = EXIT_MET;
    } else {
      print_envelope(resp);
    }
    int last = resp->request_id == PROBE_LOGIN_ID || resp->request_id == 0;
    till__v1__envelope__free_unpacked(resp, NULL);
    if (last)
      return rc;
  }
  printf("no answer to the login within %d s\n", PROBE_TIMEOUT);
  return EXIT_NOT_MET;
}

/* Several requests and then a frame the server must refuse, all in one
 * write: the refusal (id 0, then close) must come after the answers the
 * server still owes (docs/protocol.md, section 17, item 4). */
static int
mode_pipeline(cconn_t *c, const char *token)
{
  enum { N_ASK = 3 };
  uint8_t *frames[N_ASK] = {NULL};
  size_t lens[N_ASK] = {0}, total = TILL_FRAME_HEADER, at = 0;
  int rc = EXIT_NOT_MET;
  uint8_t *all = NULL;
  Till__V1__WhoamiRequest wr = TILL__V1__WHOAMI_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.session = (char *)token;
  req.body_case = TILL__V1__ENVELOPE__BODY_WHOAMI_REQ;
  req.whoami_req = &wr;
  for (int i = 0; i < N_ASK; i++) {
    req.request_id = (uint64_t)(5 + i);
    if (!(frames[i] = pack_frame(&req, &lens[i]))) {
      fprintf(stderr, "till-probe: cannot pack a whoami\n");
      goto done;
    }
    total += lens[i];
  }
  if (!(all = malloc(total)))
    goto done;
  for (int i = 0; i < N_ASK; i++) {
    memcpy(all + at, frames[i], lens[i]);
    at += lens[i];
  }
  till_frame_put_header(all + at, 0);
  if (cconn_write_raw(c, all, total) != 0)
    fprintf(stderr, "till-probe: write failed; reading what the server sent\n");
  char err[512];
  int64_t deadline = till_mono_ms() + (int64_t)PROBE_TIMEOUT * 1000;
  for (int i = 0; i < PROBE_MAX_READS && till_mono_ms() < deadline; i++) {
    Till__V1__Envelope *env = cconn_read(c, err, sizeof err);
    if (!env) {
      printf("closed\n");
      rc = EXIT_MET;
      break;
    }
    if (env->body_case == TILL__V1__ENVELOPE__BODY_ERROR && env->error)
      printf("id=%llu error %d\n", (unsigned long long)env->request_id, (int)env->error->code);
    else
      printf("id=%llu body=%d\n", (unsigned long long)env->request_id, (int)env->body_case);
    fflush(stdout);
    till__v1__envelope__free_unpacked(env, NULL);
  }
 done:
  for (int i = 0; i < N_ASK; i++)
    free(frames[i]);
  free(all);
  return rc;
}

/* N clients that each take an answer and vanish without close_notify. */
static int
mode_vanish(const client_cfg_t *cfg, const char *n_s)
{
  int64_t n;
  char err[512];
  if (till_parse_i64(n_s, 1, 1000, &n) != 0) {
    fprintf(stderr, "till-probe: vanish needs a count from 1 to 1000\n");
    return EXIT_USAGE;
  }
  for (int64_t i = 0; i < n; i++) {
    cconn_t *c = cconn_open(cfg, err, sizeof err);
    if (!c) {
      printf("closed %s\n", err);
      return EXIT_CONN;
    }
    Till__V1__Envelope ping = TILL__V1__ENVELOPE__INIT;
    Till__V1__Envelope *pong = cconn_call(c, &ping, err, sizeof err);
    if (!pong) {
      printf("closed %s\n", err);
      cconn_abort(c);
      return EXIT_NOT_MET;
    }
    till__v1__envelope__free_unpacked(pong, NULL);
    cconn_abort(c);
  }
  printf("vanished %lld\n", (long long)n);
  return EXIT_MET;
}

/* Plain TCP: connect, send nothing, and time how long the server keeps the
 * connection open. */
static int
mode_nohandshake(const char *server, const char *secs_s)
{
  char host[256], port[16];
  int64_t secs;
  int fd = -1, rc = EXIT_NOT_MET;
  struct addrinfo hints = {0}, *res = NULL;
  if (till_parse_i64(secs_s, 1, 3600, &secs) != 0) {
    fprintf(stderr, "till-probe: nohandshake needs seconds from 1 to 3600\n");
    return EXIT_USAGE;
  }
  const char *colon = strrchr(server, ':');
  size_t hl = colon ? (size_t)(colon - server) : 0;
  if (!colon || hl == 0 || hl >= sizeof host || strlen(colon + 1) >= sizeof port) {
    fprintf(stderr, "till-probe: server '%s' is not HOST:PORT\n", server);
    return EXIT_USAGE;
  }
  memcpy(host, server, hl);
  host[hl] = '\0';
  snprintf(port, sizeof port, "%s", colon + 1);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    fprintf(stderr, "till-probe: cannot resolve %s: %s\n", host, gai_strerror(gai));
    return EXIT_CONN;
  }
  fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0) {
    fprintf(stderr, "till-probe: socket: %s\n", strerror(errno));
    rc = EXIT_CONN;
    goto done;
  }
  struct timeval tv = {PROBE_TIMEOUT, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* bounds connect() */
  if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    fprintf(stderr, "till-probe: connect to %s: %s\n", server, strerror(errno));
    rc = EXIT_CONN;
    goto done;
  }
  printf("connected\n");
  fflush(stdout);
  int64_t start = till_mono_ms(), deadline = start + secs * 1000;
  for (;;) {
    int64_t left = deadline - till_mono_ms();
    if (left <= 0) {
      printf("still open after %lld s\n", (long long)secs);
      break;
    }
    struct pollfd pfd = {fd, POLLIN, 0};
    int pr = poll(&pfd, 1, (int)left);
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr < 0) {
      fprintf(stderr, "till-probe: poll: %s\n", strerror(errno));
      break;
    }
    if (pr == 0)
      continue; /* the deadline check above ends the loop */
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0)
      continue; /* bytes without a handshake: ignore, wait for the close */
    if (n < 0 && errno == EINTR)
      continue;
    printf("closed after %lld ms\n", (long long)(till_mono_ms() - start));
    rc = EXIT_MET;
    break;
  }
 done:
  if (fd >= 0)
    close(fd);
  freeaddrinfo(res);
  return rc;
}

int
main(int argc, char **argv)
{
  client_cfg_t cfg;
  char err[1024];
  int i = 1, rc = EXIT_USAGE;
  cconn_t *c = NULL;
  memset(&cfg, 0, sizeof cfg);
  cfg.timeout = PROBE_TIMEOUT;
  cfg.max_frame = TILL_FRAME_DEFAULT_MAX;
  signal(SIGPIPE, SIG_IGN);
  for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
    if (tool_conn_option(&cfg, argv[i], argv[i + 1]) != 0) {
      fprintf(stderr, "till-probe: bad option %s\n", argv[i]);
      usage(stderr);
      return EXIT_USAGE;
    }
  }
  const char *mode = i < argc ? argv[i] : NULL;
  const char *a1 = i + 1 < argc ? argv[i + 1] : NULL;
  const char *a2 = i + 2 < argc ? argv[i + 2] : NULL;
  const char *a3 = i + 3 < argc ? argv[i + 3] : NULL;
  if (!mode || !cfg.server[0]) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(mode, "vanish") == 0 && a1 && cfg.ca[0] && cfg.cert[0] && cfg.key[0])
    return mode_vanish(&cfg, a1);
  if (strcmp(mode, "nohandshake") == 0)
    return a1 ? mode_nohandshake(cfg.server, a1) : (usage(stderr), EXIT_USAGE);

  int known = strcmp(mode, "oversize") == 0 || strcmp(mode, "zero") == 0 ||
              (strcmp(mode, "garbage") == 0 && a1) || (strcmp(mode, "whoami") == 0 && a1) ||
              (strcmp(mode, "pipeline") == 0 && a1) ||
              (strcmp(mode, "hold-whoami") == 0 && a2) ||
              (strcmp(mode, "login-then-signal") == 0 && a3);
  if (!known || !cfg.ca[0] || !cfg.cert[0] || !cfg.key[0]) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (!(c = cconn_open(&cfg, err, sizeof err))) {
    printf("closed %s\n", err);
    return EXIT_CONN;
  }
  if (strcmp(mode, "whoami") == 0)
    rc = whoami_once(c, a1) == 0 ? EXIT_MET : EXIT_NOT_MET;
  else if (strcmp(mode, "pipeline") == 0)
    rc = mode_pipeline(c, a1);
  else if (strcmp(mode, "hold-whoami") == 0)
    rc = mode_hold_whoami(c, a1, a2);
  else if (strcmp(mode, "login-then-signal") == 0)
    rc = mode_login_then_signal(c, a1, a2, a3);
  else
    rc = mode_bad_frame(c, mode, a1);
  fflush(stdout);
  cconn_close(c);
  return rc;
}
