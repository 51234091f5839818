/* ledger_query.c -- see ledger_query.h.
 *
 * A page is three steps on the reader's snapshot: fix the bound (head_id,
 * and the last id of a series' receipt range); jump the start past ids no
 * indexed filter can match; select the matching ids in one window of at
 * most LEDGER_QUERY_WINDOW ids with one of three statements, each driven by
 * the index that bounds it, then load those transactions as stored. */
#include "ledger_query.h"

#include <stdint.h>
#include <string.h>

#include "audit.h"
#include "request.h"
#include "ledger.h"
#include "till_chain.h"

#define ACCOUNT_MAX 128
#define SERIES_MAX (TILL_SERIES_PREFIX_MAX + 4)
#define KIND_MAX 32
#define METHOD_MAX_LEN 16

/* The kinds server/ledger.c writes into journal.kind. */
static const char *const kinds[] = {"sale",         "void",    "float",          "variance",
                                    "float_return", "deposit", "deposit_confirm",
                                    "toll",         "toll_exempt"};

/* Every filter, as parameters ?3 .. ?17; ?1 and ?2 bound the window
 * (id > ?1 AND id <= ?2), ?18 is the row limit. A filter not set is bound
 * so that its test is true without touching a column. The amount is the
 * sum of the transaction's debits (positive entries), read by the entries
 * primary key (txn_id, seq). The method matches journal.method, or, for a
 * sale paid in parts (and its void; method "split"), any of its payment
 * entries: a split receipt is found under each of its methods. */
#define LQ_FILTERS                                                                       \
  " AND (?3 = 0 OR j.at_ms >= ?3) AND (?4 = 0 OR j.at_ms < ?4)"                          \
  " AND (?5 = '' OR j.terminal_id = ?5) AND (?6 = '' OR j.cashier = ?6)"                 \
  " AND (?7 = 0 OR j.shift_id = ?7) AND (?8 = '' OR j.kind = ?8)"                        \
  " AND (?9 = '' OR j.series = ?9)"                                                      \
  " AND (?10 = 0 OR j.receipt_no BETWEEN ?11 AND ?12)"                                   \
  " AND (?13 = '' OR j.method = ?13 OR (j.method = '" LEDGER_METHOD_SPLIT "'"            \
  "      AND EXISTS (SELECT 1 FROM entries m WHERE m.txn_id = j.id AND m.item = ''"        \
  "                  AND " LEDGER_SQL_ENTRY_METHOD("m") " = ?13)))"                          \
  " AND (?14 = '' OR EXISTS (SELECT 1 FROM entries a WHERE a.account = ?14"              \
  "                          AND a.txn_id = j.id))"                                      \
  " AND (?15 = 0 OR (SELECT coalesce(sum(p.amount), 0) FROM entries p"                   \
  "                  WHERE p.txn_id = j.id AND p.amount > 0) BETWEEN ?16 AND ?17)"       \
  " ORDER BY j.id LIMIT ?18"

/* The window by the journal's primary key. */
static const char sql_by_id[] =
  "SELECT j.id FROM journal j WHERE j.id > ?1 AND j.id <= ?2" LQ_FILTERS;
/* The window within one shift, by journal_shift (shift_id, id). */
static const char sql_by_shift[] =
  "SELECT j.id FROM journal j WHERE j.shift_id = ?7 AND j.id > ?1 AND j.id <= ?2" LQ_FILTERS;
/* The window within one account, by entries_account (account, txn_id). */
static const char sql_by_account[] =
  "SELECT j.id FROM journal j WHERE j.id IN (SELECT e.txn_id FROM entries e"
  " WHERE e.account = ?14 AND e.txn_id > ?1 AND e.txn_id <= ?2)" LQ_FILTERS;

static const char sql_head[] = "SELECT coalesce(max(id), 0) FROM journal";
/* The first id posted at or after a time, exactly even if the clock was
 * ever set back: journal_at is walked from that time to the end, so the
 * cost is the rows posted since (a recent range is cheap; the planner would
 * otherwise walk the ids from 1). */
static const char sql_first_at[] =
  "SELECT min(id) FROM journal INDEXED BY journal_at WHERE at_ms >= ?1";
static const char sql_first_of_shift[] =
  "SELECT id FROM journal WHERE shift_id = ?1 AND id > ?2 ORDER BY id LIMIT 1";
static const char sql_first_of_account[] =
  "SELECT txn_id FROM entries WHERE account = ?1 AND txn_id > ?2 ORDER BY txn_id LIMIT 1";
/* Within a series, receipt numbers grow with ids: both are allocated in the
 * same writer transaction, one posting after the other. So the receipt
 * index gives the first and last id a receipt range can hold. */
static const char sql_first_receipt[] =
  "SELECT id FROM journal WHERE series = ?1 AND receipt_no >= ?2 ORDER BY receipt_no LIMIT 1";
static const char sql_last_receipt[] =
  "SELECT id FROM journal WHERE series = ?1 AND receipt_no <= ?2"
  " ORDER BY receipt_no DESC LIMIT 1";

static int
kind_ok(const char *k)
{
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(k, kinds[i]) == 0)
      return 1;
  return 0;
}

static till_status_t
validate(req_t *r, const Till__V1__LedgerQueryRequest *in)
{
  if (in->limit < 1 || in->limit > LEDGER_QUERY_LIMIT_MAX)
    return req_fail(r, TILL_E_INVALID, "limit must be 1 to %d", LEDGER_QUERY_LIMIT_MAX);
  if (in->from_ms < 0 || in->to_ms < 0)
    return req_fail(r, TILL_E_INVALID, "from_ms and to_ms must not be negative");
  if (in->from_ms && in->to_ms && in->from_ms >= in->to_ms)
    return req_fail(r, TILL_E_INVALID, "from_ms %lld is not before to_ms %lld",
                    (long long)in->from_ms, (long long)in->to_ms);
  if (in->shift_id < 0)
    return req_fail(r, TILL_E_INVALID, "shift_id must not be negative");
  if (in->receipt_from < 0 || in->receipt_to < 0)
    return req_fail(r, TILL_E_INVALID, "receipt_from and receipt_to must not be negative");
  if (in->receipt_from && in->receipt_to && in->receipt_from > in->receipt_to)
    return req_fail(r, TILL_E_INVALID, "receipt_from %lld is after receipt_to %lld",
                    (long long)in->receipt_from, (long long)in->receipt_to);
  if (in->amount_min < 0 || in->amount_max < 0)
    return req_fail(r, TILL_E_INVALID, "amount_min and amount_max must not be negative");
  if (in->amount_min && in->amount_max && in->amount_min > in->amount_max)
    return req_fail(r, TILL_E_INVALID, "amount_min %lld is above amount_max %lld",
                    (long long)in->amount_min, (long long)in->amount_max);
  if (in->after_id < 0 || in->head_id < 0)
    return req_fail(r, TILL_E_INVALID, "after_id and head_id must not be negative");
  if (in->head_id && in->after_id > in->head_id)
    return req_fail(r, TILL_E_INVALID, "after_id %lld is beyond head_id %lld",
                    (long long)in->after_id, (long long)in->head_id);
  if (req_check_text(r, "terminal_id", in->terminal_id, TERMINAL_ID_MAX, 1) != TILL_OK ||
      req_check_text(r, "cashier", in->cashier, USER_NAME_MAX, 1) != TILL_OK ||
      req_check_text(r, "account", in->account, ACCOUNT_MAX, 1) != TILL_OK ||
      req_check_text(r, "series", in->series, SERIES_MAX, 1) != TILL_OK ||
      req_check_text(r, "kind", in->kind, KIND_MAX, 1) != TILL_OK ||
      req_check_text(r, "method", in->method, METHOD_MAX_LEN, 1) != TILL_OK)
    return r->status;
  if (in->kind[0] && !kind_ok(in->kind))
    return req_fail(r, TILL_E_INVALID,
                    "kind must be one of sale, void, float, variance, float_return, deposit, "
                    "deposit_confirm, toll, toll_exempt");
  if (in->method[0] && !till_method_from_name(in->method))
    return req_fail(r, TILL_E_INVALID,
                    "method must be one of cash, card, wechat, alipay, transfer, cheque, subsidy");
  return TILL_OK;
}

/* One id from a one-row statement: 0 and *out (0 when there is no row), or
 * -1 on a database error. The statement is reset. */
static int
one_id(sqlite3_stmt *st, int64_t *out)
{
  int step = sqlite3_step(st);
  *out = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
}

static int
id_by_text(store_conn_t *sc, const char *sql, const char *text, int64_t num, int64_t *out)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return -1;
  sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, num);
  return one_id(st, out);
}

/* Narrow (*lo, *hi] -- the ids still to examine -- by the indexed filters:
 * on the first page the first id posted at or after from_ms; the first id
 * of the shift and of the account after *lo, and the ids of
 * the first and last receipt of the series' range. Each is exact, so the
 * result is only narrowed, never wrong. 0, or -1 on a database error. */
static int
narrow(store_conn_t *sc, const Till__V1__LedgerQueryRequest *in, int64_t *lo, int64_t *hi)
{
  int64_t id;
  if (in->from_ms && *lo == 0) { /* the first page only: later ones start past it */
    sqlite3_stmt *st = store_stmt(sc, sql_first_at);
    if (!st)
      return -1;
    sqlite3_bind_int64(st, 1, in->from_ms);
    if (one_id(st, &id) != 0)
      return -1;
    if (!id)
      *hi = *lo;
    else if (id - 1 > *lo)
      *lo = id - 1;
  }
  if (in->shift_id && *lo < *hi) {
    sqlite3_stmt *st = store_stmt(sc, sql_first_of_shift);
    if (!st)
      return -1;
    sqlite3_bind_int64(st, 1, in->shift_id);
    sqlite3_bind_int64(st, 2, *lo);
    if (one_id(st, &id) != 0)
      return -1;
    if (!id)
      *hi = *lo;
    else if (id - 1 > *lo)
      *lo = id - 1;
  }
  if (in->account[0] && *lo < *hi) {
    if (id_by_text(sc, sql_first_of_account, in->account, *lo, &id) != 0)
      return -1;
    if (!id)
      *hi = *lo;
    else if (id - 1 > *lo)
      *lo = id - 1;
  }
  if (in->series[0] && *lo < *hi) {
    if (id_by_text(sc, sql_first_receipt, in->series, in->receipt_from ? in->receipt_from : 1,
                   &id) != 0)
      return -1;
    if (!id)
      *hi = *lo;
    else if (id - 1 > *lo)
      *lo = id - 1;
  }
  if (in->series[0] && *lo < *hi) {
    if (id_by_text(sc, sql_last_receipt, in->series, in->receipt_to ? in->receipt_to : INT64_MAX,
                   &id) != 0)
      return -1;
    if (id < *hi)
      *hi = id < *lo ? *lo : id;
  }
  return 0;
}

/* Select up to in->limit matching ids in (lo, end] into ids; *n gets how
 * many. A database error is recorded on <r>. */
static till_status_t
select_ids(req_t *r, store_conn_t *sc, const Till__V1__LedgerQueryRequest *in, int64_t lo,
           int64_t end, int64_t *ids, size_t *n)
{
  const char *sql = in->shift_id ? sql_by_shift : in->account[0] ? sql_by_account : sql_by_id;
  sqlite3_stmt *st = store_stmt(sc, sql);
  *n = 0;
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int amount = in->amount_min || in->amount_max;
  int receipt = in->receipt_from || in->receipt_to;
  sqlite3_bind_int64(st, 1, lo);
  sqlite3_bind_int64(st, 2, end);
  sqlite3_bind_int64(st, 3, in->from_ms);
  sqlite3_bind_int64(st, 4, in->to_ms);
  sqlite3_bind_text(st, 5, in->terminal_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, in->cashier, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, in->shift_id);
  sqlite3_bind_text(st, 8, in->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 9, in->series, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 10, receipt);
  sqlite3_bind_int64(st, 11, in->receipt_from);
  sqlite3_bind_int64(st, 12, in->receipt_to ? in->receipt_to : INT64_MAX);
  sqlite3_bind_text(st, 13, in->method, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 14, in->account, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 15, amount);
  sqlite3_bind_int64(st, 16, in->amount_min);
  sqlite3_bind_int64(st, 17, in->amount_max ? in->amount_max : INT64_MAX);
  sqlite3_bind_int(st, 18, (int)in->limit);
  req_ids_t acc = {ids, 0};
  if (req_rows(r, st, in->limit, req_row_id, &acc, NULL) != TILL_OK)
    return r->status;
  *n = acc.n;
  return TILL_OK;
}

till_status_t
ledger_query_handle(req_t *r, store_conn_t *sc)
{
  const Till__V1__LedgerQueryRequest *in = r->env->ledger_query_req;
  if (validate(r, in) != TILL_OK)
    return r->status;
  Till__V1__LedgerQueryResponse *resp = req_alloc(r, sizeof *resp);
  int64_t *ids = req_alloc(r, in->limit * sizeof *ids);
  if (!resp || !ids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__ledger_query_response__init(resp);

  /* this handler runs in one read transaction: the head and every row
   * below come from the same committed state */
  int64_t head;
  sqlite3_stmt *st = store_stmt(sc, sql_head);
  if (!st || one_id(st, &head) != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  if (in->head_id > head)
    return req_fail(r, TILL_E_INVALID, "head_id %lld is beyond the journal's head %lld",
                    (long long)in->head_id, (long long)head);
  if (in->head_id)
    head = in->head_id;
  resp->head_id = head;

  int64_t lo = in->after_id, hi = head;
  if (lo < hi && narrow(sc, in, &lo, &hi) != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  size_t n = 0;
  int64_t end = hi;
  if (lo < hi) {
    end = hi - lo > LEDGER_QUERY_WINDOW ? lo + LEDGER_QUERY_WINDOW : hi;
    if (select_ids(r, sc, in, lo, end, ids, &n) != TILL_OK)
      return r->status;
  }

  resp->txns = req_alloc(r, (n ? n : 1) * sizeof *resp->txns);
  if (!resp->txns)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* keep the page well inside the frame limit: stop early, and let the
   * client continue after the last transaction sent */
  size_t budget = req_config(r)->max_frame / 2, bytes = 0;
  for (size_t i = 0; i < n; i++) {
    Till__V1__AuditTxn *m = audit_load_message(r, sc, ids[i]);
    if (!m)
      return r->status;
    size_t sz = till__v1__audit_txn__get_packed_size(m) + 8;
    if (i > 0 && bytes + sz > budget)
      break;
    bytes += sz;
    resp->txns[resp->n_txns++] = m;
  }

  /* where the next page starts: after the last row sent when the page is
   * full, else after the window examined; 0 once the bound is reached */
  int full = n == in->limit || resp->n_txns < n;
  int64_t next = full ? ids[resp->n_txns - 1] : end;
  resp->next_after_id = next >= hi ? 0 : next;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_RESP;
  r->resp.ledger_query_resp = resp;
  return TILL_OK;
}
