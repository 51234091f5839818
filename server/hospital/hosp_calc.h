/* hosp_calc.h -- the arithmetic of a hospital bill (docs/hospital.md),
 * pure and unit-tested (tests/unit/test_hosp_calc.c): pricing the lines
 * from the price list and checking the insurance split.
 *
 *   total   = fund + patient + hospital      (统筹 + 个人负担 + 医院承担)
 *   patient = account + window               (个人账户 + 窗口现付)
 *
 * THREAD SAFETY: pure functions. */
#ifndef TILLD_HOSP_CALC_H
#define TILLD_HOSP_CALC_H

#include <stdint.h>

#define HOSP_QTY_MAX 9999             /* units of one line */
#define HOSP_PRICE_MAX 10000000       /* fen: ¥100,000.00 for one unit */
#define HOSP_TOTAL_MAX 10000000000LL  /* fen: ¥100,000,000.00 on one bill */

/* quantity × unit price into *amount, added to *total: 0; -1 when the
 * quantity is outside 1..HOSP_QTY_MAX; -2 when the price is outside
 * 1..HOSP_PRICE_MAX; -3 when the total would pass HOSP_TOTAL_MAX. */
int hosp_price_line(int64_t quantity, int64_t unit_price, int64_t *amount, int64_t *total);

/* The split as stated on a bill. window_given 0: the window share is what
 * the patient's share leaves after the personal account. */
typedef struct {
  int64_t total, fund, patient, account, hospital, window;
  int window_given;
} hosp_split_t;

typedef enum {
  HOSP_SPLIT_OK = 0,
  HOSP_SPLIT_NEGATIVE,   /* a share below 0 or above HOSP_TOTAL_MAX */
  HOSP_SPLIT_TOTAL,      /* total != fund + patient + hospital */
  HOSP_SPLIT_PATIENT,    /* patient != account + window (window given) */
  HOSP_SPLIT_ACCOUNT,    /* account > patient (window not given) */
} hosp_split_err_t;

/* Check <s> (its total the lines' total) and, when the window share was not
 * given, set s->window = patient - account. */
hosp_split_err_t hosp_split_check(hosp_split_t *s);

#endif

/* ---- refunds of a bill's lines ------------------------------------------
 * A refund of lines worth <refund> fen of a bill of <total> gives back each
 * share (fund, account, hospital) in proportion, cumulatively: after the
 * refunds so far have taken back <before> of the lines, a share s has
 * given back floor(s × before / total) and gives back now
 * floor(s × (before + refund) / total) less what it gave back already
 * (<done>, from the journal); the window gets the rest of <refund>. So the
 * refunds of every line of a bill give back each share exactly, whatever
 * their order, and a rounding fen always lands at the window. */
typedef struct {
  int64_t fund, account, hospital, window;
} hosp_refund_t;

/* 0 and *out; -1 when the figures are out of range (refund <= 0, before +
 * refund > total, a share or a done amount outside 0..its share). out->window
 * may be <= 0: a bill whose lines the fund and the account paid alone has
 * nothing to pay back at the window. */
int hosp_refund_split(const hosp_split_t *bill, int64_t before, int64_t refund,
                      const hosp_refund_t *done, hosp_refund_t *out);
