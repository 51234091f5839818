/* shift_schema.h -- the shift folder's steps of the database schema (store.h). */
#ifndef TILLD_SHIFT_SCHEMA_H
#define TILLD_SHIFT_SCHEMA_H

#include "store.h"

extern const store_migration_t shift_schema_v3;
extern const store_migration_t shift_schema_v5; /* business dates */
extern const store_migration_t shift_schema_v12; /* undeposited and deposit indices */
extern const store_migration_t shift_schema_v14; /* ---- deplist: deposits in transit ---- */

#endif
