/* till_log.h -- levelled logging with a domain, to stderr.
 *
 * Thread-safe: each message is formatted into a local buffer and written with
 * one write(2). Never log PINs, passwords, session tokens or keys. */
#ifndef TILL_LOG_H
#define TILL_LOG_H

typedef enum { LOG_DEBUG = 0, LOG_INFO, LOG_NOTICE, LOG_WARN, LOG_ERR } till_log_level_t;

/* Domains name the subsystem a message comes from. */
#define LD_GENERAL "general"
#define LD_NET     "net"
#define LD_TLS     "tls"
#define LD_PROTO   "proto"
#define LD_STORE   "store"
#define LD_AUTH    "auth"
#define LD_LEDGER  "ledger"
#define LD_CONFIG  "config"

void till_log_set_level(till_log_level_t min);
/* Parse "debug|info|notice|warn|err". Returns 0 or -1. */
int till_log_parse_level(const char *s, till_log_level_t *out /* OUT */);
void till_log(till_log_level_t lvl, const char *domain, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

#define log_debug(d, ...)  till_log(LOG_DEBUG, d, __VA_ARGS__)
#define log_info(d, ...)   till_log(LOG_INFO, d, __VA_ARGS__)
#define log_notice(d, ...) till_log(LOG_NOTICE, d, __VA_ARGS__)
#define log_warn(d, ...)   till_log(LOG_WARN, d, __VA_ARGS__)
#define log_err(d, ...)    till_log(LOG_ERR, d, __VA_ARGS__)

#endif
