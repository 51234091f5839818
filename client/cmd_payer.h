/* cmd_payer.h -- what the payer commands share (cmd_payer.c,
 * cmd_payer_import.c, cmd_payer_find.c). */
#ifndef TILL_CMD_PAYER_H
#define TILL_CMD_PAYER_H

#include <stddef.h>
#include <stdint.h>

#include "till.pb-c.h"

/* "occupied" as the user reads it (已入住 in Chinese). */
const char *payer_occupancy_text(const char *occ);
/* 8750 -> "87.50" into buf. */
void payer_area(char *buf, size_t len, int64_t centi);
/* The payer as one JSON object on stdout (no newline). */
void payer_json(const Till__V1__Payer *p);

#endif
