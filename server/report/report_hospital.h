/* report_hospital.h -- the daily report's hospital block (docs/hospital.md,
 * "Reports"): a business date's hospital postings per channel. */
#ifndef TILLD_REPORT_HOSPITAL_H
#define TILLD_REPORT_HOSPITAL_H

#include "request.h"
#include "store.h"

/* The hospital bills, deposits and discharges of <date>'s shifts into
 * *out (left NULL when there is none): TILL_OK or the recorded failure.
 * The bills' revenue equals their shares summed channel by channel, or
 * the request fails as internal. */
till_status_t report_hospital_day(req_t *r, store_conn_t *sc, const char *date,
                                  Till__V1__HospitalDay **out /* OUT */);

#endif
