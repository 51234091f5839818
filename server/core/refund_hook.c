/* refund_hook.c -- the table of refund hooks per original kind; see
 * refund_hook.h. Filled by server/net/ at start-up, read-only after. */
#include "refund_hook.h"

#include <string.h>

#include "till_log.h"

static const refund_hook_t *hooks[REFUND_MAX_HOOKS];
static size_t n_hooks;

int
refund_hook_register(const refund_hook_t *h)
{
  if (!h || !h->kind || !h->legs) {
    log_err(LD_GENERAL, "refund hook: a hook needs a kind and a legs function");
    return -1;
  }
  const refund_hook_t *had = refund_hook_find(h->kind);
  if (had == h)
    return 0; /* registered by an earlier start in this process (tests) */
  if (had) {
    log_err(LD_GENERAL, "refund hook: kind %s is registered already", h->kind);
    return -1;
  }
  if (n_hooks == REFUND_MAX_HOOKS) {
    log_err(LD_GENERAL, "refund hook: more than %d kinds", REFUND_MAX_HOOKS);
    return -1;
  }
  hooks[n_hooks++] = h;
  return 0;
}

const refund_hook_t *
refund_hook_find(const char *kind)
{
  if (!kind)
    return NULL;
  for (size_t i = 0; i < n_hooks; i++)
    if (strcmp(hooks[i]->kind, kind) == 0)
      return hooks[i];
  return NULL;
}
