/* test_billing_calc.c -- billing's arithmetic (late_fee_calc.h): the late
 * fee's days, cap, parts and its one rounding, half up, with the worked
 * example of docs/billing.md; the age of arrears by year; the collection
 * rate in basis points, half up. Figures worked by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "late_fee_calc.h"

static void
test_days(void **state)
{
  (void)state;
  assert_int_equal(late_fee_days(100, 100, 0), 0);
  assert_int_equal(late_fee_days(100, 130, 30), 0);  /* the last day of grace */
  assert_int_equal(late_fee_days(100, 131, 30), 1);
  assert_int_equal(late_fee_days(100, 90, 0), 0);    /* before the charge */
}

static void
test_cap(void **state)
{
  (void)state;
  /* 20 % of 2,400.00: 480.00 = 48,000 fen = 48,000,000,000 micro-fen */
  assert_int_equal(late_fee_cap_e6(240000, 2000), 48000000000LL);
  assert_int_equal(late_fee_cap_e6(0, 2000), 0);
  assert_int_equal(late_fee_cap_e6(INT64_MAX, 10000), INT64_MAX);
}

/* docs/billing.md, "Late fees": heating 2025-2026 charged on 2025-11-01
 * with 1,930.39 still open, property 2026 charged on 2026-01-01 with
 * 1,234.57 open, both under 万分之五 a day (500), 30 days' grace, cap 10 %;
 * a statement as of 2026-03-01. Heating is late from 2025-12-01: 90 days,
 * 193,039 × 500 × 90 = 8,686,755,000 micro-fen (8,686.755 fen). Property
 * is late from 2026-01-31: 29 days, 123,457 × 500 × 29 = 1,790,126,500
 * (1,790.1265 fen). The sum, 10,476,881,500 micro-fen = 10,476.8815 fen,
 * rounded once, half up: 10,477 fen = 104.77. */
static void
test_worked_example(void **state)
{
  (void)state;
  late_fee_rule_t r = {500, 30, 1000};
  /* day numbers: 2025-11-01 = 20393, 2026-01-01 = 20454, 2026-03-01 = 20513 */
  int64_t d1 = late_fee_days(20393, 20513, r.grace_days);
  int64_t d2 = late_fee_days(20454, 20513, r.grace_days);
  assert_int_equal(d1, 90);
  assert_int_equal(d2, 29);
  int64_t p1 = late_fee_part_e6(193039, r.daily_e6, d1, late_fee_cap_e6(193039, r.cap_bp));
  int64_t p2 = late_fee_part_e6(123457, r.daily_e6, d2, late_fee_cap_e6(123457, r.cap_bp));
  assert_int_equal(p1, 8686755000LL);
  assert_int_equal(p2, 1790126500LL);
  assert_int_equal(late_fee_round(p1 + p2), 10477);
}

/* three parts of 0.4 fen each: rounded apart 0, summed and rounded once 1 */
static void
test_round_once(void **state)
{
  (void)state;
  int64_t part = late_fee_part_e6(800, 500, 1, INT64_MAX); /* 400,000 micro-fen */
  assert_int_equal(part, 400000);
  assert_int_equal(late_fee_round(part), 0);
  assert_int_equal(late_fee_round(3 * part), 1);
  assert_int_equal(late_fee_round(1500000), 2);  /* 1.5 fen: half up */
  assert_int_equal(late_fee_round(1499999), 1);
  assert_int_equal(late_fee_round(0), 0);
}

static void
test_part_capped(void **state)
{
  (void)state;
  /* 1,000.00 open, 0.1 % a day (1000), 400 days: 400.00, capped at 30 % = 300.00 */
  int64_t cap = late_fee_cap_e6(100000, 3000);
  assert_int_equal(late_fee_part_e6(100000, 1000, 400, cap), 30000LL * LATE_FEE_E6);
  /* 200 days: 200.00, under the cap */
  assert_int_equal(late_fee_part_e6(100000, 1000, 200, cap), 20000LL * LATE_FEE_E6);
  /* a cap already used up accrues nothing, also below 0 */
  assert_int_equal(late_fee_part_e6(100000, 1000, 200, 0), 0);
  assert_int_equal(late_fee_part_e6(100000, 1000, 200, -5), 0);
  /* huge days never overflow: they stop at the cap */
  assert_int_equal(late_fee_part_e6(INT64_MAX / 2, 100000, INT64_MAX, cap), cap);
  assert_int_equal(late_fee_part_e6(0, 1000, 200, cap), 0);
}

static void
test_ages(void **state)
{
  (void)state;
  assert_int_equal(arrears_age(2026, 2026), 0);
  assert_int_equal(arrears_age(2027, 2026), 0);
  assert_int_equal(arrears_age(2025, 2026), 1);
  assert_int_equal(arrears_age(2024, 2026), 2);
  assert_int_equal(arrears_age(2023, 2026), 3);
  assert_int_equal(arrears_age(2001, 2026), 3);
}

static void
test_rate(void **state)
{
  (void)state;
  assert_int_equal(collection_rate_bp(0, 0), 0);
  assert_int_equal(collection_rate_bp(100, 0), 0);
  assert_int_equal(collection_rate_bp(100, 100), 10000);
  assert_int_equal(collection_rate_bp(2, 3), 6667);   /* 0.66666 */
  assert_int_equal(collection_rate_bp(1, 3), 3333);   /* 0.33333 */
  assert_int_equal(collection_rate_bp(1, 20000), 1);  /* 0.5 bp: half up */
  assert_int_equal(collection_rate_bp(1, 20001), 0);
  assert_int_equal(collection_rate_bp(150, 100), 15000);
  assert_int_equal(collection_rate_bp(-1, 20000), -1); /* a bounced cheque's month */
  assert_int_equal(collection_rate_bp(INT64_MAX, 1), INT64_MAX);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_days),          cmocka_unit_test(test_cap),
    cmocka_unit_test(test_worked_example), cmocka_unit_test(test_round_once),
    cmocka_unit_test(test_part_capped),   cmocka_unit_test(test_ages),
    cmocka_unit_test(test_rate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
