/* test_i18n.c -- the client's translation of the server's English
 * messages: a message is matched against the server's formats, the figures
 * and names are taken out, and the translation is filled with them, also
 * when the translation puts them in another order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"

/* A catalog of three formats, independent of the .mo files. */
static const char *
fake_translate(const char *msgid)
{
  if (strcmp(msgid, "tendered %s is less than the total %s") == 0)
    return "收到金额 %s 元少于应收 %s 元";
  if (strcmp(msgid, "no open shift of %s on %s: open one with 'till shift open --count ...'") == 0)
    return "%2$s 上没有 %1$s 的当班班次：请先用 till shift open --count … 开班";
  if (strcmp(msgid, "line %zu: quantity %lld is outside 1..%d") == 0)
    return "第 %zu 行：数量 %lld 不在 1..%d 之内";
  if (strcmp(msgid, "shift %lld is %s") == 0)
    return "班次 %lld：%s";
  if (strcmp(msgid, "shift %lld is still open") == 0)
    return "班次 %lld 尚未交班";
  if (strcmp(msgid, "%s is required") == 0)
    return "%s 为必填项";
  if (strcmp(msgid, "shift %<PRId64> is 100%% done") == 0)
    return "班次 %<PRId64> 已 100%% 完成";
  return msgid;
}

static const char *const formats[] = {
  "shift %<PRId64> is 100%% done",
  "tendered %s is less than the total %s",
  "no open shift of %s on %s: open one with 'till shift open --count ...'",
  "line %zu: quantity %lld is outside 1..%d",
  "an untranslated %s",
  "shift %lld is %s",
  "%s is required",
  "shift %lld is still open",
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

static void
expect_translation(const char *msg, const char *want)
{
  char out[512];
  assert_int_equal(1, i18n_translate_with(formats, N_FORMATS, fake_translate, msg, out, sizeof out));
  assert_string_equal(want, out);
}

static void
test_figures_carried_over(void **state)
{
  (void)state;
  expect_translation("tendered 100.00 is less than the total 1,120.00",
                     "收到金额 100.00 元少于应收 1,120.00 元");
  expect_translation("line 3: quantity 0 is outside 1..1000000",
                     "第 3 行：数量 0 不在 1..1000000 之内");
  expect_translation("shift 42 is 100% done", "班次 42 已 100% 完成");
}

static void
test_reordered_arguments(void **state)
{
  (void)state;
  expect_translation("no open shift of carol on T-LANE-01: open one with 'till shift open --count ...'",
                     "T-LANE-01 上没有 carol 的当班班次：请先用 till shift open --count … 开班");
}

/* Of several formats that match, the one with the most literal text wins,
 * whatever their order; an integer conversion takes only a number. */
static void
test_most_specific_wins(void **state)
{
  (void)state;
  expect_translation("shift 12 is still open", "班次 12 尚未交班");
  expect_translation("shift 12 is already deposited", "班次 12：already deposited");
  expect_translation("memo is required", "memo 为必填项");
  char out[128];
  /* "shift %lld is %s" cannot take a word for the number */
  assert_int_equal(0, i18n_translate_with(formats, N_FORMATS, fake_translate,
                                          "shift twelve is x", out, sizeof out));
  expect_translation("line -1: quantity -5 is outside 1..1000000",
                     "第 -1 行：数量 -5 不在 1..1000000 之内");
}

/* A name that contains the text following it in the format: the first
 * conversion takes the shortest run after which the rest matches. */
static void
test_names_with_spaces(void **state)
{
  (void)state;
  expect_translation("tendered 1 is less than the total is less than the total 2",
                     "收到金额 1 元少于应收 is less than the total 2 元");
}

static void
test_no_match_no_translation(void **state)
{
  (void)state;
  char out[64] = "untouched";
  assert_int_equal(0, i18n_translate_with(formats, N_FORMATS, fake_translate,
                                          "tendered 100.00 exceeds the total 120.00", out, sizeof out));
  assert_int_equal(0, i18n_translate_with(formats, N_FORMATS, fake_translate,
                                          "an untranslated thing", out, sizeof out));
  /* an empty figure is not a figure */
  assert_int_equal(0, i18n_translate_with(formats, N_FORMATS, fake_translate,
                                          "tendered  is less than the total 5", out, sizeof out));
  /* a translation that does not fit is not cut */
  assert_int_equal(0, i18n_translate_with(formats, N_FORMATS, fake_translate,
                                          "tendered 100.00 is less than the total 120.00", out, 12));
  assert_string_equal("untouched", out);
}

static void
test_conversion_lengths(void **state)
{
  (void)state;
  assert_int_equal(2, i18n_conversion_len("%s and"));
  assert_int_equal(4, i18n_conversion_len("%lld"));
  assert_int_equal(4, i18n_conversion_len("%.*s"));
  assert_int_equal(4, i18n_conversion_len("%1$s"));
  assert_int_equal(9, i18n_conversion_len("%<PRId64>"));
  assert_int_equal(0, i18n_conversion_len("%%"));
  assert_int_equal(0, i18n_conversion_len("% yuan"));
}

/* The language choice: TILL_LANG over the setting over the locale. */
static void
test_language_choice(void **state)
{
  (void)state;
  setenv("TILL_LANG", "", 1);
  setenv("LC_ALL", "", 1);
  setenv("LC_MESSAGES", "", 1);
  setenv("LANG", "zh_CN.UTF-8", 1);
  i18n_init(NULL);
  assert_int_equal(1, i18n_is_chinese());
  i18n_init("en");
  assert_int_equal(0, i18n_is_chinese());
  setenv("TILL_LANG", "zh_CN", 1);
  i18n_init("en");
  assert_int_equal(1, i18n_is_chinese());
  setenv("TILL_LANG", "", 1);
  setenv("LANG", "C", 1);
  i18n_init(NULL);
  assert_int_equal(0, i18n_is_chinese());
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_figures_carried_over),
    cmocka_unit_test(test_reordered_arguments),
    cmocka_unit_test(test_names_with_spaces),
    cmocka_unit_test(test_most_specific_wins),
    cmocka_unit_test(test_no_match_no_translation),
    cmocka_unit_test(test_conversion_lengths),
    cmocka_unit_test(test_language_choice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
