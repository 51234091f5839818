/* cmd_admin.c -- till admin user|terminal add|list|disable|enable, till
 * admin user unlock, and till admin
 * series|item add|list: the users, the terminals allowed to connect, the
 * receipt series and the price table. Each verb sends one request and shows
 * the object it answers with, or the list. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "print.h"
#include "till_money.h"
#include "till_names.h"
#include "till_wire.h"

static int
parse_roles(const char *s, Till__V1__Role out[TILL_ROLE_MAX], size_t *n)
{
  char buf[128];
  if (!s || strlen(s) >= sizeof buf)
    return -1;
  snprintf(buf, sizeof buf, "%s", s);
  *n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int r = till_role_from_name(tok);
    if (!r || *n == TILL_ROLE_MAX)
      return -1;
    out[(*n)++] = till_wire_role((till_role_t)r);
  }
  return *n ? 0 : -1;
}

static void
print_user_row(cli_t *cli, const Till__V1__User *u, int first)
{
  int roles[4];
  size_t n = u->n_roles > 4 ? 4 : u->n_roles;
  for (size_t i = 0; i < n; i++)
    roles[i] = (int)u->roles[i];
  if (cli->json) {
    printf("%s{\"name\":", first ? "" : ",");
    json_str(stdout, u->name);
    printf(",\"roles\":");
    json_roles(stdout, roles, n);
    printf(",\"disabled\":%s,\"locked_until\":%lld,\"created_at\":%lld}",
           u->disabled ? "true" : "false", (long long)u->locked_until, (long long)u->created_at);
    return;
  }
  char rs[64] = "", created[32];
  for (size_t i = 0; i < n; i++) {
    strncat(rs, i ? "," : "", sizeof rs - strlen(rs) - 1);
    strncat(rs, print_role(roles[i]), sizeof rs - strlen(rs) - 1);
  }
  fmt_time(u->created_at, created, sizeof created);
  printf("%-20s %-30s %-9s %s\n", u->name, rs,
         u->disabled ? "disabled" : (u->locked_until ? "locked" : "active"), created);
}

static void
print_terminal_row(cli_t *cli, const Till__V1__Terminal *t, int first)
{
  if (cli->json) {
    printf("%s{\"id\":", first ? "" : ",");
    json_str(stdout, t->id);
    printf(",\"description\":");
    json_str(stdout, t->description);
    printf(",\"disabled\":%s,\"created_at\":%lld}", t->disabled ? "true" : "false",
           (long long)t->created_at);
    return;
  }
  char created[32];
  fmt_time(t->created_at, created, sizeof created);
  printf("%-20s %-9s %-20s %s\n", t->id, t->disabled ? "disabled" : "active", created,
         t->description);
}

/* The answer to an add or disable is one row: on a terminal after <done>
 * ("added user"), with --json an object on a line of its own. */
static void
one_begin(cli_t *cli, const char *done)
{
  if (!cli->json)
    printf("%s\n", done);
}

static void
one_end(cli_t *cli)
{
  if (cli->json)
    printf("\n");
}

/* A list: a table under <header>, or with --json an array. */
static void
list_begin(cli_t *cli, const char *header)
{
  if (cli->json)
    printf("[");
  else
    printf("%s\n", header);
}

static void
list_end(cli_t *cli)
{
  if (cli->json)
    printf("]\n");
}

/* Send <req> and expect <want>; NULL with *rc set. */
static Till__V1__Envelope *
call(cli_t *cli, Till__V1__Envelope *req, Till__V1__Envelope__BodyCase want, int *rc)
{
  return cli_call_expect(cli, req, 1, want, rc);
}

int
cmd_admin_user_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UserAddRequest add = TILL__V1__USER_ADD_REQUEST__INIT;
  Till__V1__Role roles[TILL_ROLE_MAX];
  char pw[256];
  int rc;
  const char *name = cli_arg(cli, 3);
  if (!name)
    return commands_group_usage_error(cli);
  if (parse_roles(cli_opt(cli, "--role"), roles, &add.n_roles) != 0)
    return cli_usage_error("--role needs one or more of cashier,supervisor,auditor,admin");
  if (cli_read_secret("TILL_NEW_PASSWORD", "password for the new user: ", pw, sizeof pw) != 0)
    return cli_usage_error("no password given (TILL_NEW_PASSWORD or a line on stdin)");
  add.name = (char *)name;
  add.password = pw;
  add.roles = roles;
  req.body_case = TILL__V1__ENVELOPE__BODY_USER_ADD_REQ;
  req.user_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_USER_ADD_RESP, &rc);
  memset(pw, 0, sizeof pw);
  if (!resp)
    return rc;
  if (!resp->user_add_resp->user)
    return cli_unexpected(resp, "a user");
  one_begin(cli, "added user");
  print_user_row(cli, resp->user_add_resp->user, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_user_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UserListRequest list = TILL__V1__USER_LIST_REQUEST__INIT;
  int rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_USER_LIST_REQ;
  req.user_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_USER_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__UserListResponse *l = resp->user_list_resp;
  char header[80];
  snprintf(header, sizeof header, "%-20s %-30s %-9s %s", "USER", "ROLES", "STATE", "CREATED");
  list_begin(cli, header);
  for (size_t i = 0; i < l->n_users; i++)
    print_user_row(cli, l->users[i], i == 0);
  list_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_user_disable(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UserDisableRequest dis = TILL__V1__USER_DISABLE_REQUEST__INIT;
  int rc;
  const char *name = cli_arg(cli, 3);
  if (!name)
    return commands_group_usage_error(cli);
  dis.name = (char *)name;
  req.body_case = TILL__V1__ENVELOPE__BODY_USER_DISABLE_REQ;
  req.user_disable_req = &dis;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_USER_DISABLE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->user_disable_resp->user)
    return cli_unexpected(resp, "a user");
  one_begin(cli, "disabled user");
  print_user_row(cli, resp->user_disable_resp->user, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_user_unlock(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UserUnlockRequest unlock = TILL__V1__USER_UNLOCK_REQUEST__INIT;
  int rc;
  const char *name = cli_arg(cli, 3);
  if (!name)
    return commands_group_usage_error(cli);
  unlock.name = (char *)name;
  req.body_case = TILL__V1__ENVELOPE__BODY_USER_UNLOCK_REQ;
  req.user_unlock_req = &unlock;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_USER_UNLOCK_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->user_unlock_resp->user)
    return cli_unexpected(resp, "a user");
  one_begin(cli, _("unlocked user"));
  print_user_row(cli, resp->user_unlock_resp->user, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_user_enable(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__UserEnableRequest en = TILL__V1__USER_ENABLE_REQUEST__INIT;
  int rc;
  const char *name = cli_arg(cli, 3);
  if (!name)
    return commands_group_usage_error(cli);
  en.name = (char *)name;
  req.body_case = TILL__V1__ENVELOPE__BODY_USER_ENABLE_REQ;
  req.user_enable_req = &en;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_USER_ENABLE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->user_enable_resp->user)
    return cli_unexpected(resp, "a user");
  one_begin(cli, _("enabled user"));
  print_user_row(cli, resp->user_enable_resp->user, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_terminal_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TerminalAddRequest add = TILL__V1__TERMINAL_ADD_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 3), *desc = cli_opt(cli, "--description");
  if (!id)
    return commands_group_usage_error(cli);
  add.id = (char *)id;
  add.description = (char *)(desc ? desc : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_ADD_REQ;
  req.terminal_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TERMINAL_ADD_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->terminal_add_resp->terminal)
    return cli_unexpected(resp, "a terminal");
  one_begin(cli, "added terminal");
  print_terminal_row(cli, resp->terminal_add_resp->terminal, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_terminal_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TerminalListRequest list = TILL__V1__TERMINAL_LIST_REQUEST__INIT;
  int rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_LIST_REQ;
  req.terminal_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_TERMINAL_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__TerminalListResponse *l = resp->terminal_list_resp;
  char header[80];
  snprintf(header, sizeof header, "%-20s %-9s %-20s %s", "TERMINAL", "STATE", "CREATED",
           "DESCRIPTION");
  list_begin(cli, header);
  for (size_t i = 0; i < l->n_terminals; i++)
    print_terminal_row(cli, l->terminals[i], i == 0);
  list_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_terminal_disable(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TerminalDisableRequest dis = TILL__V1__TERMINAL_DISABLE_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 3);
  if (!id)
    return commands_group_usage_error(cli);
  dis.id = (char *)id;
  req.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_DISABLE_REQ;
  req.terminal_disable_req = &dis;
  Till__V1__Envelope *resp =
    call(cli, &req, TILL__V1__ENVELOPE__BODY_TERMINAL_DISABLE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->terminal_disable_resp->terminal)
    return cli_unexpected(resp, "a terminal");
  one_begin(cli, "disabled terminal");
  print_terminal_row(cli, resp->terminal_disable_resp->terminal, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_terminal_enable(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__TerminalEnableRequest en = TILL__V1__TERMINAL_ENABLE_REQUEST__INIT;
  int rc;
  const char *id = cli_arg(cli, 3);
  if (!id)
    return commands_group_usage_error(cli);
  en.id = (char *)id;
  req.body_case = TILL__V1__ENVELOPE__BODY_TERMINAL_ENABLE_REQ;
  req.terminal_enable_req = &en;
  Till__V1__Envelope *resp =
    call(cli, &req, TILL__V1__ENVELOPE__BODY_TERMINAL_ENABLE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->terminal_enable_resp->terminal)
    return cli_unexpected(resp, "a terminal");
  one_begin(cli, _("enabled terminal"));
  print_terminal_row(cli, resp->terminal_enable_resp->terminal, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

static void
print_series(cli_t *cli, const Till__V1__Series *s, int first)
{
  if (cli->json) {
    printf("%s{\"prefix\":", first ? "" : ",");
    json_str(stdout, s->prefix);
    printf(",\"kind\":");
    json_str(stdout, s->kind);
    printf(",\"description\":");
    json_str(stdout, s->description);
    printf(",\"counters\":[");
    for (size_t i = 0; i < s->n_counters; i++) {
      printf("%s{\"series\":", i ? "," : "");
      json_str(stdout, s->counters[i]->series);
      printf(",\"last_no\":%lld}", (long long)s->counters[i]->last_no);
    }
    printf("]}");
    return;
  }
  printf("%-8s %-12s %-30s", s->prefix, s->kind, s->description);
  for (size_t i = 0; i < s->n_counters; i++)
    printf(" %s:%lld", s->counters[i]->series, (long long)s->counters[i]->last_no);
  printf("\n");
}

static void
print_item(cli_t *cli, const Till__V1__FeeItem *it, int first)
{
  char price[TILL_MONEY_STR_MAX];
  till_money_format(it->unit_price, price, sizeof price);
  if (cli->json) {
    printf("%s{\"code\":", first ? "" : ",");
    json_str(stdout, it->code);
    printf(",\"name\":");
    json_str(stdout, it->name);
    printf(",\"unit_price\":\"%s\",\"series\":", price);
    json_str(stdout, it->series_prefix);
    printf(",\"revenue_account\":");
    json_str(stdout, it->revenue_account);
    printf(",\"disabled\":%s}", it->disabled ? "true" : "false");
    return;
  }
  printf("%-16s %12s %-8s %-24s %s\n", it->code, price, it->series_prefix, it->revenue_account,
         it->name);
}

int
cmd_admin_series_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__SeriesAddRequest add = TILL__V1__SERIES_ADD_REQUEST__INIT;
  int rc;
  const char *prefix = cli_arg(cli, 3), *kind = cli_opt(cli, "--kind");
  const char *desc = cli_opt(cli, "--description");
  if (!prefix || !kind)
    return commands_group_usage_error(cli);
  add.prefix = (char *)prefix;
  add.kind = (char *)kind;
  add.description = (char *)(desc ? desc : "");
  req.body_case = TILL__V1__ENVELOPE__BODY_SERIES_ADD_REQ;
  req.series_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_SERIES_ADD_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->series_add_resp->series)
    return cli_unexpected(resp, "a series");
  one_begin(cli, "added series");
  print_series(cli, resp->series_add_resp->series, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_series_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__SeriesListRequest list = TILL__V1__SERIES_LIST_REQUEST__INIT;
  int rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_SERIES_LIST_REQ;
  req.series_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_SERIES_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__SeriesListResponse *l = resp->series_list_resp;
  char header[80];
  snprintf(header, sizeof header, "%-8s %-12s %-30s %s", "PREFIX", "KIND", "DESCRIPTION",
           "SERIES:LAST");
  list_begin(cli, header);
  for (size_t i = 0; i < l->n_series; i++)
    print_series(cli, l->series[i], i == 0);
  list_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_item_add(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ItemAddRequest add = TILL__V1__ITEM_ADD_REQUEST__INIT;
  Till__V1__FeeItem item = TILL__V1__FEE_ITEM__INIT;
  int rc;
  const char *code = cli_arg(cli, 3), *name = cli_opt(cli, "--name");
  const char *price = cli_opt(cli, "--price"), *series = cli_opt(cli, "--series");
  const char *revenue = cli_opt(cli, "--revenue");
  if (!code || !name || !price || !series)
    return commands_group_usage_error(cli);
  if (till_money_parse(price, &item.unit_price) != 0)
    return cli_usage_error("--price '%s' is not an amount like 5 or 5.00", price);
  item.code = (char *)code;
  item.name = (char *)name;
  item.series_prefix = (char *)series;
  item.revenue_account = (char *)(revenue ? revenue : "");
  add.item = &item;
  req.body_case = TILL__V1__ENVELOPE__BODY_ITEM_ADD_REQ;
  req.item_add_req = &add;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_ITEM_ADD_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->item_add_resp->item)
    return cli_unexpected(resp, "an item");
  one_begin(cli, "added item");
  print_item(cli, resp->item_add_resp->item, 1);
  one_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_admin_item_list(cli_t *cli)
{
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  Till__V1__ItemListRequest list = TILL__V1__ITEM_LIST_REQUEST__INIT;
  int rc;
  req.body_case = TILL__V1__ENVELOPE__BODY_ITEM_LIST_REQ;
  req.item_list_req = &list;
  Till__V1__Envelope *resp = call(cli, &req, TILL__V1__ENVELOPE__BODY_ITEM_LIST_RESP, &rc);
  if (!resp)
    return rc;
  const Till__V1__ItemListResponse *l = resp->item_list_resp;
  char header[80];
  snprintf(header, sizeof header, "%-16s %12s %-8s %-24s %s", "ITEM", "PRICE", "SERIES", "REVENUE",
           "NAME");
  list_begin(cli, header);
  for (size_t i = 0; i < l->n_items; i++)
    print_item(cli, l->items[i], i == 0);
  list_end(cli);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
