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
