/* cmd_waiver.c -- till waiver request|approve|reject|list (减免, 核销, 免收),
 * till latefee set|post (违约金) and till reminder record (催缴). The server
 * decides and posts; this file sends the request and shows the answer (a
 * table in display cells, or --json). docs/cli.md, docs/billing.md. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_util.h"

static const char *
waiver_state_name(int s)
{
  static const char *const names[] = {"?", "pending", "approved", "rejected"};
  return s >= 1 && s <= 3 ? names[s] : "?";
}

static const char *
waiver_state_text(int s)
{
  switch (s) {
  case 1:
    return _("pending");
  case 2:
    return _("approved");
  case 3:
    return _("rejected");
  default:
    return "?";
  }
}

static void
waiver_json(const Till__V1__WaiverInfo *w, int first, int replayed)
{
  printf("%s{\"id\":%lld,\"payer_id\":%lld,\"charge_id\":%lld,\"scheme\":", first ? "" : ",",
         (long long)w->id, (long long)w->payer_id, (long long)w->charge_id);
  json_str(stdout, w->scheme);
  printf(",\"period\":");
  json_str(stdout, w->period);
  printf(",\"year\":%d", (int)w->year);
  json_money(stdout, "amount", w->amount, 1);
  printf(",\"state\":\"%s\",\"reason\":", waiver_state_name((int)w->state));
  json_str(stdout, w->reason);
  printf(",\"doc_ref\":");
  json_str(stdout, w->doc_ref);
  printf(",\"requested_by\":");
  json_str(stdout, w->requested_by);
  printf(",\"requested_at\":%lld,\"decided_by\":", (long long)w->requested_at);
  json_str(stdout, w->decided_by);
  printf(",\"decided_at\":%lld,\"note\":", (long long)w->decided_at);
  json_str(stdout, w->note);
  printf(",\"txn_id\":%lld", (long long)w->txn_id);
  json_money(stdout, "charge_open", w->charge_open, 1);
  if (replayed >= 0)
    printf(",\"replayed\":%s", replayed ? "true" : "false");
  printf("}");
}

static layout_table_t *
waiver_table_new(void)
{
  layout_table_t *t = layout_table_new(10, "rrlllrrlll");
  if (t && layout_table_add(t, _("ID"), _("PAYER"), _("SCHEME"), _("PERIOD"), _("DOCUMENT"),
                            _("AMOUNT"), _("OPEN"), _("STATE"), _("REQUESTED"), _("DECIDED")) != 0) {
    layout_table_free(t);
    return NULL;
  }
  return t;
}

static int
waiver_table_add(layout_table_t *t, const Till__V1__WaiverInfo *w)
{
  char id[24], payer[24], amount[TILL_MONEY_STR_MAX], open[TILL_MONEY_STR_MAX];
  snprintf(id, sizeof id, "%lld", (long long)w->id);
  snprintf(payer, sizeof payer, "%lld", (long long)w->payer_id);
  till_money_format(w->amount, amount, sizeof amount);
  till_money_format(w->charge_open, open, sizeof open);
  return layout_table_add(t, id, payer, w->scheme, w->period, w->doc_ref, amount, open,
                          waiver_state_text((int)w->state), w->requested_by,
                          w->decided_by[0] ? w->decided_by : "-");
}

/* One waiver: its row (and reason), or its JSON object. Frees <resp>. */
static int
show_waiver(cli_t *cli, Till__V1__Envelope *resp, const Till__V1__WaiverInfo *w, int replayed)
{
  if (!w)
    return cli_unexpected(resp, _("a waiver"));
  int rc = 0;
  if (cli->json) {
    waiver_json(w, 1, replayed);
    printf("\n");
  } else {
    layout_table_t *t = waiver_table_new();
    if (print_table(t, t && waiver_table_add(t, w) == 0, "") != 0)
      rc = print_out_of_memory();
    else
      printf(_("reason: %s\n"), w->reason);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* PAYER: the payer's number. 0, or EXIT_USAGE after saying so. */
static int
payer_arg(cli_t *cli, int n, int64_t *id)
{
  const char *s = cli_arg(cli, n);
  if (!s || till_parse_i64(s, 1, INT64_MAX, id) != 0)
    return cli_usage_error(_("PAYER must be the payer's number (as till payer show prints it)"));
  return 0;
}

/* till waiver request PAYER --charge ID | --scheme S --period P --amount YUAN
 * --reason TEXT --doc REF */
int
cmd_waiver_request(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__WaiverRequestRequest wr = TILL__V1__WAIVER_REQUEST_REQUEST__INIT;
  int rc;
  const char *charge = cli_opt(cli, "--charge"), *scheme = cli_opt(cli, "--scheme");
  const char *period = cli_opt(cli, "--period"), *amount = cli_opt(cli, "--amount");
  const char *reason = cli_opt(cli, "--reason"), *doc = cli_opt(cli, "--doc");
  if ((rc = payer_arg(cli, 2, &wr.payer_id)) != 0)
    return rc;
  if (charge ? scheme || period || till_parse_i64(charge, 1, INT64_MAX, &wr.charge_id) != 0
             : !scheme || !period)
    return cli_usage_error(_("a waiver names --charge ID, or --scheme S and --period P"));
  if (!amount || till_money_parse(amount, &wr.amount) != 0 || wr.amount <= 0)
    return cli_usage_error(_("a waiver needs --amount YUAN, more than 0"));
  if (!reason || !doc)
    return cli_usage_error(_("a waiver needs --reason TEXT and --doc REF (the document it rests on)"));
  wr.scheme = (char *)(scheme ? scheme : "");
  wr.period = (char *)(period ? period : "");
  wr.reason = (char *)reason;
  wr.doc_ref = (char *)doc;
  req.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_REQUEST_REQ;
  req.waiver_request_req = &wr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_WAIVER_REQUEST_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", _("waiver requested; another supervisor must approve it"));
  return show_waiver(cli, resp, resp->waiver_request_resp->waiver, -1);
}

static int
waiver_decide(cli_t *cli, int approve)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__WaiverDecideRequest wd = TILL__V1__WAIVER_DECIDE_REQUEST__INIT;
  uint8_t key[16];
  int rc;
  const char *id = cli_arg(cli, 2), *note = cli_opt(cli, "--note");
  if (!id || till_parse_i64(id, 1, INT64_MAX, &wd.waiver_id) != 0)
    return commands_group_usage_error(cli);
  if ((rc = cli_idempotency_field(cli, key, &wd.idempotency_key)) != 0)
    return rc;
  wd.approve = approve;
  wd.note = (char *)(note ? note : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_REQ;
  req.waiver_decide_req = &wd;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__WaiverInfo *w = resp->waiver_decide_resp->waiver;
  int replayed = resp->waiver_decide_resp->replayed;
  if (!cli->json && w) {
    if (replayed)
      printf(_("waiver %s (already decided: the recorded decision)\n"),
             waiver_state_text((int)w->state));
    else
      printf(_("waiver %s\n"), waiver_state_text((int)w->state));
  }
  return show_waiver(cli, resp, w, replayed);
}

int
cmd_waiver_approve(cli_t *cli)
{
  return waiver_decide(cli, 1);
}

int
cmd_waiver_reject(cli_t *cli)
{
  return waiver_decide(cli, 0);
}

int
cmd_waiver_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__WaiverListRequest wl = TILL__V1__WAIVER_LIST_REQUEST__INIT;
  int rc;
  const char *payer = cli_opt(cli, "--payer");
  wl.pending_only = cli_flag(cli, "--pending");
  if (payer && till_parse_i64(payer, 1, INT64_MAX, &wl.payer_id) != 0)
    return cli_usage_error(_("PAYER must be the payer's number (as till payer show prints it)"));
  req.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_LIST_REQ;
  req.waiver_list_req = &wl;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_WAIVER_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__WaiverListResponse *l = resp->waiver_list_resp;
  if (cli->json) {
    printf("{\"waivers\":[");
    for (size_t i = 0; i < l->n_waivers; i++)
      waiver_json(l->waivers[i], i == 0, -1);
    printf("],\"more\":%s}\n", l->more ? "true" : "false");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  layout_table_t *t = waiver_table_new();
  rc = t ? 0 : 1;
  for (size_t i = 0; t && i < l->n_waivers && rc == 0; i++)
    rc = waiver_table_add(t, l->waivers[i]);
  if (print_table(t, rc == 0, "") != 0)
    rc = print_out_of_memory();
  else if (l->more)
    printf("%s\n", _("(more waivers than shown: the first 1000)"));
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* "0.0003" with at most <decimals> decimals, times 10^decimals, into *out. */
static int
parse_scaled(const char *s, int decimals, int64_t max, int64_t *out)
{
  int64_t v = 0;
  int seen_dot = 0, after = 0, digits = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '.' && !seen_dot) {
      seen_dot = 1;
      continue;
    }
    if (*p < '0' || *p > '9' || (seen_dot && ++after > decimals) || ++digits > 15)
      return -1;
    v = v * 10 + (*p - '0');
  }
  if (!digits)
    return -1;
  for (; after < decimals; after++)
    v *= 10;
  if (v > max)
    return -1;
  *out = v;
  return 0;
}

/* till latefee set --scheme S --daily-rate R --grace-days N --cap PERCENT | --off */
int
cmd_latefee_set(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__LateFeeSetRequest ls = TILL__V1__LATE_FEE_SET_REQUEST__INIT;
  int rc;
  const char *scheme = cli_opt(cli, "--scheme"), *rate = cli_opt(cli, "--daily-rate");
  const char *grace = cli_opt(cli, "--grace-days"), *cap = cli_opt(cli, "--cap");
  int off = cli_flag(cli, "--off");
  int64_t g = 0, c = 0;
  if (!scheme)
    return cli_usage_error(_("latefee set needs --scheme S"));
  if (off ? rate || grace || cap : !rate || !grace || !cap)
    return cli_usage_error(_("latefee set takes --daily-rate, --grace-days and --cap, or --off"));
  if (!off && (parse_scaled(rate, 6, 100000, &ls.daily_e6) != 0 || ls.daily_e6 < 1))
    return cli_usage_error(_("--daily-rate must be a daily rate such as 0.0003, at most 0.1"));
  if (!off && till_parse_i64(grace, 0, 3650, &g) != 0)
    return cli_usage_error(_("--grace-days must be a number of days, 0 to 3650"));
  if (!off && (parse_scaled(cap, 2, 10000, &c) != 0 || c < 1))
    return cli_usage_error(_("--cap must be a percentage of a charge, 0.01 to 100"));
  ls.scheme = (char *)scheme;
  ls.grace_days = (int32_t)g;
  ls.cap_bp = (int32_t)c;
  req.body_case = TILL__V1__ENVELOPE__BODY_LATE_FEE_SET_REQ;
  req.late_fee_set_req = &ls;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_LATE_FEE_SET_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__LateFeeSetResponse *s = resp->late_fee_set_resp;
  if (cli->json) {
    printf("{\"scheme\":");
    json_str(stdout, s->scheme);
    printf(",\"daily_e6\":%lld,\"grace_days\":%d,\"cap_bp\":%d,\"removed\":%s}\n",
           (long long)s->daily_e6, (int)s->grace_days, (int)s->cap_bp, s->removed ? "true" : "false");
  } else if (s->removed) {
    printf(_("late fee of %s: none\n"), s->scheme);
  } else {
    printf(_("late fee of %s: %lld.%06lld a day after %d days' grace, at most %lld.%02lld %% of a "
             "charge\n"),
           s->scheme, (long long)(s->daily_e6 / 1000000), (long long)(s->daily_e6 % 1000000),
           (int)s->grace_days, (long long)(s->cap_bp / 100), (long long)(s->cap_bp % 100));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* till latefee post PAYER --scheme S: a supervisor posts today's late fee */
int
cmd_latefee_post(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__LateFeePostRequest lp = TILL__V1__LATE_FEE_POST_REQUEST__INIT;
  uint8_t key[16];
  int rc;
  const char *scheme = cli_opt(cli, "--scheme");
  if ((rc = payer_arg(cli, 2, &lp.payer_id)) != 0)
    return rc;
  if (!scheme)
    return cli_usage_error(_("latefee post needs --scheme S"));
  if ((rc = cli_idempotency_field(cli, key, &lp.idempotency_key)) != 0)
    return rc;
  lp.scheme = (char *)scheme;
  req.body_case = TILL__V1__ENVELOPE__BODY_LATE_FEE_POST_REQ;
  req.late_fee_post_req = &lp;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_LATE_FEE_POST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__LateFeePostResponse *p = resp->late_fee_post_resp;
  char amount[TILL_MONEY_STR_MAX];
  till_money_format(p->amount, amount, sizeof amount);
  if (cli->json) {
    printf("{\"charge_id\":%lld,\"amount\":\"%s\",\"txn_id\":%lld,\"replayed\":%s}\n",
           (long long)p->charge_id, amount, (long long)p->txn_id, p->replayed ? "true" : "false");
  } else {
    printf(_("late fee %s posted as charge %lld (transaction %lld)%s\n"), amount,
           (long long)p->charge_id, (long long)p->txn_id, p->replayed ? _(" (already posted)") : "");
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* till reminder record PAYER --channel letter|phone|sms|visit|notice [--note TEXT] */
int
cmd_reminder_record(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ReminderRecordRequest rr = TILL__V1__REMINDER_RECORD_REQUEST__INIT;
  int rc;
  const char *channel = cli_opt(cli, "--channel"), *note = cli_opt(cli, "--note");
  if ((rc = payer_arg(cli, 2, &rr.payer_id)) != 0)
    return rc;
  if (!channel)
    return cli_usage_error(_("a reminder needs --channel letter|phone|sms|visit|notice"));
  rr.channel = (char *)channel;
  rr.note = (char *)(note ? note : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_REMINDER_RECORD_REQ;
  req.reminder_record_req = &rr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REMINDER_RECORD_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ReminderRecordResponse *m = resp->reminder_record_resp;
  char owing[TILL_MONEY_STR_MAX];
  till_money_format(m->owing, owing, sizeof owing);
  if (cli->json)
    printf("{\"id\":%lld,\"payer_id\":%lld,\"channel\":\"%s\",\"owing\":\"%s\",\"reminders\":%d}\n",
           (long long)m->id, (long long)m->payer_id, m->channel, owing, (int)m->reminders);
  else
    printf(_("reminder %lld recorded for payer %lld (owing %s); reminders so far: %d\n"),
           (long long)m->id, (long long)m->payer_id, owing, (int)m->reminders);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
