/* web_pages.c -- logging in and out, the shift board, one shift with its
 * sign-off, and the voids waiting for a supervisor; see web.h. Each page
 * asks tilld under the user's own session; what tilld refuses is the
 * page's answer. */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "i18n.h"
#include "print.h"
#include "till_names.h"
#include "till_util.h"

#define NOTE_MAX 200 /* characters of a sign-off or decision note */

/* ---- logging in and out ---------------------------------------------------- */

static void
login_form(wreq_t *wr)
{
  char pre[WEB_TOKEN_HEX + 1];
  uint8_t raw[WEB_TOKEN_HEX / 2];
  if (till_random(raw, sizeof raw) != 0) {
    web_error(wr, 500, _("Server error"), _("no randomness available"));
    return;
  }
  till_hex_encode(raw, sizeof raw, pre);
  /* login CSRF: the form's token must equal this cookie's (double submit) */
  char cookie[160];
  snprintf(cookie, sizeof cookie, "till_pre=%s; Path=/login; HttpOnly; Secure; SameSite=Strict", pre);
  evhttp_add_header(evhttp_request_get_output_headers(wr->req), "Set-Cookie", cookie);
  web_begin(wr, _("Log in"));
  web_printf(wr, "<form method=\"post\" action=\"/login\" class=\"login\">"
                 "<input type=\"hidden\" name=\"pre\" value=\"%s\">"
                 "<label>%s <input name=\"user\" id=\"user\" autocomplete=\"username\" maxlength=\"64\" required></label>"
                 "<label>%s <input name=\"password\" id=\"password\" type=\"password\" "
                 "autocomplete=\"current-password\" maxlength=\"256\" required></label>"
                 "<button type=\"submit\" id=\"login\">%s</button></form>\n",
             pre, _("User name"), _("Password"), _("Log in"));
  web_end(wr, 200);
}

static void
login_post(wreq_t *wr)
{
  char pre[WEB_TOKEN_HEX + 1];
  const char *form_pre = web_form(wr, "pre");
  const char *user = web_form(wr, "user");
  const char *password = web_form(wr, "password");
  if (web_cookie(wr->req, "till_pre", pre, sizeof pre) != 0 || !form_pre ||
      strlen(pre) != WEB_TOKEN_HEX || strcmp(pre, form_pre) != 0) {
    web_error(wr, 403, _("Form refused"),
              _("The form has expired or was not sent from this console; load the page again."));
    return;
  }
  if (!user || !password || !user[0] || strlen(user) > 64 || strlen(password) > 256) {
    web_error(wr, 400, _("Invalid request"), _("Give a user name and a password."));
    return;
  }
  Till__V1__LoginRequest lr = TILL__V1__LOGIN_REQUEST__INIT;
  lr.user = (char *)user;
  lr.password = (char *)password;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_LOGIN_REQ;
  env.login_req = &lr;
  wr->sess = NULL;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_LOGIN_RESP, 0);
  if (!resp)
    return;
  Till__V1__LoginResponse *r = resp->login_resp;
  web_sess_t *s = &wr->sess_copy; /* filled here, then stored in the table */
  memset(s, 0, sizeof *s);
  if (!r || !r->token || strlen(r->token) != WEB_TOKEN_HEX || !r->session) {
    till__v1__envelope__free_unpacked(resp, NULL);
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return;
  }
  snprintf(s->token, sizeof s->token, "%s", r->token);
  snprintf(s->user, sizeof s->user, "%s", r->session->user ? r->session->user : user);
  for (size_t i = 0; i < r->session->n_roles && i < 8; i++)
    if (r->session->roles[i] > 0 && r->session->roles[i] < 16)
      s->roles |= TILL_ROLE_BIT(r->session->roles[i]);
  s->expires_at = r->session->expires_at;
  till__v1__envelope__free_unpacked(resp, NULL);
  if (web_session_add(wr->w, s) != 0) {
    /* ---- webverify: no browser holds the Till session tilld opened: end it ---- */
    web_till_logout(wr, s->token);
    memset(s->token, 0, sizeof s->token);
    web_error(wr, 503, _("Try again later"), _("too many people are logged in to the console"));
    return;
  }
  long max_age = (long)(s->expires_at - (int64_t)time(NULL));
  if (max_age < 1)
    max_age = 1;
  char cookie[200];
  snprintf(cookie, sizeof cookie, "till_sid=%s; Path=/; Max-Age=%ld; HttpOnly; Secure; SameSite=Strict",
           s->sid, max_age);
  struct evkeyvalq *h = evhttp_request_get_output_headers(wr->req);
  evhttp_add_header(h, "Set-Cookie", cookie);
  evhttp_add_header(h, "Set-Cookie", "till_pre=; Path=/login; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
  web_redirect(wr, "/board");
}

void
web_page_login(wreq_t *wr)
{
  if (wr->posted)
    login_post(wr);
  else
    login_form(wr);
}

void
web_page_logout(wreq_t *wr)
{
  if (!web_csrf_ok(wr)) {
    web_error(wr, 403, _("Form refused"),
              _("The form has expired or was not sent from this console; load the page again."));
    return;
  }
  Till__V1__LogoutRequest lr = TILL__V1__LOGOUT_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_LOGOUT_REQ;
  env.logout_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_LOGOUT_RESP, 1);
  /* whatever tilld answered, this browser's session ends here */
  web_session_drop(wr->w, wr->sess->sid);
  wr->sess = NULL;
  if (!resp)
    return; /* the error page went out */
  till__v1__envelope__free_unpacked(resp, NULL);
  evhttp_add_header(evhttp_request_get_output_headers(wr->req), "Set-Cookie",
                    "till_sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
  web_redirect(wr, "/login");
}

/* ---- the shift board --------------------------------------------------------- */

/* tilld's current business date into buf; 0, or -1 after an error page. */
static int
current_date(wreq_t *wr, char *buf, size_t len)
{
  Till__V1__DayStatusRequest dr = TILL__V1__DAY_STATUS_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DAY_STATUS_REQ;
  env.day_status_req = &dr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_DAY_STATUS_RESP, 1);
  if (!resp)
    return -1;
  const char *d = resp->day_status_resp && resp->day_status_resp->current_business_date
                    ? resp->day_status_resp->current_business_date
                    : "";
  snprintf(buf, len, "%s", d);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

static void
board_row(wreq_t *wr, const Till__V1__ShiftSummary *s)
{
  char t1[32], t2[32];
  int closed = s->state != TILL__V1__SHIFT_STATE__SHIFT_OPEN;
  const char *cls = !closed ? "open" : s->cash_variance < 0 ? "short" : s->cash_variance > 0 ? "over" : "";
  web_printf(wr, "<tr id=\"shift-%lld\" class=\"%s\"><td><a href=\"/shift?id=%lld\">%lld</a></td><td>",
             (long long)s->shift_id, cls, (long long)s->shift_id, (long long)s->shift_id);
  web_esc(wr, s->cashier);
  web_printf(wr, "</td><td>");
  web_esc(wr, s->terminal_id);
  web_printf(wr, "</td><td>%s</td><td>%s</td><td>%s</td>", print_shift_state((int)s->state),
             web_time(s->opened_at, t1, sizeof t1), web_time(s->closed_at, t2, sizeof t2));
  if (closed) {
    web_printf(wr, "<td class=\"num\">");
    web_money(wr, s->counted_cash - s->cash_variance);
    web_printf(wr, "</td><td class=\"num\">");
    web_money(wr, s->counted_cash);
    web_printf(wr, "</td><td class=\"num variance\">");
    web_money(wr, s->cash_variance);
    web_printf(wr, "</td></tr>\n");
  } else {
    web_printf(wr, "<td class=\"num\">-</td><td class=\"num\">-</td><td class=\"num\">-</td></tr>\n");
  }
}

/* Closed shifts whose cash is in no deposit <hours> after their close
 * (UndepositedRequest), as a section of the board. 0, or -1 after an
 * error page. */
Till__V1__Envelope *
web_undeposited_fetch(wreq_t *wr, int64_t hours)
{
  Till__V1__UndepositedRequest ur = TILL__V1__UNDEPOSITED_REQUEST__INIT;
  ur.hours = (int32_t)hours;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_UNDEPOSITED_REQ;
  env.undeposited_req = &ur;
  return web_call(wr, &env, TILL__V1__ENVELOPE__BODY_UNDEPOSITED_RESP, 1);
}

void
web_undeposited_table(wreq_t *wr, const Till__V1__UndepositedResponse *u, int pick)
{
  char t[32];
  int cols = pick ? 7 : 6;
  web_printf(wr, "<table id=\"undeposited\"><thead><tr>%s<th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>\n",
             pick ? "<th></th>" : "", _("Shift"), _("Cashier"), _("Terminal"), _("Business date"),
             _("Closed"), _("To deposit"));
  for (size_t i = 0; u && i < u->n_shifts; i++) {
    const Till__V1__ShiftSummary *s = u->shifts[i];
    long long id = (long long)s->shift_id;
    web_printf(wr, "<tr id=\"undeposited-%lld\">", id);
    if (pick)
      web_printf(wr, "<td><input type=\"checkbox\" name=\"shift\" value=\"%lld\" id=\"pick-%lld\"></td>",
                 id, id);
    web_printf(wr, "<td><a href=\"/shift?id=%lld\">%lld</a></td><td>", id, id);
    web_esc(wr, s->cashier);
    web_printf(wr, "</td><td>");
    web_esc(wr, s->terminal_id);
    web_printf(wr, "</td><td>");
    web_esc(wr, s->business_date);
    web_printf(wr, "</td><td>%s</td><td class=\"num\">", web_time(s->closed_at, t, sizeof t));
    web_money(wr, s->depositable);
    web_printf(wr, "</td></tr>\n");
  }
  if (!u || !u->n_shifts)
    web_printf(wr, "<tr><td colspan=\"%d\">%s</td></tr>\n", cols, _("None."));
  web_printf(wr, "</tbody><tfoot><tr><th colspan=\"%d\">%s</th><td class=\"num\" id=\"undeposited_total\">",
             cols - 1, _("Total"));
  web_money(wr, u ? u->total : 0);
  web_printf(wr, "</td></tr></tfoot></table>\n");
}

static int
undeposited(wreq_t *wr, int64_t hours)
{
  Till__V1__Envelope *resp = web_undeposited_fetch(wr, hours);
  if (!resp)
    return -1;
  const Till__V1__UndepositedResponse *u = resp->undeposited_resp;
  web_printf(wr, "<h2>");
  web_printf(wr, _("Cash not deposited %lld hours after the close"), (long long)hours);
  web_printf(wr, "</h2>\n<form method=\"get\" action=\"/board\" class=\"noprint filters\"><label>%s "
                 "<input name=\"hours\" value=\"%lld\" maxlength=\"4\"></label> <button type=\"submit\">%s</button>"
                 "</form>\n",
             _("Hours"), (long long)hours, _("Show"));
  web_undeposited_table(wr, u, 0);
  if (u && u->n_shifts) /* ---- web1: making the deposit (web_ops.c) ---- */
    web_printf(wr, "<p class=\"noprint\"><a id=\"to-deposit\" href=\"/deposits?hours=%lld\">%s</a></p>\n",
               (long long)hours, _("Make a deposit of this cash"));
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

void
web_page_board(wreq_t *wr)
{
  char date[32];
  int64_t hours;
  if (web_hours_param(wr, &hours) != 0)
    return;
  if (current_date(wr, date, sizeof date) != 0)
    return;
  Till__V1__ShiftListRequest lr = TILL__V1__SHIFT_LIST_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_LIST_REQ;
  env.shift_list_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_SHIFT_LIST_RESP, 1);
  if (!resp)
    return;
  Till__V1__ShiftListResponse *l = resp->shift_list_resp;
  web_begin(wr, _("Shift board"));
  web_printf(wr, "<p>%s <strong id=\"date\">", _("Business date"));
  web_esc(wr, date);
  web_printf(wr, "</strong></p>\n<table id=\"board\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "<th class=\"num\">%s</th></tr></thead><tbody>\n",
             _("Shift"), _("Cashier"), _("Terminal"), _("State"), _("Opened"), _("Closed"),
             _("Expected cash"), _("Counted cash"), _("Variance"));
  size_t shown = 0;
  for (size_t i = 0; l && i < l->n_shifts; i++) {
    const Till__V1__ShiftSummary *s = l->shifts[i];
    if (!s->business_date || strcmp(s->business_date, date) != 0)
      continue;
    board_row(wr, s);
    shown++;
  }
  if (shown == 0)
    web_printf(wr, "<tr><td colspan=\"9\">%s</td></tr>\n", _("No shift on this business date."));
  web_printf(wr, "</tbody></table>\n<p class=\"legend\"><span class=\"short\">%s</span> "
                 "<span class=\"over\">%s</span></p>\n",
             _("short: less cash counted than expected"), _("over: more cash counted than expected"));
  till__v1__envelope__free_unpacked(resp, NULL);
  if (undeposited(wr, hours) != 0)
    return; /* its error page replaced this one */
  web_end(wr, 200);
}

/* ---- one shift and its sign-off -------------------------------------------- */

static void
shift_detail(wreq_t *wr, const Till__V1__ShiftReport *s)
{
  char t[32];
  web_printf(wr, "<table class=\"kv\" id=\"shift\"><tbody>");
  web_printf(wr, "<tr><th>%s</th><td>", _("Cashier"));
  web_esc(wr, s->cashier);
  web_printf(wr, "</td></tr><tr><th>%s</th><td>", _("Terminal"));
  web_esc(wr, s->terminal_id);
  web_printf(wr, "</td></tr><tr><th>%s</th><td>", _("Business date"));
  web_esc(wr, s->business_date);
  web_printf(wr, "</td></tr><tr><th>%s</th><td id=\"state\">%s</td></tr>", _("State"),
             print_shift_state((int)s->state));
  web_printf(wr, "<tr><th>%s</th><td>%s</td></tr>", _("Opened"), web_time(s->opened_at, t, sizeof t));
  web_printf(wr, "<tr><th>%s</th><td>%s</td></tr>", _("Closed"), web_time(s->closed_at, t, sizeof t));
  web_printf(wr, "<tr><th>%s</th><td class=\"num\">", _("Float"));
  web_money(wr, s->float_amount);
  web_printf(wr, "</td></tr><tr><th>%s</th><td class=\"num\">%d</td></tr>", _("Receipts"),
             (int)s->receipts);
  web_printf(wr, "<tr><th>%s</th><td class=\"num\">", _("Expected cash"));
  web_money(wr, s->expected_cash);
  web_printf(wr, "</td></tr><tr><th>%s</th><td class=\"num\">", _("Counted cash"));
  web_money(wr, s->counted_cash);
  web_printf(wr, "</td></tr><tr class=\"%s\"><th>%s</th><td class=\"num\">",
             s->cash_variance < 0 ? "short" : "", _("Variance"));
  web_money(wr, s->cash_variance);
  web_printf(wr, "</td></tr>");
  if (s->approved_by && s->approved_by[0]) {
    web_printf(wr, "<tr><th>%s</th><td id=\"signed\">", _("Signed off by"));
    web_esc(wr, s->approved_by);
    web_printf(wr, " %s</td></tr><tr><th>%s</th><td>", web_time(s->approved_at, t, sizeof t), _("Note"));
    web_esc(wr, s->note);
    web_printf(wr, "</td></tr>");
  }
  web_printf(wr, "</tbody></table>\n");
}

void
web_page_shift(wreq_t *wr)
{
  int64_t id;
  if (web_parse_id(web_query(wr, "id"), &id) != 0) {
    web_error(wr, 400, _("Invalid request"), _("A shift is named by its number."));
    return;
  }
  Till__V1__ShiftStatusRequest sr = TILL__V1__SHIFT_STATUS_REQUEST__INIT;
  sr.shift_id = id;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_REQ;
  env.shift_status_req = &sr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_RESP, 1);
  if (!resp)
    return;
  const Till__V1__ShiftReport *s = resp->shift_status_resp ? resp->shift_status_resp->report : NULL;
  if (!s) {
    till__v1__envelope__free_unpacked(resp, NULL);
    web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
    return;
  }
  char title[64];
  snprintf(title, sizeof title, _("Shift %lld"), (long long)id);
  web_begin(wr, title);
  shift_detail(wr, s);
  if (s->state == TILL__V1__SHIFT_STATE__SHIFT_CLOSED) {
    web_printf(wr, "<form method=\"post\" action=\"/shift/signoff\" id=\"signoff\">");
    web_csrf_field(wr);
    web_printf(wr, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><label>%s "
                   "<input name=\"note\" maxlength=\"%d\"></label><button type=\"submit\">%s</button></form>\n",
               (long long)id, _("Note (required when the cash is over or short)"), NOTE_MAX,
               _("Sign off"));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}

/* The form's "note": absent is "", over NOTE_MAX bytes is refused (-1). */
static int
form_note(wreq_t *wr, const char **note)
{
  *note = web_form(wr, "note");
  if (!*note)
    *note = "";
  if (strlen(*note) > NOTE_MAX) {
    web_error(wr, 400, _("Invalid request"), _("The note is too long."));
    return -1;
  }
  return 0;
}

static int
csrf_or_refuse(wreq_t *wr)
{
  if (web_csrf_ok(wr))
    return 0;
  web_error(wr, 403, _("Form refused"),
            _("The form has expired or was not sent from this console; load the page again."));
  return -1;
}

void
web_page_signoff(wreq_t *wr)
{
  int64_t id;
  const char *note;
  if (csrf_or_refuse(wr) != 0)
    return;
  if (web_parse_id(web_form(wr, "id"), &id) != 0) {
    web_error(wr, 400, _("Invalid request"), _("A shift is named by its number."));
    return;
  }
  if (form_note(wr, &note) != 0)
    return;
  Till__V1__ShiftApproveRequest ar = TILL__V1__SHIFT_APPROVE_REQUEST__INIT;
  ar.shift_id = id;
  ar.note = (char *)note;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_REQ;
  env.shift_approve_req = &ar;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_RESP, 0);
  if (!resp)
    return;
  till__v1__envelope__free_unpacked(resp, NULL);
  char loc[48];
  snprintf(loc, sizeof loc, "/shift?id=%lld", (long long)id);
  web_redirect(wr, loc);
}

/* ---- voids waiting for a decision ------------------------------------------ */

static void
void_row(wreq_t *wr, const Till__V1__VoidInfo *v)
{
  char t[32], key[33];
  web_printf(wr, "<tr id=\"void-%lld\"><td>", (long long)v->id);
  web_esc(wr, v->number);
  web_printf(wr, "</td><td class=\"num\">");
  web_money(wr, v->amount);
  web_printf(wr, "</td><td>");
  web_esc(wr, v->reason);
  web_printf(wr, "</td><td>");
  web_esc(wr, v->requested_by);
  web_printf(wr, "</td><td>%s</td><td>", web_time(v->requested_at, t, sizeof t));
  for (int approve = 1; approve >= 0; approve--) {
    uint8_t raw[16];
    /* the decision's idempotency key is fixed when the form is drawn, so a
     * form sent twice is decided once */
    if (till_idem_key(till_now_ms(), raw) != 0)
      continue;
    till_hex_encode(raw, sizeof raw, key);
    web_printf(wr, "<form method=\"post\" action=\"/voids/decide\" class=\"inline\">");
    web_csrf_field(wr);
    web_printf(wr, "<input type=\"hidden\" name=\"void_id\" value=\"%lld\">"
                   "<input type=\"hidden\" name=\"approve\" value=\"%d\">"
                   "<input type=\"hidden\" name=\"key\" value=\"%s\">"
                   "<button type=\"submit\" class=\"%s\" id=\"%s-%lld\">%s</button></form> ",
               (long long)v->id, approve, key, approve ? "approve" : "reject",
               approve ? "approve" : "reject", (long long)v->id, approve ? _("Approve") : _("Reject"));
  }
  web_printf(wr, "</td></tr>\n");
}

void
web_page_voids(wreq_t *wr)
{
  Till__V1__VoidListRequest lr = TILL__V1__VOID_LIST_REQUEST__INIT;
  lr.state = TILL__V1__VOID_STATE__VOID_PENDING;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_VOID_LIST_REQ;
  env.void_list_req = &lr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_VOID_LIST_RESP, 1);
  if (!resp)
    return;
  Till__V1__VoidListResponse *l = resp->void_list_resp;
  web_begin(wr, _("Waiting for a decision"));
  const char *done = web_query(wr, "done");
  int64_t done_id;
  if (done && web_parse_id(done, &done_id) == 0) {
    /* ---- web1: refunds and waivers decided here too ---- */
    const char *what = web_query(wr, "what") ? web_query(wr, "what") : "void";
    int approved = strcmp(web_query(wr, "approved") ? web_query(wr, "approved") : "", "1") == 0;
    const char *msg = approved ? _("The void was approved.") : _("The void was rejected.");
    if (!strcmp(what, "refund"))
      msg = approved ? _("The refund was approved.") : _("The refund was rejected.");
    else if (!strcmp(what, "waiver"))
      msg = approved ? _("The waiver was approved.") : _("The waiver was rejected.");
    web_printf(wr, "<p class=\"notice\" id=\"notice\">%s</p>\n", msg);
    /* ---- end of web1 ---- */
  }
  web_printf(wr, "<h2>%s</h2>\n<table id=\"voids\"><thead><tr><th>%s</th><th class=\"num\">%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>\n",
             _("Voids"), _("Receipt"), _("Amount"), _("Reason"), _("Requested by"), _("Requested at"));
  size_t shown = 0;
  for (size_t i = 0; l && i < l->n_voids; i++) {
    if (l->voids[i]->state != TILL__V1__VOID_STATE__VOID_PENDING)
      continue;
    void_row(wr, l->voids[i]);
    shown++;
  }
  if (shown == 0)
    web_printf(wr, "<tr><td colspan=\"6\" id=\"none\">%s</td></tr>\n", _("No void is waiting."));
  web_printf(wr, "</tbody></table>\n");
  till__v1__envelope__free_unpacked(resp, NULL);
  /* ---- web1: refunds and waivers (web_ops.c) ---- */
  if (web_refunds_table(wr) != 0 || web_waivers_table(wr) != 0)
    return; /* the error page replaced this one */
  /* ---- end of web1 ---- */
  web_end(wr, 200);
}

void
web_page_void_decide(wreq_t *wr)
{
  int64_t id;
  uint8_t key[16];
  const char *note;
  if (csrf_or_refuse(wr) != 0)
    return;
  const char *approve = web_form(wr, "approve");
  const char *key_hex = web_form(wr, "key");
  if (web_parse_id(web_form(wr, "void_id"), &id) != 0 || !approve ||
      (strcmp(approve, "0") != 0 && strcmp(approve, "1") != 0) || !key_hex ||
      strlen(key_hex) != 32 || till_hex_decode(key_hex, key, sizeof key) != 0) {
    web_error(wr, 400, _("Invalid request"), _("The form is not one this console drew."));
    return;
  }
  if (form_note(wr, &note) != 0)
    return;
  Till__V1__VoidDecideRequest dr = TILL__V1__VOID_DECIDE_REQUEST__INIT;
  dr.idempotency_key.data = key;
  dr.idempotency_key.len = sizeof key;
  dr.void_id = id;
  dr.approve = approve[0] == '1';
  dr.note = (char *)note;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_VOID_DECIDE_REQ;
  env.void_decide_req = &dr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_VOID_DECIDE_RESP, 1);
  if (!resp)
    return;
  till__v1__envelope__free_unpacked(resp, NULL);
  char loc[64];
  snprintf(loc, sizeof loc, "/voids?done=%lld&approved=%c", (long long)id, approve[0]);
  web_redirect(wr, loc);
}
