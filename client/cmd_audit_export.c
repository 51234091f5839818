/* cmd_audit_export.c -- the signed export for offline audit.
 *
 *   till audit export [--from DATE] [--to DATE] > FILE
 *   till audit verify --file FILE [--pubkey PEM] [--allow-unsigned]
 *
 * The export is a run of the chain: every transaction with its entries and
 * stored hash, the hash the run chains from, the signed heads within it and
 * the server's public key (export_file.h, docs/ledger.md). The server works
 * the run out and signs it in one snapshot (AuditSnapshotRequest): the run
 * is extended to the first signed head at or after the range's end, so a
 * signature vouches for every record, and the header's range, counters and
 * head are the reason of a signed head at the header's head. verify --file checks it with the same verifier as the
 * online `till audit verify`, without contacting any server, and fails when
 * no signed head covers the run's last transaction (unless
 * --allow-unsigned). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_audit.h"
#include "audit_keys.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print.h"
#include "export_file.h"
#include "till_util.h"
#include "verify.h"

#define EXPORT_PAGE 1000

static int
write_txns(cli_t *cli, FILE *out, int64_t first, int64_t last, int64_t *written, int *rc)
{
  int64_t after = first - 1;
  /* bounded: each round advances 'after' or stops */
  while (after < last) {
    Till__V1__Envelope *page = audit_export_page(cli, after, EXPORT_PAGE, rc);
    if (!page)
      return -1;
    const Till__V1__AuditExportResponse *p = page->audit_export_resp;
    int64_t before = after;
    for (size_t i = 0; i < p->n_txns && p->txns[i]->id <= last; i++) {
      Till__V1__ExportRecord rec = TILL__V1__EXPORT_RECORD__INIT;
      rec.body_case = TILL__V1__EXPORT_RECORD__BODY_TXN;
      rec.txn = p->txns[i];
      if (export_write(out, &rec) != 0) {
        till__v1__envelope__free_unpacked(page, NULL);
        return -1;
      }
      after = p->txns[i]->id;
      (*written)++;
    }
    till__v1__envelope__free_unpacked(page, NULL);
    if (after == before) {
      fprintf(stderr, _("till: the journal ends at %lld, before transaction %lld\n"),
              (long long)after, (long long)last);
      *rc = 1;
      return -1;
    }
  }
  return 0;
}

int
cmd_audit_export(cli_t *cli)
{
  int64_t from_ms, to_ms;
  int rc = cli_date_opt(cli, "--from", 0, &from_ms);
  if (rc || (rc = cli_date_opt(cli, "--to", 1, &to_ms)))
    return rc;
  if (from_ms && to_ms && from_ms >= to_ms) {
    fprintf(stderr, _("till: invalid argument: --from %s is after --to %s\n"), cli_opt(cli, "--from"),
            cli_opt(cli, "--to"));
    return EXIT_SERVER_BASE + TILL_E_INVALID;
  }
  if (isatty(STDOUT_FILENO))
    return cli_usage_error(_("the export is a binary file: redirect it, "
                             "till audit export ... > FILE"));
  /* one signed snapshot: the run, the counters and the head, signed */
  Till__V1__AuditSnapshotRequest sr = TILL__V1__AUDIT_SNAPSHOT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  sr.from_ms = from_ms;
  sr.to_ms = to_ms;
  req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_REQ;
  req.audit_snapshot_req = &sr;
  Till__V1__Envelope *snap =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_RESP, &rc);
  if (!snap)
    return rc;
  audit_heads_t hs;
  if (audit_heads_fetch(cli, &hs, &rc) != 0) {
    audit_heads_free(&hs);
    till__v1__envelope__free_unpacked(snap, NULL);
    return rc;
  }
  const Till__V1__AuditSnapshotResponse *g = snap->audit_snapshot_resp;
  int64_t first = g->first_id, last = g->last_id;
  Till__V1__ExportHeader eh;
  if (export_header_init(&eh, g, hs.h->keys, hs.h->n_keys, from_ms, to_ms) != 0) {
    fprintf(stderr, "%s", _("till: the server's answer is malformed\n"));
    rc = EXIT_CONN;
    goto out;
  }
  Till__V1__ExportRecord rec = TILL__V1__EXPORT_RECORD__INIT;
  rec.body_case = TILL__V1__EXPORT_RECORD__BODY_HEADER;
  rec.header = &eh;
  int64_t n_txns = 0, n_sigs = 0;
  if (export_write(stdout, &rec) != 0)
    goto write_failed;
  if (write_txns(cli, stdout, first, last, &n_txns, &rc) != 0) {
    if (rc)
      goto out;
    goto write_failed;
  }
  if (export_write_tail(stdout, hs.sigs, hs.n_sigs, first, last, n_txns, &n_sigs) != 0 ||
      fflush(stdout) != 0)
    goto write_failed;
  if (n_txns)
    fprintf(stderr, _("till: exported transactions %lld..%lld (%lld) and %lld signed heads\n"),
            (long long)first, (long long)last, (long long)n_txns, (long long)n_sigs);
  else
    fprintf(stderr, "%s", _("till: no transactions in the range; exported an empty run\n"));
  goto out;
write_failed:
  perror(_("till: writing the export"));
  rc = 1;
out:
  audit_heads_free(&hs);
  till__v1__envelope__free_unpacked(snap, NULL);
  return rc;
}

/* ---- verify --file ------------------------------------------------------ */

static int
verify_failed(cli_t *cli, const export_check_t *c)
{
  const char *error = c->error[0] ? c->error : "unreadable";
  const char *text = c->text[0] ? c->text : _("unreadable");
  if (cli->json) {
    printf("{\"ok\":false,\"first_bad_txn\":%lld,\"record\":%lld,\"error\":",
           (long long)c->bad_txn, (long long)c->records);
    json_str(stdout, error);
    printf("}\n");
  }
  if (c->bad_txn)
    fprintf(stderr, _("till: VERIFICATION FAILED at transaction %lld (record %lld): %s\n"),
            (long long)c->bad_txn, (long long)c->records, text);
  else
    fprintf(stderr, _("till: VERIFICATION FAILED (record %lld): %s\n"), (long long)c->records,
            text);
  return 1;
}

static void
report_file(cli_t *cli, const export_check_t *c)
{
  verify_summary_t s;
  verifier_summary(c->v, &s);
  int64_t last_signed = c->signed_to > 0 ? c->signed_to : 0;
  int64_t unsigned_after = c->signed_to >= c->first_id - 1 && c->signed_to >= 0
                             ? c->last_id - c->signed_to : s.n_txns;
  if (cli->json) {
    printf("{\"ok\":true,\"first_id\":%lld,\"last_id\":%lld,\"transactions\":%lld,"
           "\"entries\":%lld,\"signatures\":%lld,\"last_signed_id\":%lld,\"unsigned\":%lld,"
           "\"created_at_ms\":%lld,\"series\":[",
           (long long)c->first_id, (long long)c->last_id, (long long)s.n_txns,
           (long long)s.n_entries, (long long)s.n_signatures, (long long)last_signed,
           (long long)unsigned_after, (long long)c->created_at_ms);
  } else {
    char made[32];
    fmt_time(c->created_at_ms / 1000, made, sizeof made);
    if (s.n_txns)
      printf(_("export verified: transactions %lld..%lld (%lld), %lld entries; made %s\n"),
             (long long)c->first_id, (long long)c->last_id, (long long)s.n_txns,
             (long long)s.n_entries, made);
    else
      printf(_("export verified: no transactions in the range (the journal's head was %lld); "
               "made %s\n"),
             (long long)c->head_id, made);
    if (s.n_signatures)
      printf(_("signatures: %lld valid; last signed head at transaction %lld (%lld after it not "
               "yet signed)\n"),
             (long long)s.n_signatures, (long long)last_signed, (long long)unsigned_after);
    else if (c->signed_to >= 0)
      printf(_("signatures: none in the file; the header's signed snapshot covers the run up to "
               "transaction %lld\n"),
             (long long)c->signed_to);
    if (unsigned_after)
      printf(_("WARNING: %lld transactions after the last signed head are accepted unproven "
               "(--allow-unsigned)\n"),
             (long long)unsigned_after);
  }
  for (size_t i = 0; i < s.n_series; i++) {
    const char *name;
    int64_t first, last, seen;
    verifier_series(c->v, i, &name, &first, &last, &seen);
    if (cli->json) {
      printf("%s{\"series\":", i ? "," : "");
      json_str(stdout, name);
      printf(",\"first_no\":%lld,\"last_no\":%lld,\"issued\":%lld}", (long long)first,
             (long long)last, (long long)seen);
    } else {
      printf(_("series %s: %s-%08lld..%s-%08lld without a gap (%lld receipts)\n"), name, name,
             (long long)first, name, (long long)last, (long long)seen);
    }
  }
  if (cli->json)
    printf("]}\n");
}

int
audit_verify_file(cli_t *cli, const char *path)
{
  audit_pins_t pinned;
  const char *pin = cli_opt(cli, "--pubkey");
  if (pin && audit_pins_load(pin, &pinned) != 0)
    return cli_usage_error(_("--pubkey %s: not an Ed25519 public key in PEM"), pin);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "till: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (!pin && !cli->json)
    fprintf(stderr, "%s",
            _("till: note: checking signatures against the key in the file; "
              "pin it with --pubkey FILE (from 'till audit pubkey')\n"));
  export_check_t c;
  int rc = export_verify(f, pin ? &pinned : NULL, pin, cli_flag(cli, "--allow-unsigned"), &c);
  fclose(f);
  /* ---- tamper: the witnessed heads the run holds must lie on it; one
   * after the run's end, signed before the export was made, must not,
   * when the run ends at the head ---- */
  size_t witnessed = 0, outside = 0;
  int with_witness = cli_opt(cli, "--witness") || cli_opt(cli, "--prior");
  if (rc == 0 && with_witness) {
    witness_t w = {0};
    char err[512], text[512];
    if (audit_witness_options(cli, &w, pin ? &pinned : NULL, pin, err, text, sizeof err) != 0)
      verifier_fail_with(c.v, 0, err, text);
    else
      witness_check(&w, c.v, c.first_id - 1, c.last_id,
                    c.head_id == c.last_id ? c.created_at_ms : 0, &witnessed, &outside);
    witness_free(&w);
    verify_summary_t s;
    verifier_summary(c.v, &s);
    if (!s.ok) {
      rc = 1;
      c.bad_txn = s.bad_txn;
      c.records = s.bad_txn >= c.first_id && s.bad_txn <= c.last_id
                    ? s.bad_txn - c.first_id + 2 : 1;
      snprintf(c.error, sizeof c.error, "%s", s.error);
      snprintf(c.text, sizeof c.text, "%s", s.text);
    }
  }
  /* ---- end of tamper ---- */
  if (rc == 0)
    report_file(cli, &c);
  else
    rc = verify_failed(cli, &c);
  if (rc == 0 && with_witness && !cli->json)
    printf(_("witness: %zu signed heads checked, all on the run (%zu outside it)\n"), witnessed,
           outside);
  verifier_free(c.v);
  return rc;
}
