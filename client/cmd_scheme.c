/* cmd_scheme.c -- till scheme add|list and till tariff add|list: the fee
 * schemes a heating or property office charges by, and their rates by
 * date (docs/billing.md). A tariff is never edited: a new one supersedes
 * the old from its date. */
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
#include "till_rate.h"
#include "till_util.h"

static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase want, int *rc)
{
  return cli_call_expect(cli, req, 1, want, rc);
}

/* A rule or period as the table shows it, in the user's language. */
static const char *
rule_text(const char *rule)
{
  if (strcmp(rule, "area_month") == 0)
    return _("area x rate per month");
  if (strcmp(rule, "area_season") == 0)
    return _("area x rate per season");
  if (strcmp(rule, "fixed_month") == 0)
    return _("fixed per month");
  if (strcmp(rule, "metered") == 0)
    return _("metered");
  return rule;
}

static const char *
period_text(const char *period)
{
  if (strcmp(period, "season") == 0)
    return _("season");
  if (strcmp(period, "year") == 0)
    return _("year");
  if (strcmp(period, "month") == 0)
    return _("month");
  return period;
}

static void
scheme_json(const Till__V1__Scheme *s, int first)
{
  printf("%s{\"code\":", first ? "" : ",");
  json_str(stdout, s->code);
  printf(",\"name\":");
  json_str(stdout, s->name);
  printf(",\"rule\":\"%s\",\"period\":\"%s\",\"season_start\":\"%s\",\"optout_share_pct\":%d,"
         "\"optout_cutoff\":\"%s\",\"vacancy_share_pct\":%d}",
         s->rule, s->period, s->season_start, (int)s->optout_share_pct, s->optout_cutoff,
         (int)s->vacancy_share_pct);
}

/* The schemes as a table (or a JSON array; one object when <one>). */
static int
show_schemes(cli_t *cli, Till__V1__Scheme *const *s, size_t n, int one)
{
  if (cli->json) {
    printf(one ? "" : "[");
    for (size_t i = 0; i < n; i++)
      scheme_json(s[i], i == 0);
    printf(one ? "\n" : "]\n");
    return 0;
  }
  layout_table_t *t = layout_table_new(7, "lllllrr");
  int ok = t && layout_table_add(t, _("SCHEME"), _("NAME"), _("RULE"), _("PERIOD"),
                                 _("SEASON FROM"), _("OPT-OUT"), _("VACANCY")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    char optout[48], vacancy[16];
    snprintf(optout, sizeof optout, _("%d %% by %s"), (int)s[i]->optout_share_pct,
             s[i]->optout_cutoff);
    snprintf(vacancy, sizeof vacancy, "%d %%", (int)s[i]->vacancy_share_pct);
    ok = layout_table_add(t, s[i]->code, s[i]->name, rule_text(s[i]->rule),
                          period_text(s[i]->period), s[i]->season_start, optout, vacancy) == 0;
  }
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

/* --NAME PCT: 0-100 into *out, <dflt> when absent. 0 or EXIT_USAGE. */
static int
share_opt(cli_t *cli, const char *name, int dflt, int32_t *out)
{
  const char *v = cli_opt(cli, name);
  int64_t pct = dflt;
  if (v && till_parse_i64(v, 0, 100, &pct) != 0)
    return cli_usage_error(_("%s must be a whole percent 0 to 100, '%s' given"), name, v);
  *out = (int32_t)pct;
  return 0;
}

int
cmd_scheme_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__SchemeAddRequest add = TILL__V1__SCHEME_ADD_REQUEST__INIT;
  Till__V1__Scheme s = TILL__V1__SCHEME__INIT;
  int rc;
  const char *code = cli_arg(cli, 2), *name = cli_opt(cli, "--name");
  const char *rule = cli_opt(cli, "--rule"), *period = cli_opt(cli, "--period");
  const char *season = cli_opt(cli, "--season-start"), *cutoff = cli_opt(cli, "--optout-cutoff");
  if (!code || !name || !rule || !period)
    return commands_usage_error(cli);
  if ((rc = share_opt(cli, "--optout-share", 30, &s.optout_share_pct)) != 0 ||
      (rc = share_opt(cli, "--vacancy-share", 50, &s.vacancy_share_pct)) != 0)
    return rc;
  s.code = (char *)code;
  s.name = (char *)name;
  s.rule = (char *)rule;
  s.period = (char *)period;
  s.season_start = (char *)(season ? season : "11-15");
  s.optout_cutoff = (char *)(cutoff ? cutoff : "10-15");
  add.scheme = &s;
  req.body_case = TILL__V1__ENVELOPE__BODY_SCHEME_ADD_REQ;
  req.scheme_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_SCHEME_ADD_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->scheme_add_resp->scheme)
    return cli_unexpected(resp, _("a fee scheme"));
  if (!cli->json)
    printf("%s\n", _("added fee scheme"));
  rc = show_schemes(cli, &resp->scheme_add_resp->scheme, 1, 1);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_scheme_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__SchemeListRequest list = TILL__V1__SCHEME_LIST_REQUEST__INIT;
  int rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_SCHEME_LIST_REQ;
  req.scheme_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_SCHEME_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__SchemeListResponse *l = resp->scheme_list_resp;
  rc = show_schemes(cli, l->schemes, l->n_schemes, 0);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

static int
show_tariffs(cli_t *cli, Till__V1__Tariff *const *t, size_t n, int one)
{
  char rate[TILL_RATE_STR_MAX];
  if (cli->json) {
    printf(one ? "" : "[");
    for (size_t i = 0; i < n; i++) {
      till_rate_format(t[i]->rate_e4, rate, sizeof rate);
      printf("%s{\"id\":%lld,\"scheme\":", i ? "," : "", (long long)t[i]->id);
      json_str(stdout, t[i]->scheme);
      printf(",\"effective_from\":\"%s\",\"rate\":\"%s\",\"rate_e4\":%lld,\"created_by\":",
             t[i]->effective_from, rate, (long long)t[i]->rate_e4);
      json_str(stdout, t[i]->created_by);
      printf("}");
    }
    printf(one ? "\n" : "]\n");
    return 0;
  }
  layout_table_t *tb = layout_table_new(5, "rllrl");
  int ok = tb && layout_table_add(tb, _("ID"), _("SCHEME"), _("FROM"), _("RATE"), _("BY")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)t[i]->id);
    till_rate_format(t[i]->rate_e4, rate, sizeof rate);
    ok = layout_table_add(tb, id, t[i]->scheme, t[i]->effective_from, rate,
                          t[i]->created_by) == 0;
  }
  return print_table(tb, ok, "") == 0 ? 0 : print_out_of_memory();
}

int
cmd_tariff_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TariffAddRequest add = TILL__V1__TARIFF_ADD_REQUEST__INIT;
  int rc;
  const char *scheme = cli_opt(cli, "--scheme"), *from = cli_opt(cli, "--from");
  const char *rate = cli_opt(cli, "--rate");
  if (!scheme || !from || !rate)
    return commands_usage_error(cli);
  if (till_rate_parse(rate, &add.rate_e4) != 0)
    return cli_usage_error(_("--rate '%s' is not a rate in yuan with at most 4 decimals, like "
                             "1.80 or 0.0375"), rate);
  add.scheme = (char *)scheme;
  add.effective_from = (char *)from;
  req.body_case = TILL__V1__ENVELOPE__BODY_TARIFF_ADD_REQ;
  req.tariff_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TARIFF_ADD_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->tariff_add_resp->tariff)
    return cli_unexpected(resp, _("a tariff"));
  if (!cli->json)
    printf("%s\n", _("added tariff"));
  rc = show_tariffs(cli, &resp->tariff_add_resp->tariff, 1, 1);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_tariff_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TariffListRequest list = TILL__V1__TARIFF_LIST_REQUEST__INIT;
  int rc;
  const char *scheme = cli_opt(cli, "--scheme");
  list.scheme = (char *)(scheme ? scheme : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_TARIFF_LIST_REQ;
  req.tariff_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TARIFF_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TariffListResponse *l = resp->tariff_list_resp;
  rc = show_tariffs(cli, l->tariffs, l->n_tariffs, 0);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
