/* cmd_cheque.c -- till cheque clear ID | bounce ID --reason TEXT | list
 * [--pending]: a supervisor records the bank's answer on a cheque payment
 * (支票), which counts as collected only once it has cleared; a bounce
 * reverses the payment and opens the charges it settled again. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print_payment.h"
#include "till_money.h"
#include "till_util.h"

static const char *
state_word(const char *s)
{
  if (strcmp(s, "pending") == 0)
    return _("awaiting the bank");
  if (strcmp(s, "cleared") == 0)
    return _("cleared");
  if (strcmp(s, "bounced") == 0)
    return _("bounced");
  return s;
}

static void
cheque_json(const Till__V1__Cheque *c, int first)
{
  printf("%s{\"id\":%lld,\"txn_id\":%lld,\"number\":", first ? "" : ",", (long long)c->id,
         (long long)c->txn_id);
  json_str(stdout, c->number);
  printf(",\"payer_id\":%lld", (long long)c->payer_id);
  json_money(stdout, "amount", c->amount, 1);
  printf(",\"reference\":");
  json_str(stdout, c->reference);
  printf(",\"state\":");
  json_str(stdout, c->state);
  printf(",\"cashier\":");
  json_str(stdout, c->cashier);
  printf(",\"received_at\":%lld,\"decided_by\":", (long long)c->received_at);
  json_str(stdout, c->decided_by);
  printf(",\"decided_at\":%lld,\"decide_txn_id\":%lld,\"reason\":", (long long)c->decided_at,
         (long long)c->decide_txn_id);
  json_str(stdout, c->reason);
  printf("}");
}

static int64_t
cheque_id(cli_t *cli)
{
  int64_t v;
  const char *s = cli_arg(cli, 2);
  if (!s || till_parse_i64(s, 1, INT64_MAX, &v) != 0) {
    cli_usage_error(_("the cheque must be a number like 3 (see till cheque list), '%s' given"),
                    s ? s : "");
    return 0;
  }
  return v;
}

static int
decide(cli_t *cli, int bounce)
{
  Till__V1__ChequeClearRequest cr = TILL__V1__CHEQUE_CLEAR_REQUEST__INIT;
  Till__V1__ChequeBounceRequest br = TILL__V1__CHEQUE_BOUNCE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  uint8_t key[16];
  int rc;
  int64_t id = cheque_id(cli);
  if (!id)
    return EXIT_USAGE;
  if ((rc = cli_idempotency_key(cli, key)) != 0)
    return rc;
  if (bounce) {
    const char *reason = cli_opt(cli, "--reason");
    if (!reason)
      return commands_usage_error(cli);
    br.idempotency_key = (ProtobufCBinaryData){sizeof key, key};
    br.cheque_id = id;
    br.reason = (char *)reason;
    req.body_case = TILL__V1__ENVELOPE__BODY_CHEQUE_BOUNCE_REQ;
    req.cheque_bounce_req = &br;
  } else {
    cr.idempotency_key = (ProtobufCBinaryData){sizeof key, key};
    cr.cheque_id = id;
    req.body_case = TILL__V1__ENVELOPE__BODY_CHEQUE_CLEAR_REQ;
    req.cheque_clear_req = &cr;
  }
  Till__V1__Envelope *resp = cli_call_retry_expect(
    cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_CHEQUE_DECIDE_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ChequeDecideResponse *d = resp->cheque_decide_resp;
  if (!d->cheque)
    return cli_unexpected(resp, _("a cheque"));
  if (cli->json) {
    printf("{\"cheque\":");
    cheque_json(d->cheque, 1);
    printf(",\"reopened\":[");
    for (size_t i = 0; i < d->n_reopened; i++)
      print_payment_line_json(stdout, d->reopened[i], i == 0);
    printf("],\"replayed\":%s}\n", d->replayed ? "true" : "false");
  } else {
    char a[TILL_MONEY_STR_MAX];
    till_money_format(d->cheque->amount, a, sizeof a);
    printf(_("cheque %lld (%s, receipt %s, payer %lld): %s, %s\n"), (long long)d->cheque->id,
           d->cheque->reference, d->cheque->number, (long long)d->cheque->payer_id, a,
           state_word(d->cheque->state));
    for (size_t i = 0; i < d->n_reopened; i++) {
      const Till__V1__PaymentLine *l = d->reopened[i];
      till_money_format(l->amount, a, sizeof a);
      printf(_("  reopened charge %lld: %s %s, %s open again\n"), (long long)l->charge_id,
             l->scheme_name, l->period, a);
    }
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_cheque_clear(cli_t *cli)
{
  return decide(cli, 0);
}

int
cmd_cheque_bounce(cli_t *cli)
{
  return decide(cli, 1);
}

int
cmd_cheque_list(cli_t *cli)
{
  Till__V1__ChequeListRequest lr = TILL__V1__CHEQUE_LIST_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  int rc;
  lr.pending_only = cli_flag(cli, "--pending");
  req.body_case = TILL__V1__ENVELOPE__BODY_CHEQUE_LIST_REQ;
  req.cheque_list_req = &lr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_CHEQUE_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ChequeListResponse *l = resp->cheque_list_resp;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < l->n_cheques; i++)
      cheque_json(l->cheques[i], i == 0);
    printf("]\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  layout_table_t *t = layout_table_new(7, "rllrlll");
  int ok = t && layout_table_add(t, _("ID"), _("Cheque No."), _("Receipt"), _("Amount"),
                                 _("Payer"), _("State"), _("Received")) == 0;
  for (size_t i = 0; ok && i < l->n_cheques; i++) {
    const Till__V1__Cheque *c = l->cheques[i];
    char id[24], payer[24], a[TILL_MONEY_STR_MAX], when[32];
    snprintf(id, sizeof id, "%lld", (long long)c->id);
    snprintf(payer, sizeof payer, "%lld", (long long)c->payer_id);
    till_money_format(c->amount, a, sizeof a);
    fmt_time(c->received_at, when, sizeof when);
    ok = layout_table_add(t, id, c->reference, c->number, a, payer, state_word(c->state),
                          when) == 0;
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  if (print_table(t, ok, "") != 0)
    return print_out_of_memory();
  return 0;
}
