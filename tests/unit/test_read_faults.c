/* test_read_faults.c -- no silent partial answers (issue 17, item 4): a
 * read that fails part-way through a list or a report must end in an error
 * answer, never in a shorter list or a report with figures missing.
 *
 * The failure is SQLite's own kind: a shim VFS, registered as the default
 * before any connection is opened, wraps the real default VFS and counts
 * every xRead; once armed it fails read number <fail_at> with
 * SQLITE_IOERR_READ (once). Nothing in production code knows about it.
 *
 * The database (a temporary directory) holds a supervisor's open shift with
 * SALES sales posted through the engine (ledger_shift_open, ledger_post_sale,
 * as test_ledger.c does) and EXTRA_ITEMS fee items inserted with SQL, so the
 * queries span many pages. Each request is driven the way fuzz_dispatch.c
 * drives one (req_new, a packed and unpacked envelope with a session,
 * dispatch_run on the reader phase, dispatch_pack) on a read-only connection
 * (store_open_ro) opened afresh for each run, so its page cache is cold and
 * every page the handler needs is read through the shim.
 *
 * For each of the X-report (ShiftStatusRequest on the open shift), the item
 * list (ItemListRequest), the daily report (DailyReportRequest) and the day
 * status (DayStatusRequest):
 *   - a clean run answers TILL_OK with the full figures, computed here from
 *     what was posted, and counts the reads it makes (N);
 *   - a run failing read N/2 -- rows have been read by then -- answers an
 *     Error envelope: status != TILL_OK, no response body;
 *   - and so does a run failing at each read 1..N in turn (SQLite's
 *     fault-injection habit: no point of failure may turn into "ok").
 * Each faulty run also checks that the fault was reached.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "auth.h"
#include "config.h"
#include "dispatch.h"
#include "ledger.h"
#include "schema.h"
#include "store.h"
#include "testkit.h"
#include "till_frame.h"
#include "till_log.h"
#include "till_util.h"

#define SALES 400
#define EXTRA_ITEMS 2000
#define FLOAT_NOTES 10 /* of the largest denomination */
#define TERMINAL "T-LANE-01"
#define USER "sup"
#define MEMO_LEN 150 /* long memos: more journal pages to read */

/* ---- the shim VFS ------------------------------------------------------------ */

static sqlite3_vfs *g_real;
static sqlite3_vfs g_shim;
static long g_reads;   /* xRead calls since the last arm() */
static long g_fail_at; /* fail this read (1-based); 0: never */
static int g_failed;   /* the armed read was failed */

typedef struct {
  sqlite3_file base;
  sqlite3_file *real; /* follows this struct in the same allocation */
} shim_file_t;

static sqlite3_file *
real_of(sqlite3_file *f)
{
  return ((shim_file_t *)f)->real;
}

static int
shim_close(sqlite3_file *f)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
  if (++g_reads == g_fail_at) {
    g_failed = 1;
    return SQLITE_IOERR_READ;
  }
  sqlite3_file *r = real_of(f);
  return r->pMethods->xRead(r, buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xWrite(r, buf, n, off);
}

static int
shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xTruncate(r, size);
}

static int
shim_sync(sqlite3_file *f, int flags)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xSync(r, flags);
}

static int
shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xFileSize(r, size);
}

static int
shim_lock(sqlite3_file *f, int lock)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xLock(r, lock);
}

static int
shim_unlock(sqlite3_file *f, int lock)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xUnlock(r, lock);
}

static int
shim_check_reserved(sqlite3_file *f, int *out)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xCheckReservedLock(r, out);
}

static int
shim_file_control(sqlite3_file *f, int op, void *arg)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xFileControl(r, op, arg);
}

static int
shim_sector_size(sqlite3_file *f)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xSectorSize(r);
}

static int
shim_device_characteristics(sqlite3_file *f)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xDeviceCharacteristics(r);
}

static int
shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xShmMap(r, pg, pgsz, extend, pp);
}

static int
shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xShmLock(r, offset, n, flags);
}

static void
shim_shm_barrier(sqlite3_file *f)
{
  sqlite3_file *r = real_of(f);
  r->pMethods->xShmBarrier(r);
}

static int
shim_shm_unmap(sqlite3_file *f, int del)
{
  sqlite3_file *r = real_of(f);
  return r->pMethods->xShmUnmap(r, del);
}

/* Version 2: shared memory for WAL, but no xFetch, so SQLite never maps the
 * file and every page it needs goes through xRead. */
static const sqlite3_io_methods shim_io = {
  2,
  shim_close,
  shim_read,
  shim_write,
  shim_truncate,
  shim_sync,
  shim_file_size,
  shim_lock,
  shim_unlock,
  shim_check_reserved,
  shim_file_control,
  shim_sector_size,
  shim_device_characteristics,
  shim_shm_map,
  shim_shm_lock,
  shim_shm_barrier,
  shim_shm_unmap,
  NULL,
  NULL,
};

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
  (void)vfs;
  shim_file_t *sf = (shim_file_t *)f;
  sf->real = (sqlite3_file *)(sf + 1);
  memset(sf->real, 0, (size_t)g_real->szOsFile);
  int rc = g_real->xOpen(g_real, name, sf->real, flags, out_flags);
  /* SQLite calls xClose whenever pMethods is set, even after a failure */
  sf->base.pMethods = sf->real->pMethods ? &shim_io : NULL;
  return rc;
}

static void
shim_register(void)
{
  g_real = sqlite3_vfs_find(NULL);
  assert_non_null(g_real);
  g_shim = *g_real;
  g_shim.zName = "till-read-faults";
  g_shim.szOsFile = (int)sizeof(shim_file_t) + g_real->szOsFile;
  g_shim.pNext = NULL;
  g_shim.xOpen = shim_open;
  assert_int_equal(sqlite3_vfs_register(&g_shim, 1), SQLITE_OK);
}

/* Count reads from now on, failing read <fail_at> (0: none). */
static void
arm(long fail_at)
{
  g_reads = 0;
  g_fail_at = fail_at;
  g_failed = 0;
}

/* ---- the world ----------------------------------------------------------------- */

typedef struct {
  char dir[CONFIG_PATH_MAX / 2]; /* room for a file name after it */
  char date[11];          /* the day the sales were posted, local time */
  config_t cfg;
  store_conn_t *wr;       /* the writer's connection */
  char token[65];
  int64_t shift_id;
  /* what was posted, for the figures expected */
  int64_t float_amount;
  int64_t cash_n, cash_amount, card_n, card_amount;
  int64_t qty[2], amount[2]; /* by item: PARK1H, PARK2H */
} world_t;

static world_t W;

static const char SEED_SQL[] =
  "INSERT INTO series(prefix, kind, description, created_at) VALUES ('HT', 'receipt', 'test', 0);"
  "INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " VALUES ('PARK1H', 'Parking 1 h', 500, 'HT', 'revenue:PARK1H', 0),"
  "        ('PARK2H', 'Parking 2 h', 800, 'HT', 'revenue:PARK2H', 0);"
  /* many items, long names: the item list spans pages */
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
  " INSERT INTO fee_items(code, name, unit_price, series_prefix, revenue_account, created_at)"
  " SELECT printf('X%05d', i), printf('Extra item %05d %s', i, hex(zeroblob(40))), 100 + i,"
  "        'HT', printf('revenue:X%05d', i), 0 FROM n;";

static const int64_t PRICE[2] = {500, 800};
static const char *const ITEM[2] = {"PARK1H", "PARK2H"};

static void
exec_ok(sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    char copy[256];
    snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
    sqlite3_free(msg);
    fail_msg("%.60s: %s", sql, copy);
  }
}

static void
key_of(uint8_t key[TILL_KEY_LEN], unsigned n)
{
  memset(key, 0x5a, TILL_KEY_LEN);
  key[0] = (uint8_t)(n >> 8);
  key[1] = (uint8_t)n;
  key[2] = 0x01;
}

static void
add_session(void)
{
  uint8_t raw[32], th[SHA256_DIGEST_LENGTH];
  int64_t uid;
  assert_int_equal(auth_terminal_create(W.wr, TERMINAL, "lane 1"), TILL_OK);
  /* every role: the supervisor sees the expected amounts of an open shift */
  assert_int_equal(auth_user_create(W.wr, USER, "sup-password-1", 0x1e, &uid), TILL_OK);
  memset(raw, 0x22, sizeof raw);
  SHA256(raw, sizeof raw, th);
  for (int i = 0; i < 32; i++)
    snprintf(W.token + 2 * i, 3, "%02x", raw[i]);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(W.wr->db,
                                      "INSERT INTO sessions(token_hash, user_id, terminal_id,"
                                      " created_at, expires_at) VALUES (?, ?, ?, 0, 9000000000)",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_blob(st, 1, th, sizeof th, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, uid);
  sqlite3_bind_text(st, 3, TERMINAL, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
}

/* The shift and its sales, in one transaction of one savepoint a posting,
 * as the writer's group commit runs them. */
static void
post_all(void)
{
  ledger_t *lg = dispatch_ctx()->ledger;
  char err[256];
  post_result_t res;
  denoms_t denoms = {{0}, 0};
  for (size_t i = 0; i < W.cfg.n_denominations && i < LEDGER_MAX_DENOMS; i++)
    denoms.face[denoms.n++] = W.cfg.denominations[i];
  exec_ok(W.wr->db, "BEGIN IMMEDIATE");
  shift_open_t so;
  memset(&so, 0, sizeof so);
  key_of(so.key, 0);
  so.terminal = TERMINAL;
  so.cashier = USER;
  so.n_counts = 1;
  so.counts[0].face = denoms.face[0];
  so.counts[0].count = FLOAT_NOTES;
  exec_ok(W.wr->db, "SAVEPOINT req");
  if (ledger_shift_open(lg, W.wr, &denoms, &so, &res, err, sizeof err) != TILL_OK)
    fail_msg("opening the shift: %s", err);
  exec_ok(W.wr->db, "RELEASE req");
  W.shift_id = res.ref_id;
  W.float_amount = denoms.face[0] * FLOAT_NOTES;

  char memo[MEMO_LEN + 1];
  memset(memo, 'm', MEMO_LEN);
  memo[MEMO_LEN] = '\0';
  for (unsigned i = 1; i <= SALES; i++) {
    sale_req_t s;
    memset(&s, 0, sizeof s);
    key_of(s.key, i);
    s.terminal = TERMINAL;
    s.cashier = USER;
    s.method = i % 3 == 0 ? TILL_METHOD_CARD : TILL_METHOD_CASH;
    s.memo = memo;
    int item = (int)(i % 2);
    int64_t qty = 1 + i % 4;
    snprintf(s.lines[0].item, sizeof s.lines[0].item, "%s", ITEM[item]);
    s.lines[0].quantity = qty;
    s.n_lines = 1;
    exec_ok(W.wr->db, "SAVEPOINT req");
    if (ledger_post_sale(lg, W.wr, &s, &res, err, sizeof err) != TILL_OK)
      fail_msg("sale %u: %s", i, err);
    exec_ok(W.wr->db, "RELEASE req");
    int64_t amount = qty * PRICE[item];
    W.qty[item] += qty;
    W.amount[item] += amount;
    if (s.method == TILL_METHOD_CARD) {
      W.card_n++;
      W.card_amount += amount;
    } else {
      W.cash_n++;
      W.cash_amount += amount;
    }
  }
  exec_ok(W.wr->db, "COMMIT");
}

static int
world_setup(void **state)
{
  (void)state;
  char err[512];
  till_log_set_level(LOG_ERR); /* the faults below log a warning each */
  shim_register();              /* before any connection: every file goes through it */
  if (testkit_tmpdir("till-test-read-faults", W.dir, sizeof W.dir) != 0)
    return -1;
  config_defaults(&W.cfg);
  snprintf(W.cfg.db, sizeof W.cfg.db, "%s/till.db", W.dir);
  snprintf(W.cfg.signing_key, sizeof W.cfg.signing_key, "%s/signing-key.pem", W.dir);
  snprintf(W.cfg.sync_mode, sizeof W.cfg.sync_mode, "normal");
  W.cfg.max_frame = TILL_FRAME_LIMIT_MAX;
  /* the user (every role) is the shift's own cashier: the blind close
   * would withhold the figures test_x_report checks (test_x_report_blind) */
  W.cfg.blind_close = 0;
  if (!(W.wr = store_open_rw(W.cfg.db, W.cfg.sync_mode, schema_all(), err, sizeof err))) {
    fprintf(stderr, "store_open_rw: %s\n", err);
    return -1;
  }
  dispatch_init(&W.cfg);
  if (dispatch_writer_open(W.wr, err, sizeof err) != 0) {
    fprintf(stderr, "dispatch_writer_open: %s\n", err);
    return -1;
  }
  exec_ok(W.wr->db, SEED_SQL);
  add_session();
  till_local_date(till_now(), W.date);
  post_all();
  char after[11];
  till_local_date(till_now(), after);
  if (strcmp(after, W.date) != 0) {
    fprintf(stderr, "the sales straddle midnight (%s, %s); run again\n", W.date, after);
    return -1;
  }
  return 0;
}

static int
world_teardown(void **state)
{
  (void)state;
  dispatch_writer_close(W.wr);
  store_close(W.wr);
  testkit_rm_tree(W.dir);
  sqlite3_vfs_unregister(&g_shim);
  return 0;
}

/* ---- driving one request ------------------------------------------------------- */

/* What one run answered. */
typedef struct {
  req_t *r;
  Till__V1__Envelope *answer; /* r->out decoded */
  long reads;
  int failed;                 /* the armed read was reached and failed */
} run_t;

/* Run <env> (its session filled in) on a fresh read-only connection, the
 * reader's way: BEGIN, the session check and the handler's read phase,
 * COMMIT; then pack the answer. Reads are counted from the handler's start,
 * failing read <fail_at> (0: none). */
static run_t
run(Till__V1__Envelope *env, long fail_at)
{
  char err[512];
  run_t out = {NULL, NULL, 0, 0};
  env->session = W.token;
  env->request_id = 7;
  size_t n = till__v1__envelope__get_packed_size(env);
  uint8_t *buf = malloc(n ? n : 1);
  assert_non_null(buf);
  till__v1__envelope__pack(env, buf);
  req_t *r = req_new(NULL, TERMINAL, dispatch_ctx());
  assert_non_null(r);
  r->env = till__v1__envelope__unpack(NULL, n, buf);
  free(buf);
  assert_non_null(r->env);
  r->id = r->env->request_id;
  r->h = dispatch_find_handler(r->env->body_case);
  assert_non_null(r->h);
  assert_non_null(r->h->read_fn); /* a read: answered on the reader alone */

  store_conn_t *rd = store_open_ro(W.cfg.db, schema_all(), err, sizeof err);
  if (!rd)
    fail_msg("store_open_ro: %s", err);
  exec_ok(rd->db, "BEGIN");
  arm(fail_at);
  work_queue_t next = dispatch_run(r, rd, WORK_READER);
  out.reads = g_reads;
  out.failed = g_failed;
  arm(0);
  sqlite3_exec(rd->db, "COMMIT", NULL, NULL, NULL);
  store_close(rd);
  assert_int_equal(next, WORK_READER);

  dispatch_pack(r);
  assert_non_null(r->out);
  assert_true(r->out_len > TILL_FRAME_HEADER);
  out.answer = till__v1__envelope__unpack(NULL, r->out_len - TILL_FRAME_HEADER,
                                          r->out + TILL_FRAME_HEADER);
  assert_non_null(out.answer);
  out.r = r;
  return out;
}

static void
run_free(run_t *x)
{
  if (x->answer)
    till__v1__envelope__free_unpacked(x->answer, NULL);
  req_free(x->r);
}

/* The run failed as it must: an Error answer, no body, nothing partial. */
static void
assert_error_answer(const run_t *x, long fail_at, const char *what)
{
  if (!x->failed)
    fail_msg("%s: read %ld of %ld was never made", what, fail_at, x->reads);
  if (x->r->status == TILL_OK || x->answer->body_case != TILL__V1__ENVELOPE__BODY_ERROR)
    fail_msg("%s: read %ld of %ld failed, yet the answer is status %d, body %d "
             "(a partial answer presented as complete)",
             what, fail_at, x->reads, (int)x->r->status, (int)x->answer->body_case);
  assert_int_equal(x->r->resp.body_case, TILL__V1__ENVELOPE__BODY__NOT_SET);
  assert_true(x->answer->error->code != 0);
}

/* Fail read N/2 (rows have been read by then), then every read 1..N; N
 * at least <min_reads> (enough pages that "mid-way" means something). */
static void
assert_every_fault_fails_min(Till__V1__Envelope *env, long n_clean, long min_reads,
                             const char *what)
{
  assert_true(n_clean >= min_reads);
  run_t x = run(env, n_clean / 2);
  assert_error_answer(&x, n_clean / 2, what);
  print_message("%s: clean run %ld reads; failing read %ld answers %s: \"%s\"\n", what, n_clean,
                n_clean / 2, till_status_name(x.r->status), x.r->errmsg);
  run_free(&x);
  for (long k = 1; k <= n_clean; k++) {
    x = run(env, k);
    assert_error_answer(&x, k, what);
    run_free(&x);
  }
  print_message("%s: each of the %ld reads failed in turn: an error answer every time\n", what,
                n_clean);
}

/* The lists and reports over many pages: at least 20 reads. */
static void
assert_every_fault_fails(Till__V1__Envelope *env, long n_clean, const char *what)
{
  assert_every_fault_fails_min(env, n_clean, 20, what);
}

/* ---- the three answers --------------------------------------------------------- */

static const Till__V1__MethodTotal *
method_total(const Till__V1__ShiftReport *rep, Till__V1__PaymentMethod m)
{
  for (size_t i = 0; i < rep->n_methods; i++)
    if (rep->methods[i]->method == m)
      return rep->methods[i];
  fail_msg("no total for method %d", (int)m);
  return NULL;
}

static void
test_x_report(void **state)
{
  (void)state;
  Till__V1__ShiftStatusRequest in = TILL__V1__SHIFT_STATUS_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  in.shift_id = W.shift_id;
  env.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_REQ;
  env.shift_status_req = &in;

  run_t x = run(&env, 0);
  assert_int_equal(x.r->status, TILL_OK);
  assert_int_equal(x.answer->body_case, TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_RESP);
  const Till__V1__ShiftReport *rep = x.answer->shift_status_resp->report;
  assert_non_null(rep);
  assert_int_equal(rep->state, TILL__V1__SHIFT_STATE__SHIFT_OPEN);
  assert_int_equal(rep->receipts, SALES);
  assert_int_equal(rep->voids, 0);
  const Till__V1__MethodTotal *cash = method_total(rep, TILL__V1__PAYMENT_METHOD__METHOD_CASH);
  const Till__V1__MethodTotal *card = method_total(rep, TILL__V1__PAYMENT_METHOD__METHOD_CARD);
  assert_int_equal(cash->sales, W.cash_n);
  assert_int_equal(cash->sales_amount, W.cash_amount);
  assert_int_equal(card->sales, W.card_n);
  assert_int_equal(card->sales_amount, W.card_amount);
  /* the drawer: the float and the cash taken */
  assert_int_equal(rep->expected_cash, W.float_amount + W.cash_amount);
  assert_int_equal(cash->expected, W.float_amount + W.cash_amount);
  assert_int_equal(rep->n_float_count, 1);
  assert_int_equal(rep->n_items, 2);
  for (int i = 0; i < 2; i++) {
    assert_string_equal(rep->items[i]->item, ITEM[i]);
    assert_int_equal(rep->items[i]->quantity, W.qty[i]);
    assert_int_equal(rep->items[i]->amount, W.amount[i]);
  }
  assert_int_equal(rep->n_ranges, 1);
  assert_int_equal(rep->ranges[0]->first_no, 1);
  assert_int_equal(rep->ranges[0]->last_no, SALES);
  assert_int_equal(rep->ranges[0]->count, SALES);
  long n = x.reads;
  run_free(&x);
  assert_every_fault_fails(&env, n, "X-report (ShiftStatusRequest)");
}

/* The same report to its own cashier under the blind close: which shift
 * it is and nothing more -- no amount, count, item or range is packed. */
static void
test_x_report_blind(void **state)
{
  (void)state;
  Till__V1__ShiftStatusRequest in = TILL__V1__SHIFT_STATUS_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  in.shift_id = W.shift_id;
  env.body_case = TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_REQ;
  env.shift_status_req = &in;

  W.cfg.blind_close = 1;
  run_t x = run(&env, 0);
  assert_int_equal(x.r->status, TILL_OK);
  const Till__V1__ShiftReport *rep = x.answer->shift_status_resp->report;
  assert_non_null(rep);
  assert_true(rep->blind);
  assert_int_equal(rep->shift_id, W.shift_id);
  assert_int_equal(rep->state, TILL__V1__SHIFT_STATE__SHIFT_OPEN);
  assert_string_equal(rep->cashier, USER);
  assert_int_equal(rep->float_amount, 0);
  assert_int_equal(rep->expected_cash, 0);
  assert_int_equal(rep->receipts, 0);
  assert_int_equal(rep->voided_amount, 0);
  assert_int_equal(rep->n_methods, 0);
  assert_int_equal(rep->n_items, 0);
  assert_int_equal(rep->n_ranges, 0);
  assert_int_equal(rep->n_float_count, 0);
  assert_int_equal(rep->n_cash_count, 0);
  long n = x.reads;
  run_free(&x);
  assert_every_fault_fails(&env, n, "blind X-report (ShiftStatusRequest)");
  W.cfg.blind_close = 0;
}

static void
test_item_list(void **state)
{
  (void)state;
  Till__V1__ItemListRequest in = TILL__V1__ITEM_LIST_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_ITEM_LIST_REQ;
  env.item_list_req = &in;

  run_t x = run(&env, 0);
  assert_int_equal(x.r->status, TILL_OK);
  assert_int_equal(x.answer->body_case, TILL__V1__ENVELOPE__BODY_ITEM_LIST_RESP);
  const Till__V1__ItemListResponse *resp = x.answer->item_list_resp;
  assert_int_equal(resp->n_items, 2 + EXTRA_ITEMS);
  assert_string_equal(resp->items[0]->code, "PARK1H");
  assert_string_equal(resp->items[1]->code, "PARK2H");
  for (size_t i = 0; i < EXTRA_ITEMS; i++) {
    char code[16];
    snprintf(code, sizeof code, "X%05zu", i + 1);
    assert_string_equal(resp->items[2 + i]->code, code);
    assert_int_equal(resp->items[2 + i]->unit_price, 101 + (int64_t)i);
  }
  long n = x.reads;
  run_free(&x);
  assert_every_fault_fails(&env, n, "item list (ItemListRequest)");
}

static void
test_daily_report(void **state)
{
  (void)state;
  Till__V1__DailyReportRequest in = TILL__V1__DAILY_REPORT_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  in.date = W.date;
  env.body_case = TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ;
  env.daily_report_req = &in;

  run_t x = run(&env, 0);
  assert_int_equal(x.r->status, TILL_OK);
  assert_int_equal(x.answer->body_case, TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP);
  const Till__V1__DailyReportResponse *d = x.answer->daily_report_resp;
  int64_t total = W.cash_amount + W.card_amount;
  assert_int_equal(d->sales_amount, total);
  assert_int_equal(d->void_amount, 0);
  assert_int_equal(d->net_amount, total);
  /* one takings row an item and method: PARK1H and PARK2H, cash and card */
  assert_int_equal(d->n_takings, 4);
  int64_t sum = 0, qty = 0;
  for (size_t i = 0; i < d->n_takings; i++) {
    sum += d->takings[i]->amount;
    qty += d->takings[i]->quantity;
  }
  assert_int_equal(sum, total);
  assert_int_equal(qty, W.qty[0] + W.qty[1]);
  assert_int_equal(d->n_methods, 2);
  assert_int_equal(d->methods[0]->amount, W.cash_amount);
  assert_int_equal(d->methods[1]->amount, W.card_amount);
  assert_int_equal(d->receipts_issued, SALES);
  assert_int_equal(d->n_receipts, 1);
  assert_int_equal(d->floats, W.float_amount);
  assert_int_equal(d->n_open_shifts, 1);
  assert_int_equal(d->n_shifts, 1);
  assert_false(d->closed);
  long n = x.reads;
  run_free(&x);
  assert_every_fault_fails(&env, n, "daily report (DailyReportRequest)");
}

static void
test_day_status(void **state)
{
  (void)state;
  Till__V1__DayStatusRequest in = TILL__V1__DAY_STATUS_REQUEST__INIT;
  Till__V1__Envelope env = TILL__V1__ENVELOPE__INIT;
  env.body_case = TILL__V1__ENVELOPE__BODY_DAY_STATUS_REQ;
  env.day_status_req = &in;

  run_t x = run(&env, 0);
  assert_int_equal(x.r->status, TILL_OK);
  assert_int_equal(x.answer->body_case, TILL__V1__ENVELOPE__BODY_DAY_STATUS_RESP);
  const Till__V1__DayStatusResponse *d = x.answer->day_status_resp;
  /* nothing closed: the calendar's date; the supervisor's shift is on it */
  assert_string_equal(d->current_business_date, W.date);
  assert_string_equal(d->calendar_date, W.date);
  assert_string_equal(d->last_closed_date, "");
  assert_int_equal(d->n_open_shifts, 1);
  assert_string_equal(d->open_shifts[0]->business_date, W.date);
  long n = x.reads;
  run_free(&x);
  /* a few pages only (day_closes, the open shifts), each read failed in turn */
  assert_every_fault_fails_min(&env, n, 2, "day status (DayStatusRequest)");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_x_report),
    cmocka_unit_test(test_x_report_blind),
    cmocka_unit_test(test_item_list),
    cmocka_unit_test(test_daily_report),
    cmocka_unit_test(test_day_status),
  };
  return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
