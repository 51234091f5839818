/* ledger_int.h -- what the posting engine's files share and nobody else
 * sees: the ledger's state and the steps every posting is made of. Only
 * server/engine/ledger*.c include it.
 *
 *   ledger.c        the core: accounts, the chain, idempotency, receipt
 *                   numbers, loading a transaction
 *   ledger_key.c    the server's Ed25519 signing keys, rotation, signed heads
 *   ledger_key_p11.c  a signing key in a PKCS#11 token
 *   ledger_key.c    the server's Ed25519 signing key and signed heads
 *   ledger_check.c  the start-up self-check and the signing policy: a head
 *                   is signed only once the chain up to it is verified
 *   ledger_sales.c  sales and voids
 *   ledger_cash.c   shifts, cash counts, deposits
 *   ledger_billing.c charges, payments against payers, waivers, cheques
 *   ledger_toll.c   tolls paid at exit lanes and exempt passages
 *   ledger_hospital.c hospital bills, patient deposits, discharges
 *
 * THREAD SAFETY: as ledger.h -- the writer thread's. */
#ifndef TILLD_LEDGER_INT_H
#define TILLD_LEDGER_INT_H

#include <openssl/evp.h>

#include "ledger.h"

/* A chain-signing key: a key file or a key in a PKCS#11 token. */
typedef struct ledger_signer ledger_signer_t;
typedef struct p11_key p11_key_t;
/* Slots of the ring of heads this process computed itself (ledger_check.c). */
#define LEDGER_RECENT 4096

struct ledger {
  int64_t head_id;
  uint8_t head_hash[TILL_HASH_LEN];
  ledger_signer_t *key;
  int64_t key_id;
  /* ---- tamper: the signing policy (ledger_check.c) ---- */
  int64_t anchor_id;                    /* the last head this process verified at a */
  uint8_t anchor_hash[TILL_HASH_LEN];   /*   signature (checked at start-up, or made) */
  int64_t verified_id;                  /* the chain as stored is verified up to here; */
  uint8_t verified_hash[TILL_HASH_LEN]; /*   -1: not known, check from the anchor */
  int refused;                          /* the start-up check failed: sign nothing */
  char refused_why[512];
  struct {
    int64_t id;
    uint8_t hash[TILL_HASH_LEN];
  } recent[LEDGER_RECENT];              /* heads this process computed, by id % LEDGER_RECENT */
  /* ---- end of tamper ---- */
};

/* ---- tamper: the signing policy (ledger_check.c) ---- */
/* Before signing: the chain as stored from the verified head (or, when that
 * is not known, the anchor) to lg->head is re-hashed from the database and
 * must end at lg->head_hash. 0, or -1 with the reason in why (logged); the
 * caller signs nothing then. */
int ledger_check_tail(ledger_t *lg, store_conn_t *sc, char *why, size_t whylen);
/* After signing the head: it is the new anchor (if a rollback takes it
 * away, ledger_check_tail finds the newest signed head still stored). */
void ledger_check_signed(ledger_t *lg);
/* A transaction this process just appended: remember its hash, and extend
 * the verified chain when it extends the verified head. */
void ledger_check_appended(ledger_t *lg, int64_t id, const uint8_t hash[TILL_HASH_LEN]);
/* The head was re-read after a rollback: keep it verified when it is a head
 * this process computed, else fall back to the anchor. */
void ledger_check_reloaded(ledger_t *lg);
/* ---- end of tamper ---- */

/* The status and message for the last failure on <sc>'s connection: a full
 * database (disk or max_db_pages) is RESOURCE_EXHAUSTED, anything else
 * UNAVAILABLE. Either way the caller's savepoint is rolled back, so nothing
 * of the posting remains. */
till_status_t ledger_db_fail(store_conn_t *sc, char *err, size_t errlen);

/* Append <t> to the chain: assigns t->id, writes entries then the journal
 * row (whose trigger checks the balance), advances the in-memory head. */
till_status_t ledger_post_txn(ledger_t *lg, store_conn_t *sc, till_txn_t *t, int64_t tendered,
                              char *err, size_t errlen);

/* The one idempotency path. ledger_idem_check: 0 when <key> is new; 1 when
 * it was used -- a replay of the same <kind> and request <hash> (res set,
 * *st TILL_OK), a different request (*st TILL_E_CONFLICT), or a database
 * error (*st as ledger_db_fail) -- and the caller returns *st.
 * ledger_idem_record stores the result <ref> of a new key: 0 or -1. */
int ledger_idem_check(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
                      const uint8_t hash[32], post_result_t *res /* OUT */,
                      till_status_t *st /* OUT */, char *err, size_t errlen);
int ledger_idem_record(store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], const char *kind,
                       const uint8_t hash[32], int64_t ref);

/* 1 if <key> is all zero bytes (no idempotency key). */
int ledger_key_is_zero(const uint8_t key[TILL_KEY_LEN]);

/* "SERIES-NO" of transaction <id> into out ("" when it has no number): 0,
 * or -1 on a database error or when there is no such transaction. */
int ledger_txn_receipt(store_conn_t *sc, int64_t id, char *out, size_t len);

/* Next number of series <prefix><year> (created on first use): 0 or -1. */
int ledger_allocate_number(store_conn_t *sc, const char *prefix, int year, char *series,
                           size_t slen, int64_t *no /* OUT */);
/* The local calendar year of <at_ms>. */
int ledger_current_year(int64_t at_ms);

/* The asset account a payment by <method> lands in: cash in the drawer of
 * shift <shift_id>, the rest in the method's clearing account. */
void ledger_method_account(int method, int64_t shift_id, char *buf, size_t len);

/* The signing key <spec>: a key file (made, mode 0600, when <create> and
 * there is none) or a pkcs11: URI. NULL with err set. ledger_key_sign: 0
 * or -1. ledger_key_register records the key of a new ledger in
 * server_keys and sets lg->key_id; on a ledger that has keys, <spec> must
 * be its newest, or one whose next key it never endorsed (no rotation: a
 * row slipped in, which the start-up check names): 0, or -1 with err set. */
ledger_signer_t *ledger_key_load(const char *spec, int create, char *err, size_t errlen);
const uint8_t *ledger_key_public(const ledger_signer_t *k);
int ledger_key_sign(ledger_signer_t *k, const uint8_t *msg, size_t len, uint8_t sig[64]);
void ledger_key_free(ledger_signer_t *k);
int ledger_key_register(ledger_t *lg, store_conn_t *sc, const char *spec, char *err,
                        size_t errlen);

/* ledger_key_p11.c: the key pair labelled <object> in token <token> of the
 * URI (docs/operations.md, "The signing key"), its public half into pub. */
p11_key_t *p11_key_open(const char *uri, uint8_t pub[32], char *err, size_t errlen);
int p11_key_sign(p11_key_t *k, const uint8_t *msg, size_t len, uint8_t sig[64]);
void p11_key_close(p11_key_t *k);
/* The URI's PIN file ("" when it names none): 0, or -1 with err set. */
int p11_uri_pin_file(const char *uri, char *out, size_t len, char *err, size_t errlen);

#endif
