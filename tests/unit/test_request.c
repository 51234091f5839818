/* test_request.c -- the helpers every handler uses (server/core/request.h):
 * the idempotency key check, the one-row lookup and the row reader's limit
 * and "more" flag, against an in-memory SQLite database. Database errors
 * mid-way are tests/unit/test_read_faults.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

static const req_ctx_t g_ctx; /* no settings, no engine, no security sink */

static sqlite3 *
numbers_db(int n)
{
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(v INTEGER)", NULL, NULL, NULL), SQLITE_OK);
  for (int i = 1; i <= n; i++) {
    char sql[64];
    snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d)", i * 10);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  }
  return db;
}

static till_status_t
sum_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  *(int64_t *)arg += sqlite3_column_int64(st, 0);
  return TILL_OK;
}

static till_status_t
refuse_third(req_t *r, sqlite3_stmt *st, void *arg)
{
  if (++*(int *)arg == 3)
    return req_fail(r, TILL_E_EXHAUSTED, "third row refused");
  return TILL_OK;
}

static void
test_idem_key(void **state)
{
  req_t *r = req_new(NULL, "T-1", &g_ctx);
  uint8_t key[TILL_KEY_LEN], out[TILL_KEY_LEN];
  memset(key, 0, sizeof key);
  ProtobufCBinaryData b = {TILL_KEY_LEN, key};
  assert_int_equal(req_idem_key(r, b, out), TILL_E_INVALID);
  assert_string_equal(r->errmsg, "idempotency_key must not be all zeros");
  b.len = TILL_KEY_LEN - 1;
  key[3] = 7;
  assert_int_equal(req_idem_key(r, b, out), TILL_E_INVALID);
  assert_string_equal(r->errmsg, "idempotency_key must be 16 bytes");
  b.len = TILL_KEY_LEN;
  r->status = TILL_OK;
  assert_int_equal(req_idem_key(r, b, out), TILL_OK);
  assert_memory_equal(out, key, TILL_KEY_LEN);
  req_free(r);
}

static void
test_row_one(void **state)
{
  sqlite3 *db = numbers_db(3);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM t WHERE v = ?", -1, &st, NULL), SQLITE_OK);
  req_t *r = req_new(NULL, "T-1", &g_ctx);
  sqlite3_bind_int(st, 1, 20);
  assert_int_equal(req_row_one(r, st, TILL_E_NOT_FOUND, "no value %d", 20), TILL_OK);
  assert_int_equal(sqlite3_column_int(st, 0), 20);
  sqlite3_reset(st);
  sqlite3_bind_int(st, 1, 25);
  assert_int_equal(req_row_one(r, st, TILL_E_NOT_FOUND, "no value %d", 25), TILL_E_NOT_FOUND);
  assert_string_equal(r->errmsg, "no value 25");
  r->status = TILL_OK;
  assert_int_equal(req_row_one(r, NULL, TILL_E_NOT_FOUND, "unused"), TILL_E_INTERNAL);
  req_free(r);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void
test_rows_limit_and_more(void **state)
{
  sqlite3 *db = numbers_db(5);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM t ORDER BY v", -1, &st, NULL), SQLITE_OK);
  req_t *r = req_new(NULL, "T-1", &g_ctx);
  int64_t sum = 0;
  int more = -1;
  /* all rows: 10 + 20 + 30 + 40 + 50 */
  assert_int_equal(req_rows(r, st, 0, sum_row, &sum, &more), TILL_OK);
  assert_int_equal(sum, 150);
  assert_int_equal(more, 0);
  /* a limit below the count: the first three, and more follow */
  sum = 0;
  assert_int_equal(req_rows(r, st, 3, sum_row, &sum, &more), TILL_OK);
  assert_int_equal(sum, 60);
  assert_int_equal(more, 1);
  /* a limit equal to the count: nothing more */
  sum = 0;
  assert_int_equal(req_rows(r, st, 5, sum_row, &sum, &more), TILL_OK);
  assert_int_equal(sum, 150);
  assert_int_equal(more, 0);
  /* a callback's failure is the answer */
  int seen = 0;
  assert_int_equal(req_rows(r, st, 0, refuse_third, &seen, NULL), TILL_E_EXHAUSTED);
  assert_int_equal(seen, 3);
  assert_string_equal(r->errmsg, "third row refused");
  /* the statement was reset: it reads from the top again */
  r->status = TILL_OK;
  sum = 0;
  assert_int_equal(req_rows(r, st, 1, req_row_int64, &sum, NULL), TILL_OK);
  assert_int_equal(sum, 10);
  assert_int_equal(req_rows(r, NULL, 0, sum_row, &sum, NULL), TILL_E_INTERNAL);
  req_free(r);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* req_check_text tells a control character in valid UTF-8 from text that
 * is not UTF-8 at all, and names the character and where it is. */
static void
test_check_text(void **state)
{
  (void)state;
  req_t *r = req_new(NULL, "T-1", &g_ctx);
  assert_non_null(r);
  assert_int_equal(TILL_OK, req_check_text(r, "memo", "plate 京A·12345\tpaid", 64, 1));
  assert_int_equal(TILL_E_INVALID, req_check_text(r, "memo", "plate\x01x", 64, 1));
  assert_string_equal(r->errmsg, "memo holds the control character U+0001 at byte 6; only text "
                                 "and tabs are allowed");
  assert_int_equal(TILL_E_INVALID, req_check_text(r, "memo", "京A\x7f", 64, 1));
  assert_string_equal(r->errmsg, "memo holds the control character U+007F at byte 5; only text "
                                 "and tabs are allowed");
  assert_int_equal(TILL_E_INVALID, req_check_text(r, "memo", "caf\xc3", 64, 1));
  assert_string_equal(r->errmsg, "memo is not valid UTF-8 text");
  assert_int_equal(TILL_E_INVALID, req_check_text(r, "memo", "", 64, 0));
  assert_string_equal(r->errmsg, "memo is required");
  req_free(r);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_idem_key),
    cmocka_unit_test(test_row_one),
    cmocka_unit_test(test_rows_limit_and_more),
    cmocka_unit_test(test_check_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
