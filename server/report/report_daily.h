/* report_daily.h -- the daily close (日清): a business date's report,
 * closing a business date, and where the dates stand.
 *
 * A day is a business date (营业日, docs/ledger.md "Business dates"): every
 * shift belongs to the date it opened on (ledger_business_date), and its
 * postings count on that date whatever the clock says. The report is read
 * on a reader's snapshot from the journal, shifts and deposits: the date's
 * takings per fee item, payment method, cashier and terminal (the sales
 * and voids of its shifts), receipts issued per series, shifts, floats,
 * variances, deposits, cash not yet deposited and the shifts still open.
 *
 * Closing a date signs the chain head (reason "day_close:YYYY-MM-DD") and
 * records the close in day_closes in the same transaction, on the writer;
 * it is refused while a shift of that date or an earlier one is still
 * open, and for a date after the current business date. Afterwards new
 * shifts and deposits go to the next business date. */
#ifndef TILLD_REPORT_DAILY_H
#define TILLD_REPORT_DAILY_H

#include "request.h"
#include "store.h"

/* Entries in each list of the report, at most. A day with more fails with
 * RESOURCE_EXHAUSTED rather than answering a partial report -- except the
 * shifts not deposited, which pile up over many days: the report lists the
 * oldest REPORT_DAILY_LIST_MAX and counts and sums all of them. */
#define REPORT_DAILY_LIST_MAX 1000

/* The day's postings in one pass (?1 the date) and the reversals of its
 * numbered transactions (?1 the date, ?2 .. ?3 their ids, ?4 a row
 * limit); tests/unit/test_report_plans.c checks that their plans read the
 * date's shifts and what hangs off them, never the journal's history. */
extern const char report_daily_sql_day[];
extern const char report_daily_sql_reversed[];
/* The date's transactions after ?2 (report_daily.c, "the sums kept between
 * reports"), over the journal's primary key. */
extern const char report_daily_sql_after[];

/* ---- scale: the undeposited pile (issue 23) ---- */
/* The report's "not deposited" (?1 the date; ?2 a row limit): the oldest
 * shifts, and the count and total of all. tests/unit/test_report_plans.c
 * checks that their plans read the pile and the deposits after the date,
 * not every shift ever closed. */
extern const char report_daily_sql_undeposited[];
extern const char report_daily_sql_undeposited_sum[];

/* Open shifts named in the error that refuses a day close, at most: three
 * fit the 256-byte error message with names of ordinary length. */
#define REPORT_DAILY_OPEN_NAMED 3

/* Reader phase only: the day's report (supervisor, auditor). */
till_status_t report_daily_handle(req_t *r, store_conn_t *sc);

/* Reader phase: check the date and the open shifts, answer a day already
 * closed (replayed). Writer phase: check again, sign, record. */
till_status_t report_day_close_check(req_t *r, store_conn_t *sc);
till_status_t report_day_close_commit(req_t *r, store_conn_t *sc);

/* Reader phase only: the current business date, the server's calendar
 * date and UTC offset, the last closed date, every open shift with its
 * date (supervisor, auditor). */
till_status_t report_day_status_handle(req_t *r, store_conn_t *sc);

#endif
