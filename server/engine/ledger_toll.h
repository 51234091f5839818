/* ledger_toll.h -- the posting engine's entry for toll lanes: a toll paid
 * at an exit lane and a passage let through free (green channel, holiday,
 * military, police, emergency, disaster relief) (docs/tolls.md,
 * docs/ledger.md). A pass card issued at entry moves no money and posts
 * nothing.
 *
 * The toll domain prices the trip from its tariff; the engine checks what
 * it is given, makes it one balanced, chained, idempotent transaction in
 * the collector's open shift and numbers a paid toll's receipt.
 *
 * THREAD SAFETY: as ledger.h -- the writer thread's. */
#ifndef TILLD_LEDGER_TOLL_H
#define TILLD_LEDGER_TOLL_H

#include "ledger.h"

/* journal.kind of each toll event */
#define LEDGER_KIND_TOLL "toll"               /* Dr method's account / Cr revenue:toll, numbered */
#define LEDGER_KIND_TOLL_EXEMPT "toll_exempt" /* Dr waiver:<type> / Cr revenue:toll, not numbered */

#define LEDGER_TOLL_REVENUE "revenue:toll"
#define LEDGER_TOLL_CARD_REVENUE "revenue:toll_card" /* the fee for a lost or damaged card */

typedef struct {
  uint8_t key[TILL_KEY_LEN]; /* the lane's idempotency key (not all zero) */
  uint8_t req_hash[32];      /* SHA-256 of the domain's canonical request */
  const char *kind;          /* LEDGER_KIND_TOLL or LEDGER_KIND_TOLL_EXEMPT */
  const char *terminal;
  const char *cashier;
  const char *series_prefix; /* a paid toll's receipt series (the station's) */
  int method;                /* a paid toll: a till_method_t; an exemption: 0 */
  int64_t tendered;          /* fen; cash only, 0 = exact */
  const char *item;          /* the revenue line's item: "toll.p1" (class) */
  int64_t toll;              /* fen > 0: charged, or waived for an exemption */
  int64_t card_fee;          /* fen >= 0: a lost card's fee (paid toll only) */
  const char *exempt;        /* an exemption's type: waiver:<exempt>; else NULL */
  const char *memo;
} toll_post_t;

/* Post <p> into the open shift of <cashier> on <terminal>. A paid toll gets
 * the next number of its series and the entries: Dr <method's account>
 * toll + card fee; Cr revenue:toll toll (item, quantity 1); Cr
 * revenue:toll_card card fee when above 0. An exemption: Dr
 * waiver:<exempt> toll; Cr revenue:toll toll; no number. The key is
 * checked first (a replay needs only kind, key and request hash): the same
 * key and hash answers the first
 * result (res->replayed, *receipt the original number), a different request
 * under it is TILL_E_CONFLICT. On TILL_OK res->ref_id is the transaction
 * id; on error nothing is written and err says why. */
till_status_t ledger_post_toll(ledger_t *lg, store_conn_t *sc, const toll_post_t *p,
                               post_result_t *res /* OUT */, char *receipt /* OUT */,
                               size_t receipt_len, char *err, size_t errlen);

#endif
