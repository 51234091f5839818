/* charge.c -- the charge run (应收) and what it shares with adjustments;
 * see charge.h.
 *
 * A run is driven by the client in chunks: each ChargeRunRequest looks at
 * the next <limit> payers by id after <after_payer_id>. The writer works a
 * chunk in slices: a slice ends after charge_slice_ms (5 ms by default)
 * or as soon as another request waits for the writer, commits, and the
 * chunk goes on after the requests (the windows' sales) queued meanwhile
 * (worker.h, r->again), so a sale waits for one payer's charge and a
 * commit, not for a whole chunk. A payer already charged
 * for the (scheme, period) is skipped, which makes a chunk -- and a slice --
 * idempotent and a run resumable: run it again from the start, whether it
 * stopped between chunks or inside one, and only the payers not charged
 * yet are charged. */
#include "charge.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ledger_billing.h"
#include "meter.h"
#include "till_util.h"

typedef struct {
  int64_t id;
  int64_t area_centi;
  int unsold;
} run_payer_t;

void
charge_item(const char *scheme, const char *period, char *buf, size_t len)
{
  /* at most LEDGER_ITEM_MAX bytes: the code cut to 22, a space, the period */
  snprintf(buf, len, "%.22s", scheme);
  size_t n = strlen(buf);
  if (n + 1 < len) {
    buf[n] = ' ';
    snprintf(buf + n + 1, len - n - 1, "%s", period);
  }
}

till_status_t
charge_relief_share(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme,
                    const char *period, int64_t *share_pct)
{
  static const char sql[] =
    "SELECT min(share_pct) FROM charge_reliefs WHERE payer_id = ? AND scheme = ?"
    " AND period = ? AND state = 'approved'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, payer);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
  }
  if (req_row_one(r, st, TILL_E_INTERNAL, "internal error") != TILL_OK)
    return r->status;
  *share_pct = sqlite3_column_type(st, 0) == SQLITE_NULL ? 100 : sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
charge_price(req_t *r, const scheme_row_t *s, const period_t *p, int64_t area_centi,
             int64_t quantity_centi, int64_t rate_e4, int64_t share_pct, int64_t *fen)
{
  price_in_t in = {s->rule, area_centi, rate_e4, p->months, quantity_centi, share_pct};
  if (price_charge(&in, fen) != 0)
    return req_fail(r, TILL_E_INTERNAL, "a charge of scheme %s is too large to compute",
                    s->code);
  return TILL_OK;
}

till_status_t
charge_metered_quantity(req_t *r, store_conn_t *sc, const scheme_row_t *s, const period_t *p,
                        const char *start, int64_t payer, int *have, int64_t *quantity_centi)
{
  char end[11];
  if (period_next_start(s->period, p, s->season_start, end, sizeof end) != 0)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  return meter_quantity(r, sc, payer, s->code, start, end, have, quantity_centi);
}

till_status_t
charge_prepaid_balance(req_t *r, store_conn_t *sc, int64_t payer, int64_t *fen)
{
  static const char sql[] = "SELECT -coalesce(sum(amount), 0) FROM entries WHERE account = ?";
  char acc[LEDGER_BILL_ACCOUNT_MAX];
  snprintf(acc, sizeof acc, LEDGER_PREPAID_FMT, (long long)payer);
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st)
    sqlite3_bind_text(st, 1, acc, -1, SQLITE_TRANSIENT);
  if (req_row_one(r, st, TILL_E_INTERNAL, "internal error") != TILL_OK)
    return r->status;
  *fen = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TILL_OK;
}

till_status_t
charge_insert(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme, const char *period,
              int year, const char *kind, int64_t amount, int64_t txn_id, int64_t *id)
{
  static const char sql[] =
    "INSERT INTO charges(payer_id, scheme, period, year, kind, amount, txn_id, created_at)"
    " VALUES (?,?,?,?,?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, payer);
  sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, year);
  sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, amount);
  sqlite3_bind_int64(st, 7, txn_id);
  sqlite3_bind_int64(st, 8, till_now());
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  *id = sqlite3_last_insert_rowid(sc->db);
  return TILL_OK;
}

/* A two-entry billing posting: <amount> from <credit> to <debit>. The
 * post is the writer thread's alone (as the engine's own buffers). */
static till_status_t
post_two(req_t *r, store_conn_t *sc, const char *kind, const char *debit, const char *credit,
         int64_t amount, const char *item, const char *memo, int64_t *txn_id)
{
  static bill_post_t p;
  post_result_t res;
  char err[256];
  memset(&p, 0, sizeof p);
  p.kind = kind;
  p.terminal = r->terminal;
  p.cashier = r->actor.user;
  p.memo = memo;
  p.n_entries = 2;
  snprintf(p.entries[0].account, sizeof p.entries[0].account, "%s", debit);
  p.entries[0].amount = amount;
  snprintf(p.entries[0].item, sizeof p.entries[0].item, "%s", item);
  snprintf(p.entries[1].account, sizeof p.entries[1].account, "%s", credit);
  p.entries[1].amount = -amount;
  snprintf(p.entries[1].item, sizeof p.entries[1].item, "%s", item);
  till_status_t st = ledger_post_billing(req_ledger(r), sc, &p, &res, NULL, 0, err, sizeof err);
  if (st != TILL_OK)
    return req_fail(r, st, "%s", err);
  *txn_id = res.ref_id;
  return TILL_OK;
}

static till_status_t
settle(req_t *r, store_conn_t *sc, int64_t txn_id, int64_t charge_id, const char *source,
       int64_t amount)
{
  static const char sql[] =
    "INSERT INTO settlements(txn_id, charge_id, source, amount) VALUES (?,?,?,?)";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, txn_id);
  sqlite3_bind_int64(st, 2, charge_id);
  sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, amount);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  return step == SQLITE_DONE ? TILL_OK : req_step_failed(r, st, step);
}

till_status_t
charge_apply_prepaid(req_t *r, store_conn_t *sc, int64_t payer, int64_t charge_id, int64_t amount,
                     const char *item, int64_t *applied)
{
  static const char sql[] = "UPDATE charges SET paid = paid + ? WHERE id = ?";
  int64_t balance = 0, txn_id = 0;
  *applied = 0;
  if (charge_prepaid_balance(r, sc, payer, &balance) != TILL_OK)
    return r->status;
  if (balance <= 0 || amount <= 0)
    return TILL_OK;
  int64_t take = balance < amount ? balance : amount;
  char pre[LEDGER_BILL_ACCOUNT_MAX], rec[LEDGER_BILL_ACCOUNT_MAX];
  snprintf(pre, sizeof pre, LEDGER_PREPAID_FMT, (long long)payer);
  snprintf(rec, sizeof rec, LEDGER_RECEIVABLE_FMT, (long long)payer);
  if (post_two(r, sc, LEDGER_KIND_PREPAID_APPLY, pre, rec, take, item, "prepaid applied", &txn_id)
      != TILL_OK)
    return r->status;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, take);
  sqlite3_bind_int64(st, 2, charge_id);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step != SQLITE_DONE)
    return req_step_failed(r, st, step);
  if (settle(r, sc, txn_id, charge_id, "prepaid", take) != TILL_OK)
    return r->status;
  *applied = take;
  return TILL_OK;
}

/* 1 if payer <payer> has its charge for (scheme, period) already */
static till_status_t
charged(req_t *r, store_conn_t *sc, int64_t payer, const char *scheme, const char *period,
        int *yes)
{
  static const char sql[] =
    "SELECT count(*) FROM charges WHERE payer_id = ? AND scheme = ? AND period = ?"
    " AND kind = 'charge'";
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (st) {
    sqlite3_bind_int64(st, 1, payer);
    sqlite3_bind_text(st, 2, scheme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
  }
  if (req_row_one(r, st, TILL_E_INTERNAL, "internal error") != TILL_OK)
    return r->status;
  *yes = sqlite3_column_int(st, 0) > 0;
  sqlite3_reset(st);
  return TILL_OK;
}

typedef struct {
  run_payer_t *list;
  size_t n;
} chunk_acc_t;

/* rows: id, area_centi, occupancy */
static till_status_t
chunk_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  chunk_acc_t *acc = arg;
  const unsigned char *occ = sqlite3_column_text(st, 2);
  acc->list[acc->n].id = sqlite3_column_int64(st, 0);
  acc->list[acc->n].area_centi = sqlite3_column_int64(st, 1);
  acc->list[acc->n].unsold = occ && strcmp((const char *)occ, "unsold") == 0;
  acc->n++;
  return TILL_OK;
}

/* Everything one chunk needs to charge a payer. */
typedef struct {
  const scheme_row_t *s;
  const char *period;
  period_t p;
  char start[11]; /* the period's first day */
  int64_t rate_e4;
  char item[LEDGER_ITEM_MAX + 1];
} run_t;

/* Charge one payer of the chunk, counting what happened into <out>. */
static till_status_t
charge_one(req_t *r, store_conn_t *sc, const run_t *run, const run_payer_t *py,
           Till__V1__ChargeRunResponse *out)
{
  int yes = 0;
  int64_t share = 100, amount = 0, txn_id = 0, charge_id = 0, applied = 0, quantity = 0;
  if (py->unsold) {
    out->unsold++;
    return TILL_OK;
  }
  if (charged(r, sc, py->id, run->s->code, run->period, &yes) != TILL_OK)
    return r->status;
  if (yes) {
    out->already++;
    return TILL_OK;
  }
  if (run->s->rule == PRICE_METERED) {
    int have = 0;
    if (charge_metered_quantity(r, sc, run->s, &run->p, run->start, py->id, &have, &quantity) !=
        TILL_OK)
      return r->status;
    if (!have) {
      out->no_readings++;
      return TILL_OK;
    }
  }
  if (charge_relief_share(r, sc, py->id, run->s->code, run->period, &share) != TILL_OK ||
      charge_price(r, run->s, &run->p, py->area_centi, quantity, run->rate_e4, share, &amount) !=
        TILL_OK)
    return r->status;
  if (amount == 0) {
    out->zero++;
    return TILL_OK;
  }
  char rec[LEDGER_BILL_ACCOUNT_MAX], rev[LEDGER_BILL_ACCOUNT_MAX];
  snprintf(rec, sizeof rec, LEDGER_RECEIVABLE_FMT, (long long)py->id);
  snprintf(rev, sizeof rev, "revenue:%s", run->s->code);
  if (post_two(r, sc, LEDGER_KIND_CHARGE, rec, rev, amount, run->item, run->item, &txn_id) !=
        TILL_OK ||
      charge_insert(r, sc, py->id, run->s->code, run->period, run->p.year, "charge", amount,
                    txn_id, &charge_id) != TILL_OK ||
      charge_apply_prepaid(r, sc, py->id, charge_id, amount, run->item, &applied) != TILL_OK)
    return r->status;
  out->posted++;
  out->amount += amount;
  out->prepaid_applied += applied;
  if (share < 100)
    out->relieved++;
  return TILL_OK;
}

/* The run's checks and settings: scheme, period, tariff, chunk size. */
static till_status_t
run_setup(req_t *r, store_conn_t *sc, scheme_row_t *s, run_t *run, char start[11],
          char from[11], int *limit)
{
  const Till__V1__ChargeRunRequest *in = r->env->charge_run_req;
  if (in->after_payer_id < 0)
    return req_fail(r, TILL_E_INVALID, "after_payer_id must be 0 or more");
  if (in->limit < 0 || in->limit > CHARGE_RUN_CHUNK_MAX)
    return req_fail(r, TILL_E_INVALID, "a chunk of a charge run looks at 1 to %d payers",
                    CHARGE_RUN_CHUNK_MAX);
  *limit = in->limit ? in->limit : CHARGE_RUN_CHUNK;
  if (scheme_load(r, sc, in->scheme, s) != TILL_OK ||
      scheme_period(r, s, in->period, &run->p, start) != TILL_OK ||
      scheme_tariff_on(r, sc, s->code, start, &run->rate_e4, from) != TILL_OK)
    return r->status;
  run->s = s;
  run->period = in->period;
  snprintf(run->start, sizeof run->start, "%s", start);
  charge_item(s->code, in->period, run->item, sizeof run->item);
  return TILL_OK;
}

/* A chunk between its slices (r->scratch). */
typedef struct {
  Till__V1__ChargeRunResponse *resp;
  run_payer_t *list;
  int64_t cursor; /* the last payer examined */
} chunk_state_t;

static int64_t
elapsed_us(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000000 + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* One slice of a chunk: the payers after the cursor, up to what is left of
 * the chunk's limit, charged until charge_slice_ms of work has passed or
 * another request waits for the writer (one payer at least). The scheme, the period and the tariff are looked up
 * again and the payers read afresh in every slice: what committed between
 * two slices (a payer edited, a tariff added) counts, as between chunks. */
till_status_t
charge_handle_run(req_t *r, store_conn_t *sc)
{
  static const char sql_chunk[] =
    "SELECT id, area_centi, occupancy FROM payers WHERE id > ? ORDER BY id LIMIT ?";
  static const char sql_total[] = "SELECT count(*) FROM payers";
  const Till__V1__ChargeRunRequest *in = r->env->charge_run_req;
  chunk_state_t *cs = r->scratch;
  scheme_row_t s;
  run_t run;
  char start[11], from[11];
  int limit = CHARGE_RUN_CHUNK;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&run, 0, sizeof run);
  if (run_setup(r, sc, &s, &run, start, from, &limit) != TILL_OK)
    return r->status;
  if (!cs) {
    cs = req_alloc(r, sizeof *cs);
    if (!cs || !(cs->resp = req_alloc(r, sizeof *cs->resp)) ||
        !(cs->list = req_alloc(r, (size_t)limit * sizeof *cs->list)))
      return req_fail(r, TILL_E_INTERNAL, "out of memory");
    till__v1__charge_run_response__init(cs->resp);
    cs->cursor = in->after_payer_id;
    r->scratch = cs;
    if (in->after_payer_id == 0 &&
        req_rows(r, store_stmt(sc, sql_total), 1, req_row_int64, &cs->resp->total_payers,
                 NULL) != TILL_OK)
      return r->status;
  }
  Till__V1__ChargeRunResponse *resp = cs->resp;
  resp->rate_e4 = run.rate_e4;
  if (!resp->tariff_from || strcmp(resp->tariff_from, from) != 0)
    resp->tariff_from = req_strdup(r, from);
  if (!resp->period_start || !resp->period_start[0])
    resp->period_start = req_strdup(r, start);
  if (!resp->tariff_from || !resp->period_start)
    return req_fail(r, TILL_E_INTERNAL, "out of memory");
  int64_t left = limit - resp->examined;
  sqlite3_stmt *st = store_stmt(sc, sql_chunk);
  if (st) {
    sqlite3_bind_int64(st, 1, cs->cursor);
    sqlite3_bind_int64(st, 2, left);
  }
  chunk_acc_t acc = {cs->list, 0};
  if (req_rows(r, st, (size_t)left, chunk_row, &acc, NULL) != TILL_OK)
    return r->status;
  int64_t budget_us = (int64_t)req_config(r)->charge_slice_ms * 1000;
  for (size_t i = 0; i < acc.n; i++) {
    if (charge_one(r, sc, &run, &cs->list[i], resp) != TILL_OK)
      return r->status;
    resp->examined++;
    cs->cursor = cs->list[i].id;
    if (i + 1 < acc.n && (req_writer_waiting(r) > 0 || elapsed_us(&t0) >= budget_us)) {
      r->again = 1; /* the rest after the requests queued meanwhile */
      return TILL_OK;
    }
  }
  resp->next_after = cs->cursor;
  resp->done = (int64_t)acc.n < left;
  r->resp.body_case = TILL__V1__ENVELOPE__BODY_CHARGE_RUN_RESP;
  r->resp.charge_run_resp = resp;
  return TILL_OK;
}
