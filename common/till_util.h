/* till_util.h -- small helpers both sides need: hex, randomness, clocks,
 * bounded number parsing and input validation. */
#ifndef TILL_UTIL_H
#define TILL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "till_status.h"

/* Lower-case hex of n bytes into out (2n+1 bytes incl. NUL). */
void till_hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode exactly 2n hex characters of <hex> into out[n]. 0 or -1. */
int till_hex_decode(const char *hex, uint8_t *out, size_t n);

/* Cryptographically random bytes (OpenSSL RAND_bytes). 0 or -1. */
int till_random(uint8_t *out, size_t n);

/* A fresh idempotency key in the layout of an RFC 9562 UUIDv7: the Unix
 * time in milliseconds, big-endian, in the first 48 bits, then 74 random
 * bits (4 version and 2 variant bits fixed). Keys made one after another
 * sort one after another, so each lands at the right-hand edge of the
 * server's key indexes instead of on a random page (docs/benchmarks.md).
 * <now_ms> is the wall clock in ms (till_now_ms()). 0 or -1. */
int till_idem_key(int64_t now_ms, uint8_t key[16]);

/* Wall clock, Unix seconds / milliseconds. */
int64_t till_now(void);
int64_t till_now_ms(void);
/* Monotonic milliseconds and microseconds, for measuring intervals. */
int64_t till_mono_ms(void);
int64_t till_mono_us(void);

/* Parse a whole decimal integer in [min, max]. 0 or -1. */
int till_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out /* OUT */);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF) and contains no NUL or other C0 control byte except tab. */
int till_text_ok(const char *s, size_t n);

/* 1 if s[0..n) is valid UTF-8 in the same strict sense and holds no NUL
 * byte; other control characters are allowed. */
int till_utf8_ok(const char *s, size_t n);

/* 1 if s is a valid identifier for users, terminals and series:
 * 1..max characters from [A-Za-z0-9._-]. */
int till_ident_ok(const char *s, size_t max);

/* The local calendar (the process's TZ): reports count days and months as
 * the people at the windows do. A day "YYYY-MM-DD" or a month "YYYY-MM"
 * (years 2000..2999, a real date) becomes [*from_s, *to_s) in Unix seconds,
 * so a day across a daylight-saving change has its true length. 0 or -1. */
int till_day_bounds(const char *date, int64_t *from_s /* OUT */, int64_t *to_s /* OUT */);
int till_month_bounds(const char *month, int64_t *from_s /* OUT */, int64_t *to_s /* OUT */);
/* The local date of a Unix time as "YYYY-MM-DD" (out: 11 bytes). */
void till_local_date(int64_t unix_s, char out[11]);

/* Send small writes on TCP socket <fd> at once (TCP_NODELAY). Till's
 * answers are small and a peer may not answer them, so without it a write
 * can wait for the peer's delayed ACK (docs/benchmarks.md). 0 or -1. */
int till_tcp_nodelay(int fd);

#endif
