/* test_hosp_calc.c -- unit tests for the arithmetic of a hospital bill
 * (server/hospital/hosp_calc.h): pricing lines and checking the insurance
 * split, and sharing a refund of lines between the fund, the account and
 * the window, every figure worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hosp_calc.h"

#define assert_i64_equal(a, b) assert_true((int64_t)(a) == (int64_t)(b))

/* the issue's bill: CT 320.00 + X-ray 120.00 + 2 x blood test 30.00 = 500.00 */
static void
test_price_lines(void **state)
{
  (void)state;
  int64_t total = 0, a = 0;
  assert_int_equal(hosp_price_line(1, 32000, &a, &total), 0);
  assert_i64_equal(a, 32000);
  assert_int_equal(hosp_price_line(1, 12000, &a, &total), 0);
  assert_int_equal(hosp_price_line(2, 3000, &a, &total), 0);
  assert_i64_equal(a, 6000);
  assert_i64_equal(total, 50000);
  /* 3 days' bed at 60.00 and 2 boxes at 18.50: 180.00 + 37.00 = 217.00 */
  total = 0;
  assert_int_equal(hosp_price_line(3, 6000, &a, &total), 0);
  assert_int_equal(hosp_price_line(2, 1850, &a, &total), 0);
  assert_i64_equal(total, 21700);
}

static void
test_price_refusals(void **state)
{
  (void)state;
  int64_t total = 0, a = -1;
  assert_int_equal(hosp_price_line(0, 100, &a, &total), -1);
  assert_int_equal(hosp_price_line(-3, 100, &a, &total), -1);
  assert_int_equal(hosp_price_line(HOSP_QTY_MAX + 1, 100, &a, &total), -1);
  assert_int_equal(hosp_price_line(1, 0, &a, &total), -2);
  assert_int_equal(hosp_price_line(1, HOSP_PRICE_MAX + 1, &a, &total), -2);
  assert_i64_equal(total, 0);
  assert_i64_equal(a, -1); /* a refused line changes nothing */
  /* the largest line: 9999 x 100,000.00 = 999,900,000.00 passes the bill's
   * 100,000,000.00 */
  assert_int_equal(hosp_price_line(HOSP_QTY_MAX, HOSP_PRICE_MAX, &a, &total), -3);
  total = HOSP_TOTAL_MAX - 100;
  assert_int_equal(hosp_price_line(1, 100, &a, &total), 0);
  assert_i64_equal(total, HOSP_TOTAL_MAX);
  assert_int_equal(hosp_price_line(1, 1, &a, &total), -3);
  assert_i64_equal(total, HOSP_TOTAL_MAX);
}

/* 500.00 = fund 231.00 + patient 269.00; 269.00 = account 150.00 + window 119.00 */
static void
test_split_issue(void **state)
{
  (void)state;
  hosp_split_t s = {50000, 23100, 26900, 15000, 0, 0, 0};
  assert_int_equal(hosp_split_check(&s), HOSP_SPLIT_OK);
  assert_i64_equal(s.window, 11900);
  /* the window given, and right */
  hosp_split_t g = {50000, 23100, 26900, 15000, 0, 11900, 1};
  assert_int_equal(hosp_split_check(&g), HOSP_SPLIT_OK);
  /* a hospital share: 500.00 = 200.00 + 250.00 + 50.00; window 250.00 */
  hosp_split_t h = {50000, 20000, 25000, 0, 5000, 0, 0};
  assert_int_equal(hosp_split_check(&h), HOSP_SPLIT_OK);
  assert_i64_equal(h.window, 25000);
  /* all from the fund and the account: window 0 */
  hosp_split_t z = {50000, 40000, 10000, 10000, 0, 0, 0};
  assert_int_equal(hosp_split_check(&z), HOSP_SPLIT_OK);
  assert_i64_equal(z.window, 0);
}

static void
test_split_refusals(void **state)
{
  (void)state;
  /* 231.00 + 260.00 = 491.00, not 500.00 */
  hosp_split_t t = {50000, 23100, 26000, 15000, 0, 0, 0};
  assert_int_equal(hosp_split_check(&t), HOSP_SPLIT_TOTAL);
  /* off by one fen the other way */
  hosp_split_t t2 = {50000, 23100, 26901, 15000, 0, 0, 0};
  assert_int_equal(hosp_split_check(&t2), HOSP_SPLIT_TOTAL);
  /* 150.00 + 100.00 = 250.00, not 269.00 */
  hosp_split_t p = {50000, 23100, 26900, 15000, 0, 10000, 1};
  assert_int_equal(hosp_split_check(&p), HOSP_SPLIT_PATIENT);
  /* the account pays more than the patient's share */
  hosp_split_t a = {50000, 23100, 26900, 30000, 0, 0, 0};
  assert_int_equal(hosp_split_check(&a), HOSP_SPLIT_ACCOUNT);
  assert_i64_equal(a.window, 0);
  /* a negative share that would make the sums add up */
  hosp_split_t n = {50000, -1000, 51000, 0, 0, 0, 0};
  assert_int_equal(hosp_split_check(&n), HOSP_SPLIT_NEGATIVE);
  hosp_split_t w = {50000, 23100, 26900, 27000, 0, -100, 1};
  assert_int_equal(hosp_split_check(&w), HOSP_SPLIT_NEGATIVE);
  hosp_split_t big = {HOSP_TOTAL_MAX + 1, 0, HOSP_TOTAL_MAX + 1, 0, 0, 0, 0};
  assert_int_equal(hosp_split_check(&big), HOSP_SPLIT_NEGATIVE);
}

/* the issue's bill refunded line by line: LAB01 60.00, XR01 120.00, CT01
 * 320.00. Fund: floor(231.00 x 60/500) = 27.72, then floor(231.00 x 180/500)
 * = 83.16 less 27.72 = 55.44, then 231.00 less 83.16 = 147.84; account 18.00,
 * 36.00, 96.00; the window the rest: 14.28 + 28.56 + 76.16 = 119.00 */
static void
test_refund_split(void **state)
{
  (void)state;
  hosp_split_t bill = {50000, 23100, 26900, 15000, 0, 11900, 1};
  hosp_refund_t done = {0, 0, 0, 0}, back;
  assert_int_equal(hosp_refund_split(&bill, 0, 6000, &done, &back), 0);
  assert_i64_equal(back.fund, 2772);
  assert_i64_equal(back.account, 1800);
  assert_i64_equal(back.window, 1428);
  done.fund += back.fund;
  done.account += back.account;
  assert_int_equal(hosp_refund_split(&bill, 6000, 12000, &done, &back), 0);
  assert_i64_equal(back.fund, 5544);
  assert_i64_equal(back.account, 3600);
  assert_i64_equal(back.window, 2856);
  done.fund += back.fund;
  done.account += back.account;
  assert_int_equal(hosp_refund_split(&bill, 18000, 32000, &done, &back), 0);
  assert_i64_equal(back.fund, 14784);
  assert_i64_equal(back.account, 9600);
  assert_i64_equal(back.window, 7616);
  assert_i64_equal(done.fund + back.fund, 23100);
  assert_i64_equal(1428 + 2856 + 7616, 11900);
  /* thirds: 3.00 = fund 1.00 + account 1.00 + window 1.00, refunded 1.00 at a
   * time: the shares give back 0.33, 0.33, 0.34 each; the window 0.34, 0.34,
   * 0.32 -- exactly 1.00 in all */
  hosp_split_t t = {300, 100, 200, 100, 0, 100, 1};
  hosp_refund_t d = {0, 0, 0, 0}, b;
  int64_t windows = 0;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(hosp_refund_split(&t, i * 100, 100, &d, &b), 0);
    d.fund += b.fund;
    d.account += b.account;
    windows += b.window;
  }
  assert_i64_equal(d.fund, 100);
  assert_i64_equal(d.account, 100);
  assert_i64_equal(windows, 100);
  /* out of range: more than is left, nothing, a share given back twice */
  assert_int_equal(hosp_refund_split(&t, 250, 100, &d, &b), -1);
  assert_int_equal(hosp_refund_split(&t, 0, 0, &d, &b), -1);
  hosp_refund_t over = {101, 0, 0, 0};
  assert_int_equal(hosp_refund_split(&t, 0, 100, &over, &b), -1);
  /* a bill the fund and the account paid alone: nothing at the window */
  hosp_split_t z = {50000, 40000, 10000, 10000, 0, 0, 1};
  hosp_refund_t zd = {0, 0, 0, 0};
  assert_int_equal(hosp_refund_split(&z, 0, 50000, &zd, &b), 0);
  assert_i64_equal(b.window, 0);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_price_lines),
    cmocka_unit_test(test_price_refusals),
    cmocka_unit_test(test_split_issue),
    cmocka_unit_test(test_split_refusals),
    cmocka_unit_test(test_refund_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
