/* cmd_monthly.c -- till report monthly (the monthly settlement, 月结) and
 * till target set (a cashier's monthly collection target).
 *
 * The server computes every figure; this file only lays them out: a table
 * per day, per fee item and per cashier, in yuan, or with --json one object
 * with every field of MonthlyReportResponse (amounts as yuan strings, ratios
 * in basis points and as a percentage string). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "print.h"
#include "till_money.h"

static void
yuan(char buf[TILL_MONEY_STR_MAX], int64_t fen)
{
  till_money_format(fen, buf, TILL_MONEY_STR_MAX);
}

/* Basis points as a percentage with two decimals: -197 -> "-1.97". */
static void
fmt_bp(char *buf, size_t len, int64_t bp)
{
  uint64_t mag = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
  snprintf(buf, len, "%s%llu.%02llu", bp < 0 ? "-" : "", (unsigned long long)(mag / 100),
           (unsigned long long)(mag % 100));
}

static const char *
band_key(int band)
{
  static const char *const keys[] = {"none", "within_5", "5_10", "10_15", "beyond_15"};
  return band >= 0 && band <= 4 ? keys[band] : "none";
}

/* "within 5%", "5-10% below", "beyond 15% above", "no target" */
static void
band_text(char *buf, size_t len, const Till__V1__CashierMonth *c)
{
  const char *dir = c->above ? "above" : "below";
  switch (c->band) {
  case TILL__V1__TARGET_BAND__BAND_WITHIN_5: snprintf(buf, len, "within 5%%"); break;
  case TILL__V1__TARGET_BAND__BAND_5_10: snprintf(buf, len, "5-10%% %s", dir); break;
  case TILL__V1__TARGET_BAND__BAND_10_15: snprintf(buf, len, "10-15%% %s", dir); break;
  case TILL__V1__TARGET_BAND__BAND_BEYOND_15: snprintf(buf, len, "beyond 15%% %s", dir); break;
  default: snprintf(buf, len, "no target"); break;
  }
}

static void
print_monthly_json(const Till__V1__MonthlyReportResponse *m)
{
  char pct[40];
  printf("{\"month\":");
  json_str(stdout, m->month);
  printf(",\"from_ms\":%lld,\"to_ms\":%lld,\"days\":[", (long long)m->from_ms,
         (long long)m->to_ms);
  for (size_t i = 0; i < m->n_days; i++) {
    const Till__V1__DayTotal *d = m->days[i];
    printf("%s{\"date\":", i ? "," : "");
    json_str(stdout, d->date);
    printf(",\"receipts\":%lld", (long long)d->receipts);
    json_money(stdout, "amount", d->amount, 1);
    json_money(stdout, "cash", d->cash, 1);
    json_money(stdout, "noncash", d->noncash, 1);
    printf("}");
  }
  printf("],\"items\":[");
  for (size_t i = 0; i < m->n_items; i++) {
    const Till__V1__MonthItem *it = m->items[i];
    printf("%s{\"item\":", i ? "," : "");
    json_str(stdout, it->item);
    printf(",\"name\":");
    json_str(stdout, it->name);
    printf(",\"quantity\":%lld", (long long)it->quantity);
    json_money(stdout, "amount", it->amount, 1);
    printf("}");
  }
  printf("]");
  json_money(stdout, "total", m->total, 1);
  json_money(stdout, "cash", m->cash, 1);
  json_money(stdout, "noncash", m->noncash, 1);
  fmt_bp(pct, sizeof pct, m->epay_ratio_bp);
  printf(",\"epay_ratio_bp\":%lld,\"epay_ratio_percent\":\"%s\",\"waivers\":[",
         (long long)m->epay_ratio_bp, pct);
  for (size_t i = 0; i < m->n_waivers; i++) {
    const Till__V1__WaiverTotal *w = m->waivers[i];
    printf("%s{\"account\":", i ? "," : "");
    json_str(stdout, w->account);
    printf(",\"count\":%lld", (long long)w->count);
    json_money(stdout, "amount", w->amount, 1);
    printf("}");
  }
  printf("],\"cashiers\":[");
  for (size_t i = 0; i < m->n_cashiers; i++) {
    const Till__V1__CashierMonth *c = m->cashiers[i];
    printf("%s{\"cashier\":", i ? "," : "");
    json_str(stdout, c->cashier);
    json_money(stdout, "collected", c->collected, 1);
    json_money(stdout, "over_short", c->over_short, 1);
    json_money(stdout, "target", c->target, 1);
    fmt_bp(pct, sizeof pct, c->deviation_bp);
    printf(",\"deviation_bp\":%lld,\"deviation_percent\":\"%s\",\"band\":\"%s\",\"above\":%s}",
           (long long)c->deviation_bp, pct, band_key(c->band), c->above ? "true" : "false");
  }
  printf("]}\n");
}

static void
print_monthly_text(const Till__V1__MonthlyReportResponse *m)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX], c[TILL_MONEY_STR_MAX], from[32], to[32],
    pct[40], band[40];
  fmt_time(m->from_ms / 1000, from, sizeof from);
  fmt_time(m->to_ms / 1000, to, sizeof to);
  printf("MONTHLY SETTLEMENT %s  (%s .. %s)\n\n", m->month, from, to);
  printf("%-10s  %8s  %14s  %14s  %14s\n", "DATE", "RECEIPTS", "NET AMOUNT", "CASH", "NON-CASH");
  for (size_t i = 0; i < m->n_days; i++) {
    const Till__V1__DayTotal *d = m->days[i];
    yuan(a, d->amount);
    yuan(b, d->cash);
    yuan(c, d->noncash);
    printf("%-10s  %8lld  %14s  %14s  %14s\n", d->date, (long long)d->receipts, a, b, c);
  }
  if (!m->n_days)
    printf("(no sales this month)\n");
  printf("\n%-12s  %-24s  %8s  %14s\n", "ITEM", "NAME", "QTY", "NET AMOUNT");
  for (size_t i = 0; i < m->n_items; i++) {
    const Till__V1__MonthItem *it = m->items[i];
    yuan(a, it->amount);
    printf("%-12s  ", it->item);
    /* names may be Chinese: pad by display cells, not bytes */
    int w = print_width(it->name);
    printf("%s%*s  %8lld  %14s\n", it->name, w < 24 ? 24 - w : 0, "", (long long)it->quantity,
           a);
  }
  yuan(a, m->total);
  yuan(b, m->cash);
  yuan(c, m->noncash);
  fmt_bp(pct, sizeof pct, m->epay_ratio_bp);
  printf("\nnet collections %s   cash %s   non-cash %s   e-payment ratio %s%%\n", a, b, c, pct);
  if (!m->n_waivers) {
    printf("waivers: none\n");
  } else {
    printf("waivers:\n");
    for (size_t i = 0; i < m->n_waivers; i++) {
      yuan(a, m->waivers[i]->amount);
      printf("  %-28s %6lld  %14s\n", m->waivers[i]->account, (long long)m->waivers[i]->count, a);
    }
  }
  printf("\n%-12s  %14s  %14s  %10s  %-18s  %12s\n", "CASHIER", "COLLECTED", "TARGET",
         "DEVIATION", "BAND", "OVER/SHORT");
  for (size_t i = 0; i < m->n_cashiers; i++) {
    const Till__V1__CashierMonth *cm = m->cashiers[i];
    yuan(a, cm->collected);
    yuan(c, cm->over_short);
    band_text(band, sizeof band, cm);
    if (cm->target > 0) {
      yuan(b, cm->target);
      fmt_bp(pct, sizeof pct, cm->deviation_bp);
      strcat(pct, "%");
    } else {
      snprintf(b, sizeof b, "-");
      snprintf(pct, sizeof pct, "-");
    }
    printf("%-12s  %14s  %14s  %10s  %-18s  %12s\n", cm->cashier, a, b, pct, band, c);
  }
  if (!m->n_cashiers)
    printf("(no cashier collected anything or has a target)\n");
}

int
cmd_report_monthly(cli_t *cli)
{
  Till__V1__MonthlyReportRequest mr = TILL__V1__MONTHLY_REPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *month = cli_opt(cli, "--month");
  if (cli_arg(cli, 2))
    return commands_usage_error(cli);
  /* empty: the server's current month, in its own time zone */
  mr.month = (char *)(month ? month : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_REQ;
  req.monthly_report_req = &mr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_RESP, &rc);
  if (!resp)
    return rc;
  if (cli->json)
    print_monthly_json(resp->monthly_report_resp);
  else
    print_monthly_text(resp->monthly_report_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_target_set(cli_t *cli)
{
  Till__V1__TargetSetRequest tr = TILL__V1__TARGET_SET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *cashier = cli_opt(cli, "--cashier"), *month = cli_opt(cli, "--month"),
             *amount = cli_opt(cli, "--amount");
  if (!cashier || !month || !amount || cli_arg(cli, 2))
    return commands_usage_error(cli);
  /* the syntax here; the value (above 0, not too large) is the server's to judge */
  if (till_money_parse(amount, &tr.amount) != 0)
    return cli_usage_error("--amount must be yuan, like 12000 or 12000.50");
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
  yuan(a, t->amount);
  yuan(p, t->previous);
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
    printf("target of %s for %s: %s", t->cashier, t->month, a);
    if (t->previous > 0)
      printf(" (replaces %s)", p);
    else
      printf(" (no target before)");
    printf(", set by %s at %s\n", t->set_by, when);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
