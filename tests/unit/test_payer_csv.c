/* test_payer_csv.c -- the payer import file reader of client/payer_csv.c:
 * plain and quoted fields ("" is a quote, a comma inside quotes is text),
 * spaces around fields trimmed, LF and CRLF, the line each record begins
 * on (a quoted newline moves it), and a bad record -- an unclosed quote, a
 * quote inside an unquoted field, text after a closing quote -- reported
 * with its field while reading goes on at the next line. The header maps
 * English or Chinese names to columns and refuses an unknown name, a name
 * twice and a missing required column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payer_csv.h"

static void
test_fields(void **state)
{
  char text[] = "a, b ,\"c,\"\"d\"\"\" ,\r\n\"x\ny\",2\nlast";
  char *cur = text;
  size_t line = 1, field;
  const char *why = NULL;
  csv_rec_t r;
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(1, r.line);
  assert_int_equal(4, r.nf);
  assert_string_equal("a", r.f[0]);
  assert_string_equal("b", r.f[1]);
  assert_string_equal("c,\"d\"", r.f[2]);
  assert_string_equal("", r.f[3]);
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(2, r.line);
  assert_int_equal(2, r.nf);
  assert_string_equal("x\ny", r.f[0]);
  assert_string_equal("2", r.f[1]);
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(4, r.line); /* the quoted newline took line 3 */
  assert_int_equal(1, r.nf);
  assert_string_equal("last", r.f[0]);
  assert_int_equal(0, csv_next(&cur, &line, &r, &field, &why));
}

static void
test_bad_records(void **state)
{
  char text[] = "a,b\"c,d\nok,1\n\"x\" y,2\nfine\n\"open,3";
  char *cur = text;
  size_t line = 1, field = 99;
  const char *why = NULL;
  csv_rec_t r;
  assert_int_equal(-1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(1, field);
  assert_string_equal("a quote inside a field that does not begin with one", why);
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(2, r.line);
  assert_string_equal("ok", r.f[0]);
  assert_int_equal(-1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(3, r.line);
  assert_int_equal(0, field);
  assert_string_equal("text after the closing quote of a field", why);
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_string_equal("fine", r.f[0]);
  assert_int_equal(4, r.line);
  assert_int_equal(-1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(5, r.line);
  assert_string_equal("a quoted field is not closed", why);
  assert_int_equal(0, csv_next(&cur, &line, &r, &field, &why));
}

static void
test_too_many_fields(void **state)
{
  char text[64];
  memset(text, ',', CSV_FIELDS_MAX);
  snprintf(text + CSV_FIELDS_MAX, sizeof text - CSV_FIELDS_MAX, "\nz");
  char *cur = text;
  size_t line = 1, field;
  const char *why = NULL;
  csv_rec_t r;
  assert_int_equal(-1, csv_next(&cur, &line, &r, &field, &why));
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  assert_string_equal("z", r.f[0]);
  assert_int_equal(2, r.line);
}

static int
header(char *text, int col_of[PAYER_COLS], const char **name)
{
  char *cur = text;
  size_t line = 1, field;
  const char *why;
  csv_rec_t r;
  assert_int_equal(1, csv_next(&cur, &line, &r, &field, &why));
  return payer_csv_header(&r, col_of, name);
}

static void
test_header(void **state)
{
  int col[PAYER_COLS];
  const char *name = NULL;
  char h1[] = "occupancy,面积,unit,业主,小区";
  assert_int_equal(CSV_HEADER_OK, header(h1, col, &name));
  assert_int_equal(0, col[PAYER_COL_OCCUPANCY]);
  assert_int_equal(1, col[PAYER_COL_AREA]);
  assert_int_equal(2, col[PAYER_COL_UNIT]);
  assert_int_equal(3, col[PAYER_COL_OWNER]);
  assert_int_equal(4, col[PAYER_COL_COMPLEX]);
  assert_int_equal(-1, col[PAYER_COL_PHONE]);
  assert_int_equal(-1, col[PAYER_COL_TAGS]);
  char h2[] = "complex,unit,owner,area,occupancy,size";
  assert_int_equal(CSV_HEADER_UNKNOWN, header(h2, col, &name));
  assert_string_equal("size", name);
  char h3[] = "complex,unit,owner,area,occupancy,房号";
  assert_int_equal(CSV_HEADER_TWICE, header(h3, col, &name));
  assert_string_equal("房号", name);
  char h4[] = "complex,unit,owner,occupancy";
  assert_int_equal(CSV_HEADER_LACKS, header(h4, col, &name));
  assert_string_equal("area", name);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fields),
    cmocka_unit_test(test_bad_records),
    cmocka_unit_test(test_too_many_fields),
    cmocka_unit_test(test_header),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
