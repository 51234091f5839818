/* web_http.c -- writing till-web's pages and reading what browsers send;
 * see web.h. */
#include "web.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "i18n.h"
#include "till_money.h"

void
web_printf(wreq_t *wr, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  evbuffer_add_vprintf(wr->out, fmt, ap);
  va_end(ap);
}

void
web_esc(wreq_t *wr, const char *s)
{
  for (size_t i = 0; s && s[i]; i++) {
    switch (s[i]) {
    case '&': evbuffer_add(wr->out, "&amp;", 5); break;
    case '<': evbuffer_add(wr->out, "&lt;", 4); break;
    case '>': evbuffer_add(wr->out, "&gt;", 4); break;
    case '"': evbuffer_add(wr->out, "&quot;", 6); break;
    case '\'': evbuffer_add(wr->out, "&#39;", 5); break;
    default: evbuffer_add(wr->out, s + i, 1); break;
    }
  }
}

void
web_money(wreq_t *wr, int64_t fen)
{
  char buf[32];
  if (till_money_format(fen, buf, sizeof buf) != 0)
    snprintf(buf, sizeof buf, "?");
  if (fen < 0)
    web_printf(wr, "<span class=\"neg\">%s</span>", buf);
  else
    web_printf(wr, "%s", buf);
}

void
web_money_cell(wreq_t *wr, int64_t fen)
{
  web_printf(wr, "<td class=\"num\">");
  web_money(wr, fen);
  web_printf(wr, "</td>");
}

void
web_money_row(wreq_t *wr, const char *id, const char *label, int64_t fen)
{
  web_printf(wr, "<tr><th>%s</th><td class=\"num\" id=\"%s\">", label, id);
  web_money(wr, fen);
  web_printf(wr, "</td></tr>");
}

const char *
web_time(int64_t unix_s, char *buf, size_t len)
{
  struct tm tm;
  time_t t = (time_t)unix_s;
  if (unix_s <= 0 || !localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
    snprintf(buf, len, "-");
  return buf;
}

void
web_security_headers(struct evhttp_request *req)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Security-Policy",
                    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
  evhttp_add_header(h, "Referrer-Policy", "no-referrer");
  evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
  evhttp_add_header(h, "X-Frame-Options", "DENY");
  evhttp_add_header(h, "Cache-Control", "no-store");
}

static void
send_page(wreq_t *wr, int code)
{
  static const struct {
    int code;
    const char *reason;
  } reasons[] = {{200, "OK"}, {303, "See Other"}, {400, "Bad Request"}, {401, "Unauthorized"},
                 {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
                 {409, "Conflict"}, {413, "Payload Too Large"}, {429, "Too Many Requests"},
                 {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"}};
  const char *reason = "Error";
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (reasons[i].code == code)
      reason = reasons[i].reason;
  web_security_headers(wr->req);
  struct evkeyvalq *h = evhttp_request_get_output_headers(wr->req);
  if (!evhttp_find_header(h, "Content-Type"))
    evhttp_add_header(h, "Content-Type", "text/html; charset=utf-8");
  evhttp_send_reply(wr->req, code, reason, wr->out);
  wr->answered = 1;
}

void
web_send_download(wreq_t *wr, const char *type, const char *name, const char *body, size_t len)
{
  char disp[128];
  snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
  struct evkeyvalq *h = evhttp_request_get_output_headers(wr->req);
  evhttp_add_header(h, "Content-Type", type);
  evhttp_add_header(h, "Content-Disposition", disp);
  evbuffer_drain(wr->out, evbuffer_get_length(wr->out));
  evbuffer_add(wr->out, body, len);
  send_page(wr, 200);
}

void
web_csrf_field(wreq_t *wr)
{
  if (wr->sess)
    web_printf(wr, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", wr->sess->csrf);
}

void
web_begin(wreq_t *wr, const char *title)
{
  evbuffer_drain(wr->out, evbuffer_get_length(wr->out));
  web_printf(wr, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                 "<title>",
             wr->chinese ? "zh-CN" : "en");
  web_esc(wr, title);
  web_printf(wr, " - %s</title><link rel=\"stylesheet\" href=\"/static/till.css\">"
                 "<link rel=\"icon\" href=\"/static/icon.svg\"></head><body>\n<header><span class=\"brand\">%s</span>",
             _("Till console"), _("Till console"));
  if (wr->sess) {
    web_printf(wr, "<nav><a href=\"/board\">%s</a><a href=\"/voids\">%s</a>"
                   "<a href=\"/report\">%s</a>",
               _("Shift board"), _("Approvals"), _("Daily report"));
    /* ---- web2: report pages ---- */
    web_printf(wr, "<a href=\"/month\">%s</a>", _("Monthly settlement"));
    /* ---- end of web2 ---- */
    web_printf(wr, "<a href=\"/receipts\">%s</a><a href=\"/ledger\">%s</a>", _("Receipts"), _("Ledger"));
    /* ---- web1: deposits, the chain's verification ---- */
    web_printf(wr, "<a href=\"/deposits\">%s</a><a href=\"/verify\">%s</a>", _("Deposits"), _("Verification"));
    /* ---- end of web1 ---- */
    web_printf(wr, "</nav>");
  }
  /* ---- loose: the language switch returns to this page ---- */
  /* back: this page's path and query (a GET's; a POST's answer has no page
   * to come back to), percent-encoded whole, so /lang can send the browser
   * here again; /lang checks that it is a page of ours */
  const char *uri = evhttp_request_get_uri(wr->req);
  char *back = evhttp_request_get_command(wr->req) == EVHTTP_REQ_GET && uri &&
                   strlen(uri) <= WEB_BACK_MAX
                 ? evhttp_encode_uri(uri)
                 : NULL;
  web_printf(wr, "<span class=\"who\"><a href=\"/lang?to=%s%s%s\">%s</a>", wr->chinese ? "en" : "zh",
             back ? "&amp;back=" : "", back ? back : "", wr->chinese ? "English" : "中文");
  free(back);
  /* ---- end of loose ---- */
  if (wr->sess) {
    web_printf(wr, " <span class=\"user\">");
    web_esc(wr, wr->sess->user);
    web_printf(wr, "</span><form method=\"post\" action=\"/logout\" class=\"inline\">");
    web_csrf_field(wr);
    web_printf(wr, "<button type=\"submit\">%s</button></form>", _("Log out"));
  }
  web_printf(wr, "</span></header>\n<main>\n<h1>");
  web_esc(wr, title);
  web_printf(wr, "</h1>\n");
}

void
web_end(wreq_t *wr, int code)
{
  web_printf(wr, "</main>\n</body></html>\n");
  send_page(wr, code);
}

void
web_error(wreq_t *wr, int code, const char *heading, const char *msg)
{
  web_begin(wr, heading);
  web_printf(wr, "<p class=\"error\" id=\"error\">");
  web_esc(wr, msg);
  web_printf(wr, "</p>\n<p><a href=\"%s\">%s</a></p>\n", wr->sess ? "/board" : "/login",
             _("Back"));
  web_end(wr, code);
}

void
web_redirect(wreq_t *wr, const char *location)
{
  evhttp_add_header(evhttp_request_get_output_headers(wr->req), "Location", location);
  evbuffer_drain(wr->out, evbuffer_get_length(wr->out));
  send_page(wr, 303);
}

const char *
web_form(wreq_t *wr, const char *key)
{
  return wr->posted ? evhttp_find_header(&wr->form, key) : NULL;
}

const char *
web_query(wreq_t *wr, const char *key)
{
  return evhttp_find_header(&wr->query, key);
}

int
web_cookie(struct evhttp_request *req, const char *name, char *buf, size_t len)
{
  const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
  size_t nl = strlen(name);
  if (!c)
    return -1;
  /* "a=1; b=2": at most a header's worth of pairs */
  for (int guard = 0; *c && guard < WEB_MAX_HEADERS; guard++) {
    while (*c == ' ' || *c == ';')
      c++;
    const char *end = strchr(c, ';');
    size_t n = end ? (size_t)(end - c) : strlen(c);
    if (n > nl && strncmp(c, name, nl) == 0 && c[nl] == '=') {
      size_t vl = n - nl - 1;
      if (vl >= len)
        return -1;
      memcpy(buf, c + nl + 1, vl);
      buf[vl] = '\0';
      return 0;
    }
    if (!end)
      break;
    c = end + 1;
  }
  return -1;
}

int
web_parse_id(const char *s, int64_t *out)
{
  int64_t v = 0;
  if (!s || !*s || strlen(s) > 18)
    return -1;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  if (v <= 0)
    return -1;
  *out = v;
  return 0;
}
