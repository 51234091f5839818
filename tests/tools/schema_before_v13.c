/* schema_before_v13.c -- tilld-before-v13: tilld as it was before schema
 * step 13 (the journal rebuilt without UNIQUE (idem_key)), for
 * tests/integ/test_journal_rebuild.sh: the same server, linked with this
 * schema_all() in place of server/net/schema.c's, so it makes and fills a
 * database at version 12 that the real tilld then migrates. Released steps
 * never change, so this list stays true. */
#include "schema.h"

#include "access_schema.h"
#include "billing_schema.h"
#include "hosp_schema.h"
#include "ledger_schema.h"
#include "refund_schema.h"
#include "report_schema.h"
#include "shift_schema.h"
#include "toll_schema.h"

static const store_migration_t *const steps[] = {
  &access_schema_v1, &ledger_schema_v2,  &shift_schema_v3, &report_schema_v4,
  &shift_schema_v5,  &billing_schema_v6, &toll_schema_v7,  &hosp_schema_v8,
  &refund_schema_v9, &billing_schema_v10, &ledger_key_schema_v11, &shift_schema_v12,
};

static const store_schema_t schema = {steps, (int)(sizeof steps / sizeof steps[0])};

const store_schema_t *
schema_all(void)
{
  return &schema;
}
