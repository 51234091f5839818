/* cmd_admin.c -- till admin user|terminal add|list|disable|enable, till
 * admin user unlock, and till admin
 * series|item add|list: the users, the terminals allowed to connect, the
 * receipt series and the price table. Each verb sends one request and shows
 * the object it answers with, or the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
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

/* What an admin command answers: with --json one object (an add, disable,
 * enable or unlock) or an array (a list); on a terminal a table, its
 * columns as wide as their widest cell in display cells, printed whole at
 * the end. */
typedef struct {
  cli_t *cli;
  int list;
  size_t n;           /* objects or rows so far */
  layout_table_t *t;  /* the table (not with --json) */
  int failed;         /* memory ran out: the table is not printed */
} out_t;

/* Begin an answer: a list under <header> (ncols cells), or one row after
 * the line <done> (header NULL). */
static void
out_begin(out_t *o, cli_t *cli, const char *done, size_t ncols, const char *aligns,
          const char *const *header)
{
  memset(o, 0, sizeof *o);
  o->cli = cli;
  o->list = header != NULL;
  if (cli->json) {
    if (o->list)
      printf("[");
    return;
  }
  if (done)
    printf("%s\n", done);
  o->t = layout_table_new(ncols, aligns);
  o->failed = !o->t || (header && layout_table_row(o->t, header) != 0);
}

/* 1 when the next row is a JSON object, its comma (unless first) printed. */
static int
out_json(out_t *o)
{
  if (!o->cli->json)
    return 0;
  if (o->n++)
    printf(",");
  return 1;
}

static void
out_row(out_t *o, const char *const *cells)
{
  if (!o->failed && layout_table_row(o->t, cells) != 0)
    o->failed = 1;
}

/* End the answer: 0, or 1 after saying that memory ran out. */
static int
out_end(out_t *o)
{
  if (o->cli->json) {
    printf(o->list ? "]\n" : "\n");
    return 0;
  }
  return print_table(o->t, !o->failed, "") == 0 ? 0 : print_out_of_memory();
}

#define USER_COLS 4
static const char user_aligns[] = "llll";

static void
user_row(out_t *o, const Till__V1__User *u)
{
  int roles[4];
  size_t n = u->n_roles > 4 ? 4 : u->n_roles;
  for (size_t i = 0; i < n; i++)
    roles[i] = (int)u->roles[i];
  if (out_json(o)) {
    printf("{\"name\":");
    json_str(stdout, u->name);
    printf(",\"roles\":");
    json_roles(stdout, roles, n);
    printf(",\"disabled\":%s,\"locked_until\":%lld,\"created_at\":%lld}",
           u->disabled ? "true" : "false", (long long)u->locked_until, (long long)u->created_at);
    return;
  }
  char rs[256] = "", created[32];
  for (size_t i = 0; i < n; i++) {
    strncat(rs, i ? _(",") : "", sizeof rs - strlen(rs) - 1);
    strncat(rs, print_role(roles[i]), sizeof rs - strlen(rs) - 1);
  }
  fmt_time(u->created_at, created, sizeof created);
  const char *state = u->disabled ? _("disabled") : u->locked_until ? _("locked") : _("active");
  const char *row[USER_COLS] = {u->name, rs, state, created};
  out_row(o, row);
}

/* One user in the answer to an add, disable, enable or unlock. */
static int
one_user(cli_t *cli, const char *done, const Till__V1__User *u)
{
  out_t o;
  out_begin(&o, cli, done, USER_COLS, user_aligns, NULL);
  user_row(&o, u);
  return out_end(&o);
}

#define TERMINAL_COLS 4
static const char terminal_aligns[] = "llll";

static void
terminal_row(out_t *o, const Till__V1__Terminal *t)
{
  if (out_json(o)) {
    printf("{\"id\":");
    json_str(stdout, t->id);
    printf(",\"description\":");
    json_str(stdout, t->description);
    printf(",\"disabled\":%s,\"created_at\":%lld}", t->disabled ? "true" : "false",
           (long long)t->created_at);
    return;
  }
  char created[32];
  fmt_time(t->created_at, created, sizeof created);
  const char *row[TERMINAL_COLS] = {t->id, t->disabled ? _("disabled") : _("active"), created,
                                    t->description};
  out_row(o, row);
}

static int
one_terminal(cli_t *cli, const char *done, const Till__V1__Terminal *t)
{
  out_t o;
  out_begin(&o, cli, done, TERMINAL_COLS, terminal_aligns, NULL);
  terminal_row(&o, t);
  return out_end(&o);
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
    return cli_usage_error(_("--role needs one or more of cashier,supervisor,auditor,admin"));
  if (cli_read_secret("TILL_NEW_PASSWORD", _("password for the new user: "), pw, sizeof pw) != 0)
    return cli_usage_error(_("no password given (TILL_NEW_PASSWORD or a line on stdin)"));
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
    return cli_unexpected(resp, _("a user"));
  rc = one_user(cli, _("added user"), resp->user_add_resp->user);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
  const char *header[USER_COLS] = {_("USER"), _("ROLES"), _("STATE"), _("CREATED")};
  out_t o;
  out_begin(&o, cli, NULL, USER_COLS, user_aligns, header);
  for (size_t i = 0; i < l->n_users; i++)
    user_row(&o, l->users[i]);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a user"));
  rc = one_user(cli, _("disabled user"), resp->user_disable_resp->user);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a user"));
  rc = one_user(cli, _("unlocked user"), resp->user_unlock_resp->user);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a user"));
  rc = one_user(cli, _("enabled user"), resp->user_enable_resp->user);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a terminal"));
  rc = one_terminal(cli, _("added terminal"), resp->terminal_add_resp->terminal);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
  const char *header[TERMINAL_COLS] = {_("TERMINAL"), _("STATE"), _("CREATED"),
                                       _("DESCRIPTION")};
  out_t o;
  out_begin(&o, cli, NULL, TERMINAL_COLS, terminal_aligns, header);
  for (size_t i = 0; i < l->n_terminals; i++)
    terminal_row(&o, l->terminals[i]);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a terminal"));
  rc = one_terminal(cli, _("disabled terminal"), resp->terminal_disable_resp->terminal);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_unexpected(resp, _("a terminal"));
  rc = one_terminal(cli, _("enabled terminal"), resp->terminal_enable_resp->terminal);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}

#define SERIES_COLS 4
static const char series_aligns[] = "llll";

/* A series: its counters ("HT2026:12 HT2025:480") in the last column. */
static void
series_row(out_t *o, const Till__V1__Series *s)
{
  if (out_json(o)) {
    printf("{\"prefix\":");
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
  /* a counter is a series name (bounded by the server) and a number */
  size_t len = 1, used = 0;
  for (size_t i = 0; i < s->n_counters; i++)
    len += strlen(s->counters[i]->series) + 23;
  char *counters = malloc(len);
  if (!counters) {
    o->failed = 1;
    return;
  }
  counters[0] = '\0';
  for (size_t i = 0; i < s->n_counters; i++)
    used += (size_t)snprintf(counters + used, len - used, "%s%s:%lld", i ? " " : "",
                             s->counters[i]->series, (long long)s->counters[i]->last_no);
  const char *row[SERIES_COLS] = {s->prefix, s->kind, s->description, counters};
  out_row(o, row);
  free(counters);
}

#define ITEM_COLS 5
static const char item_aligns[] = "lrlll";

static void
item_row(out_t *o, const Till__V1__FeeItem *it)
{
  char price[TILL_MONEY_STR_MAX];
  till_money_format(it->unit_price, price, sizeof price);
  if (out_json(o)) {
    printf("{\"code\":");
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
  const char *row[ITEM_COLS] = {it->code, price, it->series_prefix, it->revenue_account,
                                it->name};
  out_row(o, row);
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
    return cli_unexpected(resp, _("a series"));
  out_t o;
  out_begin(&o, cli, _("added series"), SERIES_COLS, series_aligns, NULL);
  series_row(&o, resp->series_add_resp->series);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
  const char *header[SERIES_COLS] = {_("PREFIX"), _("KIND"), _("DESCRIPTION"), _("SERIES:LAST")};
  out_t o;
  out_begin(&o, cli, NULL, SERIES_COLS, series_aligns, header);
  for (size_t i = 0; i < l->n_series; i++)
    series_row(&o, l->series[i]);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
    return cli_usage_error(_("--price '%s' is not an amount like 5 or 5.00"), price);
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
    return cli_unexpected(resp, _("an item"));
  out_t o;
  out_begin(&o, cli, _("added item"), ITEM_COLS, item_aligns, NULL);
  item_row(&o, resp->item_add_resp->item);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
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
  const char *header[ITEM_COLS] = {_("ITEM"), _("PRICE"), _("SERIES"), _("REVENUE"), _("NAME")};
  out_t o;
  out_begin(&o, cli, NULL, ITEM_COLS, item_aligns, header);
  for (size_t i = 0; i < l->n_items; i++)
    item_row(&o, l->items[i]);
  rc = out_end(&o);
  till__v1__envelope__free_unpacked(resp, NULL);
  return rc;
}
