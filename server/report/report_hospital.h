/* report_hospital.h -- the hospital block of the daily and the monthly
 * report (docs/hospital.md, "Reports"): a period's hospital postings per
 * channel, and the refunds that took back bills' lines. */
#ifndef TILLD_REPORT_HOSPITAL_H
#define TILLD_REPORT_HOSPITAL_H

#include "request.h"
#include "store.h"

/* The hospital bills, deposits and discharges of <date>'s shifts, and the
 * refunds of bills' lines, into *out (left NULL when there is none):
 * TILL_OK or the recorded failure. The bills' revenue equals their shares
 * summed channel by channel, and each refund's lines what it gave back, or
 * the request fails as internal. */
till_status_t report_hospital_day(req_t *r, store_conn_t *sc, const char *date,
                                  Till__V1__HospitalDay **out /* OUT */);

/* ---- reports: the block summed entry by entry (the monthly report's one
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
/* Check the block as report_hospital_day does, and set *h to NULL when it
 * holds nothing. TILL_OK or the recorded failure. */
till_status_t report_hosp_finish(req_t *r, Till__V1__HospitalDay **h);

/* What the refunds of hospital bills in <h> paid out at the window, every
 * method together (0 for NULL): the part of a report's refunds paid out
 * that takes back no takings, as a bill's window share is not in them. */
int64_t report_hosp_refunded_window(const Till__V1__HospitalDay *h);

#endif
