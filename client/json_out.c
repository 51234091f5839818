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
