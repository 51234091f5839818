/* layout.c -- see layout.h. */
#include "layout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 sequence at s; its length in bytes (1 on a malformed
 * byte, which decodes as '?'). */
static int
utf8_next(const unsigned char *s, unsigned *cp)
{
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  int len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
  if (len == 1) {
    *cp = '?';
    return 1;
  }
  unsigned v = s[0] & (len == 4 ? 0x07 : len == 3 ? 0x0f : 0x1f);
  for (int i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) {
      *cp = '?';
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3f);
  }
  *cp = v;
  return len;
}

typedef struct {
  unsigned lo, hi;
} range_t;

/* Combining marks and zero-width characters. */
static const range_t zero_width[] = {
  {0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x064b, 0x065f},
  {0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064}, {0x2066, 0x206f}, {0x20d0, 0x20ff}, {0x302a, 0x302d},
  {0x3099, 0x309a}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
};

/* East Asian Wide (W) and Fullwidth (F). */
static const range_t wide[] = {
  {0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},   {0x23e9, 0x23ec},
  {0x23f0, 0x23f0},   {0x23f3, 0x23f3},   {0x25fd, 0x25fe},   {0x2614, 0x2615},
  {0x2648, 0x2653},   {0x267f, 0x267f},   {0x2693, 0x2693},   {0x26a1, 0x26a1},
  {0x26aa, 0x26ab},   {0x26bd, 0x26be},   {0x26c4, 0x26c5},   {0x26ce, 0x26ce},
  {0x26d4, 0x26d4},   {0x26ea, 0x26ea},   {0x26f2, 0x26f3},   {0x26f5, 0x26f5},
  {0x26fa, 0x26fa},   {0x26fd, 0x26fd},   {0x2705, 0x2705},   {0x270a, 0x270b},
  {0x2728, 0x2728},   {0x274c, 0x274c},   {0x274e, 0x274e},   {0x2753, 0x2755},
  {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27b0, 0x27b0},   {0x27bf, 0x27bf},
  {0x2b1b, 0x2b1c},   {0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x2e80, 0x3029},
  {0x302e, 0x303e},   {0x3041, 0x3096},   {0x309b, 0x33ff},   {0x3400, 0x4dbf},
  {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xa960, 0xa97f},   {0xac00, 0xd7a3},
  {0xf900, 0xfaff},   {0xfe10, 0xfe19},   {0xfe30, 0xfe6f},   {0xff00, 0xff60},
  {0xffe0, 0xffe6},   {0x16fe0, 0x16fe4}, {0x17000, 0x18cff}, {0x1b000, 0x1b2ff},
  {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a},
  {0x1f200, 0x1f251}, {0x1f300, 0x1f320}, {0x1f32d, 0x1f335}, {0x1f337, 0x1f37c},
  {0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca}, {0x1f3cf, 0x1f3d3}, {0x1f3e0, 0x1f3f0},
  {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e}, {0x1f440, 0x1f440}, {0x1f442, 0x1f4fc},
  {0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e}, {0x1f550, 0x1f567}, {0x1f57a, 0x1f57a},
  {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4}, {0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5},
  {0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2}, {0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec},
  {0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945},
  {0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

static int
in_ranges(unsigned cp, const range_t *r, size_t n)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < r[mid].lo)
      hi = mid;
    else if (cp > r[mid].hi)
      lo = mid + 1;
    else
      return 1;
  }
  return 0;
}

int
layout_cp_width(unsigned cp)
{
  if (cp < 0x300)
    return 1;
  if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
    return 0;
  return in_ranges(cp, wide, sizeof wide / sizeof wide[0]) ? 2 : 1;
}

int
layout_width(const char *s)
{
  int w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    unsigned cp;
    p += utf8_next(p, &cp);
    w += layout_cp_width(cp);
  }
  return w;
}

void
layout_left(FILE *f, const char *s, int cells)
{
  fputs(s, f);
  for (int w = layout_width(s); w < cells; w++)
    fputc(' ', f);
}

void
layout_right(FILE *f, const char *s, int cells)
{
  for (int w = layout_width(s); w < cells; w++)
    fputc(' ', f);
  fputs(s, f);
}

/* Punctuation that closes: a line does not start with it. */
static int
closes(unsigned cp)
{
  static const unsigned closing[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0xff1a, 0xff1b,
                                     0xff01, 0xff1f, 0xff09, 0x300d, 0x300f, 0x3011,
                                     0x300b, 0x3009, 0x201d, 0x2019, 0xff05, 0x30fc};
  if (cp == ',' || cp == '.' || cp == ')' || cp == ';' || cp == ':' || cp == '!' || cp == '?')
    return 1;
  for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++)
    if (cp == closing[i])
      return 1;
  return 0;
}

size_t
layout_wrap(const char *s, int cells, const char **next)
{
  const unsigned char *p = (const unsigned char *)s;
  while (*p == ' ')
    p++;
  const unsigned char *start = p;
  const unsigned char *brk = NULL, *brk_next = NULL; /* the last place the line may end */
  int used = 0, prev_wide = 0;
  if (cells < 2)
    cells = 2; /* room for one CJK character: a line always moves on */
  while (*p) {
    unsigned cp;
    int n = utf8_next(p, &cp);
    int w = layout_cp_width(cp);
    if (cp == ' ') {
      /* a run of spaces: the line may end before its first one */
      brk = p;
      const unsigned char *q = p;
      while (*q == ' ')
        q++;
      brk_next = q;
      if (!*q)
        break;
      used += (int)(q - p);
      p = q;
      prev_wide = 0;
      continue;
    }
    /* between two wide characters, or a wide one and a word, unless it
     * closes; never before a combining mark (width 0) */
    if (p > start && w != 0 && (w == 2 || prev_wide) && !closes(cp)) {
      brk = p;
      brk_next = p;
    }
    if (used + w > cells) {
      if (brk && brk > start) {
        *next = (const char *)brk_next;
        return (size_t)(brk - start);
      }
      /* one word wider than the line: split it here (never an empty line) */
      if (p == start)
        p += n;
      *next = (const char *)p;
      return (size_t)(p - start);
    }
    used += w;
    if (w != 0)
      prev_wide = w == 2;
    p += n;
  }
  /* all of it fits: drop trailing spaces */
  const unsigned char *end = p;
  while (end > start && end[-1] == ' ')
    end--;
  *next = (const char *)p;
  return (size_t)(end - start);
}

void
layout_wrapped(FILE *f, const char *first, int indent, const char *s, int cells)
{
  const char *rest;
  size_t n = layout_wrap(s, cells, &rest);
  fputs(first, f);
  fwrite(s + strspn(s, " "), 1, n, f);
  fputc('\n', f);
  /* each line takes at least one character: bounded by the length of s */
  while (*rest) {
    const char *line = rest + strspn(rest, " ");
    n = layout_wrap(rest, cells, &rest);
    if (n == 0)
      break;
    fprintf(f, "%*s", indent, "");
    fwrite(line, 1, n, f);
    fputc('\n', f);
  }
}

/* ---- tables ----------------------------------------------------------------- */

struct layout_table {
  size_t ncols, nrows, cap;
  char *aligns;
  char **cells; /* nrows * ncols */
};

layout_table_t *
layout_table_new(size_t ncols, const char *aligns)
{
  if (ncols == 0 || strlen(aligns) != ncols)
    return NULL;
  layout_table_t *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->ncols = ncols;
  t->aligns = strdup(aligns);
  if (!t->aligns) {
    free(t);
    return NULL;
  }
  return t;
}

int
layout_table_row(layout_table_t *t, const char *const *cells)
{
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16;
    char **grown = realloc(t->cells, cap * t->ncols * sizeof *grown);
    if (!grown)
      return -1;
    t->cells = grown;
    t->cap = cap;
  }
  char **row = t->cells + t->nrows * t->ncols;
  for (size_t i = 0; i < t->ncols; i++) {
    row[i] = strdup(cells[i] ? cells[i] : "");
    if (!row[i]) {
      while (i-- > 0)
        free(row[i]);
      return -1;
    }
  }
  t->nrows++;
  return 0;
}

#define TABLE_MAX_COLS 16

int
layout_table_add(layout_table_t *t, ...)
{
  const char *cells[TABLE_MAX_COLS];
  if (t->ncols > TABLE_MAX_COLS)
    return -1;
  va_list ap;
  va_start(ap, t);
  for (size_t i = 0; i < t->ncols; i++)
    cells[i] = va_arg(ap, const char *);
  va_end(ap);
  return layout_table_row(t, cells);
}

void
layout_table_print(const layout_table_t *t, FILE *f, const char *indent)
{
  int widths[TABLE_MAX_COLS] = {0};
  if (t->ncols > TABLE_MAX_COLS)
    return;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++) {
      int w = layout_width(t->cells[r * t->ncols + c]);
      if (w > widths[c])
        widths[c] = w;
    }
  for (size_t r = 0; r < t->nrows; r++) {
    fputs(indent ? indent : "", f);
    for (size_t c = 0; c < t->ncols; c++) {
      const char *cell = t->cells[r * t->ncols + c];
      int last = c + 1 == t->ncols;
      if (c)
        fputs("  ", f);
      if (t->aligns[c] == 'r')
        layout_right(f, cell, widths[c]);
      else if (last)
        fputs(cell, f);
      else
        layout_left(f, cell, widths[c]);
    }
    fputc('\n', f);
  }
}

void
layout_table_free(layout_table_t *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free(t->cells[i]);
  free(t->cells);
  free(t->aligns);
  free(t);
}
