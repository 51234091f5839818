/* cmd_hospital.c -- till hospital ... and till bill ...: the hospital's
 * price list (admins), bills keyed at the window or imported from the
 * hospital's system (the server prices every line and checks the
 * insurance split), a bill shown again by its number, patient deposits
 * (预交金), discharge, and a patient's deposit account (docs/hospital.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_hospital.h"
#include "cmd_refund.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

#define BILL_LINES_MAX 64        /* lines the client sends; the server allows 48 */
#define IMPORT_FILE_LINES 200    /* lines of an import file read, at most */

static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase body, int *rc)
{
  return cli_call_expect(cli, req, 1, body, rc);
}

/* An amount option into *out: 0 absent (left alone), 1 given, -1 bad
 * (after the usage error). */
static int
money_opt(cli_t *cli, const char *name, int64_t *out)
{
  const char *v = cli_opt(cli, name);
  if (!v)
    return 0;
  if (till_money_parse(v, out) != 0) {
    cli_usage_error(_("%s '%s' is not an amount like 100 or 100.00"), name, v);
    return -1;
  }
  return 1;
}

/* ---- the price list ------------------------------------------------------ */

int
cmd_hospital_item_add(cli_t *cli)
{
  Till__V1__HospItemAddRequest in = TILL__V1__HOSP_ITEM_ADD_REQUEST__INIT;
  Till__V1__HospItem it = TILL__V1__HOSP_ITEM__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *name = cli_opt(cli, "--name"), *unit = cli_opt(cli, "--unit"),
             *dept = cli_opt(cli, "--dept");
  if (!name || !unit || !dept || !cli_opt(cli, "--price"))
    return commands_usage_error(cli);
  if (money_opt(cli, "--price", &it.unit_price) < 0)
    return EXIT_USAGE;
  it.code = (char *)cli_arg(cli, 3);
  it.name = (char *)name;
  it.unit = (char *)unit;
  it.department = (char *)dept;
  in.item = &it;
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_ITEM_ADD_REQ;
  req.hosp_item_add_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_HOSP_ITEM_ADD_RESP, &rc);
  if (!resp)
    return rc;
  char price[TILL_MONEY_STR_MAX];
  till_money_format(it.unit_price, price, sizeof price);
  if (cli->json) {
    printf("{\"code\":");
    json_str(stdout, it.code);
    json_money(stdout, "unit_price", it.unit_price, 1);
    printf("}\n");
  } else {
    printf(_("added %s %s: %s per %s, %s\n"), it.code, it.name, price, it.unit, it.department);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_hospital_item_list(cli_t *cli)
{
  Till__V1__HospItemListRequest in = TILL__V1__HOSP_ITEM_LIST_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_ITEM_LIST_REQ;
  req.hosp_item_list_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_HOSP_ITEM_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__HospItemListResponse *l = resp->hosp_item_list_resp;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < l->n_items; i++) {
      const Till__V1__HospItem *it = l->items[i];
      printf("%s{\"code\":", i ? "," : "");
      json_str(stdout, it->code);
      printf(",\"name\":");
      json_str(stdout, it->name);
      printf(",\"unit\":");
      json_str(stdout, it->unit);
      json_money(stdout, "unit_price", it->unit_price, 1);
      printf(",\"department\":");
      json_str(stdout, it->department);
      printf("}");
    }
    printf("]\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  layout_table_t *t = layout_table_new(5, "lllrl");
  int ok = t && layout_table_add(t, _("code"), _("name"), _("counted in"), _("price"),
                                 _("department")) == 0;
  for (size_t i = 0; ok && i < l->n_items; i++) {
    const Till__V1__HospItem *it = l->items[i];
    char price[TILL_MONEY_STR_MAX];
    till_money_format(it->unit_price, price, sizeof price);
    ok = layout_table_add(t, it->code, it->name, it->unit, price, it->department) == 0;
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

/* ---- the bill's receipt -------------------------------------------------- */

static void
bill_line(FILE *f, const Till__V1__HospBillLine *l)
{
  char qty[24], price[TILL_MONEY_STR_MAX], amount[TILL_MONEY_STR_MAX], sub[160];
  snprintf(qty, sizeof qty, "%lld", (long long)l->quantity);
  till_money_format(l->unit_price, price, sizeof price);
  till_money_format(l->amount, amount, sizeof amount);
  /* name 18 | qty 6 | price 9 | amount 9 = 42; a long name gets its own lines */
  if (layout_width(l->name) <= 18 && strlen(price) <= 9 && strlen(amount) <= 9 &&
      strlen(qty) <= 6) {
    layout_left(f, l->name, 18);
  } else {
    layout_wrapped(f, "", 0, l->name, PRINT_COLS);
    layout_left(f, "", 18);
  }
  layout_right(f, qty, 6);
  layout_right(f, price, 9);
  layout_right(f, amount, 9);
  fputc('\n', f);
  snprintf(sub, sizeof sub, "%s · %s · %s%s", l->department, l->code, l->unit,
           l->refunded ? _(" (refunded)") : "");
  layout_wrapped(f, "  ", 2, sub, PRINT_COLS - 2);
}

static void
print_bill(FILE *f, const Till__V1__HospBill *b)
{
  char when[32], who[160];
  fmt_time(b->at_ms / 1000, when, sizeof when);
  print_rule(f, '=');
  if (b->office && b->office[0])
    print_centered(f, b->office);
  print_centered(f, _("HOSPITAL RECEIPT"));
  print_rule(f, '-');
  print_text_line(f, _("No."), b->number);
  print_text_line(f, _("Terminal"), b->terminal_id);
  print_text_line(f, _("Cashier"), b->cashier);
  print_text_line(f, _("Time"), when);
  snprintf(who, sizeof who, "%s %s", b->patient_id, b->patient_name);
  print_text_line(f, _("Patient"), who);
  if (b->order_id && b->order_id[0])
    print_text_line(f, _("Order"), b->order_id);
  print_rule(f, '-');
  layout_left(f, _("Item"), 18);
  layout_right(f, _("Qty"), 6);
  layout_right(f, _("Price"), 9);
  layout_right(f, _("Amount"), 9);
  fputc('\n', f);
  for (size_t i = 0; i < b->n_lines; i++)
    bill_line(f, b->lines[i]);
  print_rule(f, '-');
  print_money_line(f, _("TOTAL (CNY)"), b->total);
  if (i18n_is_chinese()) {
    char words[TILL_MONEY_CAPITAL_MAX];
    if (till_money_capital(b->total, words, sizeof words) == 0)
      print_text_line(f, _("In words"), words);
  }
  print_money_line(f, _("Insurance fund"), b->fund);
  if (b->hospital)
    print_money_line(f, _("Hospital share"), b->hospital);
  print_money_line(f, _("Patient share"), b->patient);
  print_money_line(f, _("  personal account"), b->account);
  print_money_line(f, _("  at the window"), b->window);
  if (b->window) {
    print_text_line(f, _("Paid by"), b->from_deposit ? _("patient deposit") : print_method((int)b->method));
    if (b->tendered) {
      print_money_line(f, _("Tendered"), b->tendered);
      print_money_line(f, _("Change"), b->change);
    }
    if (b->from_deposit)
      print_money_line(f, _("Deposit left"), b->deposit_balance);
  }
  print_rule(f, '-');
  char verify[96];
  snprintf(verify, sizeof verify, _("%s   txn %lld"), b->verify_code, (long long)b->txn_id);
  print_text_line(f, _("Verify"), verify);
  print_rule(f, '=');
}

static void
print_bill_json(FILE *f, const Till__V1__HospBill *b, int replayed)
{
  fprintf(f, "{\"number\":");
  json_str(f, b->number);
  fprintf(f, ",\"txn_id\":%lld,\"order_id\":", (long long)b->txn_id);
  json_str(f, b->order_id);
  fprintf(f, ",\"patient_id\":");
  json_str(f, b->patient_id);
  fprintf(f, ",\"patient_name\":");
  json_str(f, b->patient_name);
  fprintf(f, ",\"lines\":[");
  for (size_t i = 0; i < b->n_lines; i++) {
    const Till__V1__HospBillLine *l = b->lines[i];
    fprintf(f, "%s{\"code\":", i ? "," : "");
    json_str(f, l->code);
    fprintf(f, ",\"name\":");
    json_str(f, l->name);
    fprintf(f, ",\"department\":");
    json_str(f, l->department);
    fprintf(f, ",\"quantity\":%lld", (long long)l->quantity);
    json_money(f, "unit_price", l->unit_price, 1);
    json_money(f, "amount", l->amount, 1);
    fprintf(f, ",\"refunded\":%s}", l->refunded ? "true" : "false");
  }
  fprintf(f, "]");
  json_money(f, "total", b->total, 1);
  json_money(f, "fund", b->fund, 1);
  json_money(f, "patient", b->patient, 1);
  json_money(f, "account", b->account, 1);
  json_money(f, "hospital", b->hospital, 1);
  json_money(f, "window", b->window, 1);
  fprintf(f, ",\"method\":\"%s\",\"from_deposit\":%s",
          b->method ? print_wire_name(till_method_name((int)b->method)) : "",
          b->from_deposit ? "true" : "false");
  json_money(f, "tendered", b->tendered, 1);
  json_money(f, "change", b->change, 1);
  json_money(f, "deposit_balance", b->deposit_balance, 1);
  fprintf(f, ",\"replayed\":%s}\n", replayed ? "true" : "false");
}

/* ---- bills --------------------------------------------------------------- */

/* The split and payment options of bill new and bill import into <in>. */
static int
bill_opts(cli_t *cli, Till__V1__HospBillRequest *in)
{
  int g[6];
  if ((g[0] = money_opt(cli, "--fund", &in->fund)) < 0 ||
      (g[1] = money_opt(cli, "--patient", &in->patient)) < 0 ||
      (g[2] = money_opt(cli, "--account", &in->account)) < 0 ||
      (g[3] = money_opt(cli, "--hospital", &in->hospital)) < 0 ||
      (g[4] = money_opt(cli, "--window", &in->window)) < 0 ||
      (g[5] = money_opt(cli, "--total", &in->total)) < 0)
    return EXIT_USAGE;
  if (g[0] || g[1] || g[2] || g[3] || g[4])
    in->split = 1;
  if (g[4])
    in->window_given = 1;
  const char *method = cli_opt(cli, "--method");
  if (method) {
    int m = cli_method("--method", method);
    if (!m)
      return EXIT_USAGE;
    in->method = till_wire_method((till_method_t)m);
  }
  if (money_opt(cli, "--tendered", &in->tendered) < 0)
    return EXIT_USAGE;
  in->from_deposit = cli_flag(cli, "--from-deposit") != 0;
  return 0;
}

static int
send_bill(cli_t *cli, Till__V1__HospBillRequest *in)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  uint8_t key[16];
  int rc;
  if ((rc = cli_idempotency_field(cli, key, &in->idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_BILL_REQ;
  req.hosp_bill_req = in;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_HOSP_BILL_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__HospBillResponse *b = resp->hosp_bill_resp;
  if (!b->bill)
    return cli_unexpected(resp, _("a bill"));
  if (cli->json) {
    print_bill_json(stdout, b->bill, b->replayed);
  } else {
    if (b->replayed)
      fprintf(stderr, "%s", _("till: this bill was already posted; showing the original\n"));
    print_bill(stdout, b->bill);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* "CODE:QTY" into <l>: 0, or EXIT_USAGE naming the word. */
static int
parse_line(int no, const char *word, char *code, size_t code_len, Till__V1__HospLineIn *l)
{
  const char *colon = strrchr(word, ':');
  int64_t q = 1;
  size_t n = colon ? (size_t)(colon - word) : strlen(word);
  if (n == 0 || n >= code_len || (colon && till_parse_i64(colon + 1, -1000000000, 1000000000, &q) != 0))
    return cli_usage_error(_("line %d: '%s' is not CODE:QUANTITY"), no, word);
  memcpy(code, word, n);
  code[n] = '\0';
  l->code = code;
  l->quantity = q;
  return 0;
}

int
cmd_bill_new(cli_t *cli)
{
  Till__V1__HospBillRequest in = TILL__V1__HOSP_BILL_REQUEST__INIT;
  static Till__V1__HospLineIn lines[BILL_LINES_MAX];
  static Till__V1__HospLineIn *ptrs[BILL_LINES_MAX];
  static char codes[BILL_LINES_MAX][64];
  const char *id = cli_opt(cli, "--patient-id"), *name = cli_opt(cli, "--patient-name");
  if (!id || !name)
    return commands_usage_error(cli);
  in.patient_id = (char *)id;
  in.patient_name = (char *)name;
  size_t n = 0;
  for (const char *w; (w = cli_arg(cli, 2 + (int)n)) != NULL; n++) {
    if (n == BILL_LINES_MAX)
      return cli_usage_error(_("a bill has at most %d lines"), BILL_LINES_MAX);
    till__v1__hosp_line_in__init(&lines[n]);
    if (parse_line((int)n + 1, w, codes[n], sizeof codes[n], &lines[n]) != 0)
      return EXIT_USAGE;
    ptrs[n] = &lines[n];
  }
  in.lines = ptrs;
  in.n_lines = n;
  int rc = bill_opts(cli, &in);
  return rc ? rc : send_bill(cli, &in);
}

/* An import file: "key,value[,value]" lines from the hospital's system --
 * order, patient (id, name), line (code, quantity), and the split: total,
 * fund, patient_share, account, hospital, window. '#' starts a comment. */
typedef struct {
  char text[IMPORT_FILE_LINES][256];
  Till__V1__HospLineIn lines[BILL_LINES_MAX];
  Till__V1__HospLineIn *ptrs[BILL_LINES_MAX];
} import_t;

static int
import_amount(const char *file, int no, const char *key, const char *v, int64_t *out)
{
  if (!v || till_money_parse(v, out) != 0)
    return cli_usage_error(_("%s line %d: %s needs an amount like 100 or 100.00"), file, no, key);
  return 0;
}

static int
import_line(const char *file, int no, char *s, import_t *im, Till__V1__HospBillRequest *in)
{
  char *save = NULL, *key = strtok_r(s, ",", &save), *a = strtok_r(NULL, ",", &save),
       *b = strtok_r(NULL, ",", &save);
  if (!key)
    return 0;
  if (strcmp(key, "order") == 0 && a) {
    in->order_id = a;
  } else if (strcmp(key, "patient") == 0 && a && b) {
    in->patient_id = a;
    in->patient_name = b;
  } else if (strcmp(key, "line") == 0 && a && b) {
    if (in->n_lines == BILL_LINES_MAX)
      return cli_usage_error(_("a bill has at most %d lines"), BILL_LINES_MAX);
    Till__V1__HospLineIn *l = &im->lines[in->n_lines];
    till__v1__hosp_line_in__init(l);
    l->code = a;
    if (till_parse_i64(b, -1000000000, 1000000000, &l->quantity) != 0)
      return cli_usage_error(_("%s line %d: quantity '%s' is no whole number"), file, no, b);
    im->ptrs[in->n_lines++] = l;
  } else if (strcmp(key, "total") == 0) {
    return import_amount(file, no, key, a, &in->total);
  } else if (strcmp(key, "fund") == 0) {
    in->split = 1;
    return import_amount(file, no, key, a, &in->fund);
  } else if (strcmp(key, "patient_share") == 0) {
    in->split = 1;
    return import_amount(file, no, key, a, &in->patient);
  } else if (strcmp(key, "account") == 0) {
    in->split = 1;
    return import_amount(file, no, key, a, &in->account);
  } else if (strcmp(key, "hospital") == 0) {
    in->split = 1;
    return import_amount(file, no, key, a, &in->hospital);
  } else if (strcmp(key, "window") == 0) {
    in->split = 1;
    in->window_given = 1;
    return import_amount(file, no, key, a, &in->window);
  } else {
    return cli_usage_error(_("%s line %d: unknown or incomplete record '%s'"), file, no, key);
  }
  return 0;
}

int
cmd_bill_import(cli_t *cli)
{
  Till__V1__HospBillRequest in = TILL__V1__HOSP_BILL_REQUEST__INIT;
  static import_t im;
  const char *file = cli_arg(cli, 2);
  FILE *f = fopen(file, "r");
  if (!f)
    return cli_usage_error(_("cannot read %s"), file);
  in.lines = im.ptrs;
  int no = 0, rc = 0;
  while (rc == 0 && no < IMPORT_FILE_LINES && fgets(im.text[no], sizeof im.text[no], f)) {
    char *s = im.text[no++];
    s[strcspn(s, "\r\n")] = '\0';
    if (s[0] == '#' || s[0] == '\0')
      continue;
    rc = import_line(file, no, s, &im, &in);
  }
  int more = rc == 0 && no == IMPORT_FILE_LINES && !feof(f);
  fclose(f);
  if (rc)
    return rc;
  if (more)
    return cli_usage_error(_("%s has more than %d lines"), file, IMPORT_FILE_LINES);
  if (!in.order_id[0] || !in.patient_id[0] || in.n_lines == 0)
    return cli_usage_error(_("%s needs an order, a patient and at least one line"), file);
  rc = bill_opts(cli, &in);
  return rc ? rc : send_bill(cli, &in);
}

int
cmd_bill_show(cli_t *cli)
{
  Till__V1__HospBillGetRequest in = TILL__V1__HOSP_BILL_GET_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  in.number = (char *)cli_arg(cli, 2);
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_BILL_GET_REQ;
  req.hosp_bill_get_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_HOSP_BILL_GET_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->hosp_bill_get_resp->bill)
    return cli_unexpected(resp, _("a bill"));
  if (cli->json)
    print_bill_json(stdout, resp->hosp_bill_get_resp->bill, 0);
  else
    print_bill(stdout, resp->hosp_bill_get_resp->bill);
  till__v1__envelope__free_unpacked(resp, NULL);
  /* ---- refund2: the original shows its refunds, as a receipt does ---- */
  return cli->json ? 0 : print_refunds_of(cli, in.number);
}

/* ---- deposits ------------------------------------------------------------ */

static void
print_move(cli_t *cli, const Till__V1__HospDepositResponse *d)
{
  if (cli->json) {
    printf("{\"kind\":\"%s\",\"number\":", d->kind);
    json_str(stdout, d->number);
    printf(",\"txn_id\":%lld,\"patient_id\":", (long long)d->txn_id);
    json_str(stdout, d->patient_id);
    json_money(stdout, "amount", d->amount, 1);
    json_money(stdout, "balance", d->balance, 1);
    json_money(stdout, "change", d->change, 1);
    printf(",\"replayed\":%s}\n", d->replayed ? "true" : "false");
    return;
  }
  char when[32], who[160], verify[96];
  int out = strcmp(d->kind, "hosp_discharge") == 0;
  if (d->replayed)
    fprintf(stderr, "%s", _("till: this was already posted; showing the original\n"));
  fmt_time(d->at_ms / 1000, when, sizeof when);
  print_rule(stdout, '=');
  if (d->office && d->office[0])
    print_centered(stdout, d->office);
  print_centered(stdout, out ? _("DEPOSIT REFUND (DISCHARGE)") : _("PATIENT DEPOSIT RECEIPT"));
  print_rule(stdout, '-');
  print_text_line(stdout, _("No."), d->number);
  print_text_line(stdout, _("Terminal"), d->terminal_id);
  print_text_line(stdout, _("Cashier"), d->cashier);
  print_text_line(stdout, _("Time"), when);
  snprintf(who, sizeof who, "%s %s", d->patient_id, d->patient_name);
  print_text_line(stdout, _("Patient"), who);
  print_rule(stdout, '-');
  print_money_line(stdout, out ? _("Paid back (CNY)") : _("Deposit (CNY)"), d->amount);
  print_text_line(stdout, out ? _("Paid in") : _("Paid by"), print_method((int)d->method));
  if (d->tendered) {
    print_money_line(stdout, _("Tendered"), d->tendered);
    print_money_line(stdout, _("Change"), d->change);
  }
  print_money_line(stdout, _("Deposit balance"), d->balance);
  print_rule(stdout, '-');
  snprintf(verify, sizeof verify, _("%s   txn %lld"), d->verify_code, (long long)d->txn_id);
  print_text_line(stdout, _("Verify"), verify);
  print_rule(stdout, '=');
}

int
cmd_hospital_deposit(cli_t *cli)
{
  Till__V1__HospDepositRequest in = TILL__V1__HOSP_DEPOSIT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *name = cli_opt(cli, "--name"), *method = cli_opt(cli, "--method");
  if (!name || !method || !cli_opt(cli, "--amount"))
    return commands_usage_error(cli);
  in.patient_id = (char *)cli_arg(cli, 2);
  in.patient_name = (char *)name;
  int m = cli_method("--method", method);
  if (!m)
    return EXIT_USAGE;
  in.method = till_wire_method((till_method_t)m);
  if (money_opt(cli, "--amount", &in.amount) < 0 || money_opt(cli, "--tendered", &in.tendered) < 0)
    return EXIT_USAGE;
  uint8_t key[16];
  int rc;
  if ((rc = cli_idempotency_field(cli, key, &in.idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_DEPOSIT_REQ;
  req.hosp_deposit_req = &in;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_HOSP_DEPOSIT_RESP, &rc);
  if (!resp)
    return rc;
  print_move(cli, resp->hosp_deposit_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_hospital_discharge(cli_t *cli)
{
  Till__V1__HospDischargeRequest in = TILL__V1__HOSP_DISCHARGE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  in.patient_id = (char *)cli_arg(cli, 2);
  uint8_t key[16];
  int rc;
  if ((rc = cli_idempotency_field(cli, key, &in.idempotency_key)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_DISCHARGE_REQ;
  req.hosp_discharge_req = &in;
  Till__V1__Envelope *resp = cli_call_retry_expect(
    cli, &req, CLI_RETRY_ATTEMPTS, TILL__V1__ENVELOPE__BODY_HOSP_DISCHARGE_RESP, &rc);
  if (!resp)
    return rc;
  print_move(cli, resp->hosp_discharge_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

static const char *
kind_text(const char *kind)
{
  if (strcmp(kind, "hosp_deposit") == 0)
    return _("patient deposit");
  if (strcmp(kind, "hosp_bill") == 0)
    return _("bill");
  if (strcmp(kind, "hosp_discharge") == 0)
    return _("discharge");
  if (strcmp(kind, "refund") == 0) /* a refund of a bill drawn from the deposit */
    return _("refund to the deposit");
  return kind;
}

int
cmd_hospital_patient(cli_t *cli)
{
  Till__V1__HospPatientRequest in = TILL__V1__HOSP_PATIENT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  in.patient_id = (char *)cli_arg(cli, 2);
  req.body_case = TILL__V1__ENVELOPE__BODY_HOSP_PATIENT_REQ;
  req.hosp_patient_req = &in;
  int rc;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_HOSP_PATIENT_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__HospPatientResponse *p = resp->hosp_patient_resp;
  if (cli->json) {
    printf("{\"patient_id\":");
    json_str(stdout, p->patient_id);
    printf(",\"patient_name\":");
    json_str(stdout, p->patient_name);
    json_money(stdout, "balance", p->balance, 1);
    printf(",\"discharged\":%s,\"moves\":[", p->discharged ? "true" : "false");
    for (size_t i = 0; i < p->n_moves; i++) {
      printf("%s{\"txn_id\":%lld,\"kind\":\"%s\",\"number\":", i ? "," : "",
             (long long)p->moves[i]->txn_id, p->moves[i]->kind);
      json_str(stdout, p->moves[i]->number);
      json_money(stdout, "amount", p->moves[i]->amount, 1);
      printf("}");
    }
    printf("]}\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  char bal[TILL_MONEY_STR_MAX];
  till_money_format(p->balance, bal, sizeof bal);
  printf(_("patient %s %s: deposit balance %s%s\n"), p->patient_id, p->patient_name, bal,
         p->discharged ? _(" (discharged)") : "");
  layout_table_t *t = layout_table_new(4, "lllr");
  int ok = t && layout_table_add(t, _("time"), _("kind"), _("receipt"), _("amount")) == 0;
  for (size_t i = 0; ok && i < p->n_moves; i++) {
    char when[32], amount[TILL_MONEY_STR_MAX];
    fmt_time(p->moves[i]->at_ms / 1000, when, sizeof when);
    till_money_format(p->moves[i]->amount, amount, sizeof amount);
    ok = layout_table_add(t, when, kind_text(p->moves[i]->kind), p->moves[i]->number, amount) == 0;
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return print_table(t, ok, "  ") == 0 ? 0 : print_out_of_memory();
}

/* ---- the daily report's hospital block ----------------------------------- */

static void
json_methods(const char *key, Till__V1__MethodAmount *const *m, size_t n)
{
  printf(",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    printf("%s{\"method\":\"%s\"", i ? "," : "", print_wire_name(till_method_name((int)m[i]->method)));
    json_money(stdout, "amount", m[i]->amount, 1);
    printf("}");
  }
  printf("]");
}

void
print_hospital_day_json(const Till__V1__HospitalDay *h)
{
  if (!h)
    return;
  printf(",\"hospital\":{\"bills\":%lld", (long long)h->bills);
  json_money(stdout, "total", h->total, 1);
  json_money(stdout, "fund", h->fund, 1);
  json_money(stdout, "account", h->account, 1);
  json_money(stdout, "hospital", h->hospital, 1);
  json_methods("window", h->window, h->n_window);
  json_money(stdout, "window_deposit", h->window_deposit, 1);
  json_methods("deposits_in", h->deposits_in, h->n_deposits_in);
  json_money(stdout, "deposits_out", h->deposits_out, 1);
  /* ---- reports: refunds of bills ---- */
  printf(",\"refunds\":%lld", (long long)h->refunds);
  json_money(stdout, "refunded", h->refunded, 1);
  json_money(stdout, "refund_fund", h->refund_fund, 1);
  json_money(stdout, "refund_account", h->refund_account, 1);
  json_money(stdout, "refund_hospital", h->refund_hospital, 1);
  json_methods("refund_window", h->refund_window, h->n_refund_window);
  json_money(stdout, "refund_deposit", h->refund_deposit, 1);
  printf("}");
}

int
print_hospital_day_text(const Till__V1__HospitalDay *h)
{
  if (!h)
    return 0;
  char a[TILL_MONEY_STR_MAX], n[24];
  printf("\n%s\n", _("---- hospital ----"));
  layout_table_t *t = layout_table_new(2, "lr");
  int ok = t != NULL;
#define ROW(label, fen)                                                             \
  do {                                                                              \
    till_money_format((fen), a, sizeof a);                                          \
    ok = ok && layout_table_add(t, (label), a) == 0;                                \
  } while (0)
  snprintf(n, sizeof n, "%lld", (long long)h->bills);
  ok = ok && layout_table_add(t, _("bills"), n) == 0;
  ROW(_("billed"), h->total);
  ROW(_("insurance fund (receivable)"), h->fund);
  ROW(_("personal accounts (receivable)"), h->account);
  ROW(_("hospital share"), h->hospital);
  for (size_t i = 0; i < h->n_window; i++) {
    char label[96];
    snprintf(label, sizeof label, _("at the window: %s"), print_method((int)h->window[i]->method));
    ROW(label, h->window[i]->amount);
  }
  ROW(_("at the window: from deposits"), h->window_deposit);
  for (size_t i = 0; i < h->n_deposits_in; i++) {
    char label[96];
    snprintf(label, sizeof label, _("deposits taken: %s"),
             print_method((int)h->deposits_in[i]->method));
    ROW(label, h->deposits_in[i]->amount);
  }
  ROW(_("deposits paid back at discharge"), h->deposits_out);
  if (h->refunds) { /* ---- reports: refunds of bills ---- */
    snprintf(n, sizeof n, "%lld", (long long)h->refunds);
    ok = ok && layout_table_add(t, _("refunds of bills"), n) == 0;
    ROW(_("refunded: lines"), h->refunded);
    ROW(_("refunded: insurance fund"), h->refund_fund);
    ROW(_("refunded: personal accounts"), h->refund_account);
    ROW(_("refunded: hospital share"), h->refund_hospital);
    for (size_t i = 0; i < h->n_refund_window; i++) {
      char label[96];
      snprintf(label, sizeof label, _("refunded at the window: %s"),
               print_method((int)h->refund_window[i]->method));
      ROW(label, h->refund_window[i]->amount);
    }
    if (h->refund_deposit)
      ROW(_("refunded to deposits"), h->refund_deposit);
  }
#undef ROW
  return print_table(t, ok, "  ");
}
