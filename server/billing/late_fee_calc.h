/* late_fee_calc.h -- the arithmetic of billing's reads: 违约金 (late fees),
 * the age of arrears and the collection rate (收缴率). Pure functions, no
 * database: docs/billing.md ("Late fees", "Arrears", "Collection rate")
 * gives the rules and a worked example of each; tests/unit/test_billing_calc.c
 * checks them.
 *
 * A late fee is summed exactly in micro-fen (1/1,000,000 fen) over every
 * overdue charge and rounded once, half up, to the fen. */
#ifndef TILLD_LATE_FEE_CALC_H
#define TILLD_LATE_FEE_CALC_H

#include <stdint.h>

#define LATE_FEE_E6 1000000LL /* micro-fen per fen */

/* A scheme's late-fee rule (late_fee_rules). */
typedef struct {
  int64_t daily_e6;   /* the daily rate × 10^6: 万分之三 a day = 300 */
  int64_t grace_days; /* days after the charge's date before it accrues */
  int64_t cap_bp;     /* at most this share of the charge's amount, basis points */
} late_fee_rule_t;

/* Days a charge made on day <charged_day> is late on day <today> (both day
 * numbers of the same calendar): today - charged_day - grace, at least 0. */
int64_t late_fee_days(int64_t charged_day, int64_t today, int64_t grace_days);

/* The most a charge of <amount> fen may accrue in all, micro-fen:
 * amount × cap_bp / 10,000, exactly (amount × cap_bp × 100). */
int64_t late_fee_cap_e6(int64_t amount, int64_t cap_bp);

/* The part one charge accrues over <days> more days on <open> fen still
 * open: open × daily_e6 × days micro-fen, but at most <cap_left_e6> (what
 * its cap leaves after the parts already posted; below 0 counts as 0). */
int64_t late_fee_part_e6(int64_t open, int64_t daily_e6, int64_t days, int64_t cap_left_e6);

/* A sum of parts in micro-fen, rounded once, half up, to the fen. */
int64_t late_fee_round(int64_t total_e6);

/* The age of arrears counted under <year> in <current_year>: 0 this year,
 * 1 last year, 2 the year before, 3 three years or more (a year ahead
 * counts as 0). */
int arrears_age(int64_t year, int64_t current_year);
#define ARREARS_AGES 4

/* 收缴率: <collected> ÷ <due> in basis points, rounded half up; 0 when
 * <due> is 0 or less. May exceed 10,000 (more collected than due). */
int64_t collection_rate_bp(int64_t collected, int64_t due);

#endif
