/* till_util.c -- see till_util.h. */
#include "till_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/rand.h>

const char *
till_status_name(till_status_t st)
{
  switch (st) {
  case TILL_OK: return "ok";
  case TILL_E_INVALID: return "invalid argument";
  case TILL_E_UNAUTH: return "unauthenticated";
  case TILL_E_DENIED: return "permission denied";
  case TILL_E_NOT_FOUND: return "not found";
  case TILL_E_PRECONDITION: return "failed precondition";
  case TILL_E_CONFLICT: return "conflict";
  case TILL_E_EXHAUSTED: return "resource exhausted";
  case TILL_E_UNAVAILABLE: return "unavailable";
  case TILL_E_INTERNAL: return "internal error";
  }
  return "unknown error";
}

void
till_hex_encode(const uint8_t *in, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

static int
hex_val(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int
till_hex_decode(const char *hex, uint8_t *out, size_t n)
{
  if (strlen(hex) != 2 * n)
    return -1;
  for (size_t i = 0; i < n; i++) {
    int hi = hex_val(hex[2 * i]), lo = hex_val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

int
till_random(uint8_t *out, size_t n)
{
  if (n > INT32_MAX)
    return -1;
  return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

int
till_idem_key(int64_t now_ms, uint8_t key[16])
{
  if (now_ms < 0 || now_ms >= INT64_C(1) << 48)
    return -1;
  if (till_random(key + 6, 10) != 0)
    return -1;
  for (int i = 0; i < 6; i++)
    key[i] = (uint8_t)((uint64_t)now_ms >> (40 - 8 * i));
  key[6] = (uint8_t)(0x70 | (key[6] & 0x0f)); /* version 7 */
  key[8] = (uint8_t)(0x80 | (key[8] & 0x3f)); /* variant 10 */
  return 0;
}

int64_t
till_now(void)
{
  return (int64_t)time(NULL);
}

int64_t
till_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
till_mono_ms(void)
{
  return till_mono_us() / 1000;
}

int64_t
till_mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
till_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
  if (!s || !*s)
    return -1;
  const char *p = s;
  if (*p == '-')
    p++;
  if (*p < '0' || *p > '9')
    return -1;
  errno = 0;
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return -1;
  *out = (int64_t)v;
  return 0;
}

/* The one UTF-8 walk: strict UTF-8; with <text>, also no NUL, no C0 control
 * except tab and no DEL; without it, only no NUL. */
static int
utf8_scan(const char *str, size_t n, int text)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      if (c == 0 || (text && ((c < 0x20 && c != '\t') || c == 0x7f)))
        return 0;
      i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (n - i < len)
      return 0;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += len;
  }
  return 1;
}

int
till_text_ok(const char *s, size_t n)
{
  return utf8_scan(s, n, 1);
}

int
till_utf8_ok(const char *s, size_t n)
{
  return utf8_scan(s, n, 0);
}

int
till_ident_ok(const char *s, size_t max)
{
  size_t n = strlen(s);
  if (n == 0 || n > max)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

/* Local midnight of y-m-d (m 1-based; d may run past the month's end,
 * mktime normalises it), or -1. */
static int64_t
local_midnight(int y, int m, int d)
{
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
  time_t t = mktime(&tm);
  return t == (time_t)-1 ? -1 : (int64_t)t;
}

/* Exactly <n> digits at s, as a number; -1 otherwise. */
static int
digits(const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static int
days_in_month(int y, int m)
{
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM" at s: year and month, or -1. */
static int
parse_year_month(const char *s, int *y, int *m)
{
  *y = digits(s, 4);
  *m = s[4] == '-' ? digits(s + 5, 2) : -1;
  return *y >= 2000 && *y <= 2999 && *m >= 1 && *m <= 12 ? 0 : -1;
}

int
till_day_bounds(const char *date, int64_t *from_s, int64_t *to_s)
{
  int y, m, d;
  if (!date || strlen(date) != 10 || parse_year_month(date, &y, &m) != 0 || date[7] != '-')
    return -1;
  d = digits(date + 8, 2);
  if (d < 1 || d > days_in_month(y, m))
    return -1;
  *from_s = local_midnight(y, m, d);
  *to_s = local_midnight(y, m, d + 1);
  return *from_s >= 0 && *to_s > *from_s ? 0 : -1;
}

int
till_month_bounds(const char *month, int64_t *from_s, int64_t *to_s)
{
  int y, m;
  if (!month || strlen(month) != 7 || parse_year_month(month, &y, &m) != 0)
    return -1;
  *from_s = local_midnight(y, m, 1);
  *to_s = local_midnight(y, m + 1, 1);
  return *from_s >= 0 && *to_s > *from_s ? 0 : -1;
}

void
till_local_date(int64_t unix_s, char out[11])
{
  time_t t = (time_t)unix_s;
  struct tm tm;
  if (!localtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
    snprintf(out, 11, "0000-00-00");
}

int
till_tcp_nodelay(int fd)
{
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 ? 0 : -1;
}
