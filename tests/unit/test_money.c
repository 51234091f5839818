/* test_money.c -- unit tests for common/till_money.
 *
 * Covers the accepted and rejected syntax of till_money_parse (including
 * the exact int64 boundaries), till_money_format for small, negative and
 * extreme values and short buffers, the parse/format round trip, the
 * overflow checks of the arithmetic helpers, and Till's one rounding rule
 * (half up, away from zero for negatives). Failure paths also check that
 * the OUT parameter is left untouched, since callers rely on that.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "till_money.h"

#define SENTINEL ((int64_t)0x5eed5eed5eed5eedLL)

/* cmocka compares integers as uintmax_t; equality of int64 values is still
 * exact, so these wrappers only document intent. */
#define assert_fen_equal(a, b) assert_true((int64_t)(a) == (int64_t)(b))

/* ---- parse: accepted forms ---- */

static void
test_parse_valid(void **state)
{
  static const struct {
    const char *s;
    till_fen_t want;
  } cases[] = {
    { "0", 0 },
    { "0.0", 0 },
    { "0.00", 0 },
    { "-0", 0 },
    { "-0.00", 0 },
    { "1", 100 },
    { "2400", 240000 },
    { "2400.5", 240050 },
    { "2400.50", 240050 },
    { "2400.05", 240005 },
    { "0.01", 1 },
    { "0.1", 10 },
    { "-0.01", -1 },
    { "-0.5", -50 },
    { "-1234.05", -123405 },
    { "007.10", 710 },
    { "92233720368547758", INT64_C(9223372036854775800) },
    { "92233720368547758.07", INT64_MAX },
    { "-92233720368547758.08", INT64_MIN },
    { "-92233720368547758.07", INT64_MIN + 1 },
    { "00000000000000000000000000000000000001.00", 100 },
  };
  (void)state;

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    till_fen_t v = SENTINEL;
    int rc = till_money_parse(cases[i].s, &v);
    if (rc != 0 || v != cases[i].want)
      print_error("parse(\"%s\") rc=%d v=%lld want %lld\n", cases[i].s, rc,
                  (long long)v, (long long)cases[i].want);
    assert_int_equal(rc, 0);
    assert_fen_equal(v, cases[i].want);
  }
}

/* ---- parse: rejected forms ---- */

static void
test_parse_invalid(void **state)
{
  static const char *const cases[] = {
    "", "-", ".", "-.", ".5", "-.5", "1.", "-1.", "1.234", "1.000",
    "1e3", "1E3", "1.5e2", " 1", "1 ", "\t1", "1\n", "- 1", "+1", "--1",
    "-+1", "1,000", "1,000.00", "1.2.3", "1..2", "1.-2", "0x10", "abc",
    "1a", "12.3a", "１", "1.5 ",
    /* Out of range by one fen, and far out of range. */
    "92233720368547758.08",
    "-92233720368547758.09",
    "92233720368547759",
    "-92233720368547759",
    "92233720368547758.1",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999999999",
  };
  (void)state;

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    till_fen_t v = SENTINEL;
    int rc = till_money_parse(cases[i], &v);
    if (rc != -1 || v != SENTINEL)
      print_error("parse(\"%s\") accepted (rc=%d v=%lld)\n", cases[i], rc,
                  (long long)v);
    assert_int_equal(rc, -1);
    assert_fen_equal(v, SENTINEL);
  }
}

static void
test_parse_null(void **state)
{
  till_fen_t v = SENTINEL;
  (void)state;
  assert_int_equal(till_money_parse(NULL, &v), -1);
  assert_fen_equal(v, SENTINEL);
}

/* ---- format ---- */

static void
check_format(till_fen_t v, const char *want)
{
  char buf[TILL_MONEY_STR_MAX];
  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(v, buf, sizeof(buf)), 0);
  assert_string_equal(buf, want);
}

static void
test_format(void **state)
{
  (void)state;
  check_format(0, "0.00");
  check_format(5, "0.05");
  check_format(-5, "-0.05");
  check_format(50, "0.50");
  check_format(-50, "-0.50");
  check_format(100, "1.00");
  check_format(-100, "-1.00");
  check_format(240050, "2400.50");
  check_format(-123456, "-1234.56");
  check_format(-123405, "-1234.05");
  check_format(INT64_MAX, "92233720368547758.07");
  check_format(INT64_MIN, "-92233720368547758.08");
  check_format(INT64_MIN + 1, "-92233720368547758.07");
}

static void
test_format_buffer_size(void **state)
{
  char buf[TILL_MONEY_STR_MAX];
  (void)state;

  /* "-1234.56" is 8 characters: needs 9 bytes with the NUL. */
  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(-123456, buf, 9), 0);
  assert_string_equal(buf, "-1234.56");

  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(-123456, buf, 8), -1);
  assert_int_equal(buf[0], '\0');

  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(0, buf, 4), -1);
  assert_int_equal(buf[0], '\0');
  assert_int_equal(buf[1], 'x');  /* nothing written past the empty string */

  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(0, buf, 1), -1);
  assert_int_equal(buf[0], '\0');

  /* len == 0: nothing may be written at all. */
  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(0, buf, 0), -1);
  assert_int_equal(buf[0], 'x');
  assert_int_equal(till_money_format(0, NULL, 0), -1);

  /* The longest value fits exactly in 22 bytes, and the macro covers it. */
  memset(buf, 'x', sizeof(buf));
  assert_int_equal(till_money_format(INT64_MIN, buf, 22), 0);
  assert_string_equal(buf, "-92233720368547758.08");
  assert_int_equal(till_money_format(INT64_MIN, buf, 21), -1);
  assert_int_equal(buf[0], '\0');
  assert_true(strlen("-92233720368547758.08") + 1 <= TILL_MONEY_STR_MAX);
}

/* ---- round trip ---- */

static void
test_round_trip(void **state)
{
  static const till_fen_t values[] = {
    0, 1, -1, 5, -5, 9, 10, 99, 100, 101, -99, -100, -101,
    240050, -123456, 123456789, INT64_C(1000000000000),
    INT64_MAX, INT64_MAX - 1, INT64_MAX - 99, INT64_MAX - 100,
    INT64_MIN, INT64_MIN + 1, INT64_MIN + 99, INT64_MIN + 100,
  };
  (void)state;

  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
    char buf[TILL_MONEY_STR_MAX];
    till_fen_t back = SENTINEL;
    assert_int_equal(till_money_format(values[i], buf, sizeof(buf)), 0);
    assert_int_equal(till_money_parse(buf, &back), 0);
    if (back != values[i])
      print_error("round trip %lld -> \"%s\" -> %lld\n",
                  (long long)values[i], buf, (long long)back);
    assert_fen_equal(back, values[i]);
  }
}

/* ---- arithmetic ---- */

static void
test_add(void **state)
{
  till_fen_t v;
  (void)state;

  assert_int_equal(till_money_add(100, 250, &v), 0);
  assert_fen_equal(v, 350);
  assert_int_equal(till_money_add(-100, 50, &v), 0);
  assert_fen_equal(v, -50);
  assert_int_equal(till_money_add(INT64_MAX - 1, 1, &v), 0);
  assert_fen_equal(v, INT64_MAX);
  assert_int_equal(till_money_add(INT64_MIN, INT64_MAX, &v), 0);
  assert_fen_equal(v, -1);
  assert_int_equal(till_money_add(INT64_MIN + 1, -1, &v), 0);
  assert_fen_equal(v, INT64_MIN);

  v = SENTINEL;
  assert_int_equal(till_money_add(INT64_MAX, 1, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_add(INT64_MIN, -1, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_add(INT64_MAX, INT64_MAX, &v), -1);
  assert_fen_equal(v, SENTINEL);
}

static void
test_sub(void **state)
{
  till_fen_t v;
  (void)state;

  assert_int_equal(till_money_sub(350, 100, &v), 0);
  assert_fen_equal(v, 250);
  assert_int_equal(till_money_sub(100, 350, &v), 0);
  assert_fen_equal(v, -250);
  assert_int_equal(till_money_sub(INT64_MIN + 1, 1, &v), 0);
  assert_fen_equal(v, INT64_MIN);
  assert_int_equal(till_money_sub(-1, INT64_MAX, &v), 0);
  assert_fen_equal(v, INT64_MIN);

  v = SENTINEL;
  assert_int_equal(till_money_sub(INT64_MIN, 1, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_sub(0, INT64_MIN, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_sub(INT64_MAX, -1, &v), -1);
  assert_fen_equal(v, SENTINEL);
}

static void
test_mul(void **state)
{
  till_fen_t v;
  (void)state;

  assert_int_equal(till_money_mul(1250, 3, &v), 0);
  assert_fen_equal(v, 3750);
  assert_int_equal(till_money_mul(1250, -3, &v), 0);
  assert_fen_equal(v, -3750);
  assert_int_equal(till_money_mul(-1250, 0, &v), 0);
  assert_fen_equal(v, 0);
  assert_int_equal(till_money_mul(INT64_MAX, 1, &v), 0);
  assert_fen_equal(v, INT64_MAX);
  assert_int_equal(till_money_mul(INT64_MAX, -1, &v), 0);
  assert_fen_equal(v, INT64_MIN + 1);
  assert_int_equal(till_money_mul(INT64_MIN / 2, 2, &v), 0);
  assert_fen_equal(v, INT64_MIN);

  v = SENTINEL;
  assert_int_equal(till_money_mul(INT64_MIN, -1, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_mul(INT64_MAX / 2 + 1, 2, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_mul(INT64_C(4294967296), INT64_C(4294967296),
                                  &v), -1);
  assert_fen_equal(v, SENTINEL);
}

/* ---- rounding ---- */

static void
check_div_round(int64_t num, int64_t den, int64_t want)
{
  int64_t v = SENTINEL;
  int rc = till_money_div_round(num, den, &v);
  if (rc != 0 || v != want)
    print_error("div_round(%lld, %lld) rc=%d v=%lld want %lld\n",
                (long long)num, (long long)den, rc, (long long)v,
                (long long)want);
  assert_int_equal(rc, 0);
  assert_fen_equal(v, want);
}

static void
test_div_round(void **state)
{
  int64_t v = SENTINEL;
  (void)state;

  check_div_round(0, 7, 0);
  check_div_round(6, 3, 2);
  check_div_round(-6, 3, -2);
  check_div_round(24, 10, 2);    /* 2.4 -> 2 */
  check_div_round(25, 10, 3);    /* 2.5 -> 3 */
  check_div_round(26, 10, 3);    /* 2.6 -> 3 */
  check_div_round(-24, 10, -2);  /* -2.4 -> -2 */
  check_div_round(-25, 10, -3);  /* -2.5 -> -3 */
  check_div_round(-26, 10, -3);  /* -2.6 -> -3 */
  check_div_round(1, 2, 1);      /* 0.5 -> 1 */
  check_div_round(-1, 2, -1);    /* -0.5 -> -1 */
  check_div_round(1, 3, 0);      /* 0.333 -> 0 */
  check_div_round(2, 3, 1);      /* 0.667 -> 1 */
  check_div_round(-1, 3, 0);
  check_div_round(-2, 3, -1);
  check_div_round(149, 100, 1);
  check_div_round(150, 100, 2);
  check_div_round(-149, 100, -1);
  check_div_round(-150, 100, -2);
  check_div_round(7, 1, 7);
  check_div_round(INT64_MAX, 1, INT64_MAX);
  check_div_round(INT64_MIN, 1, INT64_MIN);
  check_div_round(INT64_MAX, 2, INT64_MAX / 2 + 1);  /* x.5 rounds up */
  check_div_round(INT64_MIN, 2, INT64_MIN / 2);      /* exact */
  check_div_round(INT64_MIN + 1, 2, INT64_MIN / 2);  /* -x.5 -> away */
  check_div_round(INT64_MAX, INT64_MAX, 1);
  check_div_round(INT64_MAX - 1, INT64_MAX, 1);
  check_div_round(INT64_MAX / 2, INT64_MAX, 0);      /* just under half */
  check_div_round(INT64_MAX / 2 + 1, INT64_MAX, 1);  /* just over half */
  check_div_round(INT64_MIN, INT64_MAX, -1);
  check_div_round(-(INT64_MAX / 2), INT64_MAX, 0);
  check_div_round(-(INT64_MAX / 2) - 1, INT64_MAX, -1);

  assert_int_equal(till_money_div_round(10, 0, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_div_round(10, -2, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_div_round(INT64_MIN, -1, &v), -1);
  assert_fen_equal(v, SENTINEL);
  assert_int_equal(till_money_div_round(0, INT64_MIN, &v), -1);
  assert_fen_equal(v, SENTINEL);
}

static void
check_round_yuan(till_fen_t in, till_fen_t want)
{
  till_fen_t v = SENTINEL;
  int rc = till_money_round_yuan(in, &v);
  if (rc != 0 || v != want)
    print_error("round_yuan(%lld) rc=%d v=%lld want %lld\n", (long long)in,
                rc, (long long)v, (long long)want);
  assert_int_equal(rc, 0);
  assert_fen_equal(v, want);
}

static void
test_round_yuan(void **state)
{
  (void)state;
  check_round_yuan(0, 0);
  check_round_yuan(1, 0);
  check_round_yuan(49, 0);
  check_round_yuan(50, 100);
  check_round_yuan(-49, 0);
  check_round_yuan(-50, -100);
  check_round_yuan(1200, 1200);
  check_round_yuan(1249, 1200);
  check_round_yuan(1250, 1300);
  check_round_yuan(1299, 1300);
  check_round_yuan(-1249, -1200);
  check_round_yuan(-1250, -1300);
  check_round_yuan(-1200, -1200);
  check_round_yuan(INT64_MAX, INT64_C(9223372036854775800));
  check_round_yuan(INT64_MIN, INT64_C(-9223372036854775800));
}

/* 大写金额, the examples of 会计基础工作规范 §52 and a few edges worked by hand. */
static void
expect_capital(till_fen_t v, const char *want)
{
  char buf[TILL_MONEY_CAPITAL_MAX];
  assert_int_equal(0, till_money_capital(v, buf, sizeof buf));
  assert_string_equal(want, buf);
}

static void
test_capital(void **state)
{
  (void)state;
  expect_capital(168032, "壹仟陆佰捌拾元叁角贰分");     /* ¥1,680.32 */
  expect_capital(10700053, "壹拾万柒仟元伍角叁分");     /* ¥107,000.53 */
  expect_capital(100456, "壹仟零肆元伍角陆分");         /* ¥1,004.56 */
  expect_capital(1600, "壹拾陆元整");                   /* ¥16.00 */
  expect_capital(246250, "贰仟肆佰陆拾贰元伍角整");
  expect_capital(100005, "壹仟元零伍分");
  expect_capital(10001000, "壹拾万零壹拾元整");
  expect_capital(INT64_C(10000100000), "壹亿零壹仟元整");
  expect_capital(INT64_C(11000100000), "壹亿壹仟万壹仟元整");
  expect_capital(INT64_C(100000000000), "壹拾亿元整");  /* the largest posting */
  expect_capital(0, "零元整");
  expect_capital(5, "伍分");
  expect_capital(30, "叁角整");
  expect_capital(-1200, "负壹拾贰元整");
  char small[8];
  assert_int_equal(-1, till_money_capital(246250, small, sizeof small));
  char big[TILL_MONEY_CAPITAL_MAX];
  assert_int_equal(0, till_money_capital(INT64_C(99999999999999), big, sizeof big));
  assert_int_equal(-1, till_money_capital(INT64_C(100000000000000), big, sizeof big));
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_valid),
    cmocka_unit_test(test_parse_invalid),
    cmocka_unit_test(test_parse_null),
    cmocka_unit_test(test_format),
    cmocka_unit_test(test_format_buffer_size),
    cmocka_unit_test(test_round_trip),
    cmocka_unit_test(test_add),
    cmocka_unit_test(test_sub),
    cmocka_unit_test(test_mul),
    cmocka_unit_test(test_div_round),
    cmocka_unit_test(test_round_yuan),
    cmocka_unit_test(test_capital),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
