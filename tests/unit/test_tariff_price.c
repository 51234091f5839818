/* test_tariff_price.c -- unit tests for server/billing/tariff_price (the
 * one rounding of a charge) and common/till_rate (a rate's 4 decimals).
 *
 * Every expected figure is worked by hand in docs/billing.md ("Pricing and
 * rounding"), the exact product first and then one rounding half up; the
 * cases where rounding twice (before and after the opt-out share) would
 * give another fen are among them, so a second rounding fails here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tariff_price.h"
#include "till_rate.h"

#define SENTINEL ((int64_t)0x5eed5eed5eed5eedLL)

static int64_t
price(price_rule_t rule, int64_t area, int64_t rate, int64_t months, int64_t qty, int64_t share)
{
  price_in_t in = {rule, area, rate, months, qty, share};
  int64_t fen = SENTINEL;
  assert_int_equal(price_charge(&in, &fen), 0);
  return fen;
}

static void
test_worked_examples(void **state)
{
  (void)state;
  /* 1.80/m²/month x 89.37 m² x 12 = 1930.392 -> 1930.39 */
  assert_true(price(PRICE_AREA_MONTH, 8937, 18000, 12, 0, 100) == 193039);
  /* 21.50/m²/season x 89.37 m² = 1921.455 -> 1921.46 (half up) */
  assert_true(price(PRICE_AREA_SEASON, 8937, 215000, 0, 0, 100) == 192146);
  /* opt-out at 30 %: 1921.455 x 0.30 = 576.4365 -> 576.44 */
  assert_true(price(PRICE_AREA_SEASON, 8937, 215000, 0, 0, 30) == 57644);
  /* 100.01 m² x 21.50 x 30 % = 645.0645 -> 645.06; rounding the full fee
   * first (2150.215 -> 2150.22, x 0.30 = 645.066) would give 645.07 */
  assert_true(price(PRICE_AREA_SEASON, 10001, 215000, 0, 0, 30) == 64506);
  /* 50 % (the seed's city): 2150.215 x 0.5 = 1075.1075 -> 1075.11 */
  assert_true(price(PRICE_AREA_SEASON, 10001, 215000, 0, 0, 50) == 107511);
  /* parking 33.3333/month x 12 = 399.9996 -> 400.00 */
  assert_true(price(PRICE_FIXED_MONTH, 0, 333333, 12, 0, 100) == 40000);
  /* property 1.35/m²/month x 0.01 m² x 1 = 0.0135 -> 0.01 */
  assert_true(price(PRICE_AREA_MONTH, 1, 13500, 1, 0, 100) == 1);
  /* 1.35 x 0.01 m² x 1 x 30 % = 0.00405 -> 0.00 */
  assert_true(price(PRICE_AREA_MONTH, 1, 13500, 1, 0, 30) == 0);
  /* 0.0050 fen exactly half: 1.00/m²/month x 0.50 m² x 1 month x 1 % = 0.005 -> 0.01 */
  assert_true(price(PRICE_AREA_MONTH, 50, 10000, 1, 0, 1) == 1);
  /* water 3.45/t x 12.37 t = 42.6765 -> 42.68 */
  assert_true(price(PRICE_METERED, 0, 34500, 0, 1237, 100) == 4268);
  /* meter readings (docs/billing.md, "Meter readings"): 1234.50 - 1187.25
   * = 47.25 units x 4.1235 = 194.835375 -> 194.84 */
  assert_true(price(PRICE_METERED, 0, 41235, 0, 123450 - 118725, 100) == 19484);
  /* 10.00 units x 4.1235 = 41.235, exactly half a fen -> 41.24 (half up;
   * half to even would give 41.23) */
  assert_true(price(PRICE_METERED, 0, 41235, 0, 1000, 100) == 4124);
  /* 11.10 units x 4.1235 = 45.77085 -> 45.77 */
  assert_true(price(PRICE_METERED, 0, 41235, 0, 1110, 100) == 4577);
  /* no use, no charge */
  assert_true(price(PRICE_METERED, 0, 41235, 0, 0, 100) == 0);
  /* nothing at share 0 */
  assert_true(price(PRICE_AREA_SEASON, 8937, 215000, 0, 0, 0) == 0);
}

static void
test_next_start(void **state)
{
  (void)state;
  char buf[11];
  period_t p;
  /* a metered period's readings are those of [start, next start) */
  assert_int_equal(period_parse(PERIOD_MONTH, "2026-11", &p), 0);
  assert_int_equal(period_next_start(PERIOD_MONTH, &p, "11-15", buf, sizeof buf), 0);
  assert_string_equal(buf, "2026-12-01");
  assert_int_equal(period_parse(PERIOD_MONTH, "2026-12", &p), 0);
  assert_int_equal(period_next_start(PERIOD_MONTH, &p, "11-15", buf, sizeof buf), 0);
  assert_string_equal(buf, "2027-01-01");
  assert_int_equal(period_parse(PERIOD_YEAR, "2026", &p), 0);
  assert_int_equal(period_next_start(PERIOD_YEAR, &p, "11-15", buf, sizeof buf), 0);
  assert_string_equal(buf, "2027-01-01");
  assert_int_equal(period_parse(PERIOD_SEASON, "2026-2027", &p), 0);
  assert_int_equal(period_next_start(PERIOD_SEASON, &p, "11-15", buf, sizeof buf), 0);
  assert_string_equal(buf, "2027-11-15");
  assert_int_equal(period_next_start(PERIOD_SEASON, &p, "13-01", buf, sizeof buf), -1);
}

static void
test_refusals(void **state)
{
  (void)state;
  int64_t fen = SENTINEL;
  price_in_t big = {PRICE_AREA_MONTH, 100000000, 100000000000LL, 12, 0, 100};
  assert_int_equal(price_charge(&big, &fen), -1); /* overflows int64 */
  price_in_t months0 = {PRICE_AREA_MONTH, 8937, 18000, 0, 0, 100};
  assert_int_equal(price_charge(&months0, &fen), -1);
  price_in_t months13 = {PRICE_FIXED_MONTH, 0, 18000, 13, 0, 100};
  assert_int_equal(price_charge(&months13, &fen), -1);
  price_in_t share = {PRICE_AREA_SEASON, 8937, 18000, 0, 0, 101};
  assert_int_equal(price_charge(&share, &fen), -1);
  price_in_t neg = {PRICE_AREA_SEASON, -1, 18000, 0, 0, 100};
  assert_int_equal(price_charge(&neg, &fen), -1);
  price_in_t rule = {0, 8937, 18000, 12, 0, 100};
  assert_int_equal(price_charge(&rule, &fen), -1);
  assert_true(fen == SENTINEL);
  /* the largest area with a rate of 10,000.0000 yuan: 1,000,000 m² x
   * 10,000 = 10,000,000,000.00 yuan, still exact */
  price_in_t max = {PRICE_AREA_SEASON, 100000000, 100000000, 0, 0, 100};
  assert_int_equal(price_charge(&max, &fen), 0);
  assert_true(fen == 1000000000000LL);
}

static void
test_periods(void **state)
{
  (void)state;
  period_t p;
  char day[11];
  assert_int_equal(period_parse(PERIOD_SEASON, "2026-2027", &p), 0);
  assert_int_equal(p.year, 2026);
  assert_int_equal(period_start(PERIOD_SEASON, &p, "11-15", day, sizeof day), 0);
  assert_string_equal(day, "2026-11-15");
  assert_int_equal(period_parse(PERIOD_SEASON, "2026-2028", &p), -1);
  assert_int_equal(period_parse(PERIOD_SEASON, "2026", &p), -1);
  assert_int_equal(period_parse(PERIOD_YEAR, "2026", &p), 0);
  assert_int_equal(p.months, 12);
  assert_int_equal(period_start(PERIOD_YEAR, &p, "", day, sizeof day), 0);
  assert_string_equal(day, "2026-01-01");
  assert_int_equal(period_parse(PERIOD_MONTH, "2026-11", &p), 0);
  assert_int_equal(p.months, 1);
  assert_int_equal(period_start(PERIOD_MONTH, &p, "", day, sizeof day), 0);
  assert_string_equal(day, "2026-11-01");
  assert_int_equal(period_parse(PERIOD_MONTH, "2026-13", &p), -1);
  assert_int_equal(period_parse(PERIOD_MONTH, "1999-01", &p), -1);
  assert_int_equal(period_parse(PERIOD_YEAR, "20x6", &p), -1);
  assert_true(month_day_ok("02-29"));
  assert_false(month_day_ok("02-30"));
  assert_false(month_day_ok("13-01"));
  assert_false(month_day_ok("1-15"));
  assert_true(price_rule_fits(PRICE_AREA_SEASON, PERIOD_SEASON));
  assert_false(price_rule_fits(PRICE_AREA_SEASON, PERIOD_YEAR));
  assert_false(price_rule_fits(PRICE_AREA_MONTH, PERIOD_SEASON));
  assert_true(price_rule_fits(PRICE_FIXED_MONTH, PERIOD_MONTH));
  assert_int_equal(price_rule_of("metered"), PRICE_METERED);
  assert_int_equal(price_rule_of("Metered"), 0);
  assert_int_equal(period_kind_of("season"), PERIOD_SEASON);
}

static void
test_rates(void **state)
{
  (void)state;
  int64_t v = SENTINEL;
  char buf[TILL_RATE_STR_MAX];
  assert_int_equal(till_rate_parse("1.8", &v), 0);
  assert_true(v == 18000);
  assert_int_equal(till_rate_parse("0.0375", &v), 0);
  assert_true(v == 375);
  assert_int_equal(till_rate_parse("21", &v), 0);
  assert_true(v == 210000);
  assert_int_equal(till_rate_parse("10000000", &v), 0);
  assert_true(v == 100000000000LL);
  v = SENTINEL;
  const char *bad[] = {"", "1.", ".5", "1.23456", "-1", "+1", "1,5", "1 ", "10000000.0001",
                       "999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(till_rate_parse(bad[i], &v), -1);
  assert_true(v == SENTINEL);
  assert_int_equal(till_rate_format(18000, buf, sizeof buf), 0);
  assert_string_equal(buf, "1.8000");
  assert_int_equal(till_rate_format(375, buf, sizeof buf), 0);
  assert_string_equal(buf, "0.0375");
  assert_int_equal(till_rate_format(-1, buf, sizeof buf), -1);
  assert_int_equal(till_rate_format(18000, buf, 4), -1);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_worked_examples),
    cmocka_unit_test(test_refusals),
    cmocka_unit_test(test_periods),
    cmocka_unit_test(test_next_start),
    cmocka_unit_test(test_rates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
