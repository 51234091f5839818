/* cmd_audit_events.c -- till audit events [--kind K] [--since DATE] [--limit N]
 *
 * The server's security events, oldest first (docs/operations.md,
 * "Security events"): logins and lock-outs, refusals, user and terminal
 * administration, a failed start-up check, a rotation of the signing key.
 * Paged by event id; at most --limit events (100 by default), and a note
 * on stderr when more follow. --json keeps the wire's names and the
 * server's English details. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "json_out.h"
#include "layout.h"
#include "print.h"
#include "till_util.h"

#define EVENTS_PAGE 1000
#define EVENTS_LIMIT_MAX 100000

int
cmd_audit_events(cli_t *cli)
{
  int64_t since_ms = 0, limit = 100;
  const char *kind = cli_opt(cli, "--kind"), *lim = cli_opt(cli, "--limit");
  int rc = cli_date_opt(cli, "--since", 0, &since_ms);
  if (rc != 0)
    return rc;
  if (lim && till_parse_i64(lim, 1, EVENTS_LIMIT_MAX, &limit) != 0)
    return cli_usage_error(_("--limit must be a number from 1 to %d"), EVENTS_LIMIT_MAX);
  layout_table_t *t = cli->json ? NULL : layout_table_new(6, "rlllll");
  int built = cli->json || (t && layout_table_add(t, _("ID"), _("TIME"), _("KIND"), _("USER"),
                                                  _("TERMINAL"), _("DETAIL")) == 0);
  int64_t after = 0, shown = 0;
  int more = 1;
  if (cli->json)
    printf("{\"events\":[");
  /* bounded: each page advances 'after', and at most limit events are shown */
  while (more && shown < limit) {
    Till__V1__AuditEventsRequest er = TILL__V1__AUDIT_EVENTS_REQUEST__INIT;
    Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
    er.kind = (char *)(kind ? kind : "");
    er.since = since_ms / 1000;
    er.after_id = after;
    er.limit = limit - shown < EVENTS_PAGE ? (uint32_t)(limit - shown) : EVENTS_PAGE;
    req.body_case = TILL__V1__ENVELOPE__BODY_AUDIT_EVENTS_REQ;
    req.audit_events_req = &er;
    Till__V1__Envelope *resp =
      cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_AUDIT_EVENTS_RESP, &rc);
    if (!resp) {
      layout_table_free(t);
      return rc;
    }
    const Till__V1__AuditEventsResponse *a = resp->audit_events_resp;
    more = a->more;
    for (size_t i = 0; i < a->n_events; i++) {
      const Till__V1__SecurityEvent *e = a->events[i];
      if (e->id <= after) { /* the server's pages must advance */
        more = 0;
        break;
      }
      after = e->id;
      shown++;
      if (cli->json) {
        printf("%s{\"id\":%lld,\"at\":%lld,\"kind\":", shown > 1 ? "," : "", (long long)e->id,
               (long long)e->at);
        json_str(stdout, e->kind);
        printf(",\"user\":");
        json_str(stdout, e->user);
        printf(",\"terminal\":");
        json_str(stdout, e->terminal);
        printf(",\"detail\":");
        json_str(stdout, e->detail);
        printf("}");
        continue;
      }
      char id[24], when[32];
      snprintf(id, sizeof id, "%lld", (long long)e->id);
      fmt_time(e->at, when, sizeof when);
      if (built && layout_table_add(t, id, when, e->kind, e->user[0] ? e->user : "-",
                                    e->terminal[0] ? e->terminal : "-", e->detail) != 0)
        built = 0;
    }
    if (a->n_events == 0)
      more = 0;
    till__v1__envelope__free_unpacked(resp, NULL);
  }
  if (cli->json) {
    printf("],\"more\":%s}\n", more ? "true" : "false");
    return 0;
  }
  if (print_table(t, built, "") != 0)
    return print_out_of_memory();
  printf(_("%lld security events\n"), (long long)shown);
  if (more)
    fprintf(stderr, "%s", _("till: more events follow; raise --limit or narrow with --since or --kind\n"));
  return 0;
}
