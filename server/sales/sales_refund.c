/* sales_refund.c -- what a refund of a sale posts (core/refund_hook.h):
 * the sale's lines come back as debits to their revenue accounts. Asked by
 * lines, each line at the sale's unit price; asked as an amount, split
 * over the lines in proportion to what is left on each -- the core's
 * refund_item_legs, which the toll domain shares. A sale changes no table
 * of its own when refunded, so there is no `posted`; an item's name is its
 * fee item's. */
#include "sales.h"

#include <stdio.h>

/* The fee item's name, as the sale's receipt prints it (fee_items). */
static till_status_t
sale_item_name(req_t *r, store_conn_t *sc, int64_t orig_txn_id, const char *item, char *name,
               size_t len)
{
  static const char sql[] = "SELECT name FROM fee_items WHERE code = ?";
  (void)orig_txn_id;
  name[0] = '\0';
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_text(st, 1, item, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    snprintf(name, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return req_step_failed(r, st, rc);
  return TILL_OK;
}

const refund_hook_t sales_refund_hook = {"sale", refund_item_legs, NULL, sale_item_name};
