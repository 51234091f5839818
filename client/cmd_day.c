/* cmd_day.c -- till day close --date YYYY-MM-DD: a supervisor closes the
 * day, and the server signs the chain head that ends it. Also the JSON form
 * of a signed head, which till report daily shows for a closed day
 * (cmd_day.h). */
#include "cmd_day.h"

#include <stdio.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "json_out.h"
#include "print.h"
#include "till_util.h"

static void
hex_field(const char *key, ProtobufCBinaryData b)
{
  char hex[2 * 64 + 1] = "";
  if (b.len <= 64)
    till_hex_encode(b.data, b.len, hex);
  printf(",\"%s\":\"%s\"", key, hex);
}

void
cmd_day_signature_json(const Till__V1__ChainSignature *s)
{
  if (!s) {
    printf("null");
    return;
  }
  printf("{\"txn_id\":%lld", (long long)s->txn_id);
  hex_field("head_hash", s->head_hash);
  printf(",\"at_ms\":%lld,\"reason\":", (long long)s->at_ms);
  json_str(stdout, s->reason);
  hex_field("signature", s->signature);
  printf("}");
}

int
cmd_day_close(cli_t *cli)
{
  Till__V1__DayCloseRequest dc = TILL__V1__DAY_CLOSE_REQUEST__INIT;
  Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
  const char *date = cli_opt(cli, "--date");
  if (!date || cli_arg(cli, 2))
    return commands_usage_error(cli);
  dc.date = (char *)date;
  req.body_case = TILL__V1__ENVELOPE__BODY_DAY_CLOSE_REQ;
  req.day_close_req = &dc;
  int rc;
  /* no idempotency key: closing a closed day answers the first close */
  Till__V1__Envelope *resp = cli_call_expect(cli, &req, 1, TILL__V1__ENVELOPE__BODY_DAY_CLOSE_RESP, &rc);
  if (!resp)
    return rc;
  if (!resp->day_close_resp->signature)
    return cli_unexpected(resp, "a signature");
  const Till__V1__DayCloseResponse *c = resp->day_close_resp;
  if (cli->json) {
    printf("{\"date\":");
    json_str(stdout, c->date);
    printf(",\"closed_by\":");
    json_str(stdout, c->closed_by);
    printf(",\"closed_at\":%lld,\"signature\":", (long long)c->closed_at);
    cmd_day_signature_json(c->signature);
    printf(",\"replayed\":%s}\n", c->replayed ? "true" : "false");
  } else {
    char when[32], hex[2 * 32 + 1] = "";
    fmt_time(c->closed_at, when, sizeof when);
    if (c->signature->head_hash.len == 32)
      till_hex_encode(c->signature->head_hash.data, 32, hex);
    printf("day %s %sclosed by %s at %s\n", c->date, c->replayed ? "was already " : "",
           c->closed_by, when);
    printf("signed chain head %lld (%s), hash %s\n", (long long)c->signature->txn_id,
           c->signature->reason, hex);
  }
  till__v1__envelope__free_unpacked(resp, NULL);
  return 0;
}
