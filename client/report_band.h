/* report_band.h -- a collector's month against their target, in the words
 * both `till report monthly` and the web console's monthly settlement use
 * (docs/cli.md, "report monthly"): the band's key in JSON and CSS, and its
 * phrase in the reader's language. */
#ifndef TILL_REPORT_BAND_H
#define TILL_REPORT_BAND_H

#include <stddef.h>

#include "till.pb-c.h"

/* "none", "within_5", "5_10", "10_15" or "beyond_15" (TargetBand's order);
 * "none" for a value out of range. */
const char *report_band_key(int band);

/* "within 5%", "5-10% below", "beyond 15% above", "no target": each a
 * phrase of its own, translated, written into buf. */
void report_band_text(char *buf, size_t len, const Till__V1__CashierMonth *c);

#endif
