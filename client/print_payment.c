/* print_payment.c -- the receipt of a payment against a payer, for an
 * 80 mm printer (42 display cells), and its JSON form; see print_payment.h.
 * Each charge settled: its scheme and period on one line with what this
 * payment settled of it and the percentage of it settled now; its year
 * (收取历年陈欠按年度标明) and its whole amount under it. */
#include "print_payment.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "till_money.h"
#include "till_names.h"

/* "53.14%" from hundredths of a percent */
static void
percent(int32_t e2, char *buf, size_t len)
{
  snprintf(buf, len, "%d.%02d%%", e2 / 100, e2 % 100);
}

/* name 22 | settled 10 | percent 10 = 42; the name wraps in its column */
static void
charge_line(FILE *f, const Till__V1__PaymentLine *l)
{
  char name[160], amount[TILL_MONEY_STR_MAX], pct[16], whole[TILL_MONEY_STR_MAX], sub[128];
  snprintf(name, sizeof name, "%s %s", l->scheme_name, l->period);
  till_money_format(l->amount, amount, sizeof amount);
  percent(l->percent_e2, pct, sizeof pct);
  const char *rest;
  size_t n = layout_wrap(name, 22, &rest);
  char first[160];
  snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), name);
  layout_left(f, first, 22);
  layout_right(f, amount, 10);
  layout_right(f, pct, 10);
  fputc('\n', f);
  if (rest[strspn(rest, " ")])
    layout_wrapped(f, "", 0, rest, 22);
  till_money_format(l->charge_amount, whole, sizeof whole);
  snprintf(sub, sizeof sub, _("year %d, charge %s"), (int)l->year, whole);
  layout_wrapped(f, "  ", 2, sub, PRINT_COLS - 2);
}

static const char *
cheque_state_words(const char *state)
{
  if (strcmp(state, "pending") == 0)
    return _("pending: counts as collected once it clears");
  if (strcmp(state, "cleared") == 0)
    return _("cleared");
  if (strcmp(state, "bounced") == 0)
    return _("bounced: this payment was reversed");
  return state;
}

static void
print_head(FILE *f, const Till__V1__PaymentReceipt *r, int copy)
{
  char when[32], payer[256];
  fmt_time(r->at_ms / 1000, when, sizeof when);
  print_rule(f, '=');
  if (r->office && r->office[0])
    layout_wrapped(f, "", 0, r->office, PRINT_COLS);
  print_centered(f, _("PAYMENT RECEIPT"));
  if (copy)
    print_centered(f, _("*** COPY ***"));
  print_rule(f, '-');
  print_text_line(f, _("No."), r->number);
  print_text_line(f, _("Terminal"), r->terminal_id);
  print_text_line(f, _("Cashier"), r->cashier);
  print_text_line(f, _("Time"), when);
  snprintf(payer, sizeof payer, "#%lld %s %s", (long long)r->payer_id, r->complex, r->unit);
  print_text_line(f, _("Payer"), payer);
  print_text_line(f, _("Owner"), r->owner);
  print_rule(f, '-');
}

void
print_payment_receipt(FILE *f, const Till__V1__PaymentReceipt *r, int copy, int reprint_count)
{
  print_head(f, r, copy);
  layout_left(f, _("Charge"), 22);
  layout_right(f, _("Paid"), 10);
  layout_right(f, _("Settled"), 10);
  fputc('\n', f);
  for (size_t i = 0; i < r->n_lines; i++)
    charge_line(f, r->lines[i]);
  if (r->n_lines == 0)
    layout_wrapped(f, "", 0, _("(no open charge)"), PRINT_COLS);
  if (r->to_prepaid)
    print_money_line(f, _("To prepaid balance"), r->to_prepaid);
  print_rule(f, '-');
  print_money_line(f, _("TOTAL (CNY)"), r->amount);
  if (i18n_is_chinese()) {
    char words[TILL_MONEY_CAPITAL_MAX];
    if (till_money_capital(r->amount, words, sizeof words) == 0)
      print_text_line(f, _("In words"), words);
  }
  print_text_line(f, _("Paid by"), print_method((int)r->method));
  if (r->tendered) {
    print_money_line(f, _("Tendered"), r->tendered);
    print_money_line(f, _("Change"), r->change);
  }
  if (r->reference && r->reference[0])
    print_text_line(f, r->method == TILL__V1__PAYMENT_METHOD__METHOD_CHEQUE ? _("Cheque No.")
                                                                        : _("Document"),
              r->reference);
  if (r->cheque_state && r->cheque_state[0])
    print_text_line(f, _("Cheque"), cheque_state_words(r->cheque_state));
  if (r->to_prepaid) {
    layout_wrapped(f, "", 0, _("The overpayment is kept as a prepaid balance; the next charge "
                               "run uses it."), PRINT_COLS);
    print_money_line(f, _("Prepaid balance now"), r->prepaid_balance);
  }
  if (r->memo && r->memo[0])
    print_text_line(f, _("Memo"), r->memo);
  print_rule(f, '-');
  char verify[96];
  snprintf(verify, sizeof verify, _("%s   txn %lld"), r->verify_code, (long long)r->txn_id);
  print_text_line(f, _("Verify"), verify);
  if (copy) {
    char copies[32];
    snprintf(copies, sizeof copies, "#%d", reprint_count);
    print_text_line(f, _("Reprint"), copies);
  }
  print_rule(f, '=');
}

void
print_payment_line_json(FILE *f, const Till__V1__PaymentLine *l, int first)
{
  fprintf(f, "%s{\"charge_id\":%lld,\"scheme\":", first ? "" : ",", (long long)l->charge_id);
  json_str(f, l->scheme);
  fprintf(f, ",\"scheme_name\":");
  json_str(f, l->scheme_name);
  fprintf(f, ",\"period\":");
  json_str(f, l->period);
  fprintf(f, ",\"year\":%d,\"kind\":", (int)l->year);
  json_str(f, l->kind);
  json_money(f, "charge_amount", l->charge_amount, 1);
  json_money(f, "amount", l->amount, 1);
  json_money(f, "settled_after", l->paid_after, 1);
  fprintf(f, ",\"percent\":\"%d.%02d\"}", (int)(l->percent_e2 / 100), (int)(l->percent_e2 % 100));
}

void
print_payment_receipt_json(FILE *f, const Till__V1__PaymentReceipt *r, int replayed, int copy)
{
  fprintf(f, "{\"number\":");
  json_str(f, r->number);
  fprintf(f, ",\"series\":");
  json_str(f, r->series);
  fprintf(f, ",\"receipt_no\":%lld,\"txn_id\":%lld,\"kind\":\"payment\",\"terminal\":",
          (long long)r->receipt_no, (long long)r->txn_id);
  json_str(f, r->terminal_id);
  fprintf(f, ",\"cashier\":");
  json_str(f, r->cashier);
  fprintf(f, ",\"at_ms\":%lld,\"payer_id\":%lld,\"complex\":", (long long)r->at_ms,
          (long long)r->payer_id);
  json_str(f, r->complex);
  fprintf(f, ",\"unit\":");
  json_str(f, r->unit);
  fprintf(f, ",\"owner\":");
  json_str(f, r->owner);
  fprintf(f, ",\"lines\":[");
  for (size_t i = 0; i < r->n_lines; i++)
    print_payment_line_json(f, r->lines[i], i == 0);
  fprintf(f, "]");
  json_money(f, "amount", r->amount, 1);
  json_money(f, "to_prepaid", r->to_prepaid, 1);
  json_money(f, "prepaid_balance", r->prepaid_balance, 1);
  fprintf(f, ",\"method\":\"%s\"", print_wire_name(till_method_name((int)r->method)));
  json_money(f, "tendered", r->tendered, 1);
  json_money(f, "change", r->change, 1);
  fprintf(f, ",\"reference\":");
  json_str(f, r->reference);
  fprintf(f, ",\"cheque_state\":");
  json_str(f, r->cheque_state);
  fprintf(f, ",\"office\":");
  json_str(f, r->office);
  fprintf(f, ",\"verify_code\":");
  json_str(f, r->verify_code);
  fprintf(f, ",\"memo\":");
  json_str(f, r->memo);
  fprintf(f, ",\"copy\":%s,\"reprint_count\":%d,\"replayed\":%s}\n", copy ? "true" : "false",
          r->reprint_count, replayed ? "true" : "false");
}
