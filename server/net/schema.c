/* schema.c -- the list of schema steps, in version order. A domain that
 * needs tables adds its step (SQL in its own folder) at the end; released
 * steps never move or change (docs/architecture.md). */
#include "schema.h"

#include "access_schema.h"
#include "billing_schema.h"
#include "hosp_schema.h"
#include "ledger_schema.h"
#include "report_schema.h"
#include "shift_schema.h"
#include "refund_schema.h"
#include "toll_schema.h"

static const store_migration_t *const steps[] = {
  &access_schema_v1,
  &ledger_schema_v2,
  &shift_schema_v3,
  &report_schema_v4,
  &shift_schema_v5,
  &billing_schema_v6,
  &toll_schema_v7,
  &hosp_schema_v8, /* hospital */
  &refund_schema_v9, /* refunds */
  &billing_schema_v10, /* billing: meter readings */
  &ledger_key_schema_v11, /* ---- keys: endorsed server keys (rotation) ---- */
  &shift_schema_v12,
  &ledger_schema_v13,
  &shift_schema_v14, /* ---- deplist: deposits in transit ---- */
};

static const store_schema_t schema = {steps, (int)(sizeof steps / sizeof steps[0])};

const store_schema_t *
schema_all(void)
{
  return &schema;
}
