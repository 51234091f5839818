/* cmd_report.c -- till report daily [--date YYYY-MM-DD] and till day close
 * --date YYYY-MM-DD: the daily close (日清); and the routing of till report
 * monthly (cmd_monthly.c).
 *
 * The server computes every figure from its own calendar (its TZ) and
 * checks the date; this file only asks and lays the answer out, as a
 * report a supervisor reads on a terminal or (--json) every field. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"

/* Amounts are formatted into one of a few rotating buffers, so a printf
 * may show several. */
static const char *
yuan(int64_t fen)
{
  static char bufs[8][TILL_MONEY_STR_MAX];
  static unsigned next;
  char *b = bufs[next++ % 8];
  till_money_format(fen, b, TILL_MONEY_STR_MAX);
  return b;
}

static void
hex_field(const char *key, ProtobufCBinaryData b)
{
  char hex[2 * 64 + 1] = "";
  if (b.len <= 64)
    till_hex_encode(b.data, b.len, hex);
  printf(",\"%s\":\"%s\"", key, hex);
}

static void
json_signature(const Till__V1__ChainSignature *s)
{
  if (!s) {
    printf("null");
    return;
  }
  printf("{\"txn_id\":%lld", (long long)s->txn_id);
  hex_field("head_hash", s->head_hash);
  printf(",\"at_ms\":%lld,\"reason\":", (long long)s->at_ms);
  json_str(stdout, s->reason);
  hex_field("signature", s->signature);
  printf("}");
}

static void
json_shifts(const char *key, Till__V1__ShiftSummary **s, size_t n)
{
  printf(",\"%s\":[", key);
  for (size_t i = 0; i < n; i++)
    print_shift_summary_json(s[i], i == 0);
  printf("]");
}

static void
print_daily_json(const Till__V1__DailyReportResponse *d)
{
  printf("{\"date\":");
  json_str(stdout, d->date);
  printf(",\"from_ms\":%lld,\"to_ms\":%lld,\"takings\":[", (long long)d->from_ms,
         (long long)d->to_ms);
  for (size_t i = 0; i < d->n_takings; i++) {
    const Till__V1__TakingsRow *t = d->takings[i];
    printf("%s{\"item\":", i ? "," : "");
    json_str(stdout, t->item);
    printf(",\"method\":");
    json_str(stdout, t->method);
    printf(",\"cashier\":");
    json_str(stdout, t->cashier);
    printf(",\"terminal\":");
    json_str(stdout, t->terminal_id);
    printf(",\"quantity\":%lld,\"amount\":\"%s\",\"void_quantity\":%lld,\"void_amount\":\"%s\"}",
           (long long)t->quantity, yuan(t->amount), (long long)t->void_quantity,
           yuan(t->void_amount));
  }
  printf("],\"sales_amount\":\"%s\",\"void_amount\":\"%s\",\"net_amount\":\"%s\",\"methods\":[",
         yuan(d->sales_amount), yuan(d->void_amount), yuan(d->net_amount));
  for (size_t i = 0; i < d->n_methods; i++)
    printf("%s{\"method\":\"%s\",\"amount\":\"%s\"}", i ? "," : "",
           print_method((int)d->methods[i]->method), yuan(d->methods[i]->amount));
  printf("],\"receipts\":[");
  for (size_t i = 0; i < d->n_receipts; i++) {
    const Till__V1__SeriesDay *s = d->receipts[i];
    printf("%s{\"series\":", i ? "," : "");
    json_str(stdout, s->series);
    printf(",\"first_no\":%lld,\"last_no\":%lld,\"issued\":%lld,\"voided\":%lld}",
           (long long)s->first_no, (long long)s->last_no, (long long)s->issued,
           (long long)s->voided);
  }
  printf("],\"receipts_issued\":%lld,\"receipts_voided\":%lld", (long long)d->receipts_issued,
         (long long)d->receipts_voided);
  json_shifts("shifts", d->shifts, d->n_shifts);
  printf(",\"floats\":\"%s\",\"variance\":\"%s\",\"deposits\":[", yuan(d->floats),
         yuan(d->variance));
  for (size_t i = 0; i < d->n_deposits; i++) {
    const Till__V1__DepositInfo *p = d->deposits[i];
    printf("%s{\"id\":%lld,\"slip\":", i ? "," : "", (long long)p->id);
    json_str(stdout, p->slip);
    printf(",\"amount\":\"%s\",\"state\":\"%s\",\"shifts\":[", yuan(p->amount),
           print_deposit_state((int)p->state));
    for (size_t k = 0; k < p->n_shift_ids; k++)
      printf("%s%lld", k ? "," : "", (long long)p->shift_ids[k]);
    printf("],\"created_by\":");
    json_str(stdout, p->created_by);
    printf(",\"created_at\":%lld,\"confirmed_by\":", (long long)p->created_at);
    json_str(stdout, p->confirmed_by);
    printf(",\"confirmed_at\":%lld,\"txn_id\":%lld,\"confirm_txn_id\":%lld}",
           (long long)p->confirmed_at, (long long)p->txn_id, (long long)p->confirm_txn_id);
  }
  printf("],\"deposited\":\"%s\"", yuan(d->deposited));
  json_shifts("undeposited", d->undeposited, d->n_undeposited);
  printf(",\"undeposited_amount\":\"%s\"", yuan(d->undeposited_amount));
  json_shifts("open_shifts", d->open_shifts, d->n_open_shifts);
  printf(",\"closed\":%s,\"closed_by\":", d->closed ? "true" : "false");
  json_str(stdout, d->closed_by);
  printf(",\"closed_at\":%lld,\"close_signature\":", (long long)d->closed_at);
  json_signature(d->closed ? d->close_signature : NULL);
  printf("}\n");
}

static void
heading(const char *title)
{
  printf("\n%s\n", title);
  for (size_t i = 0; title[i]; i++)
    putchar('-');
  putchar('\n');
}

static void
print_shift_rows(Till__V1__ShiftSummary **s, size_t n)
{
  char opened[32], closed[32];
  printf("%-6s %-12s %-12s %-9s %-19s %-19s %12s %10s %12s %s\n", "SHIFT", "TERMINAL",
         "CASHIER", "STATE", "OPENED", "CLOSED", "COUNTED", "VARIANCE", "TO DEPOSIT", "DEPOSIT");
  for (size_t i = 0; i < n; i++) {
    fmt_time(s[i]->opened_at, opened, sizeof opened);
    fmt_time(s[i]->closed_at, closed, sizeof closed);
    int open = s[i]->state == TILL__V1__SHIFT_STATE__SHIFT_OPEN;
    printf("%-6lld %-12s %-12s %-9s %-19s %-19s %12s %10s %12s ", (long long)s[i]->shift_id,
           s[i]->terminal_id, s[i]->cashier, print_shift_state((int)s[i]->state), opened, closed,
           open ? "-" : yuan(s[i]->counted_cash), open ? "-" : yuan(s[i]->cash_variance),
           open ? "-" : yuan(s[i]->depositable));
    if (s[i]->deposit_id)
      printf("%lld\n", (long long)s[i]->deposit_id);
    else
      printf("-\n");
  }
}

static void
print_daily_text(const Till__V1__DailyReportResponse *d)
{
  char from[32], to[32], when[32], n1[TILL_RECEIPT_NO_MAX], n2[TILL_RECEIPT_NO_MAX];
  fmt_time(d->from_ms / 1000, from, sizeof from);
  fmt_time(d->to_ms / 1000, to, sizeof to);
  printf("DAILY REPORT %s  (%s .. %s)\n", d->date, from, to);
  if (d->closed) {
    fmt_time(d->closed_at, when, sizeof when);
    printf("day CLOSED by %s at %s; chain head %lld signed (%s)\n", d->closed_by, when,
           d->close_signature ? (long long)d->close_signature->txn_id : 0LL,
           d->close_signature ? d->close_signature->reason : "?");
  } else {
    printf("day OPEN: not closed yet\n");
  }

  heading("Takings (sales on the day posted, voids on the day approved)");
  printf("%-12s %-9s %-12s %-12s %6s %12s %6s %12s %12s\n", "ITEM", "METHOD", "CASHIER",
         "TERMINAL", "QTY", "SOLD", "VOIDS", "VOIDED", "NET");
  for (size_t i = 0; i < d->n_takings; i++) {
    const Till__V1__TakingsRow *t = d->takings[i];
    printf("%-12s %-9s %-12s %-12s %6lld %12s %6lld %12s %12s\n", t->item, t->method, t->cashier,
           t->terminal_id, (long long)t->quantity, yuan(t->amount), (long long)t->void_quantity,
           yuan(t->void_amount), yuan(t->amount - t->void_amount));
  }
  printf("%-12s %-9s %-12s %-12s %6s %12s %6s %12s %12s\n", "TOTAL", "", "", "", "",
         yuan(d->sales_amount), "", yuan(d->void_amount), yuan(d->net_amount));

  heading("Net by method");
  for (size_t i = 0; i < d->n_methods; i++)
    printf("%-12s %12s\n", print_method((int)d->methods[i]->method), yuan(d->methods[i]->amount));
  printf("%-12s %12s\n", "total", yuan(d->net_amount));

  heading("Receipts issued");
  printf("%-10s %-18s %-18s %7s %7s\n", "SERIES", "FIRST", "LAST", "ISSUED", "VOIDED");
  for (size_t i = 0; i < d->n_receipts; i++) {
    const Till__V1__SeriesDay *s = d->receipts[i];
    till_receipt_format(s->series, s->first_no, n1, sizeof n1);
    till_receipt_format(s->series, s->last_no, n2, sizeof n2);
    printf("%-10s %-18s %-18s %7lld %7lld\n", s->series, n1, n2, (long long)s->issued,
           (long long)s->voided);
  }
  printf("%-10s %-18s %-18s %7lld %7lld\n", "total", "", "", (long long)d->receipts_issued,
         (long long)d->receipts_voided);

  heading("Shifts opened or closed");
  print_shift_rows(d->shifts, d->n_shifts);
  printf("floats issued %s; variance of shifts closed %s\n", yuan(d->floats), yuan(d->variance));

  heading("Deposits");
  printf("%-6s %-16s %12s %-11s %s\n", "ID", "SLIP", "AMOUNT", "STATE", "SHIFTS");
  for (size_t i = 0; i < d->n_deposits; i++) {
    const Till__V1__DepositInfo *p = d->deposits[i];
    printf("%-6lld %-16s %12s %-11s", (long long)p->id, p->slip, yuan(p->amount),
           print_deposit_state((int)p->state));
    for (size_t k = 0; k < p->n_shift_ids; k++)
      printf(" %lld", (long long)p->shift_ids[k]);
    printf("\n");
  }
  printf("deposited %s\n", yuan(d->deposited));

  heading("Not yet deposited (closed by the day's end)");
  print_shift_rows(d->undeposited, d->n_undeposited);
  printf("not deposited %s\n", yuan(d->undeposited_amount));

  heading("Open shifts (opened on or before the day)");
  if (d->n_open_shifts)
    print_shift_rows(d->open_shifts, d->n_open_shifts);
  else
    printf("none\n");
}

/* 1 if the command line ends in <name> with no value after it: cli_opt
 * would not see it, and a forgotten date must not mean "today". */
static int
opt_lacks_value(cli_t *cli, const char *name)
{
  return cli->argc > 0 && strcmp(cli->argv[cli->argc - 1], name) == 0;
}

int
cmd_report_daily(cli_t *cli)
{
  Till__V1__DailyReportRequest dr = TILL__V1__DAILY_REPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *date = cli_opt(cli, "--date");
  if (cli_arg(cli, 2) || opt_lacks_value(cli, "--date"))
    return commands_usage_error(cli);
  /* empty: the server's today, on its own calendar */
  dr.date = (char *)(date ? date : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ;
  req.daily_report_req = &dr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP, &rc);
  if (!resp)
    return rc;
  if (cli->json)
    print_daily_json(resp->daily_report_resp);
  else
    print_daily_text(resp->daily_report_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_day_close(cli_t *cli)
{
  Till__V1__DayCloseRequest dc = TILL__V1__DAY_CLOSE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *date = cli_opt(cli, "--date");
  if (!date || cli_arg(cli, 2))
    return commands_usage_error(cli);
  dc.date = (char *)date;
  req.body_case = TILL__V1__ENVELOPE__BODY_DAY_CLOSE_REQ;
  req.day_close_req = &dc;
  int rc;
  /* no idempotency key: closing a closed day answers the first close */
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAY_CLOSE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->day_close_resp->signature)
    return cli_unexpected(resp, "a signature");
  const Till__V1__DayCloseResponse *c = resp->day_close_resp;
  if (cli->json) {
    printf("{\"date\":");
    json_str(stdout, c->date);
    printf(",\"closed_by\":");
    json_str(stdout, c->closed_by);
    printf(",\"closed_at\":%lld,\"signature\":", (long long)c->closed_at);
    json_signature(c->signature);
    printf(",\"replayed\":%s}\n", c->replayed ? "true" : "false");
  } else {
    char when[32], hex[2 * 32 + 1] = "";
    fmt_time(c->closed_at, when, sizeof when);
    if (c->signature->head_hash.len == 32)
      till_hex_encode(c->signature->head_hash.data, 32, hex);
    printf("day %s %sclosed by %s at %s\n", c->date, c->replayed ? "was already " : "",
           c->closed_by, when);
    printf("signed chain head %lld (%s), hash %s\n", (long long)c->signature->txn_id,
           c->signature->reason, hex);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
