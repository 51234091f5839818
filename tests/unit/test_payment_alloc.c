/* test_payment_alloc.c -- how a payment is split over a payer's open
 * charges (server/billing/payment_alloc.c): oldest first by year then id,
 * partial last charge, the rest to prepaid, the 62-charge limit of one
 * receipt, and the percentage rounded down. Figures worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "payment_alloc.h"

#define assert_i64_equal(a, b) assert_int_equal((int64_t)(a), (int64_t)(b))

/* three seasons of heating arrears, given newest first: the sort puts the
 * 2023 season first, and ids break the tie within a year */
static void
test_oldest_first_partial_last(void **state)
{
  (void)state;
  alloc_charge_t c[] = {
    {7, 2025, 214488}, /* 2025-2026: 2144.88 */
    {3, 2023, 180000}, /* 2023-2024: 1800.00 */
    {5, 2024, 201000}, /* 2024-2025: 2010.00 */
    {4, 2024, 5000},   /* 2024 adjustment, made before id 5: 50.00 */
  };
  payment_alloc_sort(c, 4);
  assert_i64_equal(c[0].id, 3);
  assert_i64_equal(c[1].id, 4);
  assert_i64_equal(c[2].id, 5);
  assert_i64_equal(c[3].id, 7);
  alloc_line_t out[PAYMENT_MAX_CHARGES];
  size_t n = 99;
  int64_t prepaid = -1, fits = -1;
  /* 5000.00: 1800.00 + 50.00 + 2010.00 = 3860.00, 1140.00 of the last */
  assert_int_equal(payment_allocate(c, 4, 500000, out, PAYMENT_MAX_CHARGES, &n, &prepaid, &fits),
                   ALLOC_OK);
  assert_int_equal(n, 4);
  assert_i64_equal(out[0].amount, 180000);
  assert_i64_equal(out[1].amount, 5000);
  assert_i64_equal(out[2].amount, 201000);
  assert_i64_equal(out[3].amount, 114000);
  assert_int_equal(out[3].idx, 3);
  assert_i64_equal(prepaid, 0);
  /* 1140.00 of 2144.88 = 53.149... %: 53.14 %, never rounded up */
  assert_int_equal(payment_percent_e2(114000, 214488), 5314);
}

static void
test_overpayment_to_prepaid(void **state)
{
  (void)state;
  alloc_charge_t c[] = {{1, 2024, 10000}, {2, 2025, 20000}};
  alloc_line_t out[4];
  size_t n = 0;
  int64_t prepaid = 0, fits = 0;
  assert_int_equal(payment_allocate(c, 2, 50001, out, 4, &n, &prepaid, &fits), ALLOC_OK);
  assert_int_equal(n, 2);
  assert_i64_equal(out[0].amount, 10000);
  assert_i64_equal(out[1].amount, 20000);
  assert_i64_equal(prepaid, 20001);
  /* no open charge: all of it prepaid */
  assert_int_equal(payment_allocate(c, 0, 777, out, 4, &n, &prepaid, &fits), ALLOC_OK);
  assert_int_equal(n, 0);
  assert_i64_equal(prepaid, 777);
}

static void
test_exact_and_small(void **state)
{
  (void)state;
  alloc_charge_t c[] = {{1, 2024, 10000}, {2, 2025, 20000}};
  alloc_line_t out[4];
  size_t n = 0;
  int64_t prepaid = 1, fits = 0;
  /* exactly the first: the second is not touched, nothing prepaid */
  assert_int_equal(payment_allocate(c, 2, 10000, out, 4, &n, &prepaid, &fits), ALLOC_OK);
  assert_int_equal(n, 1);
  assert_i64_equal(prepaid, 0);
  /* one fen */
  assert_int_equal(payment_allocate(c, 2, 1, out, 4, &n, &prepaid, &fits), ALLOC_OK);
  assert_int_equal(n, 1);
  assert_i64_equal(out[0].amount, 1);
  assert_int_equal(payment_percent_e2(1, 10000), 1);
  assert_int_equal(payment_percent_e2(9999, 10000), 9999);
  assert_int_equal(payment_percent_e2(10000, 10000), 10000);
  assert_int_equal(payment_percent_e2(0, 10000), 0);
}

static void
test_refusals(void **state)
{
  (void)state;
  alloc_charge_t c[] = {{1, 2024, 10000}, {2, 2025, 0}};
  alloc_line_t out[4];
  size_t n = 0;
  int64_t prepaid = 0, fits = 0;
  assert_int_equal(payment_allocate(c, 1, 0, out, 4, &n, &prepaid, &fits), ALLOC_BAD_AMOUNT);
  assert_int_equal(payment_allocate(c, 1, -5, out, 4, &n, &prepaid, &fits), ALLOC_BAD_AMOUNT);
  /* a charge with nothing open is a caller's bug */
  assert_int_equal(payment_allocate(c, 2, 20000, out, 4, &n, &prepaid, &fits), ALLOC_BAD_AMOUNT);
}

/* 63 open charges of 1.00: 62.00 settles 62 of them, one receipt's
 * most; 62.50 would need 0.50 of a 63rd, which does not fit: refused,
 * saying 62.00 fits */
static void
test_too_many_charges(void **state)
{
  (void)state;
  alloc_charge_t c[PAYMENT_MAX_CHARGES + 1];
  for (int i = 0; i < PAYMENT_MAX_CHARGES + 1; i++)
    c[i] = (alloc_charge_t){i + 1, 2000 + i, 100};
  alloc_line_t out[PAYMENT_MAX_CHARGES];
  size_t n = 0;
  int64_t prepaid = 0, fits = 0;
  assert_int_equal(payment_allocate(c, PAYMENT_MAX_CHARGES + 1, 6200, out, PAYMENT_MAX_CHARGES,
                                    &n, &prepaid, &fits),
                   ALLOC_OK);
  assert_int_equal(n, PAYMENT_MAX_CHARGES);
  assert_i64_equal(prepaid, 0);
  assert_int_equal(payment_allocate(c, PAYMENT_MAX_CHARGES + 1, 6250, out, PAYMENT_MAX_CHARGES,
                                    &n, &prepaid, &fits),
                   ALLOC_TOO_MANY);
  assert_i64_equal(fits, 6200);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_oldest_first_partial_last),
    cmocka_unit_test(test_overpayment_to_prepaid),
    cmocka_unit_test(test_exact_and_small),
    cmocka_unit_test(test_refusals),
    cmocka_unit_test(test_too_many_charges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
