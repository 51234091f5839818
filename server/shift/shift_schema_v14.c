/* shift_schema_v14.c -- schema step 14: the index of the deposits still in
 * transit, so that `deposit list` and the web console's deposits page find
 * every deposit the bank has not confirmed, whatever its date, without
 * reading every deposit ever made. Released: never edit; a change is a new
 * step. */
#include "shift_schema.h"

const store_migration_t shift_schema_v14 = {14, "shift",
  /* only the deposits in transit (a deposit is confirmed once, and then
   * leaves the index); the WHERE must be repeated word for word by a query
   * that uses it (DEPOSIT_SQL_IN_TRANSIT in shift.h) */
  "CREATE INDEX deposits_in_transit ON deposits(business_date, id) WHERE state = 1;"};
