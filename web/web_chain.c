/* web_chain.c -- the auditor's view of the chain: one transaction with its
 * entries and stored hash (linked from the ledger page), the export file
 * as `till audit export` writes it (the client's export_file.c writer, the
 * same records in the same order), and the chain's verification as `till
 * audit verify` does it (the client's verifier over the rows tilld
 * stores, with the key tilld presents); see web.h. */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "audit_keys.h"
#include "cmd_audit.h"
#include "export_file.h"
#include "i18n.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"
#include "verify.h"

#define CHAIN_PAGE 1000          /* transactions or signatures per request */
#define CHAIN_MAX_PAGES 200      /* an export or verification past 200,000 transactions
                                  * is left to the CLI (the loop serves one page at a time) */
#define HEADS_MAX_PAGES 1000     /* signed heads: 1,000,000 */

/* ---- one transaction ------------------------------------------------------------ */

static void
txn_entries(wreq_t *wr, const Till__V1__AuditTxn *t)
{
  web_printf(wr, "<h2>%s</h2><table id=\"entries\"><thead><tr><th class=\"num\">%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th><th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "</tr></thead><tbody>\n",
             _("Entries"), _("SEQ"), _("ACCOUNT"), _("AMOUNT"), _("ITEM"), _("QTY"), _("PRICE"));
  for (size_t i = 0; i < t->n_entries; i++) {
    const Till__V1__AuditEntry *e = t->entries[i];
    web_printf(wr, "<tr><td class=\"num\">%d</td><td>", e->seq);
    web_esc(wr, e->account);
    web_printf(wr, "</td><td class=\"num\">");
    web_money(wr, e->amount);
    web_printf(wr, "</td><td>");
    web_esc(wr, e->item);
    web_printf(wr, "</td><td class=\"num\">");
    if (e->item && e->item[0]) {
      web_printf(wr, "%lld</td><td class=\"num\">", (long long)e->quantity);
      web_money(wr, e->unit_price);
    } else {
      web_printf(wr, "</td><td class=\"num\">");
    }
    web_printf(wr, "</td></tr>\n");
  }
  web_printf(wr, "</tbody></table>\n");
}

static void
txn_voids(wreq_t *wr, const Till__V1__AuditTxnResponse *a)
{
  if (!a->n_voids)
    return;
  web_printf(wr, "<h2>%s</h2><table id=\"txn-voids\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
             _("Voids"), _("Void"), _("State"), _("Requested by"), _("Reason"), _("Decided by"), _("Note"));
  for (size_t i = 0; i < a->n_voids; i++) {
    const Till__V1__VoidInfo *v = a->voids[i];
    web_printf(wr, "<tr><td>%lld</td><td>%s</td><td>", (long long)v->id, print_void_state((int)v->state));
    web_esc(wr, v->requested_by);
    web_printf(wr, "</td><td>");
    web_esc(wr, v->reason);
    web_printf(wr, "</td><td>");
    web_esc(wr, v->decided_by);
    web_printf(wr, "</td><td>");
    web_esc(wr, v->note);
    web_printf(wr, "</td></tr>\n");
  }
  web_printf(wr, "</tbody></table>\n");
}

void
web_page_txn(wreq_t *wr)
{
  int64_t id;
  if (web_parse_id(web_query(wr, "id"), &id) != 0) {
    web_error(wr, 400, _("Invalid request"), _("A transaction is named by its number."));
    return;
  }
  Till__V1__AuditTxnRequest tr = TILL__V1__AUDIT_TXN_REQUEST__INIT;
  tr.id = id;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_TXN_REQ;
  env.audit_txn_req = &tr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_AUDIT_TXN_RESP, 1);
  if (!resp)
    return;
  const Till__V1__AuditTxnResponse *a = resp->audit_txn_resp;
  const Till__V1__AuditTxn *t = a ? a->txn : NULL;
  if (!t) {
    till__v1__envelope__free_unpacked(resp, NULL);
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return;
  }
  char title[64], when[32], hex[2 * TILL_HASH_LEN + 1] = "", number[TILL_RECEIPT_NO_MAX] = "-";
  snprintf(title, sizeof title, _("Transaction %lld"), (long long)id);
  fmt_time(t->at_ms / 1000, when, sizeof when);
  if (t->hash.len == TILL_HASH_LEN)
    till_hex_encode(t->hash.data, TILL_HASH_LEN, hex);
  if (t->receipt_no)
    till_receipt_format(t->series, t->receipt_no, number, sizeof number);
  web_begin(wr, title);
  web_printf(wr, "<table class=\"kv\" id=\"txn\"><tbody><tr><th>%s</th><td id=\"kind\">", _("Kind"));
  web_esc(wr, audit_kind_word(t->kind));
  web_printf(wr, "</td></tr><tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>", _("Time"), when,
             _("Terminal"));
  web_esc(wr, t->terminal_id);
  web_printf(wr, "</td></tr><tr><th>%s</th><td>", _("Cashier"));
  web_esc(wr, t->cashier);
  web_printf(wr, "</td></tr><tr><th>%s</th><td>", _("Shift"));
  if (t->shift_id)
    web_printf(wr, "<a href=\"/shift?id=%lld\">%lld</a>", (long long)t->shift_id, (long long)t->shift_id);
  web_printf(wr, "</td></tr><tr><th>%s</th><td id=\"number\">", _("Receipt"));
  web_esc(wr, number);
  web_printf(wr, "</td></tr><tr><th>%s</th><td>", _("Method"));
  web_esc(wr, t->method && t->method[0] ? audit_method_word(t->method) : "-");
  web_printf(wr, "</td></tr>");
  if (t->reverses) {
    web_printf(wr, "<tr><th>%s</th><td><a href=\"/txn?id=%lld\">%lld</a> (", _("Reverses"),
               (long long)t->reverses, (long long)t->reverses);
    web_esc(wr, t->approver);
    web_printf(wr, ")</td></tr>");
  }
  if (t->memo && t->memo[0]) {
    web_printf(wr, "<tr><th>%s</th><td>", _("Memo"));
    web_esc(wr, t->memo);
    web_printf(wr, "</td></tr>");
  }
  if (a->reversed_by)
    web_printf(wr, "<tr><th>%s</th><td id=\"reversed_by\"><a href=\"/txn?id=%lld\">%lld</a></td></tr>",
               _("Reversed by"), (long long)a->reversed_by, (long long)a->reversed_by);
  if (a->reprints)
    web_printf(wr, "<tr><th>%s</th><td>%lld</td></tr>", _("Reprints"), (long long)a->reprints);
  web_printf(wr, "<tr><th>%s</th><td class=\"hash\" id=\"hash\">%s</td></tr></tbody></table>\n", _("Hash"),
             hex);
  txn_entries(wr, t);
  txn_voids(wr, a);
  if (id > 1)
    web_printf(wr, "<p class=\"noprint\"><a id=\"prev\" href=\"/txn?id=%lld\">%s</a></p>\n",
               (long long)(id - 1), _("The transaction before"));
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}

/* ---- the signed heads, page by page (as cmd_audit.c's audit_heads_fetch) --------- */

typedef struct {
  Till__V1__Envelope **pages;
  size_t n_pages;
  const Till__V1__AuditHeadsResponse *h;   /* the first page */
  const Till__V1__ChainSignature **sigs;   /* into the pages */
  size_t n_sigs;
} heads_t;

static void
heads_free(heads_t *hs)
{
  for (size_t i = 0; i < hs->n_pages; i++)
    till__v1__envelope__free_unpacked(hs->pages[i], NULL);
  free(hs->pages);
  free(hs->sigs);
  memset(hs, 0, sizeof *hs);
}

/* 0, or -1 after an error page; heads_free either way. */
static int
heads_fetch(wreq_t *wr, heads_t *hs)
{
  int64_t after = 0, up_to = 0;
  memset(hs, 0, sizeof *hs);
  for (int n = 0; n < HEADS_MAX_PAGES; n++) {
    Till__V1__AuditHeadsRequest hr = TILL__V1__AUDIT_HEADS_REQUEST__INIT;
    hr.after_signature = after;
    hr.up_to_signature = up_to;
    hr.limit = CHAIN_PAGE;
    Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
    env.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_REQ;
    env.audit_heads_req = &hr;
    Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_RESP, 1);
    if (!resp)
      return -1;
    Till__V1__Envelope **pages = realloc(hs->pages, (hs->n_pages + 1) * sizeof *pages);
    if (!pages) {
      till__v1__envelope__free_unpacked(resp, NULL);
      goto oom;
    }
    hs->pages = pages;
    hs->pages[hs->n_pages++] = resp;
    const Till__V1__AuditHeadsResponse *p = resp->audit_heads_resp;
    if (!p || p->public_key.len != 32)
      goto malformed;
    if (!hs->h) {
      hs->h = p;
      up_to = p->last_signature;
    }
    const Till__V1__ChainSignature **sigs = realloc(hs->sigs, (hs->n_sigs + p->n_signatures + 1) * sizeof *sigs);
    if (!sigs)
      goto oom;
    hs->sigs = sigs;
    for (size_t i = 0; i < p->n_signatures; i++)
      hs->sigs[hs->n_sigs++] = p->signatures[i];
    if (!p->next_signature)
      return 0;
    if (p->next_signature <= after || p->next_signature >= up_to)
      goto malformed;
    after = p->next_signature;
  }
 malformed:
  web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
  return -1;
 oom:
  web_error(wr, 500, _("Server error"), _("The page could not be made."));
  return -1;
}

/* One page of the journal after <after>; NULL after an error page. */
static Till__V1__Envelope *
export_page(wreq_t *wr, int64_t after)
{
  Till__V1__AuditExportRequest er = TILL__V1__AUDIT_EXPORT_REQUEST__INIT;
  er.after_id = after;
  er.limit = CHAIN_PAGE;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_REQ;
  env.audit_export_req = &er;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_RESP, 1);
  if (resp && !resp->audit_export_resp) {
    till__v1__envelope__free_unpacked(resp, NULL);
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return NULL;
  }
  return resp;
}

/* ---- the export file ------------------------------------------------------------ */

/* Transactions first..last into f, as cmd_audit_export.c's write_txns. 0,
 * or -1 after an error page. */
static int
export_txns(wreq_t *wr, FILE *f, int64_t first, int64_t last, int64_t *written)
{
  int64_t after = first - 1;
  for (int n = 0; after < last && n <= CHAIN_MAX_PAGES; n++) {
    Till__V1__Envelope *page = export_page(wr, after);
    if (!page)
      return -1;
    const Till__V1__AuditExportResponse *p = page->audit_export_resp;
    int64_t before = after;
    for (size_t i = 0; i < p->n_txns && p->txns[i]->id <= last; i++) {
      Till__V1__ExportRecord rec = TILL__V1__EXPORT_RECORD__INIT;
      rec.body_case = TILL__V1__EXPORT_RECORD__BODY_TXN;
      rec.txn = p->txns[i];
      if (p->txns[i]->id != after + 1 || export_write(f, &rec) != 0)
        break;
      after = p->txns[i]->id;
      (*written)++;
    }
    till__v1__envelope__free_unpacked(page, NULL);
    if (after == before)
      break;
  }
  if (after == last)
    return 0;
  web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
  return -1;
}

/* The whole file into f; 0, or -1 after an error page. */
static int
export_file(wreq_t *wr, int64_t from_ms, int64_t to_ms, FILE *f)
{
  Till__V1__AuditSnapshotRequest sr = TILL__V1__AUDIT_SNAPSHOT_REQUEST__INIT;
  sr.from_ms = from_ms;
  sr.to_ms = to_ms;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_REQ;
  env.audit_snapshot_req = &sr;
  /* the snapshot signs a head (a write without a key): sent once */
  Till__V1__Envelope *snap = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_RESP, 0);
  if (!snap)
    return -1;
  heads_t hs;
  int rc = -1;
  if (heads_fetch(wr, &hs) != 0)
    goto out;
  const Till__V1__AuditSnapshotResponse *g = snap->audit_snapshot_resp;
  Till__V1__ExportHeader eh;
  if (export_header_init(&eh, g, hs.h->keys, hs.h->n_keys, from_ms, to_ms) != 0) {
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    goto out;
  }
  int64_t first = g->first_id, last = g->last_id;
  if (last - first + 1 > (int64_t)CHAIN_PAGE * CHAIN_MAX_PAGES) {
    web_error(wr, 413, _("Invalid request"),
              _("Over 200,000 transactions: export a shorter range, or the whole ledger with till audit export."));
    goto out;
  }
  Till__V1__ExportRecord rec = TILL__V1__EXPORT_RECORD__INIT;
  rec.body_case = TILL__V1__EXPORT_RECORD__BODY_HEADER;
  rec.header = &eh;
  int64_t n_txns = 0, n_sigs = 0;
  if (export_write(f, &rec) != 0)
    goto write_failed;
  if (export_txns(wr, f, first, last, &n_txns) != 0)
    goto out;
  if (export_write_tail(f, hs.sigs, hs.n_sigs, first, last,
                        n_txns, &n_sigs) != 0)
    goto write_failed;
  rc = 0;
  goto out;
 write_failed:
  web_error(wr, 500, _("Server error"), _("The page could not be made."));
 out:
  heads_free(&hs);
  till__v1__envelope__free_unpacked(snap, NULL);
  return rc;
}

void
web_page_export(wreq_t *wr)
{
  int64_t from_ms = 0, to_ms = 0, a, b;
  const char *from = web_query(wr, "from"), *to = web_query(wr, "to");
  if ((from && from[0] && till_day_bounds(from, &a, &b) != 0) ||
      (to && to[0] && till_day_bounds(to, &a, &b) != 0)) {
    web_error(wr, 400, _("Invalid request"), _("Dates are YYYY-MM-DD."));
    return;
  }
  if (from && from[0] && till_day_bounds(from, &a, &b) == 0)
    from_ms = a * 1000;
  if (to && to[0] && till_day_bounds(to, &a, &b) == 0)
    to_ms = b * 1000;
  if (from_ms && to_ms && from_ms >= to_ms) {
    web_error(wr, 400, _("Invalid request"), _("The first date is after the last."));
    return;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) {
    web_error(wr, 500, _("Server error"), _("The page could not be made."));
    return;
  }
  int rc = export_file(wr, from_ms, to_ms, f);
  int closed = fclose(f);
  if (rc == 0 && closed != 0)
    web_error(wr, 500, _("Server error"), _("The page could not be made."));
  else if (rc == 0)
    web_send_download(wr, "application/octet-stream", "ledger.tillx", buf, len);
  free(buf);
}

/* ---- the chain's verification ------------------------------------------------------ */

/* Every transaction to <head> through v, as cmd_audit_verify does. 0, or -1
 * after an error page (v holds any failure of the chain itself). */
static int
verify_txns(wreq_t *wr, verifier_t *v, int64_t head)
{
  int64_t after = 0;
  int ok = 1;
  for (int n = 0; ok && after < head; n++) {
    if (n == CHAIN_MAX_PAGES) {
      web_error(wr, 413, _("Invalid request"),
                _("Over 200,000 transactions: verify this ledger with till audit verify."));
      return -1;
    }
    Till__V1__Envelope *page = export_page(wr, after);
    if (!page)
      return -1;
    const Till__V1__AuditExportResponse *p = page->audit_export_resp;
    int64_t before = after;
    for (size_t i = 0; ok && i < p->n_txns && p->txns[i]->id <= head; i++) {
      till_txn_t t;
      if (audit_txn_view(p->txns[i], &t) != 0) {
        verifier_fail_with(v, p->txns[i]->id, "malformed: hash, key or number of entries out of range",
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
  if (ok && after < head) {
    /* the journal ends before the head tilld itself reported */
    till_txn_t missing = {.id = head + 1};
    verifier_add_txn(v, &missing, (const uint8_t[TILL_HASH_LEN]){0});
  }
  return 0;
}

static void
verify_result(wreq_t *wr, verifier_t *v)
{
  verify_summary_t s;
  verifier_summary(v, &s);
  if (!s.ok) {
    web_printf(wr, "<p class=\"error short\" id=\"verdict\" data-ok=\"0\">");
    if (s.bad_txn) {
      web_printf(wr, _("VERIFICATION FAILED at transaction %lld: "), (long long)s.bad_txn);
      web_esc(wr, s.text);
      web_printf(wr, " <a href=\"/txn?id=%lld\">%lld</a>", (long long)s.bad_txn, (long long)s.bad_txn);
    } else {
      web_printf(wr, "%s", _("VERIFICATION FAILED: "));
      web_esc(wr, s.text);
    }
    web_printf(wr, "</p>\n");
    return;
  }
  web_printf(wr, "<p class=\"notice\" id=\"verdict\" data-ok=\"1\">");
  web_printf(wr, _("ledger verified: %lld transactions, %lld entries, chain head %lld"),
             (long long)s.n_txns, (long long)s.n_entries, (long long)s.head_id);
  web_printf(wr, "</p>\n<table class=\"kv\" id=\"verify\"><tbody><tr><th>%s</th><td id=\"v-txns\">%lld</td></tr>"
                 "<tr><th>%s</th><td id=\"v-entries\">%lld</td></tr><tr><th>%s</th><td id=\"v-head\">%lld</td></tr>"
                 "<tr><th>%s</th><td id=\"v-sigs\">%lld</td></tr><tr class=\"%s\"><th>%s</th><td id=\"v-signed\">%lld",
             _("Transactions"), (long long)s.n_txns, _("Entries"), (long long)s.n_entries, _("Chain head"),
             (long long)s.head_id, _("Valid signatures"), (long long)s.n_signatures,
             s.head_id > s.last_signed_id ? "over" : "", _("Last signed head"), (long long)s.last_signed_id);
  if (s.head_id > s.last_signed_id) {
    web_printf(wr, " (");
    web_printf(wr, _("%lld after it not yet signed"), (long long)(s.head_id - s.last_signed_id));
    web_printf(wr, ")");
  }
  web_printf(wr, "</td></tr></tbody></table>\n<h2>%s</h2><table id=\"v-series\"><thead><tr><th>%s</th>"
                 "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
             _("Series"), _("Series"), _("Last number"), _("Receipts"));
  for (size_t i = 0; i < s.n_series; i++) {
    const char *name;
    int64_t first, last, seen;
    verifier_series(v, i, &name, &first, &last, &seen);
    web_printf(wr, "<tr><td>");
    web_esc(wr, name);
    web_printf(wr, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>", (long long)last,
               (long long)seen);
  }
  web_printf(wr, "</tbody></table>\n");
}

/* ---- webverify: which keys the verification trusted, and why ---- */

/* <fmt> (translated, one %s) with <name> HTML-escaped in place of the %s. */
static void
printf_esc(wreq_t *wr, const char *fmt, const char *name)
{
  const char *at = strstr(fmt, "%s");
  if (!at) {
    web_esc(wr, fmt);
    return;
  }
  web_printf(wr, "%.*s", (int)(at - fmt), fmt);
  web_esc(wr, name);
  web_printf(wr, "%s", at + 2);
}

/* Whether the keys were pinned (verify_pubkey) or taken as tilld presented
 * them, as a paragraph under the verdict. */
static void
trust_note(wreq_t *wr, const audit_pins_t *pins, const char *pin_name)
{
  web_printf(wr, "<p class=\"legend\" id=\"v-trust\" data-pinned=\"%d\">", pins ? 1 : 0);
  if (pins)
    printf_esc(wr, _("Pinned: signatures are checked only under the keys in %s (the setting "
                     "verify_pubkey) and the keys endorsed from them, as till audit verify --pubkey "
                     "does."), pin_name);
  else
    web_printf(wr, "%s", _("Unpinned: the key is the one the ledger server presented; nothing pins "
                           "it. Set verify_pubkey in till-web's settings to a file from till audit "
                           "pubkey, or verify with till audit verify --pubkey, to trust nothing of "
                           "the server."));
  web_printf(wr, "</p>\n");
}

/* The ledger's keys (oldest first), each with why it was trusted, once
 * audit_keys_check accepted them: pinned in verify_pubkey's file, endorsed
 * by the key before it (itself trusted), or -- unpinned -- the key tilld
 * presented. */
static void
keys_trusted(wreq_t *wr, const Till__V1__AuditHeadsResponse *h, const audit_pins_t *pins,
             const char *pin_name)
{
  web_printf(wr, "<h2>%s</h2>", _("Signing keys"));
  trust_note(wr, pins, pin_name);
  web_printf(wr, "<table id=\"v-keys\"><thead><tr><th class=\"num\">%s</th><th>%s</th><th>%s</th>"
                 "</tr></thead><tbody>\n",
             _("Key"), _("Public key"), _("Trusted because"));
  size_t n = h->n_keys ? h->n_keys : 1; /* no list: the one key, id 0 */
  for (size_t i = 0; i < n; i++) {
    const Till__V1__ServerKey *k = h->n_keys ? h->keys[i] : NULL;
    const uint8_t *pub = k ? k->public_key.data : h->public_key.data;
    char hex[2 * 32 + 1];
    till_hex_encode(pub, 32, hex);
    int pinned = pins && audit_pins_has(pins, pub), endorsed = !pinned && k && k->endorsed_by;
    web_printf(wr, "<tr data-key=\"%lld\" data-why=\"%s\"><td class=\"num\">", k ? (long long)k->id : 0LL,
               pinned ? "pinned" : endorsed ? "endorsed" : "presented");
    if (k)
      web_printf(wr, "%lld", (long long)k->id);
    else
      web_printf(wr, "-");
    web_printf(wr, "</td><td class=\"hash\">%s</td><td class=\"why\">", hex);
    if (pinned) {
      printf_esc(wr, _("pinned in %s"), pin_name);
    } else if (endorsed) {
      web_printf(wr, _("endorsed by key %lld"), (long long)k->endorsed_by);
      if (pins)
        web_printf(wr, " (%s)", _("trusted from a pinned key"));
    } else {
      web_printf(wr, "%s", _("presented by the ledger server (unpinned)"));
    }
    web_printf(wr, "</td></tr>\n");
  }
  web_printf(wr, "</tbody></table>\n");
}
/* ---- end of webverify ---- */

void
web_page_verify(wreq_t *wr)
{
  heads_t hs;
  if (heads_fetch(wr, &hs) != 0) {
    heads_free(&hs);
    return;
  }
  const Till__V1__AuditHeadsResponse *h = hs.h;
  verifier_t *v = verifier_new(h->public_key.data);
  if (!v) {
    heads_free(&hs);
    web_error(wr, 500, _("Server error"), _("The page could not be made."));
    return;
  }
  char why[512], text[512];
  /* ---- webverify: the pinned keys (verify_pubkey), as till audit verify --pubkey ---- */
  const audit_pins_t *pins = wr->w->pin_file[0] ? &wr->w->pins : NULL;
  const char *pin_name = pins ? wr->w->pin_file : NULL;
  int keys_ok = audit_keys_check(h->keys, h->n_keys, h->public_key.data, pins, pin_name, v, why,
                                 sizeof why, text, sizeof text) == 0;
  if (!keys_ok) {
    verifier_fail_with(v, 0, why, text);
  } else {
    for (size_t i = 0; i < h->n_counters; i++)
      verifier_add_counter(v, h->counters[i]->series, h->counters[i]->last_no);
    if (verify_txns(wr, v, h->head_id) != 0) {
      verifier_free(v);
      heads_free(&hs);
      return;
    }
    for (size_t i = 0; i < hs.n_sigs; i++) {
      const Till__V1__ChainSignature *s = hs.sigs[i];
      if (verifier_use_key(v, s->key_id, s->txn_id) != 0 ||
          verifier_add_signature(v, s->txn_id, s->head_hash.data, s->head_hash.len, s->at_ms, s->reason,
                                 s->signature.data, s->signature.len) != 0)
        break;
    }
    verifier_finish(v);
  }
  web_begin(wr, _("The chain's verification"));
  verify_result(wr, v);
  if (keys_ok)
    keys_trusted(wr, h, pins, pin_name);
  else
    trust_note(wr, pins, pin_name);
  web_printf(wr, "<p class=\"legend\">%s</p>\n",
             _("Checked here as till audit verify does, from the rows the ledger server stores."));
  web_printf(wr, "<h2>%s</h2><form method=\"get\" action=\"/export.tillx\" class=\"filters noprint\">"
                 "<label>%s <input name=\"from\" maxlength=\"10\"></label> <label>%s <input name=\"to\" "
                 "maxlength=\"10\"></label> <button type=\"submit\" id=\"export\">%s</button></form>\n"
                 "<p class=\"legend\">%s</p>\n",
             _("Export file"), _("From date"), _("To date"), _("Download the export"),
             _("The file till audit export writes; check it offline with till audit verify --file."));
  verifier_free(v);
  heads_free(&hs);
  web_end(wr, 200);
}
