/* payer_csv.h -- reading a payer import file (till payer import FILE.csv):
 * UTF-8 text, comma-separated, RFC 4180 quoting ("a ""b""" is a "b"), a
 * header line naming the columns, CRLF or LF. Pure functions, no I/O, so
 * the unit test can feed them any text. docs/billing.md ("Import format"). */
#ifndef TILL_PAYER_CSV_H
#define TILL_PAYER_CSV_H

#include <stddef.h>

#define CSV_FIELDS_MAX 16

/* The columns of a payer, in the order PayerInput has them. */
enum {
  PAYER_COL_COMPLEX,
  PAYER_COL_UNIT,
  PAYER_COL_OWNER,
  PAYER_COL_PHONE,
  PAYER_COL_AREA,
  PAYER_COL_OCCUPANCY,
  PAYER_COL_TAGS,
  PAYER_COLS
};
/* Their names in a header and in error listings: "complex" ... "tags". */
extern const char *const payer_col_names[PAYER_COLS];

/* How the user reads the column or field <name> ("area"): its Chinese
 * heading (面积) when the client speaks Chinese, else <name> itself; a name
 * that is no payer column (an edit's "owner" is one) is returned as it is. */
const char *payer_col_label(const char *name);

/* One record of the file: its fields (pointing into the text) and the line
 * it begins on (1 = the file's first). */
typedef struct {
  size_t line;
  size_t nf;
  char *f[CSV_FIELDS_MAX];
} csv_rec_t;

/* Read the record at *cursor of a NUL-terminated, writable text, in place
 * (quotes undone, spaces around a field trimmed), and move *cursor and
 * *line past it. 1: a record; 0: the text ended; -1: the record is not
 * CSV -- *why (an N_() text) says why and *field which field (0-based);
 * *cursor is past that record's line, so reading can go on. */
int csv_next(char **cursor, size_t *line, csv_rec_t *rec, size_t *field, const char **why);

/* What is wrong with a header. */
enum { CSV_HEADER_OK, CSV_HEADER_UNKNOWN, CSV_HEADER_TWICE, CSV_HEADER_LACKS };

/* The header <h>: for each payer column the field that holds it, or -1
 * (phone and tags may be missing). A name may be English ("unit") or
 * Chinese (房号). CSV_HEADER_OK, or what is wrong with *name, the column
 * it is about. */
int payer_csv_header(const csv_rec_t *h, int col_of[PAYER_COLS], const char **name);

#endif
