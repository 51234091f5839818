/* report_monthly.h -- the monthly settlement (月结) and the cashiers'
 * monthly targets.
 *
 * The report reads, on a reader's snapshot, the business dates of one month
 * (a shift's postings count on the date it opened on, docs/ledger.md
 * "Business dates"): the net takings per date and per fee item, cash and
 * non-cash, the electronic part and the e-payment ratio (electronic /
 * total), the waivers, and per
 * cashier what they collected, their over/short at closes, and how far that
 * is from the target a supervisor set (TargetSetRequest, written on the
 * writer inside the request's SAVEPOINT). The arithmetic of ratios and
 * target bands is in the pure functions below, so it can be tested on its
 * own. Definitions: docs/protocol.md, "MonthlyReportRequest". */
#ifndef TILLD_REPORT_MONTHLY_H
#define TILLD_REPORT_MONTHLY_H

#include <stdint.h>

#include "request.h"
#include "store.h"

/* Rows in the items and cashiers lists, at most. */
#define MONTHLY_ITEMS_MAX 10000
#define MONTHLY_CASHIERS_MAX 10000
/* A target is at most ¥1,000,000,000.00 (as one posting). */
#define MONTHLY_TARGET_MAX 100000000000LL

/* The deviation of <collected> from <target>, (collected - target) / target,
 * in basis points, rounded AWAY FROM ZERO to the next whole basis point (so
 * 5.0001 % is 501 bp: the band read off the figure is always the band of the
 * exact ratio), saturating at +-INT64_MAX; its band; and whether collected
 * is above the target. With target <= 0 (none set): 0, TILL_BAND_NONE,
 * not above. Pure; any int64 inputs, no overflow. */
void monthly_deviation(int64_t collected, int64_t target, int64_t *deviation_bp /* OUT */,
                       till_band_t *band /* OUT */, int *above /* OUT */);

/* part / whole in basis points, rounded half up (half away from zero for a
 * negative quotient); 0 when whole <= 0; saturating at +-INT64_MAX. Pure. */
int64_t monthly_ratio_bp(int64_t part, int64_t whole);

/* The electronic part of a month's takings: the sum of <net>[m] (net
 * takings by method, indexed by till_method_t; [0] unused) over the methods
 * till_method_is_electronic() names -- card, WeChat, Alipay, transfer; not
 * cash, cheque or subsidy. Pure; the caller's sums are of postings of at
 * most LEDGER_TOTAL_MAX each, so they cannot overflow. */
int64_t monthly_electronic(const int64_t net[TILL_METHOD_MAX + 1]);

/* MonthlyReportRequest: reader phase only (supervisor, auditor). */
till_status_t monthly_handle_report(req_t *r, store_conn_t *sc);

/* TargetSetRequest: writer phase (supervisor). */
till_status_t monthly_handle_target_set(req_t *r, store_conn_t *sc);

/* ---- scale: plans checked (issue 23) ---- */
/* The month read in one pass (?1, ?2 the month's first and last date):
 * every entry of the month's transactions; tests/unit/test_report_plans.c
 * checks that it starts from the month's shifts and sorts nothing. */
extern const char report_monthly_sql_month[];

#endif
