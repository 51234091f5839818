/* sales_refund.c -- what a refund of a sale posts (core/refund_hook.h):
 * the sale's lines come back as debits to their revenue accounts. Asked by
 * lines, each line at the sale's unit price; asked as an amount, split
 * over the lines in proportion to what is left on each -- the core's
 * refund_item_legs, which the toll domain shares. A sale changes no table
 * of its own when refunded, so there is no `posted`. */
#include "sales.h"

const refund_hook_t sales_refund_hook = {"sale", refund_item_legs, NULL};
