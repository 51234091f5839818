/* toll.c -- the lanes: a quote, a pass card issued at an entry lane, a
 * vehicle settled at an exit lane (paid, or let through free); see toll.h
 * and docs/tolls.md. The server prices every trip from its tariff; the
 * lane never sends an amount. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "ledger_toll.h"
#include "toll.h"
#include "toll_int.h"
#include "till_chain.h"
#include "till_util.h"
#include "till_wire.h"

#define TOLL_SEATS_MAX 99
#define TOLL_TEXT_MAX 64

/* The price of <code> with <axles> from <entry> to <exit> under the tariff
 * in force at <at_ms>. */
typedef struct {
  toll_tariff_t tariff;
  int64_t rate_e4, meters, toll;
} toll_priced_t;

static till_status_t
price_trip(req_t *r, store_conn_t *sc, const char *entry, const char *exit, const char *code,
           int axles, int64_t at_ms, toll_priced_t *out)
{
  if (toll_check_vehicle(r, code, axles) != TILL_OK ||
      toll_tariff_at(r, sc, at_ms, &out->tariff) != TILL_OK ||
      toll_rate_of(r, sc, out->tariff.version, code, &out->rate_e4) != TILL_OK ||
      toll_distance(r, sc, entry, exit, &out->meters) != TILL_OK)
    return r->status;
  toll_trip_t t = {out->rate_e4, out->meters, axles, out->tariff.axle_rate_e4,
                   out->tariff.min_fee};
  if (toll_price(&t, &out->toll) != 0)
    return req_fail(r, TILL_E_INTERNAL, "a toll figure is out of range");
  return TILL_OK;
}

till_status_t
toll_handle_quote(req_t *r, store_conn_t *sc)
{
  const Till__V1__TollQuoteRequest *in = r->env->toll_quote_req;
  r->skip_write = 1;
  toll_priced_t p;
  if (price_trip(r, sc, in->entry, in->exit, in->vehicle_class, in->axles, till_now_ms(), &p) !=
      TILL_OK)
    return r->status;
  Till__V1__TollQuoteResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_quote_response__init(resp);
  resp->toll = p.toll;
  resp->meters = p.meters;
  resp->rate_e4 = p.rate_e4;
  resp->tariff_version = p.tariff.version;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_QUOTE_RESP;
  r->resp.toll_quote_resp = resp;
  return TILL_OK;
}

/* ---- entry ----------------------------------------------------------- */

static till_status_t
check_card_id(req_t *r, const char *card)
{
  if (!till_ident_ok(card, TOLL_CARD_MAX))
    return req_fail(r, TILL_E_INVALID, "a pass card id is 1-%d characters from A-Z a-z 0-9 . _ -",
                    TOLL_CARD_MAX);
  return TILL_OK;
}

static till_status_t
check_plate(req_t *r, const char *plate)
{
  if (!toll_plate_ok(plate))
    return req_fail(r, TILL_E_INVALID, "'%s' is not a plausible plate: a province character, "
                    "a letter, then 5 letters and digits, or 6 for a new-energy vehicle",
                    plate ? plate : "");
  return TILL_OK;
}

till_status_t
toll_handle_entry(req_t *r, store_conn_t *sc)
{
  static const char sql_out[] =
    "SELECT entry_station FROM toll_cards WHERE card = ? AND settled_txn IS NULL";
  static const char sql_add[] =
    "INSERT INTO toll_cards(card, entry_station, class, plate, issued_at, terminal_id, issued_by,"
    " shift_id) VALUES (?,?,?,?,?,?,?,?)";
  const Till__V1__TollEntryRequest *in = r->env->toll_entry_req;
  char station[TOLL_STATION_MAX + 1], err[256];
  if (toll_lane_of(r, sc, "entry", station, NULL, 0) != TILL_OK)
    return r->status;
  if (check_card_id(r, in->card) != TILL_OK || check_plate(r, in->plate) != TILL_OK)
    return r->status;
  if (toll_class_index(in->vehicle_class) < 0)
    return req_fail(r, TILL_E_INVALID, "unknown vehicle class '%s'; use p1-p4, t1-t6 or s1-s6",
                    in->vehicle_class);
  int64_t shift_id;
  till_status_t sst = ledger_open_shift_of(sc, r->terminal, r->actor.user, &shift_id, err,
                                           sizeof err);
  if (sst != TILL_OK)
    return req_fail(r, sst, "%s", err);
  sqlite3_stmt *st = store_stmt(sc, sql_out);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, in->card, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_ROW)
    return req_fail(r, TILL_E_CONFLICT, "pass card %s is already out and not settled", in->card);
  if (rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  int64_t now = till_now_ms();
  st = store_stmt(sc, sql_add);
  if (st) {
    sqlite3_bind_text(st, 1, in->card, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->vehicle_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->plate, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, r->terminal, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->actor.user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, shift_id);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  Till__V1__TollEntryResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_entry_response__init(resp);
  resp->card = req_strdup(r, in->card);
  resp->entry_station = req_strdup(r, station);
  resp->vehicle_class = req_strdup(r, in->vehicle_class);
  resp->plate = req_strdup(r, in->plate);
  resp->issued_at = now;
  if (!resp->card || !resp->entry_station || !resp->vehicle_class || !resp->plate)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_ENTRY_RESP;
  r->resp.toll_entry_resp = resp;
  return TILL_OK;
}

/* ---- exit ------------------------------------------------------------ */

/* What an exit settles, as the handler works it out. */
typedef struct {
  char station[TOLL_STATION_MAX + 1];
  char series[16];
  char entry[TOLL_STATION_MAX + 1];
  const char *card_state;      /* card, lost, none */
  int64_t card_row;            /* toll_cards.id, 0 without a card */
  char card_class[TOLL_CLASS_LEN];
  char card_plate[TOLL_PLATE_MAX * 4];
  const char *exempt;          /* "" or the exemption posted */
  char flags[64];
  toll_priced_t price;
  int64_t card_fee;
} exit_t;

static void
add_flag(exit_t *x, const char *flag)
{
  size_t n = strlen(x->flags);
  snprintf(x->flags + n, sizeof x->flags - n, "%s%s", n ? "," : "", flag);
}

/* The exemption types a lane may ask for (holiday is the server's). */
static int
exempt_requested_ok(const char *s)
{
  static const char *const ok[] = {"green_channel", "military", "police", "emergency",
                                   "disaster_relief"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp(ok[i], s) == 0)
      return 1;
  return 0;
}

/* The checks of an exit request that need no database. */
static till_status_t
check_exit(req_t *r, const Till__V1__TollExitRequest *in)
{
  int starts = (in->card[0] != 0) + (in->entry[0] != 0) + (in->lost != 0);
  if (starts != 1)
    return req_fail(r, TILL_E_INVALID, "give exactly one of the pass card, the entry station or "
                    "lost");
  if (in->card[0] && check_card_id(r, in->card) != TILL_OK)
    return r->status;
  if (toll_check_vehicle(r, in->vehicle_class, in->axles) != TILL_OK ||
      check_plate(r, in->plate) != TILL_OK)
    return r->status;
  int passenger = in->vehicle_class[0] == 'p';
  if (passenger && (in->seats < 1 || in->seats > TOLL_SEATS_MAX))
    return req_fail(r, TILL_E_INVALID, "a passenger vehicle needs its seats, 1 to %d",
                    TOLL_SEATS_MAX);
  if (!passenger && in->seats != 0)
    return req_fail(r, TILL_E_INVALID, "seats are given for passenger vehicles only");
  const char *ex = in->exempt;
  if (ex[0] && !exempt_requested_ok(ex))
    return req_fail(r, TILL_E_INVALID, "unknown exemption '%s'; use green_channel, military, "
                    "police, emergency or disaster_relief", ex);
  int green = strcmp(ex, "green_channel") == 0;
  if (green != (in->inspection[0] != 0) || green != (in->inspector[0] != 0) ||
      green != (in->cargo[0] != 0))
    return req_fail(r, TILL_E_INVALID, "a green-channel vehicle needs the inspector, the cargo "
                    "and the result, and only it has them");
  if (green && strcmp(in->inspection, "pass") != 0 && strcmp(in->inspection, "fail") != 0)
    return req_fail(r, TILL_E_INVALID, "an inspection's result is pass or fail");
  if (req_check_text(r, "inspector", in->inspector, TOLL_TEXT_MAX, 1) != TILL_OK ||
      req_check_text(r, "cargo", in->cargo, TOLL_TEXT_MAX, 1) != TILL_OK ||
      req_check_text(r, "pass_ref", in->pass_ref, TOLL_TEXT_MAX, 1) != TILL_OK)
    return r->status;
  int pass = ex[0] && !green;
  if (pass != (in->pass_ref[0] != 0))
    return req_fail(r, TILL_E_INVALID, "a military, police, emergency or disaster-relief pass "
                    "needs its pass number, and only such a pass has one");
  if (in->tendered < 0 || in->tendered > LEDGER_TOTAL_MAX)
    return req_fail(r, TILL_E_INVALID, "tendered must be 0 to 1000000000.00");
  return TILL_OK;
}

/* Where the trip started: the card (its row, flags), the farthest entry for
 * a lost card, or the entry given. */
static till_status_t
exit_start(req_t *r, store_conn_t *sc, const Till__V1__TollExitRequest *in, exit_t *x)
{
  static const char sql_card[] =
    "SELECT id, entry_station, class, plate, settled_txn IS NOT NULL FROM toll_cards"
    " WHERE card = ? ORDER BY id DESC LIMIT 1";
  static const char sql_far[] =
    "SELECT entry FROM toll_distances WHERE exit = ? ORDER BY meters DESC, entry LIMIT 1";
  sqlite3_stmt *st;
  if (in->card[0]) {
    st = store_stmt(sc, sql_card);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_text(st, 1, in->card, -1, SQLITE_STATIC);
    if (req_row_one(r, st, TILL_E_NOT_FOUND, "no pass card %s was issued", in->card) != TILL_OK)
      return r->status;
    x->card_row = sqlite3_column_int64(st, 0);
    snprintf(x->entry, sizeof x->entry, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(x->card_class, sizeof x->card_class, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(x->card_plate, sizeof x->card_plate, "%s", (const char *)sqlite3_column_text(st, 3));
    int settled = sqlite3_column_int(st, 4);
    sqlite3_reset(st);
    if (settled)
      return req_fail(r, TILL_E_PRECONDITION, "pass card %s was already settled", in->card);
    x->card_state = "card";
    if (strcmp(x->card_plate, in->plate) != 0)
      add_flag(x, "plate_mismatch");
    if (strcmp(x->card_class, in->vehicle_class) != 0)
      add_flag(x, "class_mismatch");
    return TILL_OK;
  }
  if (in->lost) {
    st = store_stmt(sc, sql_far);
    if (!st)
      return req_fail(r, TILL_E_INTERNAL, "internal error");
    sqlite3_bind_text(st, 1, x->station, -1, SQLITE_STATIC);
    if (req_row_one(r, st, TILL_E_INVALID, "the network has no distance to %s", x->station) !=
        TILL_OK)
      return r->status;
    snprintf(x->entry, sizeof x->entry, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    x->card_state = "lost";
    return TILL_OK;
  }
  if (!till_ident_ok(in->entry, TOLL_STATION_MAX))
    return req_fail(r, TILL_E_INVALID, "entry must be a station code of 1-%d characters from A-Z "
                    "a-z 0-9 . _ -", TOLL_STATION_MAX);
  snprintf(x->entry, sizeof x->entry, "%s", in->entry);
  x->card_state = "none";
  return TILL_OK;
}

/* 1 when today (the server's local date) is in the holiday calendar. */
static till_status_t
exit_is_holiday(req_t *r, store_conn_t *sc, int64_t now_ms, int *yes)
{
  static const char sql[] = "SELECT count(*) FROM toll_holidays WHERE date = ?";
  char date[11];
  till_local_date(now_ms / 1000, date);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
  int64_t n = 0;
  if (req_rows(r, st, 1, req_row_int64, &n, NULL) != TILL_OK)
    return r->status;
  *yes = n > 0;
  return TILL_OK;
}

static void
request_hash(const Till__V1__TollExitRequest *in, uint8_t out[32])
{
  size_t n = protobuf_c_message_get_packed_size(&in->base);
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) { /* a hash of nothing: a replay under the key is then a conflict, never a match */
    memset(out, 0xff, 32);
    return;
  }
  protobuf_c_message_pack(&in->base, buf);
  SHA256(buf, n, out);
  free(buf);
}

/* The passage of transaction <txn_id> as the lane reads it back. */
static till_status_t
load_passage(req_t *r, store_conn_t *sc, int64_t txn_id, Till__V1__TollPassage **out)
{
  static const char sql[] =
    "SELECT p.entry_station, p.exit_station, p.card_state, coalesce(c.card, ''), p.class,"
    " p.axles, p.plate, p.meters, p.tariff_version, p.toll, p.card_fee, p.exempt, p.flags,"
    " coalesce(c.class, ''), coalesce(c.plate, '')"
    " FROM toll_passages p LEFT JOIN toll_cards c ON c.id = p.card_id WHERE p.txn_id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld is no toll passage",
                  (long long)txn_id) != TILL_OK)
    return r->status;
  Till__V1__TollPassage *p = req_alloc(r, sizeof *p);
  char **flags = req_alloc(r, 4 * sizeof *flags);
  if (!p || !flags) {
    sqlite3_reset(st);
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  }
  till__v1__toll_passage__init(p);
  p->txn_id = txn_id;
#define COL(i) req_strdup(r, (const char *)sqlite3_column_text(st, (i)))
  p->entry_station = COL(0);
  p->exit_station = COL(1);
  p->card_state = COL(2);
  p->card = COL(3);
  p->vehicle_class = COL(4);
  p->axles = sqlite3_column_int(st, 5);
  p->plate = COL(6);
  p->meters = sqlite3_column_int64(st, 7);
  p->tariff_version = sqlite3_column_int64(st, 8);
  p->toll = sqlite3_column_int64(st, 9);
  p->card_fee = sqlite3_column_int64(st, 10);
  p->exempt = COL(11);
  char *fl = COL(12);
  p->card_class = COL(13);
  p->card_plate = COL(14);
#undef COL
  sqlite3_reset(st);
  if (!p->entry_station || !p->exit_station || !p->card_state || !p->card || !p->vehicle_class ||
      !p->plate || !p->exempt || !fl || !p->card_class || !p->card_plate)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  /* at most 3 flags, comma-separated */
  p->flags = flags;
  for (char *save = NULL, *tok = strtok_r(fl, ",", &save); tok && p->n_flags < 4;
       tok = strtok_r(NULL, ",", &save))
    p->flags[p->n_flags++] = tok;
  *out = p;
  return TILL_OK;
}

/* The passage just posted, from what the handler worked out (no read on
 * the writer's path; load_passage reads a replay's back). */
static till_status_t
made_passage(req_t *r, const Till__V1__TollExitRequest *in, const exit_t *x, int64_t txn_id,
             Till__V1__TollPassage **out)
{
  Till__V1__TollPassage *p = req_alloc(r, sizeof *p);
  char **flags = req_alloc(r, 4 * sizeof *flags);
  char *fl = req_strdup(r, x->flags);
  if (!p || !flags || !fl)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_passage__init(p);
  int card = x->card_row != 0;
  p->txn_id = txn_id;
  p->entry_station = req_strdup(r, x->entry);
  p->exit_station = req_strdup(r, x->station);
  p->card_state = (char *)x->card_state;
  p->card = card ? in->card : "";
  p->vehicle_class = in->vehicle_class;
  p->axles = in->axles;
  p->plate = in->plate;
  p->meters = x->price.meters;
  p->tariff_version = x->price.tariff.version;
  p->toll = x->price.toll;
  p->card_fee = x->card_fee;
  p->exempt = (char *)x->exempt;
  p->card_class = req_strdup(r, card ? x->card_class : "");
  p->card_plate = req_strdup(r, card ? x->card_plate : "");
  if (!p->entry_station || !p->exit_station || !p->card_class || !p->card_plate)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  p->flags = flags;
  for (char *save = NULL, *tok = strtok_r(fl, ",", &save); tok && p->n_flags < 4;
       tok = strtok_r(NULL, ",", &save))
    p->flags[p->n_flags++] = tok;
  *out = p;
  return TILL_OK;
}

/* A paid toll's receipt, from its journal row and entries. */
static till_status_t
load_receipt(req_t *r, store_conn_t *sc, int64_t txn_id, Till__V1__Receipt **out)
{
  static const char sql_txn[] =
    "SELECT series, receipt_no, terminal_id, cashier, at_ms, tendered, hash, memo"
    " FROM journal WHERE id = ?";
  static const char sql_entries[] =
    "SELECT account, amount, item, quantity, unit_price FROM entries WHERE txn_id = ? ORDER BY seq";
  Till__V1__Receipt *rc = req_alloc(r, sizeof *rc);
  Till__V1__ReceiptLine **lines = req_alloc(r, 2 * sizeof *lines);
  Till__V1__MethodAmount **pays = req_alloc(r, sizeof *pays);
  Till__V1__MethodAmount *pay = req_alloc(r, sizeof *pay);
  if (!rc || !lines || !pays || !pay)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__receipt__init(rc);
  till__v1__method_amount__init(pay);
  sqlite3_stmt *st = store_stmt(sc, sql_txn);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  if (req_row_one(r, st, TILL_E_NOT_FOUND, "transaction %lld not found", (long long)txn_id) !=
      TILL_OK)
    return r->status;
  char number[TILL_RECEIPT_NO_MAX], code[10] = "";
  rc->series = req_strdup(r, (const char *)sqlite3_column_text(st, 0));
  rc->receipt_no = sqlite3_column_int64(st, 1);
  till_receipt_format(rc->series ? rc->series : "", rc->receipt_no, number, sizeof number);
  rc->terminal_id = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
  rc->cashier = req_strdup(r, (const char *)sqlite3_column_text(st, 3));
  rc->at_ms = sqlite3_column_int64(st, 4);
  rc->tendered = sqlite3_column_int64(st, 5);
  if (sqlite3_column_bytes(st, 6) == TILL_HASH_LEN)
    till_chain_verify_code(sqlite3_column_blob(st, 6), code);
  rc->memo = req_strdup(r, (const char *)sqlite3_column_text(st, 7));
  sqlite3_reset(st);
  rc->txn_id = txn_id;
  rc->number = req_strdup(r, number);
  rc->verify_code = req_strdup(r, code);
  rc->office = req_strdup(r, req_config(r)->office);
  st = store_stmt(sc, sql_entries);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  int step;
  for (int i = 0; i < 3 && (step = sqlite3_step(st)) == SQLITE_ROW; i++) {
    int64_t amount = sqlite3_column_int64(st, 1);
    if (i == 0) {
      int m = ledger_account_method((const char *)sqlite3_column_text(st, 0));
      pay->method = till_wire_method((till_method_t)m);
      pay->amount = amount;
      continue;
    }
    Till__V1__ReceiptLine *l = req_alloc(r, sizeof *l);
    if (!l)
      break;
    till__v1__receipt_line__init(l);
    l->item = req_strdup(r, (const char *)sqlite3_column_text(st, 2));
    l->name = l->item;
    l->quantity = sqlite3_column_int64(st, 3);
    l->unit_price = sqlite3_column_int64(st, 4);
    l->amount = -amount;
    rc->total += l->amount;
    lines[rc->n_lines++] = l;
  }
  sqlite3_reset(st);
  rc->lines = lines;
  rc->payments = pays;
  pays[0] = pay;
  rc->n_payments = 1;
  rc->method = pay->method;
  if (rc->tendered && pay->method == TILL__V1__PAYMENT_METHOD__METHOD_CASH)
    rc->change = rc->tendered - pay->amount;
  if (!rc->series || !rc->terminal_id || !rc->cashier || !rc->memo || !rc->number ||
      !rc->verify_code || !rc->office || rc->n_lines == 0)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  *out = rc;
  return TILL_OK;
}

/* The passage row of a posted exit (in the shift the engine posted it
 * into), and its card settled. */
static till_status_t
record_exit(req_t *r, store_conn_t *sc, const Till__V1__TollExitRequest *in, const exit_t *x,
            int64_t txn_id, int64_t now)
{
  static const char sql_add[] =
    "INSERT INTO toll_passages(txn_id, shift_id, at_ms, exit_station, entry_station, card_state,"
    " card_id, class, axles, seats, plate, meters, tariff_version, toll, card_fee, exempt,"
    " pass_ref, inspector, cargo, inspection, flags)"
    " VALUES (?1,(SELECT shift_id FROM journal WHERE id = ?1),?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
    " ?14,?15,?16,?17,?18,?19,?20,?21)";
  static const char sql_settle[] = "UPDATE toll_cards SET settled_txn = ? WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql_add);
  if (st) {
    sqlite3_bind_int64(st, 1, txn_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, x->station, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, x->entry, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, x->card_state, -1, SQLITE_STATIC);
    if (x->card_row)
      sqlite3_bind_int64(st, 7, x->card_row);
    sqlite3_bind_text(st, 8, in->vehicle_class, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, in->axles);
    sqlite3_bind_int(st, 10, in->seats);
    sqlite3_bind_text(st, 11, in->plate, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, x->price.meters);
    sqlite3_bind_int64(st, 13, x->price.tariff.version);
    sqlite3_bind_int64(st, 14, x->price.toll);
    sqlite3_bind_int64(st, 15, x->card_fee);
    sqlite3_bind_text(st, 16, x->exempt, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 17, in->pass_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 18, in->inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 19, in->cargo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 20, in->inspection, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 21, x->flags, -1, SQLITE_STATIC);
  }
  if (toll_exec(r, st) != TILL_OK)
    return r->status;
  if (!x->card_row)
    return TILL_OK;
  st = store_stmt(sc, sql_settle);
  if (st) {
    sqlite3_bind_int64(st, 1, txn_id);
    sqlite3_bind_int64(st, 2, x->card_row);
  }
  return toll_exec(r, st);
}

/* Work out the exit <x>: where the trip started, its price, its exemption
 * and flags. */
static till_status_t
exit_work(req_t *r, store_conn_t *sc, const Till__V1__TollExitRequest *in, int64_t now, exit_t *x)
{
  if (exit_start(r, sc, in, x) != TILL_OK ||
      price_trip(r, sc, x->entry, x->station, in->vehicle_class, in->axles, now, &x->price) !=
        TILL_OK)
    return r->status;
  x->card_fee = in->lost ? x->price.tariff.card_fee : 0;
  x->exempt = "";
  if (strcmp(in->exempt, "green_channel") == 0) {
    if (strcmp(in->inspection, "pass") == 0)
      x->exempt = "green_channel";
    else
      add_flag(x, "green_failed");
  } else if (in->exempt[0]) {
    x->exempt = in->exempt;
  } else {
    int holiday = 0;
    if (exit_is_holiday(r, sc, now, &holiday) != TILL_OK)
      return r->status;
    if (toll_holiday_free(toll_class_index(in->vehicle_class), in->seats, holiday))
      x->exempt = "holiday";
  }
  if (x->exempt[0] && x->card_fee)
    return req_fail(r, TILL_E_INVALID, "a lost card's fee is charged; a vehicle let through free "
                    "cannot have lost its card");
  return TILL_OK;
}

/* What the reader phase of an exit hands the writer (r->scratch). */
typedef struct {
  exit_t x;
  toll_post_t p;
  int64_t now;
} exit_state_t;

/* The kind the idempotency key <key> was spent on, into <kind>: 1 seen, 0 not,
 * -1 recorded failure. */
static int
seen_kind(req_t *r, store_conn_t *sc, const uint8_t key[TILL_KEY_LEN], char *kind, size_t len)
{
  static const char sql_seen[] = "SELECT kind FROM idempotency WHERE key = ?";
  sqlite3_stmt *st = store_stmt(sc, sql_seen);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_blob(st, 1, key, TILL_KEY_LEN, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    snprintf(kind, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    req_step_failed(r, st, rc);
    return -1;
  }
  return rc == SQLITE_ROW;
}

/* The reader phase: every check and the price, off the writer's path (a
 * lane's reads must not queue behind the postings). The writer checks
 * again only what may have changed since: the key, the card. */
till_status_t
toll_handle_exit_check(req_t *r, store_conn_t *sc)
{
  const Till__V1__TollExitRequest *in = r->env->toll_exit_req;
  exit_state_t *es = req_alloc(r, sizeof *es);
  if (!es)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  memset(es, 0, sizeof *es);
  if (req_idem_key(r, in->idempotency_key, es->p.key) != TILL_OK)
    return r->status;
  request_hash(in, es->p.req_hash);
  if (toll_lane_of(r, sc, "exit", es->x.station, es->x.series, sizeof es->x.series) != TILL_OK ||
      check_exit(r, in) != TILL_OK)
    return r->status;
  char kind[32];
  int seen = seen_kind(r, sc, es->p.key, kind, sizeof kind);
  if (seen < 0)
    return r->status;
  es->now = till_now_ms();
  r->scratch = es;
  if (seen) /* a replay: the writer answers it from the key alone */
    return TILL_OK;
  exit_t *x = &es->x;
  if (exit_work(r, sc, in, es->now, x) != TILL_OK)
    return r->status;
  if (!x->exempt[0] && !till_wire_method_of(in->method))
    return req_fail(r, TILL_E_INVALID, "payment method is required (cash, card, wechat, "
                    "alipay, transfer, cheque, subsidy)");
  if (x->exempt[0] && in->method != TILL__V1__PAYMENT_METHOD__METHOD_UNSPECIFIED)
    return req_fail(r, TILL_E_INVALID, "a vehicle let through free pays nothing; give no "
                    "payment method");
  return TILL_OK;
}

/* 1 when card row <id> is settled; -1 recorded failure. */
static int
card_settled(req_t *r, store_conn_t *sc, int64_t id)
{
  static const char sql[] = "SELECT settled_txn IS NOT NULL FROM toll_cards WHERE id = ?";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st) {
    req_fail(r, TILL_E_INTERNAL, "internal error");
    return -1;
  }
  sqlite3_bind_int64(st, 1, id);
  int64_t v = 0;
  if (req_rows(r, st, 1, req_row_int64, &v, NULL) != TILL_OK)
    return -1;
  return v != 0;
}

till_status_t
toll_handle_exit(req_t *r, store_conn_t *sc)
{
  const Till__V1__TollExitRequest *in = r->env->toll_exit_req;
  exit_state_t *es = r->scratch;
  toll_post_t *p = &es->p;
  const exit_t *x = &es->x;
  post_result_t res;
  char receipt[TILL_RECEIPT_NO_MAX], err[256], kind[32], item[LEDGER_ITEM_MAX + 1];
  int seen = seen_kind(r, sc, p->key, kind, sizeof kind);
  if (seen < 0)
    return r->status;
  if (seen && strcmp(kind, LEDGER_KIND_TOLL) != 0 && strcmp(kind, LEDGER_KIND_TOLL_EXEMPT) != 0) {
    /* the key was spent on a sale, a payment, ...: as the engine says of a
     * key reused for another toll */
    return req_fail(r, TILL_E_CONFLICT, "idempotency key already used for a different request");
  } else if (seen) {
    p->kind = kind;
  } else if (!x->card_state) {
    /* the reader saw the key posted; the writer does not: it cannot be */
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  } else {
    int settled = x->card_row ? card_settled(r, sc, x->card_row) : 0;
    if (settled < 0)
      return r->status;
    if (settled)
      return req_fail(r, TILL_E_PRECONDITION, "pass card %s was already settled", in->card);
    p->kind = x->exempt[0] ? LEDGER_KIND_TOLL_EXEMPT : LEDGER_KIND_TOLL;
  }
  snprintf(item, sizeof item, "toll.%s", in->vehicle_class);
  p->terminal = r->terminal;
  p->cashier = r->actor.user;
  p->item = item;
  p->toll = x->price.toll;
  p->card_fee = x->card_fee;
  if (strcmp(p->kind, LEDGER_KIND_TOLL) == 0) {
    p->series_prefix = x->series;
    p->method = till_wire_method_of(in->method);
    p->tendered = in->tendered;
  } else {
    p->exempt = x->exempt;
  }
  till_status_t pst = ledger_post_toll(req_ledger(r), sc, p, &res, receipt, sizeof receipt, err,
                                       sizeof err);
  if (pst != TILL_OK)
    return req_fail(r, pst, "%s", err);
  if (!res.replayed && record_exit(r, sc, in, x, res.ref_id, es->now) != TILL_OK)
    return r->status;
  Till__V1__TollExitResponse *resp = req_alloc(r, sizeof *resp);
  if (!resp)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  till__v1__toll_exit_response__init(resp);
  resp->replayed = res.replayed != 0;
  if ((res.replayed ? load_passage(r, sc, res.ref_id, &resp->passage)
                    : made_passage(r, in, x, res.ref_id, &resp->passage)) != TILL_OK)
    return r->status;
  if (!resp->passage->exempt[0] && load_receipt(r, sc, res.ref_id, &resp->receipt) != TILL_OK)
    return r->status;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_TOLL_EXIT_RESP;
  r->resp.toll_exit_resp = resp;
  return TILL_OK;
}
