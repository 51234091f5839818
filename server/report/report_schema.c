/* report_schema.c -- schema step 4: closed days, cashiers' monthly targets, and
 * the indexes the reports read by.
 * Released: never edit; a change is a new step. */
#include "report_schema.h"

const store_migration_t report_schema_v4 = {4, "report",
  /* reports -- the closed days, the cashiers' monthly targets, and the
   * indices reports and ledger queries find a time range by
   * (docs/ledger.md, "Indices for reports") */
  "CREATE TABLE day_closes ("
  "  date TEXT PRIMARY KEY CHECK (length(date) = 10),"
  "  closed_by TEXT NOT NULL,"
  "  closed_at INTEGER NOT NULL,"
  "  signature_id INTEGER NOT NULL REFERENCES chain_signatures(id)) WITHOUT ROWID;"
  "CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a closed day stays closed'); END;"
  "CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a closed day stays closed'); END;"
  "CREATE TABLE cashier_targets ("
  "  cashier TEXT NOT NULL,"
  "  month TEXT NOT NULL CHECK (length(month) = 7),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  set_by TEXT NOT NULL,"
  "  set_at INTEGER NOT NULL,"
  "  PRIMARY KEY (cashier, month)) WITHOUT ROWID;"
  "CREATE INDEX journal_at ON journal(at_ms);"
  "CREATE INDEX shifts_opened ON shifts(opened_at);"
  "CREATE INDEX shifts_closed ON shifts(closed_at) WHERE closed_at IS NOT NULL;"
  "CREATE INDEX deposits_created ON deposits(created_at);"};
