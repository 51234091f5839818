/* witness.h -- signed heads kept on the auditor's side (issue 22): the
 * witness file that `till audit witness` appends to, an earlier export
 * (--prior), and the check that each of them still lies on the chain
 * (docs/security.md, "Witnesses").
 *
 * The witness file is text, one head a line, only ever appended to:
 *
 *   # comment
 *   TXN HEAD_HASH_HEX AT_MS CODE REASON...     (till audit witness)
 *   TXN CODE                                   (copied from paper: a Z-report
 *                                               or a day close's code XXXX-XXXX)
 *
 * A paper line proves the first four bytes of the head's hash; a full line
 * all 32. */
#ifndef TILL_WITNESS_H
#define TILL_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "verify.h"

#define WITNESS_MAX_HEADS 1000000

typedef struct {
  int64_t txn_id;
  uint8_t hash[TILL_HASH_LEN];
  size_t hash_len;           /* 32, or 4 for a code copied from paper */
  int64_t at_ms;             /* 0 when not known */
  char source[24];           /* "witness", "paper", "prior export" */
} witness_head_t;

typedef struct {
  witness_head_t *heads;
  size_t n, cap;
} witness_t;

/* Read the witness file at <path> into w (appending to what it holds).
 * 0, or -1 with the reason in English in err (and translated in text). */
int witness_load(witness_t *w, const char *path, char *err, char *text, size_t len);
/* Add the heads an earlier export vouches for: the hash its run chains
 * from and the hash of its last transaction, once the export verifies.
 * 0, or -1 with the reason in err and text. */
struct audit_pins_s;
int witness_load_prior(witness_t *w, const char *path, const struct audit_pins_s *pins,
                       const char *pin_name, char *err, char *text, size_t len);
int witness_add(witness_t *w, int64_t txn_id, const uint8_t *hash, size_t hash_len, int64_t at_ms,
                const char *source);
void witness_free(witness_t *w);

/* Check every head of w against the chain the verifier <v> holds (its
 * hashes from <first_prev> = first_id - 1 to <last>): the first head, in
 * chain order, whose hash differs fails the verifier, named. A head after
 * <last> signed at or before <cut_ms> fails it too (the chain as verified
 * ends at the journal's head, which such a head once lay on: INT64_MAX
 * online; an export's time for a whole-ledger export; 0 for a run that
 * ends earlier); otherwise it is not checked, nor is one before the run.
 * *checked and *outside count them. 0, or -1 once the verifier failed. */
int witness_check(const witness_t *w, verifier_t *v, int64_t first_prev, int64_t last,
                  int64_t cut_ms, size_t *checked, size_t *outside);

#endif
