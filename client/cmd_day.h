/* cmd_day.h -- a signed chain head in JSON, as till day close prints it,
 * for the close of a day in till report daily too. */
#ifndef TILL_CMD_DAY_H
#define TILL_CMD_DAY_H

#include "till.pb-c.h"

/* {"txn_id":...,"head_hash":"...","at_ms":...,"reason":...,"signature":"..."}
 * on stdout, or null for NULL. */
void cmd_day_signature_json(const Till__V1__ChainSignature *s);

#endif
