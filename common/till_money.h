/* till_money.h -- money as integer fen, shared by tilld and till.
 *
 * Every amount in Till is a till_fen_t: a signed 64-bit count of fen
 * (1 yuan = 100 fen). This module parses and formats decimal yuan strings,
 * does overflow-checked arithmetic on fen, and owns the one rounding rule
 * Till uses (half up, away from zero for negatives). It uses no floating
 * point. It knows nothing about currencies, tariffs or the wire format;
 * callers decide what an amount means and what to do when an operation
 * fails.
 *
 * THREAD SAFETY: every function is pure (no global state) and may be called
 * from any thread.
 */
#ifndef TILL_MONEY_H
#define TILL_MONEY_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t till_fen_t;

#define TILL_MONEY_STR_MAX 32   /* enough for "-92233720368547758.08" + NUL */

/* Parse a decimal yuan amount: optional leading '-', digits, optional '.'
 * followed by one or two digits ("2400", "2400.5", "2400.50", "-0.01", "0").
 * No '+', spaces, thousands separators, exponent or more than two decimals;
 * at least one digit before the point; the whole string must be consumed.
 * Returns 0 and sets *out, or -1 (invalid syntax or out of int64 range) and
 * leaves *out untouched. A NULL <s> is invalid syntax. */
int till_money_parse(const char *s, till_fen_t *out /* OUT */);

/* Format as "-1234.05" (no thousands separators, always two decimals) into
 * buf of size len. Works for INT64_MIN. Returns 0, or -1 if len is too small
 * (buf then holds an empty string if len > 0). A buffer of
 * TILL_MONEY_STR_MAX bytes is always large enough. */
int till_money_format(till_fen_t v, char *buf /* OUT */, size_t len);

/* Overflow-checked arithmetic: 0 and *out set, or -1 and *out untouched. */
int till_money_add(till_fen_t a, till_fen_t b, till_fen_t *out /* OUT */);
int till_money_sub(till_fen_t a, till_fen_t b, till_fen_t *out /* OUT */);
int till_money_mul(till_fen_t a, int64_t qty, till_fen_t *out /* OUT */);

/* Divide num by den (den > 0) rounding half up (away from zero for
 * negatives: -2.5 -> -3), the single rounding rule Till uses when a finer unit
 * is brought back to fen or a total to whole yuan. -1 if den <= 0 or overflow;
 * *out is untouched on failure. */
int till_money_div_round(int64_t num, int64_t den, int64_t *out /* OUT */);

/* Round a fen amount half up to whole yuan (multiples of 100): 1249 -> 1200,
 * 1250 -> 1300, -1250 -> -1300. -1 on overflow; *out is untouched on
 * failure. */
int till_money_round_yuan(till_fen_t v, till_fen_t *out /* OUT */);

/* The amount in Chinese capital numerals (大写金额) as a receipt carries it,
 * by the accounting rules (会计基础工作规范 §52): 2462.50 -> "贰仟肆佰陆拾贰元伍角整",
 * 1000.05 -> "壹仟元零伍分", 100010.00 -> "壹拾万零壹拾元整", 0.30 -> "叁角整",
 * 0 -> "零元整". "整" follows an amount that ends at yuan or jiao, never one
 * with fen. Negative amounts get "负" in front. Into buf (UTF-8, at most
 * TILL_MONEY_CAPITAL_MAX bytes with the NUL): 0, or -1 if len is too small. */
#define TILL_MONEY_CAPITAL_MAX 160
int till_money_capital(till_fen_t v, char *buf /* OUT */, size_t len);

#endif /* TILL_MONEY_H */
