/* test_payer_find.c -- payer find never scans payers: the query plans of
 * both of its statements (the FTS5 trigram one for 3 or more characters,
 * the grams one for 1 or 2) over schema step 6 search payers by its
 * primary key and read payers_fts through its index or payer_grams by its
 * key. And the indexes answer what they should, kept in step by the
 * triggers: a unit fragment, a phone's last digits, a Chinese name by 1, 2
 * and 3 characters, an edited name found by its new name only, a quote in
 * the text taken as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "billing_schema.h"
#include "payer.h"

static sqlite3 *
open_db(void)
{
  sqlite3 *db = NULL;
  assert_int_equal(SQLITE_OK, sqlite3_open(":memory:", &db));
  char *err = NULL;
  int rc = sqlite3_exec(db, billing_schema_v6.sql, NULL, NULL, &err);
  if (rc != SQLITE_OK)
    fail_msg("schema: %s", err ? err : "?");
  const char *rows =
    "INSERT INTO payers(complex, unit, owner, phone, area_centi, occupancy, created_at, created_by)"
    " VALUES ('阳光小区','3-2-1101','王小明','13912345678',8750,'occupied',0,'t'),"
    "        ('阳光小区','3-2-1102','张三','13800001111',9000,'vacant',0,'t'),"
    "        ('阳光小区','5-1-201','王五','',9000,'unsold',0,'t'),"
    "        ('月亮湾','1-1-101','Li \"Lei\"','010-5678',5000,'occupied',0,'t');";
  if (sqlite3_exec(db, rows, NULL, NULL, &err) != SQLITE_OK)
    fail_msg("rows: %s", err ? err : "?");
  return db;
}

/* The plan of <sql>, its details joined by " | ". */
static void
plan(sqlite3 *db, const char *sql, char *out, size_t len)
{
  char q[2048];
  sqlite3_stmt *st;
  snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
  assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, q, -1, &st, NULL));
  out[0] = '\0';
  while (sqlite3_step(st) == SQLITE_ROW) {
    size_t n = strlen(out);
    snprintf(out + n, len - n, "%s | ", (const char *)sqlite3_column_text(st, 3));
  }
  sqlite3_finalize(st);
}

static void
test_plans_never_scan_payers(void **state)
{
  sqlite3 *db = open_db();
  char p[2048];
  plan(db, payer_find_sql_fts, p, sizeof p);
  printf("fts plan: %s\n", p);
  assert_non_null(strstr(p, "SEARCH payers USING INTEGER PRIMARY KEY (rowid=?)"));
  assert_non_null(strstr(p, "SCAN payers_fts VIRTUAL TABLE INDEX"));
  assert_null(strstr(p, "SCAN payers |"));
  assert_null(strstr(p, "SCAN payers USING"));
  plan(db, payer_find_sql_grams, p, sizeof p);
  printf("grams plan: %s\n", p);
  assert_non_null(strstr(p, "SEARCH payers USING INTEGER PRIMARY KEY (rowid=?)"));
  assert_non_null(strstr(p, "SEARCH payer_grams USING PRIMARY KEY (gram=?)"));
  assert_null(strstr(p, "SCAN payers"));
  assert_null(strstr(p, "SCAN payer_grams"));
  sqlite3_close(db);
}

/* The ids payer find's statements answer for <text>, "1,3". */
static void
find(sqlite3 *db, const char *text, char *out, size_t len)
{
  size_t chars = 0;
  char phrase[512];
  for (const char *s = text; *s; s++)
    chars += ((unsigned char)*s & 0xC0) != 0x80;
  sqlite3_stmt *st;
  assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, chars >= 3 ? payer_find_sql_fts
                                                                : payer_find_sql_grams,
                                                 -1, &st, NULL));
  if (chars >= 3) {
    assert_true(payer_find_phrase(text, phrase, sizeof phrase) > 0);
    sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
  } else {
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  }
  sqlite3_bind_int(st, 2, 51);
  out[0] = '\0';
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    size_t n = strlen(out);
    snprintf(out + n, len - n, "%s%lld", n ? "," : "", sqlite3_column_int64(st, 0));
  }
  assert_int_equal(SQLITE_DONE, rc);
  sqlite3_finalize(st);
}

static void
test_finds(void **state)
{
  sqlite3 *db = open_db();
  char got[256];
  find(db, "王", got, sizeof got);
  assert_string_equal("1,3", got);
  find(db, "张三", got, sizeof got);
  assert_string_equal("2", got);
  find(db, "王小明", got, sizeof got);
  assert_string_equal("1", got);
  find(db, "小明", got, sizeof got);
  assert_string_equal("1", got);
  find(db, "3-2-11", got, sizeof got);
  assert_string_equal("1,2", got);
  find(db, "1101", got, sizeof got);
  assert_string_equal("1", got);
  find(db, "5678", got, sizeof got);   /* the phones' last digits */
  assert_string_equal("1,4", got);
  find(db, "1111", got, sizeof got);
  assert_string_equal("2", got);
  find(db, "li \"lei", got, sizeof got); /* any case; a quote is text */
  assert_string_equal("4", got);
  find(db, "li", got, sizeof got);
  assert_string_equal("4", got);
  find(db, "赵", got, sizeof got);
  assert_string_equal("", got);
  assert_int_equal(SQLITE_OK, sqlite3_exec(db, "UPDATE payers SET owner = '赵六' WHERE id = 3",
                                           NULL, NULL, NULL));
  find(db, "王", got, sizeof got);
  assert_string_equal("1", got);
  find(db, "赵六", got, sizeof got);
  assert_string_equal("3", got);
  sqlite3_close(db);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plans_never_scan_payers),
    cmocka_unit_test(test_finds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
