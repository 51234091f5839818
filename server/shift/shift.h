/* shift.h -- cash-drawer shifts and deposits: the handlers, and the X/Z
 * report built from the journal. Postings go through the ledger. */
#ifndef TILLD_SHIFT_H
#define TILLD_SHIFT_H

#include "ledger.h"
#include "request.h"
#include "store.h"

till_status_t shift_handle_open(req_t *r, store_conn_t *sc);
till_status_t shift_handle_status(req_t *r, store_conn_t *sc);
till_status_t shift_handle_close(req_t *r, store_conn_t *sc);
till_status_t shift_handle_approve(req_t *r, store_conn_t *sc);
till_status_t shift_handle_list(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_create(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_confirm(req_t *r, store_conn_t *sc);
till_status_t deposit_handle_undeposited(req_t *r, store_conn_t *sc);
/* ---- deplist: the deposits of a date and those in transit ---- */
till_status_t deposit_handle_list(req_t *r, store_conn_t *sc);

/* The business date a request names into <out>: <date> (YYYY-MM-DD, checked
 * against the calendar of the years 2000 to 2999; a business date is not a
 * time range), or, when <date> is empty and <empty_is_current>, the
 * server's current one (ledger_business_date). Fails the request with
 * INVALID_ARGUMENT naming the field, or the database error. */
till_status_t shift_date_arg(req_t *r, store_conn_t *sc, const char *date, int empty_is_current,
                             char out[LEDGER_DATE_LEN + 1]);
/* ---- end of deplist ---- */

/* The columns of shifts a ShiftSummary is made of, in the order
 * shift_summary_from_row reads them: select them FROM shifts (no alias). */
#define SHIFT_SUMMARY_COLUMNS                                                     \
  "id, terminal_id, cashier, state, opened_at, coalesce(closed_at, 0),"          \
  " coalesce(counted_cash, 0), coalesce(cash_variance, 0),"                      \
  " CASE WHEN state = 1 THEN 0 ELSE coalesce(counted_cash, 0) - float_amount END," \
  " coalesce(deposit_id, 0), business_date"

/* ---- scale: the undeposited pile (issue 23) ---- */
/* A closed shift whose cash waits for a deposit: the WHERE of the partial
 * index shifts_undeposited (schema step 12), word for word -- SQLite uses a
 * partial index only for a query that repeats its condition. Select FROM
 * shifts INDEXED BY shifts_undeposited WHERE SHIFT_SQL_UNDEPOSITED, so that
 * the statement fails to prepare rather than read every shift ever closed
 * if the index is not there. */
#define SHIFT_SQL_UNDEPOSITED                                                     \
  "deposit_id IS NULL AND state IN (2, 3) AND coalesce(counted_cash, 0) - float_amount > 0"

/* `deposit pending`'s statements (?1 closed at or before, Unix seconds; ?2
 * a row limit): the oldest shifts of the pile, and the whole pile's count
 * and depositable total. tests/unit/test_report_plans.c checks their plans. */
extern const char shift_sql_undeposited[];
extern const char shift_sql_undeposited_sum[];

/* ---- deplist: the deposits of a date and those in transit ---- */
/* Deposits in either list of `deposit list`; a longer one is refused. */
#define DEPOSIT_LIST_MAX 1000
/* A deposit the bank has not confirmed yet: the WHERE of the partial index
 * deposits_in_transit (schema step 14), word for word. */
#define DEPOSIT_SQL_IN_TRANSIT "state = 1"
/* `deposit list`'s statements (?1 a business date, ?2 a row limit): the
 * ids of the date's deposits, by id; of the deposits in transit made on
 * any other date, by date then id. tests/unit/test_deposit_plans.c checks
 * that both read an index, never the whole table. */
extern const char deposit_sql_of_date[];
extern const char deposit_sql_in_transit[];
/* ---- end of deplist ---- */

/* The ShiftSummary of the row at <st> (SHIFT_SUMMARY_COLUMNS), in r's
 * arena; NULL when out of memory. */
Till__V1__ShiftSummary *shift_summary_from_row(req_t *r, sqlite3_stmt *st);

/* Deposit <id> with its shifts (at most 64), in r's arena. TILL_OK, or the
 * failure recorded in r (NOT_FOUND when there is no such deposit). */
till_status_t deposit_info_build(req_t *r, store_conn_t *sc, int64_t id,
                                 Till__V1__DepositInfo **out /* OUT */);

#endif
