/* ledger_key_schema.c -- schema step 11: the ledger's signing keys in turn.
 * A key that replaces another (tilld rotate-key) is endorsed by it: the
 * previous key signs the new key's public half (docs/ledger.md, "Signing
 * keys"). server_keys becomes append-only like the signatures under them.
 * Released: never edit; a change is a new step. */
#include "ledger_schema.h"

const store_migration_t ledger_key_schema_v11 = {11, "engine",
  "ALTER TABLE server_keys ADD COLUMN endorsed_by INTEGER REFERENCES server_keys(id);"
  "ALTER TABLE server_keys ADD COLUMN endorsement BLOB;"
  "CREATE TRIGGER server_keys_no_update BEFORE UPDATE ON server_keys"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: server keys are append-only'); END;"
  "CREATE TRIGGER server_keys_no_delete BEFORE DELETE ON server_keys"
  "  BEGIN SELECT RAISE(ABORT, 'ledger: server keys are append-only'); END;"};
