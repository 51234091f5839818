/* cmd_payer_find.c -- till payer list|find|edit: payers as a table (its
 * columns as wide as their widest cell in display cells, so Chinese names
 * line up), a page or a find at a time, bounded; and an edit, which prints
 * what it changed (the server keeps it in the payer's history). */
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
#include "till_util.h"

#define PAYER_COLS_SHOWN 7

/* The payers as a table, or a JSON array with "more". 0 or 1. */
static int
payers_out(cli_t *cli, Till__V1__Payer **list, size_t n, int more)
{
  if (cli->json) {
    printf("{\"payers\":[");
    for (size_t i = 0; i < n; i++) {
      if (i)
        printf(",");
      payer_json(list[i]);
    }
    printf("],\"more\":%s}\n", more ? "true" : "false");
    return 0;
  }
  if (n == 0) {
    printf("%s\n", _("no payer matches"));
    return 0;
  }
  layout_table_t *t = layout_table_new(PAYER_COLS_SHOWN, "rllllrl");
  int ok = t && layout_table_add(t, _("NO."), _("COMPLEX"), _("UNIT"), _("OWNER"), _("PHONE"),
                                 _("AREA"), _("OCCUPANCY")) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    const Till__V1__Payer *p = list[i];
    char id[24], area[32];
    snprintf(id, sizeof id, "%lld", (long long)p->id);
    payer_area(area, sizeof area, p->area_centi);
    ok = layout_table_add(t, id, p->complex, p->unit, p->owner, p->phone, area,
                          payer_occupancy_text(p->occupancy)) == 0;
  }
  return print_table(t, ok, "") == 0 ? 0 : print_out_of_memory();
}

int
cmd_payer_find(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerFindRequest find = TILL__V1__PAYER_FIND_REQUEST__INIT;
  int rc;
  find.text = (char *)cli_arg(cli, 2);
  if (!find.text)
    return commands_usage_error(cli);
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_FIND_REQ;
  req.payer_find_req = &find;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_PAYER_FIND_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__PayerFindResponse *f = resp->payer_find_resp;
  rc = payers_out(cli, f->payers, f->n_payers, f->more);
  if (rc == 0 && !cli->json && f->more)
    printf("%s\n", _("(more payers match; the first 50 are shown: give more of the text)"));
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_payer_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerListRequest list = TILL__V1__PAYER_LIST_REQUEST__INIT;
  const char *complex = cli_opt(cli, "--complex"), *after = cli_opt(cli, "--after");
  const char *limit = cli_opt(cli, "--limit");
  int64_t v;
  int rc;
  list.complex = (char *)(complex ? complex : "");
  if (after) {
    if (till_parse_i64(after, 0, INT64_MAX, &v) != 0)
      return cli_usage_error(_("--after '%s' is not a payer's number"), after);
    list.after_id = v;
  }
  if (limit) {
    if (till_parse_i64(limit, 1, 500, &v) != 0)
      return cli_usage_error(_("--limit '%s' is not a number from 1 to 500"), limit);
    list.limit = (uint32_t)v;
  }
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_LIST_REQ;
  req.payer_list_req = &list;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_PAYER_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__PayerListResponse *l = resp->payer_list_resp;
  rc = payers_out(cli, l->payers, l->n_payers, l->more);
  if (rc == 0 && !cli->json && l->more && l->n_payers > 0)
    printf(_("(more: the next page is --after %lld)\n"),
           (long long)l->payers[l->n_payers - 1]->id);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

int
cmd_payer_edit(cli_t *cli)
{
  static const char *const fields[] = {"unit", "owner", "phone", "area", "occupancy", "tags"};
  enum { NF = sizeof fields / sizeof fields[0] };
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__PayerEditRequest edit = TILL__V1__PAYER_EDIT_REQUEST__INIT;
  Till__V1__PayerFieldValue fv[NF], *ptrs[NF];
  char opt[32];
  int64_t id;
  int rc;
  const char *arg = cli_arg(cli, 2);
  if (!arg)
    return commands_usage_error(cli);
  if (till_parse_i64(arg, 1, INT64_MAX, &id) != 0)
    return cli_usage_error(_("'%s' is not a payer's number"), arg);
  edit.id = id;
  edit.changes = ptrs;
  for (size_t i = 0; i < NF; i++) {
    snprintf(opt, sizeof opt, "--%s", fields[i]);
    const char *v = cli_opt(cli, opt);
    if (!v)
      continue;
    till__v1__payer_field_value__init(&fv[edit.n_changes]);
    fv[edit.n_changes].field = (char *)fields[i];
    fv[edit.n_changes].value = (char *)v;
    ptrs[edit.n_changes] = &fv[edit.n_changes];
    edit.n_changes++;
  }
  if (edit.n_changes == 0)
    return commands_usage_error(cli);
  req.body_case = TILL__V1__ENVELOPE__BODY_PAYER_EDIT_REQ;
  req.payer_edit_req = &edit;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_PAYER_EDIT_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__PayerEditResponse *e = resp->payer_edit_resp;
  if (!e->payer)
    return cli_unexpected(resp, _("a payer"));
  if (cli->json) {
    printf("{\"payer\":");
    payer_json(e->payer);
    printf(",\"changes\":[");
    for (size_t i = 0; i < e->n_changes; i++) {
      printf("%s{\"field\":", i ? "," : "");
      json_str(stdout, e->changes[i]->field);
      printf(",\"old\":");
      json_str(stdout, e->changes[i]->old_value);
      printf(",\"new\":");
      json_str(stdout, e->changes[i]->new_value);
      printf("}");
    }
    printf("]}\n");
  } else if (e->n_changes == 0) {
    printf(_("payer %lld: nothing changed\n"), (long long)e->payer->id);
  } else {
    printf(_("payer %lld changed:\n"), (long long)e->payer->id);
    for (size_t i = 0; i < e->n_changes; i++)
      printf("  %s: %s -> %s\n", payer_col_label(e->changes[i]->field), e->changes[i]->old_value,
             e->changes[i]->new_value);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
