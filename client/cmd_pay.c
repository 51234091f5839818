/* cmd_pay.c -- till pay PAYER --amount YUAN --method M [--tendered YUAN]
 * [--charge ID]... [--ref TEXT] [--memo TEXT]: a payment against a payer,
 * allocated by the server to the oldest open charges (or the ones named),
 * the rest to the payer's prepaid balance; and the payment's receipt for
 * till receipt show|reprint. Retried with its idempotency key when the
 * connection drops, so it is recorded once. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "print_payment.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

#define PAY_MAX_CHARGES 62 /* the server's PAYMENT_MAX_CHARGES */

int
print_receipt_is_payment(const Till__V1__Receipt *r)
{
  for (size_t i = 0; i < r->n_lines; i++)
    if (strchr(r->lines[i]->item, ':') || strcmp(r->lines[i]->item, "prepaid") == 0)
      return 1;
  return 0;
}

int
print_payment_by_number(cli_t *cli, const char *number, int copy, int reprint_count)
{
  Till__V1__PaymentReceiptRequest pr = TILL__V1__PAYMENT_RECEIPT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  int rc;
  pr.number = (char *)number;
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYMENT_RECEIPT_REQ;
  req.payment_receipt_req = &pr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_PAYMENT_RECEIPT_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->payment_receipt_resp->receipt)
    return cli_unexpected(resp, _("a receipt"));
  if (cli->json)
    print_payment_receipt_json(stdout, resp->payment_receipt_resp->receipt, 0, copy);
  else
    print_payment_receipt(stdout, resp->payment_receipt_resp->receipt, copy, reprint_count);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* A positive whole number (a payer's or a charge's id) or 0 after a usage error. */
static int64_t
id_arg(const char *what, const char *s)
{
  int64_t v;
  if (!s || till_parse_i64(s, 1, INT64_MAX, &v) != 0) {
    cli_usage_error(_("%s must be a number like 12, '%s' given"), what, s ? s : "");
    return 0;
  }
  return v;
}

int
cmd_pay(cli_t *cli)
{
  Till__V1__PayRequest pr = TILL__V1__PAY_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  int64_t charges[PAY_MAX_CHARGES];
  uint8_t key[16];
  int rc;
  const char *amount = cli_opt(cli, "--amount"), *method = cli_opt(cli, "--method");
  const char *tendered = cli_opt(cli, "--tendered");
  if (!amount || !method)
    return commands_usage_error(cli);
  if (!(pr.payer_id = id_arg(_("the payer"), cli_arg(cli, 1))))
    return EXIT_USAGE;
  /* the amount's range is the server's to judge; here only that it is one */
  if (till_money_parse(amount, &pr.amount) != 0)
    return cli_usage_error(_("--amount '%s' is not an amount like 100 or 2144.88"), amount);
  int m = cli_method("--method", method);
  if (!m)
    return EXIT_USAGE;
  pr.method = till_wire_method((till_method_t)m);
  if (tendered && till_money_parse(tendered, &pr.tendered) != 0)
    return cli_usage_error(_("--tendered '%s' is not an amount like 100 or 100.00"), tendered);
  size_t n = 0;
  for (const char *c; (c = cli_opt_nth(cli, "--charge", (int)n)) != NULL; n++) {
    if (n == PAY_MAX_CHARGES)
      return cli_usage_error(_("a payment settles at most %d charges on one receipt"),
                             PAY_MAX_CHARGES);
    if (!(charges[n] = id_arg("--charge", c)))
      return EXIT_USAGE;
  }
  pr.charge_ids = charges;
  pr.n_charge_ids = n;
  const char *ref = cli_opt(cli, "--ref"), *memo = cli_opt(cli, "--memo");
  pr.reference = (char *)(ref ? ref : "");
  pr.memo = (char *)(memo ? memo : "");
  if ((rc = cli_idempotency_key(cli, key)) != 0)
    return rc;
  pr.idempotency_key.data = key;
  pr.idempotency_key.len = sizeof key;
  req.body_case = TILL__V1__ENVELOPE__BODY_PAY_REQ;
  req.pay_req = &pr;
  Till__V1__Envelope *resp =
    cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_PAY_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->pay_resp->receipt)
    return cli_unexpected(resp, _("a receipt"));
  if (cli->json)
    print_payment_receipt_json(stdout, resp->pay_resp->receipt, resp->pay_resp->replayed, 0);
  else {
    if (resp->pay_resp->replayed)
      fprintf(stderr, "%s", _("till: this payment was already recorded; showing the original "
                              "receipt\n"));
    print_payment_receipt(stdout, resp->pay_resp->receipt, 0, 0);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
