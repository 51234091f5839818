/* cmd_shift.c -- till shift open|status|close|approve|list: a cashier's
 * drawer from the float counted in to the cash counted out, and the
 * supervisor's approval. Answers are X-reports (running) and Z-reports
 * (closed) for an 80 mm printer, or JSON; the list printers are exported
 * for till deposit and till report daily (cmd_shift.h). */
#include "cmd_shift.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

#define MAX_COUNTS 16
#define NONCASH_MAX 6

/* "100x5,50x4,0.5x10" -> counts; "none" -> no notes at all. */
static int
parse_counts(const char *s, Till__V1__DenominationCount *counts,
             Till__V1__DenominationCount **ptrs, size_t *n)
{
  char buf[512];
  *n = 0;
  if (!s || strlen(s) >= sizeof buf)
    return -1;
  if (strcmp(s, "none") == 0)
    return 0;
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *x = strchr(tok, 'x');
    if (!x || *n == MAX_COUNTS)
      return -1;
    *x = '\0';
    till__v1__denomination_count__init(&counts[*n]);
    if (till_money_parse(tok, &counts[*n].face) != 0 ||
        till_parse_i64(x + 1, 0, 1000000000, &counts[*n].count) != 0)
      return -1;
    ptrs[*n] = &counts[*n];
    (*n)++;
  }
  return 0;
}

static void
money(char *buf, int64_t fen)
{
  till_money_format(fen, buf, TILL_MONEY_STR_MAX);
}

static void
rule(char c)
{
  for (int i = 0; i < PRINT_COLS; i++)
    putchar(c);
  putchar('\n');
}

/* <label> padded to <cells> cells, with at least one space after it. */
static void
label(const char *l, int cells)
{
  int w = layout_width(l);
  layout_left(stdout, l, w < cells ? cells : w + 1);
}

static void
line_money(const char *l, int64_t fen)
{
  char m[TILL_MONEY_STR_MAX];
  money(m, fen);
  label(l, 28);
  printf("%14s\n", m);
}

/* A figure the blind close withholds, said so rather than shown as 0. */
static void
line_withheld(const char *l)
{
  label(l, 16);
  printf("%s\n", _("withheld until the close"));
}

/* "Label     value": the label in the report's 10-cell column, the value
 * wrapped under itself, never cut. */
static void
line_text(const char *l, const char *value)
{
  label(l, 10);
  int w = layout_width(l), at = w < 10 ? 10 : w + 1;
  layout_wrapped(stdout, "", at, value, PRINT_COLS - at > 8 ? PRINT_COLS - at : 8);
}

/* ---- columns of the report: fixed widths (42 cells), widened to fit -------- */

#define REPORT_MAX_COLS 4

typedef struct {
  size_t n;
  int width[REPORT_MAX_COLS];
  const char *align;
} cols_t;

/* Widen the columns so that <cells> fit, with a space between columns. */
static void
cols_fit(cols_t *c, const char *const *cells)
{
  for (size_t i = 0; i < c->n; i++) {
    int w = layout_width(cells[i]) + (i + 1 < c->n || c->align[i] == 'r');
    if (w > c->width[i])
      c->width[i] = w;
  }
}

static void
cols_print(const cols_t *c, const char *const *cells)
{
  for (size_t i = 0; i < c->n; i++) {
    if (c->align[i] == 'r')
      layout_right(stdout, cells[i], c->width[i]);
    else if (i + 1 < c->n)
      layout_left(stdout, cells[i], c->width[i]);
    else
      fputs(cells[i], stdout);
  }
  putchar('\n');
}

/* A count by denomination under <title>: one line per face, face x count =
 * amount, then <total_label> with the total of the lines. The server
 * checked every count; a total that does not fit is shown as such. */
static void
print_counts(const char *title, Till__V1__DenominationCount **c, size_t n,
             const char *total_label)
{
  char face[TILL_MONEY_STR_MAX], amount[TILL_MONEY_STR_MAX];
  int64_t total = 0;
  int overflow = 0;
  printf("%s\n", title);
  if (n == 0)
    printf("  %s\n", _("(no notes or coins)"));
  for (size_t i = 0; i < n; i++) {
    int64_t a;
    money(face, c[i]->face);
    if (till_money_mul(c[i]->face, c[i]->count, &a) != 0 || till_money_add(total, a, &total) != 0) {
      overflow = 1;
      snprintf(amount, sizeof amount, "?");
    } else {
      money(amount, a);
    }
    printf("  %8s x %6lld = %20s\n", face, (long long)c[i]->count, amount);
  }
  if (overflow) {
    label(total_label, 28);
    printf("%14s\n", "?");
  } else {
    line_money(total_label, total);
  }
}

/* What a cashier sees of their open shift under the blind close: which
 * shift it is, and that its figures come with the close. */
static void
print_blind(const Till__V1__ShiftReport *r)
{
  line_withheld(_("Opening float"));
  line_withheld(_("Takings"));
  line_withheld(_("Expected cash"));
  label(_("Reprints"), 10);
  printf("%d\n", r->reprints);
  printf("%s\n", _("Blind close: count the drawer; the Z-report\n"
                   "after the close shows the expected cash."));
}

/* ---- reports: hospital windows (issue 21) ---- */

/* Under a method's row: what hospital windows moved through it. */
static void
print_hosp_method(const Till__V1__MethodTotal *m)
{
  char a[TILL_MONEY_STR_MAX];
  if (m->hosp_bills) {
    money(a, m->hosp_bill_amount);
    printf(_("  hospital bills %s (%d)\n"), a, m->hosp_bills);
  }
  if (m->hosp_deposits) {
    money(a, m->hosp_deposit_amount);
    printf(_("  deposits taken %s (%d)\n"), a, m->hosp_deposits);
  }
  if (m->hosp_discharges) {
    money(a, m->hosp_discharged);
    printf(_("  paid back at discharge %s (%d)\n"), a, m->hosp_discharges);
  }
}

/* The shift's hospital receipts by kind, and what bills drew from
 * deposits (no drawer moved); nothing when the shift had none. */
static void
print_hosp_counts(const Till__V1__ShiftReport *r)
{
  if (!r->hosp_bills && !r->hosp_deposits && !r->hosp_discharges)
    return;
  printf(_("Bills     %-6d Deposits %-4d Discharges %d\n"), r->hosp_bills, r->hosp_deposits,
         r->hosp_discharges);
  if (r->hosp_from_deposits)
    line_money(_("Bills paid from deposits"), r->hosp_from_deposits);
}
/* ---- end of reports ---- */

/* The takings by method: sales, voided, and the expected (running) or
 * counted (closed) amount; on a closed report each non-cash method's
 * expected amount and variance under it. */
static void
print_methods(const Till__V1__ShiftReport *r, int z)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX], c[TILL_MONEY_STR_MAX];
  cols_t cols = {4, {9, 11, 11, 11}, "lrrr"};
  const char *head[] = {_("Method"), _("Sales"), _("Voided"), z ? _("Counted") : _("Expected")};
  /* two rounds: the widths, then the lines */
  for (int round = 0; round < 2; round++) {
    if (round)
      cols_print(&cols, head);
    else
      cols_fit(&cols, head);
    for (size_t i = 0; i < r->n_methods; i++) {
      const Till__V1__MethodTotal *m = r->methods[i];
      money(a, m->sales_amount);
      money(b, m->voided_amount);
      money(c, z ? m->counted : m->expected);
      const char *row[] = {print_method((int)m->method), a, b, c};
      if (!round) {
        cols_fit(&cols, row);
        continue;
      }
      cols_print(&cols, row);
      if (m->refunded) { /* ---- refunds ---- */
        money(a, m->refunded);
        printf(_("  refunded %s (%d)\n"), a, m->refund_count);
      }
      print_hosp_method(m); /* ---- reports: hospital windows ---- */
      if (z && m->method != TILL__V1__PAYMENT_METHOD__METHOD_CASH) {
        money(a, m->expected);
        money(b, m->variance);
        printf(_("  expected %-9s variance %s\n"), a, b);
      }
    }
  }
}

#define ITEM_NAME_CELLS 22

/* The takings by item: name (the code when it has none), quantity, amount.
 * A name wider than its 22 cells wraps onto further lines under itself,
 * the figures on its first line, so the report stays 42 cells wide. */
static void
print_items(const Till__V1__ShiftReport *r)
{
  char q[24], a[TILL_MONEY_STR_MAX], first[ITEM_NAME_CELLS * 4 + 1];
  cols_t cols = {3, {ITEM_NAME_CELLS, 6, 14}, "lrr"};
  const char *head[] = {_("Item"), _("Qty"), _("Amount")};
  for (int round = 0; round < 2; round++) {
    if (round)
      cols_print(&cols, head);
    else
      cols_fit(&cols, head);
    for (size_t i = 0; i < r->n_items; i++) {
      const Till__V1__ItemTotal *it = r->items[i];
      const char *name = it->name && it->name[0] ? it->name : it->item, *rest;
      size_t n = layout_wrap(name, ITEM_NAME_CELLS, &rest);
      snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1),
               name + strspn(name, " "));
      snprintf(q, sizeof q, "%lld", (long long)it->quantity);
      money(a, it->amount);
      const char *row[] = {first, q, a};
      if (!round) {
        cols_fit(&cols, row);
        continue;
      }
      cols_print(&cols, row);
      if (rest[strspn(rest, " ")])
        layout_wrapped(stdout, "", 0, rest, ITEM_NAME_CELLS);
    }
  }
}

/* The figures after the takings: the expected cash, the count and its
 * variance (closed), the receipt ranges, the signature, the approval and
 * the deposit. */
static void
print_close(const Till__V1__ShiftReport *r, int z)
{
  char v[128], when[32];
  line_money(_("Expected cash (float incl.)"), r->expected_cash);
  if (z) {
    print_counts(_("Cash count"), r->cash_count, r->n_cash_count, _("Counted cash"));
    line_money(r->cash_variance < 0   ? _("SHORT")
               : r->cash_variance > 0 ? _("OVER")
                                      : _("Variance"),
               r->cash_variance);
  }
  for (size_t i = 0; i < r->n_ranges; i++) {
    const Till__V1__SeriesRange *s = r->ranges[i];
    snprintf(v, sizeof v, _("%s %lld..%lld (%d)"), s->series, (long long)s->first_no,
             (long long)s->last_no, s->count);
    line_text(_("Receipts"), v);
  }
  if (z && r->signature_txn_id) {
    snprintf(v, sizeof v, _("signed at transaction %lld"), (long long)r->signature_txn_id);
    line_text(_("Chain"), v);
    /* the signed head's code: paper that witnesses the chain (security.md) */
    if (r->signature_head_hash.len == TILL_HASH_LEN) {
      till_chain_verify_code(r->signature_head_hash.data, v);
      line_text(_("Head code"), v);
    }
  }
  if (r->approved_by[0]) {
    fmt_time(r->approved_at, when, sizeof when);
    snprintf(v, sizeof v, "%s %s", r->approved_by, when);
    line_text(_("Approved"), v);
    if (r->note[0])
      line_text(_("Note"), r->note);
  }
  if (r->deposit_id) {
    snprintf(v, sizeof v, "%lld", (long long)r->deposit_id);
    line_text(_("Deposit"), v);
  }
}

static void
print_report(const Till__V1__ShiftReport *r)
{
  char v[128], when[32];
  int z = r->state != TILL__V1__SHIFT_STATE__SHIFT_OPEN;
  rule('=');
  const char *title = z ? _("Z-REPORT (CLOSED)") : _("X-REPORT (RUNNING)");
  int tw = layout_width(title);
  printf("%*s%s\n", tw < PRINT_COLS ? (PRINT_COLS - tw) / 2 : 0, "", title);
  rule('-');
  snprintf(v, sizeof v, _("%lld (%s)"), (long long)r->shift_id, print_shift_state((int)r->state));
  line_text(_("Shift"), v);
  line_text(_("Terminal"), r->terminal_id);
  line_text(_("Cashier"), r->cashier);
  /* the date its postings count on, whatever the clock says */
  snprintf(v, sizeof v, _("%s (business date)"), r->business_date);
  line_text(_("Date"), v);
  fmt_time(r->opened_at, when, sizeof when);
  line_text(_("Opened"), when);
  if (z) {
    fmt_time(r->closed_at, when, sizeof when);
    line_text(_("Closed"), when);
  }
  rule('-');
  if (r->blind) {
    print_blind(r);
    rule('=');
    return;
  }
  print_counts(_("Float count"), r->float_count, r->n_float_count, _("Opening float"));
  printf(_("Receipts  %-6d Voids %-5d Reprints %d\n"), r->receipts, r->voids, r->reprints);
  line_money(_("Voided"), r->voided_amount);
  line_money(_("Refunds"), r->refunds);
  print_hosp_counts(r); /* ---- reports: hospital windows ---- */
  rule('-');
  print_methods(r, z);
  rule('-');
  print_items(r);
  rule('-');
  print_close(r, z);
  rule('=');
}

/* "key":[{"face":"100.00","count":2,"amount":"200.00"},...]; an amount
 * that does not fit int64 (never from a server that checked the count) is
 * null. */
static void
json_counts(const char *key, Till__V1__DenominationCount **c, size_t n)
{
  printf(",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    int64_t a;
    printf("%s{", i ? "," : "");
    json_money(stdout, "face", c[i]->face, 0);
    printf(",\"count\":%lld", (long long)c[i]->count);
    if (till_money_mul(c[i]->face, c[i]->count, &a) == 0)
      json_money(stdout, "amount", a, 1);
    else
      printf(",\"amount\":null");
    printf("}");
  }
  printf("]");
}

/* A blind report (the cashier's own open shift under the blind close):
 * what the server sent, and no key for what it withheld. */
static void
print_blind_json(const Till__V1__ShiftReport *r, int replayed)
{
  printf("{\"shift_id\":%lld,\"state\":\"%s\",\"terminal\":", (long long)r->shift_id,
         print_wire_name(till_shift_state_name((int)r->state)));
  json_str(stdout, r->terminal_id);
  printf(",\"cashier\":");
  json_str(stdout, r->cashier);
  printf(",\"business_date\":");
  json_str(stdout, r->business_date);
  printf(",\"opened_at\":%lld,\"closed_at\":%lld,\"reprints\":%d", (long long)r->opened_at,
         (long long)r->closed_at, r->reprints);
  printf(",\"withheld\":\"until the close\",\"blind\":true,\"replayed\":%s}\n",
         replayed ? "true" : "false");
}

static void
print_report_json(const Till__V1__ShiftReport *r, int replayed)
{
  if (r->blind) {
    print_blind_json(r, replayed);
    return;
  }
  printf("{\"shift_id\":%lld,\"state\":\"%s\",\"terminal\":", (long long)r->shift_id,
         print_wire_name(till_shift_state_name((int)r->state)));
  json_str(stdout, r->terminal_id);
  printf(",\"cashier\":");
  json_str(stdout, r->cashier);
  printf(",\"business_date\":");
  json_str(stdout, r->business_date);
  printf(",\"opened_at\":%lld,\"closed_at\":%lld", (long long)r->opened_at, (long long)r->closed_at);
  json_money(stdout, "float", r->float_amount, 1);
  printf(",\"receipts\":%d,\"voids\":%d,\"reprints\":%d", r->receipts, r->voids, r->reprints);
  json_money(stdout, "voided", r->voided_amount, 1);
  json_money(stdout, "refunds", r->refunds, 1);
  /* ---- reports: hospital windows and refunds ---- */
  printf(",\"refund_count\":%d,\"hosp_bills\":%d,\"hosp_deposits\":%d,\"hosp_discharges\":%d",
         r->refund_count, r->hosp_bills, r->hosp_deposits, r->hosp_discharges);
  json_money(stdout, "hosp_from_deposits", r->hosp_from_deposits, 1);
  json_money(stdout, "expected_cash", r->expected_cash, 1);
  json_money(stdout, "counted_cash", r->counted_cash, 1);
  json_money(stdout, "cash_variance", r->cash_variance, 1);
  printf(",\"methods\":[");
  for (size_t i = 0; i < r->n_methods; i++) {
    const Till__V1__MethodTotal *m = r->methods[i];
    printf("%s{\"method\":\"%s\",\"sales\":%d", i ? "," : "",
           print_wire_name(till_method_name((int)m->method)), m->sales);
    json_money(stdout, "sales_amount", m->sales_amount, 1);
    json_money(stdout, "voided", m->voided_amount, 1);
    json_money(stdout, "expected", m->expected, 1);
    json_money(stdout, "counted", m->counted, 1);
    json_money(stdout, "variance", m->variance, 1);
    json_money(stdout, "refunded", m->refunded, 1); /* ---- refunds ---- */
    printf(",\"refund_count\":%d", m->refund_count);
    /* ---- reports: hospital windows ---- */
    json_money(stdout, "hosp_bill_amount", m->hosp_bill_amount, 1);
    printf(",\"hosp_bills\":%d", m->hosp_bills);
    json_money(stdout, "hosp_deposit_amount", m->hosp_deposit_amount, 1);
    printf(",\"hosp_deposits\":%d", m->hosp_deposits);
    json_money(stdout, "hosp_discharged", m->hosp_discharged, 1);
    printf(",\"hosp_discharges\":%d", m->hosp_discharges);
    printf("}");
  }
  printf("],\"items\":[");
  for (size_t i = 0; i < r->n_items; i++) {
    printf("%s{\"item\":", i ? "," : "");
    json_str(stdout, r->items[i]->item);
    printf(",\"name\":");
    json_str(stdout, r->items[i]->name);
    printf(",\"quantity\":%lld", (long long)r->items[i]->quantity);
    json_money(stdout, "amount", r->items[i]->amount, 1);
    printf("}");
  }
  printf("],\"ranges\":[");
  for (size_t i = 0; i < r->n_ranges; i++) {
    printf("%s{\"series\":", i ? "," : "");
    json_str(stdout, r->ranges[i]->series);
    printf(",\"first\":%lld,\"last\":%lld,\"count\":%d}", (long long)r->ranges[i]->first_no,
           (long long)r->ranges[i]->last_no, r->ranges[i]->count);
  }
  printf("]");
  json_counts("float_count", r->float_count, r->n_float_count);
  json_counts("cash_count", r->cash_count, r->n_cash_count);
  printf(",\"signature_txn_id\":%lld,\"approved_by\":", (long long)r->signature_txn_id);
  json_str(stdout, r->approved_by);
  printf(",\"approved_at\":%lld,\"note\":", (long long)r->approved_at);
  json_str(stdout, r->note);
  printf(",\"deposit_id\":%lld,\"blind\":%s,\"replayed\":%s}\n", (long long)r->deposit_id,
         r->blind ? "true" : "false", replayed ? "true" : "false");
}

static void
show_report(cli_t *cli, const Till__V1__ShiftReport *r, int replayed)
{
  if (!r)
    return;
  if (cli->json)
    print_report_json(r, replayed);
  else
    print_report(r);
}

void
print_shift_summary_json(const Till__V1__ShiftSummary *s, int first)
{
  printf("%s{\"shift_id\":%lld,\"terminal\":", first ? "" : ",", (long long)s->shift_id);
  json_str(stdout, s->terminal_id);
  printf(",\"cashier\":");
  json_str(stdout, s->cashier);
  printf(",\"business_date\":");
  json_str(stdout, s->business_date);
  printf(",\"state\":\"%s\",\"opened_at\":%lld,\"closed_at\":%lld",
         print_wire_name(till_shift_state_name((int)s->state)), (long long)s->opened_at,
         (long long)s->closed_at);
  json_money(stdout, "counted_cash", s->counted_cash, 1);
  json_money(stdout, "cash_variance", s->cash_variance, 1);
  json_money(stdout, "depositable", s->depositable, 1);
  printf(",\"deposit_id\":%lld}", (long long)s->deposit_id);
}

int
print_shift_summaries(cli_t *cli, Till__V1__ShiftSummary **s, size_t n)
{
  char id[24], counted[TILL_MONEY_STR_MAX], var[TILL_MONEY_STR_MAX], dep[TILL_MONEY_STR_MAX];
  char when[32];
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < n; i++)
      print_shift_summary_json(s[i], i == 0);
    printf("]\n");
    return 0;
  }
  /* the whole list first: its columns are as wide as their widest cell */
  layout_table_t *t = layout_table_new(10, "llllllrrrl");
  int rc = t && layout_table_add(t, _("SHIFT"), _("TERMINAL"), _("CASHIER"), _("DATE"),
                                 _("STATE"), _("CLOSED"), _("COUNTED"), _("VARIANCE"),
                                 _("TO DEPOSIT"), _("DEPOSIT")) == 0
             ? 0
             : -1;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    snprintf(id, sizeof id, "%lld", (long long)s[i]->shift_id);
    money(counted, s[i]->counted_cash);
    money(var, s[i]->cash_variance);
    money(dep, s[i]->depositable);
    fmt_time(s[i]->closed_at, when, sizeof when);
    rc = layout_table_add(t, id, s[i]->terminal_id, s[i]->cashier, s[i]->business_date,
                          print_shift_state((int)s[i]->state), when, counted, var, dep,
                          s[i]->deposit_id ? _("yes") : "-");
  }
  if (print_table(t, rc == 0, "") != 0)
    return print_out_of_memory();
  return 0;
}

/* --count into counts; 0 or EXIT_USAGE. */
static int
count_opt(cli_t *cli, Till__V1__DenominationCount *counts, Till__V1__DenominationCount **ptrs,
          size_t *n)
{
  const char *count = cli_opt(cli, "--count");
  if (!count || parse_counts(count, counts, ptrs, n) != 0)
    return cli_usage_error(
      _("--count must look like 100x5,50x4,0.5x10 (face in yuan x number) or 'none'"));
  return 0;
}

/* --noncash card=120.00,wechat=35.50 into <nc> (room for NONCASH_MAX); each
 * part a method other than cash, with its amount. 0 or EXIT_USAGE. */
static int
noncash_opt(cli_t *cli, Till__V1__MethodAmount *nc, Till__V1__MethodAmount **ptrs, size_t *n)
{
  const char *noncash = cli_opt(cli, "--noncash");
  cli_method_amount_t given[CLI_METHOD_AMOUNTS_MAX];
  *n = 0;
  if (!noncash)
    return 0;
  int rc = cli_method_amounts("--noncash", noncash, given, n);
  if (rc != 0)
    return rc;
  for (size_t i = 0; i < *n; i++) {
    if (!given[i].has_amount || *n > NONCASH_MAX)
      return cli_usage_error(_("--noncash must look like card=120.00,wechat=35.50"));
    if (given[i].method == TILL_METHOD_CASH)
      return cli_usage_error(
        _("--noncash must look like card=120.00,wechat=35.50 (cash is --count)"));
    till__v1__method_amount__init(&nc[i]);
    nc[i].method = till_wire_method((till_method_t)given[i].method);
    nc[i].amount = given[i].amount;
    ptrs[i] = &nc[i];
  }
  return 0;
}

int
cmd_shift_open(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ShiftOpenRequest open = TILL__V1__SHIFT_OPEN_REQUEST__INIT;
  Till__V1__DenominationCount counts[MAX_COUNTS], *cptr[MAX_COUNTS];
  uint8_t key[16];
  int rc;
  if ((rc = count_opt(cli, counts, cptr, &open.n_float_count)) != 0 ||
      (rc = cli_idempotency_field(cli, key, &open.idempotency_key)) != 0)
    return rc;
  open.float_count = cptr;
  req.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_OPEN_REQ;
  req.shift_open_req = &open;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_SHIFT_OPEN_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", _("shift opened"));
  show_report(cli, resp->shift_open_resp->report, resp->shift_open_resp->replayed);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_shift_close(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ShiftCloseRequest close = TILL__V1__SHIFT_CLOSE_REQUEST__INIT;
  Till__V1__DenominationCount counts[MAX_COUNTS], *cptr[MAX_COUNTS];
  Till__V1__MethodAmount nc[NONCASH_MAX], *ncptr[NONCASH_MAX];
  uint8_t key[16];
  int rc;
  if ((rc = count_opt(cli, counts, cptr, &close.n_cash_count)) != 0 ||
      (rc = cli_idempotency_field(cli, key, &close.idempotency_key)) != 0 ||
      (rc = noncash_opt(cli, nc, ncptr, &close.n_noncash)) != 0)
    return rc;
  close.cash_count = cptr;
  close.noncash = close.n_noncash ? ncptr : NULL;
  req.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_CLOSE_REQ;
  req.shift_close_req = &close;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_SHIFT_CLOSE_RESP, &rc);
  if (!resp)
    return rc;
  show_report(cli, resp->shift_close_resp->report, resp->shift_close_resp->replayed);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_shift_status(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ShiftStatusRequest status = TILL__V1__SHIFT_STATUS_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 2);
  if (id && till_parse_i64(id, 1, INT64_MAX, &status.shift_id) != 0)
    return commands_group_usage_error(cli);
  req.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_REQ;
  req.shift_status_req = &status;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_RESP, &rc);
  if (!resp)
    return rc;
  show_report(cli, resp->shift_status_resp->report, 0);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_shift_approve(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ShiftApproveRequest approve = TILL__V1__SHIFT_APPROVE_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 2), *note = cli_opt(cli, "--note");
  if (!id || till_parse_i64(id, 1, INT64_MAX, &approve.shift_id) != 0)
    return commands_group_usage_error(cli);
  approve.note = (char *)(note ? note : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_REQ;
  req.shift_approve_req = &approve;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", _("shift approved"));
  show_report(cli, resp->shift_approve_resp->report, 0);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_shift_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ShiftListRequest list = TILL__V1__SHIFT_LIST_REQUEST__INIT;
  int rc;
  const char *state = cli_opt(cli, "--state");
  if (state) {
    int s = till_shift_state_from_name(state);
    if (!s)
      return cli_usage_error(_("--state must be open, closed or approved"));
    list.state = till_wire_shift_state((till_shift_state_t)s);
  }
  req.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_LIST_REQ;
  req.shift_list_req = &list;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_SHIFT_LIST_RESP, &rc);
  if (!resp)
    return rc;
  rc = print_shift_summaries(cli, resp->shift_list_resp->shifts, resp->shift_list_resp->n_shifts);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
