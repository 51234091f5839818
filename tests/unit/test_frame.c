/* test_frame.c -- unit tests for common/till_frame.
 *
 * Covers the big-endian header encoding, every outcome of till_frame_check
 * (incomplete header, incomplete payload, exact and pipelined frames, the
 * EMPTY and TOO_LARGE protocol errors around the max boundary), that the
 * announced length is reported whenever the header is complete, and a
 * stream of concatenated frames decoded the way a reader does it: check,
 * consume, repeat, with the bytes arriving in small pieces.
 *
 * Every buffer handed to till_frame_check is a heap copy of exactly <avail>
 * bytes, so a read past avail is caught by AddressSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "till_frame.h"

#define LEN_SENTINEL 0xdeadbeefu

/* till_frame_check on a heap copy of exactly <avail> bytes of <bytes>. */
static till_frame_result_t
check_exact(const uint8_t *bytes, size_t avail, uint32_t max, uint32_t *payload_len)
{
  uint8_t *copy = malloc(avail);
  if (avail)
    assert_non_null(copy);
  if (avail)
    memcpy(copy, bytes, avail);
  till_frame_result_t r = till_frame_check(copy, avail, max, payload_len);
  free(copy);
  return r;
}

/* ---- header encoding ---- */

static void
expect_header(uint32_t len, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
  uint8_t out[TILL_FRAME_HEADER + 2];
  memset(out, 0xaa, sizeof out);
  till_frame_put_header(out, len);
  assert_int_equal(out[0], b0);
  assert_int_equal(out[1], b1);
  assert_int_equal(out[2], b2);
  assert_int_equal(out[3], b3);
  /* exactly four bytes written */
  assert_int_equal(out[4], 0xaa);
  assert_int_equal(out[5], 0xaa);
}

static void
test_put_header_big_endian(void **state)
{
  (void)state;
  expect_header(0, 0x00, 0x00, 0x00, 0x00);
  expect_header(1, 0x00, 0x00, 0x00, 0x01);
  expect_header(0x01020304u, 0x01, 0x02, 0x03, 0x04);
  expect_header(0x00000100u, 0x00, 0x00, 0x01, 0x00);
  expect_header(TILL_FRAME_DEFAULT_MAX, 0x00, 0x10, 0x00, 0x00);
  expect_header(UINT32_MAX, 0xff, 0xff, 0xff, 0xff);
}

static void
test_put_header_round_trip(void **state)
{
  static const uint32_t lens[] = { 1, 2, 255, 256, 65535, 65536, 0x00ffffffu,
                                   TILL_FRAME_DEFAULT_MAX, 0x7fffffffu, 0x80000000u,
                                   UINT32_MAX - 1, UINT32_MAX };
  (void)state;
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    uint8_t hdr[TILL_FRAME_HEADER];
    uint32_t got = LEN_SENTINEL;
    till_frame_put_header(hdr, lens[i]);
    /* max = UINT32_MAX so no length is too large; payload is missing */
    assert_int_equal(check_exact(hdr, sizeof hdr, UINT32_MAX, &got), TILL_FRAME_NEED_MORE);
    assert_int_equal(got, lens[i]);
  }
}

/* ---- incomplete input ---- */

static void
test_check_need_more_short_header(void **state)
{
  uint8_t hdr[TILL_FRAME_HEADER];
  (void)state;
  till_frame_put_header(hdr, 10);
  for (size_t avail = 0; avail < TILL_FRAME_HEADER; avail++) {
    uint32_t got = LEN_SENTINEL;
    assert_int_equal(check_exact(hdr, avail, TILL_FRAME_DEFAULT_MAX, &got),
                     TILL_FRAME_NEED_MORE);
  }
}

/* A header split across reads: bytes arrive one at a time. Even a header that
 * will turn out to be EMPTY or TOO_LARGE is NEED_MORE until it is complete. */
static void
test_check_split_header_byte_by_byte(void **state)
{
  static const struct {
    uint32_t len;
    till_frame_result_t once_complete;
  } cases[] = {
    { 3, TILL_FRAME_NEED_MORE },
    { 0, TILL_FRAME_EMPTY },
    { TILL_FRAME_DEFAULT_MAX + 1, TILL_FRAME_TOO_LARGE },
    { UINT32_MAX, TILL_FRAME_TOO_LARGE },
  };
  (void)state;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    uint8_t buf[TILL_FRAME_HEADER];
    till_frame_put_header(buf, cases[c].len);
    for (size_t avail = 0; avail < TILL_FRAME_HEADER; avail++) {
      uint32_t got = LEN_SENTINEL;
      assert_int_equal(check_exact(buf, avail, TILL_FRAME_DEFAULT_MAX, &got),
                       TILL_FRAME_NEED_MORE);
    }
    uint32_t got = LEN_SENTINEL;
    assert_int_equal(check_exact(buf, TILL_FRAME_HEADER, TILL_FRAME_DEFAULT_MAX, &got),
                     cases[c].once_complete);
    assert_int_equal(got, cases[c].len);
  }
}

static void
test_check_need_more_partial_payload(void **state)
{
  uint8_t buf[TILL_FRAME_HEADER + 10];
  (void)state;
  till_frame_put_header(buf, 10);
  memset(buf + TILL_FRAME_HEADER, 'p', 10);
  /* header only, then every partial payload up to 9 of 10 bytes */
  for (size_t have = 0; have < 10; have++) {
    uint32_t got = LEN_SENTINEL;
    assert_int_equal(check_exact(buf, TILL_FRAME_HEADER + have, TILL_FRAME_DEFAULT_MAX, &got),
                     TILL_FRAME_NEED_MORE);
    assert_int_equal(got, 10);
  }
  uint32_t got = LEN_SENTINEL;
  assert_int_equal(check_exact(buf, TILL_FRAME_HEADER + 10, TILL_FRAME_DEFAULT_MAX, &got),
                   TILL_FRAME_OK);
  assert_int_equal(got, 10);
}

/* ---- complete frames ---- */

static void
test_check_ok_exact(void **state)
{
  uint8_t buf[TILL_FRAME_HEADER + 1];
  uint32_t got = LEN_SENTINEL;
  (void)state;
  till_frame_put_header(buf, 1);
  buf[4] = 0x42;
  assert_int_equal(check_exact(buf, sizeof buf, TILL_FRAME_DEFAULT_MAX, &got), TILL_FRAME_OK);
  assert_int_equal(got, 1);
}

/* Pipelined frames: extra bytes after the first frame do not change the
 * answer, whether they hold a whole second frame or only part of one. */
static void
test_check_ok_with_trailing_bytes(void **state)
{
  uint8_t buf[2 * TILL_FRAME_HEADER + 5 + 3];
  (void)state;
  till_frame_put_header(buf, 5);
  memcpy(buf + 4, "hello", 5);
  till_frame_put_header(buf + 9, 3);
  memcpy(buf + 13, "abc", 3);

  for (size_t avail = 9; avail <= sizeof buf; avail++) {
    uint32_t got = LEN_SENTINEL;
    assert_int_equal(check_exact(buf, avail, TILL_FRAME_DEFAULT_MAX, &got), TILL_FRAME_OK);
    assert_int_equal(got, 5);
  }
  /* and the second frame on its own */
  uint32_t got = LEN_SENTINEL;
  assert_int_equal(check_exact(buf + 9, 7, TILL_FRAME_DEFAULT_MAX, &got), TILL_FRAME_OK);
  assert_int_equal(got, 3);
}

/* ---- protocol errors ---- */

static void
test_check_empty(void **state)
{
  uint8_t buf[TILL_FRAME_HEADER + 4];
  (void)state;
  memset(buf, 0, sizeof buf);
  uint32_t got = LEN_SENTINEL;
  assert_int_equal(check_exact(buf, TILL_FRAME_HEADER, TILL_FRAME_DEFAULT_MAX, &got),
                   TILL_FRAME_EMPTY);
  assert_int_equal(got, 0);
  /* bytes after it do not make it valid */
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(buf, sizeof buf, TILL_FRAME_DEFAULT_MAX, &got), TILL_FRAME_EMPTY);
  assert_int_equal(got, 0);
  /* nor does the largest max */
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(buf, sizeof buf, UINT32_MAX, &got), TILL_FRAME_EMPTY);
  assert_int_equal(got, 0);
}

/* TOO_LARGE is decided from the header alone: the peer must not be able to
 * make us wait for (and buffer) an oversized payload. */
static void
test_check_too_large(void **state)
{
  uint8_t hdr[TILL_FRAME_HEADER];
  uint32_t got;
  (void)state;

  till_frame_put_header(hdr, TILL_FRAME_DEFAULT_MAX + 1);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(hdr, sizeof hdr, TILL_FRAME_DEFAULT_MAX, &got),
                   TILL_FRAME_TOO_LARGE);
  assert_int_equal(got, TILL_FRAME_DEFAULT_MAX + 1);

  till_frame_put_header(hdr, 0xffffffffu);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(hdr, sizeof hdr, TILL_FRAME_DEFAULT_MAX, &got),
                   TILL_FRAME_TOO_LARGE);
  assert_int_equal(got, 0xffffffffu);

  till_frame_put_header(hdr, 0xffffffffu);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(hdr, sizeof hdr, TILL_FRAME_LIMIT_MAX, &got),
                   TILL_FRAME_TOO_LARGE);
  assert_int_equal(got, 0xffffffffu);

  /* a small configured max */
  till_frame_put_header(hdr, 17);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(hdr, sizeof hdr, 16, &got), TILL_FRAME_TOO_LARGE);
  assert_int_equal(got, 17);
}

static void
test_check_exactly_max(void **state)
{
  (void)state;
  /* small max: a whole frame of exactly max bytes is OK */
  uint8_t small[TILL_FRAME_HEADER + 16];
  till_frame_put_header(small, 16);
  memset(small + 4, 's', 16);
  uint32_t got = LEN_SENTINEL;
  assert_int_equal(check_exact(small, sizeof small, 16, &got), TILL_FRAME_OK);
  assert_int_equal(got, 16);
  /* max = 1: the smallest legal frame */
  till_frame_put_header(small, 1);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(small, 5, 1, &got), TILL_FRAME_OK);
  assert_int_equal(got, 1);

  /* the default max, with the whole payload present */
  size_t total = TILL_FRAME_HEADER + TILL_FRAME_DEFAULT_MAX;
  uint8_t *big = calloc(1, total);
  assert_non_null(big);
  till_frame_put_header(big, TILL_FRAME_DEFAULT_MAX);
  got = LEN_SENTINEL;
  assert_int_equal(till_frame_check(big, total, TILL_FRAME_DEFAULT_MAX, &got), TILL_FRAME_OK);
  assert_int_equal(got, TILL_FRAME_DEFAULT_MAX);
  got = LEN_SENTINEL;
  assert_int_equal(till_frame_check(big, total - 1, TILL_FRAME_DEFAULT_MAX, &got),
                   TILL_FRAME_NEED_MORE);
  assert_int_equal(got, TILL_FRAME_DEFAULT_MAX);
  free(big);

  /* max = UINT32_MAX: the largest header is not too large, only incomplete */
  uint8_t hdr[TILL_FRAME_HEADER];
  till_frame_put_header(hdr, UINT32_MAX);
  got = LEN_SENTINEL;
  assert_int_equal(check_exact(hdr, sizeof hdr, UINT32_MAX, &got), TILL_FRAME_NEED_MORE);
  assert_int_equal(got, UINT32_MAX);
}

/* ---- a stream of frames ---- */

/* Append a frame of <len> bytes, each payload byte derived from <tag>. */
static size_t
append_frame(uint8_t *buf, size_t at, uint32_t len, uint8_t tag)
{
  till_frame_put_header(buf + at, len);
  for (uint32_t i = 0; i < len; i++)
    buf[at + TILL_FRAME_HEADER + i] = (uint8_t)(tag + i);
  return at + TILL_FRAME_HEADER + len;
}

static void
expect_payload(const uint8_t *p, uint32_t len, uint8_t tag)
{
  for (uint32_t i = 0; i < len; i++)
    assert_int_equal(p[i], (uint8_t)(tag + i));
}

static const uint32_t stream_lens[] = { 1, 5, 300, 1, 4, 0x1234, 2 };
#define STREAM_N (sizeof stream_lens / sizeof stream_lens[0])

static size_t
build_stream(uint8_t *buf)
{
  size_t at = 0;
  for (size_t i = 0; i < STREAM_N; i++)
    at = append_frame(buf, at, stream_lens[i], (uint8_t)(i * 37));
  return at;
}

/* Everything already in the buffer: check, consume, repeat. */
static void
test_decode_stream_all_at_once(void **state)
{
  static uint8_t buf[STREAM_N * TILL_FRAME_HEADER + 0x2000];
  (void)state;
  size_t total = build_stream(buf);
  uint8_t *copy = malloc(total);
  assert_non_null(copy);
  memcpy(copy, buf, total);

  size_t off = 0, frames = 0;
  for (;;) {
    uint32_t len = LEN_SENTINEL;
    till_frame_result_t r = till_frame_check(copy + off, total - off, TILL_FRAME_DEFAULT_MAX, &len);
    if (r == TILL_FRAME_NEED_MORE)
      break;
    assert_int_equal(r, TILL_FRAME_OK);
    assert_true(frames < STREAM_N);
    assert_int_equal(len, stream_lens[frames]);
    expect_payload(copy + off + TILL_FRAME_HEADER, len, (uint8_t)(frames * 37));
    off += TILL_FRAME_HEADER + len;
    frames++;
  }
  assert_int_equal(frames, STREAM_N);
  assert_int_equal(off, total);
  free(copy);
}

/* Bytes arrive in chunks of <chunk>; after each arrival the reader takes out
 * every complete frame, as the server's read callback does. */
static void
decode_in_chunks(size_t chunk)
{
  static uint8_t buf[STREAM_N * TILL_FRAME_HEADER + 0x2000];
  size_t total = build_stream(buf);
  uint8_t *pending = malloc(total);
  assert_non_null(pending);
  size_t have = 0, frames = 0, fed = 0;

  while (fed < total) {
    size_t n = total - fed < chunk ? total - fed : chunk;
    memcpy(pending + have, buf + fed, n);
    have += n;
    fed += n;
    for (;;) {
      uint32_t len = LEN_SENTINEL;
      till_frame_result_t r = check_exact(pending, have, TILL_FRAME_DEFAULT_MAX, &len);
      if (r == TILL_FRAME_NEED_MORE)
        break;
      assert_int_equal(r, TILL_FRAME_OK);
      assert_true(frames < STREAM_N);
      assert_int_equal(len, stream_lens[frames]);
      expect_payload(pending + TILL_FRAME_HEADER, len, (uint8_t)(frames * 37));
      size_t used = TILL_FRAME_HEADER + len;
      memmove(pending, pending + used, have - used);
      have -= used;
      frames++;
    }
  }
  assert_int_equal(frames, STREAM_N);
  assert_int_equal(have, 0);
  free(pending);
}

static void
test_decode_stream_in_chunks(void **state)
{
  (void)state;
  decode_in_chunks(1);
  decode_in_chunks(3);
  decode_in_chunks(7);
  decode_in_chunks(4096);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_put_header_big_endian),
    cmocka_unit_test(test_put_header_round_trip),
    cmocka_unit_test(test_check_need_more_short_header),
    cmocka_unit_test(test_check_split_header_byte_by_byte),
    cmocka_unit_test(test_check_need_more_partial_payload),
    cmocka_unit_test(test_check_ok_exact),
    cmocka_unit_test(test_check_ok_with_trailing_bytes),
    cmocka_unit_test(test_check_empty),
    cmocka_unit_test(test_check_too_large),
    cmocka_unit_test(test_check_exactly_max),
    cmocka_unit_test(test_decode_stream_all_at_once),
    cmocka_unit_test(test_decode_stream_in_chunks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
