/* toll_price.h -- the pure rules of a toll lane (docs/tolls.md): vehicle
 * classes (JT/T 489-2019), the price of a trip, plausible plates, the
 * holiday free passage. No database, no clock: the handlers (toll.c) read
 * the tariff and the distance and call these; the unit test computes the
 * documented cases against them.
 *
 * Money is fen; a rate is yuan per km × 10^4 (0.45 -> 4500); a distance is
 * metres (87 km -> 87000). */
#ifndef TILLD_TOLL_PRICE_H
#define TILLD_TOLL_PRICE_H

#include <stddef.h>
#include <stdint.h>

/* The 16 classes: passenger p1..p4, truck t1..t6, special-operation s1..s6. */
#define TOLL_CLASSES 16
#define TOLL_CLASS_LEN 3 /* "t6" and its NUL */
#define TOLL_AXLES_MIN 2
#define TOLL_AXLES_MAX 20
#define TOLL_AXLES_BASE 6 /* above this, class t6 plus a surcharge per axle */
#define TOLL_RATE_MAX 100000000LL      /* ¥10,000.0000 per km */
#define TOLL_METERS_MAX 10000000LL     /* 10,000 km */
#define TOLL_FEE_MAX 10000000LL        /* ¥100,000.00: a minimum fee, a card fee */

/* The index 0..15 of class code <code> ("p1".."p4", "t1".."t6", "s1".."s6"),
 * or -1. */
int toll_class_index(const char *code);
/* The code of class <index> ("p1"), or NULL out of range. */
const char *toll_class_code(int index);

/* A trip to price: the class's rate, the distance, the axles, and the
 * tariff's per-axle surcharge (per km, for each axle above 6) and minimum
 * fee. */
typedef struct {
  int64_t rate_e4;       /* yuan per km × 10^4 */
  int64_t meters;        /* 1 .. TOLL_METERS_MAX */
  int axles;             /* TOLL_AXLES_MIN .. TOLL_AXLES_MAX */
  int64_t axle_rate_e4;  /* yuan per km per axle above 6, × 10^4 */
  int64_t min_fee;       /* fen, a whole yuan amount */
} toll_trip_t;

/* The toll of <t> in fen: (rate + axles above 6 × axle rate) × km, exact in
 * 10^-7 yuan, rounded ONCE, half up, to whole yuan; then at least the
 * minimum fee. 0 and *fen, or -1 when a figure is out of range. */
int toll_price(const toll_trip_t *t, int64_t *fen /* OUT */);

/* 1 when <plate> is a plausible Chinese plate: a province character, a
 * letter, then 5 letters and digits (7 characters, 京A12345) or, for a
 * new-energy vehicle, 6 with D or F first or last (粤BD12345). Letters are
 * A-Z without I and O; UTF-8. 0 otherwise. */
int toll_plate_ok(const char *plate);

/* 1 when a trip is free as holiday passage: passenger class 1 with at most
 * 7 seats, its exit on a day of the holiday calendar (<exit_is_holiday>,
 * the caller's look-up of the exit's local date; the entry's date does not
 * matter). */
int toll_holiday_free(int class_index, int seats, int exit_is_holiday);

#endif
