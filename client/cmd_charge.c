/* cmd_charge.c -- till charge run|adjust, till optout request|list and
 * till vacancy request|approve|reject (docs/billing.md).
 *
 * A charge run is driven from here in chunks: each request charges the
 * next payers by id (500 unless --chunk says); the server works it in
 * short slices, so the windows go on posting while it runs. Progress goes
 * to stderr. Killed or interrupted (Ctrl-C), the run leaves what it
 * charged; run it again and it charges only the payers not charged yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_rate.h"
#include "till_util.h"

#define RUN_CHUNKS_MAX 10000000 /* chunks of one run: far more than any office's payers */

/* Sums of a run's chunks. */
typedef struct {
  int64_t total, examined, posted, already, unsold, zero, relieved, amount, prepaid;
  int64_t no_readings; /* metered: without two readings in the period */
  int64_t rate_e4;
  char tariff_from[11], period_start[11];
} run_sum_t;

static void
run_add(run_sum_t *s, const Till__V1__ChargeRunResponse *c)
{
  s->examined += c->examined;
  s->posted += c->posted;
  s->already += c->already;
  s->unsold += c->unsold;
  s->zero += c->zero;
  s->relieved += c->relieved;
  s->no_readings += c->no_readings;
  s->amount += c->amount;
  s->prepaid += c->prepaid_applied;
  s->rate_e4 = c->rate_e4;
  snprintf(s->tariff_from, sizeof s->tariff_from, "%s", c->tariff_from);
  snprintf(s->period_start, sizeof s->period_start, "%s", c->period_start);
}

static void
run_show(cli_t *cli, const run_sum_t *s, const char *scheme, const char *period)
{
  char amount[TILL_MONEY_STR_MAX], prepaid[TILL_MONEY_STR_MAX], rate[TILL_RATE_STR_MAX];
  till_money_format(s->amount, amount, sizeof amount);
  till_money_format(s->prepaid, prepaid, sizeof prepaid);
  till_rate_format(s->rate_e4, rate, sizeof rate);
  if (cli->json) {
    printf("{\"scheme\":");
    json_str(stdout, scheme);
    printf(",\"period\":");
    json_str(stdout, period);
    printf(",\"period_start\":\"%s\",\"tariff_from\":\"%s\",\"rate\":\"%s\",\"payers\":%lld,"
           "\"charged\":%lld,\"already\":%lld,\"unsold\":%lld,\"zero\":%lld,\"relieved\":%lld,"
           "\"no_readings\":%lld,\"amount\":\"%s\",\"prepaid_applied\":\"%s\"}\n",
           s->period_start, s->tariff_from, rate, (long long)s->examined, (long long)s->posted,
           (long long)s->already, (long long)s->unsold, (long long)s->zero,
           (long long)s->relieved, (long long)s->no_readings, amount, prepaid);
    return;
  }
  printf(_("charge run %s %s: tariff %s from %s (in effect on %s)\n"), scheme, period, rate,
         s->tariff_from, s->period_start);
  if (s->posted == 0)
    printf(_("nothing posted: every payer was charged for %s %s already, or is not charged\n"),
           scheme, period);
  layout_table_t *t = layout_table_new(2, "lr");
  char n[7][24];
  const int64_t v[7] = {s->examined, s->posted,   s->already,    s->unsold,
                        s->zero,     s->relieved, s->no_readings};
  for (int i = 0; i < 7; i++)
    snprintf(n[i], sizeof n[i], "%lld", (long long)v[i]);
  int ok = t && layout_table_add(t, _("payers"), n[0]) == 0 &&
           layout_table_add(t, _("charged"), n[1]) == 0 &&
           layout_table_add(t, _("charged before"), n[2]) == 0 &&
           layout_table_add(t, _("unsold, not charged"), n[3]) == 0 &&
           layout_table_add(t, _("came to 0.00"), n[4]) == 0 &&
           layout_table_add(t, _("at an opt-out or vacancy share"), n[5]) == 0 &&
           (s->no_readings == 0 ||
            layout_table_add(t, _("without two meter readings in the period, skipped"), n[6]) ==
              0) &&
           layout_table_add(t, _("amount charged"), amount) == 0 &&
           layout_table_add(t, _("prepaid applied"), prepaid) == 0;
  print_table(t, ok, "  ");
}

int
cmd_charge_run(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ChargeRunRequest run = TILL__V1__CHARGE_RUN_REQUEST__INIT;
  const char *scheme = cli_opt(cli, "--scheme"), *period = cli_opt(cli, "--period");
  const char *chunk = cli_opt(cli, "--chunk");
  int64_t limit = 500;
  int rc, tty = isatty(STDERR_FILENO);
  if (!scheme || !period)
    return commands_usage_error(cli);
  if (chunk && till_parse_i64(chunk, 1, 1000, &limit) != 0)
    return cli_usage_error(_("--chunk must be 1 to 1000 payers, '%s' given"), chunk);
  run.scheme = (char *)scheme;
  run.period = (char *)period;
  run.limit = (int32_t)limit;
  req.body_case = TILL__V1__ENVELOPE__BODY_CHARGE_RUN_REQ;
  req.charge_run_req = &run;
  run_sum_t sum;
  memset(&sum, 0, sizeof sum);
  int64_t next_report = 10000;
  for (int i = 0; i < RUN_CHUNKS_MAX; i++) {
    /* a chunk is safe to send again: it charges only the payers not charged */
    Till__V1__Envelope *resp =
      cli_call_retry_expect(cli, &req, 5, TILL__V1__ENVELOPE__BODY_CHARGE_RUN_RESP, &rc);
    if (!resp) {
      if (sum.examined)
        fprintf(stderr, _("till: the run stopped after %lld payers; run it again to go on\n"),
                (long long)sum.examined);
      return rc;
    }
    const Till__V1__ChargeRunResponse *c = resp->charge_run_resp;
    if (i == 0)
      sum.total = c->total_payers;
    run_add(&sum, c);
    run.after_payer_id = c->next_after;
    int done = c->done;
    till__v1__envelope__free_unpacked(resp, NULL);
    if (tty || sum.examined >= next_report || done) {
      fprintf(stderr, _("%s%lld of %lld payers, %lld charged"), tty ? "\r" : "",
              (long long)sum.examined, (long long)sum.total, (long long)sum.posted);
      fprintf(stderr, tty && !done ? "" : "\n");
      while (sum.examined >= next_report)
        next_report += 10000;
    }
    if (done) {
      run_show(cli, &sum, scheme, period);
      return 0;
    }
  }
  return cli_usage_error(_("the run did not end within its bound of chunks"));
}

int
cmd_charge_adjust(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ChargeAdjustRequest adj = TILL__V1__CHARGE_ADJUST_REQUEST__INIT;
  const char *payer = cli_opt(cli, "--payer"), *scheme = cli_opt(cli, "--scheme");
  const char *period = cli_opt(cli, "--period"), *reason = cli_opt(cli, "--reason");
  int rc;
  if (!payer || !scheme || !period || !reason)
    return commands_usage_error(cli);
  if (till_parse_i64(payer, 1, INT64_MAX, &adj.payer_id) != 0)
    return cli_usage_error(_("--payer must be a payer's number, '%s' given"), payer);
  adj.scheme = (char *)scheme;
  adj.period = (char *)period;
  adj.reason = (char *)reason;
  req.body_case = TILL__V1__ENVELOPE__BODY_CHARGE_ADJUST_REQ;
  req.charge_adjust_req = &adj;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_CHARGE_ADJUST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ChargeAdjustResponse *a = resp->charge_adjust_resp;
  char before[TILL_MONEY_STR_MAX], now[TILL_MONEY_STR_MAX], delta[TILL_MONEY_STR_MAX];
  char credited[TILL_MONEY_STR_MAX], prepaid[TILL_MONEY_STR_MAX];
  till_money_format(a->billed_before, before, sizeof before);
  till_money_format(a->billed_now, now, sizeof now);
  till_money_format(a->delta, delta, sizeof delta);
  till_money_format(a->credited, credited, sizeof credited);
  till_money_format(a->to_prepaid, prepaid, sizeof prepaid);
  if (cli->json) {
    printf("{\"billed_before\":\"%s\",\"billed_now\":\"%s\",\"delta\":\"%s\",\"credited\":\"%s\","
           "\"to_prepaid\":\"%s\",\"txn_id\":%lld,\"charge_id\":%lld}\n",
           before, now, delta, credited, prepaid, (long long)a->txn_id, (long long)a->charge_id);
  } else if (a->delta == 0) {
    printf(_("nothing posted: payer %lld's %s %s comes to %s, as billed\n"),
           (long long)adj.payer_id, scheme, period, now);
  } else {
    printf(_("adjusted payer %lld's %s %s from %s to %s (%s), transaction %lld\n"),
           (long long)adj.payer_id, scheme, period, before, now, delta, (long long)a->txn_id);
    if (a->delta < 0)
      printf(_("  credited to open charges %s, to prepaid %s\n"), credited, prepaid);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

static const char *
relief_kind(const char *k)
{
  return strcmp(k, "optout") == 0 ? _("opt-out") : _("vacancy");
}

static const char *
relief_state(const char *s)
{
  if (strcmp(s, "pending") == 0)
    return _("pending");
  if (strcmp(s, "approved") == 0)
    return _("approved");
  return _("rejected");
}

static int
show_reliefs(cli_t *cli, Till__V1__Relief *const *x, size_t n, int one)
{
  if (cli->json) {
    printf(one ? "" : "[");
    for (size_t i = 0; i < n; i++) {
      printf("%s{\"id\":%lld,\"payer_id\":%lld,\"scheme\":", i ? "," : "", (long long)x[i]->id,
             (long long)x[i]->payer_id);
      json_str(stdout, x[i]->scheme);
      printf(",\"period\":");
      json_str(stdout, x[i]->period);
      printf(",\"kind\":\"%s\",\"state\":\"%s\",\"share_pct\":%d,\"cutoff\":\"%s\","
             "\"charged\":%s,\"reason\":", x[i]->kind, x[i]->state, (int)x[i]->share_pct,
             x[i]->cutoff, x[i]->charged ? "true" : "false");
      json_str(stdout, x[i]->reason);
      printf(",\"requested_by\":");
      json_str(stdout, x[i]->requested_by);
      printf(",\"decided_by\":");
      json_str(stdout, x[i]->decided_by);
      printf("}");
    }
    printf(one ? "\n" : "]\n");
    return 0;
  }
  layout_table_t *t = layout_table_new(9, "rrlllrlll");
  int ok = t && layout_table_add(t, _("ID"), _("PAYER"), _("SCHEME"), _("PERIOD"), _("KIND"),
                                 _("SHARE"), _("STATE"), _("REQUESTED"), _("DECIDED")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    char id[24], payer[24], share[16];
    snprintf(id, sizeof id, "%lld", (long long)x[i]->id);
    snprintf(payer, sizeof payer, "%lld", (long long)x[i]->payer_id);
    snprintf(share, sizeof share, "%d %%", (int)x[i]->share_pct);
    ok = layout_table_add(t, id, payer, x[i]->scheme, x[i]->period, relief_kind(x[i]->kind),
                          share, relief_state(x[i]->state), x[i]->requested_by,
                          x[i]->decided_by[0] ? x[i]->decided_by : "-") == 0;
  }
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

/* till optout request PAYER --scheme S --season P, till vacancy request
 * PAYER --scheme S --period P */
static int
relief_request(cli_t *cli, const char *kind, const char *period_opt)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ReliefRequestRequest in = TILL__V1__RELIEF_REQUEST_REQUEST__INIT;
  const char *payer = cli_arg(cli, 2), *scheme = cli_opt(cli, "--scheme");
  const char *period = cli_opt(cli, period_opt), *reason = cli_opt(cli, "--reason");
  int rc;
  if (!payer || !scheme || !period)
    return commands_usage_error(cli);
  if (till_parse_i64(payer, 1, INT64_MAX, &in.payer_id) != 0)
    return cli_usage_error(_("PAYER must be a payer's number, '%s' given"), payer);
  in.scheme = (char *)scheme;
  in.period = (char *)period;
  in.kind = (char *)kind;
  in.reason = (char *)(reason ? reason : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_REQUEST_REQ;
  req.relief_request_req = &in;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_RELIEF_REQUEST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__Relief *x = resp->relief_request_resp->relief;
  if (!x)
    return cli_unexpected(resp, _("an opt-out or vacancy request"));
  if (!cli->json && x->charged)
    printf(_("%s %s was charged already: till charge adjust applies the new share\n"), x->scheme,
           x->period);
  rc = show_reliefs(cli, &resp->relief_request_resp->relief, 1, 1);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_optout_request(cli_t *cli)
{
  return relief_request(cli, "optout", "--season");
}

int
cmd_vacancy_request(cli_t *cli)
{
  return relief_request(cli, "vacancy", "--period");
}

static int
vacancy_decide(cli_t *cli, int approve)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ReliefDecideRequest in = TILL__V1__RELIEF_DECIDE_REQUEST__INIT;
  const char *id = cli_arg(cli, 2);
  int rc;
  if (!id)
    return commands_usage_error(cli);
  if (till_parse_i64(id, 1, INT64_MAX, &in.id) != 0)
    return cli_usage_error(_("ID must be a request's number, '%s' given"), id);
  in.approve = approve;
  req.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_DECIDE_REQ;
  req.relief_decide_req = &in;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_RELIEF_DECIDE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->relief_decide_resp->relief)
    return cli_unexpected(resp, _("an opt-out or vacancy request"));
  rc = show_reliefs(cli, &resp->relief_decide_resp->relief, 1, 1);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_vacancy_approve(cli_t *cli)
{
  return vacancy_decide(cli, 1);
}

int
cmd_vacancy_reject(cli_t *cli)
{
  return vacancy_decide(cli, 0);
}

int
cmd_optout_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ReliefListRequest in = TILL__V1__RELIEF_LIST_REQUEST__INIT;
  const char *state = cli_opt(cli, "--state");
  int rc;
  in.state = (char *)(state ? state : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_RELIEF_LIST_REQ;
  req.relief_list_req = &in;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_RELIEF_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ReliefListResponse *l = resp->relief_list_resp;
  rc = show_reliefs(cli, l->reliefs, l->n_reliefs, 0);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
