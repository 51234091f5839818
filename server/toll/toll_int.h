/* toll_int.h -- what the toll folder's files share: the look-ups of the
 * network (lanes, stations, distances, tariffs) and the one way to run a
 * write. Handlers are in toll.h. */
#ifndef TILLD_TOLL_INT_H
#define TILLD_TOLL_INT_H

#include "request.h"
#include "toll_price.h"

#define TOLL_STATION_MAX 16
#define TOLL_CARD_MAX 32
#define TOLL_NAME_MAX 64
#define TOLL_PLATE_MAX 16

/* The lane of the caller's terminal: its station and whether it is an
 * exit lane. TILL_OK, or recorded: TILL_E_DENIED when the terminal is no
 * lane or a lane of the other direction than <want> ("entry" or "exit"). */
till_status_t toll_lane_of(req_t *r, store_conn_t *sc, const char *want,
                           char station[TOLL_STATION_MAX + 1], char *series, size_t series_len);

/* The tariff in force at <at_ms>. */
typedef struct {
  int64_t version;
  int64_t min_fee, axle_rate_e4, card_fee;
  int card_hours;
} toll_tariff_t;
till_status_t toll_tariff_at(req_t *r, store_conn_t *sc, int64_t at_ms, toll_tariff_t *out);

/* Class <code>'s rate in tariff <version>: TILL_OK, or recorded
 * TILL_E_INVALID when the class is unknown or the tariff has no rate. */
till_status_t toll_rate_of(req_t *r, store_conn_t *sc, int64_t version, const char *code,
                           int64_t *rate_e4);

/* The distance of entry -> exit in metres: TILL_OK, or recorded
 * TILL_E_INVALID when the network has none. */
till_status_t toll_distance(req_t *r, store_conn_t *sc, const char *entry, const char *exit,
                            int64_t *meters);

/* Check the class and axles of a vehicle: TILL_OK, or recorded
 * TILL_E_INVALID. Over 6 axles only class t6. */
till_status_t toll_check_vehicle(req_t *r, const char *code, int axles);

/* Step a write statement <st> (NULL: internal) to its end and reset it:
 * TILL_OK or the recorded database failure. */
till_status_t toll_exec(req_t *r, sqlite3_stmt *st);

#endif
