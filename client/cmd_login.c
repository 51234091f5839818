/* cmd_login.c -- till login USER, till logout, till whoami: the session a
 * terminal keeps between invocations (session.c saves it). Three groups of
 * one command each, in one file since they share the session printer. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "session.h"

static void
print_session(cli_t *cli, const Till__V1__SessionInfo *si)
{
  char exp[32];
  int roles[4];
  size_t n = si->n_roles > 4 ? 4 : si->n_roles;
  for (size_t i = 0; i < n; i++)
    roles[i] = (int)si->roles[i];
  if (cli->json) {
    printf("{\"user\":");
    json_str(stdout, si->user);
    printf(",\"roles\":");
    json_roles(stdout, roles, n);
    printf(",\"terminal\":");
    json_str(stdout, si->terminal_id);
    printf(",\"expires_at\":%lld}\n", (long long)si->expires_at);
    return;
  }
  fmt_time(si->expires_at, exp, sizeof exp);
  char role_list[256] = "";
  size_t used = 0;
  for (size_t i = 0; i < n && used < sizeof role_list; i++) {
    int w = snprintf(role_list + used, sizeof role_list - used, "%s%s", i ? _(",") : "",
                     print_role(roles[i]));
    used += w > 0 ? (size_t)w : 0;
  }
  /* the labels in a column as wide as the widest, two cells before the values */
  const char *labels[] = {_("user"), _("roles"), _("terminal"), _("expires")};
  const char *values[] = {si->user, role_list, si->terminal_id, exp};
  int cells = 0;
  for (size_t i = 0; i < 4; i++)
    if (layout_width(labels[i]) > cells)
      cells = layout_width(labels[i]);
  for (size_t i = 0; i < 4; i++) {
    layout_left(stdout, labels[i], cells + 2);
    printf("%s\n", values[i]);
  }
}

int
cmd_login(cli_t *cli)
{
  const char *user = cli_arg(cli, 1);
  char pw[256], err[512];
  int rc;
  if (!user)
    return commands_usage_error(cli);
  if (cli_read_secret("TILL_PASSWORD", _("password: "), pw, sizeof pw) != 0)
    return cli_usage_error(_("no password given (TILL_PASSWORD or a line on stdin)"));
  Till__V1__LoginRequest lr = TILL__V1__LOGIN_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  lr.user = (char *)user;
  lr.password = pw;
  req.body_case = TILL__V1__ENVELOPE__BODY_LOGIN_REQ;
  req.login_req = &lr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 0, TILL__V1__ENVELOPE__BODY_LOGIN_RESP, &rc);
  memset(pw, 0, sizeof pw);
  if (!resp)
    return rc;
  if (!resp->login_resp->session)
    return cli_unexpected(resp, _("a session"));
  const Till__V1__LoginResponse *l = resp->login_resp;
  session_t s;
  memset(&s, 0, sizeof s);
  snprintf(s.server, sizeof s.server, "%s", cli->cfg.server);
  snprintf(s.user, sizeof s.user, "%s", l->session->user);
  snprintf(s.terminal, sizeof s.terminal, "%s", l->session->terminal_id);
  snprintf(s.token, sizeof s.token, "%s", l->token);
  s.expires = l->session->expires_at;
  if (session_save(cli->cfg.session_file, &s, err, sizeof err) != 0) {
    fprintf(stderr, _("till: logged in, but cannot save the session: %s\n"), err);
    till__v1__envelope__free_unpacked(resp, NULL);
    return 1;
  }
  if (!cli->json)
    printf("%s\n", _("logged in"));
  print_session(cli, l->session);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}

int
cmd_logout(cli_t *cli)
{
  int rc;
  Till__V1__LogoutRequest lr = TILL__V1__LOGOUT_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.body_case = TILL__V1__ENVELOPE__BODY_LOGOUT_REQ;
  req.logout_req = &lr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_LOGOUT_RESP, &rc);
  /* the local token goes either way: a dead session is no use */
  session_remove(cli->cfg.session_file);
  if (!resp)
    return rc;
  till__v1__envelope__free_unpacked(resp, NULL);
  if (cli->json)
    printf("{\"logged_out\":true}\n");
  else
    printf("%s\n", _("logged out"));
  return 0;
}

int
cmd_whoami(cli_t *cli)
{
  int rc;
  Till__V1__WhoamiRequest wr = TILL__V1__WHOAMI_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  req.body_case = TILL__V1__ENVELOPE__BODY_WHOAMI_REQ;
  req.whoami_req = &wr;
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_WHOAMI_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->whoami_resp->session)
    return cli_unexpected(resp, _("a session"));
  print_session(cli, resp->whoami_resp->session);
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
