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

#define EXPORT_FORMAT "till-export-v1"
#define EXPORT_RECORD_MAX (1024u * 1024u)

/* Append one record. 0, or -1 when it cannot be packed or written. */
int export_write(FILE *f, const Till__V1__ExportRecord *rec);

/* Read the next record into *out (free it with
 * till__v1__export_record__free_unpacked). Returns 1 with a record, 0 at
 * the end of the file exactly between records, -1 with a message in err
 * (a truncated or oversized record, one that does not decode). <offset>
 * counts the bytes consumed, for the message. */
int export_read(FILE *f, Till__V1__ExportRecord **out, long long *offset, char *err,
                size_t errlen);

#endif
