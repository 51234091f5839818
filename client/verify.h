/* verify.h -- the auditor's check of the ledger, done on the client from
 * the rows as the server stores them (online) or as exported (offline), so
 * nothing depends on trusting the server's own word.
 *
 * Checks, in order of the chain: ids run 1, 2, 3 ... without gaps; every
 * transaction has two or more entries summing to zero; each stored hash
 * equals SHA-256(previous hash || canonical bytes); a reversal names an
 * earlier sale reversed at most once. At the end: every signed head verifies
 * under the server's Ed25519 key and matches the recomputed chain; every
 * series is numbered 1..last without gaps or duplicates. The first failure
 * is kept with the id of the transaction it concerns. */
#ifndef TILL_VERIFY_H
#define TILL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "till_chain.h"

typedef struct verifier verifier_t;

/* <pubkey>: the raw 32-byte Ed25519 key the signatures must verify under.
 * The whole chain, from transaction 1, with series checked against their
 * counters (verifier_add_counter). */
verifier_t *verifier_new(const uint8_t pubkey[32]);

/* A run of the chain from <first_id> (an export), chained from <prev_hash>
 * = h_{first_id - 1}; a signed head at first_id - 1 vouches for it. Series
 * need no counters: numbers are allocated in transaction order, so each
 * series' numbers in the run must follow one another (and start at 1 when
 * the run starts at transaction 1). A reversal of a transaction before the
 * run is checked only against the run's other reversals. */
verifier_t *verifier_new_range(const uint8_t pubkey[32], int64_t first_id,
                               const uint8_t prev_hash[TILL_HASH_LEN]);
/* Check series as a run (above) although the run starts at transaction 1. */
void verifier_set_range(verifier_t *v);
void verifier_free(verifier_t *v);

/* Declare a series counter (its highest allocated number) before the txns. */
int verifier_add_counter(verifier_t *v, const char *series, int64_t last_no);

/* Feed transactions in id order. Returns 0 while all is well, -1 once a
 * failure has been found (later calls are ignored). */
int verifier_add_txn(verifier_t *v, const till_txn_t *t, const uint8_t stored[TILL_HASH_LEN]);

/* Check one signed head; call after all transactions. The signature must
 * cover <reason> (TILL-HEAD-V2), or be one made before signatures did
 * (TILL-HEAD-V1; docs/ledger.md). */
int verifier_add_signature(verifier_t *v, int64_t txn_id, const uint8_t *head_hash,
                           size_t head_len, int64_t at_ms, const char *reason,
                           const uint8_t *sig, size_t sig_len);

/* ---- keys: a ledger signs under each of its keys in turn ----
 * verifier_add_key declares key <id> (its endorsement is checked by
 * audit_keys.c, not here); verifier_use_key makes it the key the following
 * verifier_add_signature calls check under. Key id 0 is the <pubkey> the
 * verifier was made with (answers and exports that list no keys). 0, or -1
 * (out of memory; for use_key: a key not declared, recorded as a failure). */
int verifier_add_key(verifier_t *v, int64_t id, const uint8_t pub[32]);
int verifier_use_key(verifier_t *v, int64_t id, int64_t txn_id);
/* ---- tamper: for the witness (witness.h) ---- */
/* h_<id> as recomputed, when the verifier holds it: 0, or -1. */
int verifier_hash_at(const verifier_t *v, int64_t id, uint8_t out[TILL_HASH_LEN]);
/* Record a failure found outside the verifier (about <txn>, 0 if none):
 * <error> in English, <text> in the user's language. Ignored once a
 * failure is recorded. -1. */
int verifier_fail_with(verifier_t *v, int64_t txn, const char *error, const char *text);
/* ---- end of tamper ---- */

/* Final checks (series continuity). 0 if the whole ledger verified. */
int verifier_finish(verifier_t *v);

typedef struct {
  int ok;
  int64_t bad_txn;            /* 0 when the failure is not about one transaction */
  char error[512];            /* the failure in English (--json) */
  char text[512];             /* the same in the user's language */
  int64_t n_txns, n_entries, n_signatures, last_signed_id, head_id;
  size_t n_series;
} verify_summary_t;

void verifier_summary(const verifier_t *v, verify_summary_t *out);
/* Series i: name, first and last number, numbers seen. */
int verifier_series(const verifier_t *v, size_t i, const char **name, int64_t *first_no,
                    int64_t *last_no, int64_t *seen);

#endif
