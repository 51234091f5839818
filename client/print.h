/* print.h -- the human layout: receipts for an 80 mm printer (42 columns),
 * with column widths measured in display cells so Chinese names line up;
 * times; and the names of roles, methods and states as printed. */
#ifndef TILL_PRINT_H
#define TILL_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "layout.h"
#include "till.pb-c.h"

#define PRINT_COLS 42

/* Display cells of a UTF-8 string (CJK wide characters count two). */
int print_width(const char *s);
void print_receipt(FILE *f, const Till__V1__Receipt *r);
void print_receipt_json(FILE *f, const Till__V1__Receipt *r, int replayed);

/* Human time "2026-11-23 19:27:24" (local time) into buf; "-" for 0. */
void fmt_time(long long unix_seconds, char *buf, size_t len);

/* The names of till_names.h as a person reads them, in the user's language
 * ("现金" for cash in Chinese, "cash" in English): for human output only.
 * "?" for a value out of range (where till_*_name() returns NULL). */
const char *print_role(int role);
const char *print_method(int method);
const char *print_shift_state(int state);
const char *print_void_state(int state);
const char *print_deposit_state(int state);
/* Print the table <t> on stdout, each line after <indent>, when it was
 * built whole (<built> not 0 and <t> not NULL); free it either way. 0, or
 * -1 when it was not built (nothing printed). */
int print_table(layout_table_t *t, int built, const char *indent);
/* "till: out of memory" on stderr; returns 1, the exit code. */
int print_out_of_memory(void);

/* A till_*_name() as JSON and CSV carry it, never translated: "?" for NULL. */
const char *print_wire_name(const char *name);

/* The receipt's lines, PRINT_COLS cells wide, for every printer of a
 * receipt (print.c, print_payment.c): a rule of <c>; <s> centred; "label
 * ...... amount"; "Label     value" with the label in 10 cells and the
 * value wrapped under itself, never cut. */
void print_rule(FILE *f, char c);
void print_centered(FILE *f, const char *s);
void print_money_line(FILE *f, const char *label, int64_t fen);
void print_text_line(FILE *f, const char *label, const char *value);
/* ---- refund2: the words of an item, as the receipt prints them: a toll's
 * class or card fee (toll.p1, toll.card) in words, else <name>, else the
 * code <item>. <buf> holds the words when they are made up. ---- */
const char *print_item_name(const char *item, const char *name, char *buf, size_t len);

#endif
