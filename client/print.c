/* print.c -- 42-column receipts and their JSON form; see print.h. */
#include "print.h"

#include <string.h>
#include <time.h>

#include "json_out.h"
#include "till_money.h"
#include "till_names.h"

static const char *
name_or_q(const char *name)
{
  return name ? name : "?";
}

const char *
print_role(int role)
{
  return name_or_q(till_role_name(role));
}

const char *
print_method(int method)
{
  return name_or_q(till_method_name(method));
}

const char *
print_shift_state(int state)
{
  return name_or_q(till_shift_state_name(state));
}

const char *
print_void_state(int state)
{
  return name_or_q(till_void_state_name(state));
}

const char *
print_deposit_state(int state)
{
  return name_or_q(till_deposit_state_name(state));
}

/* Decode one UTF-8 sequence; returns its length (1 on a bad byte). */
static int
utf8_next(const unsigned char *s, unsigned *cp)
{
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  int len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
  unsigned v = s[0] & (len == 4 ? 0x07 : len == 3 ? 0x0f : 0x1f);
  for (int i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) {
      *cp = '?';
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3f);
  }
  *cp = v;
  return len;
}

static int
cp_width(unsigned cp)
{
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd))
    return 2;
  return 1;
}

int
print_width(const char *s)
{
  int w = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned cp;
    p += utf8_next(p, &cp);
    w += cp_width(cp);
  }
  return w;
}

/* Print s cut to at most <cells> cells; with <pad>, spaces fill the rest. */
static void
put_cells_to(FILE *f, const char *s, int cells, int pad)
{
  const unsigned char *p = (const unsigned char *)s;
  int used = 0;
  while (*p) {
    unsigned cp;
    int n = utf8_next(p, &cp);
    int w = cp_width(cp);
    if (used + w > cells)
      break;
    fwrite(p, 1, (size_t)n, f);
    used += w;
    p += n;
  }
  for (; pad && used < cells; used++)
    fputc(' ', f);
}

/* Print s in exactly <cells> cells (a column). */
static void
put_cells(FILE *f, const char *s, int cells)
{
  put_cells_to(f, s, cells, 1);
}

static void
rule(FILE *f, char c)
{
  for (int i = 0; i < PRINT_COLS; i++)
    fputc(c, f);
  fputc('\n', f);
}

static void
centered(FILE *f, const char *s)
{
  int w = print_width(s);
  int pad = w < PRINT_COLS ? (PRINT_COLS - w) / 2 : 0;
  fprintf(f, "%*s%s\n", pad, "", s);
}

/* "label ........ amount" across the full width */
static void
money_line(FILE *f, const char *label, int64_t fen)
{
  char m[TILL_MONEY_STR_MAX];
  till_money_format(fen, m, sizeof m);
  int w = (int)strlen(m) > 14 ? (int)strlen(m) : 14; /* a huge figure squeezes the label */
  put_cells(f, label, PRINT_COLS - w);
  fprintf(f, "%*s\n", w, m);
}

/* "Label     value" with the value cut to the line */
static void
text_line(FILE *f, const char *label, const char *value)
{
  fprintf(f, "%-10s", label);
  put_cells_to(f, value, PRINT_COLS - 10, 0);
  fputc('\n', f);
}

void
print_receipt(FILE *f, const Till__V1__Receipt *r)
{
  char when[32], qty[24], price[TILL_MONEY_STR_MAX], amount[TILL_MONEY_STR_MAX];
  fmt_time(r->at_ms / 1000, when, sizeof when);
  rule(f, '=');
  centered(f, "TILL FEE RECEIPT");
  if (r->copy)
    centered(f, "*** COPY ***");
  rule(f, '-');
  text_line(f, "No.", r->number);
  text_line(f, "Terminal", r->terminal_id);
  text_line(f, "Cashier", r->cashier);
  text_line(f, "Time", when);
  rule(f, '-');
  /* item 18 | qty 6 | price 9 | amount 9 = 42 */
  fprintf(f, "%-18s%6s%9s%9s\n", "Item", "Qty", "Price", "Amount");
  for (size_t i = 0; i < r->n_lines; i++) {
    const Till__V1__ReceiptLine *l = r->lines[i];
    snprintf(qty, sizeof qty, "%lld", (long long)l->quantity);
    till_money_format(l->unit_price, price, sizeof price);
    till_money_format(l->amount, amount, sizeof amount);
    put_cells(f, l->name[0] ? l->name : l->item, 18);
    if (strlen(price) > 9 || strlen(amount) > 9 || strlen(qty) > 6) {
      /* large figures get a line of their own rather than a broken column */
      fprintf(f, "\n%18s%6s%9s%9s\n", "", qty, "", "");
      money_line(f, "  unit price", l->unit_price);
      money_line(f, "  amount", l->amount);
    } else {
      fprintf(f, "%6s%9s%9s\n", qty, price, amount);
    }
  }
  rule(f, '-');
  money_line(f, "TOTAL (CNY)", r->total);
  fprintf(f, "Paid by   %s\n", print_method((int)r->method));
  if (r->tendered) {
    money_line(f, "Tendered", r->tendered);
    money_line(f, "Change", r->change);
  }
  if (r->memo && r->memo[0])
    text_line(f, "Memo", r->memo);
  rule(f, '-');
  fprintf(f, "Verify    %s   txn %lld\n", r->verify_code, (long long)r->txn_id);
  if (r->copy)
    fprintf(f, "Reprint   #%d\n", r->reprint_count);
  if (r->voided) {
    centered(f, "*** VOIDED ***");
    text_line(f, "Reason", r->void_reason);
  }
  rule(f, '=');
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
  fprintf(f, ",\"method\":\"%s\"", print_method((int)r->method));
  json_money(f, "tendered", r->tendered, 1);
  json_money(f, "change", r->change, 1);
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
