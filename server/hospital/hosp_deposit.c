/* hosp_deposit.c -- an inpatient's deposit (预交金): taken and topped up at
 * the window, drawn down by bills (hosp_bill.c), its balance paid back in
 * cash at discharge; and a patient's deposit account as the journal has
 * it. See hospital.h and docs/hospital.md. */
#include <stdio.h>
#include <string.h>

#include "hosp_calc.h"
#include "hosp_int.h"
#include "hospital.h"
#include "till_util.h"
#include "till_wire.h"

#define HOSP_MOVES_MAX 1000 /* moves a patient's account lists */

/* The answer about deposit posting <txn> of <patient>. */
static till_status_t
answer_move(req_t *r, store_conn_t *sc, int64_t txn, const char *patient, int replayed,
            Till__V1__HospDepositResponse **out)
{
  static const char sql_amount[] =
    "SELECT e.amount FROM entries e WHERE e.txn_id = ? AND e.account = ?";
  Till__V1__HospDepositResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_deposit_response__init(resp);
  hosp_head_t h;
  if (hosp_txn_head(r, sc, txn, &h) != TILL_OK)
    return r->status;
  char account[LEDGER_HOSP_ACCOUNT_MAX], name[HOSP_NAME_MAX + 1] = "";
  snprintf(account, sizeof account, "%s%s", LEDGER_HOSP_DEPOSIT_PREFIX, patient);
  sqlite3_stmt *st = store_stmt(sc, sql_amount);
  if (st) {
    sqlite3_bind_int64(st, 1, txn);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
  }
  int64_t amount = 0;
  if (req_rows(r, st, 1, req_row_int64, &amount, NULL) != TILL_OK)
    return r->status;
  int found = 0, discharged = 0;
  if (hosp_patient_row(r, sc, patient, &found, &discharged, name, sizeof name) != TILL_OK)
    return r->status;
  resp->kind = h.kind;
  resp->txn_id = txn;
  resp->number = h.number;
  resp->patient_id = req_strdup(r, patient);
  resp->patient_name = req_strdup(r, name);
  resp->amount = amount < 0 ? -amount : amount;
  if (ledger_hosp_deposit_balance(sc, patient, &resp->balance) != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  int m = till_method_from_name(h.method);
  resp->method = m > 0 ? till_wire_method((till_method_t)m) : 0;
  resp->tendered = h.tendered;
  resp->change = h.tendered ? h.tendered - resp->amount : 0;
  resp->terminal_id = h.terminal;
  resp->cashier = h.cashier;
  resp->at_ms = h.at_ms;
  resp->verify_code = h.verify_code;
  resp->office = req_strdup(r, req_config(r)->office);
  resp->replayed = replayed != 0;
  if (!resp->patient_id || !resp->patient_name || !resp->office)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = resp;
  return TILL_OK;
}

/* The patient whose deposit transaction <txn> moved (a replay's). */
static till_status_t
patient_of(req_t *r, store_conn_t *sc, int64_t txn, char *patient, size_t len)
{
  static const char sql[] =
    "SELECT substr(account, 17) FROM entries WHERE txn_id = ? AND account GLOB 'deposit:patient:*'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn);
  if (req_row_one(r, st, TILL_E_INTERNAL, "transaction %lld moved no deposit", (long long)txn) !=
      TILL_OK)
    return r->status;
  snprintf(patient, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  return TILL_OK;
}

/* Post <p> and answer; on a new deposit <add_patient> makes the patient's
 * row first, on a new discharge <discharge> marks it. */
static till_status_t
post_move(req_t *r, store_conn_t *sc, hosp_post_t *p, const char *patient, const char *name,
          int add_patient, int discharge, Till__V1__HospDepositResponse **out)
{
  static const char sql_add[] =
    "INSERT INTO hosp_patients(id, name, created_at, created_by) VALUES (?,?,?,?)";
  static const char sql_discharge[] = "UPDATE hosp_patients SET discharge_txn = ? WHERE id = ?";
  char receipt[TILL_RECEIPT_NO_MAX], err[256], who[LEDGER_HOSP_PATIENT_MAX + 1];
  post_result_t res;
  till_status_t pst =
    ledger_post_hospital(req_ledger(r), sc, p, &res, receipt, sizeof receipt, err, sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (res.replayed) {
    if (patient_of(r, sc, res.ref_id, who, sizeof who) != TILL_OK)
      return r->status;
    return answer_move(r, sc, res.ref_id, who, 1, out);
  }
  sqlite3_stmt *st;
  if (add_patient) {
    st = store_stmt(sc, sql_add);
    if (st) {
      sqlite3_bind_text(st, 1, patient, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, till_now());
      sqlite3_bind_text(st, 4, r->actor.user, -1, SQLITE_STATIC);
    }
    if (hosp_exec(r, st) != TILL_OK)
      return r->status;
  }
  if (discharge) {
    st = store_stmt(sc, sql_discharge);
    if (st) {
      sqlite3_bind_int64(st, 1, res.ref_id);
      sqlite3_bind_text(st, 2, patient, -1, SQLITE_STATIC);
    }
    if (hosp_exec(r, st) != TILL_OK)
      return r->status;
  }
  return answer_move(r, sc, res.ref_id, patient, 0, out);
}

till_status_t
hosp_handle_deposit(req_t *r, store_conn_t *sc)
{
  Till__V1__HospDepositRequest *in = r->env->hosp_deposit_req;
  static hosp_post_t p; /* the writer's alone */
  memset(&p, 0, sizeof p);
  if (req_idem_key(r, in->idempotency_key, p.key) != TILL_OK)
    return r->status;
  hosp_request_hash(&in->base, &in->idempotency_key, p.req_hash);
  p.kind = LEDGER_KIND_HOSP_DEPOSIT;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  int seen = hosp_key_seen(r, sc, p.key);
  if (seen < 0)
    return r->status;
  int found = 0, discharged = 0;
  char prefix[TILL_SERIES_PREFIX_MAX + 1], name[HOSP_NAME_MAX + 1], x[32], y[32];
  if (!seen) {
    if (hosp_check_patient(r, in->patient_id, in->patient_name) != TILL_OK)
      return r->status;
    if (in->amount < 1 || in->amount > HOSP_TOTAL_MAX)
      return req_fail(r, TILL_E_INVALID, "a deposit is 0.01 to 100000000.00");
    int m = till_wire_method_of(in->method);
    if (!m)
      return req_fail(r, TILL_E_INVALID, "payment method is required (cash, card, wechat, "
                      "alipay, transfer, cheque, subsidy)");
    if (in->tendered && m != TILL_METHOD_CASH)
      return req_fail(r, TILL_E_INVALID, "tendered is for cash only");
    if (in->tendered < 0 || in->tendered > LEDGER_TOTAL_MAX ||
        (in->tendered && in->tendered < in->amount))
      return req_fail(r, TILL_E_INVALID, "tendered %s is less than the deposit %s",
                      hosp_yuan(in->tendered, x, sizeof x), hosp_yuan(in->amount, y, sizeof y));
    if (hosp_patient_row(r, sc, in->patient_id, &found, &discharged, name, sizeof name) != TILL_OK)
      return r->status;
    if (found && discharged)
      return req_fail(r, TILL_E_PRECONDITION, "patient %s was discharged", in->patient_id);
    if (found && strcmp(name, in->patient_name) != 0)
      return req_fail(r, TILL_E_INVALID, "patient %s is %s, not %s", in->patient_id, name,
                      in->patient_name);
    if (hosp_series(r, sc, prefix, sizeof prefix) != TILL_OK)
      return r->status;
    p.series_prefix = prefix;
    p.method = till_method_name(m);
    p.tendered = in->tendered;
    p.entries[0].method = m;
    p.entries[0].amount = in->amount;
    snprintf(p.entries[1].account, sizeof p.entries[1].account, "%s%s",
             LEDGER_HOSP_DEPOSIT_PREFIX, in->patient_id);
    p.entries[1].amount = -in->amount;
    p.n_entries = 2;
  }
  Till__V1__HospDepositResponse *resp = NULL;
  if (post_move(r, sc, &p, in->patient_id, in->patient_name, !seen && !found, 0, &resp) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_DEPOSIT_RESP;
  r->resp.hosp_deposit_resp = resp;
  return TILL_OK;
}

till_status_t
hosp_handle_discharge(req_t *r, store_conn_t *sc)
{
  Till__V1__HospDischargeRequest *in = r->env->hosp_discharge_req;
  static hosp_post_t p; /* the writer's alone */
  memset(&p, 0, sizeof p);
  if (req_idem_key(r, in->idempotency_key, p.key) != TILL_OK)
    return r->status;
  hosp_request_hash(&in->base, &in->idempotency_key, p.req_hash);
  p.kind = LEDGER_KIND_HOSP_DISCHARGE;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  int seen = hosp_key_seen(r, sc, p.key);
  if (seen < 0)
    return r->status;
  char prefix[TILL_SERIES_PREFIX_MAX + 1], name[HOSP_NAME_MAX + 1];
  if (!seen) {
    int found = 0, discharged = 0;
    int64_t balance = 0;
    if (hosp_check_patient(r, in->patient_id, NULL) != TILL_OK ||
        hosp_patient_row(r, sc, in->patient_id, &found, &discharged, name, sizeof name) != TILL_OK)
      return r->status;
    if (!found)
      return req_fail(r, TILL_E_NOT_FOUND, "patient %s has no deposit", in->patient_id);
    if (discharged)
      return req_fail(r, TILL_E_PRECONDITION, "patient %s was discharged", in->patient_id);
    if (ledger_hosp_deposit_balance(sc, in->patient_id, &balance) != 0)
      return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
    if (balance <= 0)
      return req_fail(r, TILL_E_PRECONDITION, "the deposit of patient %s is 0.00; there is "
                      "nothing to pay back", in->patient_id);
    if (hosp_series(r, sc, prefix, sizeof prefix) != TILL_OK)
      return r->status;
    p.series_prefix = prefix;
    p.method = till_method_name(TILL_METHOD_CASH);
    snprintf(p.entries[0].account, sizeof p.entries[0].account, "%s%s",
             LEDGER_HOSP_DEPOSIT_PREFIX, in->patient_id);
    p.entries[0].amount = balance;
    p.entries[1].method = TILL_METHOD_CASH;
    p.entries[1].amount = -balance;
    p.n_entries = 2;
  }
  Till__V1__HospDepositResponse *resp = NULL;
  if (post_move(r, sc, &p, in->patient_id, NULL, 0, !seen, &resp) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_DISCHARGE_RESP;
  r->resp.hosp_discharge_resp = resp;
  return TILL_OK;
}

static till_status_t
move_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__HospPatientResponse *resp = arg;
  Till__V1__HospDepositMove *m = req_alloc(r, sizeof *m);
  if (!m)
    return TILL_E_INTERNAL;
  till__v1__hosp_deposit_move__init(m);
  char number[TILL_RECEIPT_NO_MAX];
  till_receipt_format((const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
                      number, sizeof number);
  m->txn_id = sqlite3_column_int64(st, 0);
  m->kind = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  m->number = req_strdup(r, number);
  m->at_ms = sqlite3_column_int64(st, 4);
  m->amount = sqlite3_column_int64(st, 5);
  if (!m->kind || !m->number)
    return TILL_E_INTERNAL;
  resp->moves[resp->n_moves++] = m;
  return TILL_OK;
}

till_status_t
hosp_handle_patient(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT j.id, j.kind, coalesce(j.series, ''), j.receipt_no, j.at_ms, -e.amount"
    " FROM entries e JOIN journal j ON j.id = e.txn_id WHERE e.account = ? ORDER BY j.id LIMIT ?";
  const Till__V1__HospPatientRequest *in = r->env->hosp_patient_req;
  r->skip_write = 1;
  int found = 0, discharged = 0;
  char name[HOSP_NAME_MAX + 1], account[LEDGER_HOSP_ACCOUNT_MAX];
  if (hosp_check_patient(r, in->patient_id, NULL) != TILL_OK ||
      hosp_patient_row(r, sc, in->patient_id, &found, &discharged, name, sizeof name) != TILL_OK)
    return r->status;
  if (!found)
    return req_fail(r, TILL_E_NOT_FOUND, "patient %s has no deposit", in->patient_id);
  Till__V1__HospPatientResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__HospDepositMove **moves = req_alloc(r, HOSP_MOVES_MAX * sizeof *moves);
  if (!resp || !moves)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_patient_response__init(resp);
  resp->moves = moves;
  resp->patient_id = req_strdup(r, in->patient_id);
  resp->patient_name = req_strdup(r, name);
  resp->discharged = discharged != 0;
  if (!resp->patient_id || !resp->patient_name)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  snprintf(account, sizeof account, "%s%s", LEDGER_HOSP_DEPOSIT_PREFIX, in->patient_id);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, HOSP_MOVES_MAX + 1);
  }
  int more = 0;
  if (req_rows(r, st, HOSP_MOVES_MAX, move_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "patient %s has more than %d deposit moves",
                    in->patient_id, HOSP_MOVES_MAX);
  if (ledger_hosp_deposit_balance(sc, in->patient_id, &resp->balance) != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_PATIENT_RESP;
  r->resp.hosp_patient_resp = resp;
  return TILL_OK;
}
