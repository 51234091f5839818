/* deposit_list.c -- the deposits of a business date and every deposit still
 * in transit, whatever its date: what `till deposit list` and the web
 * console's deposits page show, so that a supervisor confirms yesterday's
 * deposit when the bank's slip comes back. Reads only: the date's deposits
 * over deposits_business_date (step 5), those in transit over the partial
 * index deposits_in_transit (step 14), each deposit by its primary key and
 * its shifts over shifts_deposit (deposit_info_build) -- never every
 * deposit ever made nor any posting. Each list is bounded by
 * DEPOSIT_LIST_MAX and refused past it rather than cut short. */
#include "shift.h"

#include <string.h>

#include "ledger.h"
#include "till_money.h"
#include "till_util.h"

const char deposit_sql_of_date[] =
  "SELECT id FROM deposits INDEXED BY deposits_business_date WHERE business_date = ?1"
  " ORDER BY id LIMIT ?2";
const char deposit_sql_in_transit[] =
  "SELECT id FROM deposits INDEXED BY deposits_in_transit WHERE " DEPOSIT_SQL_IN_TRANSIT
  " AND business_date <> ?1 ORDER BY business_date, id LIMIT ?2";

/* The deposits <sql> names for <date> into *list / *n (in r's arena), their
 * amounts added to *sum (when not NULL) and those in transit to *transit.
 * *more is set when there are more than DEPOSIT_LIST_MAX (nothing listed). */
static till_status_t
load(req_t *r, store_conn_t *sc, const char *sql, const char *date, int *more,
     Till__V1__DepositInfo ***list, size_t *n, int64_t *sum, int64_t *transit)
{
  req_ids_t acc = {req_alloc(r, DEPOSIT_LIST_MAX * sizeof *acc.ids), 0};
  if (!acc.ids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, DEPOSIT_LIST_MAX + 1);
  }
  if (req_rows(r, st, DEPOSIT_LIST_MAX, req_row_id, &acc, more) != TILL_OK)
    return r->status;
  if (*more)
    return TILL_OK; /* the caller refuses, naming the list */
  *list = req_alloc(r, (acc.n ? acc.n : 1) * sizeof **list);
  if (!*list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < acc.n; i++) {
    Till__V1__DepositInfo *d;
    if (deposit_info_build(r, sc, acc.ids[i], &d) != TILL_OK)
      return r->status;
    if ((sum && till_money_add(*sum, d->amount, sum) != 0) ||
        (d->state == TILL__V1__DEPOSIT_STATE__DEPOSIT_IN_TRANSIT &&
         till_money_add(*transit, d->amount, transit) != 0))
      return req_fail(r, TILL_E_INTERNAL, "deposits out of range");
    (*list)[(*n)++] = d;
  }
  return TILL_OK;
}

till_status_t
deposit_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__DepositListRequest *in = r->env->deposit_list_req;
  char date[LEDGER_DATE_LEN + 1], current[LEDGER_DATE_LEN + 1];
  /* both lists come from the reader's one snapshot (worker.c's BEGIN) */
  if (shift_date_arg(r, sc, "", 1, current) != TILL_OK ||
      shift_date_arg(r, sc, in->date, 1, date) != TILL_OK)
    return r->status;
  Till__V1__DepositListResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__deposit_list_response__init(resp);
  resp->date = req_strdup(r, date);
  resp->current_business_date = req_strdup(r, current);
  if (!resp->date || !resp->current_business_date)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  int more = 0;
  if (load(r, sc, deposit_sql_of_date, date, &more, &resp->deposits, &resp->n_deposits,
           &resp->deposited, &resp->in_transit_total) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "business date %s has more than %d deposits; the list "
                    "would be incomplete", date, DEPOSIT_LIST_MAX);
  if (load(r, sc, deposit_sql_in_transit, date, &more, &resp->in_transit, &resp->n_in_transit,
           NULL, &resp->in_transit_total) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "more than %d deposits of other dates than %s are in "
                    "transit; the list would be incomplete", DEPOSIT_LIST_MAX, date);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_RESP;
  r->resp.deposit_list_resp = resp;
  return TILL_OK;
}
