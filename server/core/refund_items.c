/* refund_items.c -- the legs of a refund of an original whose revenue lines
 * carry an item, a quantity and a unit price (a sale's lines, a toll's
 * class and card fee): refund_item_legs, see refund_hook.h. Shared by the
 * domains whose hooks have nothing of their own to add, so no domain
 * includes another to reuse it. Reads only. */
#include "refund_hook.h"

#include <stdio.h>
#include <string.h>

#include "till_money.h"

#define ITEM_GROUPS_MAX TILL_CHAIN_MAX_ENTRIES

/* One revenue line of the original (same account and item summed), with what
 * earlier refunds left on it. */
typedef struct {
  char account[REFUND_ACCOUNT_MAX];
  char item[REFUND_ITEM_MAX + 1];
  int64_t unit_price;
  int64_t left;              /* fen still to refund */
  int64_t left_qty;          /* units still to refund */
  int64_t take;              /* fen this refund takes */
  int64_t take_qty;
} item_group_t;

typedef struct {
  item_group_t g[ITEM_GROUPS_MAX];
  size_t n;
} groups_t;

static till_status_t
group_row(req_t *r, sqlite3_stmt *st, void *arg)
{
  (void)r;
  groups_t *gs = arg;
  item_group_t *g = &gs->g[gs->n++];
  memset(g, 0, sizeof *g);
  snprintf(g->account, sizeof g->account, "%s", (const char *)sqlite3_column_text(st, 0));
  snprintf(g->item, sizeof g->item, "%s", (const char *)sqlite3_column_text(st, 1));
  g->left = -sqlite3_column_int64(st, 2);
  g->left_qty = sqlite3_column_int64(st, 3);
  g->unit_price = sqlite3_column_int64(st, 4);
  return TILL_OK;
}

/* The original's item lines less what the refunds paid on it took back. */
static till_status_t
load_groups(req_t *r, store_conn_t *sc, const refund_ask_t *ask, groups_t *gs)
{
  static const char sql[] =
    "SELECT account, item, sum(amount), sum(quantity), max(unit_price) FROM entries"
    " WHERE txn_id = ? AND item != '' GROUP BY account, item ORDER BY min(seq)";
  gs->n = 0;
  sqlite3_stmt *st = store_stmt(sc, sql);
  if (!st)
    return req_fail(r, TILL_E_INTERNAL, "internal error");
  sqlite3_bind_int64(st, 1, ask->orig_txn_id);
  if (req_rows(r, st, ITEM_GROUPS_MAX, group_row, gs, NULL) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < gs->n; i++)
    for (size_t j = 0; j < ask->n_done; j++)
      if (strcmp(ask->done[j].account, gs->g[i].account) == 0 &&
          strcmp(ask->done[j].item, gs->g[i].item) == 0) {
        gs->g[i].left -= ask->done[j].amount;
        gs->g[i].left_qty -= ask->done[j].quantity;
      }
  return TILL_OK;
}

static till_status_t
take_lines(req_t *r, const refund_ask_t *ask, groups_t *gs)
{
  char a[TILL_MONEY_STR_MAX];
  for (size_t i = 0; i < ask->n_lines; i++) {
    const refund_line_t *l = &ask->lines[i];
    size_t k = 0;
    while (k < gs->n && strcmp(gs->g[k].item, l->item) != 0)
      k++;
    if (k == gs->n)
      return req_fail(r, TILL_E_INVALID, "%s has no line %s", ask->orig_number, l->item);
    item_group_t *g = &gs->g[k];
    g->take_qty += l->quantity;
    if (g->take_qty > g->left_qty)
      return req_fail(r, TILL_E_PRECONDITION, "only %lld of %s are left to refund on %s",
                      (long long)(g->left_qty > 0 ? g->left_qty : 0), g->item, ask->orig_number);
    g->take = g->take_qty * g->unit_price; /* both bounded: quantity 1e6, price 1e11/qty */
    if (g->take > g->left) {
      till_money_format(g->left, a, sizeof a);
      return req_fail(r, TILL_E_PRECONDITION, "only %s of line %s is left to refund on %s", a,
                      g->item, ask->orig_number);
    }
  }
  return TILL_OK;
}

/* <amount> over the lines in proportion to what is left on each, the fen
 * the division leaves to the first lines that still have room. */
static till_status_t
take_amount(req_t *r, const refund_ask_t *ask, groups_t *gs)
{
  char a[TILL_MONEY_STR_MAX], b[TILL_MONEY_STR_MAX];
  int64_t left = 0, given = 0;
  for (size_t i = 0; i < gs->n; i++)
    left += gs->g[i].left > 0 ? gs->g[i].left : 0;
  if (ask->amount > left) {
    till_money_format(ask->amount, a, sizeof a);
    till_money_format(left, b, sizeof b);
    return req_fail(r, TILL_E_PRECONDITION, "a refund of %s exceeds what is left unrefunded on "
                    "%s (%s)", a, ask->orig_number, b);
  }
  for (size_t i = 0; i < gs->n; i++) {
    item_group_t *g = &gs->g[i];
    if (g->left <= 0)
      continue;
    g->take = (int64_t)((__int128)ask->amount * g->left / left);
    given += g->take;
  }
  for (size_t i = 0; i < gs->n && given < ask->amount; i++) {
    item_group_t *g = &gs->g[i];
    int64_t room = g->left - g->take, add = ask->amount - given;
    if (room <= 0)
      continue;
    if (add > room)
      add = room;
    g->take += add;
    given += add;
  }
  return TILL_OK;
}

till_status_t
refund_item_legs(req_t *r, store_conn_t *sc, const refund_ask_t *ask,
                 refund_leg_t legs[REFUND_MAX_LEGS], size_t *n)
{
  groups_t local; /* a hook may be asked on a reader too: the stack, not a static */
  groups_t *g = &local;
  *n = 0;
  if (load_groups(r, sc, ask, g) != TILL_OK)
    return r->status;
  if ((ask->n_lines ? take_lines(r, ask, g) : take_amount(r, ask, g)) != TILL_OK)
    return r->status;
  for (size_t i = 0; i < g->n && *n < REFUND_MAX_LEGS; i++) {
    const item_group_t *s = &g->g[i];
    if (s->take <= 0)
      continue;
    refund_leg_t *l = &legs[(*n)++];
    memset(l, 0, sizeof *l);
    snprintf(l->account, sizeof l->account, "%s", s->account);
    snprintf(l->item, sizeof l->item, "%s", s->item);
    l->amount = s->take;
    l->quantity = s->take_qty;
    l->unit_price = s->take_qty ? s->unit_price : 0;
  }
  if (*n == 0)
    return req_fail(r, TILL_E_PRECONDITION, "nothing is left to refund on %s", ask->orig_number);
  return TILL_OK;
}

