/* scheme.h -- fee schemes and their versioned tariffs (docs/billing.md):
 * the handlers of scheme add|list and tariff add|list, and the lookups a
 * charge run and an opt-out make. */
#ifndef TILLD_SCHEME_H
#define TILLD_SCHEME_H

#include "request.h"
#include "store.h"
#include "tariff_price.h"

#define SCHEME_CODE_MAX 24

/* A scheme's row, as a run prices by it. */
typedef struct {
  char code[SCHEME_CODE_MAX + 1];
  price_rule_t rule;
  period_kind_t period;
  char season_start[6];   /* MM-DD */
  int optout_share_pct;
  char optout_cutoff[6];  /* MM-DD */
  int vacancy_share_pct;
} scheme_row_t;

/* Scheme <code> into *out; TILL_E_NOT_FOUND "no fee scheme X" or a
 * database failure recorded on r. */
till_status_t scheme_load(req_t *r, store_conn_t *sc, const char *code, scheme_row_t *out);

/* Parse <text> as a period of <s> into *p and its start day (11 bytes);
 * TILL_E_INVALID with the form expected recorded on r. */
till_status_t scheme_period(req_t *r, const scheme_row_t *s, const char *text, period_t *p,
                            char start[11]);

/* The tariff in effect on <day>: its rate and effective date (11 bytes);
 * TILL_E_PRECONDITION when none is, recorded on r. */
till_status_t scheme_tariff_on(req_t *r, store_conn_t *sc, const char *scheme, const char *day,
                               int64_t *rate_e4, char from[11]);

till_status_t scheme_handle_add(req_t *r, store_conn_t *sc);
till_status_t scheme_handle_list(req_t *r, store_conn_t *sc);
till_status_t tariff_handle_add(req_t *r, store_conn_t *sc);
till_status_t tariff_handle_list(req_t *r, store_conn_t *sc);

#endif
