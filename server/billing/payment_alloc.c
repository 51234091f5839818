/* payment_alloc.c -- a payment split over open charges; see payment_alloc.h. */
#include "payment_alloc.h"

#include <stdlib.h>

static int
older(const void *a, const void *b)
{
  const alloc_charge_t *x = a, *y = b;
  if (x->year != y->year)
    return x->year < y->year ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

void
payment_alloc_sort(alloc_charge_t *c, size_t n)
{
  if (n > 1)
    qsort(c, n, sizeof *c, older);
}

alloc_status_t
payment_allocate(const alloc_charge_t *c, size_t n, int64_t amount, alloc_line_t *out,
                 size_t max_lines, size_t *n_out, int64_t *prepaid, int64_t *fits)
{
  if (amount <= 0)
    return ALLOC_BAD_AMOUNT;
  int64_t left = amount, taken = 0;
  size_t k = 0;
  for (size_t i = 0; i < n && left > 0; i++) {
    if (c[i].open <= 0)
      return ALLOC_BAD_AMOUNT;
    int64_t part = c[i].open < left ? c[i].open : left;
    if (k == max_lines) {
      *fits = taken;
      return ALLOC_TOO_MANY;
    }
    out[k++] = (alloc_line_t){i, part};
    left -= part;
    taken += part;
  }
  *n_out = k;
  *prepaid = left;
  return ALLOC_OK;
}

int32_t
payment_percent_e2(int64_t paid, int64_t amount)
{
  if (amount <= 0 || paid <= 0)
    return 0;
  if (paid >= amount)
    return 10000;
  /* paid < amount <= 10^11 fen: paid * 10000 < 10^15, no overflow */
  return (int32_t)(paid * 10000 / amount);
}
