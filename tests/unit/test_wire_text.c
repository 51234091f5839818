/* test_wire_text.c -- wire_text_check on real encoded envelopes: strings at
 * every depth with a NUL byte or invalid UTF-8 are refused naming the field;
 * bytes fields, control characters and unknown fields pass; malformed input
 * is refused rather than read past its end.
 *
 * Each envelope is packed by protobuf-c, then one marker byte ('#') inside a
 * string is overwritten on the wire, as a hostile client would send it. The
 * buffer handed to wire_text_check is a heap copy of exactly its length, so
 * AddressSanitizer catches any read past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "till.pb-c.h"
#include "wire_text.h"

struct wire {
  uint8_t *buf;
  size_t len;
};

static struct wire
pack_envelope(const Till__V1__Envelope *env)
{
  struct wire w;
  w.len = till__v1__envelope__get_packed_size(env);
  w.buf = malloc(w.len ? w.len : 1);
  assert_non_null(w.buf);
  assert_int_equal(till__v1__envelope__pack(env, w.buf), w.len);
  return w;
}

/* Overwrite the one '#' in w with the bytes <with> (same length as the
 * marker run of '#'s it replaces). */
static void
poke(struct wire *w, const char *with, size_t n)
{
  uint8_t *at = memchr(w->buf, '#', w->len);
  assert_non_null(at);
  assert_true((size_t)(at - w->buf) + n <= w->len);
  memcpy(at, with, n);
}

static int
check(const struct wire *w, char *why, size_t why_len)
{
  why[0] = '\0';
  return wire_text_check(&till__v1__envelope__descriptor, w->buf, w->len, why, why_len);
}

/* An envelope with a sale of one line whose item is <item> and memo <memo>,
 * an idempotency key of <key>. */
static struct wire
sale_wire(const char *item, const char *memo, const uint8_t *key, size_t key_len)
{
  Till__V1__SaleLine line = TILL__V1__SALE_LINE__INIT;
  Till__V1__SaleLine *lines[] = {&line};
  Till__V1__SaleRequest sale = TILL__V1__SALE_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  line.item = (char *)item;
  line.quantity = 2;
  sale.n_lines = 1;
  sale.lines = lines;
  sale.memo = (char *)memo;
  sale.idempotency_key.data = (uint8_t *)key;
  sale.idempotency_key.len = key_len;
  env.request_id = 7;
  env.session = "0123456789abcdef";
  env.body_case = TILL__V1__ENVELOPE__BODY_SALE_REQ;
  env.sale_req = &sale;
  return pack_envelope(&env);
}

static void
test_good_sale_passes(void **state)
{
  (void)state;
  static const uint8_t key[16] = {0, 0, 0, 1, 0xff, 0, 0x80}; /* bytes: NULs are fine */
  char why[160];
  struct wire w = sale_wire("PARK1H", "line\none\t\xe6\x94\xb6\xe8\xb4\xb9", key, sizeof key);
  assert_int_equal(check(&w, why, sizeof why), 0);
  free(w.buf);
}

static void
test_nul_in_nested_string_names_field(void **state)
{
  (void)state;
  char why[160];
  struct wire w = sale_wire("PARK#H", "", NULL, 0);
  poke(&w, "\0", 1);
  assert_int_equal(check(&w, why, sizeof why), -1);
  assert_string_equal(why, "item contains a NUL byte");
  free(w.buf);

  w = sale_wire("PARK1H", "memo #", NULL, 0);
  poke(&w, "\0", 1);
  assert_int_equal(check(&w, why, sizeof why), -1);
  assert_string_equal(why, "memo contains a NUL byte");
  free(w.buf);
}

static void
test_bad_utf8_names_field(void **state)
{
  (void)state;
  static const char *bad[] = {"\xff", "\x80", "\xc0", "\xed"};
  char why[160];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct wire w = sale_wire("PARK1H", "abc#def", NULL, 0);
    poke(&w, bad[i], 1);
    assert_int_equal(check(&w, why, sizeof why), -1);
    assert_string_equal(why, "memo is not valid UTF-8 text");
    free(w.buf);
  }
}

static void
test_top_level_and_login_fields(void **state)
{
  (void)state;
  Till__V1__LoginRequest login = TILL__V1__LOGIN_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  char why[160];
  login.user = "lena#x";
  login.password = "pw";
  env.body_case = TILL__V1__ENVELOPE__BODY_LOGIN_REQ;
  env.login_req = &login;
  struct wire w = pack_envelope(&env);
  poke(&w, "\0", 1);
  assert_int_equal(check(&w, why, sizeof why), -1);
  assert_string_equal(why, "user contains a NUL byte");
  free(w.buf);

  login.user = "lena";
  env.session = "tok#en";
  w = pack_envelope(&env);
  poke(&w, "\xfe", 1);
  assert_int_equal(check(&w, why, sizeof why), -1);
  assert_string_equal(why, "session is not valid UTF-8 text");
  free(w.buf);
}

static void
test_unknown_fields_skipped(void **state)
{
  (void)state;
  /* field 1 (request_id) = 5, then unknown field 900 as a string with a NUL
   * and bad UTF-8: nobody reads unknown fields, so they do not matter */
  static const uint8_t raw[] = {0x08, 0x05, 0xa2, 0x38, 0x03, 0x00, 0xff, 0x41};
  char why[160];
  uint8_t *buf = malloc(sizeof raw);
  assert_non_null(buf);
  memcpy(buf, raw, sizeof raw);
  assert_int_equal(wire_text_check(&till__v1__envelope__descriptor, buf, sizeof raw, why,
                                   sizeof why), 0);
  free(buf);
}

static void
test_malformed_refused(void **state)
{
  (void)state;
  static const uint8_t cases[][6] = {
    {0x12, 0x09, 'a', 'b', 'c', 'd'},             /* length past the end */
    {0x08, 0xff, 0xff, 0xff, 0xff, 0xff},         /* varint cut short */
    {0x0b, 0x00, 0x00, 0x00, 0x00, 0x00},         /* start group */
    {0x09, 0x01, 0x02, 0x03, 0x04, 0x05},         /* fixed64 cut short */
  };
  char why[160];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *buf = malloc(sizeof cases[i]);
    assert_non_null(buf);
    memcpy(buf, cases[i], sizeof cases[i]);
    assert_int_equal(wire_text_check(&till__v1__envelope__descriptor, buf, sizeof cases[i],
                                     why, sizeof why), -1);
    assert_non_null(strstr(why, "not a well-formed"));
    free(buf);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_good_sale_passes),
    cmocka_unit_test(test_nul_in_nested_string_names_field),
    cmocka_unit_test(test_bad_utf8_names_field),
    cmocka_unit_test(test_top_level_and_login_fields),
    cmocka_unit_test(test_unknown_fields_skipped),
    cmocka_unit_test(test_malformed_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
