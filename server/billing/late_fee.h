/* late_fee.h -- what a payer's overdue charges accrue as 违约金 up to a day,
 * read from the charges, the schemes' rules and the parts already posted:
 * shared by the statement (shown) and late_fee_handle_post (posted). */
#ifndef TILLD_LATE_FEE_H
#define TILLD_LATE_FEE_H

#include "late_fee_calc.h"
#include "request.h"
#include "store.h"

#define LATE_FEE_SCHEMES_MAX 32
#define LATE_FEE_PARTS_MAX 2000

typedef struct {
  char scheme[32];
  int64_t total_e6;  /* the parts' sum, micro-fen; round once with late_fee_round */
  int64_t charges;   /* overdue charges that accrue */
} late_fee_scheme_t;

typedef struct {
  int64_t charge_id;
  int64_t days;      /* new days late */
  int64_t e6;        /* what they accrue, micro-fen */
} late_fee_part_t;

typedef struct {
  late_fee_scheme_t schemes[LATE_FEE_SCHEMES_MAX];
  size_t n_schemes;
  late_fee_part_t *parts; /* in r's arena, room for LATE_FEE_PARTS_MAX */
  size_t n_parts;
  int64_t today;     /* the day it is computed for */
} late_fee_due_t;

/* The late fee payer <payer_id> owes under <scheme> ("" for every scheme)
 * on day <today> (days since 1970-01-01 in the server's local calendar),
 * beyond what earlier late fees took. TILL_OK, or the failure recorded. */
till_status_t late_fee_compute(req_t *r, store_conn_t *sc, int64_t payer_id, const char *scheme,
                               int64_t today, late_fee_due_t *out);

/* Today in the server's local calendar, as a day number. */
int64_t late_fee_today(void);
/* "YYYY-MM-DD" of day number <day>. */
void late_fee_day_text(int64_t day, char *buf, size_t len);

#endif
