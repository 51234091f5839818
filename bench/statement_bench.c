/* statement_bench.c -- till-bench-statement: how long `till payer
 * statement` takes the server, end to end over one mutual-TLS connection:
 * M StatementRequests for one payer, one at a time, each timed from the
 * write to the whole answer read. Prints the answer's size (charges,
 * settlements, years) and the latency's p50, p99 and max in ms.
 * bench/statement.sh builds the payer's ten seasons of history and runs it
 * (docs/benchmarks.md, "Billing: statement").
 *
 *   till-bench-statement --server HOST:PORT --ca F --cert F --key F
 *                        --token T --payer N [--count M] [--as-of DATE]
 * exit 0 when every answer was a statement; 1 otherwise; 2 usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "till_util.h"

#define COUNT_MAX 100000

static int
cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int
usage(void)
{
  fprintf(stderr, "usage: till-bench-statement --server HOST:PORT --ca F --cert F --key F\n"
                  "                            --token T --payer N [--count M] [--as-of DATE]\n"
                  "  M: 1..%d statements (default 1000)\n", COUNT_MAX);
  return 2;
}

int
main(int argc, char **argv)
{
  client_cfg_t cc;
  memset(&cc, 0, sizeof cc);
  cc.timeout = 30;
  cc.max_frame = 1u << 20;
  const char *token = NULL, *as_of = "";
  int64_t payer = 0, count = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (strcmp(k, "--server") == 0)
      snprintf(cc.server, sizeof cc.server, "%s", v);
    else if (strcmp(k, "--ca") == 0)
      snprintf(cc.ca, sizeof cc.ca, "%s", v);
    else if (strcmp(k, "--cert") == 0)
      snprintf(cc.cert, sizeof cc.cert, "%s", v);
    else if (strcmp(k, "--key") == 0)
      snprintf(cc.key, sizeof cc.key, "%s", v);
    else if (strcmp(k, "--token") == 0)
      token = v;
    else if (strcmp(k, "--as-of") == 0)
      as_of = v;
    else if (strcmp(k, "--payer") == 0 && till_parse_i64(v, 1, INT64_MAX, &payer) == 0)
      continue;
    else if (strcmp(k, "--count") == 0 && till_parse_i64(v, 1, COUNT_MAX, &count) == 0)
      continue;
    else
      return usage();
  }
  if (argc % 2 != 1 || !cc.server[0] || !cc.ca[0] || !cc.cert[0] || !cc.key[0] || !token ||
      !payer)
    return usage();
  char err[256];
  cconn_t *c = cconn_open(&cc, err, sizeof err);
  if (!c) {
    fprintf(stderr, "till-bench-statement: %s\n", err);
    return 1;
  }
  int64_t *us = malloc((size_t)count * sizeof *us);
  if (!us) {
    cconn_close(c);
    return 1;
  }
  Till__V1__StatementRequest sr = TILL__V1__STATEMENT_REQUEST__INIT;
  sr.payer_id = payer;
  sr.as_of = (char *)as_of;
  size_t charges = 0, settlements = 0, years = 0;
  int rc = 0;
  for (int64_t i = 0; i < count && rc == 0; i++) {
    Till__V1__Envelope req = TILL__V1__ENVELOPE__INIT;
    req.request_id = (uint64_t)i + 1;
    req.session = (char *)token;
    req.body_case = TILL__V1__ENVELOPE__BODY_STATEMENT_REQ;
    req.statement_req = &sr;
    int64_t t0 = till_mono_us();
    Till__V1__Envelope *resp = cconn_call(c, &req, err, sizeof err);
    us[i] = till_mono_us() - t0;
    if (!resp || resp->body_case != TILL__V1__ENVELOPE__BODY_STATEMENT_RESP) {
      fprintf(stderr, "till-bench-statement: request %lld: %s\n", (long long)i + 1,
              resp && resp->error ? resp->error->message : err);
      rc = 1;
    } else {
      charges = resp->statement_resp->n_charges;
      settlements = resp->statement_resp->n_settlements;
      years = resp->statement_resp->n_years;
    }
    if (resp)
      till__v1__envelope__free_unpacked(resp, NULL);
  }
  cconn_close(c);
  if (rc == 0) {
    qsort(us, (size_t)count, sizeof *us, cmp_i64);
    int64_t p50 = us[(count - 1) / 2], p99 = us[(count * 99 + 99) / 100 - 1], max = us[count - 1];
    printf("statements %lld of payer %lld: %zu charges, %zu settlements, %zu years\n",
           (long long)count, (long long)payer, charges, settlements, years);
    printf("latency ms: p50 %.3f  p99 %.3f  max %.3f\n", p50 / 1000.0, p99 / 1000.0,
           max / 1000.0);
  }
  free(us);
  return rc;
}
