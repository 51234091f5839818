/* shift_schema_v5.c -- schema step 5: business dates (营业日).
 *
 * Every shift and every deposit carries the business date it belongs to,
 * fixed when it is made (ledger_business_date: the later of the server's
 * local calendar date and the day after the last closed date). Shifts and
 * deposits made before this step get the server's local calendar date of
 * their opened_at / created_at -- the day the old calendar rules counted
 * them on (till_local_date, the same TZ as SQLite's 'localtime'); a night
 * shift that crossed midnight then counts wholly on its opening date in the
 * reports (docs/ledger.md, "Migrating"). The triggers make the rules of
 * docs/ledger.md ("Business dates") hold in SQLite as well: a date is
 * valid and stays fixed, nothing new is stamped with a closed date, no
 * transaction is posted into a shift of a closed date, and no date closes
 * while a shift of it or of an earlier date is open.
 * Released: never edit; a change is a new step. */
#include "shift_schema.h"

const store_migration_t shift_schema_v5 = {5, "shift",
  "ALTER TABLE shifts ADD COLUMN business_date TEXT NOT NULL DEFAULT '';"
  "UPDATE shifts SET business_date = date(opened_at, 'unixepoch', 'localtime');"
  "ALTER TABLE deposits ADD COLUMN business_date TEXT NOT NULL DEFAULT '';"
  "UPDATE deposits SET business_date = date(created_at, 'unixepoch', 'localtime');"
  "CREATE INDEX shifts_business_date ON shifts(business_date);"
  "CREATE INDEX deposits_business_date ON deposits(business_date);"
  /* date(.., '+0 days') normalises (2026-02-30 is 2026-03-02): a string it
   * does not give back unchanged is no date */
  "CREATE TRIGGER shifts_business_date_valid BEFORE INSERT ON shifts"
  "  WHEN NEW.business_date IS NOT date(NEW.business_date, '+0 days')"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a shift needs its business date (YYYY-MM-DD)'); END;"
  "CREATE TRIGGER shifts_business_date_open BEFORE INSERT ON shifts"
  "  WHEN EXISTS (SELECT 1 FROM day_closes WHERE date = NEW.business_date)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: no shift opens on a closed business date'); END;"
  "CREATE TRIGGER shifts_business_date_fixed BEFORE UPDATE OF business_date ON shifts"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a shift keeps its business date'); END;"
  "CREATE TRIGGER deposits_business_date_valid BEFORE INSERT ON deposits"
  "  WHEN NEW.business_date IS NOT date(NEW.business_date, '+0 days')"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a deposit needs its business date (YYYY-MM-DD)'); END;"
  "CREATE TRIGGER deposits_business_date_open BEFORE INSERT ON deposits"
  "  WHEN EXISTS (SELECT 1 FROM day_closes WHERE date = NEW.business_date)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: no deposit is made on a closed business date'); END;"
  "CREATE TRIGGER deposits_business_date_fixed BEFORE UPDATE OF business_date ON deposits"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a deposit keeps its business date'); END;"
  "CREATE TRIGGER journal_business_date_open BEFORE INSERT ON journal"
  "  WHEN NEW.shift_id IS NOT NULL AND EXISTS (SELECT 1 FROM shifts s"
  "    JOIN day_closes c ON c.date = s.business_date WHERE s.id = NEW.shift_id)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: the business date of this shift is closed'); END;"
  "CREATE TRIGGER day_closes_no_open_shift BEFORE INSERT ON day_closes"
  "  WHEN EXISTS (SELECT 1 FROM shifts WHERE state = 1 AND business_date <= NEW.date)"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: a business date with an open shift cannot close'); END;"};
