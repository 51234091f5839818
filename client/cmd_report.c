/* cmd_report.c -- till report daily [--date YYYY-MM-DD] (the daily close,
 * 日清) and till report monthly [--month YYYY-MM] (the monthly settlement,
 * 月结).
 *
 * The server computes every figure by business date (the date each shift
 * opened on, docs/ledger.md) and checks the date; this file only asks and
 * lays the answer out, as a report a supervisor reads on a terminal or
 * (--json) every field: amounts as yuan strings, ratios in basis points
 * and as a percentage string. It prints the business date the server
 * answers, never a range of hours: the client's time zone may not be the
 * server's, and a business date is not a range of the clock. The times it
 * does print (a shift opened, the close) are in this terminal's zone, and
 * the report says which. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_day.h"
#include "cmd_shift.h"
#include "commands.h"
#include "i18n.h"
#include "cmd_hospital.h" /* hospital */
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "report_band.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_names.h"
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

/* A payment method the server named ("cash") as the reader calls it. */
static const char *
method_word(const char *method)
{
  int m = till_method_from_name(method);
  return m ? print_method(m) : method;
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
  printf(",\"current_business_date\":");
  json_str(stdout, d->current_business_date);
  printf(",\"takings\":[");
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
           print_wire_name(till_method_name((int)d->methods[i]->method)),
           yuan(d->methods[i]->amount));
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
    printf("%s", i ? "," : "");
    json_deposit(stdout, d->deposits[i]);
  }
  printf("],\"deposited\":\"%s\"", yuan(d->deposited));
  json_shifts("undeposited", d->undeposited, d->n_undeposited);
  printf(",\"undeposited_amount\":\"%s\"", yuan(d->undeposited_amount));
  /* ---- scale: the whole pile counted (issue 23) ---- */
  printf(",\"undeposited_count\":%lld", (long long)d->undeposited_count);
  json_shifts("open_shifts", d->open_shifts, d->n_open_shifts);
  printf(",\"closed\":%s,\"closed_by\":", d->closed ? "true" : "false");
  json_str(stdout, d->closed_by);
  printf(",\"closed_at\":%lld,\"close_signature\":", (long long)d->closed_at);
  cmd_day_signature_json(d->closed ? d->close_signature : NULL);
  printf(",\"waivers\":[");
  for (size_t i = 0; i < d->n_waivers; i++) {
    printf("%s{\"account\":", i ? "," : "");
    json_str(stdout, d->waivers[i]->account);
    printf(",\"count\":%lld", (long long)d->waivers[i]->count);
    json_money(stdout, "amount", d->waivers[i]->amount, 1);
    printf("}");
  }
  printf("]");
  print_hospital_day_json(d->hospital); /* ---- hospital ---- */
  /* ---- refunds ---- */
  printf(",\"refunds\":[");
  for (size_t i = 0; i < d->n_refunds; i++)
    printf("%s{\"method\":\"%s\",\"amount\":\"%s\"}", i ? "," : "",
           print_wire_name(till_method_name((int)d->refunds[i]->method)),
           yuan(d->refunds[i]->amount));
  printf("],\"refund_count\":%lld,\"refunds_total\":\"%s\",\"net_takings\":\"%s\"",
         (long long)d->refund_count, yuan(d->refunds_total), yuan(d->net_takings));
  /* ---- end of refunds ---- */
  /* ---- web2: takings by hour ---- */
  printf(",\"hours\":[");
  for (size_t i = 0; i < d->n_hours; i++) {
    const Till__V1__HourTakings *h = d->hours[i];
    /* the hour's start in Unix seconds, as every time in --json */
    printf("%s{\"hour\":%lld,\"sales\":%lld,\"amount\":\"%s\","
           "\"voids\":%lld,\"void_amount\":\"%s\",\"net\":\"%s\"}",
           i ? "," : "", (long long)h->hour, (long long)h->sales, yuan(h->amount),
           (long long)h->voids, yuan(h->void_amount), yuan(h->net));
  }
  printf("]");
  /* ---- end of web2 ---- */
  printf("}\n");
}


/* What was waived, per waiver account (account names as they are): count
 * and amount. 0 or -1. */
static int
print_waivers(Till__V1__WaiverTotal *const *w, size_t n)
{
  char a[TILL_MONEY_STR_MAX], c[24];
  if (!n) {
    printf("%s\n", _("waivers: none"));
    return 0;
  }
  printf("%s\n", _("waivers:"));
  layout_table_t *t = layout_table_new(3, "lrr");
  int rc = t ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    till_money_format(w[i]->amount, a, sizeof a);
    snprintf(c, sizeof c, "%lld", (long long)w[i]->count);
    rc = layout_table_add(t, w[i]->account, c, a);
  }
  return print_table(t, rc == 0, "  ");
}

/* ---- the daily report on the 42-cell printer --------------------------- */

/* The daily report is laid out for the 42-cell receipt printer
 * (PRINT_COLS), as the monthly report is: label left, figure right. A
 * table here is a few lines of text columns and a line of figures: its
 * text columns are in groups, each group a line whose columns line up
 * from row to row (and run on, one space apart, wrapping under themselves
 * when the group is wider than the printer); its figures are
 * right-aligned and end at the printer's last cell, the figure columns as
 * wide as their widest cell, so the table grows wider only when the
 * figures alone do not fit. A row goes on one line when its text fits
 * before its figures (the whole table's, or only the first column's
 * when the rest is empty, as a total's). */
#define DTAB_MAX_COLS 12
#define DTAB_MAX_GROUPS 3

typedef struct {
  size_t ntext, nfig, ngroups;
  size_t group[DTAB_MAX_GROUPS]; /* text columns in each line */
  char **cells;                  /* nrows x (ntext + nfig) */
  size_t nrows, cap;
} dtab_t;

/* A table of <ntext> text columns in <ngroups> lines of group[] columns
 * each, and <nfig> figures; 0 or -1. */
static int
dtab_init(dtab_t *t, size_t nfig, size_t ngroups, const size_t *group)
{
  memset(t, 0, sizeof *t);
  t->nfig = nfig;
  t->ngroups = ngroups;
  for (size_t g = 0; g < ngroups; g++) {
    t->group[g] = group[g];
    t->ntext += group[g];
  }
  return t->ntext + nfig <= DTAB_MAX_COLS ? 0 : -1;
}

static void
dtab_free(dtab_t *t)
{
  size_t n = t->ntext + t->nfig;
  for (size_t i = 0; i < t->nrows * n; i++)
    free(t->cells[i]);
  free(t->cells);
  t->cells = NULL;
  t->nrows = t->cap = 0;
}

/* Append a row: the text columns, then the figures (NULL is empty); 0 or
 * -1 when out of memory. */
static int
dtab_add(dtab_t *t, ...)
{
  size_t n = t->ntext + t->nfig;
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 8;
    char **c = realloc(t->cells, cap * n * sizeof *c);
    if (!c)
      return -1;
    t->cells = c;
    t->cap = cap;
  }
  char **row = t->cells + t->nrows * n;
  va_list ap;
  va_start(ap, t);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    const char *s = va_arg(ap, const char *);
    row[i] = rc == 0 ? strdup(s ? s : "") : NULL;
    if (!row[i])
      rc = -1;
  }
  va_end(ap);
  if (rc != 0) {
    for (size_t i = 0; i < n; i++)
      free(row[i]);
    return -1;
  }
  t->nrows++;
  return 0;
}

/* One group of text columns of a row: aligned to w[], <gap> cells apart,
 * or (gap 0) run on one space apart and wrapped to the printer. 0 or -1. */
static int
dtab_text_line(char **cells, size_t ncols, const int *w, int gap)
{
  if (gap) {
    size_t last = ncols;
    while (last > 0 && !cells[last - 1][0])
      last--;
    for (size_t i = 0; i < last; i++) {
      if (i + 1 < last) {
        layout_left(stdout, cells[i], w[i] + gap);
      } else {
        fputs(cells[i], stdout);
      }
    }
    putchar('\n');
    return 0;
  }
  size_t len = 1;
  for (size_t i = 0; i < ncols; i++)
    len += strlen(cells[i]) + 1;
  char *text = malloc(len);
  if (!text)
    return -1;
  text[0] = '\0';
  for (size_t i = 0; i < ncols; i++)
    if (cells[i][0]) {
      if (text[0])
        strcat(text, " ");
      strcat(text, cells[i]);
    }
  layout_wrapped(stdout, "", 2, text, PRINT_COLS - 2);
  free(text);
  return 0;
}

/* Print the table (its first row is the header) and free it; 0, or -1
 * when <built> is 0 or memory ran out. */
static int
dtab_print(dtab_t *t, int built)
{
  size_t n = t->ntext + t->nfig;
  int w[DTAB_MAX_COLS] = {0}, gw[DTAB_MAX_GROUPS] = {0}, gap[DTAB_MAX_GROUPS] = {0};
  int fig = 0, rc = built ? 0 : -1;
  for (size_t r = 0; rc == 0 && r < t->nrows; r++)
    for (size_t i = 0; i < n; i++) {
      int cw = layout_width(t->cells[r * n + i]);
      w[i] = cw > w[i] ? cw : w[i];
    }
  for (size_t i = t->ntext; i < n; i++)
    fig += w[i] + (i > t->ntext ? 2 : 0);
  int lead = PRINT_COLS - fig; /* the cells before the figures */
  /* a group's columns two cells apart, or one when two do not fit */
  for (size_t g = 0, c = 0; g < t->ngroups; c += t->group[g], g++) {
    int cols = 0;
    for (size_t i = c; i < c + t->group[g]; i++)
      cols += w[i];
    int n_gaps = (int)t->group[g] - 1;
    gap[g] = cols + 2 * n_gaps <= PRINT_COLS ? 2 : cols + n_gaps <= PRINT_COLS ? 1 : 0;
    gw[g] = cols + 2 * n_gaps;
  }
  int one_line = t->ngroups == 1 && gw[0] + 2 <= lead;
  /* the header's text shares its figures' line only when every row's does */
  int header_joins = t->nrows > 1;
  for (size_t r = 1; r < t->nrows; r++) {
    char **row = t->cells + r * n;
    int room = lead;
    for (size_t i = t->ntext; i < n && !row[i][0]; i++)
      room += w[i] + 2;
    for (size_t i = 1; i < t->ntext; i++)
      header_joins = header_joins && !row[i][0];
    header_joins = header_joins && layout_width(row[0]) + 2 <= room;
  }
  for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
    char **row = t->cells + r * n;
    int rest_empty = 1;
    for (size_t i = 1; i < t->ntext; i++)
      rest_empty = rest_empty && !row[i][0];
    int any_fig = 0;
    for (size_t i = t->ntext; i < n; i++)
      any_fig = any_fig || row[i][0];
    int used = 0; /* cells of text already on the figures' line */
    size_t skip = t->ntext; /* the first figure printed: a total's label may take empty ones */
    int room = lead;
    while (skip < n && !row[skip][0]) {
      room += w[skip] + 2;
      skip++;
    }
    if (one_line) {
      for (size_t i = 0; i < t->ntext; i++) {
        layout_left(stdout, row[i], w[i] + (i + 1 < t->ntext ? 2 : 0));
      }
      used = gw[0];
    } else if (rest_empty && any_fig && layout_width(row[0]) + 2 <= room &&
               (r > 0 || header_joins)) {
      fputs(row[0], stdout);
      used = layout_width(row[0]);
    } else {
      for (size_t g = 0, c = 0; rc == 0 && g < t->ngroups; c += t->group[g], g++) {
        int empty = 1;
        for (size_t i = c; i < c + t->group[g]; i++)
          empty = empty && !row[i][0];
        if (!empty)
          rc = dtab_text_line(row + c, t->group[g], w + c, gap[g]);
      }
      if (!any_fig)
        continue;
    }
    if (!any_fig) {
      putchar('\n');
      continue;
    }
    for (int k = used; k < room; k++)
      putchar(' ');
    for (size_t i = skip; i < n; i++) {
      if (i > skip)
        fputs("  ", stdout);
      layout_right(stdout, row[i], w[i]);
    }
    putchar('\n');
  }
  dtab_free(t);
  return rc;
}

/* A title underlined as wide as it is on the screen. */
static void
heading(const char *title)
{
  printf("\n%s\n", title);
  for (int i = layout_width(title); i > 0; i--)
    putchar('-');
  putchar('\n');
}

/* The shifts: who, where and the business date, the state, when it was
 * opened and closed, then the count and what is left to deposit ("-" for
 * an open shift, which has no count yet) and the deposit. 0 or -1. */
static int
print_shift_rows(Till__V1__ShiftSummary **s, size_t n)
{
  char id[24], dep[24], opened[32], closed[32];
  static const size_t groups[] = {5, 2};
  dtab_t t;
  int rc = dtab_init(&t, 4, 2, groups);
  if (rc == 0)
    rc = dtab_add(&t, _("SHIFT"), _("TERMINAL"), _("CASHIER"), _("DATE"), _("STATE"),
                  _("OPENED"), _("CLOSED"), _("COUNTED"), _("VARIANCE"), _("TO DEPOSIT"),
                  _("DEPOSIT"));
  for (size_t i = 0; rc == 0 && i < n; i++) {
    int open = s[i]->state == TILL__V1__SHIFT_STATE__SHIFT_OPEN;
    snprintf(id, sizeof id, "%lld", (long long)s[i]->shift_id);
    snprintf(dep, sizeof dep, "%lld", (long long)s[i]->deposit_id);
    fmt_time(s[i]->opened_at, opened, sizeof opened);
    fmt_time(s[i]->closed_at, closed, sizeof closed);
    rc = dtab_add(&t, id, s[i]->terminal_id, s[i]->cashier, s[i]->business_date,
                  print_shift_state((int)s[i]->state), opened, closed,
                  open ? "-" : yuan(s[i]->counted_cash), open ? "-" : yuan(s[i]->cash_variance),
                  open ? "-" : yuan(s[i]->depositable), s[i]->deposit_id ? dep : "-");
  }
  return dtab_print(&t, rc == 0);
}

/* The takings by item, method, cashier and terminal (a line), the
 * quantities and amounts under them, and their total. */
static int
print_takings(const Till__V1__DailyReportResponse *d)
{
  char q[24], vq[24];
  static const size_t groups[] = {4};
  dtab_t t;
  int rc = dtab_init(&t, 5, 1, groups);
  if (rc == 0)
    rc = dtab_add(&t, _("ITEM"), _("METHOD"), _("CASHIER"), _("TERMINAL"), _("QTY"), _("SOLD"),
                  _("VOIDS"), _("VOIDED"), _("NET"));
  for (size_t i = 0; rc == 0 && i < d->n_takings; i++) {
    const Till__V1__TakingsRow *r = d->takings[i];
    snprintf(q, sizeof q, "%lld", (long long)r->quantity);
    snprintf(vq, sizeof vq, "%lld", (long long)r->void_quantity);
    rc = dtab_add(&t, r->item, method_word(r->method), r->cashier, r->terminal_id, q,
                  yuan(r->amount), vq, yuan(r->void_amount), yuan(r->amount - r->void_amount));
  }
  if (rc == 0)
    rc = dtab_add(&t, _("TOTAL"), "", "", "", "", yuan(d->sales_amount), "", yuan(d->void_amount),
                  yuan(d->net_amount));
  return dtab_print(&t, rc == 0);
}

/* The net by method, then the receipts issued by series. */
static int
print_methods_receipts(const Till__V1__DailyReportResponse *d)
{
  char n1[TILL_RECEIPT_NO_MAX], n2[TILL_RECEIPT_NO_MAX], issued[24], voided[24];
  heading(_("Net by method"));
  layout_table_t *t = layout_table_new(2, "lr");
  int rc = t ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < d->n_methods; i++)
    rc = layout_table_add(t, print_method((int)d->methods[i]->method),
                          yuan(d->methods[i]->amount));
  if (rc == 0)
    rc = layout_table_add(t, _("total"), yuan(d->net_amount));
  if (print_table(t, rc == 0, "") != 0)
    return -1;
  /* ---- refunds ---- */
  heading(_("Refunds paid out (by method)"));
  t = layout_table_new(2, "lr");
  rc = t ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < d->n_refunds; i++)
    rc = layout_table_add(t, print_method((int)d->refunds[i]->method),
                          yuan(d->refunds[i]->amount));
  if (rc == 0)
    rc = layout_table_add(t, _("total"), yuan(d->refunds_total));
  if (rc == 0)
    rc = layout_table_add(t, _("net takings (less refunds)"), yuan(d->net_takings));
  if (print_table(t, rc == 0, "") != 0)
    return -1;
  /* ---- end of refunds ---- */

  heading(_("Receipts issued"));
  static const size_t groups[] = {3};
  dtab_t r;
  rc = dtab_init(&r, 2, 1, groups);
  if (rc == 0)
    rc = dtab_add(&r, _("SERIES"), _("FIRST"), _("LAST"), _("ISSUED"), _("VOIDED"));
  for (size_t i = 0; rc == 0 && i < d->n_receipts; i++) {
    const Till__V1__SeriesDay *s = d->receipts[i];
    till_receipt_format(s->series, s->first_no, n1, sizeof n1);
    till_receipt_format(s->series, s->last_no, n2, sizeof n2);
    snprintf(issued, sizeof issued, "%lld", (long long)s->issued);
    snprintf(voided, sizeof voided, "%lld", (long long)s->voided);
    rc = dtab_add(&r, s->series, n1, n2, issued, voided);
  }
  snprintf(issued, sizeof issued, "%lld", (long long)d->receipts_issued);
  snprintf(voided, sizeof voided, "%lld", (long long)d->receipts_voided);
  if (rc == 0)
    rc = dtab_add(&r, _("total"), "", "", issued, voided);
  return dtab_print(&r, rc == 0);
}

/* The ids of a deposit's shifts, "12 13 15", in a buffer to free; NULL
 * when out of memory. */
static char *
shift_ids(const Till__V1__DepositInfo *p)
{
  size_t len = p->n_shift_ids * 21 + 1, used = 0; /* a long long and a space each */
  char *buf = malloc(len);
  if (!buf)
    return NULL;
  buf[0] = '\0';
  for (size_t k = 0; k < p->n_shift_ids; k++)
    used += (size_t)snprintf(buf + used, len - used, "%s%lld", k ? " " : "",
                             (long long)p->shift_ids[k]);
  return buf;
}

/* The deposits of the date: slip, state and the shifts in each, and the
 * amount. */
static int
print_deposits(const Till__V1__DailyReportResponse *d)
{
  char id[24];
  static const size_t groups[] = {4};
  dtab_t t;
  int rc = dtab_init(&t, 1, 1, groups);
  if (rc == 0)
    rc = dtab_add(&t, _("ID"), _("SLIP"), _("STATE"), _("SHIFTS"), _("AMOUNT"));
  for (size_t i = 0; rc == 0 && i < d->n_deposits; i++) {
    const Till__V1__DepositInfo *p = d->deposits[i];
    char *shifts = shift_ids(p);
    snprintf(id, sizeof id, "%lld", (long long)p->id);
    rc = shifts ? dtab_add(&t, id, p->slip, print_deposit_state((int)p->state), shifts,
                           yuan(p->amount))
                : -1;
    free(shifts);
  }
  return dtab_print(&t, rc == 0);
}

/* ---- web2: takings by hour ---- */
/* The takings by the hour each sale was made (this terminal's clock). */
static int
print_hours(const Till__V1__DailyReportResponse *d)
{
  char when[32], n[24], v[24];
  heading(_("Takings by hour"));
  printf("%s\n", _("(a void in its sale's hour)"));
  static const size_t groups[] = {1};
  dtab_t t;
  int rc = dtab_init(&t, 5, 1, groups);
  if (rc == 0)
    rc = dtab_add(&t, _("HOUR"), _("SALES"), _("SOLD"), _("VOIDS"), _("VOIDED"), _("NET"));
  for (size_t i = 0; rc == 0 && i < d->n_hours; i++) {
    const Till__V1__HourTakings *h = d->hours[i];
    fmt_time(h->hour, when, sizeof when);
    when[16] = '\0';
    snprintf(n, sizeof n, "%lld", (long long)h->sales);
    snprintf(v, sizeof v, "%lld", (long long)h->voids);
    rc = dtab_add(&t, when, n, yuan(h->amount), v, yuan(h->void_amount), yuan(h->net));
  }
  return dtab_print(&t, rc == 0);
}
/* ---- end of web2 ---- */

/* A line of text wrapped to the printer. */
static void
para(const char *text)
{
  layout_wrapped(stdout, "", 0, text, PRINT_COLS);
}

/* 0, or -1 when memory ran out (part of the report is then missing). */
static int
print_daily_text(const Till__V1__DailyReportResponse *d)
{
  char zone[16], when[32], line[512];
  cli_zone_label(zone, sizeof zone);
  printf(_("DAILY REPORT %s (business date)\n"), d->date);
  snprintf(line, sizeof line, _("the current business date is %s"), d->current_business_date);
  para(line);
  snprintf(line, sizeof line,
           _("the shifts of this business date and all their postings, also those made after "
             "midnight; times in this terminal's zone (%s)"),
           zone);
  para(line);
  if (d->closed) {
    fmt_time(d->closed_at, when, sizeof when);
    snprintf(line, sizeof line, _("day CLOSED by %s at %s"), d->closed_by, when);
    para(line);
    snprintf(line, sizeof line, _("chain head %lld signed (%s)"),
             d->close_signature ? (long long)d->close_signature->txn_id : 0LL,
             d->close_signature ? d->close_signature->reason : "?");
    para(line);
  } else {
    para(_("day OPEN: not closed yet"));
  }

  heading(_("Takings"));
  para(_("(sales and voids of the date's shifts)"));
  if (print_takings(d) != 0 || print_methods_receipts(d) != 0 ||
      print_waivers(d->waivers, d->n_waivers) != 0)
    return -1;
  /* ---- web2: takings by hour ---- */
  if (print_hours(d) != 0)
    return -1;
  /* ---- end of web2 ---- */

  heading(_("Shifts of the business date"));
  if (print_shift_rows(d->shifts, d->n_shifts) != 0)
    return -1;
  printf(_("floats issued %s\n"), yuan(d->floats));
  printf(_("variance of shifts closed %s\n"), yuan(d->variance));

  heading(_("Deposits"));
  if (print_deposits(d) != 0)
    return -1;
  printf(_("deposited %s\n"), yuan(d->deposited));

  heading(_("Not yet deposited"));
  para(_("(closed shifts of this date or before)"));
  if (print_shift_rows(d->undeposited, d->n_undeposited) != 0)
    return -1;
  /* ---- scale: the whole pile counted (issue 23) ---- */
  if (d->undeposited_count > (int64_t)d->n_undeposited) {
    long long more = (long long)(d->undeposited_count - (int64_t)d->n_undeposited);
    snprintf(line, sizeof line,
             ngettext("... and %lld more shift not listed", "... and %lld more shifts not listed",
                      (unsigned long)more),
             more);
    para(line);
    snprintf(line, sizeof line, _("(the oldest %zu are)"), d->n_undeposited);
    para(line);
  }
  printf(_("not deposited %s\n"), yuan(d->undeposited_amount));

  heading(_("Open shifts (of this date or before)"));
  if (!d->n_open_shifts)
    printf("%s\n", _("none"));
  else if (print_shift_rows(d->open_shifts, d->n_open_shifts) != 0)
    return -1;
  /* ---- hospital ---- */
  if (print_hospital_day_text(d->hospital) != 0)
    return -1;
  /* ---- end of hospital ---- */
  return 0;
}

int
cmd_report_daily(cli_t *cli)
{
  Till__V1__DailyReportRequest dr = TILL__V1__DAILY_REPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *date = cli_opt(cli, "--date");
  /* absent: the server's current business date (commands_run has refused
   * a --date without its value, so a forgotten date never means today) */
  dr.date = (char *)(date ? date : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ;
  req.daily_report_req = &dr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP, &rc);
  if (!resp)
    return rc;
  rc = 0;
  if (cli->json)
    print_daily_json(resp->daily_report_resp);
  else if (print_daily_text(resp->daily_report_resp) != 0)
    rc = print_out_of_memory();
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* ---- report monthly ---------------------------------------------------- */

static void
yuan_into(char buf[TILL_MONEY_STR_MAX], int64_t fen)
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

/* The methods as a reader names them, for the e-payment ratio's note. */
static const char *const method_text[TILL_METHOD_MAX + 1] = {
  [TILL_METHOD_CASH] = N_("cash"),
  [TILL_METHOD_CARD] = N_("card"),
  [TILL_METHOD_WECHAT] = N_("WeChat"),
  [TILL_METHOD_ALIPAY] = N_("Alipay"),
  [TILL_METHOD_TRANSFER] = N_("bank transfer"),
  [TILL_METHOD_CHEQUE] = N_("cheque"),
  [TILL_METHOD_SUBSIDY] = N_("subsidy"),
};

static void
print_monthly_json(const Till__V1__MonthlyReportResponse *m)
{
  char pct[40];
  printf("{\"month\":");
  json_str(stdout, m->month);
  /* ---- refunds ---- */
  printf(",\"refunds\":[");
  for (size_t i = 0; i < m->n_refunds; i++)
    printf("%s{\"method\":\"%s\",\"amount\":\"%s\"}", i ? "," : "",
           print_wire_name(till_method_name((int)m->refunds[i]->method)),
           yuan(m->refunds[i]->amount));
  printf("],\"refund_count\":%lld", (long long)m->refund_count);
  json_money(stdout, "refunds_total", m->refunds_total, 1);
  json_money(stdout, "net_takings", m->net_takings, 1);
  /* ---- end of refunds ---- */
  printf(",\"days\":[");
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
  json_money(stdout, "electronic", m->electronic, 1);
  fmt_bp(pct, sizeof pct, m->epay_ratio_bp);
  printf(",\"epay_ratio_bp\":%lld,\"epay_ratio_percent\":\"%s\",\"epay_methods\":[",
         (long long)m->epay_ratio_bp, pct);
  for (int k = 1, n = 0; k <= TILL_METHOD_MAX; k++)
    if (till_method_is_electronic(k))
      printf("%s\"%s\"", n++ ? "," : "", till_method_name(k));
  printf("],\"waivers\":[");
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
           (long long)c->deviation_bp, pct, report_band_key(c->band), c->above ? "true" : "false");
  }
  printf("]");
  print_hospital_day_json(m->hospital); /* ---- reports: hospital windows ---- */
  printf("}\n");
}

/* "28" .. "31": the last day of the month "YYYY-MM" (the server checked it) */
static const char *
last_day(const char *month)
{
  static const char *const last[] = {"31", "28", "31", "30", "31", "30",
                                     "31", "31", "30", "31", "30", "31"};
  int y = 0, mo = 0;
  if (!month || sscanf(month, "%4d-%2d", &y, &mo) != 2 || mo < 1 || mo > 12)
    return "31";
  if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return "29";
  return last[mo - 1];
}

/* The monthly report is laid out for the 42-cell receipt printer
 * (PRINT_COLS), like the Z-report and the hospital block: each table fits
 * 42 cells with the figures of an ordinary month, a name wraps under
 * itself and is never cut mid-word, and a table only grows wider when a
 * figure alone does not fit. */

/* The days of the month: the day (the month is in the title), the sales
 * (receipts), net amount, cash and non-cash. */
static int
print_month_days(const Till__V1__MonthlyReportResponse *m)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX], c[TILL_MONEY_STR_MAX], n[24];
  layout_table_t *t = layout_table_new(5, "lrrrr");
  int rc = t && layout_table_add(t, _("DAY"), _("SALES"), _("NET"), _("CASH"), _("NON-CASH")) == 0
             ? 0
             : -1;
  for (size_t i = 0; rc == 0 && i < m->n_days; i++) {
    const Till__V1__DayTotal *d = m->days[i];
    const char *day = strlen(d->date) == 10 ? d->date + 8 : d->date; /* "YYYY-MM-DD" */
    yuan_into(a, d->amount);
    yuan_into(b, d->cash);
    yuan_into(c, d->noncash);
    snprintf(n, sizeof n, "%lld", (long long)d->receipts);
    rc = layout_table_add(t, day, n, a, b, c);
  }
  return print_table(t, rc == 0, "");
}

static int
max_int(int a, int b)
{
  return a > b ? a : b;
}

/* The items of the month: the code and the name (perhaps Chinese) in one
 * column that wraps under itself, then the quantity and the amount on the
 * item's first line; 42 cells in all. */
static int
print_month_items(const Till__V1__MonthlyReportResponse *m)
{
  char a[TILL_MONEY_STR_MAX], q[24];
  int qw = layout_width(_("QTY")), aw = layout_width(_("NET AMOUNT"));
  for (size_t i = 0; i < m->n_items; i++) {
    yuan_into(a, m->items[i]->amount);
    snprintf(q, sizeof q, "%lld", (long long)m->items[i]->quantity);
    qw = max_int(qw, layout_width(q));
    aw = max_int(aw, layout_width(a));
  }
  int nw = max_int(PRINT_COLS - qw - aw - 4, 12);
  layout_left(stdout, _("ITEM"), nw + 2);
  layout_right(stdout, _("QTY"), qw);
  fputs("  ", stdout);
  layout_right(stdout, _("NET AMOUNT"), aw);
  putchar('\n');
  for (size_t i = 0; i < m->n_items; i++) {
    const Till__V1__MonthItem *it = m->items[i];
    const char *rest;
    int named = it->name && it->name[0] && strcmp(it->name, it->item) != 0;
    size_t len = strlen(it->item) + (named ? strlen(it->name) + 1 : 0) + 1;
    char *text = malloc(len), *first = malloc(len);
    if (!text || !first) {
      free(text);
      free(first);
      return -1;
    }
    snprintf(text, len, "%s%s%s", it->item, named ? " " : "", named ? it->name : "");
    size_t n = layout_wrap(text, nw, &rest);
    snprintf(first, len, "%.*s", (int)n, text);
    yuan_into(a, it->amount);
    snprintf(q, sizeof q, "%lld", (long long)it->quantity);
    layout_left(stdout, first, nw + 2);
    layout_right(stdout, q, qw);
    fputs("  ", stdout);
    layout_right(stdout, a, aw);
    putchar('\n');
    if (rest[strspn(rest, " ")])
      layout_wrapped(stdout, "  ", 2, rest, nw - 2);
    free(text);
    free(first);
  }
  return 0;
}

/* The totals (label, figure), the methods the e-payment ratio counts, the
 * refunds by method and the waivers by account (account names as they
 * are). */
static int
print_month_totals(const Till__V1__MonthlyReportResponse *m)
{
  char pct[40], label[96];
  char methods[256] = "", note[320];
  for (int k = 1, first = 1; k <= TILL_METHOD_MAX; k++)
    if (till_method_is_electronic(k)) {
      if (!first)
        strncat(methods, _(", "), sizeof methods - strlen(methods) - 1);
      strncat(methods, _(method_text[k]), sizeof methods - strlen(methods) - 1);
      first = 0;
    }
  layout_table_t *t = layout_table_new(2, "lr");
  int rc = t ? 0 : -1;
  if (rc == 0)
    rc = layout_table_add(t, _("net collections"), yuan(m->total));
  snprintf(label, sizeof label, "  %s", _("cash"));
  if (rc == 0)
    rc = layout_table_add(t, label, yuan(m->cash));
  snprintf(label, sizeof label, "  %s", _("non-cash"));
  if (rc == 0)
    rc = layout_table_add(t, label, yuan(m->noncash));
  snprintf(label, sizeof label, "  %s", _("electronic"));
  if (rc == 0)
    rc = layout_table_add(t, label, yuan(m->electronic));
  fmt_bp(pct, sizeof pct - 1, m->epay_ratio_bp);
  strcat(pct, "%");
  if (rc == 0)
    rc = layout_table_add(t, _("e-payment ratio"), pct);
  if (print_table(t, rc == 0, "") != 0)
    return -1;
  snprintf(note, sizeof note, _("(electronic: %s)"), methods);
  layout_wrapped(stdout, "", 1, note, PRINT_COLS - 1);
  /* ---- refunds ---- */
  t = layout_table_new(2, "lr");
  rc = t ? 0 : -1;
  snprintf(label, sizeof label, _("refunds (%lld)"), (long long)m->refund_count);
  if (rc == 0)
    rc = layout_table_add(t, label, yuan(m->refunds_total));
  for (size_t i = 0; rc == 0 && i < m->n_refunds; i++) {
    snprintf(label, sizeof label, "  %s", print_method((int)m->refunds[i]->method));
    rc = layout_table_add(t, label, yuan(m->refunds[i]->amount));
  }
  if (rc == 0)
    rc = layout_table_add(t, _("net takings (less refunds)"), yuan(m->net_takings));
  if (print_table(t, rc == 0, "") != 0)
    return -1;
  /* ---- end of refunds ---- */
  return print_waivers(m->waivers, m->n_waivers);
}

/* The collectors against their targets, then each one's band and
 * over/short: two tables, so that each fits 42 cells. */
static int
print_month_cashiers(const Till__V1__MonthlyReportResponse *m)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX], pct[40], band[80];
  layout_table_t *t = layout_table_new(4, "lrrr");
  int rc = t && layout_table_add(t, _("CASHIER"), _("COLLECTED"), _("TARGET"), _("DEVIATION")) == 0
             ? 0
             : -1;
  for (size_t i = 0; rc == 0 && i < m->n_cashiers; i++) {
    const Till__V1__CashierMonth *cm = m->cashiers[i];
    yuan_into(a, cm->collected);
    if (cm->target > 0) {
      yuan_into(b, cm->target);
      fmt_bp(pct, sizeof pct - 1, cm->deviation_bp);
      strcat(pct, "%");
    } else {
      snprintf(b, sizeof b, "-");
      snprintf(pct, sizeof pct, "-");
    }
    rc = layout_table_add(t, cm->cashier, a, b, pct);
  }
  if (print_table(t, rc == 0, "") != 0)
    return -1;
  if (!m->n_cashiers)
    return 0;
  putchar('\n');
  t = layout_table_new(3, "llr");
  rc = t && layout_table_add(t, _("CASHIER"), _("BAND"), _("OVER/SHORT")) == 0 ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < m->n_cashiers; i++) {
    const Till__V1__CashierMonth *cm = m->cashiers[i];
    yuan_into(a, cm->over_short);
    report_band_text(band, sizeof band, cm);
    rc = layout_table_add(t, cm->cashier, band, a);
  }
  return print_table(t, rc == 0, "");
}

/* 0, or -1 when memory ran out (part of the report is then missing). */
static int
print_monthly_text(const Till__V1__MonthlyReportResponse *m)
{
  printf(_("MONTHLY SETTLEMENT %s\n"), m->month);
  printf(_("business dates %s-01 .. %s-%s\n\n"), m->month, m->month, last_day(m->month));
  if (print_month_days(m) != 0)
    return -1;
  if (!m->n_days)
    printf("%s\n", _("(no sales this month)"));
  putchar('\n');
  if (print_month_items(m) != 0)
    return -1;
  putchar('\n');
  if (print_month_totals(m) != 0)
    return -1;
  putchar('\n');
  if (print_month_cashiers(m) != 0)
    return -1;
  if (!m->n_cashiers)
    printf("%s\n", _("(no cashier collected anything or has a target)"));
  /* ---- reports: hospital windows ---- */
  if (print_hospital_day_text(m->hospital) != 0)
    return -1;
  /* ---- end of reports ---- */
  return 0;
}

int
cmd_report_monthly(cli_t *cli)
{
  Till__V1__MonthlyReportRequest mr = TILL__V1__MONTHLY_REPORT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *month = cli_opt(cli, "--month");
  /* empty: the month of the server's current business date */
  mr.month = (char *)(month ? month : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_REQ;
  req.monthly_report_req = &mr;
  int rc;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_RESP, &rc);
  if (!resp)
    return rc;
  rc = 0;
  if (cli->json)
    print_monthly_json(resp->monthly_report_resp);
  else if (print_monthly_text(resp->monthly_report_resp) != 0)
    rc = print_out_of_memory();
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
