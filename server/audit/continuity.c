/* continuity.c -- see continuity.h. */
#include "continuity.h"

#include <stdio.h>
#include <string.h>

#include "request.h"
#include "till_chain.h"

#define SERIES_NAME_MAX (TILL_SERIES_PREFIX_MAX + 4)

static const char sql_counter[] = "SELECT last_no FROM series_counters WHERE series = ?";
static const char sql_numbers[] =
  "SELECT receipt_no FROM journal WHERE series = ? AND receipt_no BETWEEN ? AND ?"
  " ORDER BY receipt_no";
static const char sql_voided[] =
  "SELECT j.receipt_no, w.reason, w.requested_by, coalesce(w.decided_by, ''),"
  " coalesce(w.reversal_txn_id, 0)"
  /* state IN (1, 2) lets the planner use void_requests_open (txn_id) for
   * each receipt; +w.state = 2 then keeps the approved ones without
   * steering it to void_requests_state, which would scan every void */
  " FROM journal j JOIN void_requests w"
  "   ON w.txn_id = j.id AND w.state IN (1, 2) AND +w.state = 2"
  " WHERE j.series = ? AND j.receipt_no BETWEEN ? AND ? ORDER BY j.receipt_no LIMIT ?";
static const char sql_reprinted[] =
  "SELECT j.receipt_no, count(*) FROM journal j JOIN reprints p ON p.txn_id = j.id"
  " WHERE j.series = ? AND j.receipt_no BETWEEN ? AND ?"
  " GROUP BY j.receipt_no ORDER BY j.receipt_no LIMIT ?";

/* A series name: a prefix of 1-8 of A-Z, then a 4-digit year. */
static int
series_ok(const char *s)
{
  size_t n = s ? strlen(s) : 0, letters = 0;
  while (letters < n && s[letters] >= 'A' && s[letters] <= 'Z')
    letters++;
  if (letters < 1 || letters > TILL_SERIES_PREFIX_MAX || n != letters + 4)
    return 0;
  for (size_t i = letters; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

static sqlite3_stmt *
range_stmt(store_conn_t *sc, const char *sql, const char *series, int64_t from, int64_t to)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return NULL;
  sqlite3_bind_text(st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  return st;
}

static Till__V1__ReceiptRange *
new_range(req_t *r, int64_t from, int64_t to)
{
  Till__V1__ReceiptRange *g = req_alloc(r, sizeof *g);
  if (g) {
    till__v1__receipt_range__init(g);
    g->from_no = from;
    g->to_no = to;
  }
  return g;
}

/* The walk over the numbers: the next one expected. */
typedef struct {
  Till__V1__AuditReceiptsResponse *resp;
  int64_t expected;
} gaps_t;

/* rows: receipt_no, ascending. A gap's range is checked for memory after
 * the walk (find_gaps). */
static till_status_t
number_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  gaps_t *g = arg;
  Till__V1__AuditReceiptsResponse *resp = g->resp;
  int64_t no = sqlite3_column_int64(st, 0);
  if (no > g->expected) {
    if (resp->n_missing < CONTINUITY_LIST_MAX)
      resp->missing[resp->n_missing++] = new_range(r, g->expected, no - 1);
    else
      resp->truncated = 1;
  }
  resp->issued++;
  g->expected = no + 1;
  return TILL_OK;
}

/* Walk the numbers in [from, to] in order: count them, collect the gaps. */
static till_status_t
find_gaps(req_t *r, store_conn_t *sc, Till__V1__AuditReceiptsResponse *resp)
{
  sqlite3_stmt *st = range_stmt(sc, sql_numbers, resp->series, resp->from_no, resp->to_no);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  resp->missing = req_alloc(r, CONTINUITY_LIST_MAX * sizeof *resp->missing);
  if (!resp->missing) {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  gaps_t g = {resp, resp->from_no};
  /* bounded: one pass a journal row in the range; the index keeps them unique */
  if (req_rows(r, st, 0, number_row, &g, NULL) != TILL_OK)
    return r->status;
  int64_t expected = g.expected;
  if (expected <= resp->to_no) {
    if (resp->n_missing < CONTINUITY_LIST_MAX)
      resp->missing[resp->n_missing++] = new_range(r, expected, resp->to_no);
    else
      resp->truncated = 1;
  }
  for (size_t i = 0; i < resp->n_missing; i++)
    if (!resp->missing[i])
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
  return TILL_OK;
}

/* Add the row at st to one of the lists of <arg>, the response (a
 * req_row_fn). A list at CONTINUITY_LIST_MAX marks the answer truncated, as
 * the protocol says, rather than growing. */
static till_status_t
add_voided(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__AuditReceiptsResponse *resp = arg;
  if (resp->n_voided == CONTINUITY_LIST_MAX) {
    resp->truncated = 1;
    return TILL_OK;
  }
  Till__V1__VoidedReceipt *v = req_alloc(r, sizeof *v);
  if (!v)
    return TILL_E_INTERNAL;
  till__v1__voided_receipt__init(v);
  v->receipt_no = sqlite3_column_int64(st, 0);
  v->reason = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  v->requested_by = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  v->approved_by = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  v->void_txn_id = sqlite3_column_int64(st, 4);
  if (!v->reason || !v->requested_by || !v->approved_by)
    return TILL_E_INTERNAL;
  resp->voided[resp->n_voided++] = v;
  return TILL_OK;
}

static till_status_t
add_reprinted(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__AuditReceiptsResponse *resp = arg;
  if (resp->n_reprinted == CONTINUITY_LIST_MAX) {
    resp->truncated = 1;
    return TILL_OK;
  }
  Till__V1__ReprintedReceipt *p = req_alloc(r, sizeof *p);
  if (!p)
    return TILL_E_INTERNAL;
  till__v1__reprinted_receipt__init(p);
  p->receipt_no = sqlite3_column_int64(st, 0);
  p->copies = sqlite3_column_int64(st, 1);
  resp->reprinted[resp->n_reprinted++] = p;
  return TILL_OK;
}

/* Run <sql> over the range (at most one row past the list's limit) and add
 * each row with <add>. */
static till_status_t
collect(req_t *r, store_conn_t *sc, const char *sql, Till__V1__AuditReceiptsResponse *resp,
        req_row_fn add)
{
  sqlite3_stmt *st = range_stmt(sc, sql, resp->series, resp->from_no, resp->to_no);
  if (st)
    sqlite3_bind_int(st, 4, CONTINUITY_LIST_MAX + 1);
  return req_rows(r, st, 0, add, resp, NULL);
}

till_status_t
continuity_handle_receipts(req_t *r, store_conn_t *sc)
{
  const Till__V1__AuditReceiptsRequest *in = r->env->audit_receipts_req;
  if (!series_ok(in->series))
    return req_fail(r, TILL_E_INVALID, "series must be a prefix and a year, like HT2026");
  if (in->from_no < 0 || in->to_no < 0)
    return req_fail(r, TILL_E_INVALID, "from and to must not be negative");
  Till__V1__AuditReceiptsResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__audit_receipts_response__init(resp);
  resp->series = req_strdup(r, in->series);
  if (!resp->series)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  sqlite3_stmt *st = store_stmt(sc, sql_counter);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->series, -1, SQLITE_STATIC);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    resp->last_no = sqlite3_column_int64(st, 0);
  else if (step != SQLITE_DONE)
    req_step_failed(r, st, step);
  sqlite3_reset(st);
  if (step == SQLITE_DONE)
    return req_fail(r, TILL_E_NOT_FOUND, "no series %s: no receipt was ever numbered in it",
                    in->series);
  if (step != SQLITE_ROW)
    return r->status;
  resp->from_no = in->from_no ? in->from_no : 1;
  resp->to_no = in->to_no ? in->to_no : resp->last_no;
  if (resp->to_no > resp->last_no)
    return req_fail(r, TILL_E_INVALID, "series %s has numbered only up to %lld", in->series,
                    (long long)resp->last_no);
  if (resp->from_no > resp->to_no)
    return req_fail(r, TILL_E_INVALID, "from %lld is after to %lld", (long long)resp->from_no,
                    (long long)resp->to_no);
  resp->voided = req_alloc(r, CONTINUITY_LIST_MAX * sizeof *resp->voided);
  resp->reprinted = req_alloc(r, CONTINUITY_LIST_MAX * sizeof *resp->reprinted);
  if (!resp->voided || !resp->reprinted)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  if (find_gaps(r, sc, resp) != TILL_OK || collect(r, sc, sql_voided, resp, add_voided) != TILL_OK ||
      collect(r, sc, sql_reprinted, resp, add_reprinted) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_RESP;
  r->resp.audit_receipts_resp = resp;
  return TILL_OK;
}
