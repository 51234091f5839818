/* cmd_day.c -- till day close --date YYYY-MM-DD: a supervisor closes a
 * business date (营业日), the server signs the chain head that ends it and
 * says where new shifts go now; till day status: the current business
 * date, the last closed one and the shifts still open. Also the JSON form
 * of a signed head, which till report daily shows for a closed date
 * (cmd_day.h). */
#include "cmd_day.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_shift.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_chain.h"
#include "till_util.h"

static void
hex_field(const char *key, ProtobufCBinaryData b)
{
  char hex[2 * 64 + 1] = "";
  if (b.len <= 64)
    till_hex_encode(b.data, b.len, hex);
  printf(",\"%s\":\"%s\"", key, hex);
}

void
cmd_day_signature_json(const Till__V1__ChainSignature *s)
{
  if (!s) {
    printf("null");
    return;
  }
  printf("{\"txn_id\":%lld", (long long)s->txn_id);
  hex_field("head_hash", s->head_hash);
  printf(",\"at_ms\":%lld,\"reason\":", (long long)s->at_ms);
  json_str(stdout, s->reason);
  hex_field("signature", s->signature);
  printf("}");
}

int
cmd_day_close(cli_t *cli)
{
  Till__V1__DayCloseRequest dc = TILL__V1__DAY_CLOSE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *date = cli_opt(cli, "--date");
  if (!date)
    return commands_usage_error(cli);
  dc.date = (char *)date;
  req.body_case = TILL__V1__ENVELOPE__BODY_DAY_CLOSE_REQ;
  req.day_close_req = &dc;
  int rc;
  /* no idempotency key: closing a closed day answers the first close */
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAY_CLOSE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->day_close_resp->signature)
    return cli_unexpected(resp, _("a signature"));
  const Till__V1__DayCloseResponse *c = resp->day_close_resp;
  rc = 0;
  if (cli->json) {
    printf("{\"date\":");
    json_str(stdout, c->date);
    printf(",\"closed_by\":");
    json_str(stdout, c->closed_by);
    printf(",\"closed_at\":%lld,\"signature\":", (long long)c->closed_at);
    cmd_day_signature_json(c->signature);
    printf(",\"replayed\":%s,\"next_business_date\":", c->replayed ? "true" : "false");
    json_str(stdout, c->next_business_date);
    printf("}\n");
  } else {
    char when[32], zone[16], hex[2 * 32 + 1] = "";
    fmt_time(c->closed_at, when, sizeof when);
    cli_zone_label(zone, sizeof zone);
    if (c->signature->head_hash.len == 32)
      till_hex_encode(c->signature->head_hash.data, 32, hex);
    if (c->replayed)
      printf(_("day %s was already closed by %s at %s (%s)\n"), c->date, c->closed_by, when,
             zone);
    else
      printf(_("day %s closed by %s at %s (%s)\n"), c->date, c->closed_by, when, zone);
    char code[10] = "";
    if (c->signature->head_hash.len == 32)
      till_chain_verify_code(c->signature->head_hash.data, code);
    printf(_("signed chain head %lld (%s), code %s, hash %s\n"), (long long)c->signature->txn_id,
           c->signature->reason, code, hex);
    printf(_("new shifts and deposits now go to business date %s\n"), c->next_business_date);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* day status on a terminal: the labels in one column (display cells), the
 * open shifts as a table. 0, or 1 after saying that memory ran out. */
static int
print_status_text(cli_t *cli, const Till__V1__DayStatusResponse *d)
{
  char when[32], zone[16], server_zone[16], cur[256], cal[256], last[512];
  cli_zone_label(zone, sizeof zone);
  const char *z = d->server_utc_offset;
  if (strlen(z) == 5) /* "+0800" */
    snprintf(server_zone, sizeof server_zone, "UTC%.3s:%.2s", z, z + 3);
  else
    snprintf(server_zone, sizeof server_zone, "UTC?");
  snprintf(cur, sizeof cur, _("%s   (new shifts and deposits go here)"),
           d->current_business_date);
  snprintf(cal, sizeof cal, _("%s   (server time zone %s)"), d->calendar_date, server_zone);
  if (d->last_closed_date[0]) {
    fmt_time(d->last_closed_at, when, sizeof when);
    snprintf(last, sizeof last, _("%s   by %s at %s (%s)"), d->last_closed_date,
             d->last_closed_by, when, zone);
  } else {
    snprintf(last, sizeof last, "%s", _("none yet"));
  }
  layout_table_t *t = layout_table_new(2, "ll");
  int rc = t && layout_table_add(t, _("current business date"), cur) == 0 &&
               layout_table_add(t, _("server calendar date"), cal) == 0 &&
               layout_table_add(t, _("last closed"), last) == 0 &&
               (d->n_open_shifts || layout_table_add(t, _("open shifts"), _("none")) == 0)
             ? 0
             : -1;
  if (print_table(t, rc == 0, "") != 0)
    return print_out_of_memory();
  if (!d->n_open_shifts)
    return 0;
  printf("%s\n", _("open shifts, each on the business date it opened on:"));
  return print_shift_summaries(cli, d->open_shifts, d->n_open_shifts);
}

int
cmd_day_status(cli_t *cli)
{
  Till__V1__DayStatusRequest ds = TILL__V1__DAY_STATUS_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.body_case = TILL__V1__ENVELOPE__BODY_DAY_STATUS_REQ;
  req.day_status_req = &ds;
  int rc;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAY_STATUS_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__DayStatusResponse *d = resp->day_status_resp;
  rc = 0;
  if (cli->json) {
    printf("{\"current_business_date\":");
    json_str(stdout, d->current_business_date);
    printf(",\"calendar_date\":");
    json_str(stdout, d->calendar_date);
    printf(",\"server_utc_offset\":");
    json_str(stdout, d->server_utc_offset);
    printf(",\"last_closed_date\":");
    json_str(stdout, d->last_closed_date);
    printf(",\"last_closed_by\":");
    json_str(stdout, d->last_closed_by);
    printf(",\"last_closed_at\":%lld,\"open_shifts\":[", (long long)d->last_closed_at);
    for (size_t i = 0; i < d->n_open_shifts; i++)
      print_shift_summary_json(d->open_shifts[i], i == 0);
    printf("]}\n");
  } else {
    rc = print_status_text(cli, d);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
