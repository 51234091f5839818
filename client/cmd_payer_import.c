/* cmd_payer_import.c -- till payer import FILE.csv: read the file
 * (payer_csv.h), list every row that is not CSV or does not fit the header
 * and send nothing, or send every row in one request; the server checks
 * each row again and writes all of them or none, answering with every bad
 * row. Either way a bad file is listed whole, each problem with its line,
 * column and reason, and nothing is written (exit 11). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_payer.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "payer_csv.h"
#include "print.h"
#include "till_status.h"

#define IMPORT_ROWS_MAX 5000                  /* the server's, tilld payer.h */
#define IMPORT_FILE_MAX (4u * 1024u * 1024u)  /* room for 5,000 long rows */
#define IMPORT_PROBLEMS_MAX 200

/* The listing of a bad file: JSON or lines on stderr. */
typedef struct {
  int json;
  size_t n;
} listing_t;

static void listing_begin(listing_t *l);

static void
problem(listing_t *l, size_t line, const char *column, const char *reason)
{
  if (l->n == 0)
    listing_begin(l);
  if (l->n++ >= IMPORT_PROBLEMS_MAX)
    return;
  if (l->json) {
    printf("%s{\"line\":%zu,\"column\":", l->n > 1 ? "," : "", line);
    json_str(stdout, column);
    printf(",\"reason\":");
    json_str(stdout, reason);
    printf("}");
  } else if (column[0]) {
    fprintf(stderr, _("line %zu, column %s: %s\n"), line, payer_col_label(column), reason);
  } else {
    fprintf(stderr, _("line %zu: %s\n"), line, reason);
  }
}

/* The opening of the listing, before its first problem. */
static void
listing_begin(listing_t *l)
{
  if (l->json)
    printf("{\"added\":0,\"problems\":[");
  else
    fprintf(stderr, "%s\n", _("till: the file was not imported; nothing was written:"));
}

static int
listing_end(listing_t *l, int more)
{
  if (l->json)
    printf("],\"more_problems\":%s}\n", more || l->n > IMPORT_PROBLEMS_MAX ? "true" : "false");
  else if (more || l->n > IMPORT_PROBLEMS_MAX)
    fprintf(stderr, "%s\n", _("(more problems; the first 200 are listed)"));
  return EXIT_SERVER_BASE + TILL_E_INVALID;
}

/* The whole file <path>, NUL-terminated, or NULL after saying why. */
static char *
read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_usage_error(_("cannot read %s"), path);
    return NULL;
  }
  char *buf = malloc(IMPORT_FILE_MAX + 1);
  size_t n = buf ? fread(buf, 1, IMPORT_FILE_MAX + 1, f) : 0;
  int err = ferror(f);
  fclose(f);
  if (!buf || err || n > IMPORT_FILE_MAX || memchr(buf, '\0', n)) {
    if (!buf)
      print_out_of_memory();
    else if (err)
      cli_usage_error(_("cannot read %s"), path);
    else if (n > IMPORT_FILE_MAX)
      cli_usage_error(_("%s is larger than 4 MiB; split it (at most 5000 rows an import)"), path);
    else
      cli_usage_error(_("%s is not a text file"), path);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

/* The rows of the file, read into <rows> (room for IMPORT_ROWS_MAX) and
 * <inputs>; problems into <l>. *n rows. 0, or an exit code. */
static int
read_rows(char *text, listing_t *l, Till__V1__PayerImportRow *rows, Till__V1__PayerInput *inputs,
          size_t *n)
{
  static char empty[] = "";
  char *cur = text;
  size_t line = 1, field;
  const char *why, *name;
  csv_rec_t rec, head;
  int col_of[PAYER_COLS];
  char msg[256];
  if (strncmp(cur, "\xEF\xBB\xBF", 3) == 0) /* a byte-order mark, as spreadsheets write */
    cur += 3;
  int got = csv_next(&cur, &line, &head, &field, &why);
  if (got == 0)
    return cli_usage_error(_("the file is empty; its first line names the columns"));
  if (got < 0) {
    problem(l, 1, "", _(why));
    return 0;
  }
  int hd = payer_csv_header(&head, col_of, &name);
  if (hd != CSV_HEADER_OK) {
    if (hd == CSV_HEADER_UNKNOWN)
      snprintf(msg, sizeof msg, _("the header names an unknown column '%s'"), name);
    else if (hd == CSV_HEADER_TWICE)
      snprintf(msg, sizeof msg, _("the header names the column '%s' twice"), name);
    else
      snprintf(msg, sizeof msg, _("the header lacks the column '%s'"), name);
    problem(l, 1, "", msg);
    return 0;
  }
  *n = 0;
  /* each call moves past one line or more; the file ends */
  while ((got = csv_next(&cur, &line, &rec, &field, &why)) != 0) {
    if (got < 0) {
      problem(l, rec.line, field < head.nf ? head.f[field] : "", _(why));
      continue;
    }
    if (rec.nf == 1 && rec.f[0][0] == '\0')
      continue; /* a blank line */
    if (rec.nf != head.nf) {
      snprintf(msg, sizeof msg, _("the line has %zu fields where the header names %zu"), rec.nf,
               head.nf);
      problem(l, rec.line, "", msg);
      continue;
    }
    if (*n == IMPORT_ROWS_MAX)
      return cli_usage_error(_("the file holds more than 5000 rows; split it"));
    Till__V1__PayerInput *in = &inputs[*n];
    till__v1__payer_input__init(in);
    char **dst[PAYER_COLS] = {&in->complex, &in->unit,      &in->owner, &in->phone,
                              &in->area,    &in->occupancy, &in->tags};
    for (size_t c = 0; c < PAYER_COLS; c++)
      *dst[c] = col_of[c] >= 0 ? rec.f[col_of[c]] : empty;
    till__v1__payer_import_row__init(&rows[*n]);
    rows[*n].line = (uint32_t)rec.line;
    rows[*n].payer = in;
    (*n)++;
  }
  if (*n == 0 && l->n == 0)
    return cli_usage_error(_("the file has no rows under its header"));
  return 0;
}

/* Send the rows; the server's answer, listed or counted. */
static int
send_rows(cli_t *cli, Till__V1__PayerImportRow *rows, size_t n)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerImportRequest imp = TILL__V1__PAYER_IMPORT_REQUEST__INIT;
  Till__V1__PayerImportRow **ptrs = malloc(n * sizeof *ptrs);
  int rc;
  if (!ptrs)
    return print_out_of_memory();
  for (size_t i = 0; i < n; i++)
    ptrs[i] = &rows[i];
  imp.rows = ptrs;
  imp.n_rows = n;
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_IMPORT_REQ;
  req.payer_import_req = &imp;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_PAYER_IMPORT_RESP, &rc);
  free(ptrs);
  if (!resp)
    return rc;
  const Till__V1__PayerImportResponse *r = resp->payer_import_resp;
  if (r->n_problems > 0 || r->more_problems) {
    listing_t l = {cli->json, 0};
    char buf[512];
    for (size_t i = 0; i < r->n_problems; i++) {
      const Till__V1__PayerImportProblem *p = r->problems[i];
      const char *reason = cli->json ? p->reason : i18n_server_message(p->reason, buf, sizeof buf);
      problem(&l, p->line, p->column, reason);
    }
    rc = listing_end(&l, r->more_problems);
  } else if (cli->json) {
    printf("{\"added\":%u,\"first_id\":%lld,\"last_id\":%lld,\"problems\":[]}\n", r->added,
           (long long)r->first_id, (long long)r->last_id);
    rc = 0;
  } else {
    printf(_("imported %u payers, numbers %lld to %lld\n"), r->added, (long long)r->first_id,
           (long long)r->last_id);
    rc = 0;
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_payer_import(cli_t *cli)
{
  const char *path = cli_arg(cli, 2);
  if (!path)
    return commands_usage_error(cli);
  char *text = read_file(path);
  if (!text)
    return EXIT_USAGE;
  Till__V1__PayerImportRow *rows = malloc(IMPORT_ROWS_MAX * sizeof *rows);
  Till__V1__PayerInput *inputs = malloc(IMPORT_ROWS_MAX * sizeof *inputs);
  listing_t l = {cli->json, 0};
  size_t n = 0;
  int rc;
  if (!rows || !inputs) {
    rc = print_out_of_memory();
  } else {
    rc = read_rows(text, &l, rows, inputs, &n);
    if (rc == 0 && l.n > 0)
      rc = listing_end(&l, 0);
    else if (rc == 0)
      rc = send_rows(cli, rows, n);
  }
  free(rows);
  free(inputs);
  free(text);
  return rc;
}
