/* hosp_schema.h -- the hospital folder's step of the database schema (store.h). */
#ifndef TILLD_HOSP_SCHEMA_H
#define TILLD_HOSP_SCHEMA_H

#include "store.h"

extern const store_migration_t hosp_schema_v8; /* price list, bills, lines, patients */

#endif
