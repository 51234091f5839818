/* till_money.c -- parse, format and compute with integer fen.
 *
 * Amounts are till_fen_t (int64_t fen). Parsing accumulates the magnitude
 * as an unsigned fen count and checks the int64 bound at every digit, so an
 * out-of-range string is rejected without ever overflowing; formatting
 * works on the unsigned magnitude so INT64_MIN needs no special case.
 * Arithmetic uses the compiler's checked builtins. Nothing here allocates,
 * logs or uses floating point; deciding what a failure means is the
 * caller's job.
 */
#include "till_money.h"

#include <string.h>

/* Largest magnitude a till_fen_t can hold for each sign. */
#define MAG_MAX_POS ((uint64_t)INT64_MAX)
#define MAG_MAX_NEG ((uint64_t)INT64_MAX + 1u)

/* Append decimal digit <d> to *mag (*mag = *mag * 10 + d). Returns -1 and
 * leaves *mag untouched if the result would exceed <limit>. */
static int
mag_push_digit(uint64_t *mag, unsigned d, uint64_t limit)
{
  if (*mag > (limit - d) / 10u)
    return -1;
  *mag = *mag * 10u + d;
  return 0;
}

static int
is_digit(char c)
{
  /* Not isdigit(): that is locale-dependent and takes an int, not a char. */
  return c >= '0' && c <= '9';
}

int
till_money_parse(const char *s, till_fen_t *out /* OUT */)
{
  int rc = -1;
  const char *p = s;
  int neg = 0;
  uint64_t mag = 0, limit;
  int ndec = 0;

  if (p == NULL)
    goto done;
  if (*p == '-') {
    neg = 1;
    p++;
  }
  limit = neg ? MAG_MAX_NEG : MAG_MAX_POS;

  /* Whole yuan: at least one digit. */
  if (!is_digit(*p))
    goto done;
  while (is_digit(*p)) {
    if (mag_push_digit(&mag, (unsigned)(*p - '0'), limit) < 0)
      goto done;
    p++;
  }

  /* Optional fraction: one or two digits after the point. */
  if (*p == '.') {
    p++;
    while (is_digit(*p) && ndec < 2) {
      if (mag_push_digit(&mag, (unsigned)(*p - '0'), limit) < 0)
        goto done;
      p++;
      ndec++;
    }
    if (ndec == 0)
      goto done;
  }
  if (*p != '\0')
    goto done;

  /* Scale to fen: "12" and "12.5" still lack two and one decimal digits. */
  for (; ndec < 2; ndec++) {
    if (mag_push_digit(&mag, 0, limit) < 0)
      goto done;
  }

  if (!neg)
    *out = (till_fen_t)mag;
  else if (mag == MAG_MAX_NEG)
    *out = INT64_MIN;
  else
    *out = -(till_fen_t)mag;
  rc = 0;
 done:
  return rc;
}

int
till_money_format(till_fen_t v, char *buf /* OUT */, size_t len)
{
  int rc = -1;
  char tmp[TILL_MONEY_STR_MAX];
  char *p = tmp + sizeof(tmp);
  /* Unsigned negation is well defined, so this is exact for INT64_MIN. */
  uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
  uint64_t yuan = mag / 100u;
  unsigned fen = (unsigned)(mag % 100u);
  size_t n;

  /* Build right to left; tmp is large enough for INT64_MIN plus NUL. */
  *--p = '\0';
  *--p = (char)('0' + fen % 10u);
  *--p = (char)('0' + fen / 10u);
  *--p = '.';
  do {
    *--p = (char)('0' + (unsigned)(yuan % 10u));
    yuan /= 10u;
  } while (yuan != 0);
  if (v < 0)
    *--p = '-';

  n = (size_t)(tmp + sizeof(tmp) - p);  /* includes the NUL */
  if (len < n) {
    if (buf != NULL && len > 0)
      buf[0] = '\0';
    goto done;
  }
  memcpy(buf, p, n);
  rc = 0;
 done:
  return rc;
}

int
till_money_add(till_fen_t a, till_fen_t b, till_fen_t *out /* OUT */)
{
  till_fen_t r;
  if (__builtin_add_overflow(a, b, &r))
    return -1;
  *out = r;
  return 0;
}

int
till_money_sub(till_fen_t a, till_fen_t b, till_fen_t *out /* OUT */)
{
  till_fen_t r;
  if (__builtin_sub_overflow(a, b, &r))
    return -1;
  *out = r;
  return 0;
}

int
till_money_mul(till_fen_t a, int64_t qty, till_fen_t *out /* OUT */)
{
  till_fen_t r;
  if (__builtin_mul_overflow(a, qty, &r))
    return -1;
  *out = r;
  return 0;
}

int
till_money_div_round(int64_t num, int64_t den, int64_t *out /* OUT */)
{
  int64_t q, r;

  if (den <= 0)
    return -1;
  /* With den > 0, C division truncates toward zero and cannot overflow;
   * the remainder has the sign of num and |r| < den. */
  q = num / den;
  r = num % den;
  /* Round the magnitude half up: bump when |r| >= den - |r|, written so
   * that nothing overflows (|r| < den <= INT64_MAX). When that happens
   * den >= 2, so |q| <= INT64_MAX / 2 and the bump cannot overflow. */
  if (r > 0 && r >= den - r)
    q++;
  else if (r < 0 && -r >= den + r)
    q--;
  *out = q;
  return 0;
}

int
till_money_round_yuan(till_fen_t v, till_fen_t *out /* OUT */)
{
  int64_t yuan;
  till_fen_t r;

  if (till_money_div_round(v, 100, &yuan) < 0)
    return -1;
  if (__builtin_mul_overflow(yuan, (int64_t)100, &r))
    return -1;
  *out = r;
  return 0;
}

/* ---- 大写金额 ---------------------------------------------------------------- */

static const char *const capital_digit[] = {"零", "壹", "贰", "叁", "肆",
                                            "伍", "陆", "柒", "捌", "玖"};

/* Append s to buf at *used; -1 when it does not fit. */
static int
append(char *buf, size_t len, size_t *used, const char *s)
{
  size_t n = strlen(s);
  if (*used + n >= len)
    return -1;
  memcpy(buf + *used, s, n + 1);
  *used += n;
  return 0;
}

/* A group of four digits (1..9999) with 仟佰拾: a zero between digits is
 * one 零, zeros at the end are not written. */
static int
capital_group(int group, char *buf, size_t len, size_t *used)
{
  static const char *const unit[] = {"仟", "佰", "拾", ""};
  static const int scale[] = {1000, 100, 10, 1};
  int written = 0, zero = 0;
  for (int i = 0; i < 4; i++) {
    int d = group / scale[i] % 10;
    if (d == 0) {
      zero = written;
      continue;
    }
    if (zero && append(buf, len, used, "零") != 0)
      return -1;
    if (append(buf, len, used, capital_digit[d]) != 0 || append(buf, len, used, unit[i]) != 0)
      return -1;
    written = 1;
    zero = 0;
  }
  return 0;
}

int
till_money_capital(till_fen_t v, char *buf, size_t len)
{
  static const char *const section[] = {"亿", "万", ""};
  size_t used = 0;
  if (len == 0)
    return -1;
  buf[0] = '\0';
  /* |INT64_MIN| does not fit an int64: work in unsigned */
  uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  if (v < 0 && append(buf, len, &used, "负") != 0)
    return -1;
  uint64_t yuan = a / 100;
  int jiao = (int)(a / 10 % 10), fen = (int)(a % 10);
  if (yuan >= UINT64_C(1000000000000)) /* 万亿 and above: no receipt holds it */
    return -1;
  int groups[3] = {(int)(yuan / 100000000), (int)(yuan / 10000 % 10000), (int)(yuan % 10000)};
  int any = 0;
  for (int i = 0; i < 3; i++) {
    if (groups[i] == 0)
      continue;
    /* a gap before this group (a zero group before it, or leading zeros in
     * it) is read as one 零; a group's trailing zeros are not read */
    if (any && (groups[i - 1] == 0 || groups[i] < 1000) && append(buf, len, &used, "零") != 0)
      return -1;
    if (capital_group(groups[i], buf, len, &used) != 0 ||
        append(buf, len, &used, section[i]) != 0)
      return -1;
    any = 1;
  }
  if (any || (jiao == 0 && fen == 0)) {
    if ((!any && append(buf, len, &used, "零") != 0) || append(buf, len, &used, "元") != 0)
      return -1;
  }
  if (jiao) {
    if (append(buf, len, &used, capital_digit[jiao]) != 0 || append(buf, len, &used, "角") != 0)
      return -1;
  } else if (fen && any && append(buf, len, &used, "零") != 0) {
    return -1;
  }
  if (fen)
    return append(buf, len, &used, capital_digit[fen]) != 0 || append(buf, len, &used, "分") != 0
             ? -1
             : 0;
  return append(buf, len, &used, "整");
}
