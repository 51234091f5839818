/* export_file.c -- see export_file.h. A failure is kept in English (for
 * --json) and in the user's language: its formats are marked N_() and
 * translated in check_fail(). */
#include "export_file.h"

#include "audit_keys.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "till_frame.h"
#include "till_util.h"

static void check_fail(export_check_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* <fmt> (an N_() text) and its arguments: in English into c->error, in the
 * user's language into c->text. */
static void
check_fail(export_check_t *c, const char *fmt, ...)
{
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  vsnprintf(c->error, sizeof c->error, fmt, ap);
  vsnprintf(c->text, sizeof c->text, _(fmt), again);
  va_end(again);
  va_end(ap);
}

int
export_write(FILE *f, const Till__V1__ExportRecord *rec)
{
  size_t len = till__v1__export_record__get_packed_size(rec);
  if (len < 1 || len > EXPORT_RECORD_MAX)
    return -1;
  uint8_t *buf = malloc(TILL_FRAME_HEADER + len);
  if (!buf)
    return -1;
  till_frame_put_header(buf, (uint32_t)len);
  till__v1__export_record__pack(rec, buf + TILL_FRAME_HEADER);
  int rc = fwrite(buf, 1, TILL_FRAME_HEADER + len, f) == TILL_FRAME_HEADER + len ? 0 : -1;
  free(buf);
  return rc;
}

int
export_header_init(Till__V1__ExportHeader *eh, const Till__V1__AuditSnapshotResponse *g,
                   Till__V1__ServerKey **keys, size_t n_keys, int64_t from_ms, int64_t to_ms)
{
  if (!g || g->public_key.len != 32 || g->prev_hash.len != TILL_HASH_LEN || g->first_id < 1 ||
      !g->signature || g->head_id < g->last_id)
    return -1;
  till__v1__export_header__init(eh);
  eh->format = EXPORT_FORMAT;
  eh->public_key = g->public_key;
  eh->first_id = g->first_id;
  eh->last_id = g->last_id;
  eh->prev_hash = g->prev_hash;
  eh->from_ms = from_ms;
  eh->to_ms = to_ms;
  eh->created_at_ms = till_now_ms();
  eh->n_counters = g->n_counters;
  eh->counters = g->counters;
  eh->head_id = g->head_id;
  eh->snapshot = g->signature;
  eh->n_keys = n_keys; /* every key, so each signature checks under its own */
  eh->keys = keys;
  return 0;
}

int
export_write_tail(FILE *f, const Till__V1__ChainSignature *const *sigs, size_t n_sigs,
                  int64_t first, int64_t last, int64_t n_txns, int64_t *n_written)
{
  Till__V1__ExportRecord rec = TILL__V1__EXPORT_RECORD__INIT;
  *n_written = 0;
  for (size_t i = 0; i < n_sigs; i++) {
    int64_t id = sigs[i]->txn_id;
    if (id < first - 1 || id > last || first > last)
      continue;
    rec.body_case = TILL__V1__EXPORT_RECORD__BODY_SIGNATURE;
    rec.signature = (Till__V1__ChainSignature *)sigs[i];
    if (export_write(f, &rec) != 0)
      return -1;
    (*n_written)++;
  }
  Till__V1__ExportEnd end = TILL__V1__EXPORT_END__INIT;
  end.txns = n_txns;
  end.signatures = *n_written;
  rec.body_case = TILL__V1__EXPORT_RECORD__BODY_END;
  rec.end = &end;
  return export_write(f, &rec);
}

int
export_read(FILE *f, Till__V1__ExportRecord **out, long long *offset, export_check_t *c)
{
  uint8_t head[TILL_FRAME_HEADER];
  uint32_t len = 0;
  *out = NULL;
  size_t got = fread(head, 1, sizeof head, f);
  if (got == 0 && feof(f))
    return 0;
  if (got != sizeof head) {
    check_fail(c, N_("at byte %lld: the file ends inside a record's length"), *offset);
    return -1;
  }
  till_frame_result_t fr = till_frame_check(head, sizeof head, EXPORT_RECORD_MAX, &len);
  if (fr == TILL_FRAME_EMPTY || fr == TILL_FRAME_TOO_LARGE) {
    check_fail(c, N_("at byte %lld: a record of %lu bytes (1 to %u allowed)"), *offset,
             (unsigned long)len, EXPORT_RECORD_MAX);
    return -1;
  }
  uint8_t *buf = malloc(len);
  if (!buf) {
    check_fail(c, N_("out of memory"));
    return -1;
  }
  if (fread(buf, 1, len, f) != len) {
    free(buf);
    check_fail(c, N_("at byte %lld: the file ends inside a record of %lu bytes"), *offset,
             (unsigned long)len);
    return -1;
  }
  *out = till__v1__export_record__unpack(NULL, len, buf);
  free(buf);
  if (!*out) {
    check_fail(c, N_("at byte %lld: a record that does not decode"), *offset);
    return -1;
  }
  *offset += (long long)(TILL_FRAME_HEADER + len);
  return 1;
}

int
audit_txn_view(const Till__V1__AuditTxn *m, till_txn_t *t)
{
  memset(t, 0, sizeof *t);
  if (m->n_entries > TILL_CHAIN_MAX_ENTRIES || m->hash.len != TILL_HASH_LEN ||
      (m->idempotency_key.len != 0 && m->idempotency_key.len != TILL_KEY_LEN))
    return -1;
  t->id = m->id;
  t->kind = m->kind;
  t->at_ms = m->at_ms;
  t->terminal = m->terminal_id;
  t->cashier = m->cashier;
  t->shift_id = m->shift_id;
  t->series = m->series;
  t->receipt_no = m->receipt_no;
  if (m->idempotency_key.len)
    memcpy(t->idem_key, m->idempotency_key.data, TILL_KEY_LEN);
  t->reverses = m->reverses;
  t->method = m->method;
  t->memo = m->memo;
  t->approver = m->approver;
  t->n_entries = m->n_entries;
  for (size_t i = 0; i < m->n_entries; i++) {
    const Till__V1__AuditEntry *e = m->entries[i];
    t->entries[i] = (till_entry_t){e->seq, e->account, e->amount, e->item, e->quantity,
                                   e->unit_price};
  }
  return 0;
}

typedef struct {
  int64_t txns, sigs;
  int ended;
} walk_t;

/* One record after the header. 0 to go on, -1 with the failure in c. */
static int
take_record(export_check_t *c, walk_t *w, const Till__V1__ExportRecord *rec)
{
  switch (rec->body_case) {
  case TILL__V1__EXPORT_RECORD__BODY_TXN: {
    till_txn_t t;
    c->bad_txn = rec->txn->id;
    if (w->sigs) {
      check_fail(c, N_("a transaction after the signed heads: records were "
               "moved"));
      return -1;
    }
    if (audit_txn_view(rec->txn, &t) != 0) {
      check_fail(c, N_("malformed: hash, key or number of entries out of range"));
      return -1;
    }
    if (t.id > c->last_id) {
      check_fail(c, N_("transaction %lld lies beyond the export's last, %lld: "
               "a record was added"), (long long)t.id, (long long)c->last_id);
      return -1;
    }
    w->txns++;
    if (verifier_add_txn(c->v, &t, rec->txn->hash.data) != 0)
      return -1;
    c->bad_txn = 0;
    return 0;
  }
  case TILL__V1__EXPORT_RECORD__BODY_SIGNATURE: {
    const Till__V1__ChainSignature *s = rec->signature;
    w->sigs++;
    if (verifier_use_key(c->v, s->key_id, s->txn_id) != 0) /* ---- keys ---- */
      return -1;
    return verifier_add_signature(c->v, s->txn_id, s->head_hash.data, s->head_hash.len, s->at_ms, s->reason,
                                  s->signature.data, s->signature.len) == 0 ? 0 : -1;
  }
  case TILL__V1__EXPORT_RECORD__BODY_END:
    if (rec->end->txns != w->txns || rec->end->signatures != w->sigs) {
      check_fail(c, N_("the end record counts %lld transactions and %lld "
               "signed heads, the file holds %lld and %lld: records were removed or added"),
               (long long)rec->end->txns, (long long)rec->end->signatures, (long long)w->txns,
               (long long)w->sigs);
      return -1;
    }
    w->ended = 1;
    return 0;
  default:
    check_fail(c, N_("a second header or an unknown record"));
    return -1;
  }
}

/* The header record: checked, and the verifier made from it. 0 or -1. */
static int
take_header(export_check_t *c, const Till__V1__ExportRecord *rec, const audit_pins_t *pins,
            const char *pin_name)
{
  const Till__V1__ExportHeader *eh =
    rec->body_case == TILL__V1__EXPORT_RECORD__BODY_HEADER ? rec->header : NULL;
  if (!eh || strcmp(eh->format, EXPORT_FORMAT) != 0 || eh->public_key.len != 32 ||
      eh->prev_hash.len != TILL_HASH_LEN || eh->first_id < 1 || eh->last_id < eh->first_id - 1) {
    check_fail(c, N_("not a %s file: its first record is not a valid header"),
             EXPORT_FORMAT);
    return -1;
  }
  c->first_id = eh->first_id;
  c->last_id = eh->last_id;
  c->head_id = eh->head_id;
  c->created_at_ms = eh->created_at_ms;
  c->v = verifier_new_range(eh->public_key.data, eh->first_id, eh->prev_hash.data);
  if (!c->v) {
    check_fail(c, N_("out of memory"));
    return -1;
  }
  /* ---- keys: every key the export lists, each endorsed by the one before or pinned ---- */
  if (audit_keys_check(eh->keys, eh->n_keys, eh->public_key.data, pins, pin_name, c->v, c->error,
                       sizeof c->error, c->text, sizeof c->text) != 0)
    return -1;
  verifier_set_range(c->v);
  return 0;
}

/* ---- tamper: the header against its signature and against the run ---- */

/* The header's own signature: a signed head at head_id whose reason is the
 * header's statement, made as TILL-HEAD-V2 (which signs the reason). Its
 * head hash is checked against the run at the end when the run reaches it.
 * 0, or -1 with the failure in c. */
static int
check_snapshot(export_check_t *c, const Till__V1__ExportHeader *eh, int allow_unsigned)
{
  const Till__V1__ChainSignature *s = eh->snapshot;
  char stmt[TILL_EXPORT_STATEMENT_MAX];
  if (!s) {
    if (allow_unsigned)
      return 0;
    check_fail(c, N_("the export's header (range, counters, head) is not signed by the server, "
                     "so nothing proves it; accept it unproven with --allow-unsigned"));
    return -1;
  }
  int bad = till_export_statement(stmt, sizeof stmt, eh->first_id, eh->last_id, eh->from_ms,
                                  eh->to_ms) != 0;
  for (size_t i = 0; !bad && i < eh->n_counters; i++)
    bad = till_export_statement_add(stmt, sizeof stmt, eh->counters[i]->series,
                                    eh->counters[i]->last_no) != 0;
  int v1 = 0;
  if (bad || strcmp(stmt, s->reason) != 0 || s->txn_id != eh->head_id) {
    check_fail(c, N_("the export's header does not match the statement the server signed "
                     "(\"%s\" at transaction %lld): its range, counters or head were changed"),
               s->reason, (long long)s->txn_id);
    return -1;
  }
  if (s->head_hash.len != TILL_HASH_LEN ||
      !till_head_signature_ok(eh->public_key.data, s->txn_id, s->head_hash.data, s->at_ms,
                              s->reason, s->signature.data, s->signature.len, &v1) || v1) {
    check_fail(c, N_("the signature over the export's header does not verify under the "
                     "server's key"));
    return -1;
  }
  return 0;
}

/* After the run: the header's head and counters agree with it. 0, or -1
 * with the failure in c. */
static int
check_header_against_run(export_check_t *c, const Till__V1__ExportHeader *eh,
                         int64_t *covered_to)
{
  if (eh->head_id < c->last_id) {
    check_fail(c, N_("the header's head, transaction %lld, lies before the run's end, %lld"),
               (long long)eh->head_id, (long long)c->last_id);
    return -1;
  }
  if (eh->to_ms == 0 && eh->head_id != c->last_id) {
    check_fail(c, N_("the export of the whole ledger stops at transaction %lld, before the "
                     "header's head %lld: it is not one snapshot"),
               (long long)c->last_id, (long long)eh->head_id);
    return -1;
  }
  /* a signed snapshot inside the run (verified by check_snapshot): its
   * head hash must be the chain's, and it covers the run up to there */
  uint8_t h[TILL_HASH_LEN];
  if (eh->snapshot && eh->head_id <= c->last_id) {
    if (verifier_hash_at(c->v, eh->head_id, h) != 0 ||
        memcmp(h, eh->snapshot->head_hash.data, TILL_HASH_LEN) != 0) {
      char err[512], text[512];
      snprintf(err, sizeof err, "the signed head at transaction %lld does not match the chain "
               "(transactions up to %lld were rewritten)", (long long)eh->head_id,
               (long long)eh->head_id);
      snprintf(text, sizeof text, _("the signed head at transaction %lld does not match the "
               "chain (transactions up to %lld were rewritten)"), (long long)eh->head_id,
               (long long)eh->head_id);
      verifier_fail_with(c->v, eh->head_id, err, text);
      return -1;
    }
    *covered_to = eh->head_id;
  }
  verify_summary_t vs;
  verifier_summary(c->v, &vs);
  for (size_t i = 0; i < vs.n_series; i++) {
    const char *name;
    int64_t first, last, seen;
    verifier_series(c->v, i, &name, &first, &last, &seen);
    const Till__V1__SeriesCounter *ctr = NULL;
    for (size_t k = 0; k < eh->n_counters && !ctr; k++)
      if (strcmp(eh->counters[k]->series, name) == 0)
        ctr = eh->counters[k];
    if (!ctr) {
      check_fail(c, N_("series %s appears in the run but not among the header's counters"),
                 name);
      return -1;
    }
    if (last > ctr->last_no) {
      check_fail(c, N_("series %s: the run holds number %lld, the header's counter says "
                       "%lld"), name, (long long)last, (long long)ctr->last_no);
      return -1;
    }
    if (eh->head_id == c->last_id && last != ctr->last_no) {
      check_fail(c, N_("series %s: the header's counter says %lld but the run, which ends at "
                       "the head, stops at number %lld: receipts %lld..%lld are missing"),
                 name, (long long)ctr->last_no, (long long)last, (long long)(last + 1),
                 (long long)ctr->last_no);
      return -1;
    }
  }
  for (size_t k = 0; k < eh->n_counters && eh->head_id == c->last_id && c->first_id == 1; k++) {
    int found = 0;
    for (size_t i = 0; i < vs.n_series && !found; i++) {
      const char *name;
      int64_t first, last, seen;
      verifier_series(c->v, i, &name, &first, &last, &seen);
      found = strcmp(name, eh->counters[k]->series) == 0;
    }
    if (!found && eh->counters[k]->last_no > 0) {
      check_fail(c, N_("series %s: the header's counter says %lld but the whole ledger holds "
                       "none of its numbers"),
                 eh->counters[k]->series, (long long)eh->counters[k]->last_no);
      return -1;
    }
  }
  return 0;
}
/* ---- end of tamper ---- */

int
export_verify(FILE *f, const audit_pins_t *pins, const char *pin_name, int allow_unsigned,
              export_check_t *c)
{
  memset(c, 0, sizeof *c);
  Till__V1__ExportRecord *rec = NULL, *hdr = NULL;
  long long offset = 0;
  walk_t w = {0};
  int result = 1;
  int got = export_read(f, &hdr, &offset, c);
  c->records = 1;
  if (got == 0)
    check_fail(c, N_("the file is empty"));
  if (got != 1)
    return 1;
  if (take_header(c, hdr, pins, pin_name) != 0 || check_snapshot(c, hdr->header, allow_unsigned) != 0)
    goto out;
  /* bounded by the file: every record consumes at least five bytes; a
   * failure names the record it is in, counted from 1 (the header) */
  while (!w.ended) {
    c->records++;
    if ((got = export_read(f, &rec, &offset, c)) != 1)
      break;
    int bad = take_record(c, &w, rec);
    till__v1__export_record__free_unpacked(rec, NULL);
    if (bad)
      goto failed;
  }
  if (got < 0)
    goto out;
  if (!w.ended) {
    c->records--; /* no record there: the file ended after the last one */
    check_fail(c, N_("the file ends without its end record: it was cut short"));
    goto out;
  }
  c->records++;
  if ((got = export_read(f, &rec, &offset, c)) != 0) {
    if (got == 1) {
      till__v1__export_record__free_unpacked(rec, NULL);
      check_fail(c, N_("data after the end record"));
    }
    goto out;
  }
  c->records--;
  if (w.txns != c->last_id - c->first_id + 1) {
    check_fail(c, N_("the header announces transactions %lld..%lld, the file "
             "holds %lld"), (long long)c->first_id, (long long)c->last_id, (long long)w.txns);
    goto out;
  }
  if (verifier_finish(c->v) != 0)
    goto failed;
  c->records = 1; /* what follows is about the header */
  int64_t covered = -1;
  if (check_header_against_run(c, hdr->header, &covered) != 0)
    goto failed;
  /* everything after the last signed head could have been rewritten with
   * its hashes, or cut off together with the signed heads after it */
  verify_summary_t vs;
  verifier_summary(c->v, &vs);
  if (vs.n_signatures && vs.last_signed_id > covered)
    covered = vs.last_signed_id;
  c->signed_to = covered;
  if (vs.n_txns && covered < c->last_id && !allow_unsigned) {
    c->bad_txn = covered < c->first_id ? c->first_id : covered + 1;
    check_fail(c, N_("transactions %lld..%lld are not covered by a signed "
             "head, so nothing proves them unaltered; export again after a supervisor's "
             "'till audit checkpoint', or accept them unproven with --allow-unsigned"),
             (long long)c->bad_txn, (long long)c->last_id);
    goto out;
  }
  result = 0;
  goto out;
failed:;
  /* the verifier's own finding, if it has one, names the transaction */
  verify_summary_t s;
  verifier_summary(c->v, &s);
  if (!s.ok) {
    c->bad_txn = s.bad_txn;
    snprintf(c->error, sizeof c->error, "%s", s.error);
    snprintf(c->text, sizeof c->text, "%s", s.text);
  }
out:
  till__v1__export_record__free_unpacked(hdr, NULL);
  return result;
}
