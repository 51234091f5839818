/* hosp_items.c -- the hospital's price list (admins add, everyone reads),
 * and the helpers hosp_int.h shares; see hospital.h and docs/hospital.md. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosp_calc.h"
#include "hosp_int.h"
#include "hospital.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"
#include "till_wire.h"

#define HOSP_ITEMS_MAX 5000 /* rows a list answers */

/* ---- shared helpers ---------------------------------------------------- */

till_status_t
hosp_series(req_t *r, store_conn_t *sc, char *prefix, size_t len)
{
  static const char sql[] = "SELECT prefix FROM series WHERE kind = 'hospital' ORDER BY prefix LIMIT 2";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int n = 0, rc;
  while (n < 2 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == 0)
      snprintf(prefix, len, "%s", (const char *)sqlite3_column_text(st, 0));
    n++;
  }
  if (n < 2 && rc != SQLITE_DONE && rc != SQLITE_ROW)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  if (n == 0)
    return req_fail(r, TILL_E_PRECONDITION, "there is no receipt series of kind hospital; an "
                    "admin adds one with 'till admin series add PREFIX --kind hospital'");
  if (n > 1)
    return req_fail(r, TILL_E_PRECONDITION, "there is more than one receipt series of kind "
                    "hospital");
  return TILL_OK;
}

void
hosp_request_hash(const ProtobufCMessage *msg, ProtobufCBinaryData *key, uint8_t out[32])
{
  ProtobufCBinaryData saved = *key;
  key->len = 0;
  key->data = NULL;
  size_t n = protobuf_c_message_get_packed_size(msg);
  uint8_t *buf = malloc(n ? n : 1);
  if (buf) {
    protobuf_c_message_pack(msg, buf);
    SHA256(buf, n, out);
    free(buf);
  } else { /* a hash of nothing: a replay under the key is then a conflict, never a match */
    memset(out, 0xff, 32);
  }
  *key = saved;
}

till_status_t
hosp_exec(req_t *r, sqlite3_stmt *st)
{
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) {
    req_step_failed(r, st, rc);
    sqlite3_reset(st);
    return r->status;
  }
  sqlite3_reset(st);
  return TILL_OK;
}

int
hosp_key_seen(req_t *r, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN])
{
  static const char sql[] = "SELECT count(*) FROM idempotency WHERE key = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  int64_t n = 0;
  if (req_rows(r, st, 1, req_row_int64, &n, NULL) != TILL_OK)
    return -1;
  return n > 0;
}

till_status_t
hosp_check_patient(req_t *r, const char *id, const char *name)
{
  if (!till_ident_ok(id, LEDGER_HOSP_PATIENT_MAX))
    return req_fail(r, TILL_E_INVALID, "patient id must be 1-%d characters from A-Z a-z 0-9 . _ -",
                    LEDGER_HOSP_PATIENT_MAX);
  if (name)
    return req_check_text(r, "patient name", name, HOSP_NAME_MAX, 0);
  return TILL_OK;
}

till_status_t
hosp_patient_row(req_t *r, store_conn_t *sc, const char *id, int *found, int *discharged,
                 char *name, size_t name_len)
{
  static const char sql[] =
    "SELECT name, discharge_txn IS NOT NULL FROM hosp_patients WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  if (*found) {
    snprintf(name, name_len, "%s", (const char *)sqlite3_column_text(st, 0));
    *discharged = sqlite3_column_int(st, 1);
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
hosp_txn_head(req_t *r, store_conn_t *sc, int64_t id, hosp_head_t *out)
{
  static const char sql[] =
    "SELECT series, receipt_no, terminal_id, cashier, at_ms, tendered, method, hash, kind"
    " FROM journal WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld not found", (long long)id) != TILL_OK)
    return r->status;
  char number[TILL_RECEIPT_NO_MAX], code[10] = "";
  till_receipt_format((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                      number, sizeof number);
  out->number = req_strdup(r, number);
  out->terminal = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  out->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  out->at_ms = sqlite3_column_int64(st, 4);
  out->tendered = sqlite3_column_int64(st, 5);
  out->method = req_strdup(r, (const char *)sqlite3_column_text(st, 6));
  if (sqlite3_column_bytes(st, 7) == TILL_HASH_LEN)
    till_chain_verify_code(sqlite3_column_blob(st, 7), code);
  out->verify_code = req_strdup(r, code);
  out->kind = req_strdup(r, (const char *)sqlite3_column_text(st, 8));
  sqlite3_reset(st);
  if (!out->number || !out->terminal || !out->cashier || !out->method || !out->verify_code ||
      !out->kind)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  return TILL_OK;
}

const char *
hosp_yuan(int64_t fen, char *buf, size_t len)
{
  if (till_money_format(fen, buf, len) != 0)
    snprintf(buf, len, "?");
  return buf;
}

/* ---- the price list ---------------------------------------------------- */

till_status_t
hosp_handle_item_add(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO hosp_items(code, name, unit, unit_price, department, created_at, created_by)"
    " VALUES (?,?,?,?,?,?,?) ON CONFLICT(code) DO NOTHING";
  const Till__V1__HospItemAddRequest *in = r->env->hosp_item_add_req;
  const Till__V1__HospItem *it = in->item;
  if (!it)
    return req_fail(r, TILL_E_INVALID, "item is required");
  if (!till_ident_ok(it->code, LEDGER_ITEM_MAX))
    return req_fail(r, TILL_E_INVALID, "an item code is 1-%d characters from A-Z a-z 0-9 . _ -",
                    LEDGER_ITEM_MAX);
  if (req_check_text(r, "name", it->name, 128, 0) != TILL_OK ||
      req_check_text(r, "unit", it->unit, 32, 0) != TILL_OK ||
      req_check_text(r, "department", it->department, 64, 0) != TILL_OK)
    return r->status;
  if (it->unit_price < 1 || it->unit_price > HOSP_PRICE_MAX)
    return req_fail(r, TILL_E_INVALID, "a unit price is 0.01 to 100000.00");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, it->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, it->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, it->unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, it->unit_price);
    sqlite3_bind_text(st, 5, it->department, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, till_now());
    sqlite3_bind_text(st, 7, r->actor.user, -1, SQLITE_STATIC);
  }
  if (hosp_exec(r, st) != TILL_OK)
    return r->status;
  if (sqlite3_changes(sc->db) == 0)
    return req_fail(r, TILL_E_CONFLICT, "item %s is already in the price list", it->code);
  Till__V1__HospItemAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_item_add_response__init(resp);
  resp->item = (Till__V1__HospItem *)it;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_ITEM_ADD_RESP;
  r->resp.hosp_item_add_resp = resp;
  return TILL_OK;
}

static till_status_t
item_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__HospItemListResponse *resp = arg;
  Till__V1__HospItem *it = req_alloc(r, sizeof *it);
  if (!it)
    return TILL_E_INTERNAL;
  till__v1__hosp_item__init(it);
  it->code = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  it->name = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  it->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  it->unit_price = sqlite3_column_int64(st, 3);
  it->department = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  if (!it->code || !it->name || !it->unit || !it->department)
    return TILL_E_INTERNAL;
  resp->items[resp->n_items++] = it;
  return TILL_OK;
}

till_status_t
hosp_handle_item_list(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "SELECT code, name, unit, unit_price, department FROM hosp_items ORDER BY department, code"
    " LIMIT ?";
  r->skip_write = 1;
  Till__V1__HospItemListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__HospItem **items = req_alloc(r, HOSP_ITEMS_MAX * sizeof *items);
  if (!resp || !items)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__hosp_item_list_response__init(resp);
  resp->items = items;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_int(st, 1, HOSP_ITEMS_MAX + 1);
  int more = 0;
  if (req_rows(r, st, HOSP_ITEMS_MAX, item_row, resp, &more) != TILL_OK)
    return r->status;
  if (more)
    return req_fail(r, TILL_E_EXHAUSTED, "the price list has more than %d items", HOSP_ITEMS_MAX);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_HOSP_ITEM_LIST_RESP;
  r->resp.hosp_item_list_resp = resp;
  return TILL_OK;
}
