/* till_rate.h -- a tariff's rate: yuan with up to 4 decimals, held as an
 * integer count of 1/10,000 yuan (rate_e4: 1.80 is 18000), shared by tilld
 * and till (docs/billing.md). No floating point.
 *
 * THREAD SAFETY: pure functions. */
#ifndef TILL_RATE_H
#define TILL_RATE_H

#include <stddef.h>
#include <stdint.h>

#define TILL_RATE_E4_MAX 100000000000LL /* ¥10,000,000.0000, as the tariffs table allows */
#define TILL_RATE_STR_MAX 24

/* Parse "1.8", "21.50", "0.0375", "12": digits, optionally a point and 1-4
 * digits; no sign, no spaces; at most TILL_RATE_E4_MAX. 0 and *out, or -1
 * (*out untouched). */
int till_rate_parse(const char *s, int64_t *out /* OUT */);

/* "1.8000" (always 4 decimals) into buf; 0, or -1 when len is too small
 * (TILL_RATE_STR_MAX always suffices) or the rate is negative. */
int till_rate_format(int64_t rate_e4, char *buf /* OUT */, size_t len);

#endif
