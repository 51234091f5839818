/* print_payment.h -- a payment's receipt (till pay, till receipt show of a
 * payment) for an 80 mm printer, and its --json form. */
#ifndef TILL_PRINT_PAYMENT_H
#define TILL_PRINT_PAYMENT_H

#include <stdio.h>

#include "cli.h"
#include "print.h"

/* <copy> and <reprint_count> come from the sales receipt of the same
 * number (a reprint is counted there). */
void print_payment_receipt(FILE *f, const Till__V1__PaymentReceipt *r, int copy,
                           int reprint_count);
void print_payment_receipt_json(FILE *f, const Till__V1__PaymentReceipt *r, int replayed,
                                int copy);
/* One PaymentLine as a JSON object, "," before it unless <first>. */
void print_payment_line_json(FILE *f, const Till__V1__PaymentLine *l, int first);

/* 1 if the sales receipt <r> is a payment against a payer: its lines are
 * billing items ("heating:2025-2026", "prepaid"), which a fee item's code
 * never is (no ':'). */
int print_receipt_is_payment(const Till__V1__Receipt *r);
/* Fetch and print the payment receipt <number> (PaymentReceiptRequest):
 * 0 or the exit code. */
int print_payment_by_number(cli_t *cli, const char *number, int copy, int reprint_count);

#endif
