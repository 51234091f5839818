/* billing_schema.h -- the billing folder's step of the database schema
 * (store.h). */
#ifndef TILLD_BILLING_SCHEMA_H
#define TILLD_BILLING_SCHEMA_H

#include "store.h"

extern const store_migration_t billing_schema_v6; /* payers, schemes, charges */
extern const store_migration_t billing_schema_v10; /* meter readings */

#endif
