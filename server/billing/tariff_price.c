/* tariff_price.c -- pricing a charge and parsing a scheme's periods; see
 * tariff_price.h. The one rounding of a charge is here (price_charge). */
#include "tariff_price.h"

#include <stdio.h>
#include <string.h>

#include "till_money.h"

price_rule_t
price_rule_of(const char *name)
{
  static const char *const names[] = {"area_month", "area_season", "fixed_month", "metered"};
  for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0)
      return (price_rule_t)(i + 1);
  return 0;
}

period_kind_t
period_kind_of(const char *name)
{
  static const char *const names[] = {"season", "year", "month"};
  for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0)
      return (period_kind_t)(i + 1);
  return 0;
}

int
price_rule_fits(price_rule_t rule, period_kind_t period)
{
  switch (rule) {
  case PRICE_AREA_SEASON:
    return period == PERIOD_SEASON;
  case PRICE_AREA_MONTH:
  case PRICE_FIXED_MONTH:
  case PRICE_METERED:
    return period == PERIOD_YEAR || period == PERIOD_MONTH;
  }
  return 0;
}

/* a x b into *out, 0; -1 on overflow or a negative factor */
static int
mul(int64_t a, int64_t b, int64_t *out)
{
  if (a < 0 || b < 0)
    return -1;
  return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

int
price_charge(const price_in_t *in, int64_t *fen)
{
  if (in->share_pct < 0 || in->share_pct > 100 || in->rate_e4 < 0)
    return -1;
  int64_t n = 0, den = 0;
  int monthly = in->rule == PRICE_AREA_MONTH || in->rule == PRICE_FIXED_MONTH;
  if (monthly && (in->months < 1 || in->months > 12))
    return -1;
  switch (in->rule) {
  case PRICE_AREA_MONTH:
    if (mul(in->area_centi, in->rate_e4, &n) || mul(n, in->months, &n))
      return -1;
    den = 1000000;
    break;
  case PRICE_AREA_SEASON:
    if (mul(in->area_centi, in->rate_e4, &n))
      return -1;
    den = 1000000;
    break;
  case PRICE_FIXED_MONTH:
    if (mul(in->rate_e4, in->months, &n))
      return -1;
    den = 10000;
    break;
  case PRICE_METERED:
    if (mul(in->quantity_centi, in->rate_e4, &n))
      return -1;
    den = 1000000;
    break;
  default:
    return -1;
  }
  if (mul(n, in->share_pct, &n))
    return -1;
  /* the one rounding: half up, to the fen */
  return till_money_div_round(n, den, fen);
}

/* <n> decimal digits of s into *v; 0 or -1 */
static int
digits(const char *s, int n, int *v)
{
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    *v = *v * 10 + (s[i] - '0');
  }
  return 0;
}

int
period_parse(period_kind_t kind, const char *text, period_t *out)
{
  period_t p = {0, 0, 0};
  size_t n = text ? strlen(text) : 0;
  int second = 0;
  if (n < 4 || digits(text, 4, &p.year) != 0 || p.year < 2000 || p.year > 9998)
    return -1;
  switch (kind) {
  case PERIOD_SEASON:
    if (n != 9 || text[4] != '-' || digits(text + 5, 4, &second) != 0 || second != p.year + 1)
      return -1;
    break;
  case PERIOD_YEAR:
    if (n != 4)
      return -1;
    p.months = 12;
    break;
  case PERIOD_MONTH:
    if (n != 7 || text[4] != '-' || digits(text + 5, 2, &p.month) != 0 || p.month < 1 ||
        p.month > 12)
      return -1;
    p.months = 1;
    break;
  default:
    return -1;
  }
  *out = p;
  return 0;
}

int
month_day_ok(const char *md)
{
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m, d;
  if (!md || strlen(md) != 5 || md[2] != '-' || digits(md, 2, &m) != 0 ||
      digits(md + 3, 2, &d) != 0)
    return 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

int
period_start(period_kind_t kind, const period_t *p, const char *season_start, char *buf,
             size_t len)
{
  int n;
  if (kind == PERIOD_SEASON) {
    if (!month_day_ok(season_start))
      return -1;
    n = snprintf(buf, len, "%04d-%s", p->year, season_start);
  } else if (kind == PERIOD_YEAR) {
    n = snprintf(buf, len, "%04d-01-01", p->year);
  } else {
    n = snprintf(buf, len, "%04d-%02d-01", p->year, p->month);
  }
  return n == 10 && (size_t)n < len ? 0 : -1;
}

int
period_next_start(period_kind_t kind, const period_t *p, const char *season_start, char *buf,
                  size_t len)
{
  period_t next = *p;
  if (kind == PERIOD_MONTH && p->month < 12) {
    next.month = p->month + 1;
  } else {
    next.year = p->year + 1;
    next.month = 1;
  }
  return period_start(kind, &next, season_start, buf, len);
}
