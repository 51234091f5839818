/* tariff_price.h -- what a charge comes to: the pricing of billing's fee
 * schemes (docs/billing.md, "Pricing and rounding"), and the periods a
 * scheme charges by.
 *
 * Pure functions of their arguments: no database, no clock, no globals.
 * Money is fen; a rate is yuan x 10^4 (rate_e4: 1.80 is 18000); an area is
 * m² x 100 (area_centi: 89.37 m² is 8937); a meter quantity is units x 100.
 * The product is formed exactly in an integer finer unit, with every
 * multiplication checked for overflow, and rounded ONCE, half up, to the
 * fen -- after the opt-out or vacancy share is applied, never before.
 *
 * THREAD SAFETY: every function may be called from any thread. */
#ifndef TILLD_TARIFF_PRICE_H
#define TILLD_TARIFF_PRICE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  PRICE_AREA_MONTH = 1, /* area x rate per m² per month x months (property) */
  PRICE_AREA_SEASON,    /* area x rate per m² per season (heating) */
  PRICE_FIXED_MONTH,    /* rate per household per month x months (parking) */
  PRICE_METERED,        /* (current - previous reading) x rate per unit (water) */
} price_rule_t;

typedef enum {
  PERIOD_SEASON = 1, /* "2026-2027": a heating season */
  PERIOD_YEAR,       /* "2026" */
  PERIOD_MONTH,      /* "2026-11" */
} period_kind_t;

/* The rule and period named as in the schemes table ("area_month",
 * "season"), or 0 for an unknown name. */
price_rule_t price_rule_of(const char *name);
period_kind_t period_kind_of(const char *name);

/* Whether a scheme may combine <rule> with <period>: area_season charges
 * by season only; area_month and fixed_month by year or month (12 or 1
 * months); metered by month or year. */
int price_rule_fits(price_rule_t rule, period_kind_t period);

/* One charge to price. */
typedef struct {
  price_rule_t rule;
  int64_t area_centi;     /* m² x 100 (area rules) */
  int64_t rate_e4;        /* yuan x 10^4: per m² per month or season, per month, per unit */
  int64_t months;         /* area_month, fixed_month: 1..12 */
  int64_t quantity_centi; /* metered: units x 100, >= 0 */
  int64_t share_pct;      /* 0..100: 100 the full fee, 30 an opt-out's basic fee */
} price_in_t;

/* The amount of <in> in fen, into *fen: the exact product in the finer
 * unit, then one division rounded half up (till_money_div_round).
 *   area_month:  area_centi x rate_e4 x months x share_pct / 10^6
 *   area_season: area_centi x rate_e4 x share_pct / 10^6
 *   fixed_month: rate_e4 x months x share_pct / 10^4
 *   metered:     quantity_centi x rate_e4 x share_pct / 10^6
 * (m² x 100 x yuan x 10^4 = fen x 10^4; x share_pct, fen x 10^6.)
 * 0 on success; -1 when an input is out of range (negative, months outside
 * 1..12 for a monthly rule, share outside 0..100, an unknown rule) or a
 * product overflows int64; *fen is then untouched. */
int price_charge(const price_in_t *in, int64_t *fen /* OUT */);

/* A period of a scheme, parsed. */
typedef struct {
  int year;          /* the year its arrears count under: a season's first */
  int month;         /* 1..12 for a month period, else 0 */
  int months;        /* 12 for a year, 1 for a month, 0 for a season */
} period_t;

/* Parse <text> as a period of <kind>: "2026-2027" (the second year the
 * first + 1), "2026", "2026-11"; years 2000..9998. 0, or -1. */
int period_parse(period_kind_t kind, const char *text, period_t *out /* OUT */);

/* The date a period starts, "YYYY-MM-DD", into buf (11 bytes): a season on
 * its first year's <season_start> ("11-15"), a year on 01-01, a month on
 * its first day. The tariff of a period is the one in effect that day.
 * 0, or -1 when season_start is no MM-DD. */
int period_start(period_kind_t kind, const period_t *p, const char *season_start, char *buf,
                 size_t len);

/* The day after a period's last, "YYYY-MM-DD", into buf (11 bytes): the
 * start of the period that follows it (a season's next one on the next
 * year's <season_start>). A metered period's readings are those of the
 * days [period_start, period_next_start). 0, or -1 as period_start. */
int period_next_start(period_kind_t kind, const period_t *p, const char *season_start, char *buf,
                      size_t len);

/* "MM-DD" with a month 1..12 and a day valid in a leap year (02-29 allowed). */
int month_day_ok(const char *md);

#endif
