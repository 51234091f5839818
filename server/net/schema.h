/* schema.h -- the database schema of this build: every folder's steps in
 * version order (store.h). */
#ifndef TILLD_SCHEMA_H
#define TILLD_SCHEMA_H

#include "store.h"

const store_schema_t *schema_all(void);

#endif
