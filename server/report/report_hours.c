/* report_hours.c -- the daily report's takings by hour; see
 * report_hours.h. */
#include "report_hours.h"

#include <stdlib.h>
#include <time.h>

#include "till_money.h"

int64_t
report_hour_start(int64_t unix_s)
{
  time_t t = (time_t)unix_s;
  struct tm tm;
  /* localtime_r, as SQLite's 'localtime' modifier: the zone's offset then
   * in force. Without it (a time libc cannot convert), the UTC hour. */
  if (!localtime_r(&t, &tm))
    return unix_s - unix_s % 3600;
  return unix_s - (tm.tm_min * 60 + tm.tm_sec);
}

till_status_t
report_hours_init(req_t *r, report_hours_t *hs)
{
  hs->h = req_alloc(r, REPORT_HOURS_MAX * sizeof *hs->h);
  hs->n = 0;
  hs->last = 0;
  return hs->h ? TILL_OK : req_fail(r, TILL_E_INTERNAL, "out of memory");
}

/* The slot of the hour starting at <hour>, added if new; NULL (recorded)
 * past REPORT_HOURS_MAX or out of memory. Lines come in runs of one hour:
 * the last slot found is tried first. */
static Till__V1__HourTakings *
hour_slot(req_t *r, report_hours_t *hs, int64_t hour)
{
  if (hs->last < hs->n && hs->h[hs->last]->hour == hour)
    return hs->h[hs->last];
  for (size_t i = 0; i < hs->n; i++)
    if (hs->h[i]->hour == hour) {
      hs->last = i;
      return hs->h[i];
    }
  if (hs->n == REPORT_HOURS_MAX) {
    req_fail(r, TILL_E_EXHAUSTED, "the day has more than %d hours with takings; the report would "
             "be incomplete", REPORT_HOURS_MAX);
    return NULL;
  }
  Till__V1__HourTakings *h = req_alloc(r, sizeof *h);
  if (!h) {
    req_fail(r, TILL_E_INTERNAL, "out of memory");
    return NULL;
  }
  till__v1__hour_takings__init(h);
  h->hour = hour;
  hs->last = hs->n;
  hs->h[hs->n++] = h;
  return h;
}

till_status_t
report_hours_add(req_t *r, report_hours_t *hs, int64_t hour, int is_void, int first,
                 int64_t amount)
{
  Till__V1__HourTakings *h = hour_slot(r, hs, hour);
  if (!h)
    return r->status;
  if (is_void) {
    h->voids += first;
    h->void_amount += amount;
  } else {
    h->sales += first;
    h->amount += amount;
  }
  return TILL_OK;
}

static int
hour_cmp(const void *a, const void *b)
{
  int64_t x = (*(Till__V1__HourTakings *const *)a)->hour;
  int64_t y = (*(Till__V1__HourTakings *const *)b)->hour;
  return (x > y) - (x < y);
}

till_status_t
report_hours_finish(req_t *r, report_hours_t *hs, Till__V1__DailyReportResponse *resp)
{
  qsort(hs->h, hs->n, sizeof *hs->h, hour_cmp);
  int64_t net = 0;
  for (size_t i = 0; i < hs->n; i++) {
    Till__V1__HourTakings *h = hs->h[i];
    if (till_money_sub(h->amount, h->void_amount, &h->net) != 0 ||
        till_money_add(net, h->net, &net) != 0)
      return req_fail(r, TILL_E_INTERNAL, "takings by hour out of range");
  }
  /* the same lines as the takings rows, grouped another way */
  if (net != resp->net_amount)
    return req_fail(r, TILL_E_INTERNAL, "the day's takings by hour (%lld fen) disagree with its "
                    "takings (%lld fen)", (long long)net, (long long)resp->net_amount);
  resp->hours = hs->h;
  resp->n_hours = hs->n;
  return TILL_OK;
}
