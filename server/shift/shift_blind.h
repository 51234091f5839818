/* shift_blind.h -- the blind close: what a shift's own cashier may see of
 * it before the close (docs/ledger.md, "The blind close").
 *
 * With the setting blind_close on (the default), the shift's cashier is
 * answered, for an open shift, only what says which shift it is: its id,
 * terminal, cashier, state, business date, opening time and reprint count. Every amount,
 * and every count or range from which an amount follows (a number of
 * receipts at one price is an amount), is withheld: the server never sends
 * it. A supervisor or auditor who is not the shift's cashier sees it all; a
 * supervisor who is also a cashier sees their own open shift as its cashier.
 * The answers are whitelists: a field added to ShiftReport or ShiftSummary
 * later is withheld until it is added here. */
#ifndef TILLD_SHIFT_BLIND_H
#define TILLD_SHIFT_BLIND_H

#include "request.h"

/* 1 when the caller of <r> is to see shift of <cashier>, open or not, blind. */
int shift_blind_for(const req_t *r, const char *cashier, int open);

/* <rep> with only what a blind report shows, and blind set: a new report in
 * r's arena (the strings are shared with <rep>), or NULL when out of memory. */
Till__V1__ShiftReport *shift_blind_report(req_t *r, const Till__V1__ShiftReport *rep);

/* Withhold from summary <s> in place what a blind list row does not show. */
void shift_blind_summary(Till__V1__ShiftSummary *s);

#endif
