/* report_pass.h -- what the daily and the monthly report share when they
 * read a period's entries in one pass (report_daily.c, report_monthly.c):
 * the kinds of transaction, the payment method of an account, a set of
 * names with their rows, and the waiver accounts' sums. */
#ifndef TILLD_REPORT_PASS_H
#define TILLD_REPORT_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "till.pb-c.h"

/* journal.kind as the reports tell them apart */
enum { REPORT_K_OTHER, REPORT_K_SALE, REPORT_K_VOID, REPORT_K_PAYMENT, REPORT_K_TOLL,
       REPORT_K_REFUND, REPORT_K_HOSP };
int report_kind_of(const char *kind);
/* A collection: a sale, its void, a payment against a payer, a toll. */
#define REPORT_K_COLLECTION(k)                                                   \
  ((k) == REPORT_K_SALE || (k) == REPORT_K_VOID || (k) == REPORT_K_PAYMENT ||    \
   (k) == REPORT_K_TOLL)

/* The payment method of a payment account (LEDGER_SQL_ENTRY_METHOD's
 * rule): cash for a drawer, <m> for clearing:<m>; 0 otherwise. */
int report_account_method(const char *account);

/* The refunds paid out per method, as the reports answer them: for each
 * method with refund_n[m] != 0, in the order of the methods' names, a
 * MethodAmount of refund_sum[m] into *list (made here, room for
 * TILL_METHOD_MAX); *count gets the refunds, *total their sum. TILL_OK,
 * or the failure recorded (out of memory, a total out of range). */
till_status_t report_refunds_list(req_t *r, const int64_t *refund_n, const int64_t *refund_sum,
                                  Till__V1__MethodAmount ***list, size_t *n_list,
                                  int64_t *count, int64_t *total);

/* A set of names (items, cashiers, takings keys) and their rows' indices:
 * open addressing over REPORT_NAME_SLOTS slots with FNV-1a, at most <max>
 * names (each copied into the request's arena), so at most 62 % full. */
#define REPORT_NAME_SLOTS 16384
#define REPORT_NAMES_MAX (REPORT_NAME_SLOTS * 5 / 8)

typedef struct {
  int32_t *slot;      /* a row's index + 1; 0 empty */
  const char **name;  /* by row */
  size_t n, max;
  size_t last;        /* the row found last: rows come in runs of one name */
} report_names_t;

/* An empty set for at most <max> (<= REPORT_NAMES_MAX) names: 0, or -1
 * out of memory. */
int report_names_init(req_t *r, report_names_t *s, size_t max);
/* The row of <name> into *row, added if new (*added set). 0; 1 when the
 * set is full; -1 out of memory. */
int report_names_find(req_t *r, report_names_t *s, const char *name, size_t *row, int *added);

/* One waiver account: the transactions debiting it less those crediting
 * it, and the sum; <pos> and <neg> the last transaction counted each way
 * (a transaction's entries come together, so that counts each once). */
typedef struct {
  const char *account;
  int64_t count, amount, pos, neg;
} report_waiver_t;

typedef struct {
  report_waiver_t *w;
  size_t n, max, last;
} report_waivers_t;

/* Room for <max> accounts: 0, or -1 out of memory. */
int report_waivers_init(req_t *r, report_waivers_t *ws, size_t max);
/* An entry of transaction <txn> on the waiver account <account>: 0; 1
 * when the period has more than max accounts; -1 out of memory. */
int report_waiver_entry(req_t *r, report_waivers_t *ws, const char *account, int64_t txn,
                        int64_t amount);
/* In account order (strcmp: SQLite's BINARY order for UTF-8 text). */
void report_waivers_sort(report_waivers_t *ws);

#endif
