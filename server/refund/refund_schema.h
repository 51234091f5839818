/* refund_schema.h -- the refund folder's step of the database schema
 * (store.h). */
#ifndef TILLD_REFUND_SCHEMA_H
#define TILLD_REFUND_SCHEMA_H

#include "store.h"

extern const store_migration_t refund_schema_v9; /* refund requests and their lines */

#endif
