/* payment_alloc.h -- how a payment against a payer is split over the
 * payer's open charges (docs/billing.md "Payments"): pure arithmetic, no
 * database, so that it is tested on its own (tests/unit/test_payment_alloc.c).
 *
 * The oldest open charge first: by the year its arrears count under, then
 * by id (the order charges were made). Each charge gets what is still open
 * of it, or what is left of the payment; what is left after the last charge
 * is credited to the payer's prepaid balance. A charge is settled in whole
 * fen: no rounding happens here. */
#ifndef TILLD_PAYMENT_ALLOC_H
#define TILLD_PAYMENT_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* A payment settles at most this many charges: one transaction holds 64
 * entries (TILL_CHAIN_MAX_ENTRIES), one is the money's, one the prepaid. */
#define PAYMENT_MAX_CHARGES 62

typedef struct {
  int64_t id;
  int32_t year;
  int64_t open; /* fen still owed on it, > 0 */
} alloc_charge_t;

typedef struct {
  size_t idx;     /* into the (sorted) charges */
  int64_t amount; /* fen this payment settles of it, > 0 */
} alloc_line_t;

typedef enum {
  ALLOC_OK = 0,
  ALLOC_BAD_AMOUNT,   /* amount <= 0, or a charge's open <= 0 */
  ALLOC_TOO_MANY,     /* more than <max_lines> charges would be settled */
} alloc_status_t;

/* Sort <c> oldest first: by year, then id. */
void payment_alloc_sort(alloc_charge_t *c, size_t n);

/* Split <amount> over <c> (sorted oldest first) into <out> (room for
 * <max_lines>): *n_out lines in order, *prepaid what is left. On
 * ALLOC_TOO_MANY, *fits is what the oldest <max_lines> charges would take
 * (the most one receipt can settle of them) and nothing else is set. */
alloc_status_t payment_allocate(const alloc_charge_t *c, size_t n, int64_t amount,
                                alloc_line_t *out, size_t max_lines, size_t *n_out,
                                int64_t *prepaid, int64_t *fits);

/* paid / amount in hundredths of a percent, rounded down, so that 100.00 %
 * is printed only for a charge paid in full (0 for amount <= 0). */
int32_t payment_percent_e2(int64_t paid, int64_t amount);

#endif
