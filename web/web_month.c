/* web_month.c -- the monthly settlement (月结) as a page, /month?month=
 * (web2, issue 24 item 3): each business date's takings, the collectors
 * against their targets with the ±5/10/15 % bands, the items, the
 * totals, the waivers (MonthlyReport); when the office bills, the
 * collection rate of each scheme's period that holds the month and the
 * arrears by year and complex (SchemeList, Collection, Arrears); when it
 * has toll lanes, the vehicles and exemptions by type of the month's
 * business dates (TollReport); when it has hospital windows, their block
 * as the daily report's (MonthlyReportResponse.hospital). Charts are SVG drawn here (web_chart.c),
 * each with its figures in a table under it; every figure is tilld's
 * answer as `till report monthly`, `till report collection`, `till report
 * arrears` and `till toll report` print it. All the calls are made before
 * the page is written, so a refusal is the whole page. */
#include "report_band.h"
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "print.h"
#include "till_names.h"
#include "web_chart.h"

#define MONTH_SCHEMES_MAX 32 /* schemes shown; an office has a handful */

/* 1 if <m> is "YYYY-MM" in digits (tilld checks the range). */
static int
month_shape_ok(const char *m)
{
  if (strlen(m) != 7 || m[4] != '-')
    return 0;
  for (int i = 0; i < 7; i++)
    if (i != 4 && (m[i] < '0' || m[i] > '9'))
      return 0;
  return 1;
}

/* "28" .. "31": the last day of "YYYY-MM" (tilld checked it) */
static int
last_day(int y, int mo)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return mo >= 1 && mo <= 12 ? days[mo - 1] : 31;
}

static void
kv_text(wreq_t *wr, const char *id, const char *label, const char *value)
{
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"%s\">", label, id);
  web_esc(wr, value);
  web_printf(wr, "</td></tr>");
}

/* <pair>: one chart and its table, side by side on a wide screen */
static void
section(wreq_t *wr, const char *id, const char *title, int pair)
{
  web_printf(wr, "<section class=\"part%s\" id=\"part-%s\"><h2>", pair ? " pair" : "", id);
  web_esc(wr, title);
  web_printf(wr, "</h2>\n");
}

static void
table_head(wreq_t *wr, const char *id, const char *const *cols, const char *align, size_t n)
{
  web_printf(wr, "<div class=\"scroll\"><table id=\"%s\"><thead><tr>", id);
  for (size_t i = 0; i < n; i++)
    web_printf(wr, "<th%s>%s</th>", align[i] == 'r' ? " class=\"num\"" : "", cols[i]);
  web_printf(wr, "</tr></thead><tbody>");
}

static void
table_end(wreq_t *wr)
{
  web_printf(wr, "</tbody></table></div>\n");
}

/* ---- the monthly report ---------------------------------------------------- */

static void
totals(wreq_t *wr, const Till__V1__MonthlyReportResponse *m)
{
  char pct[48];
  web_printf(wr, "<div class=\"scroll\"><table class=\"kv\" id=\"summary\"><tbody>");
  web_money_row(wr, "total", _("Net collections"), m->total);
  web_money_row(wr, "cash", _("Cash"), m->cash);
  web_money_row(wr, "noncash", _("Non-cash"), m->noncash);
  web_money_row(wr, "electronic", _("Electronic (card, WeChat, Alipay, bank transfer)"), m->electronic);
  web_chart_value(m->epay_ratio_bp, WEB_UNIT_BP, pct, sizeof pct);
  pct[strlen(pct) - 1] = '\0'; /* as --json's epay_ratio_percent: no % sign */
  kv_text(wr, "epay_ratio_percent", _("E-payment ratio %"), pct);
  /* ---- refunds ---- */
  web_money_row(wr, "refunds_total", _("Refunds paid out"), m->refunds_total);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"refund_count\">%lld</td></tr>",
             _("Refunds"), (long long)m->refund_count);
  web_money_row(wr, "net_takings", _("Net takings less refunds"), m->net_takings);
  /* ---- end of refunds ---- */
  web_printf(wr, "</tbody></table></div>\n");
}

static void
days(wreq_t *wr, const Till__V1__MonthlyReportResponse *m)
{
  size_t n = m->n_days;
  web_bar_t *bars = calloc(n ? n : 1, sizeof *bars);
  section(wr, "days", _("Takings of each business date"), 1);
  if (bars) {
    for (size_t i = 0; i < n; i++) {
      const char *d = m->days[i]->date;
      /* the day of the month under its column: "07" */
      bars[i] = (web_bar_t){d && strlen(d) == 10 ? d + 8 : d, m->days[i]->amount, NULL};
    }
    web_chart_columns(wr, "chart-days", _("Net takings of each business date"), bars, n,
                      WEB_UNIT_FEN);
    free(bars);
  }
  static const char *cols[5];
  cols[0] = _("Date"), cols[1] = _("Receipts"), cols[2] = _("Net amount"), cols[3] = _("Cash"),
  cols[4] = _("Non-cash");
  table_head(wr, "days", cols, "lrrrr", 5);
  for (size_t i = 0; i < n; i++) {
    const Till__V1__DayTotal *d = m->days[i];
    web_printf(wr, "<tr><td>");
    web_esc(wr, d->date);
    web_printf(wr, "</td><td class=\"num\">%lld</td>", (long long)d->receipts);
    web_money_cell(wr, d->amount);
    web_money_cell(wr, d->cash);
    web_money_cell(wr, d->noncash);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
  if (!n)
    web_printf(wr, "<p>%s</p>", _("(no sales this month)"));
  web_printf(wr, "</section>\n");
}

static void
collectors(wreq_t *wr, const Till__V1__MonthlyReportResponse *m)
{
  char pct[48], band[80];
  size_t n = m->n_cashiers;
  web_target_t *rows = calloc(n ? n : 1, sizeof *rows);
  section(wr, "collectors", _("Collectors against their targets"), 1);
  if (rows) {
    for (size_t i = 0; i < n; i++)
      rows[i] = (web_target_t){m->cashiers[i]->cashier, m->cashiers[i]->collected,
                               m->cashiers[i]->target, report_band_key((int)m->cashiers[i]->band)};
    web_chart_targets(wr, "chart-collectors",
                      /* xgettext:no-c-format */
                      _("Collected (bar) against the target (line); the shades are the bands "
                        "within 5, 10 and 15 % of it"),
                      rows, n);
    free(rows);
  }
  static const char *cols[6];
  cols[0] = _("Cashier"), cols[1] = _("Collected"), cols[2] = _("Target"),
  cols[3] = _("Deviation %"), cols[4] = _("Band"), cols[5] = _("Over/short");
  table_head(wr, "collectors", cols, "lrrrlr", 6);
  for (size_t i = 0; i < n; i++) {
    const Till__V1__CashierMonth *c = m->cashiers[i];
    web_printf(wr, "<tr class=\"band-%s%s\"><td>", report_band_key((int)c->band),
               c->band && !c->above ? " below" : "");
    web_esc(wr, c->cashier);
    web_printf(wr, "</td>");
    web_money_cell(wr, c->collected);
    if (c->target > 0) {
      web_money_cell(wr, c->target);
      web_chart_value(c->deviation_bp, WEB_UNIT_BP, pct, sizeof pct);
      pct[strlen(pct) - 1] = '\0';
      web_printf(wr, "<td class=\"num\">%s</td>", pct);
    } else {
      web_printf(wr, "<td class=\"num\">-</td><td class=\"num\">-</td>");
    }
    report_band_text(band, sizeof band, c);
    web_printf(wr, "<td class=\"band\">");
    web_esc(wr, band);
    web_printf(wr, "</td>");
    web_money_cell(wr, c->over_short);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
  if (!n)
    web_printf(wr, "<p>%s</p>", _("(no cashier collected anything or has a target)"));
  web_printf(wr, "</section>\n");
}

static void
items_waivers(wreq_t *wr, const Till__V1__MonthlyReportResponse *m)
{
  section(wr, "items", _("Takings by item"), 0);
  static const char *cols[4];
  cols[0] = _("Item"), cols[1] = _("Name"), cols[2] = _("Quantity"), cols[3] = _("Net amount");
  table_head(wr, "month-items", cols, "llrr", 4);
  for (size_t i = 0; i < m->n_items; i++) {
    const Till__V1__MonthItem *it = m->items[i];
    web_printf(wr, "<tr><td>");
    web_esc(wr, it->item);
    web_printf(wr, "</td><td>");
    web_esc(wr, it->name);
    web_printf(wr, "</td><td class=\"num\">%lld</td>", (long long)it->quantity);
    web_money_cell(wr, it->amount);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
  web_printf(wr, "<h3>%s</h3>", _("Waivers"));
  cols[0] = _("Account"), cols[1] = _("Count"), cols[2] = _("Amount");
  table_head(wr, "waivers", cols, "lrr", 3);
  for (size_t i = 0; i < m->n_waivers; i++) {
    web_printf(wr, "<tr><td>");
    web_esc(wr, m->waivers[i]->account);
    web_printf(wr, "</td><td class=\"num\">%lld</td>", (long long)m->waivers[i]->count);
    web_money_cell(wr, m->waivers[i]->amount);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
  web_printf(wr, "</section>\n");
}

/* ---- billing: collection rate and arrears ---------------------------------- */

/* The period of <s> that holds the month "YYYY-MM": its month, its year,
 * or its heating season (a season starts on season_start, 11-15 when
 * unset, and is named by its two years: the month of the start and after
 * are in the season beginning that year). */
static void
period_of(const Till__V1__Scheme *s, const char *month, char *out, size_t len)
{
  int y = atoi(month), mo = atoi(month + 5), start = 11;
  if (s->season_start && strlen(s->season_start) == 5)
    start = atoi(s->season_start);
  if (strcmp(s->period, "month") == 0)
    snprintf(out, len, "%s", month);
  else if (strcmp(s->period, "year") == 0)
    snprintf(out, len, "%04d", y);
  else if (mo >= start)
    snprintf(out, len, "%04d-%04d", y, y + 1);
  else
    snprintf(out, len, "%04d-%04d", y - 1, y);
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

static void
collection(wreq_t *wr, const Till__V1__Scheme *s, const Till__V1__CollectionResponse *c)
{
  char pct[48], id[64];
  snprintf(id, sizeof id, "collection-%s", s->code);
  web_printf(wr, "<h3>");
  web_esc(wr, s->name);
  web_printf(wr, " (");
  web_esc(wr, s->code);
  web_printf(wr, ") %s <span class=\"period\">", _("period"));
  web_esc(wr, c->period);
  web_printf(wr, "</span></h3>\n<div class=\"scroll\"><table class=\"kv\" id=\"%s-summary\"><tbody>",
             id);
  static const char *const keys[] = {"charged", "waived", "due", "collected", "pending"};
  const char *labels[] = {_("Charged"), _("Waived"), _("Due"), _("Collected"), _("Cheques pending")};
  const int64_t values[] = {c->charged, c->waived, c->due, c->collected, c->pending};
  for (size_t i = 0; i < 5; i++) {
    char kid[96];
    snprintf(kid, sizeof kid, "%s-%s", id, keys[i]);
    web_money_row(wr, kid, labels[i], values[i]);
  }
  web_chart_value(c->rate_bp, WEB_UNIT_BP, pct, sizeof pct);
  pct[strlen(pct) - 1] = '\0';
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"%s-rate\">%s</td></tr></tbody></table></div>\n",
             _("Collection rate %"), id, pct);
  web_bar_t *bars = calloc(c->n_rows ? c->n_rows : 1, sizeof *bars);
  size_t n = 0;
  for (size_t i = 0; bars && i < c->n_rows; i++)
    if (strcmp(c->rows[i]->by, "complex") == 0)
      bars[n++] = (web_bar_t){c->rows[i]->key, c->rows[i]->rate_bp, "rate"};
  if (bars) {
    char cid[80];
    snprintf(cid, sizeof cid, "chart-%s", id);
    web_chart_bars(wr, cid, _("Collection rate by complex"), bars, n, WEB_UNIT_BP);
    free(bars);
  }
  static const char *cols[5];
  cols[0] = _("By"), cols[1] = _("Name"), cols[2] = _("Due"), cols[3] = _("Collected"),
  cols[4] = _("Rate %");
  table_head(wr, id, cols, "llrrr", 5);
  for (size_t i = 0; i < c->n_rows; i++) {
    const Till__V1__CollectionRow *r = c->rows[i];
    web_printf(wr, "<tr><td>%s</td><td>", by_text(r->by));
    web_esc(wr, r->key);
    web_printf(wr, "</td>");
    if (r->due)
      web_money_cell(wr, r->due);
    else
      web_printf(wr, "<td class=\"num\">-</td>");
    web_money_cell(wr, r->collected);
    web_chart_value(r->rate_bp, WEB_UNIT_BP, pct, sizeof pct);
    pct[strlen(pct) - 1] = '\0';
    web_printf(wr, "<td class=\"num\">%s</td></tr>", pct);
  }
  table_end(wr);
}

static const char *
age_text(int age)
{
  switch (age) {
  case 0: return _("this year");
  case 1: return _("1 year");
  case 2: return _("2 years");
  default: return _("3 years or more");
  }
}

static void
arrears(wreq_t *wr, const Till__V1__ArrearsResponse *a)
{
  char label[8];
  web_printf(wr, "<h3>%s</h3>\n", _("Arrears by year and complex"));
  /* a column per year with arrears, oldest first */
  int32_t years[64];
  int64_t open[64];
  size_t ny = 0;
  for (size_t i = 0; i < a->n_rows; i++) {
    size_t k = 0;
    while (k < ny && years[k] != a->rows[i]->year)
      k++;
    if (k == ny) {
      if (ny == sizeof years / sizeof years[0])
        continue; /* 64 years of arrears: the table below still lists them */
      years[ny] = a->rows[i]->year, open[ny++] = 0;
    }
    open[k] += a->rows[i]->open;
  }
  for (size_t i = 1; i < ny; i++) /* insertion sort, at most 64 */
    for (size_t k = i; k > 0 && years[k - 1] > years[k]; k--) {
      int32_t y = years[k];
      int64_t o = open[k];
      years[k] = years[k - 1], open[k] = open[k - 1];
      years[k - 1] = y, open[k - 1] = o;
    }
  web_bar_t bars[64];
  char labels[64][8];
  for (size_t i = 0; i < ny; i++) {
    snprintf(labels[i], sizeof labels[i], "%d", (int)years[i]);
    bars[i] = (web_bar_t){labels[i], open[i], "arrears"};
  }
  web_chart_columns(wr, "chart-arrears", _("Arrears open by the year they count under"), bars, ny,
                    WEB_UNIT_FEN);
  static const char *cols[6];
  cols[0] = _("Complex"), cols[1] = _("Scheme"), cols[2] = _("Year"), cols[3] = _("Age"),
  cols[4] = _("Payers"), cols[5] = _("Open");
  table_head(wr, "arrears", cols, "llrlrr", 6);
  for (size_t i = 0; i < a->n_rows; i++) {
    const Till__V1__ArrearsRow *r = a->rows[i];
    snprintf(label, sizeof label, "%d", (int)r->year);
    web_printf(wr, "<tr><td>");
    web_esc(wr, r->complex);
    web_printf(wr, "</td><td>");
    web_esc(wr, r->scheme);
    web_printf(wr, "</td><td class=\"num\">%s</td><td>%s</td><td class=\"num\">%lld</td>", label,
               age_text((int)r->age), (long long)r->payers);
    web_money_cell(wr, r->open);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
  web_printf(wr, "<div class=\"scroll\"><table class=\"kv\" id=\"arrears-summary\"><tbody>");
  for (size_t i = 0; i < a->n_age_totals && i < 4; i++) {
    char id[16];
    snprintf(id, sizeof id, "age-%zu", i);
    web_money_row(wr, id, age_text((int)i), a->age_totals[i]);
  }
  web_money_row(wr, "arrears_total", _("Arrears in all"), a->total);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"arrears_payers\">%lld</td></tr>",
             _("Payers owing"), (long long)a->payers);
  web_printf(wr, "</tbody></table></div>\n");
}

/* ---- tolls: vehicles and exemptions by type ------------------------------- */

static void
toll_counts(wreq_t *wr, const char *id, const char *caption, const char *what,
            const char *amount_col, Till__V1__TollCount **list, size_t n)
{
  web_bar_t *bars = calloc(n ? n : 1, sizeof *bars);
  char cid[64];
  if (bars) {
    for (size_t i = 0; i < n; i++)
      bars[i] = (web_bar_t){list[i]->key, list[i]->count, NULL};
    snprintf(cid, sizeof cid, "chart-%s", id);
    web_chart_bars(wr, cid, caption, bars, n, WEB_UNIT_COUNT);
    free(bars);
  }
  static const char *cols[3];
  cols[0] = what, cols[1] = _("Vehicles"), cols[2] = amount_col;
  table_head(wr, id, cols, "lrr", 3);
  for (size_t i = 0; i < n; i++) {
    web_printf(wr, "<tr><td>");
    web_esc(wr, list[i]->key);
    web_printf(wr, "</td><td class=\"num\">%lld</td>", (long long)list[i]->count);
    web_money_cell(wr, list[i]->amount);
    web_printf(wr, "</tr>");
  }
  table_end(wr);
}

static void
tolls(wreq_t *wr, const Till__V1__TollReportResponse *t)
{
  section(wr, "tolls", _("Tolls: vehicles and exemptions by type"), 0);
  web_printf(wr, "<div class=\"scroll\"><table class=\"kv\" id=\"toll-summary\"><tbody>");
  web_money_row(wr, "toll_tolls", _("Tolls charged"), t->tolls);
  web_money_row(wr, "toll_waived", _("Waived by exemptions"), t->waived);
  web_printf(wr, "</tbody></table></div>\n");
  toll_counts(wr, "toll-classes", _("Paying vehicles by class"), _("Class"), _("Tolls"),
              t->classes, t->n_classes);
  toll_counts(wr, "toll-exemptions", _("Exempted vehicles by type"), _("Exemption"), _("Waived"),
              t->exemptions, t->n_exemptions);
  web_printf(wr, "</section>\n");
}

/* ---- the page -------------------------------------------------------------- */

typedef struct {
  Till__V1__Envelope *monthly, *schemes, *arrears, *tolls;
  Till__V1__Envelope *collection[MONTH_SCHEMES_MAX];
  char periods[MONTH_SCHEMES_MAX][24];
} month_calls_t;

static void
calls_free(month_calls_t *c)
{
  Till__V1__Envelope *all[] = {c->monthly, c->schemes, c->arrears, c->tolls};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i])
      till__v1__envelope__free_unpacked(all[i], NULL);
  for (size_t i = 0; i < MONTH_SCHEMES_MAX; i++)
    if (c->collection[i])
      till__v1__envelope__free_unpacked(c->collection[i], NULL);
}

/* Every call the page needs; 0, or -1 when one was refused (its error
 * page went out). */
static int
month_calls(wreq_t *wr, const char *month, month_calls_t *c)
{
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  Till__V1__MonthlyReportRequest mr = TILL__V1__MONTHLY_REPORT_REQUEST__INIT;
  mr.month = (char *)month;
  env.body_case = TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_REQ;
  env.monthly_report_req = &mr;
  c->monthly = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_RESP, 1);
  if (!c->monthly)
    return -1;
  const char *m = c->monthly->monthly_report_resp->month;
  if (!month_shape_ok(m)) {
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return -1;
  }

  Till__V1__SchemeListRequest sl = TILL__V1__SCHEME_LIST_REQUEST__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_SCHEME_LIST_REQ;
  env.scheme_list_req = &sl;
  if (!(c->schemes = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_SCHEME_LIST_RESP, 1)))
    return -1;
  const Till__V1__SchemeListResponse *s = c->schemes->scheme_list_resp;
  if (s->n_schemes > 0) {
    Till__V1__ArrearsRequest ar = TILL__V1__ARREARS_REQUEST__INIT;
    ar.complex = ar.scheme = (char *)"";
    env.body_case = TILL__V1__ENVELOPE__BODY_ARREARS_REQ;
    env.arrears_req = &ar;
    if (!(c->arrears = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_ARREARS_RESP, 1)))
      return -1;
  }
  for (size_t i = 0; i < s->n_schemes && i < MONTH_SCHEMES_MAX; i++) {
    Till__V1__CollectionRequest cr = TILL__V1__COLLECTION_REQUEST__INIT;
    period_of(s->schemes[i], m, c->periods[i], sizeof c->periods[i]);
    cr.period = c->periods[i];
    cr.scheme = s->schemes[i]->code;
    env.body_case = TILL__V1__ENVELOPE__BODY_COLLECTION_REQ;
    env.collection_req = &cr;
    if (!(c->collection[i] = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_COLLECTION_RESP, 1)))
      return -1;
  }

  char from[16], to[16];
  int y = atoi(m), mo = atoi(m + 5);
  snprintf(from, sizeof from, "%04d-%02d-01", y, mo);
  snprintf(to, sizeof to, "%04d-%02d-%02d", y, mo, last_day(y, mo));
  Till__V1__TollReportRequest tr = TILL__V1__TOLL_REPORT_REQUEST__INIT;
  tr.from = from;
  tr.to = to;
  env.body_case = TILL__V1__ENVELOPE__BODY_TOLL_REPORT_REQ;
  env.toll_report_req = &tr;
  if (!(c->tolls = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_TOLL_REPORT_RESP, 1)))
    return -1;
  return 0;
}

void
web_page_month(wreq_t *wr)
{
  const char *month = web_query(wr, "month");
  if (!month)
    month = "";
  if (month[0] && !month_shape_ok(month)) {
    web_error(wr, 400, _("Invalid request"), _("A month is written YYYY-MM."));
    return;
  }
  month_calls_t c;
  memset(&c, 0, sizeof c);
  if (month_calls(wr, month, &c) != 0) {
    calls_free(&c);
    return;
  }
  const Till__V1__MonthlyReportResponse *m = c.monthly->monthly_report_resp;
  web_begin(wr, _("Monthly settlement"));
  web_printf(wr, "<form method=\"get\" action=\"/month\" class=\"noprint\"><label>%s "
                 "<input name=\"month\" value=\"",
             _("Month"));
  web_esc(wr, m->month);
  web_printf(wr, "\" pattern=\"[0-9]{4}-[0-9]{2}\" maxlength=\"7\"></label>"
                 "<button type=\"submit\">%s</button></form>\n<p>%s <strong id=\"month\">",
             _("Show"), _("Month"));
  web_esc(wr, m->month);
  web_printf(wr, "</strong> %s</p>\n", _("(the business dates of the month)"));
  totals(wr, m);
  days(wr, m);
  collectors(wr, m);
  items_waivers(wr, m);

  const Till__V1__SchemeListResponse *s = c.schemes->scheme_list_resp;
  if (s->n_schemes > 0) {
    section(wr, "billing", _("Billing: collection rate and arrears"), 0);
    for (size_t i = 0; i < s->n_schemes && i < MONTH_SCHEMES_MAX; i++)
      collection(wr, s->schemes[i], c.collection[i]->collection_resp);
    arrears(wr, c.arrears->arrears_resp);
    web_printf(wr, "</section>\n");
  }
  const Till__V1__TollReportResponse *t = c.tolls->toll_report_resp;
  if (t->n_classes || t->n_exemptions || t->tolls || t->waived)
    tolls(wr, t);
  web_report_hospital(wr, m->hospital); /* ---- reports: the month's hospital windows ---- */
  calls_free(&c);
  web_end(wr, 200);
}
