/* verify.c -- ledger verification for auditors; see verify.h and
 * docs/ledger.md. A finding is kept in English (for --json) and in the
 * user's language (for the person reading stderr): its formats are marked
 * N_() and translated in fail(). */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "i18n.h"

#define VERIFY_MAX_SERIES 256
#define VERIFY_MAX_NUMBER 50000000 /* receipts per series and year we can track */

typedef struct {
  char name[TILL_SERIES_PREFIX_MAX + 8];
  int64_t last_no;
  int64_t first_no;            /* range mode: the first number seen */
  uint8_t *seen;               /* seen[n] counts receipts numbered n (saturating) */
  int64_t n_seen;
} series_t;

#define VERIFY_MAX_KEYS 64

struct verifier {
  uint8_t pubkey[32];          /* the key signatures are checked under now */
  uint8_t key0[32];            /* the key the verifier was made with (key id 0) */
  int64_t key_ids[VERIFY_MAX_KEYS];
  uint8_t keys[VERIFY_MAX_KEYS][32];
  size_t n_keys;
  uint8_t (*hashes)[TILL_HASH_LEN]; /* hashes[i] = h_i, hashes[0] = zeros */
  int64_t n_hashes, cap;
  int64_t base;                /* hashes[i] = h_{base + i}; 0 for the whole chain */
  int range;                   /* a run of the chain (an export): see verifier_new_range */
  uint8_t *reversed;           /* reversed[id - base]: already reversed once */
  int64_t *early;              /* ids before the run that the run reverses */
  size_t n_early, cap_early;
  series_t series[VERIFY_MAX_SERIES];
  size_t n_series;
  verify_summary_t sum;
};

/* Record the first failure: <fmt> (an N_() text) and its arguments, in
 * English into sum.error and translated into sum.text. -1. */
static int fail(verifier_t *v, int64_t txn, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int
fail(verifier_t *v, int64_t txn, const char *fmt, ...)
{
  if (!v->sum.ok)
    return -1;
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  vsnprintf(v->sum.error, sizeof v->sum.error, fmt, ap);
  vsnprintf(v->sum.text, sizeof v->sum.text, _(fmt), again);
  va_end(again);
  va_end(ap);
  v->sum.ok = 0;
  v->sum.bad_txn = txn;
  return -1;
}

verifier_t *
verifier_new(const uint8_t pubkey[32])
{
  static const uint8_t h0[TILL_HASH_LEN];
  return verifier_new_range(pubkey, 1, h0);
}

verifier_t *
verifier_new_range(const uint8_t pubkey[32], int64_t first_id, const uint8_t prev_hash[TILL_HASH_LEN])
{
  if (first_id < 1)
    return NULL;
  verifier_t *v = calloc(1, sizeof *v);
  if (!v)
    return NULL;
  memcpy(v->pubkey, pubkey, 32);
  memcpy(v->key0, pubkey, 32);
  v->base = first_id - 1;
  v->range = first_id > 1;
  v->cap = 1024;
  v->hashes = calloc((size_t)v->cap, TILL_HASH_LEN);
  v->reversed = calloc((size_t)v->cap, 1);
  if (!v->hashes || !v->reversed) {
    verifier_free(v);
    return NULL;
  }
  memcpy(v->hashes[0], prev_hash, TILL_HASH_LEN); /* h_base */
  v->n_hashes = 1;
  v->sum.ok = 1;
  return v;
}

void
verifier_set_range(verifier_t *v)
{
  v->range = 1;
}

void
verifier_free(verifier_t *v)
{
  if (!v)
    return;
  for (size_t i = 0; i < v->n_series; i++)
    free(v->series[i].seen);
  free(v->hashes);
  free(v->reversed);
  free(v->early);
  free(v);
}

int
verifier_add_counter(verifier_t *v, const char *name, int64_t last_no)
{
  if (v->n_series == VERIFY_MAX_SERIES)
    return fail(v, 0, N_("more than %d series"), VERIFY_MAX_SERIES);
  if (last_no < 0 || last_no > VERIFY_MAX_NUMBER)
    return fail(v, 0, N_("series %s: counter %lld out of range"), name, (long long)last_no);
  series_t *s = &v->series[v->n_series];
  snprintf(s->name, sizeof s->name, "%s", name);
  s->last_no = last_no;
  s->seen = calloc((size_t)last_no + 1, 1);
  if (!s->seen)
    return fail(v, 0, N_("out of memory"));
  v->n_series++;
  return 0;
}

static series_t *
find_series(verifier_t *v, const char *name)
{
  for (size_t i = 0; i < v->n_series; i++)
    if (strcmp(v->series[i].name, name) == 0)
      return &v->series[i];
  return NULL;
}

static int
grow(verifier_t *v)
{
  int64_t cap = v->cap * 2;
  uint8_t(*h)[TILL_HASH_LEN] = realloc(v->hashes, (size_t)cap * TILL_HASH_LEN);
  if (!h)
    return -1;
  v->hashes = h;
  uint8_t *r = realloc(v->reversed, (size_t)cap);
  if (!r)
    return -1;
  memset(r + v->cap, 0, (size_t)(cap - v->cap));
  v->reversed = r;
  v->cap = cap;
  return 0;
}

/* A reversal of a transaction before the run: remembered, to be checked
 * for a second reversal of it in verifier_finish (sorted there: a hostile
 * file must not buy quadratic time). 0, or -1 when out of memory. */
static int
note_early_reversal(verifier_t *v, int64_t id)
{
  if (v->n_early == v->cap_early) {
    size_t cap = v->cap_early ? 2 * v->cap_early : 64;
    int64_t *e = realloc(v->early, cap * sizeof *e);
    if (!e)
      return -1;
    v->early = e;
    v->cap_early = cap;
  }
  v->early[v->n_early++] = id;
  return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The whole chain: the number lies within its series' counter, once. */
static int
number_in_counter(verifier_t *v, const till_txn_t *t)
{
  series_t *s = find_series(v, t->series);
  if (!s)
    return fail(v, t->id, N_("transaction %lld uses series %s, which has no counter"), (long long)t->id,
                t->series);
  if (t->receipt_no < 1 || t->receipt_no > s->last_no)
    return fail(v, t->id, N_("transaction %lld: receipt number %lld is outside %s 1..%lld"),
                (long long)t->id, (long long)t->receipt_no, t->series, (long long)s->last_no);
  if (s->seen[t->receipt_no])
    return fail(v, t->id, N_("transaction %lld: receipt %s-%08lld was issued twice"), (long long)t->id,
                t->series, (long long)t->receipt_no);
  s->seen[t->receipt_no] = 1;
  s->n_seen++;
  return 0;
}

/* A run of the chain: numbers are allocated in transaction order, so each
 * series' numbers in the run follow one another without a gap. */
static int
number_in_run(verifier_t *v, const till_txn_t *t)
{
  series_t *s = find_series(v, t->series);
  if (!s) {
    if (v->n_series == VERIFY_MAX_SERIES)
      return fail(v, t->id, N_("more than %d series"), VERIFY_MAX_SERIES);
    if (t->receipt_no < 1 || (v->base == 0 && t->receipt_no != 1))
      return fail(v, t->id, N_("transaction %lld: receipt %s-%08lld is the first of its series in "
                  "the chain, which must be number 1"), (long long)t->id, t->series,
                  (long long)t->receipt_no);
    s = &v->series[v->n_series++];
    snprintf(s->name, sizeof s->name, "%s", t->series);
    s->first_no = s->last_no = t->receipt_no;
    s->n_seen = 1;
    return 0;
  }
  if (t->receipt_no != s->last_no + 1)
    return fail(v, t->id, N_("transaction %lld: receipt %s-%08lld follows %s-%08lld; numbers are "
                "handed out one after another"), (long long)t->id, t->series,
                (long long)t->receipt_no, t->series, (long long)s->last_no);
  s->last_no = t->receipt_no;
  s->n_seen++;
  return 0;
}

int
verifier_add_txn(verifier_t *v, const till_txn_t *t, const uint8_t stored[TILL_HASH_LEN])
{
  if (!v->sum.ok)
    return -1;
  int64_t want = v->base + v->n_hashes; /* next id */
  if (t->id != want) {
    if (t->id > want)
      return fail(v, want, N_("transaction %lld is missing (the next one present is %lld)"),
                  (long long)want, (long long)t->id);
    return fail(v, t->id, N_("transaction %lld appears out of order or twice"), (long long)t->id);
  }
  int64_t total;
  if (t->n_entries < 2)
    return fail(v, t->id, N_("transaction %lld has %zu entries; at least two are required"),
                (long long)t->id, t->n_entries);
  if (till_chain_sum(t, &total) != 0 || total != 0)
    return fail(v, t->id, N_("transaction %lld does not balance: its entries sum to %lld fen"),
                (long long)t->id, (long long)total);
  uint8_t h[TILL_HASH_LEN];
  if (till_chain_hash(v->hashes[v->n_hashes - 1], t, h) != 0)
    return fail(v, t->id, N_("out of memory"));
  if (memcmp(h, stored, TILL_HASH_LEN) != 0)
    return fail(v, t->id, N_("transaction %lld: hash does not match its contents and the chain "
                "before it (the row was altered, or one before it was)"), (long long)t->id);
  if (v->n_hashes == v->cap && grow(v) != 0)
    return fail(v, t->id, N_("out of memory"));
  memcpy(v->hashes[v->n_hashes++], h, TILL_HASH_LEN);

  if (t->reverses) {
    if (t->reverses < 0 || t->reverses >= t->id)
      return fail(v, t->id, N_("transaction %lld reverses %lld, which is not an earlier transaction"),
                  (long long)t->id, (long long)t->reverses);
    if (t->reverses > v->base) {
      if (v->reversed[t->reverses - v->base])
        return fail(v, t->id, N_("transaction %lld reverses %lld, which was already reversed"),
                    (long long)t->id, (long long)t->reverses);
      v->reversed[t->reverses - v->base] = 1;
    } else if (note_early_reversal(v, t->reverses) != 0) {
      return fail(v, t->id, N_("out of memory"));
    }
  }
  if (t->series && t->series[0]) {
    int bad = v->range ? number_in_run(v, t) : number_in_counter(v, t);
    if (bad)
      return -1;
  }
  v->sum.n_txns++;
  v->sum.n_entries += (int64_t)t->n_entries;
  v->sum.head_id = t->id;
  return 0;
}

int
verifier_add_signature(verifier_t *v, int64_t txn_id, const uint8_t *head_hash, size_t head_len,
                       int64_t at_ms, const char *reason, const uint8_t *sig, size_t sig_len)
{
  if (!v->sum.ok)
    return -1;
  if (head_len != TILL_HASH_LEN || sig_len != 64)
    return fail(v, txn_id, N_("a signed head at transaction %lld is malformed"), (long long)txn_id);
  if (txn_id < v->base)
    return fail(v, txn_id, N_("a signed head at transaction %lld lies before the run, which starts "
                "at %lld"), (long long)txn_id, (long long)(v->base + 1));
  if (txn_id >= v->base + v->n_hashes)
    return fail(v, txn_id, N_("a signed head covers transaction %lld but the chain ends at %lld "
                "(transactions were removed from the end)"), (long long)txn_id,
                (long long)(v->base + v->n_hashes - 1));
  if (memcmp(v->hashes[txn_id - v->base], head_hash, TILL_HASH_LEN) != 0)
    return fail(v, txn_id, N_("the signed head at transaction %lld does not match the chain "
                "(transactions up to %lld were rewritten)"), (long long)txn_id, (long long)txn_id);
  int ok = till_head_signature_ok(v->pubkey, txn_id, head_hash, at_ms, reason, sig, sig_len, NULL);
  if (!ok)
    return fail(v, txn_id, N_("the signature on the head at transaction %lld does not verify "
                "under the server's key"), (long long)txn_id);
  v->sum.n_signatures++;
  if (txn_id > v->sum.last_signed_id)
    v->sum.last_signed_id = txn_id;
  return 0;
}

int
verifier_add_key(verifier_t *v, int64_t id, const uint8_t pub[32])
{
  if (v->n_keys >= VERIFY_MAX_KEYS)
    return fail(v, 0, N_("the ledger lists more than %d signing keys"), VERIFY_MAX_KEYS);
  v->key_ids[v->n_keys] = id;
  memcpy(v->keys[v->n_keys++], pub, 32);
  return 0;
}

int
verifier_hash_at(const verifier_t *v, int64_t id, uint8_t out[TILL_HASH_LEN])
{
  if (id < v->base || id >= v->base + v->n_hashes)
    return -1;
  memcpy(out, v->hashes[id - v->base], TILL_HASH_LEN);
  return 0;
}

int
verifier_use_key(verifier_t *v, int64_t id, int64_t txn_id)
{
  if (!v->sum.ok)
    return -1;
  if (id == 0 && v->n_keys == 0) {
    memcpy(v->pubkey, v->key0, 32);
    return 0;
  }
  for (size_t i = 0; i < v->n_keys; i++)
    if (v->key_ids[i] == id) {
      memcpy(v->pubkey, v->keys[i], 32);
      return 0;
    }
  return fail(v, txn_id, N_("the signed head at transaction %lld names key %lld, which the "
              "ledger does not list"), (long long)txn_id, (long long)id);
}

int
verifier_fail_with(verifier_t *v, int64_t txn, const char *error, const char *text)
{
  if (!v->sum.ok)
    return -1;
  v->sum.ok = 0;
  v->sum.bad_txn = txn;
  snprintf(v->sum.error, sizeof v->sum.error, "%s", error);
  snprintf(v->sum.text, sizeof v->sum.text, "%s", text);
  return -1;
}

int
verifier_finish(verifier_t *v)
{
  if (!v->sum.ok)
    return -1;
  if (v->n_early > 1) {
    qsort(v->early, v->n_early, sizeof *v->early, cmp_i64);
    for (size_t i = 1; i < v->n_early; i++)
      if (v->early[i] == v->early[i - 1])
        return fail(v, 0, N_("transaction %lld, before the run, is reversed twice within it"),
                    (long long)v->early[i]);
  }
  for (size_t i = 0; i < v->n_series && !v->range; i++) {
    series_t *s = &v->series[i];
    for (int64_t n = 1; n <= s->last_no; n++)
      if (!s->seen[n])
        return fail(v, 0, N_("receipt %s-%08lld is missing: series %s was allocated up to %lld"),
                    s->name, (long long)n, s->name, (long long)s->last_no);
  }
  return 0;
}

void
verifier_summary(const verifier_t *v, verify_summary_t *out)
{
  *out = v->sum;
  out->n_series = v->n_series;
}

int
verifier_series(const verifier_t *v, size_t i, const char **name, int64_t *first_no,
                int64_t *last_no, int64_t *seen)
{
  if (i >= v->n_series)
    return -1;
  *name = v->series[i].name;
  *first_no = v->range ? v->series[i].first_no : 1;
  *last_no = v->series[i].last_no;
  *seen = v->series[i].n_seen;
  return 0;
}
