/* till_rate.c -- a tariff's rate in 1/10,000 yuan; see till_rate.h. */
#include "till_rate.h"

#include <stdio.h>

int
till_rate_parse(const char *s, int64_t *out)
{
  if (!s || *s < '0' || *s > '9')
    return -1;
  int64_t v = 0;
  size_t i = 0;
  for (; s[i] >= '0' && s[i] <= '9'; i++) {
    if (i >= 12) /* 12 integer digits are past the maximum already */
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  int decimals = 0;
  if (s[i] == '.') {
    i++;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
      if (++decimals > 4)
        return -1;
      v = v * 10 + (s[i] - '0');
    }
    if (decimals == 0)
      return -1;
  }
  if (s[i] != '\0')
    return -1;
  for (; decimals < 4; decimals++)
    v *= 10;
  if (v > TILL_RATE_E4_MAX)
    return -1;
  *out = v;
  return 0;
}

int
till_rate_format(int64_t rate_e4, char *buf, size_t len)
{
  if (rate_e4 < 0) {
    if (len)
      buf[0] = '\0';
    return -1;
  }
  int n = snprintf(buf, len, "%lld.%04lld", (long long)(rate_e4 / 10000),
                   (long long)(rate_e4 % 10000));
  if (n < 0 || (size_t)n >= len) {
    if (len)
      buf[0] = '\0';
    return -1;
  }
  return 0;
}
