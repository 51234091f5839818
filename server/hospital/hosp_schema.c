/* hosp_schema.c -- schema step 8: hospital cashier windows
 * (docs/hospital.md).
 *
 * The price list the admins keep; each bill with its patient, its
 * insurance split and its order id when the hospital's system handed it
 * over; the bill's lines as priced when billed (a later price change never
 * touches them; refund_txn marks a line refunded); the inpatients holding
 * a deposit (预交金). The money is in the journal, posted by the engine
 * (ledger_post_hospital): a bill Dr its shares / Cr revenue:hospital, a
 * deposit Dr the method's account / Cr deposit:patient:<id>, a discharge
 * Dr deposit:patient:<id> / Cr the drawer.
 * Released: never edit once landed; a change is a new step. */
#include "hosp_schema.h"

const store_migration_t hosp_schema_v8 = {8, "hospital",
  "CREATE TABLE hosp_items ("
  "  code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32),"
  "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),"
  "  unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 32),"
  "  unit_price INTEGER NOT NULL CHECK (unit_price BETWEEN 1 AND 10000000),"
  "  department TEXT NOT NULL CHECK (length(department) BETWEEN 1 AND 64),"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL"
  ");"
  "CREATE TABLE hosp_patients ("
  "  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32),"
  "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  discharge_txn INTEGER UNIQUE REFERENCES journal(id)" /* the balance paid back */
  ");"
  "CREATE TRIGGER hosp_patients_discharge_once BEFORE UPDATE ON hosp_patients"
  "  WHEN OLD.discharge_txn IS NOT NULL OR NEW.id <> OLD.id OR NEW.name <> OLD.name"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: a patient is discharged once'); END;"
  "CREATE TRIGGER hosp_patients_no_delete BEFORE DELETE ON hosp_patients"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: patients are never deleted'); END;"
  "CREATE TABLE hosp_bills ("
  "  txn_id INTEGER PRIMARY KEY REFERENCES journal(id),"
  "  order_id TEXT UNIQUE," /* NULL: keyed at the window */
  "  patient_id TEXT NOT NULL,"
  "  patient_name TEXT NOT NULL,"
  "  total INTEGER NOT NULL,"
  "  fund INTEGER NOT NULL CHECK (fund >= 0),"
  "  patient_share INTEGER NOT NULL CHECK (patient_share >= 0),"
  "  account INTEGER NOT NULL CHECK (account >= 0),"
  "  hospital_share INTEGER NOT NULL CHECK (hospital_share >= 0),"
  "  window_share INTEGER NOT NULL CHECK (window_share >= 0),"
  "  from_deposit INTEGER NOT NULL CHECK (from_deposit IN (0, 1)),"
  "  CHECK (total = fund + patient_share + hospital_share),"
  "  CHECK (patient_share = account + window_share)"
  ");"
  "CREATE INDEX hosp_bills_patient ON hosp_bills(patient_id);"
  "CREATE TRIGGER hosp_bills_no_update BEFORE UPDATE ON hosp_bills"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: bills are append-only'); END;"
  "CREATE TRIGGER hosp_bills_no_delete BEFORE DELETE ON hosp_bills"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: bills are append-only'); END;"
  "CREATE TABLE hosp_bill_lines ("
  "  txn_id INTEGER NOT NULL REFERENCES hosp_bills(txn_id),"
  "  seq INTEGER NOT NULL,"
  "  code TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  unit TEXT NOT NULL,"
  "  department TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 9999),"
  "  unit_price INTEGER NOT NULL,"
  "  amount INTEGER NOT NULL CHECK (amount = quantity * unit_price),"
  "  refund_txn INTEGER REFERENCES journal(id)," /* the refund that took it back */
  "  PRIMARY KEY (txn_id, seq)"
  ");"
  "CREATE TRIGGER hosp_bill_lines_fixed BEFORE UPDATE ON hosp_bill_lines"
  "  WHEN OLD.refund_txn IS NOT NULL OR NEW.txn_id <> OLD.txn_id OR NEW.seq <> OLD.seq"
  "    OR NEW.code <> OLD.code OR NEW.quantity <> OLD.quantity OR NEW.amount <> OLD.amount"
  "    OR NEW.unit_price <> OLD.unit_price"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: a line is billed once and refunded at most once'); END;"
  "CREATE TRIGGER hosp_bill_lines_no_delete BEFORE DELETE ON hosp_bill_lines"
  "  BEGIN SELECT RAISE(ABORT, 'hospital: bill lines are append-only'); END;"
};
