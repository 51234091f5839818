/* report_hours.h -- the daily report's takings by hour (web2, issue 24):
 * the sales and voids of the takings rows grouped by the hour, on the
 * server's local clock, each sale was made. */
#ifndef TILLD_REPORT_HOURS_H
#define TILLD_REPORT_HOURS_H

#include "request.h"
#include "store.h"
#include "till.pb-c.h"

/* Hours in the answer, at most (a business date whose shifts stayed open
 * for weeks); more is refused as incomplete, as the other lists are. */
#define REPORT_HOURS_MAX 1000

/* The read (?1 the business date, ?2 a row limit); rows: the hour's first
 * Unix second, sales, amount, voids, void amount. tests/unit/test_report_hours.c
 * runs it on hours of its own making, in zones a whole and half an hour
 * off UTC. */
extern const char report_hours_sql[];

/* Fill resp->hours for the business date resp->date, after the takings
 * (resp->net_amount) were loaded: the hours with any sale of the date's
 * shifts, ascending; a void counts in the hour of the sale it reverses, so
 * the hours' net adds up to net_amount (checked: TILL_E_INTERNAL when not).
 * On failure the request carries the error. */
till_status_t report_daily_hours(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp);

#endif
