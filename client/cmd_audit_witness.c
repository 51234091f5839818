/* cmd_audit_witness.c -- till audit witness --file FILE [--pubkey PEM]
 *
 * Appends to the auditor's witness file (witness.h) every signed head the
 * server now holds that the file does not: each must verify under the key
 * that made it, and that key must be pinned or endorsed, through the
 * ledger's chain of rotations, by a pinned key (audit_keys.h; without
 * --pubkey, the ledger's first key on first use); a head the file already
 * holds must still carry the hash it was witnessed with -- otherwise the
 * server has re-signed a rewritten chain, and nothing is appended. The
 * file is opened for appending only; nothing in it is ever rewritten.
 * `till audit verify --witness FILE` then checks every witnessed head
 * against the chain (docs/security.md, "Witnesses"). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_keys.h"
#include "cli_opt.h"
#include "cmd_audit.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print.h"
#include "till_chain.h"
#include "till_util.h"
#include "witness.h"

/* The head the witness holds for <txn_id> with a full hash, or NULL. */
static const witness_head_t *
find_full(const witness_t *w, int64_t txn_id)
{
  for (size_t i = 0; i < w->n; i++)
    if (w->heads[i].txn_id == txn_id && w->heads[i].hash_len == TILL_HASH_LEN)
      return &w->heads[i];
  return NULL;
}

int
audit_witness_options(cli_t *cli, witness_t *w, const struct audit_pins_s *pins,
                      const char *pin_name, char *err, char *text, size_t len)
{
  const char *file = cli_opt(cli, "--witness"), *prior = cli_opt(cli, "--prior");
  if (file && witness_load(w, file, err, text, len) != 0)
    return -1;
  if (prior && witness_load_prior(w, prior, pins, pin_name, err, text, len) != 0)
    return -1;
  return 0;
}

static int
witness_failed(cli_t *cli, int64_t txn, const char *error, const char *text)
{
  if (cli->json) {
    printf("{\"ok\":false,\"txn_id\":%lld,\"error\":", (long long)txn);
    json_str(stdout, error);
    printf("}\n");
  }
  if (txn > 0)
    fprintf(stderr, _("till: WITNESS FAILED at transaction %lld: %s\n"), (long long)txn, text);
  else /* ---- keys: a key, not a head ---- */
    fprintf(stderr, _("till: WITNESS FAILED: %s\n"), text);
  return 1;
}

/* ---- keys: the key each signature names, once the ledger's keys are
 * trusted (audit_keys_check: pinned, or endorsed from a pinned key). An
 * older server lists no keys: its one key is id 0. NULL when the ledger
 * does not list <id>. ---- */
static const uint8_t *
key_of(const Till__V1__AuditHeadsResponse *h, int64_t id)
{
  if (h->n_keys == 0)
    return id == 0 ? h->public_key.data : NULL;
  for (size_t i = 0; i < h->n_keys; i++)
    if (h->keys[i]->id == id && h->keys[i]->public_key.len == 32)
      return h->keys[i]->public_key.data;
  return NULL;
}

int
cmd_audit_witness(cli_t *cli)
{
  const char *path = cli_opt(cli, "--file"), *pin = cli_opt(cli, "--pubkey");
  audit_pins_t pins;
  char err[512], text[512];
  int rc;
  if (!path)
    return cli_usage_error(_("--file FILE is required"));
  if (pin && audit_pins_load(pin, &pins) != 0)
    return cli_usage_error(_("--pubkey %s: not an Ed25519 public key in PEM"), pin);
  witness_t w = {0};
  if (access(path, F_OK) == 0 && witness_load(&w, path, err, text, sizeof err) != 0) {
    fprintf(stderr, "till: %s\n", text);
    return 1;
  }
  audit_heads_t hs;
  if (audit_heads_fetch(cli, &hs, &rc) != 0) {
    audit_heads_free(&hs);
    witness_free(&w);
    return rc;
  }
  /* ---- keys: every key trusted through the endorsements from a pinned
   * one (without --pubkey: the ledger's first key, on first use) ---- */
  char kwhy[400], ktext[400];
  if (audit_keys_check(hs.h->keys, hs.h->n_keys, hs.h->public_key.data, pin ? &pins : NULL, pin,
                       NULL, kwhy, sizeof kwhy, ktext, sizeof ktext) != 0) {
    snprintf(err, sizeof err, "%s; nothing was witnessed", kwhy);
    snprintf(text, sizeof text, _("%s; nothing was witnessed"), ktext);
    rc = witness_failed(cli, 0, err, text);
    goto out;
  }
  /* everything is checked before anything is appended */
  size_t fresh = 0, seen = 0;
  for (size_t i = 0; i < hs.n_sigs; i++) {
    const Till__V1__ChainSignature *s = hs.sigs[i];
    const uint8_t *key = key_of(hs.h, s->key_id);
    if (!key) {
      snprintf(err, sizeof err, "the signed head at transaction %lld names signing key %lld, "
               "which the ledger does not list; nothing was witnessed", (long long)s->txn_id,
               (long long)s->key_id);
      snprintf(text, sizeof text, _("the signed head at transaction %lld names signing key %lld, "
               "which the ledger does not list; nothing was witnessed"), (long long)s->txn_id,
               (long long)s->key_id);
      rc = witness_failed(cli, s->txn_id, err, text);
      goto out;
    }
    if (s->head_hash.len != TILL_HASH_LEN ||
        !till_head_signature_ok(key, s->txn_id, s->head_hash.data, s->at_ms, s->reason,
                                s->signature.data, s->signature.len, NULL)) {
      snprintf(err, sizeof err, "the signed head at transaction %lld does not verify under "
               "signing key %lld; nothing was witnessed", (long long)s->txn_id,
               (long long)s->key_id);
      snprintf(text, sizeof text, _("the signed head at transaction %lld does not verify under "
               "signing key %lld; nothing was witnessed"), (long long)s->txn_id,
               (long long)s->key_id);
      rc = witness_failed(cli, s->txn_id, err, text);
      goto out;
    }
    const witness_head_t *old = find_full(&w, s->txn_id);
    if (old && memcmp(old->hash, s->head_hash.data, TILL_HASH_LEN) != 0) {
      char when[32];
      fmt_time(old->at_ms / 1000, when, sizeof when);
      snprintf(err, sizeof err, "the server now signs transaction %lld with another hash than "
               "the one witnessed (signed %s): the chain was rewritten and re-signed; nothing "
               "was witnessed", (long long)s->txn_id, when);
      snprintf(text, sizeof text, _("the server now signs transaction %lld with another hash "
               "than the one witnessed (signed %s): the chain was rewritten and re-signed; "
               "nothing was witnessed"), (long long)s->txn_id, when);
      rc = witness_failed(cli, s->txn_id, err, text);
      goto out;
    }
    if (old)
      seen++;
    else if (witness_add(&w, s->txn_id, s->head_hash.data, TILL_HASH_LEN, s->at_ms,
                         "witness") != 0) {
      rc = print_out_of_memory();
      goto out;
    } else
      fresh++;
  }
  FILE *f = fopen(path, "a");
  if (!f) {
    fprintf(stderr, "till: %s: %s\n", path, strerror(errno));
    rc = 1;
    goto out;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && sb.st_size == 0)
    fprintf(f, "# till audit witness: signed heads seen, appended, never rewritten\n"
               "# TXN HEAD_HASH AT_MS CODE REASON  (or TXN CODE, copied from paper)\n");
  int64_t newest = -1;
  uint8_t newest_hash[TILL_HASH_LEN] = {0};
  for (size_t i = w.n - fresh; i < w.n; i++) {
    const witness_head_t *h = &w.heads[i];
    char hex[2 * TILL_HASH_LEN + 1], code[10];
    till_hex_encode(h->hash, TILL_HASH_LEN, hex);
    till_chain_verify_code(h->hash, code);
    const char *reason = "";
    for (size_t k = 0; k < hs.n_sigs && !reason[0]; k++)
      if (hs.sigs[k]->txn_id == h->txn_id && hs.sigs[k]->at_ms == h->at_ms)
        reason = hs.sigs[k]->reason;
    fprintf(f, "%lld %s %lld %s %s\n", (long long)h->txn_id, hex, (long long)h->at_ms, code,
            reason);
  }
  for (size_t i = 0; i < w.n; i++)
    if (w.heads[i].hash_len == TILL_HASH_LEN && w.heads[i].txn_id > newest) {
      newest = w.heads[i].txn_id;
      memcpy(newest_hash, w.heads[i].hash, TILL_HASH_LEN);
    }
  if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
    fprintf(stderr, "till: %s: %s\n", path, strerror(errno));
    rc = 1;
    goto out;
  }
  char code[10] = "";
  if (newest >= 0)
    till_chain_verify_code(newest_hash, code);
  if (cli->json)
    printf("{\"ok\":true,\"appended\":%zu,\"already\":%zu,\"newest_txn_id\":%lld,\"code\":\"%s\"}\n",
           fresh, seen, (long long)newest, code);
  else
    printf(_("witness %s: %zu signed heads appended, %zu already witnessed; newest at "
             "transaction %lld, code %s\n"),
           path, fresh, seen, (long long)newest, code);
  rc = 0;
out:
  audit_heads_free(&hs);
  witness_free(&w);
  return rc;
}
