/* shift_schema_v12.c -- schema step 12: the indices that let "not deposited"
 * and a deposit's shifts be found without reading every shift ever closed
 * (issue 23). Released: never edit; a change is a new step. */
#include "shift_schema.h"

const store_migration_t shift_schema_v12 = {12, "shift",
  /* a deposit's shifts (deposit_info_build), and the shifts of the
   * deposits made after a date (the daily report's "not deposited") */
  "CREATE INDEX shifts_deposit ON shifts(deposit_id) WHERE deposit_id IS NOT NULL;"
  /* the shifts whose cash is waiting for a deposit: only those, so that
   * the daily report and `deposit pending` read the pile, not history.
   * The WHERE must be repeated word for word by a query that uses it
   * (SHIFT_SQL_UNDEPOSITED in shift.h) */
  "CREATE INDEX shifts_undeposited ON shifts(business_date, id)"
  "  WHERE deposit_id IS NULL AND state IN (2, 3)"
  "    AND coalesce(counted_cash, 0) - float_amount > 0;"};
