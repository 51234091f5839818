/* ledger_schema.h -- the engine folder's steps of the database schema (store.h). */
#ifndef TILLD_LEDGER_SCHEMA_H
#define TILLD_LEDGER_SCHEMA_H

#include "store.h"

extern const store_migration_t ledger_schema_v2;
extern const store_migration_t ledger_key_schema_v11; /* ledger_key_schema.c */
extern const store_migration_t ledger_schema_v13; /* the journal without UNIQUE (idem_key) */

#endif
