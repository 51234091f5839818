/* web_ops.c -- the supervisor's other decisions: refunds and waivers among
 * the approvals (the voids' page draws their tables), and deposits: the
 * closed shifts' cash put into a deposit, and a deposit the bank
 * confirmed; see web.h. tilld decides who may: a refusal (a supervisor's
 * own request, a decided one, an amount that is not the shifts' cash) is
 * the page. Every form carries the session's CSRF token; a decision or a
 * deposit that has an idempotency key carries one drawn with the form, so
 * a form sent twice is done once. */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "i18n.h"
#include "print.h"
#include "till_money.h"
#include "till_util.h"

#define SLIP_MAX 64          /* bytes of a deposit slip number */
#define DEPOSIT_SHIFTS_MAX 1000 /* shifts in one deposit (Undeposited lists at most 1,000) */

/* ---- shared by the forms ------------------------------------------------------ */

static int
refuse_csrf(wreq_t *wr)
{
  if (web_csrf_ok(wr))
    return 0;
  web_error(wr, 403, _("Form refused"),
            _("The form has expired or was not sent from this console; load the page again."));
  return -1;
}

static void
bad_form(wreq_t *wr)
{
  web_error(wr, 400, _("Invalid request"), _("The form is not one this console drew."));
}

/* A fresh idempotency key as a hidden field "key"; 0 or -1. */
static int
key_field(wreq_t *wr)
{
  uint8_t raw[16];
  char hex[33];
  if (till_idem_key(till_now_ms(), raw) != 0)
    return -1;
  till_hex_encode(raw, sizeof raw, hex);
  web_printf(wr, "<input type=\"hidden\" name=\"key\" value=\"%s\">", hex);
  return 0;
}

/* The form's "key": 32 hex digits into key. 0, or -1 after a 400 page. */
static int
form_key(wreq_t *wr, uint8_t key[16])
{
  const char *hex = web_form(wr, "key");
  if (!hex || strlen(hex) != 32 || till_hex_decode(hex, key, 16) != 0) {
    bad_form(wr);
    return -1;
  }
  return 0;
}

/* Approve and reject buttons posting to <action> with <field>=<id>; with
 * an idempotency key when <keyed>. Button ids: <prefix>approve-<id>,
 * <prefix>reject-<id>. */
static void
decide_buttons(wreq_t *wr, const char *action, const char *field, const char *prefix, int64_t id,
               int keyed)
{
  for (int approve = 1; approve >= 0; approve--) {
    web_printf(wr, "<form method=\"post\" action=\"%s\" class=\"inline\">", action);
    web_csrf_field(wr);
    if (keyed && key_field(wr) != 0) {
      web_printf(wr, "</form>");
      continue;
    }
    web_printf(wr, "<input type=\"hidden\" name=\"%s\" value=\"%lld\">"
                   "<input type=\"hidden\" name=\"approve\" value=\"%d\">"
                   "<button type=\"submit\" class=\"%s\" id=\"%s%s-%lld\">%s</button></form> ",
               field, (long long)id, approve, approve ? "approve" : "reject", prefix,
               approve ? "approve" : "reject", (long long)id, approve ? _("Approve") : _("Reject"));
  }
}

/* The decision forms' common fields: the id and approve (0 or 1). 0, or -1
 * after an error page. */
static int
decision_form(wreq_t *wr, const char *field, int64_t *id, int *approve)
{
  if (refuse_csrf(wr) != 0)
    return -1;
  const char *a = web_form(wr, "approve");
  if (web_parse_id(web_form(wr, field), id) != 0 || !a || (strcmp(a, "0") && strcmp(a, "1"))) {
    bad_form(wr);
    return -1;
  }
  *approve = a[0] == '1';
  return 0;
}

static void
done_redirect(wreq_t *wr, const char *what, int64_t id, int approve)
{
  char loc[96];
  snprintf(loc, sizeof loc, "/voids?done=%lld&approved=%d&what=%s", (long long)id, approve, what);
  web_redirect(wr, loc);
}

/* ---- refunds ---------------------------------------------------------------------- */

int
web_refunds_table(wreq_t *wr)
{
  char t[32];
  Till__V1__RefundListRequest lr = TILL__V1__REFUND_LIST_REQUEST__INIT;
  lr.state = "requested";
  lr.number = "";
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_REFUND_LIST_REQ;
  env.refund_list_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_REFUND_LIST_RESP, 1);
  if (!resp)
    return -1;
  const Till__V1__RefundListResponse *l = resp->refund_list_resp;
  web_printf(wr, "<h2>%s</h2>\n<table id=\"refunds\"><thead><tr><th>%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr>"
                 "</thead><tbody>\n",
             _("Refunds"), _("Refund"), _("Receipt"), _("Amount"), _("Reason"), _("Reference"),
             _("Requested by"), _("Requested at"));
  size_t shown = 0;
  for (size_t i = 0; l && i < l->n_refunds; i++) {
    const Till__V1__Refund *r = l->refunds[i];
    if (!r->state || strcmp(r->state, "requested") != 0)
      continue;
    web_printf(wr, "<tr id=\"refund-%lld\"><td>%lld</td><td>", (long long)r->id, (long long)r->id);
    web_esc(wr, r->orig_number);
    web_printf(wr, "</td><td class=\"num\">");
    web_money(wr, r->amount);
    web_printf(wr, "</td><td>");
    web_esc(wr, r->reason);
    web_printf(wr, "</td><td>");
    web_esc(wr, r->reference);
    web_printf(wr, "</td><td>");
    web_esc(wr, r->requested_by);
    web_printf(wr, "</td><td>%s</td><td>", web_time(r->requested_at, t, sizeof t));
    decide_buttons(wr, "/refunds/decide", "refund_id", "refund-", r->id, 0);
    web_printf(wr, "</td></tr>\n");
    shown++;
  }
  if (!shown)
    web_printf(wr, "<tr><td colspan=\"8\" id=\"no-refund\">%s</td></tr>\n", _("No refund is waiting."));
  web_printf(wr, "</tbody></table>\n");
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

void
web_page_refund_decide(wreq_t *wr)
{
  int64_t id;
  int approve;
  if (decision_form(wr, "refund_id", &id, &approve) != 0)
    return;
  Till__V1__RefundDecideRequest dr = TILL__V1__REFUND_DECIDE_REQUEST__INIT;
  dr.refund_id = id;
  dr.approve = approve;
  dr.note = "";
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_REQ;
  env.refund_decide_req = &dr;
  /* no idempotency key in RefundDecide: sent once (a second decision of
   * the same refund is refused by tilld) */
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_RESP, 0);
  if (!resp)
    return;
  till__v1__envelope__free_unpacked(resp, NULL);
  done_redirect(wr, "refund", id, approve);
}

/* ---- waivers ---------------------------------------------------------------------- */

int
web_waivers_table(wreq_t *wr)
{
  char t[32];
  Till__V1__WaiverListRequest lr = TILL__V1__WAIVER_LIST_REQUEST__INIT;
  lr.pending_only = 1;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_LIST_REQ;
  env.waiver_list_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_WAIVER_LIST_RESP, 1);
  if (!resp)
    return -1;
  const Till__V1__WaiverListResponse *l = resp->waiver_list_resp;
  web_printf(wr, "<h2>%s</h2>\n<table id=\"waivers\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th><th class=\"num\">%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th></th></tr></thead><tbody>\n",
             _("Waivers"), _("Waiver"), _("Payer"), _("Charge"), _("Amount"), _("Open on the charge"),
             _("Reason"), _("Document"), _("Requested by"), _("Requested at"));
  size_t shown = 0;
  for (size_t i = 0; l && i < l->n_waivers; i++) {
    const Till__V1__WaiverInfo *w = l->waivers[i];
    if (w->state != TILL__V1__WAIVER_STATE__WAIVER_PENDING)
      continue;
    web_printf(wr, "<tr id=\"waiver-%lld\"><td>%lld</td><td>%lld</td><td>", (long long)w->id,
               (long long)w->id, (long long)w->payer_id);
    web_esc(wr, w->scheme);
    web_printf(wr, " ");
    web_esc(wr, w->period);
    web_printf(wr, "</td><td class=\"num\">");
    web_money(wr, w->amount);
    web_printf(wr, "</td><td class=\"num\">");
    web_money(wr, w->charge_open);
    web_printf(wr, "</td><td>");
    web_esc(wr, w->reason);
    web_printf(wr, "</td><td>");
    web_esc(wr, w->doc_ref);
    web_printf(wr, "</td><td>");
    web_esc(wr, w->requested_by);
    web_printf(wr, "</td><td>%s</td><td>", web_time(w->requested_at, t, sizeof t));
    decide_buttons(wr, "/waivers/decide", "waiver_id", "waiver-", w->id, 1);
    web_printf(wr, "</td></tr>\n");
    shown++;
  }
  if (!shown)
    web_printf(wr, "<tr><td colspan=\"10\" id=\"no-waiver\">%s</td></tr>\n", _("No waiver is waiting."));
  web_printf(wr, "</tbody></table>\n");
  if (l && l->more)
    web_printf(wr, "<p class=\"error\">%s</p>\n", _("More are waiting than are shown: decide these first."));
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

void
web_page_waiver_decide(wreq_t *wr)
{
  int64_t id;
  int approve;
  uint8_t key[16];
  if (decision_form(wr, "waiver_id", &id, &approve) != 0 || form_key(wr, key) != 0)
    return;
  Till__V1__WaiverDecideRequest dr = TILL__V1__WAIVER_DECIDE_REQUEST__INIT;
  dr.idempotency_key.data = key;
  dr.idempotency_key.len = sizeof key;
  dr.waiver_id = id;
  dr.approve = approve;
  dr.note = "";
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_REQ;
  env.waiver_decide_req = &dr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_RESP, 1);
  if (!resp)
    return;
  till__v1__envelope__free_unpacked(resp, NULL);
  done_redirect(wr, "waiver", id, approve);
}

/* ---- deposits --------------------------------------------------------------------- */

/* The closed shifts not deposited <hours> after their close, each with a
 * box to tick, and the slip and amount of the deposit to make. */
static int
deposit_form(wreq_t *wr, int64_t hours)
{
  Till__V1__Envelope *resp = web_undeposited_fetch(wr, hours);
  if (!resp)
    return -1;
  const Till__V1__UndepositedResponse *u = resp->undeposited_resp;
  web_begin(wr, _("Deposits"));
  const char *done = web_query(wr, "done");
  int64_t done_id;
  if (done && web_parse_id(done, &done_id) == 0) {
    web_printf(wr, "<p class=\"notice\" id=\"notice\">");
    web_printf(wr, web_query(wr, "confirmed") ? _("Deposit %lld was confirmed.") : _("Deposit %lld was made."),
               (long long)done_id);
    web_printf(wr, "</p>\n");
  }
  web_printf(wr, "<h2>");
  web_printf(wr, _("Cash not deposited %lld hours after the close"), (long long)hours);
  web_printf(wr, "</h2>\n<form method=\"get\" action=\"/deposits\" class=\"noprint filters\"><label>%s "
                 "<input name=\"hours\" value=\"%lld\" maxlength=\"4\"></label> <button type=\"submit\">%s"
                 "</button></form>\n",
             _("Hours"), (long long)hours, _("Show"));
  web_printf(wr, "<form method=\"post\" action=\"/deposits/create\" id=\"deposit\">");
  web_csrf_field(wr);
  key_field(wr);
  web_undeposited_table(wr, u, 1);
  web_printf(wr, "<p><label>%s <input name=\"slip\" id=\"slip\" maxlength=\"%d\" "
                 "required></label> <label>%s <input name=\"amount\" id=\"amount\" maxlength=\"16\" required>"
                 "</label> <button type=\"submit\" id=\"make-deposit\">%s</button></p>\n"
                 "<p class=\"legend\">%s</p></form>\n",
             _("Bank slip number"), SLIP_MAX, _("Amount (yuan)"), _("Make the deposit"),
             _("Tick the shifts whose cash goes to the bank; the amount must be their cash to deposit."));
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

/* ---- deplist: the deposits of a date and those in transit ---- */
/* A table of deposits (<id> the table's), with each one's business date
 * when <dated>; a deposit in transit has its confirm button. */
static void
deposit_table(wreq_t *wr, const char *id, Till__V1__DepositInfo **ds, size_t n, int dated)
{
  char t[32];
  web_printf(wr, "<table id=\"%s\"><thead><tr><th>%s</th>", id, _("Deposit"));
  if (dated)
    web_printf(wr, "<th>%s</th>", _("Business date"));
  web_printf(wr, "<th>%s</th><th class=\"num\">%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th></th></tr></thead><tbody>\n",
             _("Slip"), _("Amount"), _("State"), _("Shifts"), _("Made by"), _("Made at"));
  for (size_t i = 0; i < n; i++) {
    const Till__V1__DepositInfo *d = ds[i];
    web_printf(wr, "<tr id=\"deposit-%lld\"><td>%lld</td><td>", (long long)d->id, (long long)d->id);
    if (dated) {
      web_esc(wr, d->business_date);
      web_printf(wr, "</td><td>");
    }
    web_esc(wr, d->slip);
    web_printf(wr, "</td>");
    web_money_cell(wr, d->amount);
    web_printf(wr, "<td class=\"state\">%s</td><td>", print_deposit_state((int)d->state));
    for (size_t k = 0; k < d->n_shift_ids; k++)
      web_printf(wr, "%s%lld", k ? ", " : "", (long long)d->shift_ids[k]);
    web_printf(wr, "</td><td>");
    web_esc(wr, d->created_by);
    web_printf(wr, "</td><td>%s</td><td>", web_time(d->created_at, t, sizeof t));
    if (d->state == TILL__V1__DEPOSIT_STATE__DEPOSIT_IN_TRANSIT) {
      web_printf(wr, "<form method=\"post\" action=\"/deposits/confirm\" class=\"inline\">");
      web_csrf_field(wr);
      key_field(wr);
      web_printf(wr, "<input type=\"hidden\" name=\"deposit_id\" value=\"%lld\"><button type=\"submit\" "
                     "class=\"approve\" id=\"confirm-%lld\">%s</button></form>",
                 (long long)d->id, (long long)d->id, _("The bank confirmed it"));
    } else {
      web_esc(wr, d->confirmed_by);
      web_printf(wr, " %s", web_time(d->confirmed_at, t, sizeof t));
    }
    web_printf(wr, "</td></tr>\n");
  }
  if (!n)
    web_printf(wr, "<tr><td colspan=\"%d\">%s</td></tr>\n", dated ? 9 : 8, _("None."));
  web_printf(wr, "</tbody></table>\n");
}

/* The deposits made on the current business date, and those of other
 * dates still in transit (DepositList: the deposits only, never the day's
 * postings), each in transit with its confirm button. */
static int
deposits_listed(wreq_t *wr)
{
  Till__V1__DepositListRequest lr = TILL__V1__DEPOSIT_LIST_REQUEST__INIT;
  lr.date = "";
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_REQ;
  env.deposit_list_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_RESP, 1);
  if (!resp)
    return -1;
  const Till__V1__DepositListResponse *l = resp->deposit_list_resp;
  web_printf(wr, "<h2>%s ", _("Deposits of the business date"));
  web_esc(wr, l->date);
  web_printf(wr, "</h2>\n");
  deposit_table(wr, "deposits", l->deposits, l->n_deposits, 0);
  web_printf(wr, "<table class=\"kv\"><tbody>");
  web_money_row(wr, "deposited", _("Deposited"), l->deposited);
  web_printf(wr, "</tbody></table>\n<h2>%s</h2>\n", _("In transit, made on other business dates"));
  deposit_table(wr, "in-transit", l->in_transit, l->n_in_transit, 1);
  web_printf(wr, "<table class=\"kv\"><tbody>");
  web_money_row(wr, "in-transit-total", _("In transit, every date"), l->in_transit_total);
  web_printf(wr, "</table>\n");
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
/* ---- end of deplist ---- */

/* ?hours=N as the board takes it: 0 .. 99999 (tilld checks its range). 0,
 * or -1 after a 400 page. */
int
web_hours_param(wreq_t *wr, int64_t *hours)
{
  const char *h = web_query(wr, "hours");
  *hours = 24;
  if (!h || !h[0])
    return 0;
  if (!strcmp(h, "0")) {
    *hours = 0;
    return 0;
  }
  if (web_parse_id(h, hours) != 0 || *hours > 99999) {
    web_error(wr, 400, _("Invalid request"), _("Hours are a whole number."));
    return -1;
  }
  return 0;
}

void
web_page_deposits(wreq_t *wr)
{
  int64_t hours;
  if (web_hours_param(wr, &hours) != 0)
    return;
  if (deposit_form(wr, hours) != 0 || deposits_listed(wr) != 0)
    return; /* the error page replaced this one */
  web_end(wr, 200);
}

void
web_page_deposit_create(wreq_t *wr)
{
  uint8_t key[16];
  int64_t ids[DEPOSIT_SHIFTS_MAX];
  size_t n = 0;
  till_fen_t amount;
  if (refuse_csrf(wr) != 0 || form_key(wr, key) != 0)
    return;
  /* every "shift" field of the form, bounded by the form's size */
  for (struct evkeyval *kv = wr->form.tqh_first; kv; kv = kv->next.tqe_next) {
    if (strcmp(kv->key, "shift") != 0)
      continue;
    if (n == DEPOSIT_SHIFTS_MAX || web_parse_id(kv->value, &ids[n]) != 0) {
      bad_form(wr);
      return;
    }
    n++;
  }
  const char *slip = web_form(wr, "slip");
  const char *a = web_form(wr, "amount");
  if (!n) {
    web_error(wr, 400, _("Invalid request"), _("Tick the shifts whose cash goes into the deposit."));
    return;
  }
  if (!slip || !slip[0] || strlen(slip) > SLIP_MAX || !till_text_ok(slip, strlen(slip))) {
    web_error(wr, 400, _("Invalid request"), _("Give the bank slip's number (at most 64 characters)."));
    return;
  }
  if (!a || till_money_parse(a, &amount) != 0 || amount <= 0) {
    web_error(wr, 400, _("Invalid request"), _("The amount is in yuan, like 120.50."));
    return;
  }
  Till__V1__DepositCreateRequest cr = TILL__V1__DEPOSIT_CREATE_REQUEST__INIT;
  cr.idempotency_key.data = key;
  cr.idempotency_key.len = sizeof key;
  cr.shift_ids = ids;
  cr.n_shift_ids = n;
  cr.slip = (char *)slip;
  cr.amount = amount;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_REQ;
  env.deposit_create_req = &cr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_RESP, 1);
  if (!resp)
    return;
  int64_t id = resp->deposit_create_resp && resp->deposit_create_resp->deposit
                 ? resp->deposit_create_resp->deposit->id
                 : 0;
  till__v1__envelope__free_unpacked(resp, NULL);
  char loc[64];
  snprintf(loc, sizeof loc, "/deposits?done=%lld", (long long)id);
  web_redirect(wr, loc);
}

void
web_page_deposit_confirm(wreq_t *wr)
{
  uint8_t key[16];
  int64_t id;
  if (refuse_csrf(wr) != 0)
    return;
  if (web_parse_id(web_form(wr, "deposit_id"), &id) != 0) {
    bad_form(wr);
    return;
  }
  if (form_key(wr, key) != 0)
    return;
  Till__V1__DepositConfirmRequest cr = TILL__V1__DEPOSIT_CONFIRM_REQUEST__INIT;
  cr.idempotency_key.data = key;
  cr.idempotency_key.len = sizeof key;
  cr.deposit_id = id;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_REQ;
  env.deposit_confirm_req = &cr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_RESP, 1);
  if (!resp)
    return;
  till__v1__envelope__free_unpacked(resp, NULL);
  char loc[64];
  snprintf(loc, sizeof loc, "/deposits?done=%lld&confirmed=1", (long long)id);
  web_redirect(wr, loc);
}
