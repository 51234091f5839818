/* cmd_audit.h -- what the audit commands share between their files:
 * cmd_audit.c (verify, pubkey, checkpoint, receipts, txn) exports the
 * paging of signed heads and of the journal, the pinned key and the JSON of
 * a transaction; cmd_audit_export.c the offline verify --file;
 * cmd_audit_ledger.c uses the transaction's JSON. */
#ifndef TILL_CMD_AUDIT_H
#define TILL_CMD_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "witness.h"

/* AuditHeads: the first page's key, counters and head, and every signed
 * head that existed at the first page, read page by page. */
typedef struct {
  Till__V1__Envelope *first;                  /* owns the first page */
  const Till__V1__AuditHeadsResponse *h;      /* the first page's answer */
  Till__V1__Envelope **more;                  /* the further pages */
  size_t n_more;
  const Till__V1__ChainSignature **sigs;      /* every signature, into the pages */
  size_t n_sigs;
} audit_heads_t;
/* 0, or -1 with *rc set; free with audit_heads_free either way. */
int audit_heads_fetch(cli_t *cli, audit_heads_t *hs, int *rc);
void audit_heads_free(audit_heads_t *hs);

/* One page of AuditExportRequest: the transactions after <after_id>, at
 * most <limit>; NULL with *rc set on failure. */
Till__V1__Envelope *audit_export_page(cli_t *cli, int64_t after_id, uint32_t limit, int *rc);

/* One transaction as `till audit txn --json` prints it: the object's fields
 * up to and including its "entries" array, without the closing brace, so a
 * caller adds its own fields or just "}". */
void print_audit_txn_json_open(const Till__V1__AuditTxn *t);

/* A journal kind ("sale") or payment method ("cash") as a person reads it,
 * in the user's language; a name it does not know, as it is. */
const char *audit_kind_word(const char *kind);
const char *audit_method_word(const char *method);

/* The ledger query's CSV (RFC 4180), as `till audit ledger --csv` prints
 * it (cmd_audit_ledger.c; till-web's download writes the same): the header
 * line, and one transaction with its amount (audit_txn_amount: the sum of
 * its debits; -1 on overflow). */
int audit_txn_amount(const Till__V1__AuditTxn *t, int64_t *out);
void audit_ledger_csv_header(FILE *f);
void audit_ledger_csv_row(FILE *f, const Till__V1__AuditTxn *t, int64_t amount);
/* ---- tamper: the heads of --witness FILE and --prior EXPORT, into w
 * (cmd_audit_witness.c). 0, or -1 with the reason in err (English) and
 * text. ---- */
int audit_witness_options(cli_t *cli, witness_t *w, const struct audit_pins_s *pins,
                          const char *pin_name, char *err, char *text, size_t len);
/* ---- end of tamper ---- */

/* `till audit verify --file F` (cmd_audit_export.c). */
int audit_verify_file(cli_t *cli, const char *path);

#endif
