/* json_out.c -- see json_out.h. */
#include "json_out.h"

#include "print.h"
#include "till_names.h"
#include "till_money.h"

void
json_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

void
json_money(FILE *f, const char *key, int64_t fen, int comma)
{
  char m[TILL_MONEY_STR_MAX];
  till_money_format(fen, m, sizeof m);
  fprintf(f, "%s\"%s\":\"%s\"", comma ? "," : "", key, m);
}

void
json_roles(FILE *f, const int *roles, size_t n)
{
  fputc('[', f);
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputc(',', f);
    json_str(f, print_wire_name(till_role_name(roles[i])));
  }
  fputc(']', f);
}

void
json_deposit(FILE *f, const Till__V1__DepositInfo *p)
{
  char amount[TILL_MONEY_STR_MAX];
  till_money_format(p->amount, amount, sizeof amount);
  fprintf(f, "{\"id\":%lld,\"business_date\":", (long long)p->id);
  json_str(f, p->business_date);
  fprintf(f, ",\"slip\":");
  json_str(f, p->slip);
  fprintf(f, ",\"amount\":\"%s\",\"state\":\"%s\",\"shifts\":[", amount,
          print_wire_name(till_deposit_state_name((int)p->state)));
  for (size_t k = 0; k < p->n_shift_ids; k++)
    fprintf(f, "%s%lld", k ? "," : "", (long long)p->shift_ids[k]);
  fprintf(f, "],\"created_by\":");
  json_str(f, p->created_by);
  fprintf(f, ",\"created_at\":%lld,\"confirmed_by\":", (long long)p->created_at);
  json_str(f, p->confirmed_by);
  fprintf(f, ",\"confirmed_at\":%lld,\"txn_id\":%lld,\"confirm_txn_id\":%lld}",
          (long long)p->confirmed_at, (long long)p->txn_id, (long long)p->confirm_txn_id);
}
