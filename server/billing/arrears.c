/* arrears.c -- 欠费 aged by year, per complex and scheme; 收缴率 (collected ÷
 * due) of a period per scheme, complex and collector; 催缴 reminders and
 * the lists to remind and to take to court. Till offers no cut-off of
 * water, power or heat (unlawful for property fees, Civil Code art. 944):
 * reminders, statements and legal lists only. docs/billing.md. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "late_fee_calc.h"
#include "till_util.h"
#include "waiver.h"

#define ARREARS_ROWS_MAX 5000
#define COLLECTION_ROWS_MAX 3000
#define REMINDER_ROWS_MAX 2000
#define LEGAL_AFTER_DEFAULT 3

#define OPEN_SQL "(c.amount - c.paid - c.waived - c.credited)"

static const char sql_arrears[] =
  "SELECT p.complex, c.scheme, c.year, count(DISTINCT c.payer_id), sum(" OPEN_SQL ")"
  " FROM charges c JOIN payers p ON p.id = c.payer_id"
  " WHERE c.paid + c.waived + c.credited < c.amount"
  "   AND (?1 = '' OR p.complex = ?1) AND (?2 = '' OR c.scheme = ?2)"
  " GROUP BY p.complex, c.scheme, c.year ORDER BY p.complex, c.scheme, c.year LIMIT ?3";
static const char sql_arrears_payers[] =
  "SELECT count(DISTINCT c.payer_id) FROM charges c JOIN payers p ON p.id = c.payer_id"
  " WHERE c.paid + c.waived + c.credited < c.amount"
  "   AND (?1 = '' OR p.complex = ?1) AND (?2 = '' OR c.scheme = ?2)";

static int64_t
current_year(void)
{
  time_t now = (time_t)till_now();
  struct tm tm;
  localtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

static till_status_t
arrears_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__ArrearsResponse *a = arg;
  Till__V1__ArrearsRow *row = req_alloc(r, sizeof *row);
  if (!row)
    return TILL_E_INTERNAL;
  till__v1__arrears_row__init(row);
  row->complex = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  row->scheme = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  row->year = sqlite3_column_int(st, 2);
  row->age = arrears_age(row->year, a->current_year);
  row->payers = sqlite3_column_int64(st, 3);
  row->open = sqlite3_column_int64(st, 4);
  if (!row->complex || !row->scheme)
    return TILL_E_INTERNAL;
  a->rows[a->n_rows++] = row;
  a->age_totals[row->age] += row->open;
  a->total += row->open;
  return TILL_OK;
}

till_status_t
arrears_handle_report(req_t *r, store_conn_t *sc)
{
  const Till__V1__ArrearsRequest *in = r->env->arrears_req;
  if (req_check_text(r, "complex", in->complex, 64, 1) != TILL_OK ||
      req_check_text(r, "scheme", in->scheme, 24, 1) != TILL_OK)
    return r->status;
  Till__V1__ArrearsResponse *a = req_alloc(r, sizeof *a);
  Till__V1__ArrearsRow **rows = req_alloc(r, ARREARS_ROWS_MAX * sizeof *rows);
  int64_t *ages = req_alloc(r, ARREARS_AGES * sizeof *ages);
  if (!a || !rows || !ages)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__arrears_response__init(a);
  memset(ages, 0, ARREARS_AGES * sizeof *ages);
  a->rows = rows;
  a->age_totals = ages;
  a->n_age_totals = ARREARS_AGES;
  a->current_year = (int32_t)current_year();
  sqlite3_stmt *st = store_stmt(sc, sql_arrears);
  if (st) {
    sqlite3_bind_text(st, 1, in->complex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, ARREARS_ROWS_MAX + 1);
  }
  int more = 0;
  if (req_rows(r, st, ARREARS_ROWS_MAX, arrears_row, a, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "The arrears have more than %d rows; name a complex or "
                    "a scheme.", ARREARS_ROWS_MAX);
  if ((st = store_stmt(sc, sql_arrears_payers))) {
    sqlite3_bind_text(st, 1, in->complex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
  }
  if (req_rows(r, st, 1, req_row_int64, &a->payers, NULL) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_ARREARS_RESP;
  r->resp.arrears_resp = a;
  return TILL_OK;
}

/* ---- the collection rate --------------------------------------------------
 * Of the charges of a period (and scheme): charged = their amounts; waived
 * and credited as recorded on them; due (应收) = charged - waived - credited.
 * Collected (实收) = the settlements on them by payments, prepaid applied
 * and reversals (a bounced cheque's, negative), except those of a payment
 * by cheque not cleared yet (pending: shown apart, not collected). A
 * collector is the cashier who took the payment; prepaid applied counts
 * under "prepaid" (its money was taken earlier). */
#define PERIOD_CHARGES \
  " FROM charges c JOIN payers p ON p.id = c.payer_id" \
  " WHERE c.period = ?1 AND (?2 = '' OR c.scheme = ?2)"
/* a payment by cheque is pending until cleared (cheques, the payments part's) */
#define PENDING_SQL \
  "EXISTS (SELECT 1 FROM cheques q WHERE q.txn_id = s.txn_id AND q.state = 'pending')"
#define SETTLED \
  " JOIN settlements s ON s.charge_id = c.id AND s.source IN ('payment','prepaid','reversal')" \
  " JOIN journal j ON j.id = s.txn_id"
#define COLLECTED "coalesce(sum(CASE WHEN " PENDING_SQL " THEN 0 ELSE s.amount END), 0)"
static const char sql_totals[] =
  "SELECT coalesce(sum(c.amount), 0), coalesce(sum(c.waived), 0), coalesce(sum(c.credited), 0)"
  PERIOD_CHARGES;
static const char sql_settled[] =
  "SELECT " COLLECTED ", coalesce(sum(CASE WHEN " PENDING_SQL " THEN s.amount ELSE 0 END), 0)"
  " FROM charges c" SETTLED " WHERE c.period = ?1 AND (?2 = '' OR c.scheme = ?2)";
/* rows: by, key, due, collected */
static const char sql_by_scheme[] =
  "SELECT 'scheme', c.scheme, sum(c.amount - c.waived - c.credited),"
  " coalesce((SELECT " COLLECTED " FROM charges c2 JOIN settlements s ON s.charge_id = c2.id"
  "   AND s.source IN ('payment','prepaid','reversal')"
  "   WHERE c2.period = ?1 AND c2.scheme = c.scheme), 0)"
  " FROM charges c WHERE c.period = ?1 AND (?2 = '' OR c.scheme = ?2)"
  " GROUP BY c.scheme ORDER BY c.scheme LIMIT ?3";
static const char sql_by_complex[] =
  "SELECT 'complex', p.complex, sum(c.amount - c.waived - c.credited),"
  " coalesce((SELECT " COLLECTED " FROM payers p2 JOIN charges c2 ON c2.payer_id = p2.id"
  "   JOIN settlements s ON s.charge_id = c2.id AND s.source IN ('payment','prepaid','reversal')"
  "   WHERE p2.complex = p.complex AND c2.period = ?1 AND (?2 = '' OR c2.scheme = ?2)), 0)"
  PERIOD_CHARGES " GROUP BY p.complex ORDER BY p.complex LIMIT ?3";
static const char sql_by_collector[] =
  "SELECT 'collector', CASE WHEN s.source = 'prepaid' THEN 'prepaid' ELSE j.cashier END, 0,"
  " " COLLECTED
  " FROM charges c" SETTLED " WHERE c.period = ?1 AND (?2 = '' OR c.scheme = ?2)"
  " GROUP BY 2 ORDER BY 2 LIMIT ?3";

typedef struct {
  Till__V1__CollectionResponse *c;
  size_t cap;
} coll_acc_t;

static till_status_t
collection_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  coll_acc_t *acc = arg;
  Till__V1__CollectionRow *row = req_alloc(r, sizeof *row);
  if (!row)
    return TILL_E_INTERNAL;
  if (acc->c->n_rows == acc->cap)
    return req_fail(r, TILL_E_EXHAUSTED, "The collection report has more than %d rows; name a "
                    "scheme.", COLLECTION_ROWS_MAX);
  till__v1__collection_row__init(row);
  row->by = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  row->key = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  row->due = sqlite3_column_int64(st, 2);
  row->collected = sqlite3_column_int64(st, 3);
  /* a collector's share of the period's due */
  row->rate_bp = collection_rate_bp(row->collected, row->due ? row->due : acc->c->due);
  if (!row->by || !row->key)
    return TILL_E_INTERNAL;
  acc->c->rows[acc->c->n_rows++] = row;
  return TILL_OK;
}

static sqlite3_stmt *
period_stmt(store_conn_t *sc, const char *sql, const Till__V1__CollectionRequest *in)
{
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, COLLECTION_ROWS_MAX + 1);
  }
  return st;
}

static till_status_t
totals_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__CollectionResponse *c = arg;
  if (sqlite3_column_count(st) == 3) {
    c->charged = sqlite3_column_int64(st, 0);
    c->waived = sqlite3_column_int64(st, 1);
    c->due = c->charged - c->waived - sqlite3_column_int64(st, 2);
  } else {
    c->collected = sqlite3_column_int64(st, 0);
    c->pending = sqlite3_column_int64(st, 1);
  }
  return TILL_OK;
}

till_status_t
arrears_handle_collection(req_t *r, store_conn_t *sc)
{
  const Till__V1__CollectionRequest *in = r->env->collection_req;
  if (req_check_text(r, "period", in->period, 32, 0) != TILL_OK ||
      req_check_text(r, "scheme", in->scheme, 24, 1) != TILL_OK)
    return r->status;
  Till__V1__CollectionResponse *c = req_alloc(r, sizeof *c);
  Till__V1__CollectionRow **rows = req_alloc(r, COLLECTION_ROWS_MAX * sizeof *rows);
  if (!c || !rows)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__collection_response__init(c);
  c->period = in->period;
  c->scheme = in->scheme;
  c->rows = rows;
  if (req_rows(r, period_stmt(sc, sql_totals, in), 1, totals_row, c, NULL) != TILL_OK ||
      req_rows(r, period_stmt(sc, sql_settled, in), 1, totals_row, c, NULL) != TILL_OK)
    return r->status;
  c->rate_bp = collection_rate_bp(c->collected, c->due);
  coll_acc_t acc = {c, COLLECTION_ROWS_MAX};
  const char *const by[] = {sql_by_scheme, sql_by_complex, sql_by_collector};
  for (size_t i = 0; i < sizeof by / sizeof by[0]; i++)
    if (req_rows(r, period_stmt(sc, by[i], in), COLLECTION_ROWS_MAX + 1, collection_row, &acc,
                 NULL) != TILL_OK)
      return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_COLLECTION_RESP;
  r->resp.collection_resp = c;
  return TILL_OK;
}

/* ---- reminders ----------------------------------------------------------- */

static const char *const channels[] = {"letter", "phone", "sms", "visit", "notice"};

till_status_t
arrears_handle_reminder_record(req_t *r, store_conn_t *sc)
{
  static const char sql_owing[] =
    "SELECT coalesce((SELECT sum(" OPEN_SQL ") FROM charges c WHERE c.payer_id = p.id), 0),"
    " (SELECT count(*) FROM reminders m WHERE m.payer_id = p.id) FROM payers p WHERE p.id = ?";
  static const char sql_add[] =
    "INSERT INTO reminders(payer_id, channel, note, owing, at, by_user) VALUES (?,?,?,?,?,?)";
  const Till__V1__ReminderRecordRequest *in = r->env->reminder_record_req;
  if (req_check_text(r, "note", in->note, 200, 1) != TILL_OK)
    return r->status;
  size_t k = 0;
  while (k < sizeof channels / sizeof channels[0] && strcmp(channels[k], in->channel) != 0)
    k++;
  if (k == sizeof channels / sizeof channels[0])
    return req_fail(r, TILL_E_INVALID, "A reminder's channel is letter, phone, sms, visit or "
                    "notice.");
  sqlite3_stmt *st = store_stmt(sc, sql_owing);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "There is no payer %lld.", (long long)in->payer_id) !=
      TILL_OK)
    return r->status;
  int64_t owing = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  if (owing <= 0)
    return req_fail(r, TILL_E_PRECONDITION, "Payer %lld owes nothing; there is nothing to remind "
                    "of.", (long long)in->payer_id);
  if (!(st = store_stmt(sc, sql_add)))
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int64_t now = till_now();
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_text(st, 2, channels[k], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, in->note, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, owing);
  sqlite3_bind_int64(st, 5, now);
  sqlite3_bind_text(st, 6, r->actor.user, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  Till__V1__ReminderRecordResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__reminder_record_response__init(resp);
  resp->id = sqlite3_last_insert_rowid(sc->db);
  resp->payer_id = in->payer_id;
  resp->channel = (char *)channels[k];
  resp->owing = owing;
  resp->at = now;
  resp->by = r->actor.user;
  resp->reminders = (int32_t)(count + 1);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REMINDER_RECORD_RESP;
  r->resp.reminder_record_resp = resp;
  return TILL_OK;
}

static const char sql_owing_payers[] =
  "SELECT p.id, p.complex, p.unit, p.owner, p.phone, sum(" OPEN_SQL "), count(DISTINCT c.year),"
  " min(c.year), (SELECT count(*) FROM reminders m WHERE m.payer_id = p.id),"
  " (SELECT coalesce(max(m.at), 0) FROM reminders m WHERE m.payer_id = p.id)"
  " FROM charges c JOIN payers p ON p.id = c.payer_id"
  " WHERE c.paid + c.waived + c.credited < c.amount"
  " GROUP BY p.id HAVING count(DISTINCT c.year) >= ?1"
  " ORDER BY min(c.year), p.complex, p.unit LIMIT ?2";

typedef struct {
  Till__V1__ReminderListResponse *l;
  int more;
} rem_acc_t;

static till_status_t
reminder_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  rem_acc_t *acc = arg;
  Till__V1__ReminderListResponse *l = acc->l;
  Till__V1__ReminderPayer *p = req_alloc(r, sizeof *p);
  if (!p)
    return TILL_E_INTERNAL;
  till__v1__reminder_payer__init(p);
  p->payer_id = sqlite3_column_int64(st, 0);
  p->complex = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  p->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  p->owner = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  p->phone = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  p->owing = sqlite3_column_int64(st, 5);
  p->years = sqlite3_column_int(st, 6);
  p->oldest_year = sqlite3_column_int(st, 7);
  p->reminders = sqlite3_column_int(st, 8);
  p->last_reminder_at = sqlite3_column_int64(st, 9);
  if (!p->complex || !p->unit || !p->owner || !p->phone)
    return TILL_E_INTERNAL;
  if (p->reminders >= l->legal_after) {
    if (l->n_legal < REMINDER_ROWS_MAX)
      l->legal[l->n_legal++] = p;
    else
      acc->more = 1;
  } else if (l->n_remind < REMINDER_ROWS_MAX) {
    l->remind[l->n_remind++] = p;
  } else {
    acc->more = 1;
  }
  return TILL_OK;
}

till_status_t
arrears_handle_reminder_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__ReminderListRequest *in = r->env->reminder_list_req;
  if (in->min_years < 0 || in->min_years > 100 || in->legal_after < 0 || in->legal_after > 1000)
    return req_fail(r, TILL_E_INVALID, "The years must be 0 to 100 and the reminders 0 to 1000.");
  Till__V1__ReminderListResponse *l = req_alloc(r, sizeof *l);
  Till__V1__ReminderPayer **remind = req_alloc(r, REMINDER_ROWS_MAX * sizeof *remind);
  Till__V1__ReminderPayer **legal = req_alloc(r, REMINDER_ROWS_MAX * sizeof *legal);
  if (!l || !remind || !legal)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__reminder_list_response__init(l);
  l->remind = remind;
  l->legal = legal;
  l->legal_after = in->legal_after ? in->legal_after : LEGAL_AFTER_DEFAULT;
  sqlite3_stmt *st = store_stmt(sc, sql_owing_payers);
  if (st) {
    sqlite3_bind_int(st, 1, in->min_years > 1 ? in->min_years : 1);
    sqlite3_bind_int(st, 2, 2 * REMINDER_ROWS_MAX + 1);
  }
  rem_acc_t acc = {l, 0};
  int more = 0;
  if (req_rows(r, st, 2 * REMINDER_ROWS_MAX, reminder_row, &acc, &more) != TILL_OK)
    return r->status;
  l->more = acc.more || more;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_REMINDER_LIST_RESP;
  r->resp.reminder_list_resp = l;
  return TILL_OK;
}
