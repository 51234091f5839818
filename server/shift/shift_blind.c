/* shift_blind.c -- the blind close; see shift_blind.h. */
#include "shift_blind.h"

#include <string.h>

#include "till_wire.h"

int
shift_blind_for(const req_t *r, const char *cashier, int open)
{
  if (!req_config(r)->blind_close || !open)
    return 0;
  /* a supervisor's own drawer is counted blind as anyone's: nobody checks
   * their own count, as nobody approves their own shift */
  if (strcmp(cashier, r->actor.user) == 0)
    return 1;
  return (r->actor.roles & (ROLES_SUPERVISOR | ROLES_AUDITOR)) == 0;
}

Till__V1__ShiftReport *
shift_blind_report(req_t *r, const Till__V1__ShiftReport *rep)
{
  Till__V1__ShiftReport *b = req_alloc(r, sizeof *b);
  if (!b)
    return NULL;
  till__v1__shift_report__init(b);
  b->shift_id = rep->shift_id;
  b->terminal_id = rep->terminal_id;
  b->cashier = rep->cashier;
  b->state = rep->state;
  b->opened_at = rep->opened_at;
  b->closed_at = rep->closed_at;
  b->business_date = rep->business_date;
  b->reprints = rep->reprints;
  b->approved_by = rep->approved_by;
  b->approved_at = rep->approved_at;
  b->note = rep->note;
  b->blind = 1;
  return b;
}

void
shift_blind_summary(Till__V1__ShiftSummary *s)
{
  s->counted_cash = 0;
  s->cash_variance = 0;
  s->depositable = 0;
}
