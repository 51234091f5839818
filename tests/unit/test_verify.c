/* test_verify.c -- unit tests for client/verify.c, the auditor's verifier,
 * on chains built here: six transactions (receipts HT2026-1..4, a reversal
 * of transaction 1) with heads signed at 3 and 6 by a key made for the test.
 *
 * The whole chain verifies against its counters; a run from transaction 4
 * (what `till audit export` writes for a later range) verifies from the hash
 * of transaction 3, and a wrong anchor is caught by the signed head after
 * it. In a run, receipt numbers must follow one another; a run from
 * transaction 1 must start each series at 1; a transaction before the run
 * cannot be reversed twice inside it (found in verifier_finish, so a file of
 * many such reversals costs n log n, not n^2); a signed head before the run or past
 * its end is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "i18n.h"
#include "till_chain.h"
#include "verify.h"

#define N_TXNS 6

typedef struct {
  till_txn_t t[N_TXNS + 1];     /* t[id], t[0] unused */
  uint8_t h[N_TXNS + 1][TILL_HASH_LEN]; /* h[0] = zeros */
  uint8_t sig[N_TXNS + 1][64];
  uint8_t pub[32];
} chain_t;

static chain_t C;

static void
make_txn(till_txn_t *t, int64_t id, int64_t receipt_no, int64_t reverses)
{
  memset(t, 0, sizeof *t);
  t->id = id;
  t->kind = reverses ? "void" : "sale";
  t->at_ms = 1795795200000LL + id;
  t->terminal = "T-LANE-01";
  t->cashier = "carol";
  t->series = receipt_no ? "HT2026" : "";
  t->receipt_no = receipt_no;
  t->idem_key[0] = (uint8_t)id;
  t->reverses = reverses;
  t->method = "cash";
  t->memo = "";
  t->approver = reverses ? "sam" : "";
  int64_t a = reverses ? -500 : 500;
  t->n_entries = 2;
  t->entries[0] = (till_entry_t){1, "drawer:shift:1", a, "", 0, 0};
  t->entries[1] = (till_entry_t){2, "revenue:PARK1H", -a, "PARK1H", reverses ? -1 : 1, 500};
}

static void
sign_head(EVP_PKEY *key, int64_t id)
{
  till_canon_t c;
  till_canon_init(&c);
  till_chain_head_message(&c, id, C.h[id], 1795795200000LL + id);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  size_t len = 64;
  assert_non_null(md);
  assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, key), 1);
  assert_int_equal(EVP_DigestSign(md, C.sig[id], &len, c.data, c.len), 1);
  assert_int_equal(len, 64);
  EVP_MD_CTX_free(md);
  till_canon_free(&c);
}

static int
setup(void **state)
{
  (void)state;
  /* 1-3: sales numbered 1-3; 4: the void of 1; 5-6: sales numbered 4-5 */
  int64_t numbers[N_TXNS + 1] = {0, 1, 2, 3, 0, 4, 5};
  for (int64_t id = 1; id <= N_TXNS; id++) {
    make_txn(&C.t[id], id, numbers[id], id == 4 ? 1 : 0);
    assert_int_equal(till_chain_hash(C.h[id - 1], &C.t[id], C.h[id]), 0);
  }
  EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  assert_non_null(key);
  size_t len = 32;
  assert_int_equal(EVP_PKEY_get_raw_public_key(key, C.pub, &len), 1);
  sign_head(key, 3);
  sign_head(key, 6);
  EVP_PKEY_free(key);
  return 0;
}

static int
add_sig(verifier_t *v, int64_t id)
{
  return verifier_add_signature(v, id, C.h[id], TILL_HASH_LEN, 1795795200000LL + id, "test",
                                C.sig[id], 64);
}

/* Feed transactions from..to; the result of the last call. */
static int
feed(verifier_t *v, int64_t from, int64_t to)
{
  int rc = 0;
  for (int64_t id = from; id <= to && rc == 0; id++)
    rc = verifier_add_txn(v, &C.t[id], C.h[id]);
  return rc;
}

static void
test_whole_chain(void **state)
{
  (void)state;
  verifier_t *v = verifier_new(C.pub);
  assert_non_null(v);
  assert_int_equal(verifier_add_counter(v, "HT2026", 5), 0);
  assert_int_equal(feed(v, 1, N_TXNS), 0);
  assert_int_equal(add_sig(v, 3), 0);
  assert_int_equal(add_sig(v, 6), 0);
  assert_int_equal(verifier_finish(v), 0);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_true(s.ok);
  assert_int_equal(s.n_txns, N_TXNS);
  assert_int_equal(s.n_signatures, 2);
  assert_int_equal(s.last_signed_id, 6);
  verifier_free(v);
}

static void
test_run_from_the_middle(void **state)
{
  (void)state;
  verifier_t *v = verifier_new_range(C.pub, 4, C.h[3]);
  assert_non_null(v);
  assert_int_equal(feed(v, 4, N_TXNS), 0);
  assert_int_equal(add_sig(v, 3), 0); /* the anchor itself is signed */
  assert_int_equal(add_sig(v, 6), 0);
  assert_int_equal(verifier_finish(v), 0);
  const char *name;
  int64_t first, last, seen;
  assert_int_equal(verifier_series(v, 0, &name, &first, &last, &seen), 0);
  assert_string_equal(name, "HT2026");
  assert_int_equal(first, 4);
  assert_int_equal(last, 5);
  assert_int_equal(seen, 2);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_int_equal(s.n_txns, 3);
  assert_int_equal(s.head_id, 6);
  verifier_free(v);
}

static void
test_run_with_a_forged_anchor(void **state)
{
  (void)state;
  /* a forger rewrites transaction 4 and starts the run from a made-up
   * anchor that makes the stored hashes fit: the signed head at 6 does not */
  uint8_t forged[TILL_HASH_LEN];
  memset(forged, 0xab, sizeof forged);
  till_txn_t t4 = C.t[4];
  uint8_t h[N_TXNS + 1][TILL_HASH_LEN];
  memcpy(h[3], forged, TILL_HASH_LEN);
  for (int64_t id = 4; id <= N_TXNS; id++)
    assert_int_equal(till_chain_hash(h[id - 1], id == 4 ? &t4 : &C.t[id], h[id]), 0);
  verifier_t *v = verifier_new_range(C.pub, 4, forged);
  assert_non_null(v);
  for (int64_t id = 4; id <= N_TXNS; id++)
    assert_int_equal(verifier_add_txn(v, id == 4 ? &t4 : &C.t[id], h[id]), 0);
  assert_int_equal(verifier_add_signature(v, 6, h[6], TILL_HASH_LEN, 1795795200000LL + 6, "test",
                                          C.sig[6], 64), -1);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_false(s.ok);
  assert_int_equal(s.bad_txn, 6);
  assert_non_null(strstr(s.error, "does not verify"));
  verifier_free(v);
}

static void
test_run_numbers_follow_one_another(void **state)
{
  (void)state;
  verifier_t *v = verifier_new_range(C.pub, 4, C.h[3]);
  till_txn_t t5 = C.t[5], t6 = C.t[6];
  uint8_t h5[TILL_HASH_LEN], h6[TILL_HASH_LEN];
  t6.receipt_no = 6; /* 4 then 6: 5 skipped */
  assert_int_equal(till_chain_hash(C.h[4], &t5, h5), 0);
  assert_int_equal(till_chain_hash(h5, &t6, h6), 0);
  assert_int_equal(verifier_add_txn(v, &C.t[4], C.h[4]), 0);
  assert_int_equal(verifier_add_txn(v, &t5, h5), 0);
  assert_int_equal(verifier_add_txn(v, &t6, h6), -1);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_int_equal(s.bad_txn, 6);
  assert_non_null(strstr(s.error, "HT2026-00000006 follows HT2026-00000004"));
  /* the same finding for the reader: English here, where no catalog is bound */
  assert_string_equal(s.text, s.error);
  verifier_free(v);
}

/* A finding in Chinese for the reader, in English for --json: the verifier
 * keeps both (the catalog compiled into the build tree). */
static void
test_finding_in_both_languages(void **state)
{
  (void)state;
  setenv("TILL_LANG", "zh_CN", 1);
  i18n_init(NULL);
  verifier_t *v = verifier_new_range(C.pub, 5, C.h[4]);
  till_txn_t t6 = C.t[6];
  t6.receipt_no = 6; /* 4 then 6: 5 skipped */
  uint8_t h6[TILL_HASH_LEN];
  assert_int_equal(till_chain_hash(C.h[5], &t6, h6), 0);
  assert_int_equal(verifier_add_txn(v, &C.t[5], C.h[5]), 0);
  assert_int_equal(verifier_add_txn(v, &t6, h6), -1);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_string_equal(s.error, "transaction 6: receipt HT2026-00000006 follows HT2026-00000004; "
                               "numbers are handed out one after another");
  assert_string_equal(s.text, "交易 6：票据 HT2026-00000006 排在 HT2026-00000004 之后；"
                              "票据号应连续分配");
  verifier_free(v);
  setenv("TILL_LANG", "en", 1);
  i18n_init(NULL);
}

static void
test_run_from_one_starts_at_one(void **state)
{
  (void)state;
  static const uint8_t zero[TILL_HASH_LEN];
  /* in range mode from transaction 1, fine as built */
  verifier_t *v = verifier_new_range(C.pub, 1, zero);
  verifier_set_range(v);
  assert_int_equal(feed(v, 1, N_TXNS), 0);
  assert_int_equal(verifier_finish(v), 0);
  verifier_free(v);
  /* ... but a first receipt numbered 2 means number 1 went missing */
  till_txn_t t1 = C.t[1];
  uint8_t h1[TILL_HASH_LEN];
  t1.receipt_no = 2;
  assert_int_equal(till_chain_hash(zero, &t1, h1), 0);
  v = verifier_new_range(C.pub, 1, zero);
  verifier_set_range(v);
  assert_int_equal(verifier_add_txn(v, &t1, h1), -1);
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_non_null(strstr(s.error, "must be number 1"));
  verifier_free(v);
}

static void
test_run_reverses_an_early_txn_once(void **state)
{
  (void)state;
  /* a run from 4 where 5 reverses 1 again (4 already did) */
  verifier_t *v = verifier_new_range(C.pub, 4, C.h[3]);
  till_txn_t t5 = C.t[5];
  uint8_t h5[TILL_HASH_LEN];
  make_txn(&t5, 5, 0, 1);
  assert_int_equal(till_chain_hash(C.h[4], &t5, h5), 0);
  assert_int_equal(verifier_add_txn(v, &C.t[4], C.h[4]), 0);
  assert_int_equal(verifier_add_txn(v, &t5, h5), 0);
  assert_int_equal(verifier_finish(v), -1); /* found when the run is complete */
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_non_null(strstr(s.error, "transaction 1, before the run, is reversed twice within it"));
  verifier_free(v);
}

static void
test_run_signatures_outside(void **state)
{
  (void)state;
  verifier_t *v = verifier_new_range(C.pub, 5, C.h[4]);
  assert_int_equal(feed(v, 5, N_TXNS), 0);
  assert_int_equal(add_sig(v, 3), -1); /* before the run's anchor */
  verify_summary_t s;
  verifier_summary(v, &s);
  assert_non_null(strstr(s.error, "lies before the run"));
  verifier_free(v);
  v = verifier_new_range(C.pub, 1, C.h[0]);
  verifier_set_range(v);
  assert_int_equal(feed(v, 1, 5), 0); /* the last transaction cut off */
  assert_int_equal(add_sig(v, 6), -1);
  verifier_summary(v, &s);
  assert_non_null(strstr(s.error, "removed from the end"));
  verifier_free(v);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_whole_chain),
    cmocka_unit_test(test_run_from_the_middle),
    cmocka_unit_test(test_run_with_a_forged_anchor),
    cmocka_unit_test(test_run_numbers_follow_one_another),
    cmocka_unit_test(test_finding_in_both_languages),
    cmocka_unit_test(test_run_from_one_starts_at_one),
    cmocka_unit_test(test_run_reverses_an_early_txn_once),
    cmocka_unit_test(test_run_signatures_outside),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
