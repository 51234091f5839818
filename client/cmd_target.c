/* cmd_target.c -- till target set --cashier U --month YYYY-MM --amount
 * YUAN: a supervisor sets a cashier's monthly collection target, which till
 * report monthly compares the month's collections with. */
#include <stdio.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print.h"
#include "till_money.h"

int
cmd_target_set(cli_t *cli)
{
  Till__V1__TargetSetRequest tr = TILL__V1__TARGET_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *cashier = cli_opt(cli, "--cashier"), *month = cli_opt(cli, "--month"),
             *amount = cli_opt(cli, "--amount");
  if (!cashier || !month || !amount)
    return commands_usage_error(cli);
  /* the syntax here; the value (above 0, not too large) is the server's to judge */
  if (till_money_parse(amount, &tr.amount) != 0)
    return cli_usage_error(_("--amount must be yuan, like 12000 or 12000.50"));
  tr.cashier = (char *)cashier;
  tr.month = (char *)month;
  req.body_case = TILL__V1__ENVELOPE__BODY_TARGET_SET_REQ;
  req.target_set_req = &tr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_TARGET_SET_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TargetSetResponse *t = resp->target_set_resp;
  char a[TILL_MONEY_STR_MAX], p[TILL_MONEY_STR_MAX], when[32];
  till_money_format(t->amount, a, sizeof a);
  till_money_format(t->previous, p, sizeof p);
  if (cli->json) {
    printf("{\"cashier\":");
    json_str(stdout, t->cashier);
    printf(",\"month\":");
    json_str(stdout, t->month);
    printf(",\"amount\":\"%s\",\"set_by\":", a);
    json_str(stdout, t->set_by);
    printf(",\"set_at\":%lld,\"previous\":\"%s\"}\n", (long long)t->set_at, p);
  } else {
    fmt_time(t->set_at, when, sizeof when);
    if (t->previous > 0)
      printf(_("target of %s for %s: %s (replaces %s), set by %s at %s\n"), t->cashier, t->month,
             a, p, t->set_by, when);
    else
      printf(_("target of %s for %s: %s (no target before), set by %s at %s\n"), t->cashier,
             t->month, a, t->set_by, when);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
