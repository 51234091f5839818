/* cmd_hospital.h -- the hospital's printers other groups share: the daily
 * and the monthly report's hospital block (cmd_report.c). */
#ifndef TILL_CMD_HOSPITAL_H
#define TILL_CMD_HOSPITAL_H

#include "till.pb-c.h"

/* ,"hospital":{...} or nothing when <h> is NULL. */
void print_hospital_day_json(const Till__V1__HospitalDay *h);
/* The "---- hospital ----" section of the daily or monthly report, or nothing when <h>
 * is NULL. 0, or -1 when memory ran out. */
int print_hospital_day_text(const Till__V1__HospitalDay *h);

#endif
