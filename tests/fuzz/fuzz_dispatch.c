/* fuzz_dispatch.c -- envelope decoding and request dispatch against a real
 * temporary database. Each input is one envelope; if it carries no session,
 * a valid one (user "fuzz", every role, terminal T-FUZZ with an open shift)
 * is put in, so fuzzed requests reach the handlers and the ledger rather
 * than stopping at the session check. Each request runs the way the worker
 * runs it: reader phase, writer phase in a SAVEPOINT, rollback on error,
 * then the response is packed.
 *
 * TILL_FUZZ_TRACE=1 prints each input's body and status, to check that the
 * seeds reach the handlers rather than their first check.
 *
 * Login and user add are skipped: their scrypt cost (0.1 s) would make
 * fuzzing crawl, and their input checks are covered by the integration tests. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "auth.h"
#include "config.h"
#include "dispatch.h"
#include "store.h"
#include "schema.h"
#include "till_log.h"

static store_conn_t *g_sc;
static config_t g_cfg;
static char g_token[65];
static int g_trace; /* TILL_FUZZ_TRACE=1: each input's status on stderr (to check seeds) */

static void
die(const char *what)
{
  fprintf(stderr, "fuzz_dispatch: %s\n", what);
  abort();
}

static void
setup(void)
{
  char err[512], dir[] = "/tmp/till-fuzz-XXXXXX";
  uint8_t raw[32], th[SHA256_DIGEST_LENGTH];
  int64_t uid;
  till_log_set_level(LOG_ERR);
  g_trace = getenv("TILL_FUZZ_TRACE") != NULL;
  if (!mkdtemp(dir))
    die("mkdtemp");
  config_defaults(&g_cfg);
  snprintf(g_cfg.db, sizeof g_cfg.db, "%s/fuzz.db", dir);
  snprintf(g_cfg.signing_key, sizeof g_cfg.signing_key, "%s/signing-key.pem", dir);
  g_cfg.max_frame = 1024 * 1024;
  /* durability is not under test here; speed is */
  snprintf(g_cfg.sync_mode, sizeof g_cfg.sync_mode, "normal");
  if (!(g_sc = store_open_rw(g_cfg.db, g_cfg.sync_mode, schema_all(), err, sizeof err)))
    die(err);
  dispatch_init(&g_cfg);
  if (dispatch_writer_open(g_sc, err, sizeof err) != 0)
    die(err);
  if (auth_terminal_create(g_sc, "T-FUZZ", "fuzz") != TILL_OK ||
      auth_user_create(g_sc, "fuzz", "fuzz-pw", 0x1e, &uid) != TILL_OK)
    die("seeding users");
  memset(raw, 0x11, sizeof raw);
  SHA256(raw, sizeof raw, th);
  for (int i = 0; i < 32; i++)
    snprintf(g_token + 2 * i, 3, "%02x", raw[i]);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(g_sc->db,
                         "INSERT INTO sessions(token_hash, user_id, terminal_id, created_at,"
                         " expires_at) VALUES (?, ?, 'T-FUZZ', 0, 9000000000)",
                         -1, &st, NULL) != SQLITE_OK)
    die("preparing session");
  sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, uid);
  if (sqlite3_step(st) != SQLITE_DONE)
    die("inserting session");
  sqlite3_finalize(st);
  if (store_exec(g_sc->db,
                 "INSERT INTO series(prefix, kind, created_at) VALUES ('HT', 'receipt', 0);"
                 "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account,"
                 " created_at) VALUES ('PARK', 'Parking', 500, 'HT', 'revenue:PARK', 0);"
                 "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount,"
                 " business_date) VALUES ('T-FUZZ', 'fuzz', 0, 0, '2026-01-01');"
                 /* billing takes payments in a series of kind billing; the
                  * toll seeds find two stations, a tariff, and T-FUZZ as an
                  * exit lane, so they reach pricing and posting */
                 "INSERT INTO series(prefix, kind, created_at) VALUES ('JF', 'billing', 0);"
                 "INSERT INTO series(prefix, kind, created_at) VALUES ('TL', 'toll', 0);"
                 "INSERT INTO toll_stations(code, name, series, created_at, created_by)"
                 " VALUES ('S01', 'east', 'TL', 0, 'fuzz'), ('S02', 'west', 'TL', 0, 'fuzz');"
                 "INSERT INTO toll_distances(entry, exit, meters, set_at, set_by)"
                 " VALUES ('S01', 'S02', 42300, 0, 'fuzz'), ('S02', 'S01', 42300, 0, 'fuzz');"
                 "INSERT INTO toll_tariffs(version, effective_at, min_fee, axle_rate_e4, card_fee,"
                 " card_hours, created_at, created_by) VALUES (1, 0, 500, 1000, 2000, 24, 0, 'fuzz');"
                 "INSERT INTO toll_rates(version, class, rate_e4) VALUES (1, 'p1', 5000),"
                 " (1, 't2', 9000), (1, 't6', 20000);"
                 "INSERT INTO toll_lanes(terminal_id, station, direction, set_at, set_by)"
                 " VALUES ('T-FUZZ', 'S02', 'exit', 0, 'fuzz');",
                 "seeding catalogue") != 0)
    die("seeding catalogue");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!g_sc)
    setup();
  Till__V1__Envelope *env = till__v1__envelope__unpack(NULL, size, data);
  if (!env)
    return 0;
  const handler_t *h = dispatch_find_handler(env->body_case);
  if (!h || env->body_case == TILL__V1__ENVELOPE__BODY_LOGIN_REQ ||
      env->body_case == TILL__V1__ENVELOPE__BODY_USER_ADD_REQ) {
    till__v1__envelope__free_unpacked(env, NULL);
    return 0;
  }
  req_t *r = req_new(NULL, "T-FUZZ", dispatch_ctx());
  if (!r)
    abort();
  char *their_session = env->session;
  if (!their_session || !their_session[0])
    env->session = g_token;
  r->env = env;
  r->id = env->request_id;
  r->h = h;
  if (store_exec(g_sc->db, "BEGIN IMMEDIATE", "fuzz begin") != 0 ||
      store_exec(g_sc->db, "SAVEPOINT req", "fuzz savepoint") != 0)
    abort();
  work_queue_t next = dispatch_run(r, g_sc, h->read_fn ? WORK_READER : WORK_WRITER);
  if (next == WORK_WRITER)
    dispatch_run(r, g_sc, WORK_WRITER);
  if (r->status != TILL_OK && !r->keep_writes) {
    store_exec(g_sc->db, "ROLLBACK TO req", "fuzz rollback");
    dispatch_rolled_back(g_sc);
  }
  if (store_exec(g_sc->db, "RELEASE req", "fuzz release") != 0 ||
      store_exec(g_sc->db, "COMMIT", "fuzz commit") != 0)
    abort();
  if (g_trace)
    fprintf(stderr, "fuzz_dispatch: body %d -> status %d %s\n", (int)env->body_case, (int)r->status,
            r->status == TILL_OK ? "" : r->errmsg);
  dispatch_pack(r);
  if (r->status == TILL_OK && r->h->resp_case != TILL__V1__ENVELOPE__BODY__NOT_SET && !r->out)
    abort(); /* an answer was promised and none was packed */
  env->session = their_session; /* the unpacked message frees its own */
  req_free(r);
  /* a fuzzed logout ends the shared session: revive it for the next input */
  if (store_exec(g_sc->db, "UPDATE sessions SET ended_at = NULL", "fuzz session") != 0)
    abort();
  return 0;
}
