/* cmd_statement.c -- till payer statement PAYER [--as-of DATE]: a payer's
 * statement (对账单) by year: each charge with what paid, waived and
 * credited it and what is open, the settlements with their receipts, the
 * totals per year, the prepaid balance and the late fee as of the day. */
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
source_text(const char *s)
{
  if (strcmp(s, "payment") == 0)
    return _("payment");
  if (strcmp(s, "prepaid") == 0)
    return _("prepaid applied");
  if (strcmp(s, "waiver") == 0)
    return _("waiver");
  if (strcmp(s, "credit") == 0)
    return _("credit");
  if (strcmp(s, "reversal") == 0)
    return _("reversal");
  return s;
}

static void
statement_json(const Till__V1__StatementResponse *s)
{
  printf("{\"payer_id\":%lld,\"complex\":", (long long)s->payer_id);
  json_str(stdout, s->complex);
  printf(",\"unit\":");
  json_str(stdout, s->unit);
  printf(",\"owner\":");
  json_str(stdout, s->owner);
  printf(",\"as_of\":\"%s\",\"charges\":[", s->as_of);
  for (size_t i = 0; i < s->n_charges; i++) {
    const Till__V1__StatementCharge *c = s->charges[i];
    printf("%s{\"charge_id\":%lld,\"scheme\":", i ? "," : "", (long long)c->charge_id);
    json_str(stdout, c->scheme);
    printf(",\"period\":");
    json_str(stdout, c->period);
    printf(",\"year\":%d,\"kind\":\"%s\"", (int)c->year, c->kind);
    json_money(stdout, "amount", c->amount, 1);
    json_money(stdout, "paid", c->paid, 1);
    json_money(stdout, "waived", c->waived, 1);
    json_money(stdout, "credited", c->credited, 1);
    json_money(stdout, "open", c->open, 1);
    printf("}");
  }
  printf("],\"settlements\":[");
  for (size_t i = 0; i < s->n_settlements; i++) {
    const Till__V1__StatementSettlement *t = s->settlements[i];
    printf("%s{\"txn_id\":%lld,\"charge_id\":%lld,\"source\":\"%s\"", i ? "," : "",
           (long long)t->txn_id, (long long)t->charge_id, t->source);
    json_money(stdout, "amount", t->amount, 1);
    printf(",\"at\":%lld,\"receipt\":", (long long)t->at);
    json_str(stdout, t->receipt);
    printf(",\"by\":");
    json_str(stdout, t->by);
    printf(",\"method\":\"%s\"}", t->method);
  }
  printf("],\"years\":[");
  for (size_t i = 0; i < s->n_years; i++) {
    const Till__V1__StatementYear *y = s->years[i];
    printf("%s{\"year\":%d", i ? "," : "", (int)y->year);
    json_money(stdout, "charged", y->charged, 1);
    json_money(stdout, "paid", y->paid, 1);
    json_money(stdout, "waived", y->waived, 1);
    json_money(stdout, "credited", y->credited, 1);
    json_money(stdout, "open", y->open, 1);
    printf("}");
  }
  printf("],\"late_fees\":[");
  for (size_t i = 0; i < s->n_late_fees; i++) {
    printf("%s{\"scheme\":", i ? "," : "");
    json_str(stdout, s->late_fees[i]->scheme);
    json_money(stdout, "amount", s->late_fees[i]->amount, 1);
    printf(",\"overdue_charges\":%lld}", (long long)s->late_fees[i]->overdue_charges);
  }
  printf("]");
  json_money(stdout, "late_fee", s->late_fee, 1);
  json_money(stdout, "prepaid", s->prepaid, 1);
  json_money(stdout, "open", s->open, 1);
  printf("}\n");
}

/* The charges of one year, each followed by what settled it. */
static int
year_table(const Till__V1__StatementResponse *s, const Till__V1__StatementYear *y)
{
  char a[5][TILL_MONEY_STR_MAX], id[24];
  layout_table_t *t = layout_table_new(8, "rlllrrrr");
  int ok = t && layout_table_add(t, _("CHARGE"), _("SCHEME"), _("PERIOD"), _("KIND"), _("AMOUNT"),
                                 _("PAID"), _("WAIVED"), _("OPEN")) == 0;
  for (size_t i = 0; ok && i < s->n_charges; i++) {
    const Till__V1__StatementCharge *c = s->charges[i];
    if (c->year != y->year)
      continue;
    snprintf(id, sizeof id, "%lld", (long long)c->charge_id);
    till_money_format(c->amount, a[0], sizeof a[0]);
    till_money_format(c->paid + c->credited, a[1], sizeof a[1]);
    till_money_format(c->waived, a[2], sizeof a[2]);
    till_money_format(c->open, a[3], sizeof a[3]);
    ok = layout_table_add(t, id, c->scheme, c->period, c->kind, a[0], a[1], a[2], a[3]) == 0;
    for (size_t k = 0; ok && k < s->n_settlements; k++) {
      const Till__V1__StatementSettlement *e = s->settlements[k];
      char when[32], what[96];
      if (e->charge_id != c->charge_id)
        continue;
      fmt_time(e->at, when, sizeof when);
      till_money_format(e->amount, a[4], sizeof a[4]);
      snprintf(what, sizeof what, "  %s %s", source_text(e->source), e->receipt);
      ok = layout_table_add(t, "", what, when, e->by, a[4], "", "", "") == 0;
    }
  }
  return print_table(t, ok, "  ");
}

static int
statement_print(const Till__V1__StatementResponse *s)
{
  char a[5][TILL_MONEY_STR_MAX];
  printf(_("statement of payer %lld: %s %s %s, as of %s\n"), (long long)s->payer_id, s->complex,
         s->unit, s->owner, s->as_of);
  for (size_t i = 0; i < s->n_years; i++) {
    const Till__V1__StatementYear *y = s->years[i];
    till_money_format(y->charged, a[0], sizeof a[0]);
    till_money_format(y->paid + y->credited, a[1], sizeof a[1]);
    till_money_format(y->waived, a[2], sizeof a[2]);
    till_money_format(y->open, a[3], sizeof a[3]);
    printf(_("%d: charged %s, paid %s, waived %s, open %s\n"), (int)y->year, a[0], a[1], a[2], a[3]);
    if (year_table(s, y) != 0)
      return print_out_of_memory();
  }
  till_money_format(s->open, a[0], sizeof a[0]);
  till_money_format(s->prepaid, a[1], sizeof a[1]);
  printf(_("open in all: %s\n"), a[0]);
  printf(_("prepaid balance: %s\n"), a[1]);
  for (size_t i = 0; i < s->n_late_fees; i++) {
    till_money_format(s->late_fees[i]->amount, a[2], sizeof a[2]);
    printf(_("late fee of %s as of %s: %s (%lld overdue charges; not posted)\n"),
           s->late_fees[i]->scheme, s->as_of, a[2], (long long)s->late_fees[i]->overdue_charges);
  }
  return 0;
}

int
cmd_payer_statement(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__StatementRequest sr = TILL__V1__STATEMENT_REQUEST__INIT;
  int rc;
  const char *payer = cli_arg(cli, 2), *as_of = cli_opt(cli, "--as-of");
  if (!payer || till_parse_i64(payer, 1, INT64_MAX, &sr.payer_id) != 0)
    return cli_usage_error(_("PAYER must be the payer's number (as till payer show prints it)"));
  sr.as_of = (char *)(as_of ? as_of : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_STATEMENT_REQ;
  req.statement_req = &sr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_STATEMENT_RESP, &rc);
  if (!resp)
    return rc;
  if (cli->json)
    statement_json(resp->statement_resp);
  else
    rc = statement_print(resp->statement_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
