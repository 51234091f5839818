/* cmd_audit.c -- till audit verify | pubkey | checkpoint | receipts | txn
 * (export and verify --file: cmd_audit_export.c; ledger: cmd_audit_ledger.c).
 *
 * verify fetches the counters, signatures and head id in one snapshot, then
 * pages through the journal up to that head, and checks everything itself
 * (verify.c): the server is not trusted to say its own ledger is sound.
 *
 * What a person reads is in their language, tables in display cells
 * (layout.h); --json keeps the wire's names and English messages. */
#include "cmd_audit.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_keys.h"
#include "cli_opt.h"
#include "cmd_void.h"
#include "commands.h"
#include "export_file.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "verify.h"

#define AUDIT_PAGE 1000

/* One page of AuditHeadsRequest; NULL with *rc set on failure. */
static Till__V1__Envelope *
call_heads(cli_t *cli, int64_t after, int64_t up_to, uint32_t limit, int *rc)
{
  Till__V1__AuditHeadsRequest hr = TILL__V1__AUDIT_HEADS_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  hr.after_signature = after;
  hr.up_to_signature = up_to;
  hr.limit = limit;
  req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_REQ;
  req.audit_heads_req = &hr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_RESP, rc);
  if (resp && resp->audit_heads_resp->public_key.len != 32) {
    *rc = cli_unexpected(resp, _("a 32-byte public key"));
    return NULL;
  }
  return resp;
}

int
audit_heads_fetch(cli_t *cli, audit_heads_t *hs, int *rc)
{
  memset(hs, 0, sizeof *hs);
  if (!(hs->first = call_heads(cli, 0, 0, AUDIT_PAGE, rc)))
    return -1;
  hs->h = hs->first->audit_heads_resp;
  const Till__V1__AuditHeadsResponse *page = hs->h;
  int64_t after = 0;
  /* bounded: the cursor only grows, up to last_signature */
  for (;;) {
    size_t n = hs->n_sigs + page->n_signatures;
    const Till__V1__ChainSignature **sigs = realloc(hs->sigs, (n ? n : 1) * sizeof *sigs);
    if (!sigs) {
      *rc = print_out_of_memory();
      return -1;
    }
    hs->sigs = sigs;
    for (size_t i = 0; i < page->n_signatures; i++)
      hs->sigs[hs->n_sigs++] = page->signatures[i];
    if (!page->next_signature)
      return 0;
    if (page->next_signature <= after || page->next_signature >= hs->h->last_signature) {
      fprintf(stderr, "%s", _("till: the server's signature pages do not advance\n"));
      *rc = EXIT_CONN;
      return -1;
    }
    after = page->next_signature;
    Till__V1__Envelope **more = realloc(hs->more, (hs->n_more + 1) * sizeof *more);
    if (!more) {
      *rc = print_out_of_memory();
      return -1;
    }
    hs->more = more;
    if (!(hs->more[hs->n_more] = call_heads(cli, after, hs->h->last_signature, AUDIT_PAGE, rc)))
      return -1;
    page = hs->more[hs->n_more++]->audit_heads_resp;
  }
}

void
audit_heads_free(audit_heads_t *hs)
{
  for (size_t i = 0; i < hs->n_more; i++)
    till__v1__envelope__free_unpacked(hs->more[i], NULL);
  if (hs->first)
    till__v1__envelope__free_unpacked(hs->first, NULL);
  free(hs->more);
  free(hs->sigs);
  memset(hs, 0, sizeof *hs);
}

Till__V1__Envelope *
audit_export_page(cli_t *cli, int64_t after_id, uint32_t limit, int *rc)
{
  Till__V1__AuditExportRequest er = TILL__V1__AUDIT_EXPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  er.after_id = after_id;
  er.limit = limit;
  req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_REQ;
  req.audit_export_req = &er;
  return cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_RESP, rc);
}

static int
report(cli_t *cli, verifier_t *v)
{
  verify_summary_t s;
  verifier_summary(v, &s);
  if (cli->json) {
    printf("{\"ok\":%s,\"first_bad_txn\":%lld,\"error\":", s.ok ? "true" : "false",
           (long long)s.bad_txn);
    json_str(stdout, s.error);
    printf(",\"transactions\":%lld,\"entries\":%lld,\"head_id\":%lld,\"signatures\":%lld,"
           "\"last_signed_id\":%lld,\"series\":[",
           (long long)s.n_txns, (long long)s.n_entries, (long long)s.head_id,
           (long long)s.n_signatures, (long long)s.last_signed_id);
    for (size_t i = 0; i < s.n_series; i++) {
      const char *name;
      int64_t first, last, seen;
      verifier_series(v, i, &name, &first, &last, &seen);
      printf("%s{\"series\":", i ? "," : "");
      json_str(stdout, name);
      printf(",\"last_no\":%lld,\"issued\":%lld}", (long long)last, (long long)seen);
    }
    printf("]}\n");
  } else if (s.ok) {
    printf(_("ledger verified: %lld transactions, %lld entries, chain head %lld\n"),
           (long long)s.n_txns, (long long)s.n_entries, (long long)s.head_id);
    if (s.head_id > s.last_signed_id)
      printf(_("signatures: %lld valid; last signed head at transaction %lld (%lld after it not "
               "yet signed)\n"),
             (long long)s.n_signatures, (long long)s.last_signed_id,
             (long long)(s.head_id - s.last_signed_id));
    else
      printf(_("signatures: %lld valid; last signed head at transaction %lld\n"),
             (long long)s.n_signatures, (long long)s.last_signed_id);
    for (size_t i = 0; i < s.n_series; i++) {
      const char *name;
      int64_t first, last, seen;
      verifier_series(v, i, &name, &first, &last, &seen);
      printf(_("series %s: 1..%lld complete (%lld receipts)\n"), name, (long long)last,
             (long long)seen);
    }
  }
  if (!s.ok) {
    if (s.bad_txn)
      fprintf(stderr, _("till: VERIFICATION FAILED at transaction %lld: %s\n"),
              (long long)s.bad_txn, s.text);
    else
      fprintf(stderr, _("till: VERIFICATION FAILED: %s\n"), s.text);
    return 1;
  }
  return 0;
}

/* A failure found before the verifier could report it: <text> (the user's
 * language) on stderr, and with --json the same object as report() writes,
 * with <error> (English). Returns 1. */
static int
failed_early(cli_t *cli, int64_t bad_txn, const char *error, const char *text)
{
  if (cli->json) {
    printf("{\"ok\":false,\"first_bad_txn\":%lld,\"error\":", (long long)bad_txn);
    json_str(stdout, error);
    printf("}\n");
  }
  if (bad_txn)
    fprintf(stderr, _("till: VERIFICATION FAILED at transaction %lld: %s\n"), (long long)bad_txn,
            text);
  else
    fprintf(stderr, _("till: VERIFICATION FAILED: %s\n"), text);
  return 1;
}

int
cmd_audit_verify(cli_t *cli)
{
  int rc;
  audit_pins_t pinned;
  const char *file = cli_opt(cli, "--file");
  if (file)
    return audit_verify_file(cli, file);
  const char *pin = cli_opt(cli, "--pubkey");
  if (pin && audit_pins_load(pin, &pinned) != 0)
    return cli_usage_error(_("--pubkey %s: not an Ed25519 public key in PEM"), pin);
  audit_heads_t hs;
  if (audit_heads_fetch(cli, &hs, &rc) != 0) {
    audit_heads_free(&hs);
    return rc;
  }
  const Till__V1__AuditHeadsResponse *h = hs.h;
  if (!pin && !cli->json)
    fprintf(stderr, "%s",
            _("till: note: checking signatures against the key the server presents; "
              "pin it with --pubkey FILE (from 'till audit pubkey')\n"));
  verifier_t *v = verifier_new(h->public_key.data);
  if (!v) {
    audit_heads_free(&hs);
    return 1;
  }
  /* ---- keys: every key the ledger has used, pinned or endorsed from a pinned one ---- */
  char why[512], text[512];
  if (audit_keys_check(h->keys, h->n_keys, h->public_key.data, pin ? &pinned : NULL, pin, v, why,
                       sizeof why, text, sizeof text) != 0) {
    verifier_free(v);
    audit_heads_free(&hs);
    return failed_early(cli, 0, why, text);
  }
  for (size_t i = 0; i < h->n_counters; i++)
    verifier_add_counter(v, h->counters[i]->series, h->counters[i]->last_no);
  int64_t head = h->head_id, after = 0;
  int ok = 1;
  rc = 0;
  /* bounded: each round either advances 'after' or stops */
  while (ok && after < head) {
    Till__V1__Envelope *page = audit_export_page(cli, after, AUDIT_PAGE, &rc);
    if (!page)
      break;
    int64_t before = after;
    const Till__V1__AuditExportResponse *p = page->audit_export_resp;
    for (size_t i = 0; ok && i < p->n_txns && p->txns[i]->id <= head; i++) {
      till_txn_t t;
      if (audit_txn_view(p->txns[i], &t) != 0) {
        rc = failed_early(cli, p->txns[i]->id,
                          "malformed: hash, key or number of entries out of range",
                          _("malformed: hash, key or number of entries out of range"));
        ok = 0;
        break;
      }
      ok = verifier_add_txn(v, &t, p->txns[i]->hash.data) == 0;
      after = t.id;
    }
    till__v1__envelope__free_unpacked(page, NULL);
    if (after == before)
      break;
  }
  if (rc == 0 && ok && after < head) {
    /* the journal ends before the head the server itself reported */
    till_txn_t missing = {.id = head + 1};
    verifier_add_txn(v, &missing, (const uint8_t[TILL_HASH_LEN]){0});
  }
  if (rc != 0) {
    verifier_free(v);
    audit_heads_free(&hs);
    return rc;
  }
  for (size_t i = 0; i < hs.n_sigs; i++) {
    const Till__V1__ChainSignature *s = hs.sigs[i];
    if (verifier_use_key(v, s->key_id, s->txn_id) != 0) /* ---- keys ---- */
      break;
    if (verifier_add_signature(v, s->txn_id, s->head_hash.data, s->head_hash.len, s->at_ms, s->reason,
                               s->signature.data, s->signature.len) != 0)
      break;
  }
  verifier_finish(v);
  /* ---- tamper: every witnessed head still on the chain ---- */
  size_t witnessed = 0, outside = 0;
  if (cli_opt(cli, "--witness") || cli_opt(cli, "--prior")) {
    witness_t w = {0};
    char werr[512], wtext[512];
    if (audit_witness_options(cli, &w, pin ? &pinned : NULL, pin, werr, wtext, sizeof werr) != 0)
      verifier_fail_with(v, 0, werr, wtext);
    else
      witness_check(&w, v, 0, head, INT64_MAX, &witnessed, &outside);
    witness_free(&w);
  }
  /* ---- end of tamper ---- */
  rc = report(cli, v);
  if (rc == 0 && !cli->json && (cli_opt(cli, "--witness") || cli_opt(cli, "--prior")))
    printf(_("witness: %zu signed heads checked, all on the chain\n"), witnessed);
  verifier_free(v);
  audit_heads_free(&hs);
  return rc;
}

/* ---- keys: till audit pubkey [--pin FILE] ----
 * Without --pin: every key of the ledger, oldest first, as PEM (a pinned
 * key set). With --pin FILE: the keys FILE does not hold yet are added to
 * it, each checked to be endorsed from a key it holds (a new FILE trusts
 * the ledger's first key); nothing is removed, and on any doubt nothing is
 * written. */
static int
pin_keys(cli_t *cli, const Till__V1__AuditHeadsResponse *h, const char *path)
{
  audit_pins_t pins;
  int have = access(path, F_OK) == 0;
  if (have && audit_pins_load(path, &pins) != 0)
    return cli_usage_error(_("--pin %s: not an Ed25519 public key in PEM"), path);
  char why[512], text[512];
  if (audit_keys_check(h->keys, h->n_keys, h->public_key.data, have ? &pins : NULL, path, NULL, why,
                       sizeof why, text, sizeof text) != 0) {
    fprintf(stderr, _("till: %s: %s; nothing written\n"), path, text);
    return 1;
  }
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.new", path);
  FILE *out = fopen(tmp, "w");
  if (!out) {
    fprintf(stderr, "till: %s: %s\n", tmp, strerror(errno));
    return 1;
  }
  int bad = 0;
  size_t added = 0;
  if (have) { /* the file as it is, byte for byte */
    FILE *in = fopen(path, "r");
    char buf[4096];
    size_t n;
    bad = !in;
    while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
      bad |= fwrite(buf, 1, n, out) != n;
    if (in)
      fclose(in);
  }
  for (size_t i = 0; !bad && i < h->n_keys; i++) {
    const Till__V1__ServerKey *k = h->keys[i];
    if (have && audit_pins_has(&pins, k->public_key.data))
      continue;
    char comment[128];
    snprintf(comment, sizeof comment, "till signing key %lld%s", (long long)k->id,
             k->endorsed_by ? ", endorsed by the key before it" : "");
    bad |= audit_key_write_pem(out, k->public_key.data, comment) != 0;
    added++;
  }
  if (!have && h->n_keys == 0) {
    bad |= audit_key_write_pem(out, h->public_key.data, "till signing key") != 0;
    added++;
  }
  bad |= fflush(out) != 0 || fsync(fileno(out)) != 0;
  bad |= fclose(out) != 0;
  if (bad || rename(tmp, path) != 0) {
    fprintf(stderr, "till: %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return 1;
  }
  size_t total = (have ? pins.n : 0) + added;
  if (cli->json)
  {
    printf("{\"file\":");
    json_str(stdout, path);
    printf(",\"keys\":%zu,\"added\":%zu}\n", total, added);
  }
  else
    printf(_("%s: %zu pinned keys, %zu added\n"), path, total, added);
  return 0;
}

int
cmd_audit_pubkey(cli_t *cli)
{
  int rc;
  Till__V1__Envelope *heads = call_heads(cli, 0, 0, 1, &rc);
  if (!heads)
    return rc;
  const Till__V1__AuditHeadsResponse *h = heads->audit_heads_resp;
  const char *pin = cli_opt(cli, "--pin");
  if (pin) {
    rc = pin_keys(cli, h, pin);
  } else if (h->n_keys == 0) {
    rc = audit_key_write_pem(stdout, h->public_key.data, NULL) == 0 ? 0 : 1;
  } else {
    rc = 0;
    for (size_t i = 0; rc == 0 && i < h->n_keys; i++)
      rc = h->keys[i]->public_key.len == 32 &&
               audit_key_write_pem(stdout, h->keys[i]->public_key.data, NULL) == 0
             ? 0
             : 1;
  }
  till__v1__envelope__free_unpacked(heads, NULL);
  return rc;
}

int
cmd_audit_checkpoint(cli_t *cli)
{
  int rc;
  Till__V1__ChainCheckpointRequest cr = TILL__V1__CHAIN_CHECKPOINT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.body_case = TILL__V1__ENVELOPE__BODY_CHAIN_CHECKPOINT_REQ;
  req.chain_checkpoint_req = &cr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_CHAIN_CHECKPOINT_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ChainSignature *s = resp->chain_checkpoint_resp->signature;
  if (!s)
    return cli_unexpected(resp, _("a signature"));
  char hex[2 * TILL_HASH_LEN + 1] = "";
  for (size_t i = 0; i < s->head_hash.len && i < TILL_HASH_LEN; i++)
    snprintf(hex + 2 * i, 3, "%02x", s->head_hash.data[i]);
  if (cli->json)
    printf("{\"txn_id\":%lld,\"head_hash\":\"%s\",\"at_ms\":%lld}\n", (long long)s->txn_id, hex,
           (long long)s->at_ms);
  else
    printf(_("signed chain head at transaction %lld\nhash %s\n"), (long long)s->txn_id, hex);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* "--from"/"--to": a receipt number >= 1, or 0 when not given. */
static int
number_opt(cli_t *cli, const char *name, int64_t *out)
{
  const char *v = cli_opt(cli, name);
  *out = 0;
  return v && till_parse_i64(v, 1, INT64_MAX, out) != 0 ? -1 : 0;
}

static void
print_receipts_json(const Till__V1__AuditReceiptsResponse *a, int complete)
{
  printf("{\"series\":");
  json_str(stdout, a->series);
  printf(",\"last_no\":%lld,\"from\":%lld,\"to\":%lld,\"issued\":%lld,\"complete\":%s,"
         "\"truncated\":%s,\"missing\":[",
         (long long)a->last_no, (long long)a->from_no, (long long)a->to_no, (long long)a->issued,
         complete ? "true" : "false", a->truncated ? "true" : "false");
  for (size_t i = 0; i < a->n_missing; i++)
    printf("%s{\"from\":%lld,\"to\":%lld}", i ? "," : "", (long long)a->missing[i]->from_no,
           (long long)a->missing[i]->to_no);
  printf("],\"voided\":[");
  for (size_t i = 0; i < a->n_voided; i++) {
    const Till__V1__VoidedReceipt *v = a->voided[i];
    printf("%s{\"receipt_no\":%lld,\"reason\":", i ? "," : "", (long long)v->receipt_no);
    json_str(stdout, v->reason);
    printf(",\"requested_by\":");
    json_str(stdout, v->requested_by);
    printf(",\"approved_by\":");
    json_str(stdout, v->approved_by);
    printf(",\"void_txn_id\":%lld}", (long long)v->void_txn_id);
  }
  printf("],\"reprinted\":[");
  for (size_t i = 0; i < a->n_reprinted; i++)
    printf("%s{\"receipt_no\":%lld,\"copies\":%lld}", i ? "," : "",
           (long long)a->reprinted[i]->receipt_no, (long long)a->reprinted[i]->copies);
  printf("]}\n");
}

/* The voided numbers and the reprinted ones, as tables in display cells.
 * 0, or -1 when out of memory (nothing printed of that table). */
static int
print_receipt_tables(const Till__V1__AuditReceiptsResponse *a)
{
  char n1[TILL_RECEIPT_NO_MAX], copies[64];
  int rc = 0;
  if (a->n_voided) {
    layout_table_t *t = layout_table_new(4, "llll");
    rc = t && layout_table_add(t, _("NUMBER"), _("REQUESTED"), _("APPROVED"), _("REASON")) == 0
           ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < a->n_voided; i++) {
      const Till__V1__VoidedReceipt *v = a->voided[i];
      till_receipt_format(a->series, v->receipt_no, n1, sizeof n1);
      rc = layout_table_add(t, n1, v->requested_by, v->approved_by, v->reason);
    }
    if (rc == 0)
      printf(_("voided (%zu):\n"), a->n_voided);
    rc = print_table(t, rc == 0, "");
  }
  if (rc == 0 && a->n_reprinted) {
    layout_table_t *t = layout_table_new(2, "ll");
    rc = t ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < a->n_reprinted; i++) {
      long long n = (long long)a->reprinted[i]->copies;
      till_receipt_format(a->series, a->reprinted[i]->receipt_no, n1, sizeof n1);
      snprintf(copies, sizeof copies, ngettext("%lld copy", "%lld copies", (unsigned long)n), n);
      rc = layout_table_add(t, n1, copies);
    }
    if (rc == 0)
      printf(_("reprinted (%zu):\n"), a->n_reprinted);
    rc = print_table(t, rc == 0, "");
  }
  return rc;
}

/* 0, or 1 after saying that memory ran out. */
static int
print_receipts_text(const Till__V1__AuditReceiptsResponse *a, int complete)
{
  char n1[TILL_RECEIPT_NO_MAX], n2[TILL_RECEIPT_NO_MAX];
  long long range = (long long)(a->to_no - a->from_no + 1);
  till_receipt_format(a->series, a->from_no, n1, sizeof n1);
  till_receipt_format(a->series, a->to_no, n2, sizeof n2);
  if (complete)
    printf(_("series %s: %s..%s, %lld of %lld numbers in the journal: complete\n"), a->series, n1,
           n2, (long long)a->issued, range);
  else
    printf(_("series %s: %s..%s, %lld of %lld numbers in the journal: NUMBERS MISSING\n"),
           a->series, n1, n2, (long long)a->issued, range);
  for (size_t i = 0; i < a->n_missing; i++) {
    till_receipt_format(a->series, a->missing[i]->from_no, n1, sizeof n1);
    till_receipt_format(a->series, a->missing[i]->to_no, n2, sizeof n2);
    if (a->missing[i]->from_no == a->missing[i]->to_no)
      printf(_("missing  %s\n"), n1);
    else
      printf(_("missing  %s..%s (%lld numbers)\n"), n1, n2,
             (long long)(a->missing[i]->to_no - a->missing[i]->from_no + 1));
  }
  if (print_receipt_tables(a) != 0)
    return print_out_of_memory();
  if (a->truncated)
    printf("%s\n", _("(a list stopped at 1000 entries; narrow --from/--to)"));
  return 0;
}

int
cmd_audit_receipts(cli_t *cli)
{
  Till__V1__AuditReceiptsRequest ar = TILL__V1__AUDIT_RECEIPTS_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *series = cli_opt(cli, "--series");
  if (!series)
    return commands_usage_error(cli);
  if (number_opt(cli, "--from", &ar.from_no) != 0 || number_opt(cli, "--to", &ar.to_no) != 0)
    return cli_usage_error(_("--from and --to must be receipt numbers (1 or more)"));
  ar.series = (char *)series;
  req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_REQ;
  req.audit_receipts_req = &ar;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__AuditReceiptsResponse *a = resp->audit_receipts_resp;
  int complete = a->n_missing == 0 && a->issued == a->to_no - a->from_no + 1;
  if (cli->json)
    print_receipts_json(a, complete);
  else if (print_receipts_text(a, complete) != 0) {
    till__v1__envelope__free_unpacked(resp, NULL);
    return 1;
  }
  if (!complete)
    fprintf(stderr, _("till: RECEIPTS MISSING in series %s: %lld of %lld numbers not in the journal\n"),
            a->series, (long long)(a->to_no - a->from_no + 1 - a->issued),
            (long long)(a->to_no - a->from_no + 1));
  till__v1__envelope__free_unpacked(resp, NULL);
  return complete ? 0 : 1;
}

void
print_audit_txn_json_open(const Till__V1__AuditTxn *t)
{
  char hex[2 * TILL_HASH_LEN + 1] = "", key[2 * TILL_KEY_LEN + 1] = "", money[TILL_MONEY_STR_MAX];
  if (t->hash.len == TILL_HASH_LEN)
    till_hex_encode(t->hash.data, TILL_HASH_LEN, hex);
  if (t->idempotency_key.len == TILL_KEY_LEN)
    till_hex_encode(t->idempotency_key.data, TILL_KEY_LEN, key);
  printf("{\"id\":%lld,\"kind\":", (long long)t->id);
  json_str(stdout, t->kind);
  printf(",\"at_ms\":%lld,\"terminal\":", (long long)t->at_ms);
  json_str(stdout, t->terminal_id);
  printf(",\"cashier\":");
  json_str(stdout, t->cashier);
  printf(",\"shift_id\":%lld,\"series\":", (long long)t->shift_id);
  json_str(stdout, t->series);
  printf(",\"receipt_no\":%lld,\"idempotency_key\":\"%s\",\"reverses\":%lld,\"method\":",
         (long long)t->receipt_no, key, (long long)t->reverses);
  json_str(stdout, t->method);
  printf(",\"memo\":");
  json_str(stdout, t->memo);
  printf(",\"approver\":");
  json_str(stdout, t->approver);
  printf(",\"hash\":\"%s\",\"entries\":[", hex);
  for (size_t i = 0; i < t->n_entries; i++) {
    const Till__V1__AuditEntry *e = t->entries[i];
    till_money_format(e->amount, money, sizeof money);
    printf("%s{\"seq\":%d,\"account\":", i ? "," : "", e->seq);
    json_str(stdout, e->account);
    printf(",\"amount\":\"%s\",\"item\":", money);
    json_str(stdout, e->item);
    printf(",\"quantity\":%lld,", (long long)e->quantity);
    till_money_format(e->unit_price, money, sizeof money);
    printf("\"unit_price\":\"%s\"}", money);
  }
  printf("]");
}

static void
print_txn_json(cli_t *cli, const Till__V1__AuditTxnResponse *a)
{
  print_audit_txn_json_open(a->txn);
  printf(",\"reversed_by\":%lld,\"reprints\":%lld,\"voids\":[", (long long)a->reversed_by,
         (long long)a->reprints);
  for (size_t i = 0; i < a->n_voids; i++)
    print_void_json(a->voids[i], i == 0, -1);
  printf("]}\n");
}

/* The journal's kinds of transaction, as a person reads them. */
static const char *const kind_words[][2] = {
  {"sale", N_("sale")},
  {"void", N_("void")},
  {"float", N_("float")},
  {"variance", N_("variance")},
  {"float_return", N_("float_return")},
  {"deposit", N_("deposit")},
  {"deposit_confirm", N_("deposit_confirm")},
  {"toll", N_("toll")},
  {"toll_exempt", N_("toll_exempt")},
  /* ---- hospital ---- */
  {"hosp_bill", N_("hosp_bill")},
  {"hosp_deposit", N_("hosp_deposit")},
  {"hosp_discharge", N_("hosp_discharge")},
  /* ---- end of hospital ---- */
};

const char *
audit_kind_word(const char *kind)
{
  for (size_t i = 0; i < sizeof kind_words / sizeof kind_words[0]; i++)
    if (strcmp(kind, kind_words[i][0]) == 0)
      return _(kind_words[i][1]);
  return kind;
}

const char *
audit_method_word(const char *method)
{
  int m = till_method_from_name(method);
  return m ? print_method(m) : method;
}

/* A transaction's entries in columns as wide as their widest cell (in
 * display cells), two cells apart; a line ends after its last non-empty
 * cell, so an entry without an item has no trailing blanks. */
static void
print_entries(const Till__V1__AuditTxn *t)
{
  enum { NCOL = 6 };
  static const char aligns[NCOL] = {'l', 'l', 'r', 'l', 'r', 'r'};
  const char *head[NCOL] = {_("SEQ"), _("ACCOUNT"), _("AMOUNT"), _("ITEM"), _("QTY"), _("PRICE")};
  char seq[24], money[TILL_MONEY_STR_MAX], qty[24], price[TILL_MONEY_STR_MAX];
  int width[NCOL] = {0};
  /* two rounds: the widths, then the lines; round 0 reads the header too */
  for (int round = 0; round < 2; round++) {
    for (size_t r = 0; r <= t->n_entries; r++) {
      const char *cell[NCOL];
      if (r == 0) {
        memcpy(cell, head, sizeof cell);
      } else {
        const Till__V1__AuditEntry *e = t->entries[r - 1];
        snprintf(seq, sizeof seq, "%d", e->seq);
        till_money_format(e->amount, money, sizeof money);
        qty[0] = price[0] = '\0';
        if (e->item[0]) {
          snprintf(qty, sizeof qty, "%lld", (long long)e->quantity);
          till_money_format(e->unit_price, price, sizeof price);
        }
        const char *row[NCOL] = {seq, e->account, money, e->item, qty, price};
        memcpy(cell, row, sizeof cell);
      }
      int last = NCOL - 1;
      while (last > 0 && !cell[last][0])
        last--;
      for (int c = 0; c <= last; c++) {
        if (round == 0) {
          if (layout_width(cell[c]) > width[c])
            width[c] = layout_width(cell[c]);
          continue;
        }
        if (c)
          fputs("  ", stdout);
        if (aligns[c] == 'r')
          layout_right(stdout, cell[c], width[c]);
        else if (c < last)
          layout_left(stdout, cell[c], width[c]);
        else
          fputs(cell[c], stdout);
      }
      if (round == 1)
        putchar('\n');
    }
  }
}

/* The voids of a transaction, each in one sentence. */
static void
print_txn_voids(const Till__V1__AuditTxnResponse *a)
{
  for (size_t i = 0; i < a->n_voids; i++) {
    const Till__V1__VoidInfo *v = a->voids[i];
    const char *state = print_void_state((int)v->state);
    if (!v->decided_by[0])
      printf(_("void %lld (%s): requested by %s: %s\n"), (long long)v->id, state, v->requested_by,
             v->reason);
    else if (v->note[0])
      printf(_("void %lld (%s): requested by %s: %s; decided by %s: %s\n"), (long long)v->id,
             state, v->requested_by, v->reason, v->decided_by, v->note);
    else
      printf(_("void %lld (%s): requested by %s: %s; decided by %s\n"), (long long)v->id, state,
             v->requested_by, v->reason, v->decided_by);
  }
}

static void
print_txn_text(const Till__V1__AuditTxnResponse *a)
{
  const Till__V1__AuditTxn *t = a->txn;
  char when[32], hex[2 * TILL_HASH_LEN + 1] = "";
  fmt_time(t->at_ms / 1000, when, sizeof when);
  if (t->hash.len == TILL_HASH_LEN)
    till_hex_encode(t->hash.data, TILL_HASH_LEN, hex);
  const char *kind = audit_kind_word(t->kind);
  if (t->shift_id)
    printf(_("transaction %lld: %s at %s, terminal %s, cashier %s, shift %lld\n"), (long long)t->id,
           kind, when, t->terminal_id, t->cashier, (long long)t->shift_id);
  else
    printf(_("transaction %lld: %s at %s, terminal %s, cashier %s\n"), (long long)t->id, kind, when,
           t->terminal_id, t->cashier);
  if (t->receipt_no) {
    char number[TILL_RECEIPT_NO_MAX];
    till_receipt_format(t->series, t->receipt_no, number, sizeof number);
    if (t->method[0])
      printf(_("receipt %s, method %s\n"), number, audit_method_word(t->method));
    else
      printf(_("receipt %s\n"), number);
  }
  if (t->reverses)
    printf(_("reverses transaction %lld, approved by %s\n"), (long long)t->reverses, t->approver);
  if (t->memo[0])
    printf(_("memo: %s\n"), t->memo);
  printf(_("hash %s\n"), hex);
  print_entries(t);
  if (a->reversed_by)
    printf(_("reversed by transaction %lld\n"), (long long)a->reversed_by);
  print_txn_voids(a);
  if (a->reprints)
    printf(ngettext("receipt reprinted %lld time\n", "receipt reprinted %lld times\n",
                    (unsigned long)a->reprints),
           (long long)a->reprints);
}

int
cmd_audit_txn(cli_t *cli)
{
  Till__V1__AuditTxnRequest tr = TILL__V1__AUDIT_TXN_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *id = cli_arg(cli, 2);
  if (!id || till_parse_i64(id, 1, INT64_MAX, &tr.id) != 0)
    return commands_usage_error(cli);
  req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_TXN_REQ;
  req.audit_txn_req = &tr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_TXN_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->audit_txn_resp->txn)
    return cli_unexpected(resp, _("a transaction"));
  if (cli->json)
    print_txn_json(cli, resp->audit_txn_resp);
  else
    print_txn_text(resp->audit_txn_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
