/* report_hours.h -- the daily report's takings by hour (web2, issue 24):
 * the sales and voids of the takings rows grouped by the hour, on the
 * server's local clock, each sale was made. report_daily.c's one pass
 * gives each line here as it reads it. */
#ifndef TILLD_REPORT_HOURS_H
#define TILLD_REPORT_HOURS_H

#include <stdint.h>

#include "request.h"
#include "till.pb-c.h"

/* Hours in the answer, at most (a business date whose shifts stayed open
 * for weeks); more is refused as incomplete, as the other lists are. */
#define REPORT_HOURS_MAX 1000

/* The first Unix second of the hour, on the server's local clock, that
 * holds <unix_s> (>= 0): the time less its minutes and seconds past the
 * local hour, so that a zone half an hour off UTC gets its own hours and a
 * clock going back never merges two hours. */
int64_t report_hour_start(int64_t unix_s);

/* The hours as the pass fills them. */
typedef struct {
  Till__V1__HourTakings **h;
  size_t n, last;
} report_hours_t;

/* Room for REPORT_HOURS_MAX hours: TILL_OK or the recorded failure. */
till_status_t report_hours_init(req_t *r, report_hours_t *hs);
/* A line of a sale, payment or toll (<is_void> 0) or of a void (1) worth
 * <amount> as the takings count it (a sale's credit negated, a void's
 * debit), in the hour starting at <hour>; <first> says it is the first
 * line of its transaction, which then counts once. TILL_OK, or
 * TILL_E_EXHAUSTED recorded past REPORT_HOURS_MAX hours. */
till_status_t report_hours_add(req_t *r, report_hours_t *hs, int64_t hour, int is_void, int first,
                               int64_t amount);
/* The hours, ascending, into resp->hours, each with its net; their nets
 * must add up to resp->net_amount (a void counts in the hour of the sale
 * it reverses), or the request fails as internal. */
till_status_t report_hours_finish(req_t *r, report_hours_t *hs,
                                  Till__V1__DailyReportResponse *resp);

#endif
