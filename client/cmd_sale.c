/* cmd_sale.c -- till sale ITEM[:QTY]... --method M | --pay M=YUAN,...: post
 * a sale paid one way or in parts, and print its receipt (print.c lays it
 * out). The posting carries an idempotency key and is retried with it when
 * the connection drops, so it is recorded once; the server prices the items,
 * checks that the parts add up to the total and numbers the receipt. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

#define SALE_MAX_LINES 32
#define SALE_MAX_PARTS CLI_METHOD_AMOUNTS_MAX /* one per method */

/* --tendered YUAN into *fen: 0 or EXIT_USAGE. */
static int
tendered_opt(const char *tendered, int64_t *fen)
{
  if (till_money_parse(tendered, fen) != 0)
    return cli_usage_error(_("--tendered '%s' is not an amount like 100 or 100.00"), tendered);
  return 0;
}

/* --pay cash=1000,wechat=1462.50 into <parts>: METHOD=YUAN with an amount
 * above 0, or METHOD alone for the part that takes the rest of the total
 * (sent as amount 0). --tendered goes on the cash part. Whether the parts
 * add up, and each method once, the server decides. 0 or EXIT_USAGE. */
static int
pay_opt(const char *pay, const char *tendered, Till__V1__PaymentPart *parts,
        Till__V1__PaymentPart **ptrs, size_t *n)
{
  cli_method_amount_t given[CLI_METHOD_AMOUNTS_MAX];
  size_t cash = SALE_MAX_PARTS;
  int rc = cli_method_amounts("--pay", pay, given, n);
  if (rc != 0)
    return rc;
  if (*n == 0)
    return cli_usage_error(_("--pay needs one or more parts like cash=1000,wechat=1462.50"));
  for (size_t i = 0; i < *n; i++) {
    const char *name = till_method_name(given[i].method);
    if (given[i].has_amount && given[i].amount <= 0) {
      char got[TILL_MONEY_STR_MAX];
      till_money_format(given[i].amount, got, sizeof got);
      return cli_usage_error(_("--pay: the %s part must be an amount above 0 like 100 or "
                               "1462.50, '%s' given; leave the amount out (%s) for the part "
                               "that pays the rest"),
                             name, got, name);
    }
    till__v1__payment_part__init(&parts[i]);
    parts[i].method = till_wire_method((till_method_t)given[i].method);
    parts[i].amount = given[i].has_amount ? given[i].amount : 0;
    if (given[i].method == TILL_METHOD_CASH && cash == SALE_MAX_PARTS)
      cash = i;
    ptrs[i] = &parts[i];
  }
  if (!tendered)
    return 0;
  if (cash == SALE_MAX_PARTS)
    return cli_usage_error(_("--tendered is the cash handed over for the cash part of --pay, "
                             "and --pay has no cash part"));
  return tendered_opt(tendered, &parts[cash].tendered);
}

int
cmd_sale(cli_t *cli)
{
  Till__V1__SaleRequest sr = TILL__V1__SALE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__SaleLine lines[SALE_MAX_LINES], *lp[SALE_MAX_LINES];
  Till__V1__PaymentPart parts[SALE_MAX_PARTS], *pp[SALE_MAX_PARTS];
  char items[SALE_MAX_LINES][64];
  uint8_t key[16];
  int rc;
  const char *method = cli_opt(cli, "--method"), *pay = cli_opt(cli, "--pay");
  const char *tendered = cli_opt(cli, "--tendered");
  if (method && pay)
    return cli_usage_error(_("--pay and --method cannot be used together: give --method for one "
                             "payment method, --pay for a payment in parts"));
  if (!method && !pay)
    return commands_usage_error(cli);
  if (method) {
    int m = cli_method("--method", method);
    if (!m)
      return EXIT_USAGE;
    sr.method = till_wire_method((till_method_t)m);
    if (tendered && (rc = tendered_opt(tendered, &sr.tendered)) != 0)
      return rc;
  } else {
    if ((rc = pay_opt(pay, tendered, parts, pp, &sr.n_payments)) != 0)
      return rc;
    sr.payments = pp;
  }
  size_t n = 0;
  for (int i = 1;; i++) {
    const char *arg = cli_arg(cli, i);
    if (!arg)
      break;
    if (n == SALE_MAX_LINES)
      return cli_usage_error("at most %d lines in one sale", SALE_MAX_LINES);
    if (strlen(arg) >= sizeof items[n])
      return cli_usage_error("item '%s' is too long", arg);
    snprintf(items[n], sizeof items[n], "%s", arg);
    till__v1__sale_line__init(&lines[n]);
    int64_t qty = 1;
    char *colon = strchr(items[n], ':');
    if (colon) {
      *colon = '\0';
      /* the server checks the range; here only that it is a number */
      if (till_parse_i64(colon + 1, INT64_MIN, INT64_MAX, &qty) != 0)
        return cli_usage_error("quantity in '%s' is not a whole number", arg);
    }
    lines[n].item = items[n];
    lines[n].quantity = qty;
    lp[n] = &lines[n];
    n++;
  }
  if (n == 0)
    return commands_usage_error(cli);
  const char *memo = cli_opt(cli, "--memo");
  sr.memo = (char *)(memo ? memo : "");
  if ((rc = cli_idempotency_key(cli, key)) != 0)
    return rc;
  sr.idempotency_key.data = key;
  sr.idempotency_key.len = sizeof key;
  sr.lines = lp;
  sr.n_lines = n;
  req.body_case = TILL__V1__ENVELOPE__BODY_SALE_REQ;
  req.sale_req = &sr;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_SALE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->sale_resp->receipt)
    return cli_unexpected(resp, "a receipt");
  if (cli->json)
    print_receipt_json(stdout, resp->sale_resp->receipt, resp->sale_resp->replayed);
  else {
    if (resp->sale_resp->replayed)
      fprintf(stderr, "till: this sale was already recorded; showing the original receipt\n");
    print_receipt(stdout, resp->sale_resp->receipt);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
