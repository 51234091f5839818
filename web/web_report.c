/* web_report.c -- the daily report (日清) as a page: the net takings by
 * payment method drawn as an SVG bar chart made here on the server, and
 * under it the same figures `till report daily` prints, in tables; see
 * web.h. The chart has no script and no style attribute (the CSP allows
 * neither): its colours come from the style sheet. */
#include "web.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "print.h"
#include "till_names.h"

#define CHART_W 640
#define BAR_H 28
#define LABEL_W 120
#define VALUE_W 110

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

/* Bars of the net takings by method, each as long as its share of the
 * largest; a negative net (more voided than sold) is drawn as empty. */
static void
chart(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  int64_t max = 0;
  for (size_t i = 0; i < d->n_methods; i++)
    if (d->methods[i]->amount > max)
      max = d->methods[i]->amount;
  size_t n = d->n_methods ? d->n_methods : 1;
  int h = (int)n * (BAR_H + 8) + 8;
  web_printf(wr, "<figure class=\"chart\"><svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
             CHART_W, h, CHART_W, h);
  web_esc(wr, _("Net takings by payment method"));
  web_printf(wr, "\">");
  if (d->n_methods == 0)
    web_printf(wr, "<text x=\"8\" y=\"24\" class=\"label\">%s</text>", _("No takings."));
  int span = CHART_W - LABEL_W - VALUE_W;
  for (size_t i = 0; i < d->n_methods; i++) {
    const Till__V1__MethodAmount *m = d->methods[i];
    int y = 8 + (int)i * (BAR_H + 8);
    int w = max > 0 && m->amount > 0 ? (int)((m->amount * span) / max) : 0;
    if (m->amount > 0 && w < 1)
      w = 1;
    web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">%s</text>",
               LABEL_W - 8, y + BAR_H - 9, print_method((int)m->method));
    web_printf(wr, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar bar-%s\"></rect>",
               LABEL_W, y, w, BAR_H, method_key((int)m->method));
    web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"value\">", LABEL_W + w + 6, y + BAR_H - 9);
    web_money(wr, m->amount);
    web_printf(wr, "</text>");
  }
  web_printf(wr, "</svg><figcaption>");
  web_esc(wr, _("Net takings by payment method"));
  web_printf(wr, "</figcaption></figure>\n");
}

static void
money_row(wreq_t *wr, const char *id, const char *label, int64_t fen)
{
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"%s\">", label, id);
  web_money(wr, fen);
  web_printf(wr, "</td></tr>");
}

static void
summary(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  web_printf(wr, "<table class=\"kv\" id=\"summary\"><tbody>");
  money_row(wr, "sales_amount", _("Sales"), d->sales_amount);
  money_row(wr, "void_amount", _("Voided"), d->void_amount);
  money_row(wr, "net_amount", _("Net takings"), d->net_amount);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"receipts_issued\">%lld</td></tr>",
             _("Receipts issued"), (long long)d->receipts_issued);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"receipts_voided\">%lld</td></tr>",
             _("Receipts voided"), (long long)d->receipts_voided);
  money_row(wr, "floats", _("Floats"), d->floats);
  money_row(wr, "variance", _("Cash variance"), d->variance);
  money_row(wr, "deposited", _("Deposited"), d->deposited);
  money_row(wr, "undeposited_amount", _("Not yet deposited"), d->undeposited_amount);
  web_printf(wr, "</tbody></table>\n");
}

static void
methods_table(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  web_printf(wr, "<table id=\"methods\"><thead><tr><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
             _("Method"), _("Net"));
  for (size_t i = 0; i < d->n_methods; i++) {
    const Till__V1__MethodAmount *m = d->methods[i];
    web_printf(wr, "<tr><td>%s</td><td class=\"num\" id=\"method-%s\">", print_method((int)m->method),
               method_key((int)m->method));
    web_money(wr, m->amount);
    web_printf(wr, "</td></tr>");
  }
  web_printf(wr, "</tbody></table>\n");
}

static void
takings_table(wreq_t *wr, const Till__V1__DailyReportResponse *d)
{
  web_printf(wr, "<h2>%s</h2><table id=\"takings\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "<th class=\"num\">%s</th></tr></thead><tbody>",
             _("Takings"), _("Item"), _("Method"), _("Cashier"), _("Terminal"), _("Quantity"),
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
    web_printf(wr, "</td><td class=\"num\">%lld</td><td class=\"num\">", (long long)t->quantity);
    web_money(wr, t->amount);
    web_printf(wr, "</td><td class=\"num\">%lld</td><td class=\"num\">", (long long)t->void_quantity);
    web_money(wr, t->void_amount);
    web_printf(wr, "</td></tr>");
  }
  web_printf(wr, "</tbody></table>\n");
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
  chart(wr, d);
  methods_table(wr, d);
  summary(wr, d);
  takings_table(wr, d);
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}
