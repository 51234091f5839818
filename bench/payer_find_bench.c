/* payer_find_bench.c -- payer find over many payers: seeds a scratch
 * database through the real schema (every step of server/net/schema.c,
 * store_open_rw; the payers' find triggers fill the FTS5 and gram
 * indexes) and times payer find's own two statements (payer_find_sql_fts,
 * payer_find_sql_grams), in process: not through tilld, so TLS, framing and
 * the worker queue are not in the figure. docs/benchmarks.md ("Billing:
 * payer find").
 *
 *   till-payer-find-bench DB PAYERS FINDS
 *
 * Finds cycle through: a unit fragment ("3-2-11"), a phone's last 4
 * digits, a whole owner's name (3 characters), a 2-character given name,
 * a 1-character surname; each answers at most 51 rows as the handler asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payer.h"
#include "schema.h"
#include "store.h"
#include "till_util.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平"};

static int
cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static int
seed(store_conn_t *sc, long n)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(sc->db,
                         "INSERT INTO payers(complex, unit, owner, phone, area_centi, occupancy,"
                         " created_at, created_by) VALUES (?,?,?,?,?,?,0,'bench')",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  if (store_exec(sc->db, "BEGIN", "seed") != 0)
    return -1;
  for (long i = 0; i < n; i++) {
    char complex[32], unit[32], owner[64], phone[16];
    snprintf(complex, sizeof complex, "小区%ld", i / 4800);
    snprintf(unit, sizeof unit, "%ld-%ld-%ld%02ld", (i / 400) % 12 + 1, (i / 100) % 4 + 1,
             (i / 4) % 25 + 1, i % 4 + 1);
    snprintf(owner, sizeof owner, "%s%s%s", surnames[i % 10], given[(i / 10) % 20],
             given[(i / 200) % 20]);
    snprintf(phone, sizeof phone, "139%08ld", (i * 7919) % 100000000);
    sqlite3_bind_text(st, 1, complex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, owner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, phone, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, 5000 + i % 10000);
    sqlite3_bind_text(st, 6, "occupied", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      fprintf(stderr, "seed: %s\n", sqlite3_errmsg(sc->db));
      sqlite3_finalize(st);
      return -1;
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return store_exec(sc->db, "COMMIT", "seed");
}

int
main(int argc, char **argv)
{
  char err[256];
  if (argc != 4) {
    fprintf(stderr, "usage: till-payer-find-bench DB PAYERS FINDS\n");
    return 2;
  }
  long n = atol(argv[2]), finds = atol(argv[3]);
  if (n < 1000 || finds < 1 || finds > 1000000)
    return 2;
  store_conn_t *sc = store_open_rw(argv[1], "normal", schema_all(), err, sizeof err);
  if (!sc) {
    fprintf(stderr, "open: %s\n", err);
    return 1;
  }
  int64_t t0 = till_mono_ms();
  if (seed(sc, n) != 0)
    return 1;
  printf("seeded %ld payers in %.1f s\n", n, (double)(till_mono_ms() - t0) / 1000.0);
  int64_t *us = malloc((size_t)finds * sizeof *us);
  if (!us)
    return 1;
  long rows = 0;
  for (long k = 0; k < finds; k++) {
    char text[64], phrase[160];
    long i = (k * 104729) % n;
    switch (k % 5) {
    case 0: snprintf(text, sizeof text, "%ld-%ld-%ld", (i / 400) % 12 + 1, (i / 100) % 4 + 1, (i / 4) % 25 + 1); break;
    case 1: snprintf(text, sizeof text, "%04ld", ((i * 7919) % 100000000) % 10000); break;
    case 2: snprintf(text, sizeof text, "%s%s%s", surnames[i % 10], given[(i / 10) % 20], given[(i / 200) % 20]); break;
    case 3: snprintf(text, sizeof text, "%s%s", given[(i / 10) % 20], given[(i / 200) % 20]); break;
    default: snprintf(text, sizeof text, "%s", surnames[i % 10]); break;
    }
    int fts = k % 5 < 3;
    int64_t a = till_mono_us();
    sqlite3_stmt *st = store_stmt(sc, fts ? payer_find_sql_fts : payer_find_sql_grams);
    if (!st)
      return 1;
    if (fts) {
      payer_find_phrase(text, phrase, sizeof phrase);
      sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
    } else {
      sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(st, 2, PAYER_FIND_MAX + 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      rows++;
    sqlite3_reset(st);
    us[k] = till_mono_us() - a;
    if (rc != SQLITE_DONE)
      return 1;
  }
  qsort(us, (size_t)finds, sizeof *us, cmp_i64);
  printf("%ld finds, %ld rows: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", finds, rows,
         us[finds / 2] / 1000.0, us[finds * 99 / 100] / 1000.0, us[finds - 1] / 1000.0);
  free(us);
  store_close(sc);
  return 0;
}
