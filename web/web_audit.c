/* web_audit.c -- the auditor's pages: receipt continuity per series, and
 * the ledger query with its filters, paging and a CSV download that is
 * byte for byte what `till audit ledger --csv` prints; see web.h. */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cmd_audit.h"
#include "i18n.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"

#define LEDGER_PAGE 50          /* rows on one page of the ledger */
#define CSV_PAGE 1000           /* rows per request of the download */
#define CSV_MAX_PAGES 200       /* the download stops (with an error line) past 200,000 rows */
#define FILTER_MAX 64           /* bytes of a text filter */

/* ---- receipt continuity ------------------------------------------------------ */

static void
series_links(wreq_t *wr)
{
  Till__V1__SeriesListRequest sr = TILL__V1__SERIES_LIST_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_SERIES_LIST_REQ;
  env.series_list_req = &sr;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_SERIES_LIST_RESP, 1);
  if (!resp)
    return;
  const Till__V1__SeriesListResponse *l = resp->series_list_resp;
  web_begin(wr, _("Receipt continuity"));
  web_printf(wr, "<ul id=\"series\">");
  size_t shown = 0;
  for (size_t i = 0; l && i < l->n_series; i++) {
    for (size_t k = 0; k < l->series[i]->n_counters; k++) {
      const Till__V1__SeriesCounter *c = l->series[i]->counters[k];
      web_printf(wr, "<li><a href=\"/receipts?series=");
      web_esc(wr, c->series);
      web_printf(wr, "\">");
      web_esc(wr, c->series);
      web_printf(wr, "</a> %s %lld</li>", _("last number"), (long long)c->last_no);
      shown++;
    }
  }
  web_printf(wr, "</ul>\n");
  if (!shown)
    web_printf(wr, "<p>%s</p>\n", _("No receipt has been issued."));
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}

static void
continuity(wreq_t *wr, const Till__V1__AuditReceiptsResponse *a)
{
  web_printf(wr, "<table class=\"kv\" id=\"continuity\"><tbody><tr><th>%s</th><td id=\"last_no\">%lld</td></tr>"
                 "<tr><th>%s</th><td>%lld - %lld</td></tr><tr><th>%s</th><td id=\"issued\">%lld</td></tr>"
                 "<tr class=\"%s\"><th>%s</th><td id=\"missing_count\">%zu</td></tr></tbody></table>\n",
             _("Last number handed out"), (long long)a->last_no, _("Range checked"),
             (long long)a->from_no, (long long)a->to_no, _("Issued in the range"), (long long)a->issued,
             a->n_missing ? "short" : "", _("Missing ranges"), a->n_missing);
  if (a->n_missing) {
    web_printf(wr, "<h2>%s</h2><table id=\"missing\"><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>",
               _("Missing numbers"), _("From"), _("To"));
    for (size_t i = 0; i < a->n_missing; i++)
      web_printf(wr, "<tr class=\"short\"><td>%lld</td><td>%lld</td></tr>",
                 (long long)a->missing[i]->from_no, (long long)a->missing[i]->to_no);
    web_printf(wr, "</tbody></table>\n");
  }
  web_printf(wr, "<h2>%s</h2><table id=\"voided\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th></tr></thead><tbody>",
             _("Voided receipts"), _("Number"), _("Reason"), _("Requested by"), _("Approved by"),
             _("Reversal"));
  for (size_t i = 0; i < a->n_voided; i++) {
    const Till__V1__VoidedReceipt *v = a->voided[i];
    web_printf(wr, "<tr><td>%lld</td><td>", (long long)v->receipt_no);
    web_esc(wr, v->reason);
    web_printf(wr, "</td><td>");
    web_esc(wr, v->requested_by);
    web_printf(wr, "</td><td>");
    web_esc(wr, v->approved_by);
    web_printf(wr, "</td><td>%lld</td></tr>", (long long)v->void_txn_id);
  }
  if (!a->n_voided)
    web_printf(wr, "<tr><td colspan=\"5\">%s</td></tr>", _("None."));
  web_printf(wr, "</tbody></table>\n");
  if (a->truncated)
    web_printf(wr, "<p class=\"error\">%s</p>\n", _("A list stopped at 1,000 entries: check a narrower range."));
}

void
web_page_receipts(wreq_t *wr)
{
  const char *series = web_query(wr, "series");
  int64_t from = 0, to = 0;
  const char *f = web_query(wr, "from"), *t = web_query(wr, "to");
  if (!series || !series[0]) {
    series_links(wr);
    return;
  }
  if (strlen(series) > 16 || !till_ident_ok(series, 16) || (f && f[0] && web_parse_id(f, &from) != 0) ||
      (t && t[0] && web_parse_id(t, &to) != 0)) {
    web_error(wr, 400, _("Invalid request"), _("A series is named like HT2026, numbers in digits."));
    return;
  }
  Till__V1__AuditReceiptsRequest ar = TILL__V1__AUDIT_RECEIPTS_REQUEST__INIT;
  ar.series = (char *)series;
  ar.from_no = from;
  ar.to_no = to;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_REQ;
  env.audit_receipts_req = &ar;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_RESP, 1);
  if (!resp)
    return;
  char title[96];
  snprintf(title, sizeof title, _("Receipt continuity of %s"), series);
  web_begin(wr, title);
  if (resp->audit_receipts_resp)
    continuity(wr, resp->audit_receipts_resp);
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}

/* ---- the ledger query ------------------------------------------------------------ */

/* A 400 page naming the filter (its label and its key in the address)
 * and what it must be. Always -1. */
static int
bad_filter(wreq_t *wr, const char *key, const char *label, const char *what)
{
  char msg[512];
  snprintf(msg, sizeof msg, _("%s (%s): %s"), _(label), key, what);
  web_error(wr, 400, _("Invalid request"), msg);
  return -1;
}

/* The account, receipt-range and amount filters, checked here as `till
 * audit ledger` checks its options and, what tilld would refuse (a
 * negative amount, a bound above the other), refused here too, so that a
 * bad value gets its page without a question to tilld. Amounts are parsed
 * by the client's money parser (till_money_parse), as --min/--max are.
 * 0, or -1 after a 400 page. */
static int
range_filters(wreq_t *wr, Till__V1__LedgerQueryRequest *q)
{
  const char *const L_ACCOUNT = N_("Account"), *const L_RFROM = N_("Receipt from"),
                   *const L_RTO = N_("Receipt to"), *const L_MIN = N_("Min amount"),
                   *const L_MAX = N_("Max amount");
  const char *v = web_query(wr, "account");
  if (v && (strlen(v) > FILTER_MAX || !till_text_ok(v, strlen(v))))
    return bad_filter(wr, "account", L_ACCOUNT, _("text of at most 64 characters"));
  q->account = (char *)(v ? v : "");
  const struct {
    const char *key;
    const char *label;
  } receipts[] = {{"receipt_from", L_RFROM}, {"receipt_to", L_RTO}}, amounts[] = {{"min", L_MIN}, {"max", L_MAX}};
  int64_t *receipt_out[] = {&q->receipt_from, &q->receipt_to};
  int64_t *amount_out[] = {&q->amount_min, &q->amount_max};
  for (size_t i = 0; i < 2; i++) {
    if ((v = web_query(wr, receipts[i].key)) && v[0] && web_parse_id(v, receipt_out[i]) != 0)
      return bad_filter(wr, receipts[i].key, receipts[i].label,
                        _("a receipt number: digits only, 1 or more"));
    if ((v = web_query(wr, amounts[i].key)) && v[0] &&
        (strlen(v) > FILTER_MAX || till_money_parse(v, amount_out[i]) != 0 || *amount_out[i] < 0))
      return bad_filter(wr, amounts[i].key, amounts[i].label,
                        _("an amount in yuan like 12.30: digits, at most 2 decimals, not negative"));
  }
  char msg[512];
  if (q->receipt_from && q->receipt_to && q->receipt_from > q->receipt_to) {
    snprintf(msg, sizeof msg, _("%s (%s) is above %s (%s)."), _(L_RFROM), "receipt_from", _(L_RTO),
             "receipt_to");
    web_error(wr, 400, _("Invalid request"), msg);
    return -1;
  }
  if (q->amount_min && q->amount_max && q->amount_min > q->amount_max) {
    snprintf(msg, sizeof msg, _("%s (%s) is above %s (%s)."), _(L_MIN), "min", _(L_MAX), "max");
    web_error(wr, 400, _("Invalid request"), msg);
    return -1;
  }
  return 0;
}

/* The query's filters from the address, as `till audit ledger` takes them
 * from its options. 0, or -1 after a 400 page. */
static int
ledger_filters(wreq_t *wr, Till__V1__LedgerQueryRequest *q)
{
  static const char *const text_keys[] = {"terminal", "cashier", "kind", "method", "series"};
  char **fields[] = {&q->terminal_id, &q->cashier, &q->kind, &q->method, &q->series};
  for (size_t i = 0; i < sizeof text_keys / sizeof text_keys[0]; i++) {
    const char *v = web_query(wr, text_keys[i]);
    if (v && (strlen(v) > FILTER_MAX || !till_text_ok(v, strlen(v))))
      goto bad;
    *fields[i] = (char *)(v ? v : "");
  }
  const char *v;
  int64_t from_s, to_s;
  if ((v = web_query(wr, "from")) && v[0]) {
    if (till_day_bounds(v, &from_s, &to_s) != 0)
      goto bad;
    q->from_ms = from_s * 1000;
  }
  if ((v = web_query(wr, "to")) && v[0]) {
    if (till_day_bounds(v, &from_s, &to_s) != 0)
      goto bad;
    q->to_ms = to_s * 1000;
  }
  if ((v = web_query(wr, "shift")) && v[0] && web_parse_id(v, &q->shift_id) != 0)
    goto bad;
  if ((v = web_query(wr, "after")) && v[0] && web_parse_id(v, &q->after_id) != 0)
    goto bad;
  if ((v = web_query(wr, "head")) && v[0] && web_parse_id(v, &q->head_id) != 0)
    goto bad;
  int64_t n = LEDGER_PAGE;
  if ((v = web_query(wr, "n")) && v[0] && (web_parse_id(v, &n) != 0 || n > CSV_PAGE))
    goto bad;
  q->limit = (uint32_t)n;
  return range_filters(wr, q);
 bad:
  web_error(wr, 400, _("Invalid request"),
            _("A filter is not valid: dates are YYYY-MM-DD, ids digits, texts at most 64 characters."));
  return -1;
}

/* The filters again, for the next page's and the download's addresses. */
static void
filters_query(wreq_t *wr, const Till__V1__LedgerQueryRequest *q)
{
  static const char *const keys[] = {"terminal", "cashier", "kind", "method", "series", "from", "to", "shift",
                                     "account", "receipt_from", "receipt_to", "min", "max", "n"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = web_query(wr, keys[i]);
    if (!v || !v[0])
      continue;
    char *enc = evhttp_encode_uri(v);
    if (!enc)
      continue;
    web_printf(wr, "&amp;%s=", keys[i]);
    web_esc(wr, enc);
    free(enc);
  }
}

static void
filter_form(wreq_t *wr)
{
  static const struct {
    const char *key;
    const char *label;
  } inputs[] = {{"from", N_("From date")}, {"to", N_("To date")}, {"cashier", N_("Cashier")},
                {"terminal", N_("Terminal")}, {"kind", N_("Kind")}, {"method", N_("Method")},
                {"series", N_("Series")}, {"shift", N_("Shift")}, {"account", N_("Account")},
                {"receipt_from", N_("Receipt from")}, {"receipt_to", N_("Receipt to")},
                {"min", N_("Min amount")}, {"max", N_("Max amount")}};
  web_printf(wr, "<form method=\"get\" action=\"/ledger\" class=\"filters noprint\">");
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    const char *v = web_query(wr, inputs[i].key);
    web_printf(wr, "<label>%s <input name=\"%s\" maxlength=\"%d\" value=\"", _(inputs[i].label),
               inputs[i].key, FILTER_MAX);
    web_esc(wr, v ? v : "");
    web_printf(wr, "\"></label> ");
  }
  web_printf(wr, "<button type=\"submit\">%s</button></form>\n", _("Show"));
}

static void
ledger_row(wreq_t *wr, const Till__V1__AuditTxn *t)
{
  char when[32], number[TILL_RECEIPT_NO_MAX] = "-";
  int64_t amount = 0;
  fmt_time(t->at_ms / 1000, when, sizeof when);
  if (t->receipt_no)
    till_receipt_format(t->series, t->receipt_no, number, sizeof number);
  web_printf(wr, "<tr id=\"txn-%lld\"><td><a href=\"/txn?id=%lld\">%lld</a></td><td>%s</td><td>",
             (long long)t->id, (long long)t->id, (long long)t->id, when);
  web_esc(wr, audit_kind_word(t->kind));
  web_printf(wr, "</td><td>");
  web_esc(wr, t->terminal_id);
  web_printf(wr, "</td><td>");
  web_esc(wr, t->cashier);
  web_printf(wr, "</td><td class=\"num\">");
  if (t->shift_id)
    web_printf(wr, "%lld", (long long)t->shift_id);
  web_printf(wr, "</td><td>");
  web_esc(wr, number);
  web_printf(wr, "</td><td>");
  web_esc(wr, t->method && t->method[0] ? audit_method_word(t->method) : "-");
  web_printf(wr, "</td><td class=\"num\">");
  if (audit_txn_amount(t, &amount) == 0)
    web_money(wr, amount);
  web_printf(wr, "</td></tr>\n");
}

void
web_page_ledger(wreq_t *wr)
{
  Till__V1__LedgerQueryRequest q = TILL__V1__LEDGER_QUERY_REQUEST__INIT;
  if (ledger_filters(wr, &q) != 0)
    return;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_REQ;
  env.ledger_query_req = &q;
  Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_RESP, 1);
  if (!resp)
    return;
  const Till__V1__LedgerQueryResponse *p = resp->ledger_query_resp;
  web_begin(wr, _("Ledger"));
  filter_form(wr);
  web_printf(wr, "<p class=\"noprint\"><a id=\"csv\" href=\"/ledger.csv?x=1");
  filters_query(wr, &q);
  web_printf(wr, "\">%s</a></p>\n", _("Download CSV (every page)"));
  web_printf(wr, "<table id=\"ledger\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>\n",
             _("ID"), _("Time"), _("Kind"), _("Terminal"), _("Cashier"), _("Shift"), _("Receipt"),
             _("Method"), _("Amount"));
  for (size_t i = 0; p && i < p->n_txns; i++)
    ledger_row(wr, p->txns[i]);
  if (!p || !p->n_txns)
    web_printf(wr, "<tr><td colspan=\"9\">%s</td></tr>\n", _("No transaction matches."));
  web_printf(wr, "</tbody></table>\n");
  if (p && p->next_after_id) {
    web_printf(wr, "<p class=\"noprint\"><a id=\"next\" href=\"/ledger?after=%lld&amp;head=%lld",
               (long long)p->next_after_id, (long long)p->head_id);
    filters_query(wr, &q);
    web_printf(wr, "\">%s</a></p>\n", _("Next page"));
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  web_end(wr, 200);
}

/* Every page of the query into <f>, as `till audit ledger --csv` prints
 * it. 0, or -1 after an error page (nothing sent yet). */
static int
csv_pages(wreq_t *wr, Till__V1__LedgerQueryRequest *q, FILE *f)
{
  int64_t head = 0;
  audit_ledger_csv_header(f);
  for (int pages = 0; pages < CSV_MAX_PAGES; pages++) {
    Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
    env.body_case = TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_REQ;
    env.ledger_query_req = q;
    Till__V1__Envelope *resp = web_call(wr, &env, TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_RESP, 1);
    if (!resp)
      return -1;
    const Till__V1__LedgerQueryResponse *p = resp->ledger_query_resp;
    if (pages == 0)
      head = p->head_id;
    int64_t last = q->after_id;
    for (size_t i = 0; i < p->n_txns; i++) {
      int64_t amount = 0;
      if (p->txns[i]->id <= last || audit_txn_amount(p->txns[i], &amount) != 0)
        break;
      last = p->txns[i]->id;
      audit_ledger_csv_row(f, p->txns[i], amount);
    }
    int64_t next = p->next_after_id;
    int moved = p->head_id == head && (next == 0 || (next > q->after_id && next < head));
    till__v1__envelope__free_unpacked(resp, NULL);
    if (!moved) {
      web_error(wr, 502, _("Server error"), _("unexpected answer from the ledger server"));
      return -1;
    }
    if (next == 0)
      return 0;
    q->head_id = head;
    q->after_id = next;
  }
  web_error(wr, 413, _("Invalid request"), _("Over 200,000 transactions: narrow the filters."));
  return -1;
}

void
web_page_ledger_csv(wreq_t *wr)
{
  Till__V1__LedgerQueryRequest q = TILL__V1__LEDGER_QUERY_REQUEST__INIT;
  if (ledger_filters(wr, &q) != 0)
    return;
  q.limit = CSV_PAGE;
  q.after_id = 0;
  q.head_id = 0;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) {
    web_error(wr, 500, _("Server error"), _("The page could not be made."));
    return;
  }
  int rc = csv_pages(wr, &q, f);
  int closed = fclose(f);
  if (rc == 0 && closed != 0)
    web_error(wr, 500, _("Server error"), _("The page could not be made."));
  else if (rc == 0)
    web_send_download(wr, "text/csv; charset=utf-8", "ledger.csv", buf, len);
  free(buf);
}
