/* ledger_schema_v13.c -- schema step 13: the journal without its UNIQUE
 * (idem_key) (issue 23). The idempotency table's primary key already holds
 * every key once; the journal's own index of them cost every posting one
 * more index insert. A column constraint is part of the table, so the
 * journal is rebuilt the way SQLite's documentation gives ("Making Other
 * Kinds Of Table Schema Changes"): a new table, the rows copied, the old one
 * dropped, the new one renamed, and its indices and triggers made again
 * with the text of the steps that made them (2, 3, 4 and 5). The store
 * runs every step with foreign keys off and checks them all before it
 * commits (store.c), so the tables that refer to the journal (entries,
 * void_requests, reprints, deposits, charges, payments, ...) keep
 * referring to it by name. Released: never edit; a change is a new step. */
#include "ledger_schema.h"

const store_migration_t ledger_schema_v13 = {13, "engine",
  /* entries_sealed (on entries) reads the journal: SQLite checks every
   * trigger when a table is renamed, and this one would name a table that
   * is, for a moment, not there */
  "DROP TRIGGER entries_sealed;"
  "CREATE TABLE journal_v13 ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  at_ms INTEGER NOT NULL,"
  "  terminal_id TEXT NOT NULL,"
  "  cashier TEXT NOT NULL,"
  "  shift_id INTEGER,"
  "  series TEXT,"
  "  receipt_no INTEGER,"
  "  idem_key BLOB,"
  "  reverses INTEGER UNIQUE REFERENCES journal(id),"
  "  method TEXT NOT NULL DEFAULT '',"
  "  memo TEXT NOT NULL DEFAULT '',"
  "  approver TEXT NOT NULL DEFAULT '',"
  "  tendered INTEGER NOT NULL DEFAULT 0,"
  "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
  "  UNIQUE (series, receipt_no));"
  "INSERT INTO journal_v13(id, kind, at_ms, terminal_id, cashier, shift_id, series, receipt_no,"
  "  idem_key, reverses, method, memo, approver, tendered, hash)"
  " SELECT id, kind, at_ms, terminal_id, cashier, shift_id, series, receipt_no, idem_key,"
  "  reverses, method, memo, approver, tendered, hash FROM journal ORDER BY id;"
  /* the old table's triggers and indices go with it */
  "DROP TABLE journal;"
  "ALTER TABLE journal_v13 RENAME TO journal;"
  /* step 3 */
  "CREATE INDEX journal_shift ON journal(shift_id) WHERE shift_id IS NOT NULL;"
  /* step 4 */
  "CREATE INDEX journal_at ON journal(at_ms);"
  /* step 2 */
  "CREATE TRIGGER entries_sealed BEFORE INSERT ON entries"
  "  WHEN EXISTS (SELECT 1 FROM journal WHERE id = NEW.txn_id)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: transaction is sealed; entries cannot be added'); END;"
  "CREATE TRIGGER journal_balanced BEFORE INSERT ON journal"
  "  WHEN (SELECT count(*) FROM entries WHERE txn_id = NEW.id) < 2"
  "    OR (SELECT coalesce(sum(amount), 0) FROM entries WHERE txn_id = NEW.id) != 0"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a transaction needs two or more entries summing to zero'); END;"
  "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: journal is append-only'); END;"
  "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: journal is append-only'); END;"
  /* step 5 */
  "CREATE TRIGGER journal_business_date_open BEFORE INSERT ON journal"
  "  WHEN NEW.shift_id IS NOT NULL AND EXISTS (SELECT 1 FROM shifts s"
  "    JOIN day_closes c ON c.date = s.business_date WHERE s.id = NEW.shift_id)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: the business date of this shift is closed'); END;"};
