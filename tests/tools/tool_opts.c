/* tool_opts.c -- see tool_opts.h. */
#include "tool_opts.h"

#include <stdio.h>
#include <string.h>

int
tool_conn_option(client_cfg_t *cfg, const char *name, const char *value)
{
  char *dst = NULL;
  size_t cap = 0;
  if (strcmp(name, "--server") == 0)
    dst = cfg->server, cap = sizeof cfg->server;
  else if (strcmp(name, "--ca") == 0)
    dst = cfg->ca, cap = sizeof cfg->ca;
  else if (strcmp(name, "--cert") == 0)
    dst = cfg->cert, cap = sizeof cfg->cert;
  else if (strcmp(name, "--key") == 0)
    dst = cfg->key, cap = sizeof cfg->key;
  if (!dst || strlen(value) >= cap)
    return -1;
  memcpy(dst, value, strlen(value) + 1);
  return 0;
}
