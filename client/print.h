/* print.h -- receipts laid out for an 80 mm printer (42 columns), with
 * column widths measured in display cells so Chinese names line up. */
#ifndef TILL_PRINT_H
#define TILL_PRINT_H

#include <stdio.h>

#include "till.pb-c.h"

#define PRINT_COLS 42

/* Display cells of a UTF-8 string (CJK wide characters count two). */
int print_width(const char *s);
void print_receipt(FILE *f, const Till__V1__Receipt *r);
void print_receipt_json(FILE *f, const Till__V1__Receipt *r, int replayed);

/* The names of till_names.h as printed: "?" for a value out of range (where
 * till_*_name() returns NULL). */
const char *print_role(int role);
const char *print_method(int method);
const char *print_shift_state(int state);
const char *print_void_state(int state);
const char *print_deposit_state(int state);

#endif
