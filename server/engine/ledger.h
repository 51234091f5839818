/* ledger.h -- the posting engine: the only code that writes journal rows and
 * entries.
 *
 * One function per business event builds balanced entries, allocates the
 * receipt number from its series, extends the hash chain and records the
 * idempotency result, all on the writer's connection inside the caller's
 * SAVEPOINT -- so a number exists iff its posting commits. Request handlers
 * turn wire messages into the plain structs below and never write entries
 * themselves.
 *
 * THREAD SAFETY: a ledger_t belongs to the writer thread. */
#ifndef TILLD_LEDGER_H
#define TILLD_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "till_chain.h"
#include "till_names.h"
#include "till_status.h"

#define LEDGER_MAX_LINES 32
#define LEDGER_ITEM_MAX 32
#define LEDGER_MEMO_MAX 200
#define LEDGER_QTY_MAX 1000000
#define LEDGER_TOTAL_MAX 100000000000LL /* ¥1,000,000,000.00 in one posting */
#define LEDGER_DATE_LEN 10                /* a business date, YYYY-MM-DD */


typedef struct ledger ledger_t;


typedef struct {
  char item[LEDGER_ITEM_MAX + 1];
  int64_t quantity;
} sale_line_t;

/* A sale is paid with each method at most once, so it has at most one part
 * per method. */
#define LEDGER_MAX_PARTS TILL_METHOD_MAX

/* One part of a split payment. */
typedef struct {
  till_method_t method;
  int64_t amount;            /* fen, > 0; 0 on at most one part: the rest of the total */
  int64_t tendered;          /* fen; 0 = exact; the cash part only */
} sale_part_t;

/* A sale's payment comes in exactly one of two forms: the one-method form
 * (method, tendered; n_parts == 0), or parts (n_parts >= 1; method and
 * tendered 0). Both or neither is refused. A sale of one part, in either
 * form, is stored alike (journal.method its method's name); a sale of two
 * or more parts has journal.method "split" (LEDGER_METHOD_SPLIT) and one
 * payment entry per part. */
typedef struct {
  uint8_t key[TILL_KEY_LEN];
  const char *terminal;
  const char *cashier;
  till_method_t method;
  int64_t tendered;          /* fen; 0 = exact; cash only */
  const char *memo;
  size_t n_lines;
  sale_line_t lines[LEDGER_MAX_LINES];
  size_t n_parts;
  sale_part_t parts[LEDGER_MAX_PARTS];
} sale_req_t;

#define LEDGER_METHOD_SPLIT "split"

typedef struct {
  uint8_t key[TILL_KEY_LEN];
  int64_t void_id;
  int approve;
  const char *supervisor;
  unsigned supervisor_roles; /* role bits; must include TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR) */
  const char *terminal;
  const char *note;
} void_decision_t;

typedef struct {
  int64_t ref_id;            /* txn id (sale) or void id (decision) */
  int replayed;              /* same key and content seen before */
} post_result_t;

#define LEDGER_MAX_DENOMS 16
#define LEDGER_MAX_DEPOSIT_SHIFTS 64
#define LEDGER_COUNT_MAX 1000000

typedef struct {
  int64_t face;              /* fen */
  int64_t count;
} denom_count_t;

/* The deployment's notes and coins (fen), from the config. */
typedef struct {
  int64_t face[LEDGER_MAX_DENOMS];
  size_t n;
} denoms_t;

typedef struct {
  uint8_t key[TILL_KEY_LEN];
  const char *terminal;
  const char *cashier;
  size_t n_counts;
  denom_count_t counts[LEDGER_MAX_DENOMS];
} shift_open_t;

typedef struct {
  uint8_t key[TILL_KEY_LEN];
  const char *terminal;
  const char *cashier;
  size_t n_counts;
  denom_count_t counts[LEDGER_MAX_DENOMS];
  int64_t noncash[TILL_METHOD_MAX + 1]; /* counted per method (cash slot unused) */
  int noncash_given[TILL_METHOD_MAX + 1];
} shift_close_t;

typedef struct {
  uint8_t key[TILL_KEY_LEN];
  const char *terminal;
  const char *supervisor;
  const char *slip;
  int64_t amount;
  size_t n_shifts;
  int64_t shifts[LEDGER_MAX_DEPOSIT_SHIFTS];
} deposit_create_t;

/* Load the chain head and the signing key <key_spec> (a file, made mode
 * 0600 if missing, or a pkcs11: URI) on the writer's connection. A new
 * ledger registers its first key; a ledger with keys must be given its
 * newest (tilld rotate-key changes it). NULL with err set. */
ledger_t *ledger_open(store_conn_t *sc, const char *key_spec, char *err, size_t errlen);
void ledger_free(ledger_t *lg);

/* ---- keys: where the signing key may live, and rotation ---- */

/* 1 if <spec> names a key in a PKCS#11 token ("pkcs11:..."). */
int ledger_key_is_token(const char *spec);
/* The rule of docs/operations.md, "The signing key", for key file <spec>
 * (for a token: its PIN file) beside database <db_path>: a regular file,
 * not a link, mode at most 0640, not in the database's directory; and,
 * when <strict>, neither it nor its directory owned (or, the directory,
 * writable) by the database's owner or the user tilld runs as. Not strict,
 * a missing file is allowed (made on start). 0, or -1 with err naming the
 * file and the fix. ledger_key_check_file: the same for any file (<what>
 * names it in the message). */
int ledger_key_check(const char *spec, const char *db_path, int strict, char *err, size_t errlen);
int ledger_key_check_file(const char *path, const char *what, const char *db_path, int strict,
                          char *err, size_t errlen);

typedef struct {
  int64_t old_id, new_id;
  uint8_t old_pub[32], new_pub[32];
} ledger_rotation_t;
/* tilld rotate-key: register <new_spec> as the ledger's next key, endorsed
 * by <old_spec>, which must be its newest (docs/ledger.md, "Signing keys").
 * Neither key is made here. 0, or -1 with err set and nothing written. */
int ledger_rotate_key(store_conn_t *sc, const char *old_spec, const char *new_spec,
                      ledger_rotation_t *out, char *err, size_t errlen);
/* ---- keys: the same, calling <record>(sc, rotation, arg) inside the
 * rotation's transaction, after the new key is written and before the
 * commit (tilld records the rotation as a security event there, so that
 * both are written or neither). <record> returns 0, or -1 to roll the
 * rotation back (err is then "recording the rotation: <database error>"). ---- */
typedef int (*ledger_rotation_record_fn)(store_conn_t *sc, const ledger_rotation_t *rot,
                                         void *arg);
int ledger_rotate_key_recorded(store_conn_t *sc, const char *old_spec, const char *new_spec,
                               ledger_rotation_record_fn record, void *arg,
                               ledger_rotation_t *out, char *err, size_t errlen);

/* Re-read the chain head after a rollback. */
int ledger_reload_head(ledger_t *lg, store_conn_t *sc);

/* Post a sale. On TILL_OK res->ref_id is the transaction id. On error
 * nothing was written (the caller's savepoint is rolled back) and err says
 * why. */
till_status_t ledger_post_sale(ledger_t *lg, store_conn_t *sc, const sale_req_t *req,
                               post_result_t *res /* OUT */, char *err, size_t errlen);

/* Approve (posting the reversing transaction) or reject a pending void.
 * res->ref_id is the void id. */
till_status_t ledger_decide_void(ledger_t *lg, store_conn_t *sc, const void_decision_t *d,
                                 post_result_t *res /* OUT */, char *err, size_t errlen);

/* The open shift of <cashier> on <terminal>: 0 and *shift_id, or
 * TILL_E_PRECONDITION with a message saying what to do. */
till_status_t ledger_open_shift_of(store_conn_t *sc, const char *terminal, const char *cashier,
                                   int64_t *shift_id /* OUT */, char *err, size_t errlen);

/* Open a shift with its counted float (posted Dr drawer:shift:N / Cr safe).
 * res->ref_id is the shift id. */
till_status_t ledger_shift_open(ledger_t *lg, store_conn_t *sc, const denoms_t *denoms,
                                const shift_open_t *req, post_result_t *res, char *err,
                                size_t errlen);

/* Blind close of the caller's open shift: record counts, post the cash
 * variance to over_short:<cashier> and return the float to the safe, sign the
 * chain head. res->ref_id is the shift id. */
till_status_t ledger_shift_close(ledger_t *lg, store_conn_t *sc, const denoms_t *denoms,
                                 const shift_close_t *req, post_result_t *res, char *err,
                                 size_t errlen);

/* Move closed shifts' cash to the bank in transit (Dr bank:transit / Cr each
 * drawer). The amount must equal their counted cash less the floats returned.
 * res->ref_id is the deposit id. */
till_status_t ledger_deposit_create(ledger_t *lg, store_conn_t *sc, const deposit_create_t *req,
                                    post_result_t *res, char *err, size_t errlen);

/* The bank confirmed the deposit: Dr bank / Cr bank:transit. */
till_status_t ledger_deposit_confirm(ledger_t *lg, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN],
                                     int64_t deposit_id, const char *terminal,
                                     const char *supervisor, post_result_t *res, char *err,
                                     size_t errlen);

/* The current business date (营业日) at <now>: the later of the server's
 * local calendar date and the day after the last closed business date
 * (day_closes). New shifts and deposits are stamped with it, so it is never
 * a closed date; a shift keeps the date it opened on until it closes.
 * Readers call it too. TILL_OK, or a database error with err set. */
till_status_t ledger_business_date(store_conn_t *sc, int64_t now,
                                   char out[LEDGER_DATE_LEN + 1] /* OUT */, char *err,
                                   size_t errlen);

/* Sign the current chain head; *sig_id gets the chain_signatures row. A
 * chain with no transaction yet is signed as id 0 with the zero hash. */
till_status_t ledger_sign_head(ledger_t *lg, store_conn_t *sc, const char *reason,
                               int64_t *sig_id /* OUT */);

/* ---- tamper: the start-up self-check (ledger_check.c) ---- */
typedef struct {
  int64_t signatures;        /* signed heads verified */
  int64_t anchor_id;         /* the last of them: the chain is re-hashed from here */
  int64_t tail;              /* transactions re-hashed after it */
  int64_t series;            /* series counters compared with the journal */
  int64_t shifts, days;      /* closed shifts and days whose signed head was found */
  int64_t elapsed_ms;
  int64_t step_ms[5];        /* schema, signatures, closed shifts and days, tail, counters */
} ledger_check_stats_t;

/* The start-up self-check (docs/security.md, "The start-up check"), on the
 * writer's connection before anything is served:
 *   1. the schema -- every table, index and trigger -- is exactly what the
 *      steps of <schema> make on an empty database;
 *   2. every key in server_keys is reached from the held key through the
 *      rotations' endorsements, and every signed head verifies under its
 *      key (this server's own key for its signatures) and matches the
 *      stored hash at its transaction;
 *   3. every closed shift and closed day names a signed head that exists;
 *   4. the chain is re-hashed from the last signed head to the head;
 *   5. every series counter equals the highest number the journal holds.
 * TILL_OK with the anchor set (signing may go on), or an error with the
 * first finding in why; the ledger then refuses to sign anything
 * (ledger_refused). */
till_status_t ledger_selfcheck(ledger_t *lg, store_conn_t *sc, const store_schema_t *schema,
                               ledger_check_stats_t *stats /* OUT */, char *why, size_t whylen);
/* The reason the ledger refuses to sign, or NULL. */
const char *ledger_refused(const ledger_t *lg);
/* ---- end of tamper ---- */

/* 1 if transaction <txn_id> belongs to a shift that is still open. */
int shift_of_txn_is_open(store_conn_t *sc, int64_t txn_id);


/* The account of shift <shift_id>'s cash drawer ("drawer:shift:12"). */
void ledger_drawer_account(int64_t shift_id, char *buf, size_t len);

/* The payment method a sale's (or a void's) payment entry on <account>
 * stands for -- a drawer is cash, clearing:<name> is <name> -- or 0 when
 * the account is no payment account. The inverse of the engine's choice of
 * account for a method. */
int ledger_account_method(const char *account);

/* The same in SQL, for readers that group or filter by method: the method
 * name ('cash', 'wechat', ...) of the entry aliased <e>, '' for an account
 * that takes no payment. A sale's payment entries are its entries without
 * an item (e.item = ''), one per part; a void's are their negations. */
#define LEDGER_SQL_ENTRY_METHOD(e)                                                      \
  "(CASE WHEN " e ".account GLOB 'drawer:*' THEN 'cash'"                                \
  " WHEN " e ".account GLOB 'clearing:*' THEN substr(" e ".account, 10) ELSE '' END)"

/* Load transaction <id> with its entries as stored. Strings point into
 * <store> (at least 8 KiB) and stay valid while it does. 0, 1 if not found,
 * -1 on error. Used by readers too. */
int ledger_load_txn(store_conn_t *sc, int64_t id, till_txn_t *txn /* OUT */,
                    uint8_t hash[TILL_HASH_LEN] /* OUT */, char *store, size_t store_len);

#endif
