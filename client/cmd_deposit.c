/* cmd_deposit.c -- till deposit create|confirm|pending|list: closed shifts'
 * cash taken to the bank (a supervisor records the slip, then confirms it
 * arrived), the cash still waiting, and the deposits of a business date
 * with every one still in transit. Postings carry an idempotency key and
 * are retried with it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_shift.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"

#define MAX_SHIFTS 63

static void
print_deposit(cli_t *cli, const Till__V1__DepositInfo *d, int replayed)
{
  char amount[TILL_MONEY_STR_MAX];
  till_money_format(d->amount, amount, sizeof amount);
  if (cli->json) {
    /* the wire's name ("in_transit"), whatever the language */
    const char *state = till_deposit_state_name((int)d->state);
    if (!state)
      state = "?";
    printf("{\"id\":%lld,\"slip\":", (long long)d->id);
    json_str(stdout, d->slip);
    printf(",\"amount\":\"%s\",\"state\":\"%s\",\"shifts\":[", amount, state);
    for (size_t i = 0; i < d->n_shift_ids; i++)
      printf("%s%lld", i ? "," : "", (long long)d->shift_ids[i]);
    printf("],\"created_by\":");
    json_str(stdout, d->created_by);
    printf(",\"confirmed_by\":");
    json_str(stdout, d->confirmed_by);
    printf(",\"txn_id\":%lld,\"confirm_txn_id\":%lld,\"replayed\":%s}\n", (long long)d->txn_id,
           (long long)d->confirm_txn_id, replayed ? "true" : "false");
    return;
  }
  char shifts[24 * (MAX_SHIFTS + 1)] = "";
  size_t used = 0;
  for (size_t i = 0; i < d->n_shift_ids && used < sizeof shifts; i++) {
    int w = snprintf(shifts + used, sizeof shifts - used, "%s%lld", i ? " " : "",
                     (long long)d->shift_ids[i]);
    used += w > 0 ? (size_t)w : 0;
  }
  printf(_("deposit %lld  slip %s  %s  %s  shifts %s\n"), (long long)d->id, d->slip, amount,
         print_deposit_state((int)d->state), shifts);
}

/* A deposit's answer: <d> printed, or the standard message if it is missing. */
static int
show_deposit(cli_t *cli, Till__V1__Envelope *resp, const Till__V1__DepositInfo *d, int replayed)
{
  if (!d)
    return cli_unexpected(resp, _("a deposit"));
  print_deposit(cli, d, replayed);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_deposit_create(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__DepositCreateRequest create = TILL__V1__DEPOSIT_CREATE_REQUEST__INIT;
  int64_t ids[MAX_SHIFTS];
  uint8_t key[16];
  int rc;
  const char *shifts = cli_opt(cli, "--shifts"), *slip = cli_opt(cli, "--slip");
  const char *amount = cli_opt(cli, "--amount");
  char buf[512];
  if (!shifts || !slip || !amount || strlen(shifts) >= sizeof buf)
    return commands_group_usage_error(cli);
  if (till_money_parse(amount, &create.amount) != 0)
    return cli_usage_error(_("--amount '%s' is not an amount"), amount);
  snprintf(buf, sizeof buf, "%s", shifts);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (create.n_shift_ids == MAX_SHIFTS ||
        till_parse_i64(tok, 1, INT64_MAX, &ids[create.n_shift_ids]) != 0)
      return cli_usage_error(_("--shifts must be a list of shift numbers like 3,4"));
    create.n_shift_ids++;
  }
  create.shift_ids = ids;
  create.slip = (char *)slip;
  if ((rc = cli_idempotency_field(cli, key, &create.idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_REQ;
  req.deposit_create_req = &create;
  Till__V1__Envelope *resp = cli_call_retry_expect(
    cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_RESP, &rc);
  if (!resp)
    return rc;
  return show_deposit(cli, resp, resp->deposit_create_resp->deposit,
                      resp->deposit_create_resp->replayed);
}

int
cmd_deposit_confirm(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__DepositConfirmRequest confirm = TILL__V1__DEPOSIT_CONFIRM_REQUEST__INIT;
  uint8_t key[16];
  int rc;
  const char *id = cli_arg(cli, 2);
  if (!id || till_parse_i64(id, 1, INT64_MAX, &confirm.deposit_id) != 0)
    return commands_group_usage_error(cli);
  if ((rc = cli_idempotency_field(cli, key, &confirm.idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_REQ;
  req.deposit_confirm_req = &confirm;
  Till__V1__Envelope *resp = cli_call_retry_expect(
    cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_RESP, &rc);
  if (!resp)
    return rc;
  return show_deposit(cli, resp, resp->deposit_confirm_resp->deposit,
                      resp->deposit_confirm_resp->replayed);
}

int
cmd_deposit_pending(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UndepositedRequest pending = TILL__V1__UNDEPOSITED_REQUEST__INIT;
  int rc;
  const char *hours = cli_opt(cli, "--hours");
  int64_t h = 24;
  if (hours && till_parse_i64(hours, 0, 24 * 366, &h) != 0)
    return cli_usage_error(_("--hours must be 0 to 8784"));
  pending.hours = (int32_t)h;
  req.body_case = TILL__V1__ENVELOPE__BODY_UNDEPOSITED_REQ;
  req.undeposited_req = &pending;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_UNDEPOSITED_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__UndepositedResponse *u = resp->undeposited_resp;
  char total[TILL_MONEY_STR_MAX];
  till_money_format(u->total, total, sizeof total);
  if (!cli->json) {
    printf(ngettext("cash closed more than %d hour ago and not deposited: %s\n",
                    "cash closed more than %d hours ago and not deposited: %s\n",
                    (unsigned long)pending.hours),
           pending.hours, total);
    rc = print_shift_summaries(cli, u->shifts, u->n_shifts);
    /* ---- scale: the whole pile counted (issue 23) ---- */
    if (u->count > (int64_t)u->n_shifts) {
      long long more = (long long)(u->count - (int64_t)u->n_shifts);
      printf(ngettext("... and %lld more shift not listed (the oldest %zu are)\n",
                      "... and %lld more shifts not listed (the oldest %zu are)\n",
                      (unsigned long)more),
             more, u->n_shifts);
    }
  } else {
    printf("{\"hours\":%d,\"total\":\"%s\",\"count\":%lld,\"shifts\":", pending.hours,
           total, (long long)u->count);
    rc = print_shift_summaries(cli, u->shifts, u->n_shifts);
    printf("}\n");
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc; /* not 0 when the table could not be made (out of memory) */
}

/* ---- deplist: the deposits of a date and those in transit ---- */

/* The deposits under <key> as `deposit list --json` carries them
 * (json_deposit). */
static void
list_json(const char *key, Till__V1__DepositInfo **d, size_t n)
{
  printf(",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    printf("%s", i ? "," : "");
    json_deposit(stdout, d[i]);
  }
  printf("]");
}

/* "<who> <when>" into buf. */
static const char *
who_when(const char *who, int64_t when, char *buf, size_t len)
{
  char t[32];
  fmt_time(when, t, sizeof t);
  snprintf(buf, len, "%s %s", who, t);
  return buf;
}

/* One deposit as a block of the 42-cell receipt width: its number and
 * state, (with <dated>) its business date, the slip, the shifts, who made
 * and who confirmed it, and the amount. 0, or -1 when out of memory. */
static int
list_block(const Till__V1__DepositInfo *p, int dated)
{
  char head[96], who[160];
  size_t len = p->n_shift_ids * 21 + 1, used = 0; /* a long long and a space each */
  char *shifts = malloc(len);
  if (!shifts)
    return -1;
  shifts[0] = '\0';
  for (size_t k = 0; k < p->n_shift_ids; k++)
    used += (size_t)snprintf(shifts + used, len - used, "%s%lld", k ? " " : "",
                             (long long)p->shift_ids[k]);
  snprintf(head, sizeof head, "%lld  %s", (long long)p->id, print_deposit_state((int)p->state));
  print_text_line(stdout, _("Deposit"), head);
  if (dated)
    print_text_line(stdout, _("Date"), p->business_date);
  print_text_line(stdout, _("Slip"), p->slip);
  print_text_line(stdout, _("Shifts"), shifts);
  print_text_line(stdout, _("Made by"), who_when(p->created_by, p->created_at, who, sizeof who));
  if (p->state == TILL__V1__DEPOSIT_STATE__DEPOSIT_CONFIRMED)
    print_text_line(stdout, _("Confirmed"),
                    who_when(p->confirmed_by, p->confirmed_at, who, sizeof who));
  print_money_line(stdout, _("Amount"), p->amount);
  free(shifts);
  return 0;
}

/* <n> deposits as blocks under a rule each, or "none". 0 or -1. */
static int
list_blocks(Till__V1__DepositInfo **d, size_t n, int dated)
{
  print_rule(stdout, '-');
  if (!n)
    printf("%s\n", _("none"));
  for (size_t i = 0; i < n; i++) {
    if (i)
      print_rule(stdout, '-');
    if (list_block(d[i], dated) != 0)
      return -1;
  }
  print_rule(stdout, '-');
  return 0;
}

int
cmd_deposit_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__DepositListRequest list = TILL__V1__DEPOSIT_LIST_REQUEST__INIT;
  int rc;
  const char *date = cli_opt(cli, "--date");
  list.date = (char *)(date ? date : ""); /* the server checks it */
  req.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_REQ;
  req.deposit_list_req = &list;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__DepositListResponse *l = resp->deposit_list_resp;
  char sum[TILL_MONEY_STR_MAX], label[128];
  rc = 0;
  if (cli->json) {
    printf("{\"date\":");
    json_str(stdout, l->date);
    printf(",\"current_business_date\":");
    json_str(stdout, l->current_business_date);
    list_json("deposits", l->deposits, l->n_deposits);
    till_money_format(l->deposited, sum, sizeof sum);
    printf(",\"deposited\":\"%s\"", sum);
    list_json("in_transit", l->in_transit, l->n_in_transit);
    till_money_format(l->in_transit_total, sum, sizeof sum);
    printf(",\"in_transit_total\":\"%s\"}\n", sum);
  } else {
    snprintf(label, sizeof label, _("DEPOSITS %s"), l->date);
    print_centered(stdout, label);
    snprintf(label, sizeof label, _("the current business date is %s"),
             l->current_business_date);
    print_centered(stdout, label);
    rc = list_blocks(l->deposits, l->n_deposits, 0);
    snprintf(label, sizeof label, _("deposited on %s"), l->date);
    print_money_line(stdout, label, l->deposited);
    printf("\n");
    print_centered(stdout, _("IN TRANSIT, MADE ON OTHER DATES"));
    if (rc == 0)
      rc = list_blocks(l->in_transit, l->n_in_transit, 1);
    print_money_line(stdout, _("in transit, every date"), l->in_transit_total);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc ? print_out_of_memory() : 0;
}
/* ---- end of deplist ---- */
