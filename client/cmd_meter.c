/* cmd_meter.c -- till meter read|list: a payer's meter readings of a
 * metered scheme (water, electricity, metered heat), which the charge run
 * of that scheme prices (docs/billing.md, "Meter readings"). A reading is
 * never edited: a wrong one is replaced with --correct and a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_util.h"

/* A reading (units x 100) as "1234.50". */
static void
units(int64_t centi, char *buf, size_t len)
{
  till_money_format(centi, buf, len);
}

static const char *
kind_text(const Till__V1__MeterReading *m)
{
  if (m->replaced)
    return _("replaced");
  return strcmp(m->kind, "correction") == 0 ? _("correction") : _("reading");
}

static void
json_reading(const Till__V1__MeterReading *m)
{
  char v[TILL_MONEY_STR_MAX];
  units(m->reading_centi, v, sizeof v);
  printf("{\"id\":%lld,\"payer_id\":%lld,\"scheme\":", (long long)m->id, (long long)m->payer_id);
  json_str(stdout, m->scheme);
  printf(",\"date\":\"%s\",\"reading\":\"%s\",\"reading_centi\":%lld,\"kind\":\"%s\","
         "\"replaces\":%lld,\"replaced\":%s,\"reason\":", m->read_on, v,
         (long long)m->reading_centi, m->kind, (long long)m->replaces_id,
         m->replaced ? "true" : "false");
  json_str(stdout, m->reason);
  printf(",\"created_by\":");
  json_str(stdout, m->created_by);
  printf(",\"created_at\":%lld}", (long long)m->created_at);
}

static int
show_readings(Till__V1__MeterReading *const *m, size_t n)
{
  layout_table_t *t = layout_table_new(8, "rllrlrll");
  int ok = t && layout_table_add(t, _("ID"), _("SCHEME"), _("READ ON"), _("READING"), _("KIND"),
                                 _("REPLACES"), _("BY"), _("REASON")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    char id[24], v[TILL_MONEY_STR_MAX], rep[24];
    snprintf(id, sizeof id, "%lld", (long long)m[i]->id);
    units(m[i]->reading_centi, v, sizeof v);
    snprintf(rep, sizeof rep, "%lld", (long long)m[i]->replaces_id);
    ok = layout_table_add(t, id, m[i]->scheme, m[i]->read_on, v, kind_text(m[i]),
                          m[i]->replaces_id ? rep : "-", m[i]->created_by,
                          m[i]->reason[0] ? m[i]->reason : "-") == 0;
  }
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

static int
payer_arg(cli_t *cli, int64_t *id)
{
  const char *payer = cli_arg(cli, 2);
  if (!payer)
    return commands_usage_error(cli);
  if (till_parse_i64(payer, 1, INT64_MAX, id) != 0)
    return cli_usage_error(_("PAYER must be a payer's number, '%s' given"), payer);
  return 0;
}

int
cmd_meter_read(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__MeterReadRequest in = TILL__V1__METER_READ_REQUEST__INIT;
  const char *scheme = cli_opt(cli, "--scheme"), *reading = cli_opt(cli, "--reading");
  const char *date = cli_opt(cli, "--date"), *reason = cli_opt(cli, "--reason");
  int rc;
  if ((rc = payer_arg(cli, &in.payer_id)) != 0)
    return rc;
  if (!scheme || !reading)
    return commands_usage_error(cli);
  if (till_money_parse(reading, &in.reading_centi) != 0 || in.reading_centi < 0)
    return cli_usage_error(_("--reading '%s' is not a meter reading like 1234 or 1234.5 (at "
                             "most 2 decimals)"), reading);
  in.scheme = (char *)scheme;
  in.read_on = (char *)(date ? date : "");
  in.correct = cli_flag(cli, "--correct");
  in.reason = (char *)(reason ? reason : "");
  if (in.correct && !reason)
    return cli_usage_error(_("--correct needs --reason: say why the reading is replaced"));
  if (!in.correct && reason)
    return cli_usage_error(_("--reason goes with --correct"));
  req.body_case = TILL__V1__ENVELOPE__BODY_METER_READ_REQ;
  req.meter_read_req = &in;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_METER_READ_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__MeterReadResponse *out = resp->meter_read_resp;
  const Till__V1__MeterReading *m = out->reading;
  if (!m)
    return cli_unexpected(resp, _("a meter reading"));
  char v[TILL_MONEY_STR_MAX], prev[TILL_MONEY_STR_MAX], used[TILL_MONEY_STR_MAX];
  units(m->reading_centi, v, sizeof v);
  if (cli->json) {
    json_reading(m);
    printf("\n");
  } else {
    if (m->replaces_id)
      printf(_("payer %lld, %s: reading %lld replaced by %s of %s\n"), (long long)m->payer_id,
             m->scheme, (long long)m->replaces_id, v, m->read_on);
    else
      printf(_("payer %lld, %s: reading %s of %s recorded\n"), (long long)m->payer_id, m->scheme,
             v, m->read_on);
    if (out->previous_centi >= 0) {
      units(out->previous_centi, prev, sizeof prev);
      units(m->reading_centi - out->previous_centi, used, sizeof used);
      printf(_("  the reading before: %s of %s; used since: %s\n"), prev, out->previous_on, used);
    } else {
      printf("%s\n", _("  the first reading of this meter"));
    }
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_meter_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__MeterListRequest in = TILL__V1__METER_LIST_REQUEST__INIT;
  const char *scheme = cli_opt(cli, "--scheme");
  int rc;
  if ((rc = payer_arg(cli, &in.payer_id)) != 0)
    return rc;
  in.scheme = (char *)(scheme ? scheme : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_METER_LIST_REQ;
  req.meter_list_req = &in;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_METER_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__MeterListResponse *l = resp->meter_list_resp;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < l->n_readings; i++) {
      printf(i ? "," : "");
      json_reading(l->readings[i]);
    }
    printf("]\n");
    rc = 0;
  } else if (l->n_readings == 0) {
    printf(_("payer %lld has no meter readings\n"), (long long)in.payer_id);
    rc = 0;
  } else {
    rc = show_readings(l->readings, l->n_readings);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
