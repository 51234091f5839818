/* test_util.c -- unit tests for common/till_util (and till_status_name).
 *
 * Covers the hex round trip and its rejections, till_parse_i64 against its
 * contract (a whole decimal integer in [min, max], nothing else; OUT left
 * alone on failure), till_text_ok on valid UTF-8 and on each kind of invalid
 * sequence (controls, NUL, truncation, overlongs, surrogates, > U+10FFFF,
 * stray continuation bytes), till_ident_ok, till_random, till_status_name,
 * the plausibility of the clocks, and till_tcp_nodelay on an accepted
 * loopback socket (as tilld's) and on a descriptor that is not a socket.
 *
 * till_text_ok is called on heap copies of exactly n bytes, so a read past n
 * is caught by AddressSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "till_status.h"
#include "till_util.h"

#define SENTINEL ((int64_t)0x5eed5eed5eed5eedLL)
#define assert_i64_equal(a, b) assert_true((int64_t)(a) == (int64_t)(b))

/* ---- hex ---- */

static void
test_hex_encode_known(void **state)
{
  (void)state;
  static const uint8_t in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff };
  char out[2 * sizeof in + 2];
  memset(out, 'X', sizeof out);
  till_hex_encode(in, sizeof in, out);
  assert_string_equal(out, "00017f80abcdefff");
  assert_int_equal(out[2 * sizeof in + 1], 'X'); /* nothing past the NUL */

  memset(out, 'X', sizeof out);
  till_hex_encode(in, 0, out);
  assert_string_equal(out, "");
}

static void
test_hex_round_trip(void **state)
{
  (void)state;
  uint8_t in[256], back[256];
  char hex[2 * 256 + 1];
  for (int i = 0; i < 256; i++)
    in[i] = (uint8_t)i;
  till_hex_encode(in, sizeof in, hex);
  assert_int_equal(strlen(hex), 512);
  for (size_t i = 0; i < 512; i++)
    assert_true((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'));
  memset(back, 0, sizeof back);
  assert_int_equal(till_hex_decode(hex, back, sizeof back), 0);
  assert_memory_equal(in, back, sizeof in);

  /* random bytes too */
  uint8_t r[32], rback[32];
  char rhex[65];
  assert_int_equal(till_random(r, sizeof r), 0);
  till_hex_encode(r, sizeof r, rhex);
  assert_int_equal(till_hex_decode(rhex, rback, sizeof rback), 0);
  assert_memory_equal(r, rback, sizeof r);
}

static void
test_hex_decode_upper_case(void **state)
{
  (void)state;
  uint8_t out[4];
  assert_int_equal(till_hex_decode("DEADbeef", out, sizeof out), 0);
  assert_int_equal(out[0], 0xde);
  assert_int_equal(out[1], 0xad);
  assert_int_equal(out[2], 0xbe);
  assert_int_equal(out[3], 0xef);
}

static void
test_hex_decode_rejects(void **state)
{
  (void)state;
  uint8_t out[4];
  /* odd length */
  assert_int_equal(till_hex_decode("abc", out, 2), -1);
  assert_int_equal(till_hex_decode("a", out, 1), -1);
  /* wrong length for n, either way */
  assert_int_equal(till_hex_decode("abcd", out, 3), -1);
  assert_int_equal(till_hex_decode("abcdef", out, 2), -1);
  assert_int_equal(till_hex_decode("", out, 1), -1);
  /* non-hex characters, in either nibble and at the end */
  assert_int_equal(till_hex_decode("0g", out, 1), -1);
  assert_int_equal(till_hex_decode("g0", out, 1), -1);
  assert_int_equal(till_hex_decode("00112z", out, 3), -1);
  assert_int_equal(till_hex_decode("0x12", out, 2), -1);
  assert_int_equal(till_hex_decode(" 012", out, 2), -1);
  assert_int_equal(till_hex_decode("01 2", out, 2), -1);
  assert_int_equal(till_hex_decode("-1", out, 1), -1);
  assert_int_equal(till_hex_decode("\xc3\xa9", out, 1), -1);
  /* zero bytes from an empty string is fine */
  assert_int_equal(till_hex_decode("", out, 0), 0);
}

/* ---- till_parse_i64 ---- */

static void
expect_parse(const char *s, int64_t min, int64_t max, int64_t want)
{
  int64_t v = SENTINEL;
  if (till_parse_i64(s, min, max, &v) != 0)
    fail_msg("'%s' rejected", s);
  assert_i64_equal(v, want);
}

static void
expect_reject(const char *s, int64_t min, int64_t max)
{
  int64_t v = SENTINEL;
  if (till_parse_i64(s, min, max, &v) != -1)
    fail_msg("'%s' accepted in [%lld, %lld]", s ? s : "(null)", (long long)min, (long long)max);
  assert_i64_equal(v, SENTINEL); /* OUT untouched */
}

static void
test_parse_i64_valid(void **state)
{
  (void)state;
  expect_parse("0", INT64_MIN, INT64_MAX, 0);
  expect_parse("-5", INT64_MIN, INT64_MAX, -5);
  expect_parse("42", INT64_MIN, INT64_MAX, 42);
  expect_parse("007", 0, 100, 7);
  expect_parse("9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX);
  expect_parse("-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN);
  /* the bounds themselves are inside */
  expect_parse("1", 1, 10, 1);
  expect_parse("10", 1, 10, 10);
  expect_parse("-10", -10, -1, -10);
  expect_parse("-1", -10, -1, -1);
  expect_parse("65535", 1, 65535, 65535);
  expect_parse("5", 5, 5, 5);
}

static void
test_parse_i64_rejects_syntax(void **state)
{
  (void)state;
  static const char *bad[] = {
    "", "-", "+", "+1", " 1", "1 ", "\t1", "1\n", "1x", "x1", "1.0", "1e3", "0x10",
    "--1", "-+1", "- 1", "1,000", "\xef\xbc\x91", "1\xc2\xa0",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_reject(bad[i], INT64_MIN, INT64_MAX);
  expect_reject(NULL, INT64_MIN, INT64_MAX);
}

static void
test_parse_i64_rejects_range(void **state)
{
  (void)state;
  expect_reject("0", 1, 10);
  expect_reject("11", 1, 10);
  expect_reject("-1", 0, INT64_MAX);
  expect_reject("0", -10, -1);
  expect_reject("65536", 1, 65535);
  expect_reject("6", 5, 5);
  /* past int64 entirely */
  expect_reject("9223372036854775808", INT64_MIN, INT64_MAX);
  expect_reject("-9223372036854775809", INT64_MIN, INT64_MAX);
  expect_reject("99999999999999999999", INT64_MIN, INT64_MAX);
  expect_reject("-99999999999999999999", INT64_MIN, INT64_MAX);
  expect_reject("99999999999999999999", 0, 100);
}

/* ---- till_text_ok ---- */

static int
text_ok_n(const char *s, size_t n)
{
  char *copy = malloc(n ? n : 1);
  assert_non_null(copy);
  memcpy(copy, s, n);
  int r = till_text_ok(copy, n);
  free(copy);
  return r;
}

#define TEXT_OK(lit) text_ok_n((lit), sizeof(lit) - 1)

static void
test_text_ok_accepts(void **state)
{
  (void)state;
  assert_int_equal(text_ok_n("", 0), 1);
  assert_int_equal(TEXT_OK("Coffee x2"), 1);
  assert_int_equal(TEXT_OK(" !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~"), 1);
  assert_int_equal(TEXT_OK("a\tb"), 1);
  assert_int_equal(TEXT_OK("\t"), 1);
  assert_int_equal(TEXT_OK("\xc2\xa5"), 1);              /* ¥, 2 bytes */
  assert_int_equal(TEXT_OK("12.00 \xc2\xa5"), 1);
  assert_int_equal(TEXT_OK("\xe6\x94\xb6\xe8\xb4\xb9"), 1); /* 收费, 3 bytes */
  assert_int_equal(TEXT_OK("\xf0\x9f\x98\x80"), 1);       /* U+1F600, 4 bytes */
  assert_int_equal(TEXT_OK("ok \xf0\x9f\x98\x80 \xe6\x94\xb6 \xc2\xa5"), 1);
  /* boundaries of each length and around the surrogates */
  assert_int_equal(TEXT_OK("\xc2\xa0"), 1);             /* U+00A0 */
  assert_int_equal(TEXT_OK("\xdf\xbf"), 1);             /* U+07FF */
  assert_int_equal(TEXT_OK("\xe0\xa0\x80"), 1);         /* U+0800 */
  assert_int_equal(TEXT_OK("\xed\x9f\xbf"), 1);         /* U+D7FF */
  assert_int_equal(TEXT_OK("\xee\x80\x80"), 1);         /* U+E000 */
  assert_int_equal(TEXT_OK("\xef\xbf\xbd"), 1);         /* U+FFFD */
  assert_int_equal(TEXT_OK("\xf0\x90\x80\x80"), 1);     /* U+10000 */
  assert_int_equal(TEXT_OK("\xf4\x8f\xbf\xbf"), 1);     /* U+10FFFF */
  /* only the first n bytes count */
  assert_int_equal(text_ok_n("abc\n", 3), 1);
}

static void
test_text_ok_rejects_controls(void **state)
{
  (void)state;
  assert_int_equal(TEXT_OK("a\nb"), 0);
  assert_int_equal(TEXT_OK("a\rb"), 0);
  assert_int_equal(TEXT_OK("\x01"), 0);
  assert_int_equal(TEXT_OK("x\x1b[2J"), 0);
  assert_int_equal(TEXT_OK("\x1f"), 0);
  assert_int_equal(TEXT_OK("del\x7f"), 0);
  /* NUL inside the length */
  assert_int_equal(text_ok_n("ab\0cd", 5), 0);
  assert_int_equal(text_ok_n("\0", 1), 0);
  assert_int_equal(text_ok_n("abc\0", 4), 0);
}

static void
test_text_ok_rejects_bad_utf8(void **state)
{
  (void)state;
  /* truncated sequences, at the end and followed by ASCII */
  assert_int_equal(TEXT_OK("\xc2"), 0);
  assert_int_equal(TEXT_OK("\xe6\x94"), 0);
  assert_int_equal(TEXT_OK("\xe6"), 0);
  assert_int_equal(TEXT_OK("\xf0\x9f\x98"), 0);
  assert_int_equal(TEXT_OK("abc\xf0\x9f"), 0);
  assert_int_equal(TEXT_OK("\xe6\x94" "a"), 0);
  assert_int_equal(TEXT_OK("\xf0\x9f\x98" "a"), 0);
  assert_int_equal(text_ok_n("\xe6\x94\xb6", 2), 0); /* cut by n */
  /* overlong encodings */
  assert_int_equal(TEXT_OK("\xc0\x80"), 0);          /* NUL */
  assert_int_equal(TEXT_OK("\xc0\xaf"), 0);          /* '/' */
  assert_int_equal(TEXT_OK("\xc1\xbf"), 0);
  assert_int_equal(TEXT_OK("\xe0\x80\x80"), 0);
  assert_int_equal(TEXT_OK("\xe0\x9f\xbf"), 0);      /* U+07FF in 3 bytes */
  assert_int_equal(TEXT_OK("\xf0\x80\x80\x80"), 0);
  assert_int_equal(TEXT_OK("\xf0\x8f\xbf\xbf"), 0);  /* U+FFFF in 4 bytes */
  /* UTF-16 surrogates */
  assert_int_equal(TEXT_OK("\xed\xa0\x80"), 0);      /* U+D800 */
  assert_int_equal(TEXT_OK("\xed\xbf\xbf"), 0);      /* U+DFFF */
  assert_int_equal(TEXT_OK("\xed\xa0\xbd\xed\xb8\x80"), 0); /* CESU-8 pair */
  /* past U+10FFFF */
  assert_int_equal(TEXT_OK("\xf4\x90\x80\x80"), 0);
  assert_int_equal(TEXT_OK("\xf5\x80\x80\x80"), 0);
  assert_int_equal(TEXT_OK("\xf7\xbf\xbf\xbf"), 0);
  assert_int_equal(TEXT_OK("\xf8\x88\x80\x80\x80"), 0);
  assert_int_equal(TEXT_OK("\xfe"), 0);
  assert_int_equal(TEXT_OK("\xff"), 0);
  /* stray or missing continuation bytes */
  assert_int_equal(TEXT_OK("\x80"), 0);
  assert_int_equal(TEXT_OK("\xbf"), 0);
  assert_int_equal(TEXT_OK("a\x80" "b"), 0);
  assert_int_equal(TEXT_OK("\xc2\xa5\xa5"), 0);
  assert_int_equal(TEXT_OK("\xe6\x94\xb6\x80"), 0);
  assert_int_equal(TEXT_OK("\xc2" "A"), 0);
  assert_int_equal(TEXT_OK("\xe6\xc2\xa5"), 0);
  assert_int_equal(TEXT_OK("\xf0\x9f\x98\xc0"), 0);
}

/* ---- till_ident_ok ---- */

/* till_utf8_ok: the same UTF-8 rules, controls allowed, NUL refused. */
static int
utf8_ok_n(const char *s, size_t n)
{
  char *copy = malloc(n ? n : 1);
  assert_non_null(copy);
  memcpy(copy, s, n);
  int r = till_utf8_ok(copy, n);
  free(copy);
  return r;
}

#define UTF8_OK(lit) utf8_ok_n((lit), sizeof(lit) - 1)

static void
test_utf8_ok(void **state)
{
  (void)state;
  assert_int_equal(utf8_ok_n("", 0), 1);
  assert_int_equal(UTF8_OK("line one\nline two\r\n"), 1); /* controls are text here */
  assert_int_equal(UTF8_OK("\x01\x1f\x7f"), 1);
  assert_int_equal(UTF8_OK("\xe6\x94\xb6\xe8\xb4\xb9 \xf4\x8f\xbf\xbf"), 1);
  assert_int_equal(utf8_ok_n("ab\0cd", 5), 0);            /* NUL never */
  assert_int_equal(utf8_ok_n("\0", 1), 0);
  assert_int_equal(UTF8_OK("\xc0\x80"), 0);               /* overlong NUL */
  assert_int_equal(UTF8_OK("\xed\xa0\x80"), 0);           /* surrogate */
  assert_int_equal(UTF8_OK("\xf4\x90\x80\x80"), 0);       /* past U+10FFFF */
  assert_int_equal(UTF8_OK("ab\xe2\x82"), 0);              /* cut short */
  assert_int_equal(UTF8_OK("\x80"), 0);                    /* stray continuation */
  assert_int_equal(UTF8_OK("\xff"), 0);
}

static void
test_ident_ok(void **state)
{
  (void)state;
  assert_int_equal(till_ident_ok("T-LANE-01", 32), 1);
  assert_int_equal(till_ident_ok("a.b_c", 32), 1);
  assert_int_equal(till_ident_ok("x", 1), 1);
  assert_int_equal(till_ident_ok("AZaz09._-", 9), 1);
  assert_int_equal(till_ident_ok("abc", 3), 1);

  assert_int_equal(till_ident_ok("", 32), 0);
  assert_int_equal(till_ident_ok("abcd", 3), 0);
  assert_int_equal(till_ident_ok("x", 0), 0);
  char longid[66];
  memset(longid, 'a', 65);
  longid[65] = '\0';
  assert_int_equal(till_ident_ok(longid, 64), 0);
  longid[64] = '\0';
  assert_int_equal(till_ident_ok(longid, 64), 1);

  assert_int_equal(till_ident_ok("lane 1", 32), 0);
  assert_int_equal(till_ident_ok(" lane", 32), 0);
  assert_int_equal(till_ident_ok("lane\t", 32), 0);
  assert_int_equal(till_ident_ok("a/b", 32), 0);
  assert_int_equal(till_ident_ok("../etc", 32), 0);
  assert_int_equal(till_ident_ok("a\\b", 32), 0);
  assert_int_equal(till_ident_ok("a:b", 32), 0);
  assert_int_equal(till_ident_ok("a@b", 32), 0);
  assert_int_equal(till_ident_ok("a'b", 32), 0);
  assert_int_equal(till_ident_ok("lane\n", 32), 0);
  assert_int_equal(till_ident_ok("caf\xc3\xa9", 32), 0);
  assert_int_equal(till_ident_ok("\xe6\x94\xb6", 32), 0);
}

/* ---- till_random ---- */

static void
test_random(void **state)
{
  (void)state;
  uint8_t a[16], b[16], zero[16];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  memset(zero, 0, sizeof zero);
  assert_int_equal(till_random(a, sizeof a), 0);
  assert_int_equal(till_random(b, sizeof b), 0);
  assert_memory_not_equal(a, b, sizeof a);
  assert_memory_not_equal(a, zero, sizeof a);
  assert_memory_not_equal(b, zero, sizeof b);

  /* exactly n bytes are written */
  uint8_t c[8];
  memset(c, 0xa5, sizeof c);
  assert_int_equal(till_random(c, 4), 0);
  for (size_t i = 4; i < sizeof c; i++)
    assert_int_equal(c[i], 0xa5);
}

/* ---- till_idem_key ---- */

static void
test_idem_key(void **state)
{
  (void)state;
  /* 2026-11-28T00:00:00.123Z: the ms in the first 6 bytes, big-endian */
  const int64_t ms = INT64_C(1795824000123);
  uint8_t k[16];
  assert_int_equal(till_idem_key(ms, k), 0);
  int64_t got = 0;
  for (int i = 0; i < 6; i++)
    got = got << 8 | k[i];
  assert_int_equal(got, ms);
  assert_int_equal(k[6] >> 4, 7);    /* version */
  assert_int_equal(k[8] >> 6, 2);    /* variant */

  /* the rest is random: 200 keys in one ms are all different */
  uint8_t keys[200][16];
  for (int i = 0; i < 200; i++) {
    assert_int_equal(till_idem_key(ms, keys[i]), 0);
    assert_memory_equal(keys[i], k, 6);
    for (int j = 0; j < i; j++)
      assert_memory_not_equal(keys[i], keys[j], 16);
  }

  /* a later ms sorts after every key of an earlier one, whatever its
   * random bits: that is what keeps new keys at the indexes' right edge */
  for (int i = 0; i < 200; i++) {
    uint8_t later[16];
    assert_int_equal(till_idem_key(ms + 1, later), 0);
    assert_true(memcmp(later, keys[i], 16) > 0);
  }
  uint8_t a[16], b[16];
  assert_int_equal(till_idem_key(255, a), 0);
  assert_int_equal(till_idem_key(256, b), 0);
  assert_true(memcmp(b, a, 16) > 0);

  /* the clock must fit in 48 bits */
  memset(k, 0xa5, sizeof k);
  assert_int_equal(till_idem_key(-1, k), -1);
  assert_int_equal(till_idem_key(INT64_C(1) << 48, k), -1);
  assert_int_equal(till_idem_key((INT64_C(1) << 48) - 1, k), 0);
  for (int i = 0; i < 6; i++)
    assert_int_equal(k[i], 0xff);
}

/* ---- till_status_name ---- */

static void
test_status_name(void **state)
{
  (void)state;
  const char *names[TILL_E_INTERNAL + 1];
  for (int st = TILL_OK; st <= TILL_E_INTERNAL; st++) {
    const char *n = till_status_name((till_status_t)st);
    assert_non_null(n);
    assert_true(n[0] != '\0');
    for (const char *p = n; *p; p++)
      assert_false(*p >= 'A' && *p <= 'Z');
    for (int prev = TILL_OK; prev < st; prev++)
      assert_string_not_equal(n, names[prev]);
    names[st] = n;
  }
  assert_string_equal(till_status_name(TILL_OK), "ok");
  assert_string_equal(till_status_name(TILL_E_INVALID), "invalid argument");
  assert_string_equal(till_status_name(TILL_E_UNAUTH), "unauthenticated");
  assert_string_equal(till_status_name(TILL_E_DENIED), "permission denied");
  assert_string_equal(till_status_name(TILL_E_NOT_FOUND), "not found");
  assert_string_equal(till_status_name(TILL_E_PRECONDITION), "failed precondition");
  assert_string_equal(till_status_name(TILL_E_CONFLICT), "conflict");
  assert_string_equal(till_status_name(TILL_E_EXHAUSTED), "resource exhausted");
  assert_string_equal(till_status_name(TILL_E_UNAVAILABLE), "unavailable");
  assert_string_equal(till_status_name(TILL_E_INTERNAL), "internal error");

  /* a value from a newer peer: still a name, and not one of the known ones */
  const char *unk = till_status_name((till_status_t)(TILL_E_INTERNAL + 1));
  assert_non_null(unk);
  assert_true(unk[0] != '\0');
  for (int st = TILL_OK; st <= TILL_E_INTERNAL; st++)
    assert_string_not_equal(unk, names[st]);
  const char *unk2 = till_status_name((till_status_t)1000);
  assert_non_null(unk2);
  assert_string_equal(unk2, unk);
}

/* ---- clocks ---- */

static void
test_clocks(void **state)
{
  (void)state;
  int64_t now = till_now();
  assert_true(now > INT64_C(1700000000));          /* after Nov 2023 */
  assert_true(now < INT64_C(4102444800));          /* before 2100 */
  int64_t now_ms = till_now_ms();
  assert_true(now_ms / 1000 >= now - 1 && now_ms / 1000 <= now + 1);

  int64_t prev = till_mono_ms();
  assert_true(prev >= 0);
  for (int i = 0; i < 100000; i++) {
    int64_t m = till_mono_ms();
    assert_true(m >= prev);
    prev = m;
  }
}

/* ---- the local calendar ---- */

static void
test_day_bounds(void **state)
{
  (void)state;
  int64_t from, to;
  setenv("TZ", "Asia/Shanghai", 1);
  tzset();
  assert_int_equal(till_day_bounds("2026-11-28", &from, &to), 0);
  assert_int_equal(from, INT64_C(1795795200));   /* 2026-11-28T00:00+08:00 */
  assert_int_equal(to - from, 86400);
  char d[11];
  till_local_date(from, d);
  assert_string_equal(d, "2026-11-28");
  till_local_date(to - 1, d);
  assert_string_equal(d, "2026-11-28");
  till_local_date(to, d);
  assert_string_equal(d, "2026-11-29");
  assert_int_equal(till_day_bounds("2028-02-29", &from, &to), 0); /* a leap day */
  assert_int_equal(till_month_bounds("2026-02", &from, &to), 0);
  assert_int_equal(to - from, 28 * 86400);
  assert_int_equal(till_month_bounds("2026-12", &from, &to), 0);  /* into the next year */
  till_local_date(to, d);
  assert_string_equal(d, "2027-01-01");

  /* a day across the spring change has 23 hours */
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  assert_int_equal(till_day_bounds("2026-03-29", &from, &to), 0);
  assert_int_equal(to - from, 23 * 3600);
  unsetenv("TZ");
  tzset();
}

static void
test_day_bounds_rejects(void **state)
{
  (void)state;
  int64_t from, to;
  const char *bad_days[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "2026-11-00",
                            "2026-1-28", "2026/11/28", "2026-11-28 ", "1999-12-31", "3000-01-01",
                            "2026-11-2x", "", "2026-11"};
  for (size_t i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++)
    assert_int_equal(till_day_bounds(bad_days[i], &from, &to), -1);
  assert_int_equal(till_day_bounds(NULL, &from, &to), -1);
  const char *bad_months[] = {"2026-13", "2026-00", "2026-1", "2026-11-01", "26-11", "2026_11", ""};
  for (size_t i = 0; i < sizeof bad_months / sizeof bad_months[0]; i++)
    assert_int_equal(till_month_bounds(bad_months[i], &from, &to), -1);
}

/* ---- sockets ---- */

static int
nodelay_of(int fd)
{
  int v = -1;
  socklen_t len = sizeof v;
  assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
  return v;
}

/* an accepted loopback connection, as tilld gets one: off by default, on
 * after till_tcp_nodelay */
static void
test_tcp_nodelay(void **state)
{
  (void)state;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(lfd >= 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(lfd, 1), 0);
  assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(cfd >= 0);
  assert_int_equal(connect(cfd, (struct sockaddr *)&sa, sizeof sa), 0);
  int afd = accept(lfd, NULL, NULL);
  assert_true(afd >= 0);

  assert_int_equal(nodelay_of(afd), 0);
  assert_int_equal(till_tcp_nodelay(afd), 0);
  assert_int_equal(nodelay_of(afd), 1);
  assert_int_equal(till_tcp_nodelay(afd), 0); /* twice is harmless */
  assert_int_equal(nodelay_of(afd), 1);
  assert_int_equal(nodelay_of(cfd), 0); /* only the socket it was given */

  int pfd[2];
  assert_int_equal(pipe(pfd), 0);
  assert_int_equal(till_tcp_nodelay(pfd[0]), -1);
  close(pfd[0]);
  close(pfd[1]);
  close(afd);
  close(cfd);
  close(lfd);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hex_encode_known),
    cmocka_unit_test(test_hex_round_trip),
    cmocka_unit_test(test_hex_decode_upper_case),
    cmocka_unit_test(test_hex_decode_rejects),
    cmocka_unit_test(test_parse_i64_valid),
    cmocka_unit_test(test_parse_i64_rejects_syntax),
    cmocka_unit_test(test_parse_i64_rejects_range),
    cmocka_unit_test(test_text_ok_accepts),
    cmocka_unit_test(test_text_ok_rejects_controls),
    cmocka_unit_test(test_text_ok_rejects_bad_utf8),
    cmocka_unit_test(test_utf8_ok),
    cmocka_unit_test(test_ident_ok),
    cmocka_unit_test(test_random),
    cmocka_unit_test(test_idem_key),
    cmocka_unit_test(test_status_name),
    cmocka_unit_test(test_clocks),
    cmocka_unit_test(test_day_bounds),
    cmocka_unit_test(test_day_bounds_rejects),
    cmocka_unit_test(test_tcp_nodelay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
