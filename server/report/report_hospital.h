/* report_hospital.h -- the hospital block of the daily and the monthly
 * report (docs/hospital.md, "Reports"): a period's hospital postings per
 * channel, and the refunds that took back bills' lines. */
#ifndef TILLD_REPORT_HOSPITAL_H
#define TILLD_REPORT_HOSPITAL_H

#include "request.h"
#include "store.h"

/* ---- reports: the block summed entry by entry (the reports' one
 * pass) ---- */
/* A new, empty block in *out: TILL_OK or the recorded failure. */
till_status_t report_hosp_new(req_t *r, Till__V1__HospitalDay **out /* OUT */);
/* Add one entry of a transaction of <kind> (hosp_bill, hosp_deposit,
 * hosp_discharge, or a refund that took back a bill's lines -- the caller
 * knows: it debits revenue:hospital) on <account>; <first> says it is the
 * transaction's first entry (seq 1). Entries of other kinds must not be
 * given. TILL_OK or the recorded failure. */
till_status_t report_hosp_entry(req_t *r, Till__V1__HospitalDay *h, const char *kind,
                                const char *account, int64_t amount, int first);
/* Add one refund that took back a bill's lines worth <revenue> (what it
 * debited revenue:hospital), gave back <fund>, <account> and <share> to
 * the fund's, the personal accounts' and the hospital's share, and paid out
 * <window> by method <m> (0: none) or <deposit> back to the patient's
 * deposit. TILL_OK or the recorded failure. */
till_status_t report_hosp_refund(req_t *r, Till__V1__HospitalDay *h, int m, int64_t window,
                                 int64_t deposit, int64_t revenue, int64_t fund, int64_t account,
                                 int64_t share);
/* A refund's entries summed while its transaction lasts, until the next
 * transaction tells the pass whether it took back a hospital bill's lines
 * (it debited revenue:hospital): its paid-out leg comes first, its lines
 * after. Zeroed: none held. */
typedef struct {
  int64_t txn;            /* 0: none held */
  int method;             /* of the paid-out leg; 0: back to the deposit */
  int64_t window, deposit, revenue, fund, account, share;
} report_hosp_held_t;
/* An entry of refund <txn>: the refund held before it, if another, goes
 * into <h> first (report_hosp_refund_flush). TILL_OK or the recorded
 * failure. */
till_status_t report_hosp_refund_entry(req_t *r, Till__V1__HospitalDay *h,
                                       report_hosp_held_t *held, int64_t txn,
                                       const char *account, int64_t amount);
/* The refund held, into <h> if it took back a bill's lines; then none is
 * held. TILL_OK or the recorded failure. */
till_status_t report_hosp_refund_flush(req_t *r, Till__V1__HospitalDay *h,
                                       report_hosp_held_t *held);
/* Check the block -- the bills' revenue equals their shares summed
 * channel by channel, and each refund's lines what it gave back, or the
 * request fails as internal -- and set *h to NULL when it
 * holds nothing. TILL_OK or the recorded failure. */
till_status_t report_hosp_finish(req_t *r, Till__V1__HospitalDay **h);

/* A copy of <h> (NULL: none) in the request's arena into *out. TILL_OK or
 * the recorded failure. */
till_status_t report_hosp_copy(req_t *r, const Till__V1__HospitalDay *h,
                               Till__V1__HospitalDay **out /* OUT */);

/* What the refunds of hospital bills in <h> paid out at the window, every
 * method together (0 for NULL): the part of a report's refunds paid out
 * that takes back no takings, as a bill's window share is not in them. */
int64_t report_hosp_refunded_window(const Till__V1__HospitalDay *h);

#endif
