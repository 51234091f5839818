/* json_out.h -- the pieces of the --json output every command writes: a
 * string with JSON escapes, an amount as a yuan string, a list of roles, a
 * deposit.
 * Each command lays out its own objects with these. */
#ifndef TILL_JSON_OUT_H
#define TILL_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "till.pb-c.h"

/* <s> as a JSON string; NULL prints "". */
void json_str(FILE *f, const char *s);
/* "key":"12.30", preceded by a comma when <comma>. */
void json_money(FILE *f, const char *key, int64_t fen, int comma);
/* ["cashier","admin"]; a role out of range is "?". */
void json_roles(FILE *f, const int *roles, size_t n);

/* A deposit as every command's --json gives it (deposit list, report
 * daily): every field, the amount as a yuan string, the state by its wire
 * name. */
void json_deposit(FILE *f, const Till__V1__DepositInfo *p);

#endif
