/* payer_csv.c -- the payer import file, read in place; see payer_csv.h. */
#include "payer_csv.h"

#include <string.h>

#include "i18n.h"

const char *const payer_col_names[PAYER_COLS] = {"complex", "unit",      "owner", "phone",
                                                 "area",    "occupancy", "tags"};
/* the same columns as a Chinese office heads them */
static const char *const col_names_zh[PAYER_COLS] = {"小区", "房号", "业主", "电话",
                                                     "面积", "状态", "标签"};

const char *
payer_col_label(const char *name)
{
  if (!name || !i18n_is_chinese())
    return name;
  for (int i = 0; i < PAYER_COLS; i++)
    if (strcmp(name, payer_col_names[i]) == 0)
      return col_names_zh[i];
  return name;
}

static int
at_end_of_field(char c)
{
  return c == ',' || c == '\n' || c == '\r' || c == '\0';
}

/* Past the rest of the line at <r>; the next line's start. */
static char *
skip_line(char *r, size_t *line)
{
  while (*r && *r != '\n')
    r++;
  if (*r == '\n')
    r++;
  (*line)++;
  return r;
}

/* One quoted field at r (its opening quote) copied to w: the position
 * after its closing quote, or NULL when it does not close. */
static char *
quoted(char *r, char **w, size_t *line)
{
  for (r++;; r++) {
    if (*r == '\0')
      return NULL;
    if (*r == '"') {
      if (r[1] != '"')
        return r + 1;
      r++;
    } else if (*r == '\n') {
      (*line)++;
    }
    *(*w)++ = *r;
  }
}

int
csv_next(char **cursor, size_t *line, csv_rec_t *rec, size_t *field, const char **why)
{
  char *r = *cursor, *w = r;
  rec->nf = 0;
  rec->line = *line;
  if (*r == '\0')
    return 0;
  for (;;) {
    *field = rec->nf;
    if (rec->nf == CSV_FIELDS_MAX) {
      *why = N_("more fields than any payer file has");
      *cursor = skip_line(r, line);
      return -1;
    }
    while (*r == ' ')
      r++;
    char *start = w;
    if (*r == '"') {
      char *after = quoted(r, &w, line);
      if (!after) {
        *why = N_("a quoted field is not closed");
        *cursor = r + strlen(r);
        return -1;
      }
      r = after;
      while (*r == ' ')
        r++;
      if (!at_end_of_field(*r)) {
        *why = N_("text after the closing quote of a field");
        *cursor = skip_line(r, line);
        return -1;
      }
    } else {
      for (; !at_end_of_field(*r); r++) {
        if (*r == '"') {
          *why = N_("a quote inside a field that does not begin with one");
          *cursor = skip_line(r, line);
          return -1;
        }
        *w++ = *r;
      }
      while (w > start && w[-1] == ' ')
        w--;
    }
    char end = *r;
    *w++ = '\0'; /* w <= r + 1: the end was read first */
    rec->f[rec->nf++] = start;
    if (end == ',') {
      r++;
      continue;
    }
    /* *r may be the NUL just written over the end: go by <end> */
    if (end == '\r') {
      r++;
      if (*r == '\n')
        r++;
    } else if (end == '\n') {
      r++;
    }
    (*line)++;
    *cursor = r;
    return 1;
  }
}

int
payer_csv_header(const csv_rec_t *h, int col_of[PAYER_COLS], const char **name)
{
  for (size_t c = 0; c < PAYER_COLS; c++)
    col_of[c] = -1;
  for (size_t i = 0; i < h->nf; i++) {
    int found = -1;
    for (size_t c = 0; c < PAYER_COLS && found < 0; c++)
      if (strcmp(h->f[i], payer_col_names[c]) == 0 || strcmp(h->f[i], col_names_zh[c]) == 0)
        found = (int)c;
    *name = h->f[i];
    if (found < 0)
      return CSV_HEADER_UNKNOWN;
    if (col_of[found] >= 0)
      return CSV_HEADER_TWICE;
    col_of[found] = (int)i;
  }
  for (size_t c = 0; c < PAYER_COLS; c++) {
    if (col_of[c] < 0 && c != PAYER_COL_PHONE && c != PAYER_COL_TAGS) {
      *name = payer_col_names[c];
      return CSV_HEADER_LACKS;
    }
  }
  return CSV_HEADER_OK;
}
