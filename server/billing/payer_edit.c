/* payer_edit.c -- payer edit, which keeps every change in payer_history,
 * and payer list, a page at a time; see payer.h. An edit never touches a
 * charge already made: charges are rows of their own, and a later area
 * change reaches one only through an explicit adjustment (docs/billing.md). */
#include "payer.h"

#include <stdio.h>
#include <string.h>

#include "till_util.h"

#define EDIT_FIELDS 6
#define LIST_DEFAULT 50
#define LIST_MAX 500

/* The fields an edit may change, each with its own statement. */
static const char *const edit_fields[EDIT_FIELDS] = {"unit", "owner", "phone",
                                                     "area", "occupancy", "tags"};
static const char *const edit_sql[EDIT_FIELDS] = {
  "UPDATE payers SET unit = ?2 WHERE id = ?1",
  "UPDATE payers SET owner = ?2 WHERE id = ?1",
  "UPDATE payers SET phone = ?2 WHERE id = ?1",
  "UPDATE payers SET area_centi = ?2 WHERE id = ?1",
  "UPDATE payers SET occupancy = ?2 WHERE id = ?1",
  "UPDATE payers SET tags = ?2 WHERE id = ?1",
};
static const char sql_by_id[] = "SELECT " PAYER_COLUMNS " FROM payers WHERE id = ?";
static const char sql_history_add[] =
  "INSERT INTO payer_history(payer_id, field, old_value, new_value, changed_at, changed_by)"
  " VALUES (?,?,?,?,?,?)";
static const char sql_list_all[] =
  "SELECT " PAYER_COLUMNS " FROM payers WHERE id > ?2 ORDER BY id LIMIT ?3";
static const char sql_list_complex[] =
  "SELECT " PAYER_COLUMNS " FROM payers WHERE complex = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

static int
field_index(const char *f)
{
  for (int i = 0; i < EDIT_FIELDS; i++)
    if (strcmp(f, edit_fields[i]) == 0)
      return i;
  return -1;
}

/* The payer <id> into *out (NULL when there is none); a failure recorded. */
static till_status_t
load(req_t *r, store_conn_t *sc, int64_t id, Till__V1__Payer **out)
{
  payer_list_t l = {out, 0, 1};
  *out = NULL;
  sqlite3_stmt *st = store_stmt(sc, sql_by_id);
  if (st)
    sqlite3_bind_int64(st, 1, id);
  return req_rows(r, st, 1, payer_list_row, &l, NULL);
}

/* Field <i>'s value in <p> as history writes it. */
static const char *
old_text(const Till__V1__Payer *p, int i, char *buf, size_t len)
{
  const char *v[EDIT_FIELDS] = {p->unit, p->owner, p->phone, NULL, p->occupancy, p->tags};
  if (i != 3)
    return v[i];
  payer_area_text(p->area_centi, buf, len);
  return buf;
}

/* Write one change: the row and its history line. TILL_OK or recorded. */
static till_status_t
apply(req_t *r, store_conn_t *sc, const Till__V1__Payer *p, int i, const payer_fields_t *f,
      const char *old_v, const char *new_v)
{
  sqlite3_stmt *st = store_stmt(sc, edit_sql[i]);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, p->id);
  if (i == 3)
    sqlite3_bind_int64(st, 2, f->area_centi);
  else
    sqlite3_bind_text(st, 2, new_v, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int ext = sqlite3_extended_errcode(sc->db);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && ext == SQLITE_CONSTRAINT_UNIQUE)
    return req_fail(r, TILL_E_CONFLICT, "unit %s of %s is already a payer.", new_v, p->complex);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, NULL, rc);
  st = store_stmt(sc, sql_history_add);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, p->id);
  sqlite3_bind_text(st, 2, edit_fields[i], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, old_v, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, new_v, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, till_now());
  sqlite3_bind_text(st, 6, r->actor.user, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? TILL_OK : req_step_failed(r, NULL, rc);
}

/* Record what changed in the answer. */
static till_status_t
note_change(req_t *r, Till__V1__PayerEditResponse *resp, int i, const char *old_v,
            const char *new_v)
{
  Till__V1__PayerChange *c = req_alloc(r, sizeof *c);
  if (!c)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_change__init(c);
  c->at = till_now();
  c->by = req_strdup(r, r->actor.user);
  c->field = req_strdup(r, edit_fields[i]);
  c->old_value = req_strdup(r, old_v);
  c->new_value = req_strdup(r, new_v);
  if (!c->by || !c->field || !c->old_value || !c->new_value)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  resp->changes[resp->n_changes++] = c;
  return TILL_OK;
}

till_status_t
payer_handle_edit(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayerEditRequest *in = r->env->payer_edit_req;
  Till__V1__Payer *p;
  int seen[EDIT_FIELDS] = {0};
  if (in->n_changes == 0)
    return req_fail(r, TILL_E_INVALID, "an edit names at least one field to change.");
  if (in->n_changes > EDIT_FIELDS)
    return req_fail(r, TILL_E_INVALID, "an edit changes at most %d fields.", EDIT_FIELDS);
  if (load(r, sc, in->id, &p) != TILL_OK)
    return r->status;
  if (!p)
    return req_fail(r, TILL_E_NOT_FOUND, "no payer %lld", (long long)in->id);
  Till__V1__PayerEditResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__PayerChange **ch = req_alloc(r, EDIT_FIELDS * sizeof *ch);
  if (!resp || !ch)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_edit_response__init(resp);
  resp->changes = ch;
  for (size_t k = 0; k < in->n_changes; k++) {
    const Till__V1__PayerFieldValue *fv = in->changes[k];
    int i = field_index(fv->field);
    payer_fields_t f;
    payer_problem_t prob;
    char old_buf[32], new_buf[32];
    if (i < 0)
      return req_fail(r, TILL_E_INVALID,
                      "%s is not a field an edit changes (unit, owner, phone, area, occupancy, tags).",
                      fv->field);
    if (seen[i]++)
      return req_fail(r, TILL_E_INVALID, "the edit names %s twice.", fv->field);
    if (payer_check_field(fv->field, fv->value, &f, &prob) != 0)
      return req_fail(r, TILL_E_INVALID, "%s", prob.reason);
    const char *old_v = old_text(p, i, old_buf, sizeof old_buf);
    const char *new_v = fv->value;
    if (i == 3) {
      payer_area_text(f.area_centi, new_buf, sizeof new_buf);
      new_v = new_buf;
    }
    if (strcmp(old_v, new_v) == 0)
      continue; /* no change, no history */
    if (apply(r, sc, p, i, &f, old_v, new_v) != TILL_OK ||
        note_change(r, resp, i, old_v, new_v) != TILL_OK)
      return r->status; /* the worker rolls back the changes made so far */
  }
  if (load(r, sc, in->id, &resp->payer) != TILL_OK)
    return r->status;
  if (!resp->payer)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_EDIT_RESP;
  r->resp.payer_edit_resp = resp;
  return TILL_OK;
}

till_status_t
payer_handle_list(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayerListRequest *in = r->env->payer_list_req;
  uint32_t limit = in->limit ? in->limit : LIST_DEFAULT;
  if (limit > LIST_MAX)
    return req_fail(r, TILL_E_INVALID, "a page holds at most %d payers.", LIST_MAX);
  Till__V1__PayerListResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__Payer **list = req_alloc(r, limit * sizeof *list);
  if (!resp || !list)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_list_response__init(resp);
  sqlite3_stmt *st = store_stmt(sc, in->complex[0] ? sql_list_complex : sql_list_all);
  if (st) {
    sqlite3_bind_text(st, 1, in->complex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, in->after_id);
    sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
  }
  payer_list_t l = {list, 0, limit};
  int more = 0;
  if (req_rows(r, st, limit, payer_list_row, &l, &more) != TILL_OK)
    return r->status;
  resp->payers = list;
  resp->n_payers = l.n;
  resp->more = more != 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_LIST_RESP;
  r->resp.payer_list_resp = resp;
  return TILL_OK;
}
