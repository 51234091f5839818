/* report_hours.c -- the daily report's takings by hour; see
 * report_hours.h. One grouped read over the same rows as the takings
 * (report_daily.c, sql_takings: the date's shifts over
 * shifts_business_date, their transactions over journal_shift), each
 * joined to the sale it belongs to by primary key for the hour. */
#include "report_hours.h"

#include "till_money.h"

/* ?1 the business date, ?2 a row limit. The hour of a sale is its time
 * less the minutes and seconds past the hour on the server's local clock
 * ('localtime' shifts the seconds by the zone's offset then in force), so
 * a zone half an hour off UTC gets its own hours, and a clock going back
 * never merges two hours. A void's hour is its sale's (o). The amounts are
 * the takings': revenue lines, and a billing payment's lines with an item. */
const char report_hours_sql[] =
  "SELECT o.at_ms / 1000"
  "   - CAST(strftime('%s', o.at_ms / 1000, 'unixepoch', 'localtime') AS INTEGER) % 3600,"
  " count(DISTINCT CASE WHEN j.kind <> 'void' THEN j.id END),"
  " sum(CASE WHEN j.kind <> 'void' THEN -e.amount ELSE 0 END),"
  " count(DISTINCT CASE WHEN j.kind = 'void' THEN j.id END),"
  " sum(CASE WHEN j.kind = 'void' THEN e.amount ELSE 0 END)"
  " FROM shifts s JOIN journal j ON j.shift_id = s.id"
  " JOIN journal o ON o.id = CASE WHEN j.kind = 'void' THEN j.reverses ELSE j.id END"
  " JOIN entries e ON e.txn_id = j.id"
  " JOIN accounts a ON a.code = e.account"
  "  AND (a.type = 'revenue' OR (j.kind = 'payment' AND e.item <> ''))"
  " WHERE s.business_date = ?1 AND j.kind IN ('sale', 'void', 'payment', 'toll')"
  " GROUP BY 1 ORDER BY 1 LIMIT ?2";

/* rows: hour, sales, amount, voids, void amount */
static till_status_t
hour_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__DailyReportResponse *resp = arg;
  Till__V1__HourTakings *h = req_alloc(r, sizeof *h);
  if (!h)
    return TILL_E_INTERNAL;
  till__v1__hour_takings__init(h);
  h->hour = sqlite3_column_int64(st, 0);
  h->sales = sqlite3_column_int64(st, 1);
  h->amount = sqlite3_column_int64(st, 2);
  h->voids = sqlite3_column_int64(st, 3);
  h->void_amount = sqlite3_column_int64(st, 4);
  if (till_money_sub(h->amount, h->void_amount, &h->net) != 0)
    return req_fail(r, TILL_E_INTERNAL, "takings by hour out of range");
  resp->hours[resp->n_hours++] = h;
  return TILL_OK;
}

till_status_t
report_daily_hours(req_t *r, store_conn_t *sc, Till__V1__DailyReportResponse *resp)
{
  sqlite3_stmt *st = store_stmt(sc, report_hours_sql);
  resp->hours = req_alloc(r, REPORT_HOURS_MAX * sizeof *resp->hours);
  if (!resp->hours) {
    if (st)
      sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  if (st) {
    sqlite3_bind_text(st, 1, resp->date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, REPORT_HOURS_MAX + 1);
  }
  int more;
  if (req_rows(r, st, REPORT_HOURS_MAX, hour_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "the day has more than %d hours with takings; the "
                    "report would be incomplete", REPORT_HOURS_MAX);
  int64_t net = 0;
  for (size_t i = 0; i < resp->n_hours; i++)
    if (till_money_add(net, resp->hours[i]->net, &net) != 0)
      return req_fail(r, TILL_E_INTERNAL, "takings by hour out of range");
  /* the same lines as the takings rows, grouped another way */
  if (net != resp->net_amount)
    return req_fail(r, TILL_E_INTERNAL, "the day's takings by hour (%lld fen) disagree with its "
                    "takings (%lld fen)", (long long)net, (long long)resp->net_amount);
  return TILL_OK;
}
