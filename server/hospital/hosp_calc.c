/* hosp_calc.c -- pricing a bill's lines and checking its insurance split;
 * see hosp_calc.h. */
#include "hosp_calc.h"

int
hosp_price_line(int64_t quantity, int64_t unit_price, int64_t *amount, int64_t *total)
{
  if (quantity < 1 || quantity > HOSP_QTY_MAX)
    return -1;
  if (unit_price < 1 || unit_price > HOSP_PRICE_MAX)
    return -2;
  int64_t a = quantity * unit_price; /* at most 9999 × 10^7: no overflow */
  if (*total > HOSP_TOTAL_MAX - a)
    return -3;
  *amount = a;
  *total += a;
  return 0;
}

static int
share_ok(int64_t v)
{
  return v >= 0 && v <= HOSP_TOTAL_MAX;
}

hosp_split_err_t
hosp_split_check(hosp_split_t *s)
{
  if (!share_ok(s->total) || !share_ok(s->fund) || !share_ok(s->patient) ||
      !share_ok(s->account) || !share_ok(s->hospital) || (s->window_given && !share_ok(s->window)))
    return HOSP_SPLIT_NEGATIVE;
  /* each below 10^10: the sums cannot overflow */
  if (s->fund + s->patient + s->hospital != s->total)
    return HOSP_SPLIT_TOTAL;
  if (s->window_given) {
    if (s->account + s->window != s->patient)
      return HOSP_SPLIT_PATIENT;
  } else {
    if (s->account > s->patient)
      return HOSP_SPLIT_ACCOUNT;
    s->window = s->patient - s->account;
  }
  return HOSP_SPLIT_OK;
}

/* floor(share × part / total), all of them 0 .. HOSP_TOTAL_MAX */
static int64_t
part_of(int64_t share, int64_t part, int64_t total)
{
  return (int64_t)(((__int128)share * part) / total);
}

int
hosp_refund_split(const hosp_split_t *bill, int64_t before, int64_t refund,
                  const hosp_refund_t *done, hosp_refund_t *out)
{
  if (bill->total <= 0 || refund <= 0 || before < 0 || before > bill->total - refund)
    return -1;
  const int64_t shares[3] = {bill->fund, bill->account, bill->hospital};
  const int64_t gave[3] = {done->fund, done->account, done->hospital};
  int64_t back[3];
  for (int i = 0; i < 3; i++) {
    if (shares[i] < 0 || shares[i] > bill->total || gave[i] < 0 || gave[i] > shares[i])
      return -1;
    back[i] = part_of(shares[i], before + refund, bill->total) - gave[i];
    if (back[i] < 0)
      back[i] = 0;
  }
  out->fund = back[0];
  out->account = back[1];
  out->hospital = back[2];
  out->window = refund - back[0] - back[1] - back[2];
  return 0;
}
