/* till_conf.c -- parse "key = value" configuration files; see till_conf.h. */
#include "till_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static int
is_key_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static char *
dup_range(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

till_conf_t *
till_conf_parse(const char *text, size_t len, char *err, size_t errlen)
{
  till_conf_t *conf = calloc(1, sizeof *conf);
  if (!conf) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (len > TILL_CONF_MAX_BYTES) {
    snprintf(err, errlen, "file larger than %d bytes", TILL_CONF_MAX_BYTES);
    goto fail;
  }
  size_t pos = 0;
  int lineno = 0;
  while (pos < len) {
    lineno++;
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t linelen = nl ? (size_t)(nl - line) : len - pos;
    pos += linelen + (nl ? 1 : 0);
    if (linelen > TILL_CONF_MAX_LINE) {
      snprintf(err, errlen, "line %d: longer than %d characters", lineno, TILL_CONF_MAX_LINE);
      goto fail;
    }
    if (memchr(line, '\0', linelen)) {
      snprintf(err, errlen, "line %d: contains a NUL byte", lineno);
      goto fail;
    }
    size_t i = 0;
    while (i < linelen && is_blank(line[i]))
      i++;
    if (i == linelen || line[i] == '#')
      continue;
    size_t k0 = i;
    while (i < linelen && is_key_char(line[i]))
      i++;
    size_t k1 = i;
    while (i < linelen && is_blank(line[i]))
      i++;
    if (k1 == k0 || i == linelen || line[i] != '=') {
      snprintf(err, errlen, "line %d: expected 'key = value' (keys are a-z, 0-9, _)", lineno);
      goto fail;
    }
    i++;
    while (i < linelen && is_blank(line[i]))
      i++;
    size_t v0 = i, v1 = linelen;
    while (v1 > v0 && is_blank(line[v1 - 1]))
      v1--;
    if (conf->n == TILL_CONF_MAX_ENTRIES) {
      snprintf(err, errlen, "line %d: more than %d settings", lineno, TILL_CONF_MAX_ENTRIES);
      goto fail;
    }
    char *key = dup_range(line + k0, k1 - k0);
    char *value = dup_range(line + v0, v1 - v0);
    if (!key || !value) {
      free(key);
      free(value);
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    for (size_t j = 0; j < conf->n; j++) {
      if (strcmp(conf->entries[j].key, key) == 0) {
        snprintf(err, errlen, "line %d: '%s' already set on line %d", lineno, key,
                 conf->entries[j].line);
        free(key);
        free(value);
        goto fail;
      }
    }
    conf->entries[conf->n].key = key;
    conf->entries[conf->n].value = value;
    conf->entries[conf->n].line = lineno;
    conf->n++;
  }
  return conf;
 fail:
  till_conf_free(conf);
  return NULL;
}

till_conf_t *
till_conf_load(const char *path, char *err, size_t errlen)
{
  char buf[TILL_CONF_MAX_BYTES + 1];
  char inner[256];
  till_conf_t *conf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  size_t n = fread(buf, 1, sizeof buf, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    snprintf(err, errlen, "%s: read error", path);
    return NULL;
  }
  conf = till_conf_parse(buf, n, inner, sizeof inner);
  if (!conf)
    snprintf(err, errlen, "%s: %s", path, inner);
  return conf;
}

void
till_conf_free(till_conf_t *conf)
{
  if (!conf)
    return;
  for (size_t i = 0; i < conf->n; i++) {
    free(conf->entries[i].key);
    free(conf->entries[i].value);
  }
  free(conf);
}
