/* till_chain.h -- canonical bytes of a journal transaction and the hash
 * chain over them, shared by the server (which extends the chain when it
 * posts) and the client (which re-verifies it for an auditor, online or from
 * an export file). docs/ledger.md specifies the same format for anyone
 * re-implementing the check in another language.
 *
 *   h_0 = 32 zero bytes
 *   h_n = SHA-256(h_{n-1} || canonical_bytes(txn_n))
 *
 * Receipt numbers are formatted "<PREFIX><YEAR>-<NUMBER:08>" (HT2026-00001234). */
#ifndef TILL_CHAIN_H
#define TILL_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define TILL_HASH_LEN 32
#define TILL_KEY_LEN 16          /* idempotency key */
#define TILL_CHAIN_MAX_ENTRIES 64
#define TILL_SERIES_PREFIX_MAX 8
#define TILL_RECEIPT_NO_MAX 32

typedef struct {
  int32_t seq;
  const char *account;
  int64_t amount;                /* signed fen; debit positive */
  const char *item;              /* "" when the entry is not a sale line */
  int64_t quantity;
  int64_t unit_price;
} till_entry_t;

typedef struct {
  int64_t id;                    /* position in the chain, from 1 */
  const char *kind;              /* "sale", "void", ... */
  int64_t at_ms;
  const char *terminal;
  const char *cashier;
  int64_t shift_id;              /* 0: none */
  const char *series;            /* "" or "HT2026" */
  int64_t receipt_no;            /* 0: none */
  uint8_t idem_key[TILL_KEY_LEN];/* zeros: none */
  int64_t reverses;              /* 0: none */
  const char *method;            /* "" or "cash", "card", ... */
  const char *memo;
  const char *approver;          /* "" or the approving supervisor */
  size_t n_entries;
  till_entry_t entries[TILL_CHAIN_MAX_ENTRIES];
} till_txn_t;

/* A growable byte buffer for canonical encodings. */
typedef struct {
  uint8_t *data;
  size_t len, cap;
  int failed;                    /* set on allocation failure; later appends are no-ops */
} till_canon_t;

void till_canon_init(till_canon_t *c);
void till_canon_free(till_canon_t *c);
void till_canon_u32(till_canon_t *c, uint32_t v);
void till_canon_i64(till_canon_t *c, int64_t v);
void till_canon_bytes(till_canon_t *c, const void *p, size_t n);
/* u32 big-endian length, then the bytes (NULL is ""). */
void till_canon_str(till_canon_t *c, const char *s);

/* Append canonical_bytes(txn) to c. */
void till_chain_canonical(till_canon_t *c, const till_txn_t *txn);

/* out = SHA-256(prev || canonical_bytes(txn)). 0 or -1 (out of memory). */
int till_chain_hash(const uint8_t prev[TILL_HASH_LEN], const till_txn_t *txn,
                    uint8_t out[TILL_HASH_LEN]);

/* The message the server signed for a chain head before signatures
 * covered their reason ("TILL-HEAD-V1"; docs/ledger.md). Verifiers accept it
 * for signatures made then; the server no longer makes it. */
void till_chain_head_message(till_canon_t *c, int64_t txn_id, const uint8_t hash[TILL_HASH_LEN],
                             int64_t at_ms);
/* The message the server signs for a chain head: "TILL-HEAD-V2", the head,
 * the time and the reason as a str (docs/ledger.md, "Signed chain heads"). */
void till_chain_head_message_v2(till_canon_t *c, int64_t txn_id,
                                const uint8_t hash[TILL_HASH_LEN], int64_t at_ms,
                                const char *reason);

/* 1 if <sig> (64 bytes) signs the head (txn_id, hash, at_ms, reason) under
 * <pub> (raw Ed25519, 32 bytes): as TILL-HEAD-V2, or -- a signature made
 * before signatures covered their reason -- as TILL-HEAD-V1 (*v1 set to 1
 * then, when v1 is not NULL). 0 otherwise. */
int till_head_signature_ok(const uint8_t pub[32], int64_t txn_id,
                           const uint8_t hash[TILL_HASH_LEN], int64_t at_ms, const char *reason,
                           const uint8_t *sig, size_t siglen, int *v1);
/* The same with the key made once (an EVP_PKEY holding an Ed25519 public
 * key), for checking many signatures. */
struct evp_pkey_st;
int till_head_signature_ok_pk(struct evp_pkey_st *pk, int64_t txn_id,
                              const uint8_t hash[TILL_HASH_LEN], int64_t at_ms,
                              const char *reason, const uint8_t *sig, size_t siglen, int *v1);

/* ---- tamper: the statement an export's header is signed with: the reason
 * of the signed head at the header's head_id (docs/ledger.md, "The export
 * file"):  "export first=F last=L from=A to=B" then " SERIES=N" per series
 * counter, in the order given (the server gives them sorted by series).
 * till_export_statement starts it in out; till_export_statement_add
 * appends a counter. 0, or -1 when out is too small. ---- */
#define TILL_EXPORT_STATEMENT_MAX 8192
int till_export_statement(char *out, size_t len, int64_t first_id, int64_t last_id,
                          int64_t from_ms, int64_t to_ms);
int till_export_statement_add(char *out, size_t len, const char *series, int64_t last_no);
/* ---- end of tamper ---- */

/* ---- keys: the message by which key <by_id> (public half <by_pub>)
 * endorses the ledger's next key <key_id>, made at <created_at> (seconds),
 * at a rotation (docs/ledger.md, "Signing keys"). ---- */
void till_key_endorsement_message(till_canon_t *c, int64_t key_id, const uint8_t pub[32],
                                  int64_t created_at, int64_t by_id, const uint8_t by_pub[32]);

/* Sum of entry amounts, overflow-checked. 0 and *sum, or -1 on overflow. */
int till_chain_sum(const till_txn_t *txn, int64_t *sum);

/* Short code printed on receipts: first 4 bytes of the hash, "3F2A-9C01". */
void till_chain_verify_code(const uint8_t hash[TILL_HASH_LEN], char out[10]);

/* "HT2026" + 1234 -> "HT2026-00001234". */
void till_receipt_format(const char *series, int64_t no, char *out, size_t len);
/* Parse "HT2026-00001234": series "HT2026" (prefix A-Z 1-8, then 4-digit
 * year) and number >= 1. 0 or -1. */
int till_receipt_parse(const char *s, char *series, size_t series_len, int64_t *no);

#endif
