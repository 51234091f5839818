/* cmd_void.c -- till void NUMBER --reason TEXT (a cashier asks), till void
 * approve|reject ID (a supervisor decides, with an idempotency key and
 * retries) and till void list. The reversal itself is the server's; this
 * file shows the void's state (a table in display cells, or JSON), and
 * exports the JSON object that till audit txn --json uses too (cmd_void.h). */
#include "cmd_void.h"

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
#include "till_names.h"
#include "till_util.h"
#include "till_wire.h"

/* A name of till_names.h as the wire and --json write it; "?" out of range. */
static const char *
wire_name(const char *name)
{
  return name ? name : "?";
}

void
print_void_json(const Till__V1__VoidInfo *v, int first, int replayed)
{
  char amount[TILL_MONEY_STR_MAX];
  till_money_format(v->amount, amount, sizeof amount);
  printf("%s{\"id\":%lld,\"number\":", first ? "" : ",", (long long)v->id);
  json_str(stdout, v->number);
  printf(",\"txn_id\":%lld,\"amount\":\"%s\",\"state\":\"%s\",\"reason\":", (long long)v->txn_id,
         amount, wire_name(till_void_state_name((int)v->state)));
  json_str(stdout, v->reason);
  printf(",\"requested_by\":");
  json_str(stdout, v->requested_by);
  printf(",\"requested_at\":%lld,\"decided_by\":", (long long)v->requested_at);
  json_str(stdout, v->decided_by);
  printf(",\"decided_at\":%lld,\"note\":", (long long)v->decided_at);
  json_str(stdout, v->note);
  printf(",\"reversal_txn_id\":%lld", (long long)v->reversal_txn_id);
  if (replayed >= 0)
    printf(",\"replayed\":%s", replayed ? "true" : "false");
  printf("}");
}

/* The table of voids with its header row; NULL when out of memory. */
static layout_table_t *
void_table_new(void)
{
  layout_table_t *t = layout_table_new(7, "llrllll");
  if (t && layout_table_add(t, _("ID"), _("RECEIPT"), _("AMOUNT"), _("STATE"), _("REQUESTED"),
                            _("DECIDED"), _("REASON")) != 0) {
    layout_table_free(t);
    return NULL;
  }
  return t;
}

/* A row of <v> in the table. 0 or -1 (out of memory). */
static int
void_table_add(layout_table_t *t, const Till__V1__VoidInfo *v)
{
  char id[24], amount[TILL_MONEY_STR_MAX];
  snprintf(id, sizeof id, "%lld", (long long)v->id);
  till_money_format(v->amount, amount, sizeof amount);
  return layout_table_add(t, id, v->number, amount, print_void_state((int)v->state),
                          v->requested_by, v->decided_by[0] ? v->decided_by : "-", v->reason);
}

/* One void in an answer: the table (or JSON object) of <v>, or the standard
 * message if it is missing. Frees <resp>. */
static int
show_one_void(cli_t *cli, Till__V1__Envelope *resp, const Till__V1__VoidInfo *v, int replayed)
{
  if (!v)
    return cli_unexpected(resp, _("a void"));
  int rc = 0;
  if (cli->json) {
    print_void_json(v, 1, replayed);
    printf("\n");
  } else {
    layout_table_t *t = void_table_new();
    if (print_table(t, t && void_table_add(t, v) == 0, "") != 0)
      rc = print_out_of_memory();
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

/* till void NUMBER --reason TEXT: a cashier asks for a void. */
int
cmd_void_request(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__VoidRequestRequest vr = TILL__V1__VOID_REQUEST_REQUEST__INIT;
  int rc;
  const char *number = cli_arg(cli, 1), *reason = cli_opt(cli, "--reason");
  if (!number)
    return commands_group_usage_error(cli);
  if (!reason)
    return cli_usage_error(_("a void needs --reason TEXT"));
  vr.number = (char *)number;
  vr.reason = (char *)reason;
  req.body_case = TILL__V1__ENVELOPE__BODY_VOID_REQUEST_REQ;
  req.void_request_req = &vr;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_VOID_REQUEST_RESP, &rc);
  if (!resp)
    return rc;
  if (!cli->json)
    printf("%s\n", _("void requested; a supervisor must approve it"));
  return show_one_void(cli, resp, resp->void_request_resp->void_info, -1);
}

/* till void approve|reject ID: a supervisor decides. */
static int
void_decide(cli_t *cli, int approve)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__VoidDecideRequest vd = TILL__V1__VOID_DECIDE_REQUEST__INIT;
  uint8_t key[16];
  int rc;
  const char *id = cli_arg(cli, 2), *note = cli_opt(cli, "--note");
  if (!id || till_parse_i64(id, 1, INT64_MAX, &vd.void_id) != 0)
    return commands_group_usage_error(cli);
  if ((rc = cli_idempotency_key(cli, key)) != 0)
    return rc;
  vd.idempotency_key.data = key;
  vd.idempotency_key.len = sizeof key;
  vd.approve = approve;
  vd.note = (char *)(note ? note : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_VOID_DECIDE_REQ;
  req.void_decide_req = &vd;
  Till__V1__Envelope *resp = cli_call_retry_expect(cli, &req, CLI_RETRY_ATTEMPTS,
                                                   TILL__V1__ENVELOPE__BODY_VOID_DECIDE_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__VoidInfo *one = resp->void_decide_resp->void_info;
  int replayed = resp->void_decide_resp->replayed;
  if (!cli->json) {
    const char *state = one ? print_void_state((int)one->state) : "?";
    if (replayed)
      printf(_("void %s (already decided with this key: the recorded decision)\n"), state);
    else
      printf(_("void %s\n"), state);
  }
  return show_one_void(cli, resp, one, replayed);
}

int
cmd_void_approve(cli_t *cli)
{
  return void_decide(cli, 1);
}

int
cmd_void_reject(cli_t *cli)
{
  return void_decide(cli, 0);
}

int
cmd_void_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__VoidListRequest vl = TILL__V1__VOID_LIST_REQUEST__INIT;
  int rc;
  const char *state = cli_opt(cli, "--state");
  if (state) {
    /* till_names.h has no till_void_state_from_name */
    for (int s = 1; s <= TILL_VOID_STATE_MAX; s++)
      if (strcmp(state, till_void_state_name(s)) == 0)
        vl.state = till_wire_void_state((till_void_state_t)s);
    if (!vl.state)
      return cli_usage_error(_("--state must be pending, approved or rejected"));
  }
  req.body_case = TILL__V1__ENVELOPE__BODY_VOID_LIST_REQ;
  req.void_list_req = &vl;
  Till__V1__Envelope *resp =
    cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_VOID_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__VoidListResponse *l = resp->void_list_resp;
  if (cli->json) {
    printf("[");
    for (size_t i = 0; i < l->n_voids; i++)
      print_void_json(l->voids[i], i == 0, -1);
    printf("]\n");
    till__v1__envelope__free_unpacked(resp, NULL);
    return 0;
  }
  /* the whole list first: its columns are as wide as their widest cell */
  layout_table_t *t = void_table_new();
  rc = t ? 0 : 1;
  for (size_t i = 0; t && i < l->n_voids && rc == 0; i++)
    rc = void_table_add(t, l->voids[i]);
  if (print_table(t, rc == 0, "") != 0)
    rc = print_out_of_memory();
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
