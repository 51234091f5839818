/* fuzz_conf.c -- the configuration parser and every server setting's
 * validation, on arbitrary file contents. */
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "till_conf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[512];
  config_t cfg;
  config_defaults(&cfg);
  till_conf_t *conf = till_conf_parse((const char *)data, size, err, sizeof err);
  if (!conf)
    return 0;
  for (size_t i = 0; i < conf->n; i++)
    config_set(&cfg, conf->entries[i].key, conf->entries[i].value, err, sizeof err);
  if (cfg.n_denominations == 0 || cfg.n_denominations > 16 || cfg.max_frame < 64)
    abort(); /* validation let a bad setting through */
  till_conf_free(conf);
  return 0;
}
