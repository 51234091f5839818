/* billing_schema.c -- schema step 6: billing (heating and property offices).
 *
 * Payers (households and units), fee schemes with versioned tariffs, the
 * charges made against payers (应收) and what settled them. The money is in
 * the journal: a charge is Dr receivable:payer:<id> / Cr revenue:<scheme>,
 * posted by the engine (ledger_post_billing); these tables say which payer,
 * scheme and period each posting belongs to, so that a payment can settle
 * the oldest open charges first and a receipt can name the year it settles.
 * docs/billing.md describes every table.
 *
 * The step is written in sections, one per part of billing; a section's
 * tables are written only by that part's handlers.
 * Released: never edit once landed; a change is a new step. */
#include "billing_schema.h"

const store_migration_t billing_schema_v6 = {6, "billing",
  /* ---- payers ---------------------------------------------------------- */
  "CREATE TABLE payers ("
  "  id INTEGER PRIMARY KEY,"
  "  complex TEXT NOT NULL CHECK (length(complex) BETWEEN 1 AND 64),"   /* 小区 */
  "  unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 32),"         /* 3-2-1101 */
  "  owner TEXT NOT NULL CHECK (length(owner) BETWEEN 1 AND 64),"
  "  phone TEXT NOT NULL DEFAULT '',"
  "  area_centi INTEGER NOT NULL CHECK (area_centi BETWEEN 0 AND 100000000)," /* m² × 100 */
  "  occupancy TEXT NOT NULL CHECK (occupancy IN ('occupied','vacant','unsold')),"
  "  tags TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  UNIQUE (complex, unit)"
  ");"
  /* ---- end of payers --------------------------------------------------- */

  /* ---- schemes and tariffs --------------------------------------------- */
  "CREATE TABLE schemes ("
  "  code TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 24),"
  "  name TEXT NOT NULL,"                                               /* 供暖费 */
  "  rule TEXT NOT NULL CHECK (rule IN ('area_month','area_season','fixed_month','metered')),"
  "  period TEXT NOT NULL CHECK (period IN ('season','year','month')),"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL"
  ");"
  "CREATE TABLE tariffs ("
  "  id INTEGER PRIMARY KEY,"
  "  scheme TEXT NOT NULL REFERENCES schemes(code),"
  "  effective_from TEXT NOT NULL CHECK (effective_from IS date(effective_from, '+0 days')),"
  "  rate_e4 INTEGER NOT NULL CHECK (rate_e4 BETWEEN 0 AND 100000000000)," /* yuan × 10^4 */
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  UNIQUE (scheme, effective_from)"
  ");"
  /* ---- end of schemes and tariffs -------------------------------------- */

  /* ---- charges and settlements ----------------------------------------- */
  /* One row per amount due. kind 'charge' is the period's charge (at most
   * one per payer, scheme and period); 'adjustment' an amount added after
   * it (a tariff or area change); 'late_fee' 违约金 once posted. <year> is
   * the year the arrears count under (a season's first year). <paid>,
   * <waived> and <credited> are what settled it so far; open = amount -
   * paid - waived - credited, never below 0. */
  "CREATE TABLE charges ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  scheme TEXT NOT NULL REFERENCES schemes(code),"
  "  period TEXT NOT NULL,"
  "  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),"
  "  kind TEXT NOT NULL CHECK (kind IN ('charge','adjustment','late_fee')),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  paid INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),"
  "  waived INTEGER NOT NULL DEFAULT 0 CHECK (waived >= 0),"
  "  credited INTEGER NOT NULL DEFAULT 0 CHECK (credited >= 0),"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  created_at INTEGER NOT NULL,"
  "  CHECK (paid + waived + credited <= amount)"
  ");"
  "CREATE UNIQUE INDEX charges_one_per_period ON charges(payer_id, scheme, period)"
  "  WHERE kind = 'charge';"
  "CREATE INDEX charges_payer ON charges(payer_id, year, id);"
  "CREATE INDEX charges_open ON charges(payer_id, year, id)"
  "  WHERE paid + waived + credited < amount;"
  "CREATE INDEX charges_period ON charges(scheme, period);"
  "CREATE INDEX charges_txn ON charges(txn_id);"
  "CREATE TRIGGER charges_fixed BEFORE UPDATE OF payer_id, scheme, period, year, kind, amount,"
  "  txn_id ON charges"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a charge is never rewritten; post an adjustment'); END;"
  "CREATE TRIGGER charges_no_delete BEFORE DELETE ON charges"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a charge is never deleted'); END;"
  /* One row per part of a transaction that settled (amount > 0) or
   * reopened (amount < 0) a charge: a payment, prepaid consumed by a run, a
   * waiver, a credit adjustment, a bounced cheque's reversal. */
  "CREATE TABLE settlements ("
  "  id INTEGER PRIMARY KEY,"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  charge_id INTEGER NOT NULL REFERENCES charges(id),"
  "  source TEXT NOT NULL CHECK (source IN ('payment','prepaid','waiver','credit','reversal')),"
  "  amount INTEGER NOT NULL CHECK (amount <> 0)"
  ");"
  "CREATE INDEX settlements_txn ON settlements(txn_id);"
  "CREATE INDEX settlements_charge ON settlements(charge_id);"
  "CREATE TRIGGER settlements_no_update BEFORE UPDATE ON settlements"
  "  BEGIN SELECT RAISE(ABORT, 'billing: settlements are append-only'); END;"
  "CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements"
  "  BEGIN SELECT RAISE(ABORT, 'billing: settlements are append-only'); END;"
  /* ---- end of charges and settlements ---------------------------------- */
};
