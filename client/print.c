/* print.c -- 42-column receipts and their JSON form; see print.h. */
#include "print.h"

#include <string.h>
#include <time.h>

#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "till_money.h"
#include "till_names.h"

/* The names of common/till_names.c as a person reads them: gettext looks
 * each up by its English name; this list only shows xgettext what to
 * extract (test_names checks it holds every name). */
static const char *const name_words[] __attribute__((unused)) = {
  N_("cashier"), N_("supervisor"), N_("auditor"),  N_("admin"),   N_("cash"),
  N_("card"),    N_("wechat"),     N_("alipay"),   N_("transfer"), N_("cheque"),
  N_("subsidy"), N_("open"),       N_("closed"),   N_("approved"), N_("pending"),
  N_("rejected"), N_("in transit"), N_("confirmed"),
};

/* The word for <name> in the user's language; "?" for NULL (a value out of
 * range). */
static const char *
word_of(const char *name)
{
  return name ? _(name) : "?";
}

const char *
print_role(int role)
{
  return word_of(till_role_name(role));
}

const char *
print_method(int method)
{
  return word_of(till_method_name(method));
}

const char *
print_shift_state(int state)
{
  return word_of(till_shift_state_name(state));
}

const char *
print_void_state(int state)
{
  return word_of(till_void_state_name(state));
}

const char *
print_deposit_state(int state)
{
  return word_of(till_deposit_state_name(state));
}

int
print_table(layout_table_t *t, int built, const char *indent)
{
  int ok = built && t;
  if (ok)
    layout_table_print(t, stdout, indent);
  layout_table_free(t);
  return ok ? 0 : -1;
}

int
print_out_of_memory(void)
{
  fprintf(stderr, "%s", _("till: out of memory\n"));
  return 1;
}

const char *
print_wire_name(const char *name)
{
  return name ? name : "?";
}

int
print_width(const char *s)
{
  return layout_width(s);
}

/* Print s in exactly <cells> cells (a column); a wider s is printed whole. */
static void
put_cells(FILE *f, const char *s, int cells)
{
  layout_left(f, s, cells);
}

void
print_rule(FILE *f, char c)
{
  for (int i = 0; i < PRINT_COLS; i++)
    fputc(c, f);
  fputc('\n', f);
}

void
print_centered(FILE *f, const char *s)
{
  int w = print_width(s);
  int pad = w < PRINT_COLS ? (PRINT_COLS - w) / 2 : 0;
  fprintf(f, "%*s%s\n", pad, "", s);
}

/* "label ........ amount" across the full width */
void
print_money_line(FILE *f, const char *label, int64_t fen)
{
  char m[TILL_MONEY_STR_MAX];
  till_money_format(fen, m, sizeof m);
  int w = (int)strlen(m) > 14 ? (int)strlen(m) : 14; /* a huge figure squeezes the label */
  put_cells(f, label, PRINT_COLS - w);
  fprintf(f, "%*s\n", w, m);
}

/* "Label     value": the label in 10 cells, the value wrapped under itself,
 * never cut. */
void
print_text_line(FILE *f, const char *label, const char *value)
{
  char lead[64];
  int w = layout_width(label);
  snprintf(lead, sizeof lead, "%s%*s", label, w < 10 ? 10 - w : 1, "");
  layout_wrapped(f, lead, 10, value, PRINT_COLS - 10);
}

/* A toll's line has no fee item behind it: its item is "toll.<class>"
 * (p1-p4 passenger, t1-t6 truck, s1-s6 special operation) or "toll.card"
 * (a lost card's fee), which the collector and the driver read in words
 * (the server sends the code as its name too).
 * Anything else is shown as its code. */
static const char *
toll_line_name(const char *item, char *buf, size_t len)
{
  if (strncmp(item, "toll.", 5) != 0)
    return item;
  const char *c = item + 5;
  if (strcmp(c, "card") == 0)
    return _("Pass card fee");
  if (strlen(c) != 2 || c[1] < '1' || c[1] > '6')
    return item;
  if (c[0] == 'p')
    snprintf(buf, len, _("Toll, passenger class %c"), c[1]);
  else if (c[0] == 't')
    snprintf(buf, len, _("Toll, truck class %c"), c[1]);
  else if (c[0] == 's')
    snprintf(buf, len, _("Toll, special class %c"), c[1]);
  else
    return item;
  return buf;
}

/* ---- refund2 ---- */
const char *
print_item_name(const char *item, const char *name, char *buf, size_t len)
{
  if (strncmp(item, "toll.", 5) == 0)
    return toll_line_name(item, buf, len);
  return name && name[0] ? name : item;
}
/* ---- end of refund2 ---- */

/* An item line: the name wrapped in its 18-cell column, the figures on its
 * first line. */
static void
item_line(FILE *f, const char *name, const char *qty, const char *price, const char *amount)
{
  const char *rest;
  size_t n = layout_wrap(name, 18, &rest);
  char first[256];
  snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1),
           name + strspn(name, " "));
  put_cells(f, first, 18);
  fprintf(f, "%6s%9s%9s\n", qty, price, amount);
  if (rest[strspn(rest, " ")])
    layout_wrapped(f, "", 0, rest, 18);
}

/* A payment in parts: each part with its method and amount, the cash
 * part's tendered and change under it. */
static void
print_payment_parts(FILE *f, const Till__V1__Receipt *r)
{
  char label[96];
  fprintf(f, "%s\n", _("Paid in parts"));
  for (size_t i = 0; i < r->n_payments; i++) {
    const Till__V1__MethodAmount *p = r->payments[i];
    snprintf(label, sizeof label, "  %s", print_method((int)p->method));
    print_money_line(f, label, p->amount);
    if (p->method == TILL__V1__PAYMENT_METHOD__METHOD_CASH && r->tendered) {
      snprintf(label, sizeof label, "    %s", _("Tendered"));
      print_money_line(f, label, r->tendered);
      snprintf(label, sizeof label, "    %s", _("Change"));
      print_money_line(f, label, r->change);
    }
  }
}

void
print_receipt(FILE *f, const Till__V1__Receipt *r)
{
  char when[32], qty[24], price[TILL_MONEY_STR_MAX], amount[TILL_MONEY_STR_MAX];
  fmt_time(r->at_ms / 1000, when, sizeof when);
  print_rule(f, '=');
  if (r->office && r->office[0]) {
    /* the payee, wrapped onto further centred lines when long */
    const char *rest = r->office;
    while (*rest) {
      const char *line = rest + strspn(rest, " ");
      size_t n = layout_wrap(rest, PRINT_COLS, &rest);
      char buf[PRINT_COLS * 4 + 1]; /* a line of 42 cells: at most 4 bytes a cell */
      if (n == 0)
        break;
      snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), line);
      print_centered(f, buf);
    }
  }
  print_centered(f, _("TILL FEE RECEIPT"));
  if (r->copy)
    print_centered(f, _("*** COPY ***"));
  print_rule(f, '-');
  print_text_line(f, _("No."), r->number);
  print_text_line(f, _("Terminal"), r->terminal_id);
  print_text_line(f, _("Cashier"), r->cashier);
  print_text_line(f, _("Time"), when);
  print_rule(f, '-');
  /* item 18 | qty 6 | price 9 | amount 9 = 42 */
  put_cells(f, _("Item"), 18);
  layout_right(f, _("Qty"), 6);
  layout_right(f, _("Price"), 9);
  layout_right(f, _("Amount"), 9);
  fputc('\n', f);
  for (size_t i = 0; i < r->n_lines; i++) {
    const Till__V1__ReceiptLine *l = r->lines[i];
    char toll[64];
    const char *name = strncmp(l->item, "toll.", 5) == 0
                       ? toll_line_name(l->item, toll, sizeof toll)
                       : l->name[0] ? l->name : l->item;
    snprintf(qty, sizeof qty, "%lld", (long long)l->quantity);
    till_money_format(l->unit_price, price, sizeof price);
    till_money_format(l->amount, amount, sizeof amount);
    if (strlen(price) > 9 || strlen(amount) > 9 || strlen(qty) > 6) {
      /* large figures get lines of their own rather than a broken column */
      layout_wrapped(f, "", 0, name, PRINT_COLS);
      fprintf(f, "%18s%6s%9s%9s\n", "", qty, "", "");
      print_money_line(f, _("  unit price"), l->unit_price);
      print_money_line(f, _("  amount"), l->amount);
    } else {
      item_line(f, name, qty, price, amount);
    }
  }
  print_rule(f, '-');
  print_money_line(f, _("TOTAL (CNY)"), r->total);
  if (i18n_is_chinese()) {
    char words[TILL_MONEY_CAPITAL_MAX];
    if (till_money_capital(r->total, words, sizeof words) == 0)
      print_text_line(f, _("In words"), words);
  }
  if (r->n_payments > 1) {
    print_payment_parts(f, r);
  } else {
    print_text_line(f, _("Paid by"), print_method((int)r->method));
    if (r->tendered) {
      print_money_line(f, _("Tendered"), r->tendered);
      print_money_line(f, _("Change"), r->change);
    }
  }
  if (r->memo && r->memo[0])
    print_text_line(f, _("Memo"), r->memo);
  print_rule(f, '-');
  char verify[96];
  snprintf(verify, sizeof verify, _("%s   txn %lld"), r->verify_code, (long long)r->txn_id);
  print_text_line(f, _("Verify"), verify);
  if (r->copy) {
    char copies[32];
    snprintf(copies, sizeof copies, "#%d", r->reprint_count);
    print_text_line(f, _("Reprint"), copies);
  }
  if (r->voided) {
    print_centered(f, _("*** VOIDED ***"));
    print_text_line(f, _("Reason"), r->void_reason);
  }
  print_rule(f, '=');
}

void
print_receipt_json(FILE *f, const Till__V1__Receipt *r, int replayed)
{
  fprintf(f, "{\"number\":");
  json_str(f, r->number);
  fprintf(f, ",\"series\":");
  json_str(f, r->series);
  fprintf(f, ",\"receipt_no\":%lld,\"txn_id\":%lld,\"terminal\":", (long long)r->receipt_no,
          (long long)r->txn_id);
  json_str(f, r->terminal_id);
  fprintf(f, ",\"cashier\":");
  json_str(f, r->cashier);
  fprintf(f, ",\"at_ms\":%lld,\"lines\":[", (long long)r->at_ms);
  for (size_t i = 0; i < r->n_lines; i++) {
    const Till__V1__ReceiptLine *l = r->lines[i];
    fprintf(f, "%s{\"item\":", i ? "," : "");
    json_str(f, l->item);
    fprintf(f, ",\"name\":");
    json_str(f, l->name);
    fprintf(f, ",\"quantity\":%lld", (long long)l->quantity);
    json_money(f, "unit_price", l->unit_price, 1);
    json_money(f, "amount", l->amount, 1);
    fprintf(f, "}");
  }
  fprintf(f, "]");
  json_money(f, "total", r->total, 1);
  fprintf(f, ",\"method\":\"%s\"",
          r->n_payments > 1 ? "split" : print_wire_name(till_method_name((int)r->method)));
  fprintf(f, ",\"payments\":[");
  for (size_t i = 0; i < r->n_payments; i++) {
    fprintf(f, "%s{\"method\":\"%s\"", i ? "," : "",
            print_wire_name(till_method_name((int)r->payments[i]->method)));
    json_money(f, "amount", r->payments[i]->amount, 1);
    fprintf(f, "}");
  }
  fprintf(f, "]");
  json_money(f, "tendered", r->tendered, 1);
  json_money(f, "change", r->change, 1);
  fprintf(f, ",\"office\":");
  json_str(f, r->office);
  fprintf(f, ",\"verify_code\":");
  json_str(f, r->verify_code);
  fprintf(f, ",\"copy\":%s,\"reprint_count\":%d,\"voided\":%s,\"void_reason\":",
          r->copy ? "true" : "false", r->reprint_count, r->voided ? "true" : "false");
  json_str(f, r->void_reason);
  fprintf(f, ",\"void_txn_id\":%lld,\"memo\":", (long long)r->void_txn_id);
  json_str(f, r->memo);
  fprintf(f, ",\"replayed\":%s}\n", replayed ? "true" : "false");
}

void
fmt_time(long long t, char *buf, size_t len)
{
  if (t <= 0) {
    snprintf(buf, len, "-");
    return;
  }
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}
