/* cmd_toll.c -- till toll ...: the toll network's settings (station,
 * distance, tariff, lane, holiday), a quote, the entry lane's pass card,
 * the exit lane's settling (the server prices it and numbers the receipt),
 * the cards still out, a lane shift's hand-over and the exemptions report
 * (docs/tolls.md). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

#define TOLL_RATES_MAX 16

/* A decimal "87.3" with at most <decimals> places as an integer scaled by
 * 10^decimals (87300 for 3) into *out, 0 .. max: 0, or -1. */
static int
parse_fixed(const char *s, int decimals, int64_t max, int64_t *out)
{
  int64_t v = 0;
  int seen = 0, frac = -1;
  if (!s || !*s)
    return -1;
  for (const char *p = s; *p; p++) {
    if (*p == '.' && frac < 0 && seen) {
      frac = 0;
      continue;
    }
    if (*p < '0' || *p > '9' || frac == decimals)
      return -1;
    if (v > (max - (*p - '0')) / 10)
      return -1;
    v = v * 10 + (*p - '0');
    seen = 1;
    if (frac >= 0)
      frac++;
  }
  if (frac == 0)
    return -1;
  for (int i = frac < 0 ? 0 : frac; i < decimals; i++) {
    if (v > max / 10)
      return -1;
    v *= 10;
  }
  if (v > max)
    return -1;
  *out = v;
  return 0;
}

/* Send <req>, expect <body>; NULL with *rc on failure. */
static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase body, int *rc)
{
  return cli_call_expect(cli, req, 1, body, rc);
}

/* Print "done" (or {} with --json) for a setting that answers nothing. */
static int
done(cli_t *cli, Till__V1__Envelope *resp, const char *text)
{
  if (cli->json)
    printf("{}\n");
  else
    printf("%s\n", text);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* ---- settings ---------------------------------------------------------- */

int
cmd_toll_station_set(cli_t *cli)
{
  Till__V1__TollStationSetRequest in = TILL__V1__TOLL_STATION_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *name = cli_opt(cli, "--name"), *series = cli_opt(cli, "--series");
  if (!name || !series)
    return commands_usage_error(cli);
  in.code = (char *)cli_arg(cli, 3);
  in.name = (char *)name;
  in.series = (char *)series;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_STATION_SET_REQ;
  req.toll_station_set_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_STATION_SET_RESP, &rc);
  if (!resp)
    return rc;
  if (cli->json) {
    printf("{\"code\":");
    json_str(stdout, in.code);
    printf(",\"created\":%s}\n", resp->toll_station_set_resp->created ? "true" : "false");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  printf(resp->toll_station_set_resp->created ? _("added toll station %s\n")
                                              : _("changed toll station %s\n"),
         in.code);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_toll_distance_set(cli_t *cli)
{
  Till__V1__TollDistanceSetRequest in = TILL__V1__TOLL_DISTANCE_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *km = cli_opt(cli, "--km");
  if (!km)
    return commands_usage_error(cli);
  if (parse_fixed(km, 3, 10000000, &in.meters) != 0 || in.meters == 0)
    return cli_usage_error(_("--km '%s' is not a distance like 87 or 87.125 (at most 3 "
                             "decimals, above 0)"), km);
  in.entry = (char *)cli_arg(cli, 3);
  in.exit = (char *)cli_arg(cli, 4);
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_DISTANCE_SET_REQ;
  req.toll_distance_set_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_DISTANCE_SET_RESP, &rc);
  if (!resp)
    return rc;
  char line[160];
  snprintf(line, sizeof line, _("distance from %s to %s set to %s km"), in.entry, in.exit, km);
  return done(cli, resp, line);
}

/* "2026-10-01", "2026-10-01T08:00" or "2026-10-01T08:00:30", the client's
 * local time, into Unix ms: 0 or -1. */
static int
parse_when(const char *s, int64_t *ms)
{
  int y, mo, d, h = 0, mi = 0, sec = 0;
  char tail;
  struct tm tm;
  size_t n = strlen(s);
  if (n == 10) {
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3)
      return -1;
  } else if (n == 16) {
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
      return -1;
  } else if (n == 19) {
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6)
      return -1;
  } else {
    return -1;
  }
  if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return -1;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  if (t == (time_t)-1 || tm.tm_mday != d)
    return -1;
  *ms = (int64_t)t * 1000;
  return 0;
}

/* --rates p1=0.45,p2=0.9,... into <rates>: 0 or EXIT_USAGE. */
static int
rates_opt(const char *s, Till__V1__TollRate *rates, Till__V1__TollRate **ptrs, char codes[][8],
          size_t *n)
{
  char buf[512];
  if (strlen(s) >= sizeof buf)
    return cli_usage_error(_("--rates is too long"));
  snprintf(buf, sizeof buf, "%s", s);
  *n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (*n == TOLL_RATES_MAX)
      return cli_usage_error(_("--rates has more than 16 classes"));
    till__v1__toll_rate__init(&rates[*n]);
    if (!eq || eq - tok >= 8 || parse_fixed(eq + 1, 4, 100000000, &rates[*n].rate_e4) != 0)
      return cli_usage_error(_("--rates: '%s' is not CLASS=YUAN_PER_KM like p1=0.45 (at most 4 "
                               "decimals)"), tok);
    *eq = '\0';
    snprintf(codes[*n], 8, "%s", tok);
    rates[*n].vehicle_class = codes[*n];
    ptrs[*n] = &rates[*n];
    (*n)++;
  }
  return *n ? 0 : cli_usage_error(_("--rates needs CLASS=YUAN_PER_KM like p1=0.45"));
}

int
cmd_toll_tariff_set(cli_t *cli)
{
  Till__V1__TollTariffSetRequest in = TILL__V1__TOLL_TARIFF_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TollRate rates[TOLL_RATES_MAX], *rp[TOLL_RATES_MAX];
  char codes[TOLL_RATES_MAX][8];
  const char *from = cli_opt(cli, "--from"), *rs = cli_opt(cli, "--rates");
  const char *min = cli_opt(cli, "--min"), *axle = cli_opt(cli, "--axle");
  const char *fee = cli_opt(cli, "--card-fee"), *hours = cli_opt(cli, "--card-hours");
  if (!from || !rs || !min || !fee || !hours)
    return commands_usage_error(cli);
  int rc;
  if (parse_when(from, &in.effective_at) != 0)
    return cli_usage_error(_("--from '%s' is not a time like 2026-10-01, 2026-10-01T08:00 or "
                             "2026-10-01T08:00:30"),
                           from);
  if ((rc = rates_opt(rs, rates, rp, codes, &in.n_rates)) != 0)
    return rc;
  in.rates = rp;
  if (till_money_parse(min, &in.min_fee) != 0 || till_money_parse(fee, &in.card_fee) != 0)
    return cli_usage_error(_("--min and --card-fee are amounts like 5 or 50.00"));
  if (axle && parse_fixed(axle, 4, 100000000, &in.axle_rate_e4) != 0)
    return cli_usage_error(_("--axle '%s' is not a rate like 0.10 (at most 4 decimals)"), axle);
  int64_t h;
  if (till_parse_i64(hours, 1, 8760, &h) != 0)
    return cli_usage_error(_("--card-hours must be a whole number of hours, 1 to 8760"));
  in.card_hours = (int32_t)h;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_TARIFF_SET_REQ;
  req.toll_tariff_set_req = &in;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_TARIFF_SET_RESP, &rc);
  if (!resp)
    return rc;
  if (cli->json)
    printf("{\"version\":%lld}\n", (long long)resp->toll_tariff_set_resp->version);
  else
    printf(_("added toll tariff version %lld, in force from %s\n"),
           (long long)resp->toll_tariff_set_resp->version, from);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_toll_lane_set(cli_t *cli)
{
  Till__V1__TollLaneSetRequest in = TILL__V1__TOLL_LANE_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *station = cli_opt(cli, "--station"), *dir = cli_opt(cli, "--direction");
  if (!station || !dir)
    return commands_usage_error(cli);
  in.terminal_id = (char *)cli_arg(cli, 3);
  in.station = (char *)station;
  in.direction = (char *)dir;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_LANE_SET_REQ;
  req.toll_lane_set_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_LANE_SET_RESP, &rc);
  if (!resp)
    return rc;
  char line[160];
  snprintf(line, sizeof line,
           strcmp(dir, "entry") == 0 ? _("terminal %s is an entry lane of station %s")
                                     : _("terminal %s is an exit lane of station %s"),
           in.terminal_id, station);
  return done(cli, resp, line);
}

int
cmd_toll_holiday_set(cli_t *cli)
{
  Till__V1__TollHolidaySetRequest in = TILL__V1__TOLL_HOLIDAY_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *name = cli_opt(cli, "--name");
  in.date = (char *)cli_arg(cli, 3);
  in.name = (char *)(name ? name : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_HOLIDAY_SET_REQ;
  req.toll_holiday_set_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_HOLIDAY_SET_RESP, &rc);
  if (!resp)
    return rc;
  char line[160];
  snprintf(line, sizeof line, _("%s is a toll-free holiday for small passenger cars"), in.date);
  return done(cli, resp, line);
}

/* ---- lanes --------------------------------------------------------------- */

/* --axles N (default 2) into *axles: 0 or EXIT_USAGE. The range is the
 * server's to judge. */
static int
axles_opt(cli_t *cli, int32_t *axles)
{
  const char *s = cli_opt(cli, "--axles");
  int64_t v = 2;
  if (s && till_parse_i64(s, 0, 1000, &v) != 0)
    return cli_usage_error(_("--axles must be a whole number like 2 or 8"));
  *axles = (int32_t)v;
  return 0;
}

int
cmd_toll_quote(cli_t *cli)
{
  Till__V1__TollQuoteRequest in = TILL__V1__TOLL_QUOTE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *cls = cli_opt(cli, "--class");
  if (!cls)
    return commands_usage_error(cli);
  int rc;
  if ((rc = axles_opt(cli, &in.axles)) != 0)
    return rc;
  in.entry = (char *)cli_arg(cli, 2);
  in.exit = (char *)cli_arg(cli, 3);
  in.vehicle_class = (char *)cls;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_QUOTE_REQ;
  req.toll_quote_req = &in;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_QUOTE_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollQuoteResponse *q = resp->toll_quote_resp;
  char toll[TILL_MONEY_STR_MAX];
  till_money_format(q->toll, toll, sizeof toll);
  if (cli->json) {
    printf("{\"meters\":%lld,\"rate_e4\":%lld,\"tariff_version\":%lld,", (long long)q->meters,
           (long long)q->rate_e4, (long long)q->tariff_version);
    json_money(stdout, "toll", q->toll, 0);
    printf("}\n");
  } else {
    printf(_("%s to %s, class %s, %d axles: %lld.%03lld km, toll %s (tariff %lld)\n"), in.entry,
           in.exit, cls, (int)in.axles, (long long)(q->meters / 1000),
           (long long)(q->meters % 1000), toll, (long long)q->tariff_version);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_toll_entry(cli_t *cli)
{
  Till__V1__TollEntryRequest in = TILL__V1__TOLL_ENTRY_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *card = cli_opt(cli, "--card"), *cls = cli_opt(cli, "--class");
  const char *plate = cli_opt(cli, "--plate");
  if (!card || !cls || !plate)
    return commands_usage_error(cli);
  in.card = (char *)card;
  in.vehicle_class = (char *)cls;
  in.plate = (char *)plate;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_ENTRY_REQ;
  req.toll_entry_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_ENTRY_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollEntryResponse *e = resp->toll_entry_resp;
  if (cli->json) {
    printf("{\"card\":");
    json_str(stdout, e->card);
    printf(",\"entry_station\":");
    json_str(stdout, e->entry_station);
    printf(",\"class\":");
    json_str(stdout, e->vehicle_class);
    printf(",\"plate\":");
    json_str(stdout, e->plate);
    printf(",\"issued_at\":%lld}\n", (long long)e->issued_at);
  } else {
    char when[32];
    fmt_time(e->issued_at / 1000, when, sizeof when);
    printf(_("pass card %s issued at %s: class %s, plate %s, %s\n"), e->card, e->entry_station,
           e->vehicle_class, e->plate, when);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* The exit's options that are not the payment into <in>: 0 or EXIT_USAGE. */
static int
exit_opts(cli_t *cli, Till__V1__TollExitRequest *in)
{
  const char *card = cli_opt(cli, "--card"), *entry = cli_opt(cli, "--entry");
  const char *cls = cli_opt(cli, "--class"), *plate = cli_opt(cli, "--plate");
  const char *seats = cli_opt(cli, "--seats"), *exempt = cli_opt(cli, "--exempt");
  const char *v;
  if (!cls || !plate || (!card && !entry && !cli_flag(cli, "--lost")))
    return commands_usage_error(cli);
  in->card = (char *)(card ? card : "");
  in->entry = (char *)(entry ? entry : "");
  in->lost = cli_flag(cli, "--lost") != 0;
  in->vehicle_class = (char *)cls;
  in->plate = (char *)plate;
  int rc = axles_opt(cli, &in->axles);
  if (rc)
    return rc;
  int64_t n = 0;
  if (seats && till_parse_i64(seats, 0, 1000, &n) != 0)
    return cli_usage_error(_("--seats must be a whole number like 5"));
  in->seats = (int32_t)n;
  in->exempt = (char *)(exempt ? exempt : "");
  in->pass_ref = (char *)((v = cli_opt(cli, "--pass-ref")) ? v : "");
  in->inspector = (char *)((v = cli_opt(cli, "--inspector")) ? v : "");
  in->cargo = (char *)((v = cli_opt(cli, "--cargo")) ? v : "");
  in->inspection = (char *)((v = cli_opt(cli, "--inspection")) ? v : "");
  return 0;
}

static void
print_passage_json(const Till__V1__TollExitResponse *x)
{
  const Till__V1__TollPassage *p = x->passage;
  printf("{\"txn_id\":%lld,\"entry_station\":", (long long)p->txn_id);
  json_str(stdout, p->entry_station);
  printf(",\"exit_station\":");
  json_str(stdout, p->exit_station);
  printf(",\"card_state\":");
  json_str(stdout, p->card_state);
  printf(",\"card\":");
  json_str(stdout, p->card);
  printf(",\"class\":");
  json_str(stdout, p->vehicle_class);
  printf(",\"axles\":%d,\"plate\":", (int)p->axles);
  json_str(stdout, p->plate);
  printf(",\"meters\":%lld,\"tariff_version\":%lld,", (long long)p->meters,
         (long long)p->tariff_version);
  json_money(stdout, "toll", p->toll, 0);
  json_money(stdout, "card_fee", p->card_fee, 1);
  printf(",\"exempt\":");
  json_str(stdout, p->exempt);
  printf(",\"flags\":[");
  for (size_t i = 0; i < p->n_flags; i++) {
    if (i)
      printf(",");
    json_str(stdout, p->flags[i]);
  }
  printf("],\"number\":");
  json_str(stdout, x->receipt ? x->receipt->number : "");
  printf(",\"replayed\":%s}\n", x->replayed ? "true" : "false");
}

/* The words for an exemption, a flag or a payment method; a class or a
 * void's reason as it is. */
static const char *
toll_word(const char *key)
{
  static const char *const words[][2] = {
    {"green_channel", N_("green channel")},   {"holiday", N_("holiday free passage")},
    {"military", N_("military vehicle")},     {"police", N_("police vehicle")},
    {"emergency", N_("emergency vehicle")},   {"disaster_relief", N_("disaster relief")},
    {"plate_mismatch", N_("plate differs from the card")},
    {"class_mismatch", N_("class differs from the card")},
    {"green_failed", N_("green channel inspection failed")},
  };
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(words[i][0], key) == 0)
      return _(words[i][1]);
  int m = till_method_from_name(key);
  return m ? print_method(m) : key;
}

static void
print_passage(const Till__V1__TollExitResponse *x)
{
  const Till__V1__TollPassage *p = x->passage;
  char toll[TILL_MONEY_STR_MAX];
  till_money_format(p->toll, toll, sizeof toll);
  printf(_("%s -> %s, class %s, %d axles, %s, %lld.%03lld km\n"), p->entry_station,
         p->exit_station, p->vehicle_class, (int)p->axles, p->plate,
         (long long)(p->meters / 1000), (long long)(p->meters % 1000));
  if (strcmp(p->card_state, "lost") == 0) {
    char fee[TILL_MONEY_STR_MAX];
    till_money_format(p->card_fee, fee, sizeof fee);
    printf(_("lost card: charged from the farthest entry %s, card fee %s\n"), p->entry_station,
           fee);
  }
  for (size_t i = 0; i < p->n_flags; i++)
    printf(_("flagged: %s\n"), toll_word(p->flags[i]));
  if (p->exempt[0])
    printf(_("free passage (%s): toll %s waived\n"), toll_word(p->exempt), toll);
}

int
cmd_toll_exit(cli_t *cli)
{
  Till__V1__TollExitRequest in = TILL__V1__TOLL_EXIT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  uint8_t key[16];
  int rc;
  if ((rc = exit_opts(cli, &in)) != 0)
    return rc;
  const char *method = cli_opt(cli, "--method"), *tendered = cli_opt(cli, "--tendered");
  if (method) {
    int m = cli_method("--method", method);
    if (!m)
      return EXIT_USAGE;
    in.method = till_wire_method((till_method_t)m);
  }
  if (tendered && till_money_parse(tendered, &in.tendered) != 0)
    return cli_usage_error(_("--tendered '%s' is not an amount like 100 or 100.00"), tendered);
  if ((rc = cli_idempotency_field(cli, key, &in.idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_EXIT_REQ;
  req.toll_exit_req = &in;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_TOLL_EXIT_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollExitResponse *x = resp->toll_exit_resp;
  if (!x->passage)
    return cli_unexpected(resp, _("a passage"));
  if (cli->json) {
    print_passage_json(x);
  } else {
    if (x->replayed)
      fprintf(stderr, "%s", _("till: this vehicle was already settled; showing the original\n"));
    print_passage(x);
    if (x->receipt)
      print_receipt(stdout, x->receipt);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* ---- reports ------------------------------------------------------------- */

int
cmd_toll_cards(cli_t *cli)
{
  Till__V1__TollCardsRequest in = TILL__V1__TOLL_CARDS_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  in.overdue = cli_flag(cli, "--overdue") != 0;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_CARDS_REQ;
  req.toll_cards_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_CARDS_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollCardsResponse *c = resp->toll_cards_resp;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < c->n_cards; i++) {
      const Till__V1__TollCard *k = c->cards[i];
      printf("%s{\"card\":", i ? "," : "");
      json_str(stdout, k->card);
      printf(",\"entry_station\":");
      json_str(stdout, k->entry_station);
      printf(",\"class\":");
      json_str(stdout, k->vehicle_class);
      printf(",\"plate\":");
      json_str(stdout, k->plate);
      printf(",\"issued_at\":%lld,\"overdue\":%s}", (long long)k->issued_at,
             k->overdue ? "true" : "false");
    }
    printf("]\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  layout_table_t *t = layout_table_new(6, "llllll");
  int ok = t && layout_table_add(t, _("pass card"), _("entry"), _("class"), _("plate"), _("issued"),
                                 _("overdue")) == 0;
  for (size_t i = 0; ok && i < c->n_cards; i++) {
    const Till__V1__TollCard *k = c->cards[i];
    char when[32];
    fmt_time(k->issued_at / 1000, when, sizeof when);
    ok = layout_table_add(t, k->card, k->entry_station, k->vehicle_class, k->plate, when,
                          k->overdue ? _("yes") : "") == 0;
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

/* Rows "key  count  amount" of <list> under <title> into <t>. */
static int
add_counts(layout_table_t *t, const char *title, Till__V1__TollCount **list, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char count[24], amount[TILL_MONEY_STR_MAX];
    snprintf(count, sizeof count, "%lld", (long long)list[i]->count);
    till_money_format(list[i]->amount, amount, sizeof amount);
    if (layout_table_add(t, i == 0 ? title : "", toll_word(list[i]->key), count, amount) != 0)
      return -1;
  }
  return 0;
}

static void
counts_json(const char *key, Till__V1__TollCount **list, size_t n)
{
  printf(",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    printf("%s{\"key\":", i ? "," : "");
    json_str(stdout, list[i]->key);
    printf(",\"count\":%lld,", (long long)list[i]->count);
    json_money(stdout, "amount", list[i]->amount, 0);
    printf("}");
  }
  printf("]");
}

static int
print_handover(const Till__V1__TollHandoverResponse *h)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX], v[TILL_MONEY_STR_MAX];
  till_money_format(h->tolls, a, sizeof a);
  till_money_format(h->waived, b, sizeof b);
  till_money_format(h->cash_variance, v, sizeof v);
  printf(_("Hand-over of shift %lld: %s on %s, business date %s\n"), (long long)h->shift_id,
         h->cashier, h->terminal_id, h->business_date);
  if (h->receipts)
    printf(_("receipts %s-%08lld to %s-%08lld: %lld used\n"), h->series, (long long)h->first_no,
           h->series, (long long)h->last_no, (long long)h->receipts);
  else
    printf("%s", _("no receipts used\n"));
  printf(_("cards issued %lld, collected %lld, lost or damaged %lld\n"),
         (long long)h->cards_issued, (long long)h->cards_collected, (long long)h->cards_lost);
  printf(_("tolls charged %s, waived %s, over/short %s\n"), a, b, v);
  layout_table_t *t = layout_table_new(4, "llrr");
  int ok = t && add_counts(t, _("vehicles by class"), h->classes, h->n_classes) == 0 &&
           add_counts(t, _("by payment method"), h->methods, h->n_methods) == 0 &&
           add_counts(t, _("exemptions"), h->exemptions, h->n_exemptions) == 0 &&
           add_counts(t, _("special cases"), h->flags, h->n_flags) == 0 &&
           add_counts(t, _("voids by reason"), h->voids, h->n_voids) == 0 &&
           add_counts(t, _("refunds paid out"), h->refunds, h->n_refunds) == 0;
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

int
cmd_toll_handover(cli_t *cli)
{
  Till__V1__TollHandoverRequest in = TILL__V1__TOLL_HANDOVER_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *arg = cli_arg(cli, 2);
  if (till_parse_i64(arg, 1, INT64_MAX, &in.shift_id) != 0)
    return cli_usage_error(_("shift id '%s' is not a number"), arg);
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_HANDOVER_REQ;
  req.toll_handover_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_HANDOVER_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollHandoverResponse *h = resp->toll_handover_resp;
  if (cli->json) {
    printf("{\"shift_id\":%lld,\"business_date\":", (long long)h->shift_id);
    json_str(stdout, h->business_date);
    printf(",\"series\":");
    json_str(stdout, h->series);
    printf(",\"first_no\":%lld,\"last_no\":%lld,\"receipts\":%lld,\"cards_issued\":%lld,"
           "\"cards_collected\":%lld,\"cards_lost\":%lld,",
           (long long)h->first_no, (long long)h->last_no, (long long)h->receipts,
           (long long)h->cards_issued, (long long)h->cards_collected, (long long)h->cards_lost);
    json_money(stdout, "tolls", h->tolls, 0);
    json_money(stdout, "waived", h->waived, 1);
    json_money(stdout, "cash_variance", h->cash_variance, 1);
    counts_json("classes", h->classes, h->n_classes);
    counts_json("methods", h->methods, h->n_methods);
    counts_json("exemptions", h->exemptions, h->n_exemptions);
    counts_json("flags", h->flags, h->n_flags);
    counts_json("voids", h->voids, h->n_voids);
    counts_json("refunds", h->refunds, h->n_refunds);
    printf("}\n");
    rc = 0;
  } else {
    rc = print_handover(h);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_toll_report(cli_t *cli)
{
  Till__V1__TollReportRequest in = TILL__V1__TOLL_REPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *from = cli_opt(cli, "--from"), *to = cli_opt(cli, "--to");
  if (!from || !to)
    return commands_usage_error(cli);
  in.from = (char *)from;
  in.to = (char *)to;
  req.body_case = TILL__V1__ENVELOPE__BODY_TOLL_REPORT_REQ;
  req.toll_report_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TOLL_REPORT_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TollReportResponse *p = resp->toll_report_resp;
  if (cli->json) {
    printf("{");
    json_money(stdout, "tolls", p->tolls, 0);
    json_money(stdout, "waived", p->waived, 1);
    counts_json("classes", p->classes, p->n_classes);
    counts_json("exemptions", p->exemptions, p->n_exemptions);
    counts_json("flags", p->flags, p->n_flags);
    printf("}\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
  till_money_format(p->tolls, a, sizeof a);
  till_money_format(p->waived, b, sizeof b);
  printf(_("Tolls of business dates %s to %s: charged %s, waived %s\n"), from, to, a, b);
  layout_table_t *t = layout_table_new(4, "llrr");
  int ok = t && add_counts(t, _("vehicles by class"), p->classes, p->n_classes) == 0 &&
           add_counts(t, _("exemptions"), p->exemptions, p->n_exemptions) == 0 &&
           add_counts(t, _("special cases"), p->flags, p->n_flags) == 0;
  till__v1__envelope__free_unpacked(resp, NULL);
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}
