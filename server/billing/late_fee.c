/* late_fee.c -- 违约金: a scheme's rule (admins set it), what a payer's
 * overdue charges accrue (late_fee.h), and its posting by a supervisor
 * (the approval): kind late_fee, Dr receivable:payer:<id> / Cr
 * revenue:late_fee:<scheme>, and a charge of kind late_fee that payments
 * settle like any other. docs/billing.md ("Late fees"). */
#include "late_fee.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "ledger.h"
#include "ledger_billing.h"
#include "till_chain.h"
#include "till_util.h"
#include "waiver.h"

/* 2440587.5 is the Julian day of 1970-01-01 */
static const char sql_overdue[] =
  "SELECT c.id, c.scheme, c.amount, c.amount - c.paid - c.waived - c.credited,"
  " CAST(julianday(date(c.created_at, 'unixepoch', 'localtime')) - 2440587.5 AS INTEGER),"
  " l.daily_e6, l.grace_days, l.cap_bp,"
  " coalesce((SELECT sum(p.days) FROM late_fee_parts p WHERE p.charge_id = c.id), 0),"
  " coalesce((SELECT sum(p.amount_e6) FROM late_fee_parts p WHERE p.charge_id = c.id), 0)"
  " FROM charges c JOIN late_fee_rules l ON l.scheme = c.scheme"
  " WHERE c.payer_id = ?1 AND (?2 = '' OR c.scheme = ?2) AND c.kind <> 'late_fee'"
  "   AND c.paid + c.waived + c.credited < c.amount"
  " ORDER BY c.scheme, c.id LIMIT ?3";

int64_t
late_fee_today(void)
{
  time_t now = (time_t)till_now();
  struct tm tm;
  localtime_r(&now, &tm);
  tm.tm_hour = 12; /* noon UTC of the same calendar date */
  tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = 0;
  return (int64_t)(timegm(&tm) / 86400);
}

void
late_fee_day_text(int64_t day, char *buf, size_t len)
{
  time_t t = (time_t)(day * 86400 + 43200);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%d", &tm);
}

static till_status_t
overdue_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  late_fee_due_t *out = arg;
  int64_t today = out->today;
  const char *scheme = (const char *)sqlite3_column_text(st, 1);
  late_fee_rule_t rule = {sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
                          sqlite3_column_int64(st, 7)};
  int64_t days = late_fee_days(sqlite3_column_int64(st, 4), today, rule.grace_days) -
                 sqlite3_column_int64(st, 8);
  if (days <= 0)
    return TILL_OK;
  int64_t cap_left = late_fee_cap_e6(sqlite3_column_int64(st, 2), rule.cap_bp) -
                     sqlite3_column_int64(st, 9);
  int64_t e6 = late_fee_part_e6(sqlite3_column_int64(st, 3), rule.daily_e6, days, cap_left);
  size_t k = 0;
  while (k < out->n_schemes && strcmp(out->schemes[k].scheme, scheme) != 0)
    k++;
  if (k == out->n_schemes) {
    if (k == LATE_FEE_SCHEMES_MAX)
      return req_fail(r, TILL_E_EXHAUSTED, "The payer has charges of more than %d schemes with "
                      "a late fee.", LATE_FEE_SCHEMES_MAX);
    snprintf(out->schemes[k].scheme, sizeof out->schemes[k].scheme, "%s", scheme);
    out->n_schemes++;
  }
  out->schemes[k].total_e6 += e6;
  out->schemes[k].charges++;
  out->parts[out->n_parts++] = (late_fee_part_t){sqlite3_column_int64(st, 0), days, e6};
  return TILL_OK;
}

till_status_t
late_fee_compute(req_t *r, store_conn_t *sc, int64_t payer_id, const char *scheme,
                 int64_t today, late_fee_due_t *out)
{
  memset(out, 0, sizeof *out);
  out->parts = req_alloc(r, LATE_FEE_PARTS_MAX * sizeof *out->parts);
  if (!out->parts)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  out->today = today;
  sqlite3_stmt *st = store_stmt(sc, sql_overdue);
  if (st) {
    sqlite3_bind_int64(st, 1, payer_id);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, LATE_FEE_PARTS_MAX + 1);
  }
  int more = 0;
  if (req_rows(r, st, LATE_FEE_PARTS_MAX, overdue_row, out, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "The payer has more than %d overdue charges; the late "
                    "fee would be incomplete.", LATE_FEE_PARTS_MAX);
  return TILL_OK;
}

till_status_t
late_fee_handle_set(req_t *r, store_conn_t *sc)
{
  static const char sql_scheme[] = "SELECT 1 FROM schemes WHERE code = ?";
  static const char sql_set[] =
    "INSERT INTO late_fee_rules(scheme, daily_e6, grace_days, cap_bp, set_at, set_by)"
    " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(scheme) DO UPDATE SET daily_e6 = ?2,"
    " grace_days = ?3, cap_bp = ?4, set_at = ?5, set_by = ?6";
  static const char sql_del[] = "DELETE FROM late_fee_rules WHERE scheme = ?1";
  const Till__V1__LateFeeSetRequest *in = r->env->late_fee_set_req;
  if (req_check_text(r, "scheme", in->scheme, 24, 0) != TILL_OK)
    return r->status;
  int removing = in->daily_e6 == 0;
  if (!removing && (in->daily_e6 < 1 || in->daily_e6 > 100000))
    return req_fail(r, TILL_E_INVALID, "The daily rate must be between 0.000001 and 0.1.");
  if (!removing && (in->grace_days < 0 || in->grace_days > 3650))
    return req_fail(r, TILL_E_INVALID, "The grace days must be between 0 and 3650.");
  if (!removing && (in->cap_bp < 1 || in->cap_bp > 10000))
    return req_fail(r, TILL_E_INVALID, "The cap must be between 0.01 %% and 100 %% of a charge.");
  sqlite3_stmt *st = store_stmt(sc, sql_scheme);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->scheme, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "There is no scheme %s.", in->scheme) != TILL_OK)
    return r->status;
  sqlite3_reset(st);
  st = store_stmt(sc, removing ? sql_del : sql_set);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int64_t now = till_now();
  sqlite3_bind_text(st, 1, in->scheme, -1, SQLITE_STATIC);
  if (!removing) {
    sqlite3_bind_int64(st, 2, in->daily_e6);
    sqlite3_bind_int(st, 3, in->grace_days);
    sqlite3_bind_int(st, 4, in->cap_bp);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, r->actor.user, -1, SQLITE_STATIC);
  }
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  Till__V1__LateFeeSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__late_fee_set_response__init(resp);
  resp->scheme = in->scheme; /* the request outlives the answer's packing */
  resp->daily_e6 = in->daily_e6;
  resp->grace_days = removing ? 0 : in->grace_days;
  resp->cap_bp = removing ? 0 : in->cap_bp;
  resp->set_by = r->actor.user;
  resp->set_at = now;
  resp->removed = removing;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_LATE_FEE_SET_RESP;
  r->resp.late_fee_set_resp = resp;
  return TILL_OK;
}

static till_status_t
post_answer(req_t *r, int64_t charge_id, int64_t amount, int64_t txn_id, int replayed)
{
  Till__V1__LateFeePostResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__late_fee_post_response__init(resp);
  resp->charge_id = charge_id;
  resp->amount = amount;
  resp->txn_id = txn_id;
  resp->replayed = replayed != 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_LATE_FEE_POST_RESP;
  r->resp.late_fee_post_resp = resp;
  return TILL_OK;
}

/* A retry of a posting already made with <key>: its answer again. 1 if so. */
static int
post_replayed(req_t *r, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN])
{
  static const char sql[] =
    "SELECT c.id, c.amount, c.txn_id FROM idempotency i JOIN charges c ON c.txn_id = i.ref_id"
    " WHERE i.key = ? AND i.kind = 'late_fee'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return 0;
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found)
    post_answer(r, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                sqlite3_column_int64(st, 2), 1);
  sqlite3_reset(st);
  return found;
}

/* The charge row and the parts of late fee <amount> posted as <txn_id>. */
static till_status_t
post_rows(req_t *r, store_conn_t *sc, const Till__V1__LateFeePostRequest *in,
          const late_fee_due_t *due, const char *day, int64_t amount, int64_t txn_id)
{
  static const char sql_charge[] =
    "INSERT INTO charges(payer_id, scheme, period, year, kind, amount, txn_id, created_at)"
    " VALUES (?,?,?,CAST(substr(?3, 1, 4) AS INTEGER),'late_fee',?,?,?)";
  static const char sql_part[] =
    "INSERT INTO late_fee_parts(late_charge_id, charge_id, days, amount_e6) VALUES (?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql_charge);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, in->payer_id);
  sqlite3_bind_text(st, 2, in->scheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, amount);
  sqlite3_bind_int64(st, 5, txn_id);
  sqlite3_bind_int64(st, 6, till_now());
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  int64_t charge_id = sqlite3_last_insert_rowid(sc->db);
  for (size_t i = 0; i < due->n_parts; i++) {
    if (!(st = store_stmt(sc, sql_part)))
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_int64(st, 1, charge_id);
    sqlite3_bind_int64(st, 2, due->parts[i].charge_id);
    sqlite3_bind_int64(st, 3, due->parts[i].days);
    sqlite3_bind_int64(st, 4, due->parts[i].e6);
    if ((rc = sqlite3_step(st)) != SQLITE_DONE)
      return req_step_failed(r, st, rc);
    sqlite3_reset(st);
  }
  return post_answer(r, charge_id, amount, txn_id, 0);
}

till_status_t
late_fee_handle_post(req_t *r, store_conn_t *sc)
{
  const Till__V1__LateFeePostRequest *in = r->env->late_fee_post_req;
  static bill_post_t p; /* the writer's alone */
  memset(&p, 0, sizeof p);
  if (req_idem_key(r, in->idempotency_key, p.key) != TILL_OK ||
      req_check_text(r, "scheme", in->scheme, 24, 0) != TILL_OK)
    return r->status;
  if (in->payer_id <= 0)
    return req_fail(r, TILL_E_INVALID, "A late fee needs the payer's number.");
  if (post_replayed(r, sc, p.key))
    return TILL_OK;
  late_fee_due_t due;
  int64_t today = late_fee_today();
  if (late_fee_compute(r, sc, in->payer_id, in->scheme, today, &due) != TILL_OK)
    return r->status;
  int64_t amount = due.n_schemes ? late_fee_round(due.schemes[0].total_e6) : 0;
  char day[16];
  late_fee_day_text(today, day, sizeof day);
  if (amount <= 0)
    return req_fail(r, TILL_E_PRECONDITION, "Payer %lld owes no late fee for %s on %s.",
                    (long long)in->payer_id, in->scheme, day);
  till_canon_t c;
  till_canon_init(&c);
  till_canon_str(&c, "LATE-FEE-V1");
  till_canon_i64(&c, in->payer_id);
  till_canon_str(&c, in->scheme);
  till_canon_str(&c, day);
  SHA256(c.data ? c.data : (const uint8_t *)"", c.len, p.req_hash);
  till_canon_free(&c);
  p.kind = LEDGER_KIND_LATE_FEE;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  p.approver = r->actor.user;
  p.method = "";
  p.memo = day;
  p.n_entries = 2;
  snprintf(p.entries[0].account, sizeof p.entries[0].account, LEDGER_RECEIVABLE_FMT,
           (long long)in->payer_id);
  p.entries[0].amount = amount;
  snprintf(p.entries[1].account, sizeof p.entries[1].account, "revenue:late_fee:%s", in->scheme);
  p.entries[1].amount = -amount;
  for (int i = 0; i < 2; i++)
    snprintf(p.entries[i].item, sizeof p.entries[i].item, "late_fee:%.20s", in->scheme);
  post_result_t res;
  char err[256];
  till_status_t st = ledger_post_billing(req_ledger(r), sc, &p, &res, NULL, 0, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  return post_rows(r, sc, in, &due, day, amount, res.ref_id);
}
