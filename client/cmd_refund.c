/* cmd_refund.c -- till refund request|approve|reject|pay|list: refunds (退费)
 * of a numbered sale or payment (docs/refunds.md). A cashier asks (the
 * original receipt, an amount or lines, a reason, a confirmation
 * reference), a supervisor who did not ask approves or rejects, a cashier
 * pays it out of their open shift and gets the refund slip. The receipt of
 * an original lists its refunds (print_refunds_of, cmd_refund.h). */
#include "cmd_refund.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_money.h"
#include "till_util.h"

#define REFUND_LINES_MAX 32

/* The state's word in the user's language. */
static const char *
state_word(const char *state)
{
  static const char *const words[] __attribute__((unused)) = {
    N_("requested"), N_("approved"), N_("rejected"), N_("paid"),
  };
  return state && *state ? _(state) : "?";
}

/* How a refund was paid out, in the user's language: a method's name, or
 * "deposit" for one back to a patient's deposit (预交金). */
static const char *
method_word(const char *method)
{
  if (method && strcmp(method, "deposit") == 0)
    return _("to the patient's deposit");
  return method && *method ? _(method) : "";
}

static void
refund_json(const Till__V1__Refund *f, int first, int replayed)
{
  char amount[TILL_MONEY_STR_MAX];
  till_money_format(f->amount, amount, sizeof amount);
  printf("%s{\"id\":%lld,\"orig_number\":", first ? "" : ",", (long long)f->id);
  json_str(stdout, f->orig_number);
  printf(",\"orig_kind\":");
  json_str(stdout, f->orig_kind);
  printf(",\"amount\":\"%s\",\"state\":", amount);
  json_str(stdout, f->state);
  printf(",\"reason\":");
  json_str(stdout, f->reason);
  printf(",\"reference\":");
  json_str(stdout, f->reference);
  printf(",\"requested_by\":");
  json_str(stdout, f->requested_by);
  printf(",\"decided_by\":");
  json_str(stdout, f->decided_by);
  printf(",\"paid_by\":");
  json_str(stdout, f->paid_by);
  printf(",\"method\":");
  json_str(stdout, f->method);
  printf(",\"number\":");
  json_str(stdout, f->number);
  printf(",\"refund_txn_id\":%lld,\"lines\":[", (long long)f->refund_txn_id);
  for (size_t i = 0; i < f->n_lines; i++) {
    printf("%s{\"item\":", i ? "," : "");
    json_str(stdout, f->lines[i]->item);
    printf(",\"quantity\":%lld}", (long long)f->lines[i]->quantity);
  }
  printf("],\"legs\":[");
  for (size_t i = 0; i < f->n_legs; i++) {
    till_money_format(f->legs[i]->amount, amount, sizeof amount);
    printf("%s{\"account\":", i ? "," : "");
    json_str(stdout, f->legs[i]->account);
    printf(",\"item\":");
    json_str(stdout, f->legs[i]->item);
    printf(",\"amount\":\"%s\"}", amount);
  }
  till_money_format(f->orig_paid, amount, sizeof amount);
  printf("],\"orig_paid\":\"%s\"", amount);
  till_money_format(f->orig_refunded, amount, sizeof amount);
  printf(",\"orig_refunded\":\"%s\"", amount);
  if (replayed >= 0)
    printf(",\"replayed\":%s", replayed ? "true" : "false");
  printf("}");
}

static layout_table_t *
refund_table_new(void)
{
  layout_table_t *t = layout_table_new(8, "llrlllll");
  if (t && layout_table_add(t, _("ID"), _("RECEIPT"), _("AMOUNT"), _("STATE"), _("REQUESTED"),
                            _("DECIDED"), _("REFUND RECEIPT"), _("REASON")) != 0) {
    layout_table_free(t);
    return NULL;
  }
  return t;
}

static int
refund_table_add(layout_table_t *t, const Till__V1__Refund *f)
{
  char id[24], amount[TILL_MONEY_STR_MAX];
  snprintf(id, sizeof id, "%lld", (long long)f->id);
  till_money_format(f->amount, amount, sizeof amount);
  return layout_table_add(t, id, f->orig_number, amount, state_word(f->state), f->requested_by,
                          f->decided_by[0] ? f->decided_by : "-", f->number[0] ? f->number : "-",
                          f->reason);
}

/* One refund in an answer, as a table row or JSON. Frees <resp>. */
static int
show_one(cli_t *cli, Till__V1__Envelope *resp, const Till__V1__Refund *f)
{
  if (!f)
    return cli_unexpected(resp, _("a refund"));
  int rc = 0;
  if (cli->json) {
    refund_json(f, 1, -1);
    printf("\n");
  } else {
    layout_table_t *t = refund_table_new();
    if (print_table(t, t && refund_table_add(t, f) == 0, "") != 0)
      rc = print_out_of_memory();
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* --line ITEM[:QTY] into <l>. 0 or EXIT_USAGE. */
static int
parse_line(const char *s, Till__V1__RefundLine *l, char *item, size_t len)
{
  const char *colon = strchr(s, ':');
  size_t n = colon ? (size_t)(colon - s) : strlen(s);
  l->quantity = 1;
  if (n == 0 || n >= len || (colon && till_parse_i64(colon + 1, 1, 1000000, &l->quantity) != 0))
    return cli_usage_error(_("--line '%s' is not ITEM or ITEM:QTY"), s);
  memcpy(item, s, n);
  item[n] = '\0';
  l->item = item;
  return 0;
}

/* till refund request NUMBER (--amount YUAN | --line ITEM[:QTY]...) --reason TEXT --ref TEXT */
int
cmd_refund_request(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__RefundRequestRequest rr = TILL__V1__REFUND_REQUEST_REQUEST__INIT;
  static Till__V1__RefundLine lines[REFUND_LINES_MAX];
  static Till__V1__RefundLine *plines[REFUND_LINES_MAX];
  static char items[REFUND_LINES_MAX][40];
  int rc;
  const char *number = cli_arg(cli, 2), *amount = cli_opt(cli, "--amount");
  const char *reason = cli_opt(cli, "--reason"), *ref = cli_opt(cli, "--ref");
  if (!number)
    return commands_group_usage_error(cli);
  if (!reason || !ref)
    return cli_usage_error(_("a refund needs --reason TEXT and --ref TEXT (the confirmation "
                             "reference)"));
  if ((amount != NULL) == (cli_opt(cli, "--line") != NULL))
    return cli_usage_error(_("give either --amount YUAN or --line ITEM[:QTY] (repeatable)"));
  if (amount && till_money_parse(amount, &rr.amount) != 0)
    return cli_usage_error(_("--amount '%s' is not an amount like 100 or 100.00"), amount);
  for (int i = 0; !amount; i++) {
    const char *s = cli_opt_nth(cli, "--line", i);
    if (!s)
      break;
    if (i == REFUND_LINES_MAX)
      return cli_usage_error(_("at most %d --line options"), REFUND_LINES_MAX);
    till__v1__refund_line__init(&lines[i]);
    if ((rc = parse_line(s, &lines[i], items[i], sizeof items[i])) != 0)
      return rc;
    plines[i] = &lines[i];
    rr.n_lines = (size_t)i + 1;
  }
  rr.lines = plines;
  rr.number = (char *)number;
  rr.reason = (char *)reason;
  rr.reference = (char *)ref;
  req.body_case = TILL__V1__ENVELOPE__BODY_REFUND_REQUEST_REQ;
  req.refund_request_req = &rr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REFUND_REQUEST_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", _("refund requested; a supervisor other than you must approve it"));
  return show_one(cli, resp, resp->refund_request_resp->refund);
}

static int
refund_decide(cli_t *cli, int approve)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__RefundDecideRequest rd = TILL__V1__REFUND_DECIDE_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 2), *note = cli_opt(cli, "--note");
  if (!id || till_parse_i64(id, 1, INT64_MAX, &rd.refund_id) != 0)
    return commands_group_usage_error(cli);
  rd.approve = approve;
  rd.note = (char *)(note ? note : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_REQ;
  req.refund_decide_req = &rd;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", approve ? _("refund approved; a cashier pays it out with till refund pay")
                           : _("refund rejected"));
  return show_one(cli, resp, resp->refund_decide_resp->refund);
}

int
cmd_refund_approve(cli_t *cli)
{
  return refund_decide(cli, 1);
}

int
cmd_refund_reject(cli_t *cli)
{
  return refund_decide(cli, 0);
}

/* ---- the refund slip: 42 cells, like a receipt, laid out in display
 * cells (layout.h) so that the English and the Chinese labels both fit:
 * the labels' column is as wide as the widest label on the slip, a value
 * wraps under itself, and a label too long for the room left of its
 * amount wraps at a space, never inside a word. ---- */

#define SLIP_AMOUNT 14 /* cells of an amount, as print_money_line */
#define SLIP_LABELS_MAX 20 /* the widest label column; a wider label wraps */

/* "label   value", the label in <col> cells, the value wrapped under itself */
static void
slip_text_line(FILE *f, int col, const char *label, const char *value)
{
  char lead[160];
  int w = layout_width(label);
  if (w >= col) { /* a label wider than the column: alone on its line */
    layout_wrapped(f, "", 0, label, PRINT_COLS);
    w = 0;
    label = "";
  }
  snprintf(lead, sizeof lead, "%s%*s", label, col - w, "");
  layout_wrapped(f, lead, col, value[0] ? value : "-", PRINT_COLS - col);
}

/* "label ....... amount": a label longer than the room left of the amount
 * wraps over lines of its own, the amount on its last line. */
static void
slip_money_line(FILE *f, const char *label, int64_t fen)
{
  char m[TILL_MONEY_STR_MAX], line[256];
  till_money_format(fen, m, sizeof m);
  int w = (int)strlen(m) > SLIP_AMOUNT ? (int)strlen(m) : SLIP_AMOUNT;
  int room = PRINT_COLS - w - 1;
  const char *rest = label + strspn(label, " ");
  int indent = (int)(rest - label); /* a leading indent stays on every line */
  if (indent > 4)
    indent = 4;
  room -= indent;
  /* each line takes at least one character: bounded by the label's length */
  for (;;) {
    const char *at = rest + strspn(rest, " ");
    size_t n = layout_wrap(rest, room, &rest);
    snprintf(line, sizeof line, "%*s%.*s", indent, "", (int)(n < 200 ? n : 200), at);
    if (!*rest || n == 0) {
      layout_left(f, line, PRINT_COLS - w);
      fprintf(f, "%*s\n", w, m);
      return;
    }
    fprintf(f, "%s\n", line);
  }
}

/* A leg's words: its item's name (or a toll's words) and the quantity, or
 * for a share given back without an item, the share's name. */
static const char *
leg_label(const Till__V1__RefundLeg *l, char *buf, size_t len)
{
  char words[96];
  if (!l->item[0]) {
    if (strcmp(l->account, "receivable:medical-fund") == 0)
      return _("insurance fund (receivable)");
    if (strcmp(l->account, "receivable:medical-account") == 0)
      return _("personal accounts (receivable)");
    if (strcmp(l->account, "waiver:hospital") == 0)
      return _("hospital share");
    return l->account;
  }
  const char *name = print_item_name(l->item, l->name, words, sizeof words);
  if (l->quantity > 0 && l->unit_price > 0)
    snprintf(buf, len, "%s x%lld", name, (long long)l->quantity);
  else
    snprintf(buf, len, "%s", name);
  return buf;
}

static void
print_refund_slip(FILE *f, const Till__V1__RefundPayResponse *p)
{
  const Till__V1__Refund *r = p->refund;
  char when[32], label[256];
  const char *labels[] = {_("Refund receipt"), _("Original receipt"), _("Time"),
                          _("Paid out by"),    _("Approved by"),      _("Reason"),
                          _("Reference"),      _("Verify")};
  int col = 10;
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
    int w = layout_width(labels[i]) + 2;
    if (w > col && w <= SLIP_LABELS_MAX)
      col = w;
  }
  print_rule(f, '=');
  if (p->office && *p->office)
    print_centered(f, p->office);
  print_centered(f, _("REFUND"));
  print_rule(f, '-');
  slip_text_line(f, col, labels[0], r->number);
  slip_text_line(f, col, labels[1], r->orig_number);
  fmt_time((long long)(p->at_ms / 1000), when, sizeof when);
  slip_text_line(f, col, labels[2], when);
  slip_text_line(f, col, labels[3], r->paid_by);
  slip_text_line(f, col, labels[4], r->decided_by);
  slip_text_line(f, col, labels[5], r->reason);
  slip_text_line(f, col, labels[6], r->reference);
  print_rule(f, '-');
  for (size_t i = 0; i < r->n_legs; i++)
    slip_money_line(f, leg_label(r->legs[i], label, sizeof label), r->legs[i]->amount);
  print_rule(f, '-');
  slip_money_line(f, _("Refunded"), r->amount);
  snprintf(label, sizeof label, "  %s", method_word(r->method));
  slip_money_line(f, label, r->amount);
  slip_money_line(f, _("Left on the original"), r->orig_paid - r->orig_refunded);
  slip_text_line(f, col, labels[7], p->verify_code);
  print_rule(f, '=');
}
/* ---- end of the refund slip ---- */

/* till refund pay ID [--method cash|original] */
int
cmd_refund_pay(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__RefundPayRequest rp = TILL__V1__REFUND_PAY_REQUEST__INIT;
  uint8_t key[16];
  int rc;
  const char *id = cli_arg(cli, 2), *method = cli_opt(cli, "--method");
  if (!id || till_parse_i64(id, 1, INT64_MAX, &rp.refund_id) != 0)
    return commands_group_usage_error(cli);
  if (method && strcmp(method, "cash") != 0 && strcmp(method, "original") != 0)
    return cli_usage_error(_("--method '%s' must be cash or original"), method);
  rp.to_original = method && strcmp(method, "original") == 0;
  if ((rc = cli_idempotency_key(cli, key)) != 0)
    return rc;
  rp.idempotency_key.data = key;
  rp.idempotency_key.len = sizeof key;
  req.body_case = TILL__V1__ENVELOPE__BODY_REFUND_PAY_REQ;
  req.refund_pay_req = &rp;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_REFUND_PAY_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__RefundPayResponse *p = resp->refund_pay_resp;
  if (!p->refund)
    return cli_unexpected(resp, _("a refund"));
  if (cli->json) {
    refund_json(p->refund, 1, p->replayed);
    printf("\n");
  } else {
    if (p->replayed)
      printf("%s\n", _("already paid with this key: the recorded refund"));
    print_refund_slip(stdout, p);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* till refund list [--state S] [--receipt NUMBER] */
int
cmd_refund_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__RefundListRequest rl = TILL__V1__REFUND_LIST_REQUEST__INIT;
  int rc;
  const char *state = cli_opt(cli, "--state"), *number = cli_opt(cli, "--receipt");
  rl.state = (char *)(state ? state : "");
  rl.number = (char *)(number ? number : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_REFUND_LIST_REQ;
  req.refund_list_req = &rl;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REFUND_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__RefundListResponse *l = resp->refund_list_resp;
  rc = 0;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < l->n_refunds; i++)
      refund_json(l->refunds[i], i == 0, -1);
    printf("]\n");
  } else if (l->n_refunds == 0) {
    printf("%s\n", _("no refunds"));
  } else {
    layout_table_t *t = refund_table_new();
    int ok = t != NULL;
    for (size_t i = 0; ok && i < l->n_refunds; i++)
      ok = refund_table_add(t, l->refunds[i]) == 0;
    if (print_table(t, ok, "") != 0)
      rc = print_out_of_memory();
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
print_refunds_of(cli_t *cli, const char *number)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__RefundListRequest rl = TILL__V1__REFUND_LIST_REQUEST__INIT;
  int rc;
  rl.state = (char *)"paid";
  rl.number = (char *)number;
  req.body_case = TILL__V1__ENVELOPE__BODY_REFUND_LIST_REQ;
  req.refund_list_req = &rl;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_REFUND_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__RefundListResponse *l = resp->refund_list_resp;
  int64_t total = 0;
  for (size_t i = 0; i < l->n_refunds; i++) {
    const Till__V1__Refund *f = l->refunds[i];
    char label[128];
    if (i == 0) {
      print_centered(stdout, _("REFUNDS"));
      print_rule(stdout, '-');
    }
    snprintf(label, sizeof label, "%s %s", f->number, method_word(f->method));
    slip_money_line(stdout, label, -f->amount);
    total += f->amount;
  }
  if (l->n_refunds) {
    print_money_line(stdout, _("Left after refunds"), l->refunds[0]->orig_paid - total);
    print_rule(stdout, '=');
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
