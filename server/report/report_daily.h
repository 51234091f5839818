/* report_daily.h -- the daily close (日清): the day's report and closing a day.
 *
 * A day is the server's local calendar day (tilld's TZ, till_day_bounds).
 * The report is read on a reader's snapshot from the journal, shifts and
 * deposits: the day's takings per fee item, payment method, cashier and
 * terminal (sales on the day they were posted, voids on the day their
 * reversal was posted), receipts issued per series, shifts, floats,
 * variances, deposits, cash not yet deposited and the shifts still open.
 *
 * Closing a day signs the chain head (reason "day_close:YYYY-MM-DD") and
 * records the close in day_closes in the same transaction, on the writer;
 * it is refused while a shift opened on or before that day is still open.
 * The shift-open path (ledger_shift_open) refuses a closed day. */
#ifndef TILLD_REPORT_DAILY_H
#define TILLD_REPORT_DAILY_H

#include "request.h"
#include "store.h"

/* Entries in each list of the report, at most. A day with more fails with
 * RESOURCE_EXHAUSTED rather than answering a partial report. */
#define REPORT_DAILY_LIST_MAX 1000

/* Open shifts named in the error that refuses a day close, at most: three
 * fit the 256-byte error message with names of ordinary length. */
#define REPORT_DAILY_OPEN_NAMED 3

/* Reader phase only: the day's report (supervisor, auditor). */
till_status_t report_daily_handle(req_t *r, store_conn_t *sc);

/* Reader phase: check the date and the open shifts, answer a day already
 * closed (replayed). Writer phase: check again, sign, record. */
till_status_t report_day_close_check(req_t *r, store_conn_t *sc);
till_status_t report_day_close_commit(req_t *r, store_conn_t *sc);

#endif
