/* refund_schema.c -- schema step 9: refunds (退费, docs/refunds.md).
 *
 * A refund request names its original transaction and asks back an amount
 * or some of its lines (refund_lines), with a reason and a confirmation
 * reference; a supervisor other than the requester approves or rejects it;
 * a cashier pays it out of their open shift, and the engine
 * (ledger_post_refund) posts the refund transaction, numbered in the
 * refund series, and marks the request paid with it. The money is in the
 * journal; this table says which original each refund took back from.
 * Released: never edit once landed; a change is a new step. */
#include "refund_schema.h"

const store_migration_t refund_schema_v9 = {9, "refund",
  "CREATE TABLE refunds ("
  "  id INTEGER PRIMARY KEY,"
  "  orig_txn_id INTEGER NOT NULL REFERENCES journal(id),"
  "  amount INTEGER NOT NULL CHECK (amount > 0),"
  "  by_lines INTEGER NOT NULL DEFAULT 0 CHECK (by_lines IN (0, 1)),"
  "  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),"
  "  reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 64),"
  "  requested_by TEXT NOT NULL,"
  "  requested_terminal TEXT NOT NULL,"
  "  requested_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'requested'"
  "    CHECK (state IN ('requested', 'approved', 'rejected', 'paid')),"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  note TEXT NOT NULL DEFAULT '',"
  "  paid_by TEXT,"
  "  paid_terminal TEXT,"
  "  paid_at INTEGER,"
  "  method TEXT NOT NULL DEFAULT '',"
  "  refund_txn_id INTEGER UNIQUE REFERENCES journal(id)"
  ");"
  "CREATE INDEX refunds_orig ON refunds(orig_txn_id);"
  "CREATE INDEX refunds_state ON refunds(state);"
  "CREATE TABLE refund_lines ("
  "  refund_id INTEGER NOT NULL REFERENCES refunds(id),"
  "  seq INTEGER NOT NULL,"
  "  item TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
  "  PRIMARY KEY (refund_id, seq)"
  ") WITHOUT ROWID;"
  "CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds"
  "  BEGIN SELECT RAISE(ABORT, 'refund: requests are kept'); END;"
  "CREATE TRIGGER refunds_paid_final BEFORE UPDATE ON refunds"
  "  WHEN OLD.state IN ('paid', 'rejected')"
  "  BEGIN SELECT RAISE(ABORT, 'refund: a paid or rejected request does not change'); END;"
};
