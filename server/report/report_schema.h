/* report_schema.h -- the report folder's steps of the database schema (store.h). */
#ifndef TILLD_REPORT_SCHEMA_H
#define TILLD_REPORT_SCHEMA_H

#include "store.h"

extern const store_migration_t report_schema_v4;

#endif
