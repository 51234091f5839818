/* till_names.c -- see till_names.h. */
#include "till_names.h"

#include <stddef.h>
#include <string.h>

static const char *const role_names[TILL_ROLE_MAX + 1] = {
  [TILL_ROLE_CASHIER] = "cashier",
  [TILL_ROLE_SUPERVISOR] = "supervisor",
  [TILL_ROLE_AUDITOR] = "auditor",
  [TILL_ROLE_ADMIN] = "admin",
};

static const char *const method_names[TILL_METHOD_MAX + 1] = {
  [TILL_METHOD_CASH] = "cash",         [TILL_METHOD_CARD] = "card",
  [TILL_METHOD_WECHAT] = "wechat",     [TILL_METHOD_ALIPAY] = "alipay",
  [TILL_METHOD_TRANSFER] = "transfer", [TILL_METHOD_CHEQUE] = "cheque",
  [TILL_METHOD_SUBSIDY] = "subsidy",
};

static const unsigned char method_electronic[TILL_METHOD_MAX + 1] = {
  [TILL_METHOD_CARD] = 1, [TILL_METHOD_WECHAT] = 1, [TILL_METHOD_ALIPAY] = 1,
  [TILL_METHOD_TRANSFER] = 1,
};

static const char *const shift_state_names[TILL_SHIFT_STATE_MAX + 1] = {
  [TILL_SHIFT_OPEN] = "open",
  [TILL_SHIFT_CLOSED] = "closed",
  [TILL_SHIFT_APPROVED] = "approved",
};

static const char *const void_state_names[TILL_VOID_STATE_MAX + 1] = {
  [TILL_VOID_PENDING] = "pending",
  [TILL_VOID_APPROVED] = "approved",
  [TILL_VOID_REJECTED] = "rejected",
};

static const char *const deposit_state_names[TILL_DEPOSIT_STATE_MAX + 1] = {
  [TILL_DEPOSIT_IN_TRANSIT] = "in transit",
  [TILL_DEPOSIT_CONFIRMED] = "confirmed",
};

static const char *
name_of(const char *const *names, int max, int v)
{
  return v >= 1 && v <= max ? names[v] : NULL;
}

static int
value_of(const char *const *names, int max, const char *name)
{
  if (!name)
    return 0;
  for (int v = 1; v <= max; v++)
    if (strcmp(name, names[v]) == 0)
      return v;
  return 0;
}

const char *
till_role_name(int v)
{
  return name_of(role_names, TILL_ROLE_MAX, v);
}

const char *
till_method_name(int v)
{
  return name_of(method_names, TILL_METHOD_MAX, v);
}

int
till_method_is_electronic(int v)
{
  return v >= 1 && v <= TILL_METHOD_MAX && method_electronic[v];
}

const char *
till_shift_state_name(int v)
{
  return name_of(shift_state_names, TILL_SHIFT_STATE_MAX, v);
}

const char *
till_void_state_name(int v)
{
  return name_of(void_state_names, TILL_VOID_STATE_MAX, v);
}

const char *
till_deposit_state_name(int v)
{
  return name_of(deposit_state_names, TILL_DEPOSIT_STATE_MAX, v);
}

int
till_role_from_name(const char *name)
{
  return value_of(role_names, TILL_ROLE_MAX, name);
}

int
till_method_from_name(const char *name)
{
  return value_of(method_names, TILL_METHOD_MAX, name);
}

int
till_shift_state_from_name(const char *name)
{
  return value_of(shift_state_names, TILL_SHIFT_STATE_MAX, name);
}
