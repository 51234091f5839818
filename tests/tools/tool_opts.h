/* tool_opts.h -- the connection options the test tools that speak the
 * protocol raw (till-probe, till-forge) take alike: --server, --ca, --cert,
 * --key, copied into a client_cfg_t. Each tool keeps its own other options
 * and its own usage text. */
#ifndef TOOL_OPTS_H
#define TOOL_OPTS_H

#include "conn.h"

/* If <name> is one of the connection options, copy <value> into its field
 * of <cfg> and return 0. -1 when <name> is none of them or <value> does not
 * fit (the field is then unchanged). */
int tool_conn_option(client_cfg_t *cfg, const char *name, const char *value);

#endif
