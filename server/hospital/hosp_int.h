/* hosp_int.h -- what the hospital folder's files share: the series, the
 * request hash, a write step, a patient's row and a transaction's head.
 * Handlers are in hospital.h. */
#ifndef TILLD_HOSP_INT_H
#define TILLD_HOSP_INT_H

#include <protobuf-c/protobuf-c.h>

#include "ledger_hospital.h"
#include "request.h"

#define HOSP_NAME_MAX 64      /* a patient's name, bytes of UTF-8 */
#define HOSP_ORDER_MAX 64     /* an order id of the hospital's system */
#define HOSP_LINES_MAX 48     /* lines on one bill */

/* The one receipt series of kind 'hospital' into <prefix>: TILL_OK or a
 * recorded TILL_E_PRECONDITION saying how an admin adds it. */
till_status_t hosp_series(req_t *r, store_conn_t *sc, char *prefix, size_t len);

/* SHA-256 of <msg> packed with its idempotency key (<key>, a field of
 * <msg>) emptied, so that a retry under another key hashes alike. */
void hosp_request_hash(const ProtobufCMessage *msg, ProtobufCBinaryData *key, uint8_t out[32]);

/* Step the write <st> (NULL: internal) to its end and reset it: TILL_OK or
 * the recorded database failure. */
till_status_t hosp_exec(req_t *r, sqlite3_stmt *st);

/* Whether the idempotency key <key> was spent (on any kind: the engine
 * then answers the replay, or the conflict of a key spent on another kind
 * or request): 1, 0, or -1 recorded. */
int hosp_key_seen(req_t *r, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN]);

/* A patient id (an identifier of 1-32 characters) and name (text of 1-64
 * bytes): TILL_OK or recorded TILL_E_INVALID naming the field. */
till_status_t hosp_check_patient(req_t *r, const char *id, const char *name);

/* The deposit row of patient <id>: *found, *discharged and the name into
 * <name>. TILL_OK or a recorded database failure. */
till_status_t hosp_patient_row(req_t *r, store_conn_t *sc, const char *id, int *found,
                               int *discharged, char *name, size_t name_len);

/* The head of transaction <id> as printed: receipt number, terminal,
 * cashier, time, tendered, method, verify code (strings on <r>). */
typedef struct {
  char *number, *terminal, *cashier, *method, *verify_code, *kind;
  int64_t at_ms, tendered;
} hosp_head_t;
till_status_t hosp_txn_head(req_t *r, store_conn_t *sc, int64_t id, hosp_head_t *out);

/* "12.30" for fen 1230 into buf (at least 32 bytes). */
const char *hosp_yuan(int64_t fen, char *buf, size_t len);

#endif
