/* report_pass.c -- what the reports' one-pass reads share; see
 * report_pass.h. */
#include "report_pass.h"

#include <stdlib.h>
#include <string.h>

#include "ledger_hospital.h"
#include "till_money.h"
#include "till_names.h"
#include "till_wire.h"

_Static_assert((REPORT_NAME_SLOTS & (REPORT_NAME_SLOTS - 1)) == 0, "a power of two");

int
report_kind_of(const char *k)
{
  if (strcmp(k, "sale") == 0)
    return REPORT_K_SALE;
  if (strcmp(k, "void") == 0)
    return REPORT_K_VOID;
  if (strcmp(k, "payment") == 0)
    return REPORT_K_PAYMENT;
  if (strcmp(k, "toll") == 0)
    return REPORT_K_TOLL;
  if (strcmp(k, "refund") == 0)
    return REPORT_K_REFUND;
  if (strcmp(k, LEDGER_KIND_HOSP_BILL) == 0 || strcmp(k, LEDGER_KIND_HOSP_DEPOSIT) == 0 ||
      strcmp(k, LEDGER_KIND_HOSP_DISCHARGE) == 0)
    return REPORT_K_HOSP;
  return REPORT_K_OTHER;
}

int
report_account_method(const char *account)
{
  if (strncmp(account, "drawer:", 7) == 0)
    return TILL_METHOD_CASH;
  if (strncmp(account, "clearing:", 9) == 0)
    return till_method_from_name(account + 9);
  return 0;
}

/* The methods with count[m] != 0 (count indexed 1 .. TILL_METHOD_MAX) into
 * order[], in the order of their names (as an ORDER BY on the name): how
 * many. */
static size_t
methods_by_name(const int64_t *count, int *order)
{
  size_t n = 0;
  for (int m = 1; m <= TILL_METHOD_MAX; m++) {
    if (!count[m])
      continue;
    size_t at = n++;
    for (; at > 0 && strcmp(till_method_name(order[at - 1]), till_method_name(m)) > 0; at--)
      order[at] = order[at - 1];
    order[at] = m;
  }
  return n;
}

till_status_t
report_refunds_list(req_t *r, const int64_t *refund_n, const int64_t *refund_sum,
                    Till__V1__MethodAmount ***list, size_t *n_list, int64_t *count,
                    int64_t *total)
{
  int order[TILL_METHOD_MAX];
  size_t n = methods_by_name(refund_n, order);
  if (!(*list = req_alloc(r, TILL_METHOD_MAX * sizeof **list)))
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    Till__V1__MethodAmount *x = req_alloc(r, sizeof *x);
    if (!x)
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__method_amount__init(x);
    x->method = till_wire_method(order[i]);
    x->amount = refund_sum[order[i]];
    *count += refund_n[order[i]];
    if (till_money_add(*total, x->amount, total) != 0)
      return req_fail(r, TILL_E_INTERNAL, "refunds out of range");
    (*list)[(*n_list)++] = x;
  }
  return TILL_OK;
}

int
report_names_init(req_t *r, report_names_t *s, size_t max)
{
  if (max > REPORT_NAMES_MAX)
    return -1;
  s->slot = req_alloc(r, REPORT_NAME_SLOTS * sizeof *s->slot);
  s->name = req_alloc(r, (max ? max : 1) * sizeof *s->name);
  if (!s->slot || !s->name)
    return -1;
  memset(s->slot, 0, REPORT_NAME_SLOTS * sizeof *s->slot);
  s->n = 0;
  s->max = max;
  s->last = SIZE_MAX;
  return 0;
}

int
report_names_find(req_t *r, report_names_t *s, const char *name, size_t *row, int *added)
{
  *added = 0;
  if (s->last != SIZE_MAX && strcmp(s->name[s->last], name) == 0) {
    *row = s->last;
    return 0;
  }
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    h = (h ^ *p) * 16777619u;
  /* at most REPORT_NAME_SLOTS probes; the set is never full, so one is empty */
  for (size_t i = 0, at = h & (REPORT_NAME_SLOTS - 1); i < REPORT_NAME_SLOTS;
       i++, at = (at + 1) & (REPORT_NAME_SLOTS - 1)) {
    int32_t v = s->slot[at];
    if (v && strcmp(s->name[v - 1], name) == 0) {
      *row = s->last = (size_t)v - 1;
      return 0;
    }
    if (v)
      continue;
    if (s->n == s->max)
      return 1;
    if (!(s->name[s->n] = req_strdup(r, name)))
      return -1;
    s->slot[at] = (int32_t)++s->n;
    *row = s->last = s->n - 1;
    *added = 1;
    return 0;
  }
  return 1;
}

int
report_waivers_init(req_t *r, report_waivers_t *ws, size_t max)
{
  ws->w = req_alloc(r, (max ? max : 1) * sizeof *ws->w);
  ws->n = 0;
  ws->max = max;
  ws->last = SIZE_MAX;
  return ws->w ? 0 : -1;
}

int
report_waiver_entry(req_t *r, report_waivers_t *ws, const char *account, int64_t txn,
                    int64_t amount)
{
  report_waiver_t *w = NULL;
  if (ws->last < ws->n && strcmp(ws->w[ws->last].account, account) == 0)
    w = &ws->w[ws->last];
  for (size_t i = 0; !w && i < ws->n; i++)
    if (strcmp(ws->w[i].account, account) == 0) {
      w = &ws->w[i];
      ws->last = i;
    }
  if (!w) {
    if (ws->n == ws->max)
      return 1;
    const char *copy = req_strdup(r, account);
    if (!copy)
      return -1;
    ws->last = ws->n;
    w = &ws->w[ws->n++];
    *w = (report_waiver_t){copy, 0, 0, 0, 0};
  }
  if (amount > 0 && w->pos != txn) {
    w->count++;
    w->pos = txn;
  } else if (amount < 0 && w->neg != txn) {
    w->count--;
    w->neg = txn;
  }
  w->amount += amount;
  return 0;
}

static int
waiver_cmp(const void *a, const void *b)
{
  return strcmp(((const report_waiver_t *)a)->account, ((const report_waiver_t *)b)->account);
}

void
report_waivers_sort(report_waivers_t *ws)
{
  qsort(ws->w, ws->n, sizeof *ws->w, waiver_cmp);
}
