/* toll_refund.c -- what a refund (退费) of a paid toll posts, for the
 * refund domain through core/refund_hook.h (docs/tolls.md, "Refunds").
 *
 * A paid toll is a receipt like a sale's: Dr the method's account / Cr
 * revenue:toll with the class as its item (toll.p1, one unit at the toll)
 * and, for a lost card, Cr revenue:toll_card (toll.card). A refund takes
 * back either a line (--line toll.p1, --line toll.card) or an amount split
 * over the two in proportion to what is left on each -- the core's
 * refund_item_legs, as for a sale.
 *
 * Nothing of the toll's own changes, so there is no `posted`: the passage
 * stays (the vehicle did drive the trip, and the hand-over and the toll
 * report count vehicles, not money) and the pass card stays settled (it
 * was handed in at the exit and is back in the lane's box; reopening it
 * would list a card as out that no driver holds, and the card's id could
 * not be issued again). A refund gives money back -- a wrong class, a
 * charge twice -- it does not undo the trip. */
#include "ledger_toll.h"
#include "toll.h"

const refund_hook_t toll_refund_hook = {LEDGER_KIND_TOLL, refund_item_legs, NULL,
                                        NULL /* names: the client says toll.<class> in words */};
