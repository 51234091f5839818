/* test_report_monthly.c -- the monthly report's arithmetic: a cashier's
 * deviation from target in basis points (rounded away from zero) and its
 * band at every boundary, below and above, with no target, nothing
 * collected and the extremes of int64; the e-payment ratio's half-up
 * rounding; and which methods the ratio counts as electronic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report_monthly.h"

/* deviation of collected from target: bp, band, above */
static void
check(int64_t collected, int64_t target, int64_t want_bp, till_band_t want_band, int want_above)
{
  int64_t bp = 12345;
  till_band_t band = (till_band_t)99;
  int above = 99;
  monthly_deviation(collected, target, &bp, &band, &above);
  assert_int_equal(bp, want_bp);
  assert_int_equal(band, want_band);
  assert_int_equal(above, want_above);
}

static void
test_exact_target(void **state)
{
  (void)state;
  check(1000000, 1000000, 0, TILL_BAND_WITHIN_5, 0);
}

/* target 10000.00 (1000000 fen): 5 % is 50000 fen */
static void
test_five_percent_boundary(void **state)
{
  (void)state;
  check(1050000, 1000000, 500, TILL_BAND_WITHIN_5, 1);   /* exactly +5 % */
  check(950000, 1000000, -500, TILL_BAND_WITHIN_5, 0);   /* exactly -5 % */
  check(1050001, 1000000, 501, TILL_BAND_5_10, 1);       /* 1 fen above 5 % */
  check(949999, 1000000, -501, TILL_BAND_5_10, 0);       /* 1 fen below -5 % */
  check(1050100, 1000000, 501, TILL_BAND_5_10, 1);       /* +5 % + 1 bp */
  check(1049900, 1000000, 499, TILL_BAND_WITHIN_5, 1);   /* +5 % - 1 bp */
}

static void
test_ten_percent_boundary(void **state)
{
  (void)state;
  check(1100000, 1000000, 1000, TILL_BAND_5_10, 1);
  check(900000, 1000000, -1000, TILL_BAND_5_10, 0);
  check(1100001, 1000000, 1001, TILL_BAND_10_15, 1);
  check(899999, 1000000, -1001, TILL_BAND_10_15, 0);
}

static void
test_fifteen_percent_boundary(void **state)
{
  (void)state;
  check(1150000, 1000000, 1500, TILL_BAND_10_15, 1);
  check(850000, 1000000, -1500, TILL_BAND_10_15, 0);
  check(1150100, 1000000, 1501, TILL_BAND_BEYOND_15, 1); /* 15 % + 1 bp */
  check(849900, 1000000, -1501, TILL_BAND_BEYOND_15, 0); /* -15 % - 1 bp */
  check(1150001, 1000000, 1501, TILL_BAND_BEYOND_15, 1); /* 1 fen above 15 % */
}

/* the rounding: away from zero to the next basis point, both directions */
static void
test_rounding_away_from_zero(void **state)
{
  (void)state;
  check(3, 3, 0, TILL_BAND_WITHIN_5, 0);
  check(4, 3, 3334, TILL_BAND_BEYOND_15, 1);   /* +33.333... % */
  check(2, 3, -3334, TILL_BAND_BEYOND_15, 0);  /* -33.333... % */
  check(300001, 300000, 1, TILL_BAND_WITHIN_5, 1); /* 0.0003 % is 1 bp, above */
  check(299999, 300000, -1, TILL_BAND_WITHIN_5, 0);
}

static void
test_zero_collected_and_no_target(void **state)
{
  (void)state;
  check(0, 500000, -10000, TILL_BAND_BEYOND_15, 0); /* nothing collected: -100 % */
  check(0, 0, 0, TILL_BAND_NONE, 0);                /* no target */
  check(123456, 0, 0, TILL_BAND_NONE, 0);
  check(123456, -5, 0, TILL_BAND_NONE, 0);          /* a bad target is no target */
  check(-20000, 100000, -12000, TILL_BAND_BEYOND_15, 0); /* voids of an earlier month */
}

static void
test_huge_values(void **state)
{
  (void)state;
  /* (INT64_MAX - 1) * 10000 overflows int64: computed in 128 bits, saturated */
  check(INT64_MAX, 1, INT64_MAX, TILL_BAND_BEYOND_15, 1);
  check(INT64_MIN, 1, -INT64_MAX, TILL_BAND_BEYOND_15, 0);
  /* -(2^64 - 1) / (2^63 - 1) is a hair below -200 %: away from zero, -20001 */
  check(INT64_MIN, INT64_MAX, -20001, TILL_BAND_BEYOND_15, 0);
  check(INT64_MAX, INT64_MAX, 0, TILL_BAND_WITHIN_5, 0);
  check(INT64_MAX - 1, INT64_MAX, -1, TILL_BAND_WITHIN_5, 0);
  /* the largest target, exactly +5 % and one fen more */
  check(MONTHLY_TARGET_MAX + MONTHLY_TARGET_MAX / 20, MONTHLY_TARGET_MAX, 500,
        TILL_BAND_WITHIN_5, 1);
  check(MONTHLY_TARGET_MAX + MONTHLY_TARGET_MAX / 20 + 1, MONTHLY_TARGET_MAX, 501,
        TILL_BAND_5_10, 1);
}

static void
test_ratio(void **state)
{
  (void)state;
  assert_int_equal(monthly_ratio_bp(0, 0), 0);
  assert_int_equal(monthly_ratio_bp(5, 0), 0);
  assert_int_equal(monthly_ratio_bp(5, -10), 0);
  assert_int_equal(monthly_ratio_bp(0, 100), 0);
  assert_int_equal(monthly_ratio_bp(100, 100), 10000);
  assert_int_equal(monthly_ratio_bp(1, 3), 3333);     /* 3333.33 down */
  assert_int_equal(monthly_ratio_bp(2, 3), 6667);     /* 6666.67 up */
  assert_int_equal(monthly_ratio_bp(1, 20000), 1);    /* 0.5 bp: half up */
  assert_int_equal(monthly_ratio_bp(1, 20001), 0);    /* just under half */
  assert_int_equal(monthly_ratio_bp(3, 20000), 2);    /* 1.5 bp */
  assert_int_equal(monthly_ratio_bp(-1, 20000), -1);  /* half away from zero */
  assert_int_equal(monthly_ratio_bp(-1, 3), -3333);
  assert_int_equal(monthly_ratio_bp(INT64_MAX, INT64_MAX), 10000);
  assert_int_equal(monthly_ratio_bp(INT64_MAX, 1), INT64_MAX);   /* saturated */
  assert_int_equal(monthly_ratio_bp(INT64_MIN, 1), -INT64_MAX);
  assert_int_equal(monthly_ratio_bp(INT64_MAX / 2, INT64_MAX), 5000);
}

/* Which methods are electronic payment, and the electronic part of a
 * month's takings: card, WeChat, Alipay and transfer count; cash, cheque
 * and subsidy do not (they used to, as "non-cash"). */
static void
test_electronic(void **state)
{
  (void)state;
  assert_false(till_method_is_electronic(0));
  assert_false(till_method_is_electronic(TILL_METHOD_CASH));
  assert_true(till_method_is_electronic(TILL_METHOD_CARD));
  assert_true(till_method_is_electronic(TILL_METHOD_WECHAT));
  assert_true(till_method_is_electronic(TILL_METHOD_ALIPAY));
  assert_true(till_method_is_electronic(TILL_METHOD_TRANSFER));
  assert_false(till_method_is_electronic(TILL_METHOD_CHEQUE));
  assert_false(till_method_is_electronic(TILL_METHOD_SUBSIDY));
  assert_false(till_method_is_electronic(TILL_METHOD_MAX + 1));
  assert_false(till_method_is_electronic(-1));

  /* one figure a method, each a different power of ten: the sum names
   * exactly the methods it took */
  int64_t net[TILL_METHOD_MAX + 1] = {0};
  int64_t want;
  for (int m = 1; m <= TILL_METHOD_MAX; m++) {
    int64_t v = 1;
    for (int k = 1; k < m; k++)
      v *= 10;
    net[m] = v;
  }
  want = net[TILL_METHOD_CARD] + net[TILL_METHOD_WECHAT] + net[TILL_METHOD_ALIPAY] +
         net[TILL_METHOD_TRANSFER];
  assert_int_equal(want, 11110);
  assert_int_equal(monthly_electronic(net), want);
  /* a month of cheques and subsidies only: nothing electronic, ratio 0 */
  int64_t paper[TILL_METHOD_MAX + 1] = {0};
  paper[TILL_METHOD_CHEQUE] = 120000;
  paper[TILL_METHOD_SUBSIDY] = 80000;
  paper[TILL_METHOD_CASH] = 5000;
  assert_int_equal(monthly_electronic(paper), 0);
  assert_int_equal(monthly_ratio_bp(monthly_electronic(paper), 205000), 0);
  /* voids of an earlier month leave a method negative: it still counts */
  int64_t mixed[TILL_METHOD_MAX + 1] = {0};
  mixed[TILL_METHOD_CARD] = 30000;
  mixed[TILL_METHOD_WECHAT] = -500;
  mixed[TILL_METHOD_CHEQUE] = 10000;
  assert_int_equal(monthly_electronic(mixed), 29500);
  /* 29500 of 39500 is 7468.35... bp: 7468 */
  assert_int_equal(monthly_ratio_bp(monthly_electronic(mixed), 39500), 7468);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exact_target),
    cmocka_unit_test(test_five_percent_boundary),
    cmocka_unit_test(test_ten_percent_boundary),
    cmocka_unit_test(test_fifteen_percent_boundary),
    cmocka_unit_test(test_rounding_away_from_zero),
    cmocka_unit_test(test_zero_collected_and_no_target),
    cmocka_unit_test(test_huge_values),
    cmocka_unit_test(test_ratio),
    cmocka_unit_test(test_electronic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
