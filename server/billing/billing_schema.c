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
  "CREATE INDEX payers_complex_id ON payers(complex, id);"   /* payer list --complex */
  /* Every change an edit made, field by field (payer show prints it). A
   * payer row is edited in place; its history never is. */
  "CREATE TABLE payer_history ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  field TEXT NOT NULL CHECK (field IN ('unit','owner','phone','area','occupancy','tags')),"
  "  old_value TEXT NOT NULL,"
  "  new_value TEXT NOT NULL,"
  "  changed_at INTEGER NOT NULL,"
  "  changed_by TEXT NOT NULL"
  ");"
  "CREATE INDEX payer_history_payer ON payer_history(payer_id, id);"
  "CREATE TRIGGER payer_history_no_update BEFORE UPDATE ON payer_history"
  "  BEGIN SELECT RAISE(ABORT, 'billing: payer history is append-only'); END;"
  "CREATE TRIGGER payer_history_no_delete BEFORE DELETE ON payer_history"
  "  BEGIN SELECT RAISE(ABORT, 'billing: payer history is append-only'); END;"
  "CREATE TRIGGER payers_no_delete BEFORE DELETE ON payers"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a payer is never deleted'); END;"
  /* payer find: any fragment of 3 or more characters of the unit, the
   * phone or the owner's name, from an FTS5 trigram index over payers
   * (external content: payers itself), kept in step by triggers. */
  "CREATE VIRTUAL TABLE payers_fts USING fts5(unit, phone, owner, content='payers',"
  "  content_rowid='id', tokenize='trigram');"
  /* ... and 1 or 2 characters of the owner's name (王, 张三), which a
   * trigram cannot find: every 1- and 2-character piece of the name,
   * lower-cased, with the payer. payer_gram_pos numbers the characters
   * (1..64, the longest name) for the triggers, which cannot recurse. */
  "CREATE TABLE payer_gram_pos (n INTEGER PRIMARY KEY);"
  "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 64)"
  "  INSERT INTO payer_gram_pos SELECT n FROM c;"
  "CREATE TABLE payer_grams ("
  "  gram TEXT NOT NULL,"
  "  payer_id INTEGER NOT NULL,"
  "  PRIMARY KEY (gram, payer_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX payer_grams_payer ON payer_grams(payer_id);"
  "CREATE TRIGGER payers_find_ai AFTER INSERT ON payers BEGIN"
  "  INSERT INTO payers_fts(rowid, unit, phone, owner) VALUES (new.id, new.unit, new.phone, new.owner);"
  "  INSERT OR IGNORE INTO payer_grams(gram, payer_id)"
  "    SELECT lower(substr(new.owner, n, 1)), new.id FROM payer_gram_pos WHERE n <= length(new.owner)"
  "    UNION SELECT lower(substr(new.owner, n, 2)), new.id FROM payer_gram_pos"
  "    WHERE n < length(new.owner);"
  "END;"
  "CREATE TRIGGER payers_find_au AFTER UPDATE OF unit, phone, owner ON payers BEGIN"
  "  INSERT INTO payers_fts(payers_fts, rowid, unit, phone, owner)"
  "    VALUES ('delete', old.id, old.unit, old.phone, old.owner);"
  "  INSERT INTO payers_fts(rowid, unit, phone, owner) VALUES (new.id, new.unit, new.phone, new.owner);"
  "  DELETE FROM payer_grams WHERE payer_id = old.id;"
  "  INSERT OR IGNORE INTO payer_grams(gram, payer_id)"
  "    SELECT lower(substr(new.owner, n, 1)), new.id FROM payer_gram_pos WHERE n <= length(new.owner)"
  "    UNION SELECT lower(substr(new.owner, n, 2)), new.id FROM payer_gram_pos"
  "    WHERE n < length(new.owner);"
  "END;"
  /* ---- end of payers --------------------------------------------------- */

  /* ---- schemes and tariffs --------------------------------------------- */
  "CREATE TABLE schemes ("
  "  code TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND length(code) <= 24),"
  "  name TEXT NOT NULL,"                                               /* 供暖费 */
  "  rule TEXT NOT NULL CHECK (rule IN ('area_month','area_season','fixed_month','metered')),"
  "  period TEXT NOT NULL CHECK (period IN ('season','year','month')),"
  /* the first day of a season (MM-DD): its tariff is the one in effect then */
  "  season_start TEXT NOT NULL DEFAULT '11-15' CHECK (length(season_start) = 5),"
  /* 报停: applied for by <optout_cutoff> (MM-DD of the season's first year),
   * the season's charge is <optout_share_pct> % of the full fee */
  "  optout_share_pct INTEGER NOT NULL DEFAULT 30 CHECK (optout_share_pct BETWEEN 0 AND 100),"
  "  optout_cutoff TEXT NOT NULL DEFAULT '10-15' CHECK (length(optout_cutoff) = 5),"
  /* a vacant unit's discount, once approved: <vacancy_share_pct> % of the full fee */
  "  vacancy_share_pct INTEGER NOT NULL DEFAULT 50 CHECK (vacancy_share_pct BETWEEN 0 AND 100),"
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
  "CREATE TRIGGER tariffs_fixed BEFORE UPDATE ON tariffs"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a tariff is never edited; add one from a later date'); END;"
  "CREATE TRIGGER tariffs_no_delete BEFORE DELETE ON tariffs"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a tariff is never deleted'); END;"
  /* 报停 (kind 'optout', granted when applied for by the cut-off) and a
   * vacant unit's discount (kind 'vacancy': pending until a supervisor who
   * is not the requester approves or rejects it). A charge run prices an
   * approved one's period at <share_pct> % (the scheme's share when it was
   * granted). */
  "CREATE TABLE charge_reliefs ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  scheme TEXT NOT NULL REFERENCES schemes(code),"
  "  period TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('optout','vacancy')),"
  "  state TEXT NOT NULL CHECK (state IN ('pending','approved','rejected')),"
  "  share_pct INTEGER NOT NULL CHECK (share_pct BETWEEN 0 AND 100),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  requested_by TEXT NOT NULL,"
  "  requested_at INTEGER NOT NULL,"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  CHECK (decided_by IS NULL OR decided_by <> requested_by)"
  ");"
  "CREATE UNIQUE INDEX charge_reliefs_one ON charge_reliefs(payer_id, scheme, period, kind)"
  "  WHERE state <> 'rejected';"
  "CREATE INDEX charge_reliefs_state ON charge_reliefs(state, id);"
  /* One row per adjustment posted (charge_adjust): the period's amount
   * recomputed, and the difference <delta> (fen, never 0) posted. The
   * period's billed amount is its charge plus the sum of these. */
  "CREATE TABLE charge_adjustments ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  scheme TEXT NOT NULL REFERENCES schemes(code),"
  "  period TEXT NOT NULL,"
  "  delta INTEGER NOT NULL CHECK (delta <> 0),"
  "  to_prepaid INTEGER NOT NULL DEFAULT 0 CHECK (to_prepaid >= 0),"
  "  reason TEXT NOT NULL,"
  "  txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  created_by TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX charge_adjustments_period ON charge_adjustments(payer_id, scheme, period);"
  "CREATE TRIGGER charge_adjustments_fixed BEFORE UPDATE ON charge_adjustments"
  "  BEGIN SELECT RAISE(ABORT, 'billing: adjustments are append-only'); END;"
  "CREATE TRIGGER charge_adjustments_no_delete BEFORE DELETE ON charge_adjustments"
  "  BEGIN SELECT RAISE(ABORT, 'billing: adjustments are append-only'); END;"
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

  /* ---- payments, cheques, subsidies ------------------------------------ */
  /* One row per payment transaction (journal.kind 'payment'): whose it is,
   * how much, what went to prepaid, the cheque's number or the subsidy's
   * document. Written with the posting, never changed. */
  "CREATE TABLE payments ("
  "  txn_id INTEGER PRIMARY KEY REFERENCES journal(id),"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  to_prepaid INTEGER NOT NULL CHECK (to_prepaid BETWEEN 0 AND amount),"
  "  method TEXT NOT NULL,"
  "  reference TEXT NOT NULL DEFAULT ''"
  ");"
  "CREATE INDEX payments_payer ON payments(payer_id, txn_id);"
  "CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments"
  "  BEGIN SELECT RAISE(ABORT, 'billing: payments are append-only'); END;"
  "CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments"
  "  BEGIN SELECT RAISE(ABORT, 'billing: payments are append-only'); END;"
  /* A cheque payment (支票) is pending until a supervisor records it cleared
   * (cheque_clear) or bounced (cheque_bounce, reversing the payment). Only
   * the state and what decided it ever change, once. */
  "CREATE TABLE cheques ("
  "  id INTEGER PRIMARY KEY,"
  "  txn_id INTEGER NOT NULL UNIQUE REFERENCES payments(txn_id),"
  "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','cleared','bounced')),"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  decide_txn_id INTEGER UNIQUE REFERENCES journal(id),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  CHECK ((state = 'pending') = (decide_txn_id IS NULL))"
  ");"
  "CREATE INDEX cheques_pending ON cheques(id) WHERE state = 'pending';"
  "CREATE TRIGGER cheques_decided_once BEFORE UPDATE ON cheques"
  "  WHEN OLD.state <> 'pending' OR NEW.txn_id <> OLD.txn_id"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a cheque is decided once'); END;"
  "CREATE TRIGGER cheques_no_delete BEFORE DELETE ON cheques"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a cheque is never deleted'); END;"
  /* ---- end of payments, cheques, subsidies ----------------------------- */

  /* ---- waivers, late fees, reminders ----------------------------------- */
  /* 减免 / 核销 / 免收: asked for by a cashier with a reason and a document
   * reference, decided by a supervisor who is not the requester. state 1
   * pending, 2 approved (txn_id is the waiver posting), 3 rejected. */
  "CREATE TABLE waivers ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  charge_id INTEGER NOT NULL REFERENCES charges(id),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 120),"
  "  doc_ref TEXT NOT NULL CHECK (length(doc_ref) BETWEEN 1 AND 64),"
  "  state INTEGER NOT NULL DEFAULT 1 CHECK (state IN (1,2,3)),"
  "  requested_by TEXT NOT NULL,"
  "  requested_terminal TEXT NOT NULL,"
  "  requested_at INTEGER NOT NULL,"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  note TEXT NOT NULL DEFAULT '',"
  "  txn_id INTEGER REFERENCES journal(id),"
  "  CHECK ((state = 2) = (txn_id IS NOT NULL))"
  ");"
  "CREATE INDEX waivers_state ON waivers(state, id);"
  "CREATE INDEX waivers_payer ON waivers(payer_id, id);"
  "CREATE TRIGGER waivers_no_delete BEFORE DELETE ON waivers"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a waiver is never deleted'); END;"
  "CREATE TRIGGER waivers_decided_once BEFORE UPDATE ON waivers WHEN OLD.state <> 1"
  "  BEGIN SELECT RAISE(ABORT, 'billing: a decided waiver is never changed'); END;"
  /* 违约金 per scheme: <daily_e6> the daily rate × 10^6 (万分之三 = 300),
   * after <grace_days> days from the charge's date, at most <cap_bp> basis
   * points of the charge's amount. A scheme without a row has none. */
  "CREATE TABLE late_fee_rules ("
  "  scheme TEXT PRIMARY KEY REFERENCES schemes(code),"
  "  daily_e6 INTEGER NOT NULL CHECK (daily_e6 BETWEEN 1 AND 100000),"
  "  grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 3650),"
  "  cap_bp INTEGER NOT NULL CHECK (cap_bp BETWEEN 1 AND 10000),"
  "  set_at INTEGER NOT NULL,"
  "  set_by TEXT NOT NULL"
  ");"
  /* A late fee posted (charges.kind late_fee): the days and the part of it
   * each overdue charge accrued, so the next one starts where it ended. */
  "CREATE TABLE late_fee_parts ("
  "  late_charge_id INTEGER NOT NULL REFERENCES charges(id),"
  "  charge_id INTEGER NOT NULL REFERENCES charges(id),"
  "  days INTEGER NOT NULL CHECK (days > 0),"
  "  amount_e6 INTEGER NOT NULL CHECK (amount_e6 >= 0),"
  "  PRIMARY KEY (late_charge_id, charge_id)"
  ");"
  "CREATE INDEX late_fee_parts_charge ON late_fee_parts(charge_id);"
  /* 催缴: a reminder sent to a payer, by which channel, by whom. */
  "CREATE TABLE reminders ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  channel TEXT NOT NULL CHECK (channel IN ('letter','phone','sms','visit','notice')),"
  "  note TEXT NOT NULL DEFAULT '',"
  "  owing INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  by_user TEXT NOT NULL"
  ");"
  "CREATE INDEX reminders_payer ON reminders(payer_id, at);"
  /* ---- end of waivers, late fees, reminders ---------------------------- */
};

/* Schema step 10: meter readings of metered schemes (docs/billing.md, "Meter
 * readings"). A reading is never updated or deleted; a wrong one is
 * replaced by a correction row naming it (replaces), so the readings in
 * effect are those no correction names. meter.c keeps them rising in day
 * and value. Released: never edit once landed. */
const store_migration_t billing_schema_v10 = {10, "billing meter readings",
  "CREATE TABLE meter_readings ("
  "  id INTEGER PRIMARY KEY,"
  "  payer_id INTEGER NOT NULL REFERENCES payers(id),"
  "  scheme TEXT NOT NULL REFERENCES schemes(code),"
  "  read_on TEXT NOT NULL CHECK (length(read_on) = 10),"          /* YYYY-MM-DD */
  "  reading_centi INTEGER NOT NULL CHECK (reading_centi BETWEEN 0 AND 100000000000),"
  "  kind TEXT NOT NULL CHECK (kind IN ('reading','correction')),"
  "  replaces INTEGER UNIQUE REFERENCES meter_readings(id),"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  CHECK ((kind = 'correction') = (replaces IS NOT NULL))"
  ");"
  "CREATE INDEX meter_readings_payer ON meter_readings(payer_id, scheme, read_on, id);"
  "CREATE TRIGGER meter_readings_no_update BEFORE UPDATE ON meter_readings"
  "  BEGIN SELECT RAISE(ABORT, 'billing: meter readings are append-only'); END;"
  "CREATE TRIGGER meter_readings_no_delete BEFORE DELETE ON meter_readings"
  "  BEGIN SELECT RAISE(ABORT, 'billing: meter readings are append-only'); END;"
};
