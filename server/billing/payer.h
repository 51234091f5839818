/* payer.h -- payers (缴费户): the households and units of a complex that owe
 * charges. Admins add, import and edit them; every role may read and find
 * them. docs/billing.md ("Payers").
 *
 *   payer.c        add, show, import, and the checks they share
 *   payer_edit.c   edit (with its history) and list
 *   payer_find.c   find, from the FTS5 trigram index and the name's grams */
#ifndef TILLD_PAYER_H
#define TILLD_PAYER_H

#include "request.h"
#include "store.h"

/* Rows in one import; above it the request is refused whole. */
#define PAYER_IMPORT_MAX 5000
/* Problems an import answers with (then "more"). */
#define PAYER_PROBLEMS_MAX 200
/* Changes payer show prints (then "more"). */
#define PAYER_HISTORY_MAX 200

/* A payer's fields, checked (the strings borrowed from the request). */
typedef struct {
  const char *complex, *unit, *owner, *phone, *occupancy, *tags;
  int64_t area_centi;
} payer_fields_t;

/* One thing wrong with a payer's input: the column and a whole sentence. */
typedef struct {
  const char *column;
  char reason[200];
} payer_problem_t;

/* Check one field <column> ("complex", "unit", "owner", "phone", "area",
 * "occupancy", "tags") of text <value>; on success stores it in <out> and
 * returns 0, else fills <p> and returns -1. */
int payer_check_field(const char *column, const char *value, payer_fields_t *out,
                      payer_problem_t *p);

/* Check every field of <in> into <out>: the number of problems found,
 * up to <cap> written to <p>. */
size_t payer_check_input(const Till__V1__PayerInput *in, payer_fields_t *out, payer_problem_t *p,
                         size_t cap);

/* "87.50" for 8750 into buf (at least 24 bytes). */
void payer_area_text(int64_t centi, char *buf, size_t len);

/* The Payer of the current row of a statement selecting PAYER_COLUMNS. NULL
 * when out of memory. */
#define PAYER_COLUMNS \
  "id, complex, unit, owner, phone, area_centi, occupancy, tags, created_at, created_by"
Till__V1__Payer *payer_from_row(req_t *r, sqlite3_stmt *st);

/* A req_row_fn collecting Payers into a payer_list_t (room for <cap>). */
typedef struct {
  Till__V1__Payer **list;
  size_t n, cap;
} payer_list_t;
till_status_t payer_list_row(req_t *r, sqlite3_stmt *st, void *arg);

till_status_t payer_handle_add(req_t *r, store_conn_t *sc);
till_status_t payer_handle_show(req_t *r, store_conn_t *sc);
till_status_t payer_handle_import(req_t *r, store_conn_t *sc);
till_status_t payer_handle_edit(req_t *r, store_conn_t *sc);
till_status_t payer_handle_list(req_t *r, store_conn_t *sc);
till_status_t payer_handle_find(req_t *r, store_conn_t *sc);

/* Payers payer find answers with (then "more"). */
#define PAYER_FIND_MAX 50
/* The two statements of payer find (for the test of their plans): ?1 the
 * FTS5 phrase or the gram, ?2 the limit. */
extern const char payer_find_sql_fts[];
extern const char payer_find_sql_grams[];
/* <text> as one FTS5 phrase ("..." with " doubled) into out: its length,
 * or 0 when it does not fit. */
size_t payer_find_phrase(const char *text, char *out, size_t len);

#endif
