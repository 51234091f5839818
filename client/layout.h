/* layout.h -- text laid out in display cells, as a terminal or a receipt
 * printer shows it: a Chinese character takes two cells, a Latin letter one,
 * a combining mark none. Widths, left and right alignment, wrapping that
 * never cuts a word (a CJK character is a word of its own; closing
 * punctuation stays with the character before it), and tables whose columns
 * are as wide as their widest cell. Everything a till command prints in
 * columns goes through here, so Chinese names and headers stay aligned. */
#ifndef TILL_LAYOUT_H
#define TILL_LAYOUT_H

#include <stddef.h>
#include <stdio.h>

/* Display cells of one code point: 0, 1 or 2 (East Asian Wide and
 * Fullwidth are 2, as glibc's wcwidth counts them in a UTF-8 locale). */
int layout_cp_width(unsigned cp);
/* Display cells of a UTF-8 string (a malformed byte counts as one cell). */
int layout_width(const char *s);

/* Print <s> padded with spaces to <cells> cells, text on the left
 * (layout_left) or on the right (layout_right). Text wider than <cells> is
 * printed whole: a column pushed out of line is better than a cut name. */
void layout_left(FILE *f, const char *s, int cells);
void layout_right(FILE *f, const char *s, int cells);

/* The first line of <s> wrapped to <cells> cells: its length in bytes
 * (spaces at the break not included); *next points at the rest (spaces at
 * the break skipped), at the terminating NUL when nothing is left. A line
 * breaks at a space, or between two CJK characters (not before closing
 * punctuation); a single word wider than <cells> is split where it must be.
 * 0 when <s> is empty or only spaces. */
size_t layout_wrap(const char *s, int cells, const char **next);

/* Print <s> wrapped to <cells> cells: the first line after <first> (printed
 * as is), the others after <indent> spaces; every line ends in '\n'. */
void layout_wrapped(FILE *f, const char *first, int indent, const char *s, int cells);

/* ---- tables ----------------------------------------------------------------- */

typedef struct layout_table layout_table_t;

/* A table of <ncols> columns; aligns[i] is 'l' or 'r' for column i. NULL
 * when out of memory. */
layout_table_t *layout_table_new(size_t ncols, const char *aligns);
/* Append a row of exactly ncols strings (copied; NULL prints as empty).
 * 0, or -1 when out of memory (the table is then unchanged). */
int layout_table_row(layout_table_t *t, const char *const *cells);
/* The same with the cells as arguments. */
int layout_table_add(layout_table_t *t, ...);
/* Print every row, the columns as wide as their widest cell and two spaces
 * apart; the last column is not padded. Each line starts with <indent>. */
void layout_table_print(const layout_table_t *t, FILE *f, const char *indent);
void layout_table_free(layout_table_t *t);

#endif
