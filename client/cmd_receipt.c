/* cmd_receipt.c -- till receipt show|reprint NUMBER: a receipt as the
 * server keeps it, laid out by print.c. A reprint is counted by the server
 * and marked as a copy on paper. */
#include <stdio.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_refund.h"
#include "commands.h"
#include "i18n.h"
#include "print.h"
#include "print_payment.h"

/* till receipt show|reprint NUMBER: a reprint is counted and marked a copy. */
static int
receipt_get(cli_t *cli, int reprint)
{
  Till__V1__ReceiptGetRequest gr = TILL__V1__RECEIPT_GET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  int rc;
  const char *number = cli_arg(cli, 2);
  if (!number)
    return commands_group_usage_error(cli);
  gr.number = (char *)number;
  gr.reprint = reprint;
  req.body_case = TILL__V1__ENVELOPE__BODY_RECEIPT_GET_REQ;
  req.receipt_get_req = &gr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_RECEIPT_GET_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->receipt_get_resp->receipt)
    return cli_unexpected(resp, _("a receipt"));
  /* a payment against a payer: its own receipt, from the billing domain
   * (the copy mark and the count of reprints stay this request's) */
  const Till__V1__Receipt *got = resp->receipt_get_resp->receipt;
  if (print_receipt_is_payment(got)) {
    int copy = got->copy, count = got->reprint_count;
    till__v1__envelope__free_unpacked(resp, NULL);
    rc = print_payment_by_number(cli, number, copy, count);
    /* ---- refunds: the original's refunds under it ---- */
    return rc == 0 && !cli->json ? print_refunds_of(cli, number) : rc;
  }
  int json = cli->json;
  if (json)
    print_receipt_json(stdout, resp->receipt_get_resp->receipt, 0);
  else
    print_receipt(stdout, resp->receipt_get_resp->receipt);
  till__v1__envelope__free_unpacked(resp, NULL);
  /* ---- refunds: the original's refunds under it ---- */
  return json ? 0 : print_refunds_of(cli, number);
}

int
cmd_receipt_show(cli_t *cli)
{
  return receipt_get(cli, 0);
}

int
cmd_receipt_reprint(cli_t *cli)
{
  return receipt_get(cli, 1);
}
