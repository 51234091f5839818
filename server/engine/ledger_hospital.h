/* ledger_hospital.h -- the posting engine's entry for hospital cashier
 * windows (docs/hospital.md, docs/ledger.md): an itemised bill with its
 * insurance split, a patient's deposit (预交金) taken or topped up, and the
 * deposit's balance paid back at discharge.
 *
 * The hospital domain prices the bill and works out the split; the engine
 * checks what it is given against the kind's rules -- which accounts the
 * kind may touch and on which side, that it goes into the cashier's open
 * shift with the next number of its series, that no patient's deposit
 * goes below zero -- and makes it one balanced, chained, idempotent
 * transaction. A refusal writes nothing.
 *
 * THREAD SAFETY: as ledger.h -- the writer thread's. */
#ifndef TILLD_LEDGER_HOSPITAL_H
#define TILLD_LEDGER_HOSPITAL_H

#include "ledger.h"

/* journal.kind of each hospital event */
#define LEDGER_KIND_HOSP_BILL "hosp_bill"           /* a bill: Dr shares / Cr revenue:hospital */
#define LEDGER_KIND_HOSP_DEPOSIT "hosp_deposit"     /* 预交金 in: Dr method / Cr deposit:patient:<id> */
#define LEDGER_KIND_HOSP_DISCHARGE "hosp_discharge" /* balance out: Dr deposit / Cr drawer */

#define LEDGER_HOSP_REVENUE "revenue:hospital"              /* the lines, item = price-list code */
#define LEDGER_HOSP_FUND "receivable:medical-fund"          /* 统筹基金: the fund share */
#define LEDGER_HOSP_ACCOUNT "receivable:medical-account"    /* 个人账户: the personal account */
#define LEDGER_HOSP_SHARE "waiver:hospital"                 /* 医院承担: the hospital share */
#define LEDGER_HOSP_DEPOSIT_PREFIX "deposit:patient:"       /* liability: a patient's deposit */
#define LEDGER_HOSP_PATIENT_MAX 32                          /* a patient id: an identifier */
#define LEDGER_HOSP_ACCOUNT_MAX 64

/* One entry. Either <account> names it, or <method> (a till_method_t, > 0)
 * asks for the account that method's money lands in: the drawer of the
 * cashier's open shift for cash, clearing:<method> otherwise. */
typedef struct {
  char account[LEDGER_HOSP_ACCOUNT_MAX];
  int method;
  int64_t amount;                 /* fen; a debit > 0, a credit < 0; never 0 */
  char item[LEDGER_ITEM_MAX + 1]; /* a revenue line's price-list code, else "" */
  int64_t quantity;               /* a revenue line's, else 0 */
  int64_t unit_price;             /* fen; a revenue line's, else 0 */
} hosp_entry_t;

#define LEDGER_HOSP_MAX_ENTRIES TILL_CHAIN_MAX_ENTRIES

typedef struct {
  uint8_t key[TILL_KEY_LEN]; /* the idempotency key (not all zero) */
  uint8_t req_hash[32];      /* SHA-256 of the domain's canonical request */
  const char *kind;          /* one of LEDGER_KIND_HOSP_* */
  const char *terminal;
  const char *cashier;
  const char *series_prefix; /* the hospital's receipt series */
  const char *method;        /* journal.method: the method's name, or "" */
  int64_t tendered;          /* fen; cash only */
  const char *memo;
  size_t n_entries;
  hosp_entry_t entries[LEDGER_HOSP_MAX_ENTRIES];
} hosp_post_t;

/* Post <p> into the open shift of <cashier> on <terminal> with the next
 * number of <series_prefix>. The rules per kind:
 *   hosp_bill      debits: a method's account, deposit:patient:<id>,
 *                  receivable:medical-fund, receivable:medical-account,
 *                  waiver:hospital; credits: revenue:hospital (with item,
 *                  quantity and unit price)
 *   hosp_deposit   debits: a method's account; credits: deposit:patient:<id>
 *   hosp_discharge debits: deposit:patient:<id>; credits: the cash drawer
 * At most one patient's deposit account per transaction, and after the
 * posting its balance (credits less debits) is not below 0: otherwise
 * TILL_E_PRECONDITION "the deposit of patient P is X, less than Y". The key
 * is checked first: the same key and hash answers the first result
 * (res->replayed, *receipt the original number), a different request under
 * it is TILL_E_CONFLICT. On TILL_OK res->ref_id is the transaction id and
 * *receipt "SERIES-NO". On error nothing is written and err says why. */
till_status_t ledger_post_hospital(ledger_t *lg, store_conn_t *sc, const hosp_post_t *p,
                                   post_result_t *res /* OUT */, char *receipt /* OUT */,
                                   size_t receipt_len, char *err, size_t errlen);

/* The balance of patient <patient>'s deposit (credits less debits, fen)
 * from the entries: 0, or -1 on a database error. Readers call it too. */
int ledger_hosp_deposit_balance(store_conn_t *sc, const char *patient, int64_t *balance /* OUT */);

#endif
