/* test_conf.c -- unit tests for common/till_conf.
 *
 * Covers the accepted syntax (comments, blank lines, trimming, CRLF, values
 * with '=' and spaces, empty values, a last line without newline), every
 * rejection with the line number the message must carry (missing '=', bad
 * key characters, duplicate keys naming the earlier line, over-long lines,
 * NUL bytes, too many settings, too much input), and till_conf_load on a
 * missing file and on a real temporary file.
 *
 * Inputs are parsed from heap copies of exactly <len> bytes without a
 * terminating NUL, so reading past <len> is caught by AddressSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "till_conf.h"

#define ERRLEN 256

/* Parse a heap copy of exactly len bytes. */
static till_conf_t *
parse_n(const char *text, size_t len, char *err, size_t errlen)
{
  char *copy = malloc(len ? len : 1);
  assert_non_null(copy);
  memcpy(copy, text, len);
  till_conf_t *conf = till_conf_parse(copy, len, err, errlen);
  free(copy);
  return conf;
}

static till_conf_t *
parse_ok(const char *text)
{
  char err[ERRLEN] = "";
  till_conf_t *conf = parse_n(text, strlen(text), err, sizeof err);
  if (!conf)
    fail_msg("parse failed: %s", err);
  return conf;
}

/* Expect a parse error whose message contains each of the given fragments. */
static void
expect_error_n(const char *text, size_t len, const char *frag1, const char *frag2)
{
  char err[ERRLEN];
  memset(err, 0, sizeof err);
  till_conf_t *conf = parse_n(text, len, err, sizeof err);
  if (conf) {
    till_conf_free(conf);
    fail_msg("accepted, expected an error containing '%s'", frag1);
  }
  if (frag1 && !strstr(err, frag1))
    fail_msg("error '%s' does not contain '%s'", err, frag1);
  if (frag2 && !strstr(err, frag2))
    fail_msg("error '%s' does not contain '%s'", err, frag2);
}

static void
expect_error(const char *text, const char *frag1, const char *frag2)
{
  expect_error_n(text, strlen(text), frag1, frag2);
}

static void
expect_entry(const till_conf_t *conf, size_t i, const char *key, const char *value, int line)
{
  assert_true(i < conf->n);
  assert_string_equal(conf->entries[i].key, key);
  assert_string_equal(conf->entries[i].value, value);
  assert_int_equal(conf->entries[i].line, line);
}

/* ---- accepted input ---- */

static void
test_parse_basic(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("listen = 127.0.0.1:7000\n"
                               "db_path = /var/lib/till/till.db\n"
                               "max_frame=1048576\n");
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "listen", "127.0.0.1:7000", 1);
  expect_entry(conf, 1, "db_path", "/var/lib/till/till.db", 2);
  expect_entry(conf, 2, "max_frame", "1048576", 3);
  till_conf_free(conf);
}

static void
test_parse_comments_and_blank_lines(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("# Till server configuration\n"
                               "\n"
                               "   \n"
                               "\t\n"
                               "   # indented comment = not a setting\n"
                               "a = 1\n"
                               "#b = 2\n"
                               "\n"
                               "c = 3\n");
  assert_int_equal(conf->n, 2);
  expect_entry(conf, 0, "a", "1", 6);
  expect_entry(conf, 1, "c", "3", 9);
  till_conf_free(conf);
}

static void
test_parse_trims_whitespace(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("   key_1   =   value one   \n"
                               "\tkey2\t=\tv\t\n");
  assert_int_equal(conf->n, 2);
  /* inner blanks of the value are kept */
  expect_entry(conf, 0, "key_1", "value one", 1);
  expect_entry(conf, 1, "key2", "v", 2);
  till_conf_free(conf);
}

static void
test_parse_crlf(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("# comment\r\n"
                               "\r\n"
                               "a = 1\r\n"
                               "b = two words \r\n"
                               "c =\r\n");
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "a", "1", 3);
  expect_entry(conf, 1, "b", "two words", 4);
  expect_entry(conf, 2, "c", "", 5);
  till_conf_free(conf);
}

static void
test_parse_value_with_equals_and_spaces(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("dsn = host=db user=till  password=a=b\n"
                               "greeting = Welcome to lane 3 = exit\n"
                               "eq = =\n");
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "dsn", "host=db user=till  password=a=b", 1);
  expect_entry(conf, 1, "greeting", "Welcome to lane 3 = exit", 2);
  expect_entry(conf, 2, "eq", "=", 3);
  till_conf_free(conf);
}

static void
test_parse_empty_value(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("a =\n"
                               "b=\n"
                               "c =    \t\n");
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "a", "", 1);
  expect_entry(conf, 1, "b", "", 2);
  expect_entry(conf, 2, "c", "", 3);
  till_conf_free(conf);
}

static void
test_parse_last_line_without_newline(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("a = 1\nlast = end");
  assert_int_equal(conf->n, 2);
  expect_entry(conf, 0, "a", "1", 1);
  expect_entry(conf, 1, "last", "end", 2);
  till_conf_free(conf);

  conf = parse_ok("only=x");
  assert_int_equal(conf->n, 1);
  expect_entry(conf, 0, "only", "x", 1);
  till_conf_free(conf);
}

static void
test_parse_empty_input(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("");
  assert_int_equal(conf->n, 0);
  till_conf_free(conf);
  conf = parse_ok("# nothing\n\n");
  assert_int_equal(conf->n, 0);
  till_conf_free(conf);
  till_conf_free(NULL);
}

static void
test_parse_key_chars(void **state)
{
  (void)state;
  till_conf_t *conf = parse_ok("abc_xyz_0123456789 = ok\n_ = u\n9 = d\n");
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "abc_xyz_0123456789", "ok", 1);
  expect_entry(conf, 1, "_", "u", 2);
  expect_entry(conf, 2, "9", "d", 3);
  till_conf_free(conf);
}

/* ---- rejected input: each message names the line ---- */

static void
test_error_missing_equals(void **state)
{
  (void)state;
  expect_error("a = 1\nlisten 127.0.0.1\n", "line 2:", NULL);
  expect_error("a = 1\n\n# c\njustakey\n", "line 4:", NULL);
  expect_error("a = 1\nkey\n", "line 2:", NULL);
  expect_error("= value\n", "line 1:", NULL);
  expect_error("  = value\n", "line 1:", NULL);
}

static void
test_error_bad_key_chars(void **state)
{
  (void)state;
  expect_error("Listen = 1\n", "line 1:", NULL);
  expect_error("a = 1\nmaxFrame = 2\n", "line 2:", NULL);
  expect_error("a = 1\nb = 2\nmax-frame = 3\n", "line 3:", NULL);
  expect_error("a.b = 1\n", "line 1:", NULL);
  expect_error("a b = 1\n", "line 1:", NULL);
  expect_error("k\xc3\xa9 = 1\n", "line 1:", NULL);
}

static void
test_error_duplicate_key(void **state)
{
  (void)state;
  /* the message names the later line, the key and the earlier line */
  expect_error("listen = a\n# comment\n\nlisten = b\n", "line 4:", "line 1");
  expect_error("listen = a\n# comment\n\nlisten = b\n", "listen", NULL);
  expect_error("a = 1\nb = 2\nc = 3\nb = 2\n", "line 4:", "line 2");
  /* the same value is still a duplicate */
  expect_error("x=1\nx=1\n", "line 2:", "line 1");
}

static void
test_error_line_too_long(void **state)
{
  (void)state;
  char buf[TILL_CONF_MAX_LINE + 64];

  /* exactly TILL_CONF_MAX_LINE characters is accepted */
  memset(buf, 'v', sizeof buf);
  memcpy(buf, "k = ", 4);
  buf[TILL_CONF_MAX_LINE] = '\n';
  char err[ERRLEN] = "";
  till_conf_t *conf = parse_n(buf, TILL_CONF_MAX_LINE + 1, err, sizeof err);
  if (!conf)
    fail_msg("%d-character line rejected: %s", TILL_CONF_MAX_LINE, err);
  assert_int_equal(conf->n, 1);
  assert_int_equal(strlen(conf->entries[0].value), TILL_CONF_MAX_LINE - 4);
  till_conf_free(conf);

  /* one more is rejected, also as the second line and without newline */
  char text[2 * TILL_CONF_MAX_LINE];
  memcpy(text, "a = 1\n", 6);
  memset(text + 6, 'v', TILL_CONF_MAX_LINE + 1);
  memcpy(text + 6, "k = ", 4);
  expect_error_n(text, 6 + TILL_CONF_MAX_LINE + 1, "line 2:", NULL);
  text[6 + TILL_CONF_MAX_LINE + 1] = '\n';
  expect_error_n(text, 6 + TILL_CONF_MAX_LINE + 2, "line 2:", NULL);
  /* a long comment is still a long line */
  memset(text, '#', TILL_CONF_MAX_LINE + 1);
  expect_error_n(text, TILL_CONF_MAX_LINE + 1, "line 1:", NULL);
}

static void
test_error_nul_byte(void **state)
{
  (void)state;
  static const char in_value[] = "a = 1\nb = x\0y\nc = 3\n";
  expect_error_n(in_value, sizeof in_value - 1, "line 2:", NULL);
  static const char in_comment[] = "a = 1\nb = 2\n# x\0\n";
  expect_error_n(in_comment, sizeof in_comment - 1, "line 3:", NULL);
  static const char alone[] = "\0";
  expect_error_n(alone, 1, "line 1:", NULL);
}

static void
test_error_too_many_entries(void **state)
{
  (void)state;
  size_t cap = (TILL_CONF_MAX_ENTRIES + 1) * 16;
  char *text = malloc(cap);
  assert_non_null(text);
  size_t len = 0;
  for (int i = 0; i < TILL_CONF_MAX_ENTRIES; i++)
    len += (size_t)snprintf(text + len, cap - len, "k%d = %d\n", i, i);

  /* exactly the maximum is fine */
  char err[ERRLEN] = "";
  till_conf_t *conf = parse_n(text, len, err, sizeof err);
  if (!conf)
    fail_msg("%d settings rejected: %s", TILL_CONF_MAX_ENTRIES, err);
  assert_int_equal(conf->n, TILL_CONF_MAX_ENTRIES);
  expect_entry(conf, TILL_CONF_MAX_ENTRIES - 1, "k127", "127", TILL_CONF_MAX_ENTRIES);
  till_conf_free(conf);

  /* one more is not */
  len += (size_t)snprintf(text + len, cap - len, "one_more = x\n");
  char want[32];
  snprintf(want, sizeof want, "line %d:", TILL_CONF_MAX_ENTRIES + 1);
  expect_error_n(text, len, want, NULL);
  free(text);
}

static void
test_error_input_too_big(void **state)
{
  (void)state;
  /* TILL_CONF_MAX_BYTES of short comment lines is accepted ... */
  size_t len = TILL_CONF_MAX_BYTES + 1;
  char *text = malloc(len);
  assert_non_null(text);
  for (size_t i = 0; i < len; i++)
    text[i] = (i % 64 == 63) ? '\n' : '#';
  char err[ERRLEN] = "";
  till_conf_t *conf = parse_n(text, TILL_CONF_MAX_BYTES, err, sizeof err);
  if (!conf)
    fail_msg("%d bytes rejected: %s", TILL_CONF_MAX_BYTES, err);
  assert_int_equal(conf->n, 0);
  till_conf_free(conf);
  /* ... one byte more is not */
  expect_error_n(text, len, "larger", NULL);
  free(text);
}

/* A short err buffer truncates the message; it is still NUL-terminated. */
static void
test_error_short_buffer(void **state)
{
  (void)state;
  char err[8];
  memset(err, 'x', sizeof err);
  assert_null(parse_n("bad line\n", 9, err, sizeof err));
  assert_non_null(memchr(err, '\0', sizeof err));
  assert_true(strncmp(err, "line 1:", 7) == 0);
}

/* ---- till_conf_load ---- */

static void
test_load_missing_file(void **state)
{
  (void)state;
  const char *path = "/nonexistent-till-dir/till-no-such.conf";
  char err[ERRLEN] = "";
  assert_null(till_conf_load(path, err, sizeof err));
  if (!strstr(err, path))
    fail_msg("error '%s' does not name the path", err);
}

/* Write <len> bytes to a new temp file; returns its path in tmpl. */
static void
write_temp(char *tmpl, const char *text, size_t len)
{
  int fd = mkstemp(tmpl);
  assert_true(fd >= 0);
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    assert_true(w > 0);
    off += (size_t)w;
  }
  assert_int_equal(close(fd), 0);
}

static void
test_load_file(void **state)
{
  (void)state;
  char path[] = "/tmp/till_conf_test_XXXXXX";
  const char *text = "# tilld\r\nlisten = 127.0.0.1:7443\r\n\r\ncert = /etc/till/server.crt\n"
                     "banner = hello = world";
  write_temp(path, text, strlen(text));
  char err[ERRLEN] = "";
  till_conf_t *conf = till_conf_load(path, err, sizeof err);
  unlink(path);
  if (!conf)
    fail_msg("load failed: %s", err);
  assert_int_equal(conf->n, 3);
  expect_entry(conf, 0, "listen", "127.0.0.1:7443", 2);
  expect_entry(conf, 1, "cert", "/etc/till/server.crt", 4);
  expect_entry(conf, 2, "banner", "hello = world", 5);
  till_conf_free(conf);
}

static void
test_load_file_with_error(void **state)
{
  (void)state;
  char path[] = "/tmp/till_conf_test_XXXXXX";
  const char *text = "a = 1\nBad = 2\n";
  write_temp(path, text, strlen(text));
  char err[ERRLEN] = "";
  till_conf_t *conf = till_conf_load(path, err, sizeof err);
  unlink(path);
  assert_null(conf);
  if (!strstr(err, path) || !strstr(err, "line 2:"))
    fail_msg("error '%s' should name the path and line 2", err);
}

static void
test_load_file_too_big(void **state)
{
  (void)state;
  char path[] = "/tmp/till_conf_test_XXXXXX";
  size_t len = TILL_CONF_MAX_BYTES + 100;
  char *text = malloc(len);
  assert_non_null(text);
  for (size_t i = 0; i < len; i++)
    text[i] = (i % 64 == 63) ? '\n' : '#';
  write_temp(path, text, len);
  free(text);
  char err[ERRLEN] = "";
  till_conf_t *conf = till_conf_load(path, err, sizeof err);
  unlink(path);
  assert_null(conf);
  if (!strstr(err, path) || !strstr(err, "larger"))
    fail_msg("error '%s' should name the path and the size limit", err);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_basic),
    cmocka_unit_test(test_parse_comments_and_blank_lines),
    cmocka_unit_test(test_parse_trims_whitespace),
    cmocka_unit_test(test_parse_crlf),
    cmocka_unit_test(test_parse_value_with_equals_and_spaces),
    cmocka_unit_test(test_parse_empty_value),
    cmocka_unit_test(test_parse_last_line_without_newline),
    cmocka_unit_test(test_parse_empty_input),
    cmocka_unit_test(test_parse_key_chars),
    cmocka_unit_test(test_error_missing_equals),
    cmocka_unit_test(test_error_bad_key_chars),
    cmocka_unit_test(test_error_duplicate_key),
    cmocka_unit_test(test_error_line_too_long),
    cmocka_unit_test(test_error_nul_byte),
    cmocka_unit_test(test_error_too_many_entries),
    cmocka_unit_test(test_error_input_too_big),
    cmocka_unit_test(test_error_short_buffer),
    cmocka_unit_test(test_load_missing_file),
    cmocka_unit_test(test_load_file),
    cmocka_unit_test(test_load_file_with_error),
    cmocka_unit_test(test_load_file_too_big),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
