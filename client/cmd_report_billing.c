/* cmd_report_billing.c -- billing's reports: till report arrears (欠费 aged
 * by year, per complex and scheme), till report collection (收缴率 of a
 * period per scheme, complex and collector) and till report reminders (the
 * payers to remind, and those for legal action after N reminders). Till
 * never offers to cut water, power or heat (docs/billing.md). */
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
age_text(int age)
{
  switch (age) {
  case 0:
    return _("this year");
  case 1:
    return _("1 year");
  case 2:
    return _("2 years");
  default:
    return _("3 years or more");
  }
}

static int
arrears_print(const Till__V1__ArrearsResponse *a)
{
  char open[TILL_MONEY_STR_MAX], year[16], payers[24];
  layout_table_t *t = layout_table_new(6, "llrlrr");
  int ok = t && layout_table_add(t, _("COMPLEX"), _("SCHEME"), _("YEAR"), _("AGE"), _("PAYERS"),
                                 _("OPEN")) == 0;
  for (size_t i = 0; ok && i < a->n_rows; i++) {
    const Till__V1__ArrearsRow *r = a->rows[i];
    snprintf(year, sizeof year, "%d", (int)r->year);
    snprintf(payers, sizeof payers, "%lld", (long long)r->payers);
    till_money_format(r->open, open, sizeof open);
    ok = layout_table_add(t, r->complex, r->scheme, year, age_text((int)r->age), payers, open) == 0;
  }
  if (print_table(t, ok, "") != 0)
    return print_out_of_memory();
  for (size_t i = 0; i < a->n_age_totals; i++) {
    till_money_format(a->age_totals[i], open, sizeof open);
    printf(_("%s: %s\n"), age_text((int)i), open);
  }
  till_money_format(a->total, open, sizeof open);
  printf(_("arrears in all: %s, %lld payers\n"), open, (long long)a->payers);
  return 0;
}

int
cmd_report_arrears(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ArrearsRequest ar = TILL__V1__ARREARS_REQUEST__INIT;
  int rc;
  const char *complex = cli_opt(cli, "--complex"), *scheme = cli_opt(cli, "--scheme");
  ar.complex = (char *)(complex ? complex : "");
  ar.scheme = (char *)(scheme ? scheme : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_ARREARS_REQ;
  req.arrears_req = &ar;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_ARREARS_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ArrearsResponse *a = resp->arrears_resp;
  if (cli->json) {
    printf("{\"current_year\":%d,\"rows\":[", (int)a->current_year);
    for (size_t i = 0; i < a->n_rows; i++) {
      printf("%s{\"complex\":", i ? "," : "");
      json_str(stdout, a->rows[i]->complex);
      printf(",\"scheme\":");
      json_str(stdout, a->rows[i]->scheme);
      printf(",\"year\":%d,\"age\":%d,\"payers\":%lld", (int)a->rows[i]->year, (int)a->rows[i]->age,
             (long long)a->rows[i]->payers);
      json_money(stdout, "open", a->rows[i]->open, 1);
      printf("}");
    }
    printf("],\"age_totals\":[");
    for (size_t i = 0; i < a->n_age_totals; i++) {
      char m[TILL_MONEY_STR_MAX];
      till_money_format(a->age_totals[i], m, sizeof m);
      printf("%s\"%s\"", i ? "," : "", m);
    }
    printf("]");
    json_money(stdout, "total", a->total, 1);
    printf(",\"payers\":%lld}\n", (long long)a->payers);
  } else {
    rc = arrears_print(a);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

static const char *
by_text(const char *by)
{
  if (strcmp(by, "scheme") == 0)
    return _("scheme");
  if (strcmp(by, "complex") == 0)
    return _("complex");
  if (strcmp(by, "collector") == 0)
    return _("collector");
  return by;
}

/* "98.76" of 9876 basis points */
static void
percent(int64_t bp, char *buf, size_t len)
{
  int64_t m = bp < 0 ? -bp : bp;
  snprintf(buf, len, "%s%lld.%02lld", bp < 0 ? "-" : "", (long long)(m / 100), (long long)(m % 100));
}

static int
collection_print(const Till__V1__CollectionResponse *c)
{
  char a[5][TILL_MONEY_STR_MAX], pc[32];
  till_money_format(c->charged, a[0], sizeof a[0]);
  till_money_format(c->waived, a[1], sizeof a[1]);
  till_money_format(c->due, a[2], sizeof a[2]);
  till_money_format(c->collected, a[3], sizeof a[3]);
  till_money_format(c->pending, a[4], sizeof a[4]);
  percent(c->rate_bp, pc, sizeof pc);
  printf(_("collection of %s %s: charged %s, waived %s, due %s, collected %s (%s %%); cheques "
           "pending %s\n"),
         c->period, c->scheme[0] ? c->scheme : _("(every scheme)"), a[0], a[1], a[2], a[3], pc, a[4]);
  layout_table_t *t = layout_table_new(5, "llrrr");
  int ok = t && layout_table_add(t, _("BY"), _("NAME"), _("DUE"), _("COLLECTED"), _("RATE %")) == 0;
  for (size_t i = 0; ok && i < c->n_rows; i++) {
    const Till__V1__CollectionRow *r = c->rows[i];
    till_money_format(r->due, a[0], sizeof a[0]);
    till_money_format(r->collected, a[1], sizeof a[1]);
    percent(r->rate_bp, pc, sizeof pc);
    ok = layout_table_add(t, by_text(r->by), r->key, r->due ? a[0] : "-", a[1], pc) == 0;
  }
  return print_table(t, ok, "") != 0 ? print_out_of_memory() : 0;
}

int
cmd_report_collection(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__CollectionRequest cr = TILL__V1__COLLECTION_REQUEST__INIT;
  int rc;
  const char *period = cli_opt(cli, "--period"), *scheme = cli_opt(cli, "--scheme");
  if (!period)
    return cli_usage_error(_("report collection needs --period P (2026-2027, 2026 or 2026-11)"));
  cr.period = (char *)period;
  cr.scheme = (char *)(scheme ? scheme : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_COLLECTION_REQ;
  req.collection_req = &cr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_COLLECTION_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__CollectionResponse *c = resp->collection_resp;
  if (cli->json) {
    printf("{\"period\":");
    json_str(stdout, c->period);
    printf(",\"scheme\":");
    json_str(stdout, c->scheme);
    json_money(stdout, "charged", c->charged, 1);
    json_money(stdout, "waived", c->waived, 1);
    json_money(stdout, "due", c->due, 1);
    json_money(stdout, "collected", c->collected, 1);
    json_money(stdout, "pending", c->pending, 1);
    printf(",\"rate_bp\":%lld,\"rows\":[", (long long)c->rate_bp);
    for (size_t i = 0; i < c->n_rows; i++) {
      printf("%s{\"by\":\"%s\",\"key\":", i ? "," : "", c->rows[i]->by);
      json_str(stdout, c->rows[i]->key);
      json_money(stdout, "due", c->rows[i]->due, 1);
      json_money(stdout, "collected", c->rows[i]->collected, 1);
      printf(",\"rate_bp\":%lld}", (long long)c->rows[i]->rate_bp);
    }
    printf("]}\n");
  } else {
    rc = collection_print(c);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

static int
reminder_table(Till__V1__ReminderPayer **list, size_t n)
{
  char owing[TILL_MONEY_STR_MAX], id[24], years[32], count[16], last[32];
  layout_table_t *t = layout_table_new(9, "rllllrrrl");
  int ok = t && layout_table_add(t, _("PAYER"), _("COMPLEX"), _("UNIT"), _("OWNER"), _("PHONE"),
                                 _("OWING"), _("YEARS"), _("REMINDERS"), _("LAST REMINDER")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    const Till__V1__ReminderPayer *p = list[i];
    snprintf(id, sizeof id, "%lld", (long long)p->payer_id);
    till_money_format(p->owing, owing, sizeof owing);
    snprintf(years, sizeof years, "%d (%d-)", (int)p->years, (int)p->oldest_year);
    snprintf(count, sizeof count, "%d", (int)p->reminders);
    fmt_time(p->last_reminder_at, last, sizeof last);
    ok = layout_table_add(t, id, p->complex, p->unit, p->owner, p->phone, owing, years, count,
                          last) == 0;
  }
  return print_table(t, ok, "") != 0 ? print_out_of_memory() : 0;
}

static void
reminder_json(Till__V1__ReminderPayer **list, size_t n)
{
  printf("[");
  for (size_t i = 0; i < n; i++) {
    const Till__V1__ReminderPayer *p = list[i];
    printf("%s{\"payer_id\":%lld,\"complex\":", i ? "," : "", (long long)p->payer_id);
    json_str(stdout, p->complex);
    printf(",\"unit\":");
    json_str(stdout, p->unit);
    printf(",\"owner\":");
    json_str(stdout, p->owner);
    printf(",\"phone\":");
    json_str(stdout, p->phone);
    json_money(stdout, "owing", p->owing, 1);
    printf(",\"years\":%d,\"oldest_year\":%d,\"reminders\":%d,\"last_reminder_at\":%lld}",
           (int)p->years, (int)p->oldest_year, (int)p->reminders, (long long)p->last_reminder_at);
  }
  printf("]");
}

int
cmd_report_reminders(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ReminderListRequest rl = TILL__V1__REMINDER_LIST_REQUEST__INIT;
  int rc;
  int64_t v;
  const char *years = cli_opt(cli, "--min-years"), *legal = cli_opt(cli, "--legal-after");
  if (years && till_parse_i64(years, 0, 100, &v) != 0)
    return cli_usage_error(_("--min-years must be a number of years, 0 to 100"));
  rl.min_years = years ? (int32_t)v : 0;
  if (legal && till_parse_i64(legal, 1, 1000, &v) != 0)
    return cli_usage_error(_("--legal-after must be a number of reminders, 1 to 1000"));
  rl.legal_after = legal ? (int32_t)v : 0;
  req.body_case = TILL__V1__ENVELOPE__BODY_REMINDER_LIST_REQ;
  req.reminder_list_req = &rl;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REMINDER_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ReminderListResponse *l = resp->reminder_list_resp;
  if (cli->json) {
    printf("{\"legal_after\":%d,\"remind\":", (int)l->legal_after);
    reminder_json(l->remind, l->n_remind);
    printf(",\"legal\":");
    reminder_json(l->legal, l->n_legal);
    printf(",\"more\":%s}\n", l->more ? "true" : "false");
  } else {
    printf("%s\n", _("to remind:"));
    rc = reminder_table(l->remind, l->n_remind);
    printf(_("for legal action (%d reminders or more):\n"), (int)l->legal_after);
    if (rc == 0)
      rc = reminder_table(l->legal, l->n_legal);
    printf("%s\n", _("Till never cuts water, power or heat to force payment (Civil Code art. 944)."));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
