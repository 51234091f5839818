/* late_fee_calc.c -- late fees, arrears' ages, the collection rate; see
 * late_fee_calc.h. */
#include "late_fee_calc.h"

int64_t
late_fee_days(int64_t charged_day, int64_t today, int64_t grace_days)
{
  int64_t d = today - charged_day - grace_days;
  return d > 0 ? d : 0;
}

int64_t
late_fee_cap_e6(int64_t amount, int64_t cap_bp)
{
  if (amount <= 0 || cap_bp <= 0)
    return 0;
  __int128 v = (__int128)amount * cap_bp * 100;
  return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

int64_t
late_fee_part_e6(int64_t open, int64_t daily_e6, int64_t days, int64_t cap_left_e6)
{
  if (open <= 0 || daily_e6 <= 0 || days <= 0 || cap_left_e6 <= 0)
    return 0;
  /* open < 2^63, daily_e6 <= 10^5, days < 2^63: the product may pass 2^127
   * only with absurd days; stop at the cap before it can */
  __int128 v = (__int128)open * daily_e6;
  if (v >= cap_left_e6)
    return cap_left_e6;
  v *= days;
  return v >= cap_left_e6 ? cap_left_e6 : (int64_t)v;
}

int64_t
late_fee_round(int64_t total_e6)
{
  if (total_e6 <= 0)
    return 0;
  return total_e6 / LATE_FEE_E6 + (total_e6 % LATE_FEE_E6 >= LATE_FEE_E6 / 2);
}

int
arrears_age(int64_t year, int64_t current_year)
{
  int64_t d = current_year - year;
  if (d <= 0)
    return 0;
  return d >= ARREARS_AGES - 1 ? ARREARS_AGES - 1 : (int)d;
}

int64_t
collection_rate_bp(int64_t collected, int64_t due)
{
  if (due <= 0)
    return 0;
  __int128 n = (__int128)collected * 10000;
  int neg = n < 0;
  if (neg)
    n = -n;
  __int128 q = (2 * n + due) / (2 * (__int128)due); /* half up, of the magnitude */
  int64_t r = q > INT64_MAX ? INT64_MAX : (int64_t)q;
  return neg ? -r : r;
}
