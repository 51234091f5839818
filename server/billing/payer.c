/* payer.c -- payer add, show and import, and the checks every way of
 * writing a payer shares; see payer.h. */
#include "payer.h"

#include <stdio.h>
#include <string.h>

#include "till_util.h"

#define COMPLEX_CHARS 64
#define UNIT_CHARS 32
#define OWNER_CHARS 64
#define PHONE_MAX 20
#define TAGS_MAX 200
#define AREA_CENTI_MAX 100000000 /* 1,000,000.00 m² */

static const char sql_insert[] =
  "INSERT INTO payers(complex, unit, owner, phone, area_centi, occupancy, tags, created_at,"
  " created_by) VALUES (?,?,?,?,?,?,?,?,?)";
static const char sql_by_id[] = "SELECT " PAYER_COLUMNS " FROM payers WHERE id = ?";
static const char sql_by_unit[] =
  "SELECT " PAYER_COLUMNS " FROM payers WHERE complex = ? AND unit = ?";
static const char sql_id_of_unit[] = "SELECT id FROM payers WHERE complex = ? AND unit = ?";
static const char sql_history[] =
  "SELECT changed_at, changed_by, field, old_value, new_value FROM payer_history"
  " WHERE payer_id = ? ORDER BY id LIMIT ?";

/* Characters (code points) of valid UTF-8 <s>. */
static size_t
utf8_chars(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      n++;
  return n;
}

/* Text of 1..<max_chars> characters (0.. when optional), valid, no control
 * character, no space at either end. 0 or -1 with the reason in <p>. */
static int
check_text(const char *column, const char *v, size_t max_chars, int optional, payer_problem_t *p)
{
  size_t n = strlen(v);
  p->column = column;
  if (!till_text_ok(v, n) || strchr(v, '\t')) {
    snprintf(p->reason, sizeof p->reason, "%s is not valid text (UTF-8 without control characters).",
             column);
    return -1;
  }
  if (n == 0 && !optional) {
    snprintf(p->reason, sizeof p->reason, "%s is empty; it is required.", column);
    return -1;
  }
  if (utf8_chars(v) > max_chars || n > max_chars * 4) {
    snprintf(p->reason, sizeof p->reason, "%s is longer than %zu characters.", column, max_chars);
    return -1;
  }
  if (n > 0 && (v[0] == ' ' || v[n - 1] == ' ')) {
    snprintf(p->reason, sizeof p->reason, "%s begins or ends with a space.", column);
    return -1;
  }
  return 0;
}

/* "87", "87.5", "87.50" -> 8700, 8750, 8750. 0 or -1 with the reason. */
static int
check_area(const char *v, int64_t *out, payer_problem_t *p)
{
  int64_t whole = 0, frac = 0;
  size_t i = 0, digits = 0, decimals = 0;
  int dot = 0;
  p->column = "area";
  for (; v[i] >= '0' && v[i] <= '9'; i++, digits++)
    if (digits < 9)
      whole = whole * 10 + (v[i] - '0');
  if (v[i] == '.') {
    dot = 1;
    for (i++; v[i] >= '0' && v[i] <= '9'; i++, decimals++)
      if (decimals < 2)
        frac = frac * 10 + (v[i] - '0');
  }
  if (digits == 0 || v[i] != '\0' || (dot && decimals == 0)) {
    snprintf(p->reason, sizeof p->reason,
             "area '%.40s' is not square metres like 87 or 87.50.", v);
    return -1;
  }
  if (decimals > 2) {
    snprintf(p->reason, sizeof p->reason,
             "area %.40s has more than two decimals; give square metres like 87.50.", v);
    return -1;
  }
  if (decimals == 1)
    frac *= 10;
  if (digits > 7 || whole * 100 + frac > AREA_CENTI_MAX) {
    snprintf(p->reason, sizeof p->reason, "area %.40s is above 1000000.00 square metres.", v);
    return -1;
  }
  *out = whole * 100 + frac;
  return 0;
}

static int
check_phone(const char *v, payer_problem_t *p)
{
  size_t n = strlen(v);
  p->column = "phone";
  if (n > PHONE_MAX || strspn(v, "0123456789+- ") != n) {
    snprintf(p->reason, sizeof p->reason,
             "phone '%.40s' is not up to 20 digits (with + - or spaces).", v);
    return -1;
  }
  return 0;
}

int
payer_check_field(const char *column, const char *value, payer_fields_t *out, payer_problem_t *p)
{
  if (!value)
    value = "";
  if (strcmp(column, "complex") == 0) {
    out->complex = value;
    return check_text(column, value, COMPLEX_CHARS, 0, p);
  }
  if (strcmp(column, "unit") == 0) {
    out->unit = value;
    return check_text(column, value, UNIT_CHARS, 0, p);
  }
  if (strcmp(column, "owner") == 0) {
    out->owner = value;
    return check_text(column, value, OWNER_CHARS, 0, p);
  }
  if (strcmp(column, "phone") == 0) {
    out->phone = value;
    return check_phone(value, p);
  }
  if (strcmp(column, "area") == 0)
    return check_area(value, &out->area_centi, p);
  if (strcmp(column, "occupancy") == 0) {
    out->occupancy = value;
    p->column = column;
    if (strcmp(value, "occupied") != 0 && strcmp(value, "vacant") != 0 &&
        strcmp(value, "unsold") != 0) {
      snprintf(p->reason, sizeof p->reason,
               "occupancy '%.40s' is not one of occupied, vacant, unsold.", value);
      return -1;
    }
    return 0;
  }
  if (strcmp(column, "tags") == 0) {
    out->tags = value;
    return check_text(column, value, TAGS_MAX, 1, p);
  }
  p->column = column;
  snprintf(p->reason, sizeof p->reason, "%.40s is not a field of a payer.", column);
  return -1;
}

size_t
payer_check_input(const Till__V1__PayerInput *in, payer_fields_t *out, payer_problem_t *p,
                  size_t cap)
{
  const char *cols[] = {"complex", "unit", "owner", "phone", "area", "occupancy", "tags"};
  const char *vals[] = {in->complex, in->unit,      in->owner, in->phone,
                        in->area,    in->occupancy, in->tags};
  payer_problem_t scratch;
  size_t n = 0;
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    payer_problem_t *slot = n < cap ? &p[n] : &scratch;
    if (payer_check_field(cols[i], vals[i], out, slot) != 0)
      n++;
  }
  return n;
}

void
payer_area_text(int64_t centi, char *buf, size_t len)
{
  snprintf(buf, len, "%lld.%02lld", (long long)(centi / 100), (long long)(centi % 100));
}

Till__V1__Payer *
payer_from_row(req_t *r, sqlite3_stmt *st)
{
  Till__V1__Payer *p = req_alloc(r, sizeof *p);
  if (!p)
    return NULL;
  till__v1__payer__init(p);
  p->id = sqlite3_column_int64(st, 0);
  p->complex = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  p->unit = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  p->owner = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  p->phone = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  p->area_centi = sqlite3_column_int64(st, 5);
  p->occupancy = req_strdup(r, (const char *)sqlite3_column_text(st, 6));
  p->tags = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  p->created_at = sqlite3_column_int64(st, 8);
  p->created_by = req_strdup(r, (const char *)sqlite3_column_text(st, 9));
  if (!p->complex || !p->unit || !p->owner || !p->phone || !p->occupancy || !p->tags ||
      !p->created_by)
    return NULL;
  return p;
}

till_status_t
payer_list_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  payer_list_t *l = arg;
  if (l->n >= l->cap)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  Till__V1__Payer *p = payer_from_row(r, st);
  if (!p)
    return TILL_E_INTERNAL;
  l->list[l->n++] = p;
  return TILL_OK;
}

/* Insert the checked payer <f>: SQLITE_DONE, SQLITE_CONSTRAINT (the unit is
 * taken) or the failing step's code. *id gets the new number. */
static int
insert_payer(req_t *r, store_conn_t *sc, const payer_fields_t *f, int64_t *id)
{
  sqlite3_stmt *st = store_stmt(sc, sql_insert);
  if (!st)
    return SQLITE_ERROR;
  sqlite3_bind_text(st, 1, f->complex, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, f->unit, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, f->owner, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, f->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, f->area_centi);
  sqlite3_bind_text(st, 6, f->occupancy, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, f->tags, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, till_now());
  sqlite3_bind_text(st, 9, r->actor.user, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int ext = sqlite3_extended_errcode(sc->db);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) {
    *id = sqlite3_last_insert_rowid(sc->db);
    return SQLITE_DONE;
  }
  if (ext == SQLITE_CONSTRAINT_UNIQUE)
    return SQLITE_CONSTRAINT;
  return rc;
}

/* The payer <id> as the answer's Payer; NULL with the failure recorded. */
static Till__V1__Payer *
read_payer(req_t *r, store_conn_t *sc, int64_t id)
{
  Till__V1__Payer *one = NULL;
  payer_list_t l = {&one, 0, 1};
  sqlite3_stmt *st = store_stmt(sc, sql_by_id);
  if (st)
    sqlite3_bind_int64(st, 1, id);
  if (req_rows(r, st, 1, payer_list_row, &l, NULL) != TILL_OK)
    return NULL;
  if (!one)
    req_fail(r, TILL_E_NOT_FOUND, "no payer %lld", (long long)id);
  return one;
}

till_status_t
payer_handle_add(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayerAddRequest *in = r->env->payer_add_req;
  payer_fields_t f;
  payer_problem_t p;
  int64_t id = 0;
  if (!in->payer)
    return req_fail(r, TILL_E_INVALID, "the payer is missing from the request.");
  if (payer_check_input(in->payer, &f, &p, 1) > 0)
    return req_fail(r, TILL_E_INVALID, "%s", p.reason);
  int rc = insert_payer(r, sc, &f, &id);
  if (rc == SQLITE_CONSTRAINT)
    return req_fail(r, TILL_E_CONFLICT, "unit %s of %s is already a payer.", f.unit, f.complex);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, NULL, rc);
  Till__V1__PayerAddResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_add_response__init(resp);
  resp->payer = read_payer(r, sc, id);
  if (!resp->payer)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_ADD_RESP;
  r->resp.payer_add_resp = resp;
  return TILL_OK;
}

static till_status_t
history_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  Till__V1__PayerShowResponse *resp = arg;
  Till__V1__PayerChange *c = req_alloc(r, sizeof *c);
  if (!c)
    return TILL_E_INTERNAL;
  till__v1__payer_change__init(c);
  c->at = sqlite3_column_int64(st, 0);
  c->by = req_strdup(r, (const char *)sqlite3_column_text(st, 1));
  c->field = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  c->old_value = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  c->new_value = req_strdup(r, (const char *)sqlite3_column_text(st, 4));
  if (!c->by || !c->field || !c->old_value || !c->new_value)
    return TILL_E_INTERNAL;
  resp->history[resp->n_history++] = c;
  return TILL_OK;
}

till_status_t
payer_handle_show(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayerShowRequest *in = r->env->payer_show_req;
  Till__V1__PayerShowResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__PayerChange **hist = req_alloc(r, PAYER_HISTORY_MAX * sizeof *hist);
  if (!resp || !hist)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__payer_show_response__init(resp);
  Till__V1__Payer *one = NULL;
  payer_list_t l = {&one, 0, 1};
  sqlite3_stmt *st;
  if (in->id > 0) {
    st = store_stmt(sc, sql_by_id);
    if (st)
      sqlite3_bind_int64(st, 1, in->id);
  } else {
    st = store_stmt(sc, sql_by_unit);
    if (st) {
      sqlite3_bind_text(st, 1, in->complex, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, in->unit, -1, SQLITE_STATIC);
    }
  }
  if (req_rows(r, st, 1, payer_list_row, &l, NULL) != TILL_OK)
    return r->status;
  if (!one && in->id > 0)
    return req_fail(r, TILL_E_NOT_FOUND, "no payer %lld", (long long)in->id);
  if (!one)
    return req_fail(r, TILL_E_NOT_FOUND, "no payer at unit %s of %s.", in->unit, in->complex);
  resp->payer = one;
  resp->history = hist;
  st = store_stmt(sc, sql_history);
  if (st) {
    sqlite3_bind_int64(st, 1, one->id);
    sqlite3_bind_int(st, 2, PAYER_HISTORY_MAX + 1);
  }
  int more = 0;
  if (req_rows(r, st, PAYER_HISTORY_MAX, history_row, resp, &more) != TILL_OK)
    return r->status;
  resp->history_more = more != 0;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_SHOW_RESP;
  r->resp.payer_show_resp = resp;
  return TILL_OK;
}

/* ---- import ---------------------------------------------------------------- */

typedef struct {
  Till__V1__PayerImportResponse *resp;
  int64_t *ids;   /* the id written for each row, 0 when it was not */
} import_t;

static void
add_problem(req_t *r, import_t *im, uint32_t line, const char *column, const char *reason)
{
  Till__V1__PayerImportResponse *resp = im->resp;
  if (resp->n_problems >= PAYER_PROBLEMS_MAX) {
    resp->more_problems = 1;
    return;
  }
  Till__V1__PayerImportProblem *p = req_alloc(r, sizeof *p);
  if (!p)
    return;
  till__v1__payer_import_problem__init(p);
  p->line = line;
  p->column = req_strdup(r, column);
  p->reason = req_strdup(r, reason);
  if (p->column && p->reason)
    resp->problems[resp->n_problems++] = p;
}

/* Row <i> took a unit already a payer's: say whose -- an earlier row of
 * this file, or a payer from before. */
static void
duplicate_problem(req_t *r, store_conn_t *sc, import_t *im, const Till__V1__PayerImportRequest *in,
                  size_t i, const payer_fields_t *f)
{
  char reason[200];
  int64_t id = 0;
  sqlite3_stmt *st = store_stmt(sc, sql_id_of_unit);
  if (st) {
    sqlite3_bind_text(st, 1, f->complex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->unit, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
      id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
  }
  for (size_t j = 0; j < i; j++) {
    if (id != 0 && im->ids[j] == id) {
      snprintf(reason, sizeof reason, "unit %.40s of %.80s appears twice; first on line %u.",
               f->unit, f->complex, in->rows[j]->line);
      add_problem(r, im, in->rows[i]->line, "unit", reason);
      return;
    }
  }
  snprintf(reason, sizeof reason, "unit %.40s of %.80s is already payer %lld.", f->unit,
           f->complex, (long long)id);
  add_problem(r, im, in->rows[i]->line, "unit", reason);
}

/* Check and insert every row inside the savepoint payer_import; problems
 * into the answer. TILL_OK (with or without problems) or a database
 * failure recorded on <r>. */
static till_status_t
import_rows(req_t *r, store_conn_t *sc, const Till__V1__PayerImportRequest *in, import_t *im)
{
  payer_problem_t p[8];
  for (size_t i = 0; i < in->n_rows; i++) {
    const Till__V1__PayerImportRow *row = in->rows[i];
    payer_fields_t f;
    if (!row->payer) {
      add_problem(r, im, row->line, "", "the row is empty.");
      continue;
    }
    size_t n = payer_check_input(row->payer, &f, p, 8);
    for (size_t k = 0; k < n && k < 8; k++)
      add_problem(r, im, row->line, p[k].column, p[k].reason);
    if (n > 0)
      continue;
    int rc = insert_payer(r, sc, &f, &im->ids[i]);
    if (rc == SQLITE_CONSTRAINT)
      duplicate_problem(r, sc, im, in, i, &f);
    else if (rc != SQLITE_DONE)
      return req_step_failed(r, NULL, rc);
  }
  return TILL_OK;
}

till_status_t
payer_handle_import(req_t *r, store_conn_t *sc)
{
  const Till__V1__PayerImportRequest *in = r->env->payer_import_req;
  if (in->n_rows == 0)
    return req_fail(r, TILL_E_INVALID, "the import holds no rows.");
  if (in->n_rows > PAYER_IMPORT_MAX)
    return req_fail(r, TILL_E_INVALID,
                    "an import holds at most %d rows and this one has %zu; split the file.",
                    PAYER_IMPORT_MAX, in->n_rows);
  Till__V1__PayerImportResponse *resp = req_alloc(r, sizeof *resp);
  Till__V1__PayerImportProblem **probs = req_alloc(r, PAYER_PROBLEMS_MAX * sizeof *probs);
  int64_t *ids = req_alloc(r, in->n_rows * sizeof *ids);
  if (!resp || !probs || !ids)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  memset(ids, 0, in->n_rows * sizeof *ids);
  till__v1__payer_import_response__init(resp);
  resp->problems = probs;
  import_t im = {resp, ids};
  if (store_exec(sc->db, "SAVEPOINT payer_import", "payer import") != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  if (import_rows(r, sc, in, &im) != TILL_OK)
    return r->status; /* the worker rolls the request back */
  if (resp->n_problems > 0 || resp->more_problems) {
    /* all or nothing: not one row of a file with a bad row */
    if (store_exec(sc->db, "ROLLBACK TO payer_import", "payer import") != 0)
      return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  } else {
    resp->added = (uint32_t)in->n_rows;
    resp->first_id = ids[0];
    resp->last_id = ids[in->n_rows - 1];
  }
  if (store_exec(sc->db, "RELEASE payer_import", "payer import") != 0)
    return req_fail(r, TILL_E_UNAVAILABLE, "database error; retry");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_PAYER_IMPORT_RESP;
  r->resp.payer_import_resp = resp;
  return TILL_OK;
}
