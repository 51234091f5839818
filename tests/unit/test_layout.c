/* test_layout.c -- display cells, wrapping and tables on mixed Chinese and
 * Latin text: widths agree with glibc's wcwidth in a UTF-8 locale, a wrap
 * never cuts a word and never loses a character, and a table's columns line
 * up in cells whatever the script of its cells. */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "layout.h"

/* Our widths against the C library's, over the scripts a Chinese office
 * prints: Latin, punctuation, CJK ideographs and their punctuation, and the
 * fullwidth forms. */
static void
test_width_agrees_with_wcwidth(void **state)
{
  (void)state;
  if (!setlocale(LC_CTYPE, "C.UTF-8"))
    skip();
  static const unsigned ranges[][2] = {
    {0x20, 0x7e}, {0xa0, 0x2ff}, {0x2000, 0x206f}, {0x3000, 0x303f},
    {0x3040, 0x30ff}, {0x4e00, 0x9fff}, {0xac00, 0xd7a3}, {0xff00, 0xffef},
  };
  for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
    for (unsigned cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
      int theirs = wcwidth((wchar_t)cp);
      if (theirs < 0)
        continue; /* not printable: not ours to judge */
      if (layout_cp_width(cp) != theirs) {
        print_error("U+%04X: layout %d, wcwidth %d\n", cp, layout_cp_width(cp), theirs);
        fail();
      }
    }
}

static void
test_widths(void **state)
{
  (void)state;
  assert_int_equal(0, layout_width(""));
  assert_int_equal(7, layout_width("Parking"));
  assert_int_equal(10, layout_width("路边停车费"));
  assert_int_equal(17, layout_width("陈欠 2024-25 每平"));      /* 4 + 1 + 7 + 1 + 4 */
  assert_int_equal(12, layout_width("京A·12345 车"));           /* · is narrow */
  assert_int_equal(6, layout_width("（小）"));                  /* fullwidth brackets */
  assert_int_equal(1, layout_width("e\xcc\x81"));               /* e + combining acute */
}

/* Wrap <s> to <cells> and join the lines with '|'. */
static void
wrap_all(const char *s, int cells, char *out, size_t len)
{
  const char *rest = s;
  size_t used = 0;
  out[0] = '\0';
  for (int guard = 0; *rest && guard < 100; guard++) {
    const char *line = rest + strspn(rest, " ");
    size_t n = layout_wrap(rest, cells, &rest);
    if (n == 0)
      break;
    assert_true(used + n + 2 < len);
    if (used)
      out[used++] = '|';
    memcpy(out + used, line, n);
    used += n;
    out[used] = '\0';
    char piece[256];
    memcpy(piece, line, n);
    piece[n] = '\0';
    if (layout_width(piece) > (cells < 2 ? 2 : cells)) { /* one character is the least */
      print_error("line '%s' is %d cells wide, more than %d\n", piece, layout_width(piece), cells);
      fail();
    }
  }
}

static void
test_wrap(void **state)
{
  (void)state;
  char out[512];
  wrap_all("临时停车费（小型汽车）每小时计费标准", 18, out, sizeof out);
  assert_string_equal("临时停车费（小型汽|车）每小时计费标准", out);
  wrap_all("Annual heating, complex B", 18, out, sizeof out);
  assert_string_equal("Annual heating,|complex B", out);
  /* Latin words are whole; CJK breaks between characters */
  wrap_all("陈欠 2024-25 per m2 heating", 18, out, sizeof out);
  assert_string_equal("陈欠 2024-25 per|m2 heating", out);
  /* closing punctuation stays with the character before it */
  wrap_all("一二三四五六七八九，十", 18, out, sizeof out);
  assert_string_equal("一二三四五六七八|九，十", out);
  /* a word wider than the line is split, nothing is lost */
  wrap_all("HT2026-00000001-verylongcode", 10, out, sizeof out);
  assert_string_equal("HT2026-000|00001-very|longcode", out);
  /* a run of spaces at the break is not part of either line */
  wrap_all("abcd  e", 4, out, sizeof out);
  assert_string_equal("abcd|e", out);
  wrap_all("ab  cd  ef", 5, out, sizeof out);
  assert_string_equal("ab|cd|ef", out);
  /* a combining mark stays with its character */
  wrap_all("\xe4\xb8\xad\xcc\x81X", 2, out, sizeof out);
  assert_string_equal("\xe4\xb8\xad\xcc\x81|X", out);
  wrap_all("   ", 10, out, sizeof out);
  assert_string_equal("", out);
  wrap_all("短", 1, out, sizeof out); /* narrower than one character: still moves on */
  assert_string_equal("短", out);
}

static void
test_wrapped_lines(void **state)
{
  (void)state;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  layout_wrapped(f, "Memo      ", 10, "车牌 京A·12345，业主 3-2-1101 张三 已结清 2024-25 陈欠", 32);
  fclose(f);
  /* the first line is exactly 32 cells: 4+1+9+2+4+1+8+1+2 */
  assert_string_equal("Memo      车牌 京A·12345，业主 3-2-1101 张\n"
                      "          三 已结清 2024-25 陈欠\n",
                      buf);
  free(buf);
}

static void
test_table_aligns_in_cells(void **state)
{
  (void)state;
  layout_table_t *t = layout_table_new(3, "llr");
  assert_non_null(t);
  assert_int_equal(0, layout_table_add(t, "项目", "名称", "金额"));
  assert_int_equal(0, layout_table_add(t, "HEAT", "采暖费 2025-26", "2462.50"));
  assert_int_equal(0, layout_table_add(t, "PARK", "Parking", "5.00"));
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  layout_table_print(t, f, "");
  fclose(f);
  layout_table_free(t);
  assert_string_equal("项目  名称               金额\n"
                      "HEAT  采暖费 2025-26  2462.50\n"
                      "PARK  Parking            5.00\n",
                      buf);
  /* every line is as wide in cells */
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
    assert_int_equal(29, layout_width(line));
  free(buf);
  assert_null(layout_table_new(2, "l"));
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_width_agrees_with_wcwidth),
    cmocka_unit_test(test_widths),
    cmocka_unit_test(test_wrap),
    cmocka_unit_test(test_wrapped_lines),
    cmocka_unit_test(test_table_aligns_in_cells),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
