/* access_schema.h -- the access folder's steps of the database schema (store.h). */
#ifndef TILLD_ACCESS_SCHEMA_H
#define TILLD_ACCESS_SCHEMA_H

#include "store.h"

extern const store_migration_t access_schema_v1;

#endif
