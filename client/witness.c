/* witness.c -- see witness.h. Messages are kept in English (--json) and
 * in the user's language: their formats are marked N_() and translated
 * here. */
#include "witness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_file.h"
#include "i18n.h"
#include "print.h"
#include "till_util.h"

#define WITNESS_LINE_MAX 16384

static void say(char *err, char *text, size_t len, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void
say(char *err, char *text, size_t len, const char *fmt, ...)
{
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  vsnprintf(err, len, fmt, ap);
  vsnprintf(text, len, _(fmt), again);
  va_end(again);
  va_end(ap);
}

int
witness_add(witness_t *w, int64_t txn_id, const uint8_t *hash, size_t hash_len, int64_t at_ms,
            const char *source)
{
  if (w->n == WITNESS_MAX_HEADS || hash_len > TILL_HASH_LEN)
    return -1;
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 64;
    witness_head_t *h = realloc(w->heads, cap * sizeof *h);
    if (!h)
      return -1;
    w->heads = h;
    w->cap = cap;
  }
  witness_head_t *h = &w->heads[w->n++];
  memset(h, 0, sizeof *h);
  h->txn_id = txn_id;
  memcpy(h->hash, hash, hash_len);
  h->hash_len = hash_len;
  h->at_ms = at_ms;
  snprintf(h->source, sizeof h->source, "%s", source);
  return 0;
}

void
witness_free(witness_t *w)
{
  free(w->heads);
  memset(w, 0, sizeof *w);
}

/* "3F2A-9C01" into 4 bytes: 0 or -1. */
static int
parse_code(const char *s, uint8_t out[4])
{
  char hex[9];
  if (strlen(s) != 9 || s[4] != '-')
    return -1;
  memcpy(hex, s, 4);
  memcpy(hex + 4, s + 5, 4);
  hex[8] = '\0';
  return till_hex_decode(hex, out, 4);
}

int
witness_load(witness_t *w, const char *path, char *err, char *text, size_t len)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    say(err, text, len, N_("witness %s: %s"), path, strerror(errno));
    return -1;
  }
  char *line = malloc(WITNESS_LINE_MAX);
  int rc = line ? 0 : -1;
  long lineno = 0;
  /* bounded by the file, and by WITNESS_MAX_HEADS */
  while (rc == 0 && fgets(line, WITNESS_LINE_MAX, f)) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n')
      continue;
    long long txn = -1, at = 0;
    char first[80] = "", code[16] = "";
    uint8_t hash[TILL_HASH_LEN];
    int n = sscanf(line, "%lld %79s %lld %15s", &txn, first, &at, code);
    if (n >= 3 && strlen(first) == 2 * TILL_HASH_LEN &&
        till_hex_decode(first, hash, TILL_HASH_LEN) == 0 && txn >= 0)
      rc = witness_add(w, txn, hash, TILL_HASH_LEN, at, "witness");
    else if (n == 2 && parse_code(first, hash) == 0 && txn >= 0)
      rc = witness_add(w, txn, hash, 4, 0, "paper");
    else {
      say(err, text, len, N_("witness %s, line %ld: not a signed head (TXN HASH AT CODE REASON, or "
                             "TXN CODE)"), path, lineno);
      rc = -1;
      break;
    }
    if (rc != 0)
      say(err, text, len, N_("witness %s: more than %d heads, or out of memory"), path,
          WITNESS_MAX_HEADS);
  }
  if (rc == 0 && ferror(f)) {
    say(err, text, len, N_("witness %s: %s"), path, strerror(errno));
    rc = -1;
  }
  free(line);
  fclose(f);
  return rc;
}

int
witness_load_prior(witness_t *w, const char *path, const struct audit_pins_s *pins,
                   const char *pin_name, char *err, char *text, size_t len)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    say(err, text, len, N_("prior export %s: %s"), path, strerror(errno));
    return -1;
  }
  export_check_t c;
  int bad = export_verify(f, pins, pin_name, 1, &c);
  fclose(f);
  uint8_t h[TILL_HASH_LEN];
  int rc = -1;
  if (bad)
    say(err, text, len, N_("prior export %s does not verify: %s"), path, c.error);
  else if (verifier_hash_at(c.v, c.first_id - 1, h) != 0 ||
           witness_add(w, c.first_id - 1, h, TILL_HASH_LEN, c.created_at_ms, "prior export") != 0 ||
           verifier_hash_at(c.v, c.last_id, h) != 0 ||
           witness_add(w, c.last_id, h, TILL_HASH_LEN, c.created_at_ms, "prior export") != 0)
    say(err, text, len, N_("prior export %s: out of memory"), path);
  else
    rc = 0;
  verifier_free(c.v);
  return rc;
}

static int
cmp_head(const void *a, const void *b)
{
  const witness_head_t *x = a, *y = b;
  return x->txn_id < y->txn_id ? -1 : x->txn_id > y->txn_id;
}

int
witness_check(const witness_t *w, verifier_t *v, int64_t first_prev, int64_t last,
              int64_t cut_ms, size_t *checked, size_t *outside)
{
  char err[512], text[512], code[10], when[32] = "";
  *checked = *outside = 0;
  if (w->n > 1)
    qsort(w->heads, w->n, sizeof *w->heads, cmp_head);
  for (size_t i = 0; i < w->n; i++) {
    const witness_head_t *h = &w->heads[i];
    uint8_t chain[TILL_HASH_LEN];
    if (h->at_ms)
      fmt_time(h->at_ms / 1000, when, sizeof when);
    else
      snprintf(when, sizeof when, "-");
    snprintf(code, sizeof code, "%02X%02X-%02X%02X", h->hash[0], h->hash[1], h->hash[2],
             h->hash[3]);
    if (h->txn_id > last && h->at_ms && h->at_ms <= cut_ms) {
      say(err, text, sizeof err, N_("the witnessed head at transaction %lld (%s, code %s, %s) "
                                    "lies beyond the chain's end at %lld: transactions were cut"),
          (long long)h->txn_id, h->source, code, when, (long long)last);
      return verifier_fail_with(v, h->txn_id, err, text);
    }
    if (h->txn_id < first_prev || h->txn_id > last || verifier_hash_at(v, h->txn_id, chain) != 0) {
      ++*outside;
      continue;
    }
    if (memcmp(chain, h->hash, h->hash_len) != 0) {
      say(err, text, sizeof err, N_("the witnessed head at transaction %lld (%s, code %s, %s) is "
                                    "no longer on the chain: transactions up to %lld were "
                                    "rewritten"),
          (long long)h->txn_id, h->source, code, when, (long long)h->txn_id);
      return verifier_fail_with(v, h->txn_id, err, text);
    }
    ++*checked;
  }
  return 0;
}
