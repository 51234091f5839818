/* web_report.c -- the daily report (日清) as a page: the takings by hour,
 * by payment method, by item and by cashier, each drawn as an SVG chart
 * made here on the server (web_chart.c) with its figures in a table under
 * it, then the totals and the takings rows `till report daily` prints;
 * see web.h. The figures are tilld's DailyReport answer as it is: the
 * hours and the methods as tilld grouped them, the items and the cashiers
 * the takings rows added up by item and by cashier (as the rows' own
 * total is their sum). Prints without the header and forms (print CSS). */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "web_chart.h"

#define HOUR_SLOTS_MAX 48 /* columns of the chart by hour, at most */

/* 1 if <d> is "YYYY-MM-DD" in digits (tilld checks that the date is real). */
static int
date_shape_ok(const char *d)
{
  if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
    return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
      return 0;
  return 1;
}

static const char *
method_key(int m)
{
  const char *n = till_method_name(m);
  return n ? print_wire_name(n) : "unknown";
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
summary(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  web_printf(wr, "<div class=\"scroll\"><table class=\"kv\" id=\"summary\"><tbody>");
  web_money_row(wr, "sales_amount", _("Sales"), d->sales_amount);
  web_money_row(wr, "void_amount", _("Voided"), d->void_amount);
  web_money_row(wr, "net_amount", _("Net takings"), d->net_amount);
  /* ---- refunds ---- */
  web_money_row(wr, "refunds_total", _("Refunds paid out"), d->refunds_total);
  web_money_row(wr, "net_takings", _("Net takings less refunds"), d->net_takings);
  /* ---- end of refunds ---- */
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"receipts_issued\">%lld</td></tr>",
             _("Receipts issued"), (long long)d->receipts_issued);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"receipts_voided\">%lld</td></tr>",
             _("Receipts voided"), (long long)d->receipts_voided);
  web_money_row(wr, "floats", _("Floats"), d->floats);
  web_money_row(wr, "variance", _("Cash variance"), d->variance);
  web_money_row(wr, "deposited", _("Deposited"), d->deposited);
  web_money_row(wr, "undeposited_amount", _("Not yet deposited"), d->undeposited_amount);
  web_printf(wr, "</tbody></table></div>\n");
}

/* ---- by hour ------------------------------------------------------------- */

static void
by_hour(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  char when[32];
  /* A column for every hour from the first to the last with takings, the
   * quiet ones empty, so a gap shows -- when they lie on one grid of whole
   * hours apart (not across a clock change) and are at most two days'. */
  size_t slots = d->n_hours;
  if (d->n_hours > 1) {
    int64_t span = d->hours[d->n_hours - 1]->hour - d->hours[0]->hour;
    int on_grid = span % 3600 == 0 && span / 3600 < HOUR_SLOTS_MAX;
    for (size_t i = 0; on_grid && i < d->n_hours; i++)
      on_grid = (d->hours[i]->hour - d->hours[0]->hour) % 3600 == 0;
    if (on_grid)
      slots = (size_t)(span / 3600) + 1;
  }
  web_bar_t *bars = calloc(slots ? slots : 1, sizeof *bars);
  char(*labels)[4] = calloc(slots ? slots : 1, sizeof *labels);
  section(wr, "hours", _("Takings by hour"), 1);
  web_printf(wr, "<p class=\"note\">%s</p>", _("A void counts in the hour of the sale it voids."));
  if (!bars || !labels) {
    web_printf(wr, "<p class=\"error\">%s</p>", _("out of memory"));
  } else {
    for (size_t i = 0, k = 0; i < slots; i++) {
      int64_t hour = slots == d->n_hours ? d->hours[i]->hour : d->hours[0]->hour + (int64_t)i * 3600;
      time_t t = (time_t)hour;
      struct tm tm;
      if (!localtime_r(&t, &tm) || strftime(labels[i], sizeof labels[i], "%H", &tm) == 0)
        snprintf(labels[i], sizeof labels[i], "?");
      if (k < d->n_hours && d->hours[k]->hour == hour)
        bars[i] = (web_bar_t){labels[i], d->hours[k++]->net, NULL};
      else
        bars[i] = (web_bar_t){labels[i], 0, "empty"};
    }
    web_chart_columns(wr, "chart-hours", _("Net takings by the hour of the sale"), bars, slots,
                      WEB_UNIT_FEN);
  }
  free(bars);
  free(labels);
  web_printf(wr, "<div class=\"scroll\"><table id=\"hours\"><thead><tr><th>%s</th>"
                 "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
             _("Hour"), _("Sales"), _("Sold"), _("Voids"), _("Voided"), _("Net"));
  for (size_t i = 0; i < d->n_hours; i++) {
    const Till__V1__HourTakings *h = d->hours[i];
    web_printf(wr, "<tr id=\"hour-%lld\"><td>%s</td><td class=\"num\">%lld</td>",
               (long long)h->hour, web_time(h->hour, when, sizeof when), (long long)h->sales);
    web_money_cell(wr, h->amount);
    web_printf(wr, "<td class=\"num\">%lld</td>", (long long)h->voids);
    web_money_cell(wr, h->void_amount);
    web_money_cell(wr, h->net);
    web_printf(wr, "</tr>");
  }
  web_printf(wr, "</tbody></table></div></section>\n");
}

/* ---- by method ----------------------------------------------------------- */

static void
by_method(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  web_bar_t bars[TILL_METHOD_MAX + 1];
  size_t n = 0;
  section(wr, "methods", _("Takings by payment method"), 1);
  for (size_t i = 0; i < d->n_methods && n < sizeof bars / sizeof bars[0]; i++) {
    int m = (int)d->methods[i]->method;
    bars[n++] = (web_bar_t){print_method(m), d->methods[i]->amount, method_key(m)};
  }
  /* id "chart": the page's first chart before the others came */
  web_chart_bars(wr, "chart", _("Net takings by payment method"), bars, n, WEB_UNIT_FEN);
  web_printf(wr, "<div class=\"scroll\"><table id=\"methods\"><thead><tr><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
             _("Method"), _("Net"));
  for (size_t i = 0; i < d->n_methods; i++) {
    const Till__V1__MethodAmount *m = d->methods[i];
    web_printf(wr, "<tr><td>%s</td><td class=\"num\" id=\"method-%s\">", print_method((int)m->method),
               method_key((int)m->method));
    web_money(wr, m->amount);
    web_printf(wr, "</td></tr>");
  }
  web_printf(wr, "</tbody></table></div></section>\n");
}

/* ---- by item and by cashier: the takings rows added up ------------------- */

typedef struct {
  const char *key;
  int64_t quantity, amount, void_quantity, void_amount;
} sum_t;

static int
sum_cmp(const void *a, const void *b)
{
  return strcmp(((const sum_t *)a)->key, ((const sum_t *)b)->key);
}

/* The takings rows summed by item (<by_cashier> 0) or cashier into <out>
 * (room for every row), sorted by the key; how many. Bounded by the rows
 * (tilld sends at most 1,000). */
static size_t
sum_rows(const Till__V1__DailyReportResponse *d, int by_cashier, sum_t *out)
{
  size_t n = 0;
  for (size_t i = 0; i < d->n_takings; i++) {
    const Till__V1__TakingsRow *t = d->takings[i];
    const char *key = by_cashier ? t->cashier : t->item;
    size_t k = 0;
    while (k < n && strcmp(out[k].key, key) != 0)
      k++;
    if (k == n)
      out[n++] = (sum_t){key, 0, 0, 0, 0};
    out[k].quantity += t->quantity;
    out[k].void_quantity += t->void_quantity;
    if (till_money_add(out[k].amount, t->amount, &out[k].amount) != 0 ||
        till_money_add(out[k].void_amount, t->void_amount, &out[k].void_amount) != 0)
      out[k].amount = out[k].void_amount = 0; /* tilld refuses a day out of range first */
  }
  qsort(out, n, sizeof *out, sum_cmp);
  return n;
}

static void
by_key(wreq_t *wr, const Till__V1__DailyReportResponse *d, int by_cashier)
{
  const char *id = by_cashier ? "cashiers" : "items";
  size_t rows = d->n_takings ? d->n_takings : 1;
  sum_t *s = calloc(rows, sizeof *s);
  web_bar_t *bars = calloc(rows, sizeof *bars);
  section(wr, id, by_cashier ? _("Takings by cashier") : _("Takings by item"), 1);
  if (!s || !bars) {
    web_printf(wr, "<p class=\"error\">%s</p></section>", _("out of memory"));
    free(s);
    free(bars);
    return;
  }
  size_t n = sum_rows(d, by_cashier, s);
  for (size_t i = 0; i < n; i++)
    bars[i] = (web_bar_t){s[i].key, s[i].amount - s[i].void_amount, NULL};
  web_chart_bars(wr, by_cashier ? "chart-cashiers" : "chart-items",
                 by_cashier ? _("Net takings by cashier") : _("Net takings by item (billing: scheme:period)"),
                 bars, n, WEB_UNIT_FEN);
  web_printf(wr, "<div class=\"scroll\"><table id=\"%s\"><thead><tr><th>%s</th>", id,
             by_cashier ? _("Cashier") : _("Item"));
  if (!by_cashier)
    web_printf(wr, "<th class=\"num\">%s</th>", _("Quantity"));
  web_printf(wr, "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "</tr></thead><tbody>",
             _("Sold"), _("Voided"), _("Net"));
  for (size_t i = 0; i < n; i++) {
    web_printf(wr, "<tr><td>");
    web_esc(wr, s[i].key);
    web_printf(wr, "</td>");
    if (!by_cashier)
      web_printf(wr, "<td class=\"num\">%lld</td>", (long long)(s[i].quantity - s[i].void_quantity));
    web_money_cell(wr, s[i].amount);
    web_money_cell(wr, s[i].void_amount);
    web_money_cell(wr, s[i].amount - s[i].void_amount);
    web_printf(wr, "</tr>");
  }
  web_printf(wr, "</tbody></table></div></section>\n");
  free(s);
  free(bars);
}

/* ---- hospital ---- */
/* The hospital bills split by who pays (as `till report daily`'s and
 * `monthly`'s hospital block, the same catalog texts), the deposits and
 * the refunds of bills; nothing when <h> is absent (no hospital posting).
 * web.h. */
void
web_report_hospital(wreq_t *wr, const Till__V1__HospitalDay *h)
{
  char label[96], id[48];
  web_bar_t bars[4 + 2 * (TILL_METHOD_MAX + 1)];
  size_t n = 0;
  if (!h)
    return;
  section(wr, "hospital", _("Hospital bills: who pays"), 1);
  bars[n++] = (web_bar_t){_("insurance fund (receivable)"), h->fund, "fund"};
  bars[n++] = (web_bar_t){_("personal accounts (receivable)"), h->account, "account"};
  bars[n++] = (web_bar_t){_("hospital share"), h->hospital, "hospital"};
  for (size_t i = 0; i < h->n_window && n < sizeof bars / sizeof bars[0] - 1; i++)
    bars[n++] = (web_bar_t){print_method((int)h->window[i]->method), h->window[i]->amount,
                            method_key((int)h->window[i]->method)};
  bars[n++] = (web_bar_t){_("at the window: from deposits"), h->window_deposit, "deposit"};
  web_chart_bars(wr, "chart-hospital", _("The bills' total by who pays it"), bars, n, WEB_UNIT_FEN);
  web_printf(wr, "<div class=\"scroll\"><table class=\"kv\" id=\"hospital\"><tbody>"
                 "<tr><th>%s</th><td class=\"num\" id=\"hosp-bills\">%lld</td></tr>",
             _("bills"), (long long)h->bills);
  web_money_row(wr, "hosp-total", _("billed"), h->total);
  web_money_row(wr, "hosp-fund", _("insurance fund (receivable)"), h->fund);
  web_money_row(wr, "hosp-account", _("personal accounts (receivable)"), h->account);
  web_money_row(wr, "hosp-hospital", _("hospital share"), h->hospital);
  for (size_t i = 0; i < h->n_window; i++) {
    int m = (int)h->window[i]->method;
    snprintf(label, sizeof label, _("at the window: %s"), print_method(m));
    snprintf(id, sizeof id, "hosp-window-%s", method_key(m));
    web_money_row(wr, id, label, h->window[i]->amount);
  }
  web_money_row(wr, "hosp-window_deposit", _("at the window: from deposits"), h->window_deposit);
  for (size_t i = 0; i < h->n_deposits_in; i++) {
    int m = (int)h->deposits_in[i]->method;
    snprintf(label, sizeof label, _("deposits taken: %s"), print_method(m));
    snprintf(id, sizeof id, "hosp-deposits_in-%s", method_key(m));
    web_money_row(wr, id, label, h->deposits_in[i]->amount);
  }
  web_money_row(wr, "hosp-deposits_out", _("deposits paid back at discharge"), h->deposits_out);
  if (h->refunds) { /* ---- reports: refunds of bills ---- */
    web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"hosp-refunds\">%lld</td></tr>",
               _("refunds of bills"), (long long)h->refunds);
    web_money_row(wr, "hosp-refunded", _("refunded: lines"), h->refunded);
    web_money_row(wr, "hosp-refund_fund", _("refunded: insurance fund"), h->refund_fund);
    web_money_row(wr, "hosp-refund_account", _("refunded: personal accounts"), h->refund_account);
    web_money_row(wr, "hosp-refund_hospital", _("refunded: hospital share"), h->refund_hospital);
    web_money_row(wr, "hosp-refund_deposit", _("refunded to deposits"), h->refund_deposit);
    for (size_t i = 0; i < h->n_refund_window; i++) {
      int m = (int)h->refund_window[i]->method;
      snprintf(label, sizeof label, _("refunded at the window: %s"), print_method(m));
      snprintf(id, sizeof id, "hosp-refund_window-%s", method_key(m));
      web_money_row(wr, id, label, h->refund_window[i]->amount);
    }
  }
  web_printf(wr, "</tbody></table></div></section>\n");
}
/* ---- end of hospital ---- */

static void
takings_table(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  section(wr, "takings", _("Takings"), 0);
  web_printf(wr, "<div class=\"scroll\"><table id=\"takings\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "<th class=\"num\">%s</th></tr></thead><tbody>",
             _("Item"), _("Method"), _("Cashier"), _("Terminal"), _("Quantity"),
             _("Amount"), _("Voided quantity"), _("Voided amount"));
  for (size_t i = 0; i < d->n_takings; i++) {
    const Till__V1__TakingsRow *t = d->takings[i];
    web_printf(wr, "<tr><td>");
    web_esc(wr, t->item);
    web_printf(wr, "</td><td>");
    web_esc(wr, t->method);
    web_printf(wr, "</td><td>");
    web_esc(wr, t->cashier);
    web_printf(wr, "</td><td>");
    web_esc(wr, t->terminal_id);
    web_printf(wr, "</td><td class=\"num\">%lld</td>", (long long)t->quantity);
    web_money_cell(wr, t->amount);
    web_printf(wr, "<td class=\"num\">%lld</td>", (long long)t->void_quantity);
    web_money_cell(wr, t->void_amount);
    web_printf(wr, "</tr>");
  }
  web_printf(wr, "</tbody></table></div></section>\n");
}

void
web_page_report(wreq_t *wr)
{
  const char *date = web_query(wr, "date");
  if (!date)
    date = "";
  if (date[0] && !date_shape_ok(date)) {
    web_error(wr, 400, _("Invalid request"), _("A business date is written YYYY-MM-DD."));
    return;
  }
  Till__V1__DailyReportRequest rr = TILL__V1__DAILY_REPORT_REQUEST__INIT;
  rr.date = (char *)date;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ;
  env.daily_report_req = &rr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP, 1);
  if (!resp)
    return;
  const Till__V1__DailyReportResponse *d = resp->daily_report_resp;
  if (!d) {
    till__v1__envelope__free_unpacked(resp, NULL);
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return;
  }
  web_begin(wr, _("Daily report"));
  web_printf(wr, "<form method=\"get\" action=\"/report\" class=\"noprint\"><label>%s "
                 "<input name=\"date\" value=\"",
             _("Business date"));
  web_esc(wr, d->date);
  web_printf(wr, "\" pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\" maxlength=\"10\"></label>"
                 "<button type=\"submit\">%s</button></form>\n<p>%s <strong id=\"date\">",
             _("Show"), _("Business date"));
  web_esc(wr, d->date);
  web_printf(wr, "</strong> %s</p>\n", d->closed ? _("(closed)") : _("(not closed yet)"));
  summary(wr, d);
  by_hour(wr, d);
  by_method(wr, d);
  by_key(wr, d, 0);
  by_key(wr, d, 1);
  web_report_hospital(wr, d->hospital); /* ---- hospital ---- */
  takings_table(wr, d);
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}
