/* export_file.h -- the file `till audit export` writes and `till audit
 * verify --file` reads (docs/ledger.md, "The export file"): a sequence of
 * records, each a 4-byte big-endian length N (1 <= N <= EXPORT_RECORD_MAX)
 * and N bytes of one till.v1.ExportRecord -- the wire protocol's framing
 * around a message of its own. A header comes first, then the transactions
 * in id order, then the signed heads, then an end record. */
#ifndef TILL_EXPORT_FILE_H
#define TILL_EXPORT_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "till.pb-c.h"
#include "verify.h"

#define EXPORT_FORMAT "till-export-v1"
#define EXPORT_RECORD_MAX (1024u * 1024u)

/* What export_verify found. */
typedef struct {
  verifier_t *v;             /* set once the header was read; free with verifier_free */
  int64_t first_id, last_id, head_id, created_at_ms; /* from the header */
  int64_t records;           /* records read, the header included: where a failure is */
  int64_t bad_txn;           /* the transaction a failure concerns, or 0 */
  int64_t signed_to;         /* the run is covered by a signed head (a record's or the
                                header's) up to here; -1: none */
  char error[512];           /* the failure in English (--json) */
  char text[512];            /* the same in the user's language */
} export_check_t;

/* Read the next record into *out (free it with
 * till__v1__export_record__free_unpacked). Returns 1 with a record, 0 at
 * the end of the file exactly between records, -1 with the message in
 * c->error and c->text (a truncated or oversized record, one that does not
 * decode). <offset> counts the bytes consumed, for the message. */
int export_read(FILE *f, Till__V1__ExportRecord **out, long long *offset, export_check_t *c);

/* Append one record. 0, or -1 when it cannot be packed or written. */
int export_write(FILE *f, const Till__V1__ExportRecord *rec);

/* The header of an export of <g>, the server's signed snapshot
 * (AuditSnapshotResponse: the run first_id..last_id, the counters, the
 * head), listing the ledger's <keys> (AuditHeadsResponse.keys), for the
 * days <from_ms>..<to_ms> (0: open). *eh points into g and keys and lives
 * as long as they do. 0, or -1 when the snapshot is malformed (a key not
 * 32 bytes, no prev_hash, no signature, a run past its own head). */
int export_header_init(Till__V1__ExportHeader *eh, const Till__V1__AuditSnapshotResponse *g,
                       Till__V1__ServerKey **keys, size_t n_keys, int64_t from_ms, int64_t to_ms);

/* After the header and the run first..last (<n_txns> transactions), the
 * rest of the file: every signed head of <sigs> that names a transaction
 * of the run or the one before it, then the end record with the counts.
 * *n_written gets the signed heads written. 0, or -1 when a record cannot
 * be written. */
int export_write_tail(FILE *f, const Till__V1__ChainSignature *const *sigs, size_t n_sigs,
                      int64_t first, int64_t last, int64_t n_txns, int64_t *n_written);

/* A till_txn_t view of an AuditTxn, pointing into the message, for the
 * verifier (here and in the online `till audit verify`). 0, or -1 when a
 * length is out of range. */
int audit_txn_view(const Till__V1__AuditTxn *m, till_txn_t *t);

/* Read and verify a whole export from <f> (docs/ledger.md, "The export
 * file"): the header, then every record through one verifier in range mode,
 * then the file's structure (order of records, the end record's counts,
 * nothing after it, the run complete), and that a signed head covers the
 * run's last transaction -- unless <allow_unsigned>, which accepts an
 * unsigned tail (the caller says so). <pins>: NULL (trust the first key
 * the header lists), or the pinned key set (from file <pin_name>) every listed key must be in or
 * endorsed from (audit_keys.h). 0 if it verifies, 1 if not (error, bad_txn
 * and records say where); c->v is set in either case once the header was
 * read. */
typedef struct audit_pins_s audit_pins_t;
int export_verify(FILE *f, const audit_pins_t *pins, const char *pin_name, int allow_unsigned,
                  export_check_t *c);

#endif
