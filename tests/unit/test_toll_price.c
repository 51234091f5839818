/* test_toll_price.c -- unit tests for the pure toll rules
 * (server/toll/toll_price.h): the price of a trip, rounded once, half up,
 * to whole yuan, at least the minimum fee, with the surcharge per axle
 * above 6; the classes; plausible plates; the holiday free passage.
 *
 * Each expected figure was worked out by hand (docs/tolls.md lists the same
 * cases): 0.45 × 87 = 39.15 -> 39; 0.45 × 90 = 40.50 -> 41. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "toll_price.h"

static int64_t
price(int64_t rate_e4, int64_t meters, int axles, int64_t axle_e4, int64_t min_fee)
{
  toll_trip_t t = {rate_e4, meters, axles, axle_e4, min_fee};
  int64_t fen = -1;
  assert_int_equal(toll_price(&t, &fen), 0);
  return fen;
}

/* the table of docs/tolls.md, worked by hand */
static void
test_documented_cases(void **state)
{
  (void)state;
  static const struct {
    int64_t rate_e4, meters;
    int axles;
    int64_t axle_e4, min_fee, want;
  } cases[] = {
    {4500, 87000, 2, 0, 500, 3900},      /* 0.45 × 87 = 39.15 -> 39 */
    {4500, 90000, 2, 0, 500, 4100},      /* 0.45 × 90 = 40.50 -> 41 */
    {5000, 78980, 2, 0, 500, 3900},      /* 0.50 × 78.98 = 39.49 -> 39 */
    {5000, 79000, 2, 0, 500, 4000},      /* 0.50 × 79 = 39.50 -> 40 */
    {4500, 120500, 2, 0, 500, 5400},     /* 0.45 × 120.5 = 54.225 -> 54 */
    {12345, 87000, 6, 1000, 500, 10700}, /* 1.2345 × 87 = 107.4015 -> 107 */
    {12345, 87000, 8, 1000, 500, 12500}, /* (1.2345 + 2 × 0.1) × 87 = 124.8015 -> 125 */
    {12345, 87000, 20, 1000, 500, 22900}, /* (1.2345 + 14 × 0.1) × 87 = 229.2015 -> 229 */
    {4500, 5000, 2, 0, 500, 500},        /* 0.45 × 5 = 2.25 -> 2; the minimum 5 */
    {4500, 11100, 2, 0, 500, 500},       /* 4.995 -> 5 = the minimum */
    {4500, 13334, 2, 0, 500, 600},       /* 6.0003 -> 6 */
    {0, 87000, 2, 0, 0, 0},              /* a free class, no minimum */
    {9000, 1, 2, 0, 0, 0},               /* 0.0009 -> 0 */
    {9999, 500, 2, 0, 0, 0},             /* 0.49995 -> 0: the fen is not rounded first */
    {10000, 500, 2, 0, 0, 100},          /* 0.50 -> 1 */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t got = price(cases[i].rate_e4, cases[i].meters, cases[i].axles, cases[i].axle_e4,
                        cases[i].min_fee);
    if (got != cases[i].want)
      fail_msg("case %zu: want %lld fen, got %lld", i, (long long)cases[i].want, (long long)got);
  }
}

/* the surcharge counts only axles above 6, whatever the class's rate */
static void
test_axles(void **state)
{
  (void)state;
  assert_int_equal(price(10000, 100000, 2, 5000, 0), price(10000, 100000, 6, 5000, 0));
  assert_int_equal(price(10000, 100000, 7, 5000, 0), 15000); /* (1 + 0.5) × 100 */
}

static void
test_out_of_range(void **state)
{
  (void)state;
  int64_t fen = 77;
  toll_trip_t bad[] = {
    {4500, 0, 2, 0, 0},                      /* no distance */
    {4500, TOLL_METERS_MAX + 1, 2, 0, 0},
    {4500, 87000, 1, 0, 0},                  /* axles */
    {4500, 87000, TOLL_AXLES_MAX + 1, 0, 0},
    {-1, 87000, 2, 0, 0},
    {TOLL_RATE_MAX + 1, 87000, 2, 0, 0},
    {4500, 87000, 2, -1, 0},
    {4500, 87000, 2, 0, -100},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(toll_price(&bad[i], &fen), -1);
    assert_int_equal(fen, 77);
  }
  /* the largest figures do not overflow */
  toll_trip_t big = {TOLL_RATE_MAX, TOLL_METERS_MAX, TOLL_AXLES_MAX, TOLL_RATE_MAX, 0};
  assert_int_equal(toll_price(&big, &fen), 0);
  assert_true(fen == (int64_t)15 * 10000 * 10000 * 100); /* 15 × ¥10,000 × 10,000 km */
}

static void
test_classes(void **state)
{
  (void)state;
  static const char *const all[] = {"p1", "p2", "p3", "p4", "t1", "t2", "t3", "t4",
                                    "t5", "t6", "s1", "s2", "s3", "s4", "s5", "s6"};
  for (int i = 0; i < TOLL_CLASSES; i++) {
    assert_int_equal(toll_class_index(all[i]), i);
    assert_string_equal(toll_class_code(i), all[i]);
  }
  assert_int_equal(toll_class_index("p5"), -1);
  assert_int_equal(toll_class_index("t7"), -1);
  assert_int_equal(toll_class_index("P1"), -1);
  assert_int_equal(toll_class_index(""), -1);
  assert_int_equal(toll_class_index(NULL), -1);
  assert_null(toll_class_code(16));
  assert_null(toll_class_code(-1));
}

static void
test_plates(void **state)
{
  (void)state;
  assert_true(toll_plate_ok("京A12345"));
  assert_true(toll_plate_ok("粤BD12345"));  /* new energy, D first */
  assert_true(toll_plate_ok("沪A12345F"));  /* new energy, F last (large) */
  assert_true(toll_plate_ok("川AZ9X88"));
  assert_false(toll_plate_ok("粤B123456")); /* 6 without D or F */
  assert_false(toll_plate_ok("京I12345"));  /* no I */
  assert_false(toll_plate_ok("京AO2345"));  /* no O */
  assert_false(toll_plate_ok("京a12345"));
  assert_false(toll_plate_ok("京A1234"));
  assert_false(toll_plate_ok("ABC12345"));
  assert_false(toll_plate_ok("港A12345"));  /* not a mainland province */
  assert_false(toll_plate_ok("京A1234-"));
  assert_false(toll_plate_ok(""));
  assert_false(toll_plate_ok(NULL));
}

/* enter 30 Sep 23:00, exit 1 Oct 00:30: the exit's day decides */
static void
test_holiday(void **state)
{
  (void)state;
  int p1 = toll_class_index("p1");
  assert_true(toll_holiday_free(p1, 5, 1));   /* exit on 1 Oct */
  assert_false(toll_holiday_free(p1, 5, 0));  /* exit on 30 Sep, or on 8 Oct */
  assert_true(toll_holiday_free(p1, 7, 1));
  assert_false(toll_holiday_free(p1, 8, 1));
  assert_false(toll_holiday_free(p1, 0, 1));
  assert_false(toll_holiday_free(toll_class_index("p2"), 5, 1));
  assert_false(toll_holiday_free(toll_class_index("t1"), 2, 1));
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_documented_cases), cmocka_unit_test(test_axles),
    cmocka_unit_test(test_out_of_range),     cmocka_unit_test(test_classes),
    cmocka_unit_test(test_plates),           cmocka_unit_test(test_holiday),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
