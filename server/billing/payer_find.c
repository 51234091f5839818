/* payer_find.c -- payer find: never a scan of payers. A text of 3 or more
 * characters is looked up in the FTS5 trigram index payers_fts (unit,
 * phone, owner; any part of them); 1 or 2 characters (a surname such as
 * 王, or 张三) in payer_grams, every 1- and 2-character piece of the
 * owners' names. Both are kept in step with payers by triggers (schema
 * step 6). At most PAYER_FIND_MAX payers, by number, and whether more
 * match. test_payer_find shows the query plans. */
#include "payer.h"

#include <stdio.h>
#include <string.h>

#include "till_util.h"

#define FIND_TEXT_MAX 64 /* characters */

const char payer_find_sql_fts[] =
  "SELECT " PAYER_COLUMNS " FROM payers WHERE id IN"
  " (SELECT rowid FROM payers_fts WHERE payers_fts MATCH ?1 ORDER BY rowid LIMIT ?2)"
  " ORDER BY id";
const char payer_find_sql_grams[] =
  "SELECT " PAYER_COLUMNS " FROM payers WHERE id IN"
  " (SELECT payer_id FROM payer_grams WHERE gram = lower(?1) ORDER BY payer_id LIMIT ?2)"
  " ORDER BY id";

size_t
payer_find_phrase(const char *text, char *out, size_t len)
{
  size_t n = 0;
  if (len < 3)
    return 0;
  out[n++] = '"';
  for (const char *s = text; *s; s++) {
    size_t need = *s == '"' ? 2 : 1;
    if (n + need + 2 > len)
      return 0;
    if (*s == '"')
      out[n++] = '"';
    out[n++] = *s;
  }
  out[n++] = '"';
  out[n] = '\0';
  return n;
}

till_status_t
payer_handle_find(req_t *r, store_conn_t *sc)
{
  const char *text = r->env->payer_find_req->text;
  char phrase[FIND_TEXT_MAX * 8 + 3];
  size_t n = strlen(text), chars = 0;
  if (!till_text_ok(text, n) || n == 0)
    return req_fail(r, TILL_E_INVALID, "give some text to find: part of a unit, phone or name.");
  for (const char *s = text; *s; s++)
    chars += ((unsigned char)*s & 0xC0) != 0x80;
  if (chars > FIND_TEXT_MAX)
    return req_fail(r, TILL_E_INVALID, "the text to find is longer than %d characters.",
                    FIND_TEXT_MAX);
  Till__V1__PayerFindResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__Payer **list = req_alloc(r, PAYER_FIND_MAX * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_find_response__init(resp);
  sqlite3_stmt *st;
  if (chars >= 3) {
    if (payer_find_phrase(text, phrase, sizeof phrase) == 0)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    st = store_stmt(sc, payer_find_sql_fts);
    if (st)
      sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
  } else {
    st = store_stmt(sc, payer_find_sql_grams);
    if (st)
      sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  }
  if (st)
    sqlite3_bind_int(st, 2, PAYER_FIND_MAX + 1);
  payer_list_t l = {list, 0, PAYER_FIND_MAX};
  int more = 0;
  if (req_rows(r, st, PAYER_FIND_MAX, payer_list_row, &l, &more) != TILL_OK)
    return r->status;
  resp->payers = list;
  resp->n_payers = l.n;
  resp->more = more != 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_FIND_RESP;
  r->resp.payer_find_resp = resp;
  return TILL_OK;
}
