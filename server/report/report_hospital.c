/* report_hospital.c -- the hospital block of the daily and the monthly
 * report; see report_hospital.h. Read from the journal of the period's
 * shifts, like the rest of the reports: a bill's revenue (revenue:hospital)
 * is what its shares debit -- the fund's and the personal account's
 * receivables, the hospital's own share (waiver:hospital), the window share
 * through a method's account or out of the patient's deposit; a refund of
 * a bill's lines takes back revenue and credits the shares in proportion,
 * the window's part paid out through a method's account. */
#include "report_hospital.h"

#include <string.h>

#include "ledger.h"
#include "ledger_hospital.h"
#include "report_pass.h"
#include "till_money.h"
#include "till_wire.h"

/* The slot of method <m> in <list> (*n of them, room for TILL_METHOD_MAX),
 * kept in the enum's order. */
static Till__V1__MethodAmount *
slot(req_t *r, Till__V1__MethodAmount **list, size_t *n, int m)
{
  for (size_t i = 0; i < *n; i++)
    if ((int)list[i]->method == (int)till_wire_method((till_method_t)m))
      return list[i];
  if (*n == TILL_METHOD_MAX)
    return NULL;
  Till__V1__MethodAmount *a = req_alloc(r, sizeof *a);
  if (!a)
    return NULL;
  till__v1__method_amount__init(a);
  a->method = till_wire_method((till_method_t)m);
  /* in the enum's order: cash, card, wechat, alipay, ... */
  size_t at = *n;
  while (at > 0 && (int)list[at - 1]->method > (int)a->method) {
    list[at] = list[at - 1];
    at--;
  }
  list[at] = a;
  (*n)++;
  return a;
}

till_status_t
report_hosp_new(req_t *r, Till__V1__HospitalDay **out)
{
  Till__V1__HospitalDay *h = req_alloc(r, sizeof *h);
  Till__V1__MethodAmount **w = req_alloc(r, TILL_METHOD_MAX * sizeof *w);
  Till__V1__MethodAmount **d = req_alloc(r, TILL_METHOD_MAX * sizeof *d);
  Till__V1__MethodAmount **rw = req_alloc(r, TILL_METHOD_MAX * sizeof *rw);
  if (!h || !w || !d || !rw)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hospital_day__init(h);
  h->window = w;
  h->deposits_in = d;
  h->refund_window = rw;
  *out = h;
  return TILL_OK;
}

/* <sum> of the entries of kind <kind> on channel <chan> (an account, or
 * "deposit" for any patient's deposit) or, <m> not 0, on method <m>'s
 * account; <txns> the transactions among them, counted for a bill's
 * revenue and a refund's paid-out leg. */
static till_status_t
hosp_add(req_t *r, Till__V1__HospitalDay *h, const char *kind, int m, const char *chan,
         int64_t sum, int64_t txns)
{
  Till__V1__MethodAmount *a = NULL;
  if (strcmp(kind, LEDGER_KIND_HOSP_BILL) == 0) {
    if (m) {
      if (!(a = slot(r, h->window, &h->n_window, m)))
        return TILL_E_INTERNAL;
      a->amount += sum;
    } else if (strcmp(chan, LEDGER_HOSP_REVENUE) == 0) {
      h->total -= sum;
      h->bills += txns;
    } else if (strcmp(chan, LEDGER_HOSP_FUND) == 0) {
      h->fund += sum;
    } else if (strcmp(chan, LEDGER_HOSP_ACCOUNT) == 0) {
      h->account += sum;
    } else if (strcmp(chan, LEDGER_HOSP_SHARE) == 0) {
      h->hospital += sum;
    } else if (strcmp(chan, "deposit") == 0) {
      h->window_deposit += sum;
    } else {
      return req_fail(r, TILL_E_INTERNAL, "a hospital bill posted to %s", chan);
    }
  } else if (strcmp(kind, LEDGER_KIND_HOSP_DEPOSIT) == 0) {
    if (m && !(a = slot(r, h->deposits_in, &h->n_deposits_in, m)))
      return TILL_E_INTERNAL;
    if (a)
      a->amount += sum;
  } else if (strcmp(kind, LEDGER_KIND_HOSP_DISCHARGE) == 0) {
    if (!m && strcmp(chan, "deposit") == 0)
      h->deposits_out += sum;
  } else if (strcmp(kind, "refund") == 0) { /* ---- reports: refunds of bills ---- */
    if (m) {
      if (!(a = slot(r, h->refund_window, &h->n_refund_window, m)))
        return TILL_E_INTERNAL;
      a->amount -= sum;
      h->refunds += txns;
    } else if (strcmp(chan, LEDGER_HOSP_REVENUE) == 0) {
      h->refunded += sum;
    } else if (strcmp(chan, LEDGER_HOSP_FUND) == 0) {
      h->refund_fund -= sum;
    } else if (strcmp(chan, LEDGER_HOSP_ACCOUNT) == 0) {
      h->refund_account -= sum;
    } else if (strcmp(chan, LEDGER_HOSP_SHARE) == 0) {
      h->refund_hospital -= sum;
    } else if (strcmp(chan, "deposit") == 0) { /* back to the deposit it was drawn from */
      h->refund_deposit -= sum;
      h->refunds += txns;
    } else {
      return req_fail(r, TILL_E_INTERNAL, "a refund of a hospital bill posted to %s", chan);
    }
  }
  return TILL_OK;
}

till_status_t
report_hosp_entry(req_t *r, Till__V1__HospitalDay *h, const char *kind, const char *account,
                  int64_t amount, int first)
{
  static const char dep[] = LEDGER_HOSP_DEPOSIT_PREFIX;
  int m = 0;
  if (strncmp(account, "drawer:", 7) == 0)
    m = TILL_METHOD_CASH;
  else if (strncmp(account, "clearing:", 9) == 0 && !(m = till_method_from_name(account + 9)))
    return req_fail(r, TILL_E_INTERNAL, "a hospital posting to %s, which is no payment method",
                    account);
  const char *chan = strncmp(account, dep, sizeof dep - 1) == 0 ? "deposit" : account;
  /* a bill counts on its first entry, a refund on its one paid-out leg */
  if (first && strcmp(kind, LEDGER_KIND_HOSP_BILL) == 0)
    h->bills++;
  return hosp_add(r, h, kind, m, chan, amount, strcmp(kind, "refund") == 0 && m ? 1 : 0);
}

till_status_t
report_hosp_refund(req_t *r, Till__V1__HospitalDay *h, int m, int64_t window, int64_t deposit,
                   int64_t revenue, int64_t fund, int64_t account, int64_t share)
{
  Till__V1__MethodAmount *a = m ? slot(r, h->refund_window, &h->n_refund_window, m) : NULL;
  if (m && !a)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (a)
    a->amount += window;
  h->refund_deposit += deposit;
  h->refunds++;
  h->refunded += revenue;
  h->refund_fund += fund;
  h->refund_account += account;
  h->refund_hospital += share;
  return TILL_OK;
}

till_status_t
report_hosp_finish(req_t *r, Till__V1__HospitalDay **h)
{
  Till__V1__HospitalDay *x = *h;
  int64_t shares = x->fund + x->account + x->hospital + x->window_deposit;
  for (size_t i = 0; i < x->n_window; i++)
    shares += x->window[i]->amount;
  if (shares != x->total)
    return req_fail(r, TILL_E_INTERNAL, "the hospital shares (%lld fen) disagree with the "
                    "bills (%lld fen)", (long long)shares, (long long)x->total);
  int64_t back = x->refund_fund + x->refund_account + x->refund_hospital + x->refund_deposit;
  for (size_t i = 0; i < x->n_refund_window; i++)
    back += x->refund_window[i]->amount;
  if (back != x->refunded)
    return req_fail(r, TILL_E_INTERNAL, "the refunds of hospital bills gave back %lld fen "
                    "for lines worth %lld fen", (long long)back, (long long)x->refunded);
  if (!x->bills && !x->n_deposits_in && !x->deposits_out && !x->refunds)
    *h = NULL;
  return TILL_OK;
}

till_status_t
report_hosp_refund_flush(req_t *r, Till__V1__HospitalDay *h, report_hosp_held_t *held)
{
  till_status_t s = TILL_OK;
  if (held->txn && held->revenue)
    s = report_hosp_refund(r, h, held->method, held->window, held->deposit, held->revenue,
                           held->fund, held->account, held->share);
  memset(held, 0, sizeof *held);
  return s;
}

till_status_t
report_hosp_refund_entry(req_t *r, Till__V1__HospitalDay *h, report_hosp_held_t *held,
                         int64_t txn, const char *account, int64_t amount)
{
  if (held->txn != txn && report_hosp_refund_flush(r, h, held) != TILL_OK)
    return r->status;
  held->txn = txn;
  int m = report_account_method(account);
  if (m) {
    held->method = m;
    held->window -= amount;
  } else if (strcmp(account, LEDGER_HOSP_REVENUE) == 0) {
    held->revenue += amount;
  } else if (strcmp(account, LEDGER_HOSP_FUND) == 0) {
    held->fund -= amount;
  } else if (strcmp(account, LEDGER_HOSP_ACCOUNT) == 0) {
    held->account -= amount;
  } else if (strcmp(account, LEDGER_HOSP_SHARE) == 0) {
    held->share -= amount;
  } else if (strncmp(account, LEDGER_HOSP_DEPOSIT_PREFIX,
                     sizeof LEDGER_HOSP_DEPOSIT_PREFIX - 1) == 0) {
    held->deposit -= amount; /* a bill paid from the deposit is refunded to it */
  }
  return TILL_OK;
}

/* A copy of the list <from> (<n> of them) into <to>, room for
 * TILL_METHOD_MAX made by report_hosp_new. */
static till_status_t
copy_methods(req_t *r, Till__V1__MethodAmount *const *from, size_t n, Till__V1__MethodAmount **to)
{
  for (size_t i = 0; i < n && i < TILL_METHOD_MAX; i++) {
    if (!(to[i] = req_alloc(r, sizeof *to[i])))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    *to[i] = *from[i];
  }
  return TILL_OK;
}

till_status_t
report_hosp_copy(req_t *r, const Till__V1__HospitalDay *h, Till__V1__HospitalDay **out)
{
  *out = NULL;
  if (!h)
    return TILL_OK;
  Till__V1__HospitalDay *c;
  if (report_hosp_new(r, &c) != TILL_OK)
    return r->status;
  Till__V1__MethodAmount **w = c->window, **d = c->deposits_in, **rw = c->refund_window;
  *c = *h;
  c->window = w;
  c->deposits_in = d;
  c->refund_window = rw;
  if (copy_methods(r, h->window, h->n_window, w) != TILL_OK ||
      copy_methods(r, h->deposits_in, h->n_deposits_in, d) != TILL_OK ||
      copy_methods(r, h->refund_window, h->n_refund_window, rw) != TILL_OK)
    return r->status;
  *out = c;
  return TILL_OK;
}

int64_t
report_hosp_refunded_window(const Till__V1__HospitalDay *h)
{
  int64_t out = 0;
  for (size_t i = 0; h && i < h->n_refund_window; i++)
    out += h->refund_window[i]->amount; /* a period's sums fit, as the block's checks say */
  return out;
}
