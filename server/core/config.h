/* config.h -- tilld's settings: defaults, the configuration file and
 * command-line flags (flags win), and validation with a clear message for
 * every bad setting. Knows nothing about what the settings are used for. */
#ifndef TILLD_CONFIG_H
#define TILLD_CONFIG_H

#include <stdint.h>
#include <stddef.h>

#define CONFIG_PATH_MAX 1024

typedef struct {
  char listen_host[256];
  int listen_port;                 /* 0: pick a free port (see port_file) */
  char port_file[CONFIG_PATH_MAX]; /* where to write the bound port, or "" */
  char db[CONFIG_PATH_MAX];
  char cert[CONFIG_PATH_MAX];
  char key[CONFIG_PATH_MAX];
  char ca[CONFIG_PATH_MAX];
  char crl[CONFIG_PATH_MAX];       /* optional */
  char signing_key[CONFIG_PATH_MAX]; /* the chain-signing key: a file out of the database's
                                      * reach, or a pkcs11: URI (docs/operations.md) */
  int signing_key_strict;            /* 1 (strict, default): the key file may not belong to
                                      * the database's owner; 0 (dev): only warned */
  int tls_min_version;             /* TLS1_2_VERSION or TLS1_3_VERSION */
  uint32_t max_frame;
  int max_connections;
  int handshake_timeout;           /* seconds */
  int idle_timeout;                /* seconds */
  size_t max_conn_buffer;          /* bytes of unsent output before reading pauses */
  int max_inflight;                /* requests in flight per connection */
  int max_queued;                  /* requests queued for the database, all connections */
  int session_ttl;                 /* seconds */
  int lockout_failures;
  int lockout_window;              /* seconds */
  int lockout_duration;            /* seconds */
  int readers;                     /* read-only worker threads */
  int max_batch;                   /* most requests in one group commit */
  int shutdown_grace;              /* seconds to finish in-flight work on SIGTERM */
  int charge_slice_ms;             /* writer time a charge run's chunk takes before the requests
                                    * queued meanwhile go (0: one payer a slice) */
  int max_db_pages;                /* 0: no cap; else PRAGMA max_page_count of the writer */
  int64_t denominations[16];       /* notes and coins, fen, from "100,50,...,0.1" */
  size_t n_denominations;
  char sync_mode[16];              /* "full" or "normal" */
  int blind_close;                 /* 1 (on, default): a shift's cashier sees no cash figure
                                    * of it before the close (docs/ledger.md) */
  char office[128];                /* the payee printed on every receipt (收款单位), "" = none */
  /* ---- refunds: settings ---- */
  int refund_partial;              /* 1 (on, default): a refund may take back part of its
                                    * original; 0: only the whole (docs/refunds.md) */
  /* ---- end of refunds: settings ---- */
  int log_level;
} config_t;

/* Fill <cfg> with defaults. */
void config_defaults(config_t *cfg);

/* Apply a configuration file. 0, or -1 with the reason in err. */
int config_load_file(config_t *cfg, const char *path, char *err, size_t errlen);

/* Apply one setting by name ("max_frame", "1048576"). 0, or -1 with a message
 * naming the setting and what is allowed. */
int config_set(config_t *cfg, const char *key, const char *value, char *err, size_t errlen);

/* Check the whole configuration for serving (files present etc.). */
int config_check(const config_t *cfg, char *err, size_t errlen);

#endif
