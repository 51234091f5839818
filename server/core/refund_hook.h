/* refund_hook.h -- the extension point through which a domain says what a
 * refund (退费) of one of its transactions posts and changes in its own
 * tables, without the refund domain (server/refund/) including that domain
 * (docs/architecture.md, "Refunds: the extension point"; docs/refunds.md).
 *
 * A refund names an original numbered transaction (a sale, a billing
 * payment, a hospital bill's payment, ...) and asks back either an amount
 * or some of its lines. The refund domain looks the original's journal.kind
 * up here and asks the hook of that kind:
 *
 *   legs    -- which entries the refund posts besides the paid-out one:
 *              each leg reverses (part of) an entry of the original, on the
 *              same account with the opposite sign (a sale's credit to
 *              revenue:<item> comes back as a debit). Called when the
 *              request is made (on a reader, to check and price it) and
 *              again when it is paid (on the writer, inside the refund's
 *              savepoint), so it only reads.
 *   posted  -- called on the writer right after the refund transaction was
 *              posted, inside the same savepoint: the domain changes its
 *              own tables (billing reopens the charges the payment
 *              settled). NULL when the domain has nothing to change. A
 *              failure rolls the whole refund back.
 *
 * The engine (ledger_post_refund, server/engine/ledger_refund.h) adds the
 * paid-out leg -- Cr the paying cashier's drawer (cash) or the original's
 * clearing:<method> -- and checks every leg against the original and the
 * refunds already paid, whatever the hook returned: a hook cannot post to
 * an account the original did not touch, nor more than is left on it.
 *
 *   item_name -- the name of an item of the original, for the refund slip
 *              and the list (may be NULL).
 *
 * Wiring: a domain exports a `const refund_hook_t` (sales: sales_refund_hook
 * for "sale"; billing: billing_refund_hook for "payment"; hospital: its own;
 * tolls: toll_refund_hook for "toll")
 * and server/net/ registers each one at start-up with refund_hook_register,
 * before any thread runs. After that the table is only read, from any
 * thread.
 *
 * Signs: amounts are signed fen, debit > 0, as in entries. A refund of a
 * sale of 30.00 (Dr drawer 30.00 / Cr revenue:ticket -30.00) has the leg
 * revenue:ticket +30.00 and the engine's paid-out leg drawer -30.00. The
 * legs of a refund add up to what is paid out (> 0). */
#ifndef TILLD_REFUND_HOOK_H
#define TILLD_REFUND_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "store.h"

#define REFUND_ITEM_MAX 32                     /* as LEDGER_ITEM_MAX */
#define REFUND_ACCOUNT_MAX 96
#define REFUND_MAX_LINES 32                    /* lines asked back in one refund */
#define REFUND_MAX_LEGS (TILL_CHAIN_MAX_ENTRIES - 1) /* the engine adds the paid-out leg */
#define REFUND_MAX_HOOKS 16
#define REFUND_MAX_DONE TILL_CHAIN_MAX_ENTRIES /* distinct (account, item) already refunded */
#define REFUND_NAME_MAX 160                    /* an item's name, with its NUL (UTF-8 bytes) */

/* A line asked back: the item as the original's entry names it, and how
 * many of it. */
typedef struct {
  char item[REFUND_ITEM_MAX + 1];
  int64_t quantity;          /* >= 1 */
} refund_line_t;

/* What the refunds already paid on the original took back, summed per
 * account and item of their legs (the paid-out legs left out). The refund
 * domain fills it from the engine (ledger_refunded_so_far), so a hook
 * never reads the refund tables. */
typedef struct {
  char account[REFUND_ACCOUNT_MAX];
  char item[REFUND_ITEM_MAX + 1];
  int64_t amount;            /* signed fen, summed */
  int64_t quantity;          /* summed */
} refund_done_t;

/* One refund as asked: of <orig_txn_id>, an amount or lines, never both. */
typedef struct {
  int64_t refund_id;         /* the request's id; 0 while it is only being checked */
  int64_t orig_txn_id;
  const char *orig_kind;     /* the original's journal.kind, the hook's own */
  const char *orig_number;   /* the original's receipt number, for messages */
  int64_t amount;            /* fen > 0 when an amount is asked back; 0 when lines are */
  size_t n_lines;
  refund_line_t lines[REFUND_MAX_LINES];
  size_t n_done;
  refund_done_t done[REFUND_MAX_DONE]; /* the refunds already paid on the original */
} refund_ask_t;

/* One leg the refund posts besides the paid-out one. */
typedef struct {
  char account[REFUND_ACCOUNT_MAX]; /* an account the original has an entry on */
  int64_t amount;            /* signed fen, opposite in sign to the original's entry; never 0 */
  char item[REFUND_ITEM_MAX + 1];   /* the original entry's item, or "" */
  int64_t quantity;          /* of the item taken back; 0 when it means nothing */
  int64_t unit_price;        /* fen, as on the original's entry; 0 when it means nothing */
} refund_leg_t;

typedef struct refund_hook {
  const char *kind;          /* the journal.kind of the originals it refunds: "sale" */
  /* The legs of refunding <ask> into legs[0..*n_legs). Reads only. On a
   * refusal (a line not on the original, more than is left, an amount the
   * domain cannot split) records it with req_fail, naming what is wrong,
   * and returns its status; nothing is written by anyone then. */
  till_status_t (*legs)(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
                        refund_leg_t legs[REFUND_MAX_LEGS], size_t *n_legs /* OUT */);
  /* After the refund transaction <refund_txn_id> with <legs> was posted,
   * inside the same savepoint: change the domain's own tables. May be NULL.
   * A failure is recorded with req_fail and returned; the refund is then
   * rolled back whole. */
  till_status_t (*posted)(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
                          const refund_leg_t *legs, size_t n_legs, int64_t refund_txn_id);
  /* The name a person reads for <item> of original <orig_txn_id> (a sale's
   * fee item's name, a hospital line's name as billed) into name[0..len),
   * "" when the domain has none (the slip shows the code). Reads only; on a
   * reader or the writer. May be NULL: no names. A database error is
   * recorded with req_fail and returned. */
  till_status_t (*item_name)(req_t *r, store_conn_t *sc, int64_t orig_txn_id, const char *item,
                             char *name /* OUT */, size_t len);
} refund_hook_t;

/* The legs of a refund of an original whose lines are entries with an item
 * (a sale's items, a toll's class and card fee: revenue:<...> credits with
 * item, quantity and unit price), for a hook that has nothing of its own to
 * add (refund_items.c). Asked by lines: each line at the original's unit
 * price, never more units or fen than are left on it; asked as an amount:
 * split over the lines in proportion to what is left on each (each line's
 * floor of amount x left / total left, the fen the division leaves to the
 * first lines with room), never more than is left in all. Reads only. */
till_status_t refund_item_legs(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
                               refund_leg_t legs[REFUND_MAX_LEGS], size_t *n_legs /* OUT */);

/* Register <h> (static storage; its kind unique) at start-up, before any
 * worker thread runs: 0 (also when <h> itself is registered already), or
 * -1 when the table is full or another hook has the kind (a wiring bug,
 * logged). */
int refund_hook_register(const refund_hook_t *h);

/* The hook for originals of <kind>, or NULL when that kind cannot be
 * refunded. */
const refund_hook_t *refund_hook_find(const char *kind);

#endif
