/* cmd_audit_ledger.c -- till audit ledger: the journal's transactions that
 * match filters, as a table, JSON or CSV (RFC 4180).
 *
 * It pages with LedgerQueryRequest until the server says there is no more
 * (next_after_id 0), printing each page as it arrives: memory stays one
 * page, however long the result. The first page fixes head_id; every later
 * page sends it back, so rows posted meanwhile are not mixed in and none is
 * missed or repeated. The loop is bounded: every page must move the cursor
 * forward and stay within the head, or the command stops with an error.
 * The table is in the reader's language and display cells; --csv and
 * --json are machine formats and stay as they are. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_audit.h"
#include "commands.h"
#include "i18n.h"
#include "layout.h"
#include "print.h"
#include "till_chain.h"
#include "till_money.h"
#include "till_util.h"

#define LEDGER_PAGE_DEFAULT 500
#define EXIT_INVALID (EXIT_SERVER_BASE + TILL_E_INVALID)

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

/* A value the server cannot be asked about is said on stderr, with the
 * exit code of INVALID_ARGUMENT. */
static int
int_opt(cli_t *cli, const char *name, int64_t min, int64_t *out)
{
  const char *v = cli_opt(cli, name);
  if (v && till_parse_i64(v, min, INT64_MAX, out) != 0) {
    fprintf(stderr, _("till: invalid argument: %s must be a whole number, %s given\n"), name, v);
    return EXIT_INVALID;
  }
  return 0;
}

static int
money_opt(cli_t *cli, const char *name, int64_t *out)
{
  const char *v = cli_opt(cli, name);
  if (v && till_money_parse(v, out) != 0) {
    fprintf(stderr, _("till: invalid argument: %s must be an amount in yuan like 12.30, %s given\n"),
            name, v);
    return EXIT_INVALID;
  }
  return 0;
}

/* Fill the request's filters from the options. 0, EXIT_USAGE or
 * EXIT_INVALID (a value the server could not be asked about). */
static int
build_request(cli_t *cli, Till__V1__LedgerQueryRequest *q, int *csv)
{
  int rc;
  const char *s;
  *csv = cli_flag(cli, "--csv");
  if ((s = cli_opt(cli, "--method")) && !cli_method("--method", s))
    return EXIT_USAGE;
  if (*csv && cli->json)
    return cli_usage_error(_("audit ledger: --json and --csv exclude each other"));
  int64_t page = LEDGER_PAGE_DEFAULT;
  if ((rc = cli_date_opt(cli, "--from", 0, &q->from_ms)) ||
      (rc = cli_date_opt(cli, "--to", 1, &q->to_ms)))
    return rc;
  if (q->from_ms && q->to_ms && q->from_ms >= q->to_ms) {
    fprintf(stderr, _("till: invalid argument: --from %s is after --to %s\n"), cli_opt(cli, "--from"),
            cli_opt(cli, "--to"));
    return EXIT_INVALID;
  }
  /* range checks (negative, ordered, 1..1000) are the server's: it answers
   * INVALID_ARGUMENT naming the field, as it does for any client */
  if ((rc = int_opt(cli, "--shift", INT64_MIN, &q->shift_id)) ||
      (rc = int_opt(cli, "--receipt-from", INT64_MIN, &q->receipt_from)) ||
      (rc = int_opt(cli, "--receipt-to", INT64_MIN, &q->receipt_to)) ||
      (rc = int_opt(cli, "--page-size", INT64_MIN, &page)) ||
      (rc = money_opt(cli, "--min", &q->amount_min)) || (rc = money_opt(cli, "--max", &q->amount_max)))
    return rc;
  /* out of 1..1000 stays out of it, for the server to refuse */
  q->limit = page < 0 ? 0 : page > UINT32_MAX ? UINT32_MAX : (uint32_t)page;
  q->terminal_id = (char *)((s = cli_opt(cli, "--terminal")) ? s : "");
  q->cashier = (char *)((s = cli_opt(cli, "--cashier")) ? s : "");
  q->account = (char *)((s = cli_opt(cli, "--account")) ? s : "");
  q->kind = (char *)((s = cli_opt(cli, "--kind")) ? s : "");
  q->series = (char *)((s = cli_opt(cli, "--series")) ? s : "");
  q->method = (char *)((s = cli_opt(cli, "--method")) ? s : "");
  return 0;
}

int
audit_txn_amount(const Till__V1__AuditTxn *t, int64_t *out)
{
  int64_t sum = 0;
  for (size_t i = 0; i < t->n_entries; i++)
    if (t->entries[i]->amount > 0 && till_money_add(sum, t->entries[i]->amount, &sum) != 0)
      return -1;
  *out = sum;
  return 0;
}

/* One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
 * comma, a double quote, CR or LF. */
static void
csv_field(FILE *f, const char *s)
{
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, f);
    return;
  }
  putc('"', f);
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      putc('"', f);
    putc(*p, f);
  }
  putc('"', f);
}

void
audit_ledger_csv_header(FILE *f)
{
  fputs("id,time,kind,terminal,cashier,shift,receipt,method,amount,reverses,memo\r\n", f);
}

void
audit_ledger_csv_row(FILE *f, const Till__V1__AuditTxn *t, int64_t amount)
{
  char when[32], number[TILL_RECEIPT_NO_MAX] = "-", money[TILL_MONEY_STR_MAX];
  fmt_time(t->at_ms / 1000, when, sizeof when);
  if (t->receipt_no)
    till_receipt_format(t->series, t->receipt_no, number, sizeof number);
  till_money_format(amount, money, sizeof money);
  fprintf(f, "%lld,%s,", (long long)t->id, when);
  csv_field(f, t->kind);
  putc(',', f);
  csv_field(f, t->terminal_id);
  putc(',', f);
  csv_field(f, t->cashier);
  fprintf(f, ",%lld,%s,", (long long)t->shift_id, t->receipt_no ? number : "");
  csv_field(f, t->method);
  fprintf(f, ",%s,%lld,", money, (long long)t->reverses);
  csv_field(f, t->memo);
  fputs("\r\n", f);
}

/* The table's columns: rows are printed as their pages arrive, so the
 * widths are fixed (in display cells), widened to a translated header. */
#define TABLE_COLS 9
static const struct {
  const char *head;
  int cells;
  char align;
} table_cols[TABLE_COLS] = {
  {N_("ID"), 8, 'l'},       {N_("TIME"), 19, 'l'},    {N_("KIND"), 15, 'l'},
  {N_("TERMINAL"), 12, 'l'}, {N_("CASHIER"), 10, 'l'}, {N_("SHIFT"), 6, 'r'},
  {N_("RECEIPT"), 16, 'l'},  {N_("METHOD"), 8, 'l'},   {N_("AMOUNT"), 12, 'r'},
};

/* One line of the table, the columns one space apart; the last is never
 * padded on the right. */
static void
table_line(const char *const cell[TABLE_COLS])
{
  for (int c = 0; c < TABLE_COLS; c++) {
    int cells = table_cols[c].cells, head = layout_width(_(table_cols[c].head));
    if (head > cells)
      cells = head;
    if (c)
      putchar(' ');
    if (table_cols[c].align == 'r')
      layout_right(stdout, cell[c], cells);
    else if (c + 1 < TABLE_COLS)
      layout_left(stdout, cell[c], cells);
    else
      fputs(cell[c], stdout);
  }
  putchar('\n');
}

static void
print_header(enum format f)
{
  if (f == FMT_CSV) {
    audit_ledger_csv_header(stdout);
  } else if (f == FMT_TABLE) {
    const char *cell[TABLE_COLS];
    for (int c = 0; c < TABLE_COLS; c++)
      cell[c] = _(table_cols[c].head);
    table_line(cell);
  } else {
    fputs("[", stdout);
  }
}

static void
print_row(enum format f, const Till__V1__AuditTxn *t, int64_t amount, int first)
{
  char when[32], number[TILL_RECEIPT_NO_MAX] = "-", money[TILL_MONEY_STR_MAX];
  if (f == FMT_JSON) {
    fputs(first ? "\n" : ",\n", stdout);
    print_audit_txn_json_open(t);
    fputs("}", stdout);
    return;
  }
  if (f == FMT_CSV) {
    audit_ledger_csv_row(stdout, t, amount);
    return;
  }
  fmt_time(t->at_ms / 1000, when, sizeof when);
  if (t->receipt_no)
    till_receipt_format(t->series, t->receipt_no, number, sizeof number);
  till_money_format(amount, money, sizeof money);
  if (f == FMT_TABLE) {
    char id[24], shift[24] = "-";
    snprintf(id, sizeof id, "%lld", (long long)t->id);
    if (t->shift_id)
      snprintf(shift, sizeof shift, "%lld", (long long)t->shift_id);
    /* kinds and methods in the reader's words; --csv and --json keep the wire's */
    const char *cell[TABLE_COLS] = {id,     when, audit_kind_word(t->kind), t->terminal_id, t->cashier,
                                    shift, number, t->method[0] ? audit_method_word(t->method) : "-",
                                    money};
    table_line(cell);
  }
}

/* Check one page against the cursor: ids ascending, above after, at most
 * head; a next cursor that moves forward within the head. 0 or -1. */
static int
page_ok(const Till__V1__LedgerQueryResponse *p, int64_t after, int64_t head)
{
  int64_t last = after;
  for (size_t i = 0; i < p->n_txns; i++) {
    if (!p->txns[i] || p->txns[i]->id <= last || p->txns[i]->id > head)
      return -1;
    last = p->txns[i]->id;
  }
  return p->next_after_id == 0 || (p->next_after_id >= last && p->next_after_id > after &&
                                   p->next_after_id < head) ? 0 : -1;
}

int
cmd_audit_ledger(cli_t *cli)
{
  Till__V1__LedgerQueryRequest q = TILL__V1__LEDGER_QUERY_REQUEST__INIT;
  int csv = 0;
  int rc = build_request(cli, &q, &csv);
  if (rc)
    return rc;
  enum format f = csv ? FMT_CSV : cli->json ? FMT_JSON : FMT_TABLE;
  int64_t count = 0, total = 0, head = 0;
  int started = 0, overflow = 0;
  /* bounded: each page moves q.after_id forward and never past head, so
   * there are at most head pages after the first */
  for (int64_t pages = 0;; pages++) {
    Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
    req.body_case = TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_REQ;
    req.ledger_query_req = &q;
    Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_RESP, &rc);
    if (!resp)
      return rc;
    const Till__V1__LedgerQueryResponse *p = resp->ledger_query_resp;
    if (pages == 0)
      head = p->head_id;
    if (p->head_id != head || pages > head || page_ok(p, q.after_id, head) != 0) {
      fprintf(stderr,
              _("till: the server's page after transaction %lld does not continue the "
                "query (head %lld); stopping\n"),
              (long long)q.after_id, (long long)head);
      till__v1__envelope__free_unpacked(resp, NULL);
      return EXIT_CONN;
    }
    if (!started) {
      print_header(f);
      started = 1;
    }
    for (size_t i = 0; i < p->n_txns; i++) {
      int64_t amount = 0;
      if (audit_txn_amount(p->txns[i], &amount) != 0 || till_money_add(total, amount, &total) != 0)
        overflow = 1;
      print_row(f, p->txns[i], amount, count == 0);
      count++;
    }
    fflush(stdout);
    q.head_id = head;
    q.after_id = p->next_after_id;
    till__v1__envelope__free_unpacked(resp, NULL);
    if (q.after_id == 0)
      break;
  }
  if (f == FMT_JSON) {
    fputs(count ? "\n]\n" : "]\n", stdout);
  } else if (f == FMT_TABLE) {
    char money[TILL_MONEY_STR_MAX];
    till_money_format(total, money, sizeof money);
    printf(ngettext("%lld transaction up to transaction %lld, total %s\n",
                    "%lld transactions up to transaction %lld, total %s\n", (unsigned long)count),
           (long long)count, (long long)head, overflow ? _("beyond the range of an amount") : money);
    /* --from/--to are calendar days of this terminal, and the times above
     * are its clock: say which, as the server's zone may be another */
    char zone[16];
    cli_zone_label(zone, sizeof zone);
    printf(_("times and --from/--to days are this terminal's local time (%s); "
             "--from/--to filter by posting time, not by business date\n"), zone);
  }
  return 0;
}
