/* toll_admin.c -- the toll network's settings (stations, distances,
 * tariff versions, lanes, the holiday calendar) and the look-ups the lane
 * handlers make in them; see toll.h and toll_int.h. */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "toll.h"
#include "toll_int.h"
#include "till_util.h"

till_status_t
toll_exec(req_t *r, sqlite3_stmt *st)
{
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  return TILL_OK;
}

/* ---- look-ups ---------------------------------------------------------- */

till_status_t
toll_lane_of(req_t *r, store_conn_t *sc, const char *want, char station[TOLL_STATION_MAX + 1],
             char *series, size_t series_len)
{
  static const char sql[] =
    "SELECT l.station, l.direction, s.series FROM toll_lanes l"
    " JOIN toll_stations s ON s.code = l.station WHERE l.terminal_id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, r->terminal, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_DENIED, "terminal %s is not a toll lane", r->terminal) != TILL_OK)
    return r->status;
  snprintf(station, TOLL_STATION_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
  int is_entry = strcmp((const char *)sqlite3_column_text(st, 1), "entry") == 0;
  if (series)
    snprintf(series, series_len, "%s", (const char *)sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  if (is_entry && strcmp(want, "exit") == 0)
    return req_fail(r, TILL_E_DENIED, "terminal %s is an entry lane and settles no toll",
                    r->terminal);
  if (!is_entry && strcmp(want, "entry") == 0)
    return req_fail(r, TILL_E_DENIED, "terminal %s is an exit lane and issues no pass card",
                    r->terminal);
  return TILL_OK;
}

till_status_t
toll_tariff_at(req_t *r, store_conn_t *sc, int64_t at_ms, toll_tariff_t *out)
{
  static const char sql[] =
    "SELECT version, min_fee, axle_rate_e4, card_fee, card_hours FROM toll_tariffs"
    " WHERE effective_at <= ? ORDER BY effective_at DESC LIMIT 1";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, at_ms);
  if (req_row_one(r, st, TILL_E_PRECONDITION, "no toll tariff is in force yet") != TILL_OK)
    return r->status;
  out->version = sqlite3_column_int64(st, 0);
  out->min_fee = sqlite3_column_int64(st, 1);
  out->axle_rate_e4 = sqlite3_column_int64(st, 2);
  out->card_fee = sqlite3_column_int64(st, 3);
  out->card_hours = sqlite3_column_int(st, 4);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
toll_check_vehicle(req_t *r, const char *code, int axles)
{
  if (toll_class_index(code) < 0)
    return req_fail(r, TILL_E_INVALID, "unknown vehicle class '%s'; use p1-p4, t1-t6 or s1-s6",
                    code ? code : "");
  if (axles < TOLL_AXLES_MIN || axles > TOLL_AXLES_MAX)
    return req_fail(r, TILL_E_INVALID, "axles must be %d to %d, %d given", TOLL_AXLES_MIN,
                    TOLL_AXLES_MAX, axles);
  if (axles > TOLL_AXLES_BASE && strcmp(code, "t6") != 0)
    return req_fail(r, TILL_E_INVALID, "a vehicle with more than 6 axles is class t6, not %s",
                    code);
  return TILL_OK;
}

till_status_t
toll_rate_of(req_t *r, store_conn_t *sc, int64_t version, const char *code, int64_t *rate_e4)
{
  static const char sql[] = "SELECT rate_e4 FROM toll_rates WHERE version = ? AND class = ?";
  if (toll_class_index(code) < 0)
    return req_fail(r, TILL_E_INVALID, "unknown vehicle class '%s'; use p1-p4, t1-t6 or s1-s6",
                    code ? code : "");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, version);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_INVALID, "toll tariff %lld has no rate for class %s",
                  (long long)version, code) != TILL_OK)
    return r->status;
  *rate_e4 = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
toll_distance(req_t *r, store_conn_t *sc, const char *entry, const char *exit, int64_t *meters)
{
  static const char sql[] = "SELECT meters FROM toll_distances WHERE entry = ? AND exit = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, entry, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, exit, -1, SQLITE_STATIC);
  if (req_row_one(r, st, TILL_E_INVALID, "the network has no distance from %s to %s", entry,
                  exit) != TILL_OK)
    return r->status;
  *meters = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TILL_OK;
}

/* 1 when station <code> exists; -1 recorded on a database error. */
static int
station_exists(req_t *r, store_conn_t *sc, const char *code)
{
  static const char sql[] = "SELECT count(*) FROM toll_stations WHERE code = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  int64_t n = 0;
  if (req_rows(r, st, 1, req_row_int64, &n, NULL) != TILL_OK)
    return -1;
  return n > 0;
}

/* A station code: 1-16 characters from A-Z a-z 0-9 . _ - */
static till_status_t
check_station(req_t *r, store_conn_t *sc, const char *code)
{
  if (!till_ident_ok(code, TOLL_STATION_MAX))
    return req_fail(r, TILL_E_INVALID, "station code '%s' must be 1-%d characters from A-Z a-z "
                    "0-9 . _ -", code ? code : "", TOLL_STATION_MAX);
  int e = station_exists(r, sc, code);
  if (e < 0)
    return r->status;
  if (!e)
    return req_fail(r, TILL_E_NOT_FOUND, "no toll station %s", code);
  return TILL_OK;
}

/* ---- settings ---------------------------------------------------------- */

till_status_t
toll_handle_station_set(req_t *r, store_conn_t *sc)
{
  static const char sql_series[] = "SELECT count(*) FROM series WHERE prefix = ?";
  static const char sql[] =
    "INSERT INTO toll_stations(code, name, series, created_at, created_by) VALUES (?1,?2,?3,?4,?5)"
    " ON CONFLICT(code) DO UPDATE SET name = ?2, series = ?3";
  const Till__V1__TollStationSetRequest *in = r->env->toll_station_set_req;
  if (!till_ident_ok(in->code, TOLL_STATION_MAX))
    return req_fail(r, TILL_E_INVALID, "station code must be 1-%d characters from A-Z a-z 0-9 . _ -",
                    TOLL_STATION_MAX);
  if (req_check_text(r, "name", in->name, TOLL_NAME_MAX, 0) != TILL_OK)
    return r->status;
  int existed = station_exists(r, sc, in->code);
  if (existed < 0)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_series);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->series, -1, SQLITE_STATIC);
  int64_t n = 0;
  if (req_rows(r, st, 1, req_row_int64, &n, NULL) != TILL_OK)
    return r->status;
  if (!n)
    return req_fail(r, TILL_E_NOT_FOUND, "no receipt series %s; add it with admin series add",
                    in->series);
  st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->series, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, till_now());
    sqlite3_bind_text(st, 5, r->actor.user, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  Till__V1__TollStationSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_station_set_response__init(resp);
  resp->created = !existed;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_STATION_SET_RESP;
  r->resp.toll_station_set_resp = resp;
  return TILL_OK;
}

till_status_t
toll_handle_distance_set(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO toll_distances(entry, exit, meters, set_at, set_by) VALUES (?1,?2,?3,?4,?5)"
    " ON CONFLICT(entry, exit) DO UPDATE SET meters = ?3, set_at = ?4, set_by = ?5";
  const Till__V1__TollDistanceSetRequest *in = r->env->toll_distance_set_req;
  if (check_station(r, sc, in->entry) != TILL_OK ||
      check_station(r, sc, in->exit) != TILL_OK)
    return r->status;
  if (strcmp(in->entry, in->exit) == 0)
    return req_fail(r, TILL_E_INVALID, "a distance joins two different stations");
  if (in->meters < 1 || in->meters > TOLL_METERS_MAX)
    return req_fail(r, TILL_E_INVALID, "distance must be 0.001 to 10000.000 km");
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->entry, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->exit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, in->meters);
    sqlite3_bind_int64(st, 4, till_now());
    sqlite3_bind_text(st, 5, r->actor.user, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  Till__V1__TollDistanceSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_distance_set_response__init(resp);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_DISTANCE_SET_RESP;
  r->resp.toll_distance_set_resp = resp;
  return TILL_OK;
}

/* The checks of a new tariff version that need no database. */
static till_status_t
check_tariff(req_t *r, const Till__V1__TollTariffSetRequest *in)
{
  if (in->n_rates == 0 || in->n_rates > TOLL_CLASSES)
    return req_fail(r, TILL_E_INVALID, "a tariff has a rate for 1 to %d classes", TOLL_CLASSES);
  for (size_t i = 0; i < in->n_rates; i++) {
    const char *c = in->rates[i]->vehicle_class;
    if (toll_class_index(c) < 0)
      return req_fail(r, TILL_E_INVALID, "unknown vehicle class '%s'; use p1-p4, t1-t6 or s1-s6",
                      c);
    for (size_t j = 0; j < i; j++)
      if (strcmp(in->rates[j]->vehicle_class, c) == 0)
        return req_fail(r, TILL_E_INVALID, "class %s has two rates", c);
    if (in->rates[i]->rate_e4 < 0 || in->rates[i]->rate_e4 > TOLL_RATE_MAX)
      return req_fail(r, TILL_E_INVALID, "the rate of class %s must be 0 to 10000.0000 per km", c);
  }
  if (in->min_fee < 0 || in->min_fee > TOLL_FEE_MAX || in->min_fee % 100 != 0)
    return req_fail(r, TILL_E_INVALID, "the minimum fee must be whole yuan, 0 to 100000");
  if (in->card_fee < 0 || in->card_fee > TOLL_FEE_MAX)
    return req_fail(r, TILL_E_INVALID, "the card fee must be 0 to 100000.00");
  if (in->axle_rate_e4 < 0 || in->axle_rate_e4 > TOLL_RATE_MAX)
    return req_fail(r, TILL_E_INVALID, "the axle surcharge must be 0 to 10000.0000 per km");
  if (in->card_hours < 1 || in->card_hours > 8760)
    return req_fail(r, TILL_E_INVALID, "card hours must be 1 to 8760");
  if (in->effective_at <= 0)
    return req_fail(r, TILL_E_INVALID, "a tariff needs the time it takes effect");
  return TILL_OK;
}

till_status_t
toll_handle_tariff_set(req_t *r, store_conn_t *sc)
{
  static const char sql_last[] = "SELECT coalesce(max(effective_at), 0) FROM toll_tariffs";
  static const char sql_add[] =
    "INSERT INTO toll_tariffs(effective_at, min_fee, axle_rate_e4, card_fee, card_hours,"
    " created_at, created_by) VALUES (?,?,?,?,?,?,?)";
  static const char sql_rate[] = "INSERT INTO toll_rates(version, class, rate_e4) VALUES (?,?,?)";
  const Till__V1__TollTariffSetRequest *in = r->env->toll_tariff_set_req;
  if (check_tariff(r, in) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_last);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  int64_t last = 0;
  if (req_rows(r, st, 1, req_row_int64, &last, NULL) != TILL_OK)
    return r->status;
  if (in->effective_at <= last)
    return req_fail(r, TILL_E_PRECONDITION, "a new tariff takes effect after the latest one");
  st = store_stmt(sc, sql_add);
  if (st) {
    sqlite3_bind_int64(st, 1, in->effective_at);
    sqlite3_bind_int64(st, 2, in->min_fee);
    sqlite3_bind_int64(st, 3, in->axle_rate_e4);
    sqlite3_bind_int64(st, 4, in->card_fee);
    sqlite3_bind_int(st, 5, in->card_hours);
    sqlite3_bind_int64(st, 6, till_now());
    sqlite3_bind_text(st, 7, r->actor.user, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  int64_t version = sqlite3_last_insert_rowid(sc->db);
  for (size_t i = 0; i < in->n_rates; i++) {
    st = store_stmt(sc, sql_rate);
    if (st) {
      sqlite3_bind_int64(st, 1, version);
      sqlite3_bind_text(st, 2, in->rates[i]->vehicle_class, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, in->rates[i]->rate_e4);
    }
    if (toll_exec(r, st) != TILL_OK)
      return r->status;
  }
  Till__V1__TollTariffSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_tariff_set_response__init(resp);
  resp->version = version;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_TARIFF_SET_RESP;
  r->resp.toll_tariff_set_resp = resp;
  return TILL_OK;
}

till_status_t
toll_handle_lane_set(req_t *r, store_conn_t *sc)
{
  static const char sql_term[] = "SELECT count(*) FROM terminals WHERE id = ?";
  static const char sql[] =
    "INSERT INTO toll_lanes(terminal_id, station, direction, set_at, set_by) VALUES (?1,?2,?3,?4,?5)"
    " ON CONFLICT(terminal_id) DO UPDATE SET station = ?2, direction = ?3, set_at = ?4, set_by = ?5";
  const Till__V1__TollLaneSetRequest *in = r->env->toll_lane_set_req;
  if (!till_ident_ok(in->terminal_id, TERMINAL_ID_MAX))
    return req_fail(r, TILL_E_INVALID, "invalid terminal id");
  if (strcmp(in->direction, "entry") != 0 && strcmp(in->direction, "exit") != 0)
    return req_fail(r, TILL_E_INVALID, "a lane's direction is entry or exit");
  if (check_station(r, sc, in->station) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql_term);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->terminal_id, -1, SQLITE_STATIC);
  int64_t n = 0;
  if (req_rows(r, st, 1, req_row_int64, &n, NULL) != TILL_OK)
    return r->status;
  if (!n)
    return req_fail(r, TILL_E_NOT_FOUND, "no terminal %s", in->terminal_id);
  st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->terminal_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->station, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->direction, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, till_now());
    sqlite3_bind_text(st, 5, r->actor.user, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  Till__V1__TollLaneSetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_lane_set_response__init(resp);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_LANE_SET_RESP;
  r->resp.toll_lane_set_resp = resp;
  return TILL_OK;
}

till_status_t
toll_handle_holiday_set(req_t *r, store_conn_t *sc)
{
  static const char sql[] =
    "INSERT INTO toll_holidays(date, name, set_at, set_by) VALUES (?1,?2,?3,?4)"
    " ON CONFLICT(date) DO UPDATE SET name = ?2, set_at = ?3, set_by = ?4";
  const Till__V1__TollHolidaySetRequest *in = r->env->toll_holiday_set_req;
  int64_t from, to;
  if (!in->date || strlen(in->date) != 10 || till_day_bounds(in->date, &from, &to) != 0)
    return req_fail(r, TILL_E_INVALID, "a holiday is a date YYYY-MM-DD");
  if (req_check_text(r, "name", in->name, TOLL_NAME_MAX, 1) != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_text(st, 1, in->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, till_now());
    sqlite3_bind_text(st, 4, r->actor.user, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  Till__V1__TollHolidaySetResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_holiday_set_response__init(resp);
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_HOLIDAY_SET_RESP;
  r->resp.toll_holiday_set_resp = resp;
  return TILL_OK;
}
