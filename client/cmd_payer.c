/* cmd_payer.c -- till payer add|show|import: the payers (缴费户) of the
 * office's complexes. add and import are the admin's; show is every
 * role's. import reads a CSV file (payer_csv.h), lists every row it cannot
 * read, and otherwise sends all rows in one request, which the server
 * checks again and writes all or none of. docs/billing.md ("Payers"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cmd_payer.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "payer_csv.h"
#include "print.h"
#include "till_status.h"

/* Rows in one import (the server's limit, tilld payer.h) and the file
 * that can hold them. */
#define IMPORT_ROWS_MAX 5000
#define IMPORT_FILE_MAX (4u * 1024u * 1024u)
/* Problems of a file listed before giving up (the server's too). */
#define IMPORT_PROBLEMS_MAX 200

const char *
payer_occupancy_text(const char *occ)
{
  if (strcmp(occ, "occupied") == 0)
    return _("occupied");
  if (strcmp(occ, "vacant") == 0)
    return _("vacant");
  if (strcmp(occ, "unsold") == 0)
    return _("unsold");
  return occ;
}

void
payer_area(char *buf, size_t len, int64_t centi)
{
  snprintf(buf, len, "%lld.%02lld", (long long)(centi / 100), (long long)(centi % 100));
}

void
payer_json(const Till__V1__Payer *p)
{
  char area[32];
  payer_area(area, sizeof area, p->area_centi);
  printf("{\"id\":%lld,\"complex\":", (long long)p->id);
  json_str(stdout, p->complex);
  printf(",\"unit\":");
  json_str(stdout, p->unit);
  printf(",\"owner\":");
  json_str(stdout, p->owner);
  printf(",\"phone\":");
  json_str(stdout, p->phone);
  printf(",\"area\":\"%s\",\"area_centi\":%lld,\"occupancy\":", area, (long long)p->area_centi);
  json_str(stdout, p->occupancy);
  printf(",\"tags\":");
  json_str(stdout, p->tags);
  printf(",\"created_at\":%lld,\"created_by\":", (long long)p->created_at);
  json_str(stdout, p->created_by);
  printf("}");
}

/* The payer as label/value lines, the labels padded to one width in
 * display cells. 0, or 1 when memory ran out. */
static int
payer_print(const Till__V1__Payer *p)
{
  char id[24], area[40], created[64], when[32];
  snprintf(id, sizeof id, "%lld", (long long)p->id);
  payer_area(area, sizeof area, p->area_centi);
  snprintf(area + strlen(area), sizeof area - strlen(area), " m²");
  fmt_time(p->created_at, when, sizeof when);
  snprintf(created, sizeof created, "%s %s", when, p->created_by);
  layout_table_t *t = layout_table_new(2, "ll");
  int ok = t && layout_table_add(t, _("payer"), id) == 0 &&
           layout_table_add(t, _("complex"), p->complex) == 0 &&
           layout_table_add(t, _("unit"), p->unit) == 0 &&
           layout_table_add(t, _("owner"), p->owner) == 0 &&
           layout_table_add(t, _("phone"), p->phone) == 0 &&
           layout_table_add(t, _("area"), area) == 0 &&
           layout_table_add(t, _("occupancy"), payer_occupancy_text(p->occupancy)) == 0 &&
           layout_table_add(t, _("tags"), p->tags) == 0 &&
           layout_table_add(t, _("created"), created) == 0;
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase want, int *rc)
{
  return cli_call_expect(cli, req, 1, want, rc);
}

int
cmd_payer_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerAddRequest add = TILL__V1__PAYER_ADD_REQUEST__INIT;
  Till__V1__PayerInput in = TILL__V1__PAYER_INPUT__INIT;
  int rc;
  const char *phone = cli_opt(cli, "--phone"), *tags = cli_opt(cli, "--tags");
  in.complex = (char *)cli_opt(cli, "--complex");
  in.unit = (char *)cli_opt(cli, "--unit");
  in.owner = (char *)cli_opt(cli, "--owner");
  in.area = (char *)cli_opt(cli, "--area");
  in.occupancy = (char *)cli_opt(cli, "--occupancy");
  if (!in.complex || !in.unit || !in.owner || !in.area || !in.occupancy)
    return commands_usage_error(cli);
  in.phone = (char *)(phone ? phone : "");
  in.tags = (char *)(tags ? tags : "");
  add.payer = &in;
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_ADD_REQ;
  req.payer_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_PAYER_ADD_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__Payer *p = resp->payer_add_resp->payer;
  if (!p)
    return cli_unexpected(resp, _("a payer"));
  if (cli->json) {
    payer_json(p);
    printf("\n");
    rc = 0;
  } else {
    printf("%s\n", _("added payer"));
    rc = payer_print(p);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* PAYER: the payer's number, or COMPLEX/UNIT (split at the last '/'). 0 or
 * EXIT_USAGE. <buf> holds the complex. */
static int
payer_ref(const char *arg, Till__V1__PayerShowRequest *show, char *buf, size_t len)
{
  const char *slash = strrchr(arg, '/');
  if (!slash) {
    long long id = 0;
    char *end = NULL;
    if (arg[0] >= '0' && arg[0] <= '9')
      id = strtoll(arg, &end, 10);
    if (id <= 0 || !end || *end)
      return cli_usage_error(_("'%s' is not a payer: give its number or COMPLEX/UNIT"), arg);
    show->id = id;
    return 0;
  }
  size_t n = (size_t)(slash - arg);
  if (n == 0 || n >= len || !slash[1])
    return cli_usage_error(_("'%s' is not a payer: give its number or COMPLEX/UNIT"), arg);
  memcpy(buf, arg, n);
  buf[n] = '\0';
  show->complex = buf;
  show->unit = (char *)slash + 1;
  return 0;
}

static void
history_json(const Till__V1__PayerShowResponse *s)
{
  printf(",\"history\":[");
  for (size_t i = 0; i < s->n_history; i++) {
    const Till__V1__PayerChange *c = s->history[i];
    printf("%s{\"at\":%lld,\"by\":", i ? "," : "", (long long)c->at);
    json_str(stdout, c->by);
    printf(",\"field\":");
    json_str(stdout, c->field);
    printf(",\"old\":");
    json_str(stdout, c->old_value);
    printf(",\"new\":");
    json_str(stdout, c->new_value);
    printf("}");
  }
  printf("],\"history_more\":%s}\n", s->history_more ? "true" : "false");
}

/* The history under the payer: one line a change, oldest first. */
static int
history_print(const Till__V1__PayerShowResponse *s)
{
  if (s->n_history == 0)
    return 0;
  printf("\n%s\n", _("changes:"));
  layout_table_t *t = layout_table_new(5, "lllll");
  int ok = t && layout_table_add(t, _("WHEN"), _("BY"), _("FIELD"), _("OLD"), _("NEW")) == 0;
  for (size_t i = 0; ok && i < s->n_history; i++) {
    const Till__V1__PayerChange *c = s->history[i];
    char when[32];
    fmt_time(c->at, when, sizeof when);
    ok = layout_table_add(t, when, c->by, payer_col_label(c->field), c->old_value, c->new_value) == 0;
  }
  if (print_table(t, ok, "  ") != 0)
    return print_out_of_memory();
  if (s->history_more)
    printf("  %s\n", _("(more changes; the oldest are shown)"));
  return 0;
}

int
cmd_payer_show(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerShowRequest show = TILL__V1__PAYER_SHOW_REQUEST__INIT;
  char complex[256];
  int rc;
  const char *arg = cli_arg(cli, 2);
  if (!arg)
    return commands_usage_error(cli);
  if ((rc = payer_ref(arg, &show, complex, sizeof complex)) != 0)
    return rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_SHOW_REQ;
  req.payer_show_req = &show;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_PAYER_SHOW_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__PayerShowResponse *s = resp->payer_show_resp;
  if (!s->payer)
    return cli_unexpected(resp, _("a payer"));
  if (cli->json) {
    printf("{\"payer\":");
    payer_json(s->payer);
    history_json(s);
    rc = 0;
  } else {
    rc = payer_print(s->payer);
    if (rc == 0)
      rc = history_print(s);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
