/* till_conf.h -- the "key = value" configuration file format.
 *
 * One setting per line; '#' starts a comment line; blank lines are ignored;
 * keys are [a-z0-9_]+; a value is the rest of the line with surrounding
 * blanks removed. Both tilld and till use it; each side decides which keys
 * it knows. Input is bounded (TILL_CONF_MAX_BYTES, _LINE, _ENTRIES). */
#ifndef TILL_CONF_H
#define TILL_CONF_H

#include <stddef.h>

#define TILL_CONF_MAX_BYTES (64 * 1024)
#define TILL_CONF_MAX_LINE 1024
#define TILL_CONF_MAX_ENTRIES 128

typedef struct {
  char *key;
  char *value;
  int line;
} till_conf_entry_t;

typedef struct till_conf {
  till_conf_entry_t entries[TILL_CONF_MAX_ENTRIES];
  size_t n;
} till_conf_t;

/* Parse <len> bytes of <text>. On success returns an owned conf; on error
 * returns NULL and writes "line N: what is wrong" into err. Duplicate keys are
 * an error. */
till_conf_t *till_conf_parse(const char *text, size_t len, char *err, size_t errlen);

/* Read and parse the file at <path>; errors name the path. */
till_conf_t *till_conf_load(const char *path, char *err, size_t errlen);

void till_conf_free(till_conf_t *conf);

#endif
