/* toll_schema.h -- the toll folder's step of the database schema (store.h). */
#ifndef TILLD_TOLL_SCHEMA_H
#define TILLD_TOLL_SCHEMA_H

#include "store.h"

extern const store_migration_t toll_schema_v7; /* stations, tariffs, lanes, cards, passages */

#endif
