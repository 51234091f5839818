/* config.c -- tilld settings; see config.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "till_conf.h"
#include "till_frame.h"
#include "till_log.h"
#include "till_money.h"
#include "till_util.h"

void
config_defaults(config_t *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->listen_host, sizeof cfg->listen_host, "127.0.0.1");
  cfg->listen_port = 7443;
  snprintf(cfg->db, sizeof cfg->db, "till.db");
  snprintf(cfg->cert, sizeof cfg->cert, "certs/dev/server.crt");
  snprintf(cfg->key, sizeof cfg->key, "certs/dev/server.key");
  snprintf(cfg->ca, sizeof cfg->ca, "certs/dev/ca.crt");
  cfg->tls_min_version = TLS1_3_VERSION;
  cfg->max_frame = TILL_FRAME_DEFAULT_MAX;
  cfg->max_connections = 512;
  cfg->handshake_timeout = 10;
  cfg->idle_timeout = 300;
  cfg->max_conn_buffer = 4u * 1024 * 1024;
  cfg->max_inflight = 64;
  cfg->max_queued = 8192;
  cfg->session_ttl = 12 * 3600;
  cfg->lockout_failures = 5;
  cfg->lockout_window = 15 * 60;
  cfg->lockout_duration = 15 * 60;
  cfg->readers = 2;
  cfg->max_batch = 1024;
  cfg->shutdown_grace = 10;
  cfg->charge_slice_ms = 5;
  snprintf(cfg->sync_mode, sizeof cfg->sync_mode, "full");
  cfg->blind_close = 1;
  cfg->refund_partial = 1; /* ---- refunds ---- */
  cfg->signing_key_strict = 1;
  cfg->log_level = LOG_INFO;
  /* CNY notes 100, 50, 20, 10, 5, 1 yuan; coins 1 yuan, 5 jiao, 1 jiao */
  static const int64_t cny[] = {10000, 5000, 2000, 1000, 500, 100, 50, 10};
  for (size_t i = 0; i < sizeof cny / sizeof cny[0]; i++)
    cfg->denominations[i] = cny[i];
  cfg->n_denominations = sizeof cny / sizeof cny[0];
}

static int
set_int(int *dst, const char *key, const char *value, int64_t min, int64_t max, char *err,
        size_t errlen)
{
  int64_t v;
  if (till_parse_i64(value, min, max, &v) != 0) {
    snprintf(err, errlen, "%s: '%s' is not a whole number from %lld to %lld", key, value,
             (long long)min, (long long)max);
    return -1;
  }
  *dst = (int)v;
  return 0;
}

static int
set_str(char *dst, size_t cap, const char *key, const char *value, char *err, size_t errlen)
{
  size_t n = strlen(value);
  if (n >= cap) {
    snprintf(err, errlen, "%s: value longer than %zu characters", key, cap - 1);
    return -1;
  }
  memcpy(dst, value, n + 1);
  return 0;
}

static int
set_listen(config_t *cfg, const char *value, char *err, size_t errlen)
{
  const char *colon = strrchr(value, ':');
  if (!colon || colon == value) {
    snprintf(err, errlen, "listen: '%s' is not HOST:PORT (e.g. 127.0.0.1:7443)", value);
    return -1;
  }
  size_t hl = (size_t)(colon - value);
  if (hl >= sizeof cfg->listen_host) {
    snprintf(err, errlen, "listen: host too long");
    return -1;
  }
  int port;
  if (set_int(&port, "listen port", colon + 1, 0, 65535, err, errlen) != 0)
    return -1;
  memcpy(cfg->listen_host, value, hl);
  cfg->listen_host[hl] = '\0';
  /* accept [::1]:7443 */
  if (cfg->listen_host[0] == '[' && hl >= 2 && cfg->listen_host[hl - 1] == ']') {
    memmove(cfg->listen_host, cfg->listen_host + 1, hl - 2);
    cfg->listen_host[hl - 2] = '\0';
  }
  cfg->listen_port = port;
  return 0;
}

int
config_set(config_t *cfg, const char *key, const char *value, char *err, size_t errlen)
{
  int tmp;
  if (strcmp(key, "listen") == 0)
    return set_listen(cfg, value, err, errlen);
  if (strcmp(key, "port_file") == 0)
    return set_str(cfg->port_file, sizeof cfg->port_file, key, value, err, errlen);
  if (strcmp(key, "db") == 0)
    return set_str(cfg->db, sizeof cfg->db, key, value, err, errlen);
  if (strcmp(key, "cert") == 0)
    return set_str(cfg->cert, sizeof cfg->cert, key, value, err, errlen);
  if (strcmp(key, "key") == 0)
    return set_str(cfg->key, sizeof cfg->key, key, value, err, errlen);
  if (strcmp(key, "ca") == 0)
    return set_str(cfg->ca, sizeof cfg->ca, key, value, err, errlen);
  if (strcmp(key, "crl") == 0)
    return set_str(cfg->crl, sizeof cfg->crl, key, value, err, errlen);
  /* ---- keys: where the chain-signing key lives, and how strictly it is checked ---- */
  if (strcmp(key, "signing_key") == 0)
    return set_str(cfg->signing_key, sizeof cfg->signing_key, key, value, err, errlen);
  if (strcmp(key, "signing_key_check") == 0) {
    if (strcmp(value, "strict") != 0 && strcmp(value, "dev") != 0) {
      snprintf(err, errlen, "signing_key_check: '%s' must be strict or dev", value);
      return -1;
    }
    cfg->signing_key_strict = strcmp(value, "strict") == 0;
    return 0;
  }
  if (strcmp(key, "tls_min_version") == 0) {
    if (strcmp(value, "1.3") == 0)
      cfg->tls_min_version = TLS1_3_VERSION;
    else if (strcmp(value, "1.2") == 0)
      cfg->tls_min_version = TLS1_2_VERSION;
    else {
      snprintf(err, errlen, "tls_min_version: '%s' must be 1.3 or 1.2", value);
      return -1;
    }
    return 0;
  }
  if (strcmp(key, "max_frame") == 0) {
    if (set_int(&tmp, key, value, 64, TILL_FRAME_LIMIT_MAX, err, errlen) != 0)
      return -1;
    cfg->max_frame = (uint32_t)tmp;
    return 0;
  }
  if (strcmp(key, "max_conn_buffer") == 0) {
    if (set_int(&tmp, key, value, 64 * 1024, 1024 * 1024 * 1024, err, errlen) != 0)
      return -1;
    cfg->max_conn_buffer = (size_t)tmp;
    return 0;
  }
  if (strcmp(key, "sync") == 0) {
    if (strcmp(value, "full") != 0 && strcmp(value, "normal") != 0) {
      snprintf(err, errlen, "sync: '%s' must be full or normal", value);
      return -1;
    }
    return set_str(cfg->sync_mode, sizeof cfg->sync_mode, key, value, err, errlen);
  }
  if (strcmp(key, "office") == 0)
    return set_str(cfg->office, sizeof cfg->office, key, value, err, errlen);
  if (strcmp(key, "blind_close") == 0) {
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
      snprintf(err, errlen, "blind_close: '%s' must be on or off", value);
      return -1;
    }
    cfg->blind_close = strcmp(value, "on") == 0;
    return 0;
  }
  /* ---- refunds: settings ---- */
  if (strcmp(key, "refund_partial") == 0) {
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
      snprintf(err, errlen, "refund_partial: '%s' must be on or off", value);
      return -1;
    }
    cfg->refund_partial = strcmp(value, "on") == 0;
    return 0;
  }
  /* ---- end of refunds: settings ---- */
  if (strcmp(key, "denominations") == 0) {
    char buf[256];
    size_t n = 0;
    if (strlen(value) >= sizeof buf) {
      snprintf(err, errlen, "denominations: too long");
      return -1;
    }
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      int64_t fen;
      if (n == sizeof cfg->denominations / sizeof cfg->denominations[0] ||
          till_money_parse(tok, &fen) != 0 || fen <= 0) {
        snprintf(err, errlen, "denominations: '%s' must be up to 16 positive yuan amounts, "
                 "e.g. 100,50,20,10,5,1,0.5,0.1", value);
        return -1;
      }
      cfg->denominations[n++] = fen;
    }
    if (n == 0) {
      snprintf(err, errlen, "denominations: at least one is needed");
      return -1;
    }
    cfg->n_denominations = n;
    return 0;
  }
  if (strcmp(key, "log_level") == 0) {
    till_log_level_t lvl;
    if (till_log_parse_level(value, &lvl) != 0) {
      snprintf(err, errlen, "log_level: '%s' must be debug, info, notice, warn or err", value);
      return -1;
    }
    cfg->log_level = (int)lvl;
    return 0;
  }
  static const struct {
    const char *name;
    size_t off;
    int64_t min, max;
  } ints[] = {
    {"max_connections", offsetof(config_t, max_connections), 1, 100000},
    {"handshake_timeout", offsetof(config_t, handshake_timeout), 1, 3600},
    {"idle_timeout", offsetof(config_t, idle_timeout), 1, 86400},
    {"max_inflight", offsetof(config_t, max_inflight), 1, 10000},
    {"max_queued", offsetof(config_t, max_queued), 16, 1000000},
    {"max_db_pages", offsetof(config_t, max_db_pages), 0, 2147483647},
    {"session_ttl", offsetof(config_t, session_ttl), 60, 30 * 86400},
    {"lockout_failures", offsetof(config_t, lockout_failures), 1, 100},
    {"lockout_window", offsetof(config_t, lockout_window), 1, 86400},
    {"lockout_duration", offsetof(config_t, lockout_duration), 1, 7 * 86400},
    {"readers", offsetof(config_t, readers), 1, 16},
    {"max_batch", offsetof(config_t, max_batch), 1, 10000},
    {"shutdown_grace", offsetof(config_t, shutdown_grace), 1, 600},
    {"charge_slice_ms", offsetof(config_t, charge_slice_ms), 0, 1000},
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    if (strcmp(key, ints[i].name) == 0)
      return set_int((int *)((char *)cfg + ints[i].off), key, value, ints[i].min, ints[i].max,
                     err, errlen);
  }
  snprintf(err, errlen, "unknown setting '%s'", key);
  return -1;
}

int
config_load_file(config_t *cfg, const char *path, char *err, size_t errlen)
{
  char inner[512];
  till_conf_t *conf = till_conf_load(path, err, errlen);
  if (!conf)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < conf->n; i++) {
    if (config_set(cfg, conf->entries[i].key, conf->entries[i].value, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: line %d: %s", path, conf->entries[i].line, inner);
      rc = -1;
      break;
    }
  }
  till_conf_free(conf);
  return rc;
}

int
config_check(const config_t *cfg, char *err, size_t errlen)
{
  const struct {
    const char *name;
    const char *path;
  } files[] = {{"cert", cfg->cert}, {"key", cfg->key}, {"ca", cfg->ca}, {"crl", cfg->crl}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (files[i].path[0] == '\0') {
      if (strcmp(files[i].name, "crl") == 0)
        continue;
      snprintf(err, errlen, "%s: not set", files[i].name);
      return -1;
    }
    if (access(files[i].path, R_OK) != 0) {
      snprintf(err, errlen, "%s: cannot read '%s'", files[i].name, files[i].path);
      return -1;
    }
  }
  if (cfg->db[0] == '\0') {
    snprintf(err, errlen, "db: not set");
    return -1;
  }
  if (cfg->signing_key[0] == '\0') {
    snprintf(err, errlen,
             "signing_key: not set; name the chain-signing key, a file outside the database's "
             "directory or a pkcs11: URI (docs/operations.md, \"The signing key\")");
    return -1;
  }
  return 0;
}
