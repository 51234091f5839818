/* till_names.h -- the names of roles, payment methods and states, defined
 * once for both sides.
 *
 * Each enum here has the numbers of its protocol enum (proto/till.proto), so
 * a value crosses the wire by a plain cast; the bridge in proto/till_wire.c
 * fails the build if the two ever disagree. The names are the ones the wire,
 * the database and the command line use ("cash", "supervisor", "closed").
 * Nothing here depends on the generated protobuf code. */
#ifndef TILL_NAMES_H
#define TILL_NAMES_H

/* Role (proto Role). */
typedef enum {
  TILL_ROLE_CASHIER = 1,
  TILL_ROLE_SUPERVISOR = 2,
  TILL_ROLE_AUDITOR = 3,
  TILL_ROLE_ADMIN = 4,
  TILL_ROLE_MAX = TILL_ROLE_ADMIN,
} till_role_t;

/* The bit a role has in a role set (unsigned; bit 0 unused). */
#define TILL_ROLE_BIT(r) (1u << (r))

/* Payment method (proto PaymentMethod). */
typedef enum {
  TILL_METHOD_CASH = 1,
  TILL_METHOD_CARD = 2,
  TILL_METHOD_WECHAT = 3,
  TILL_METHOD_ALIPAY = 4,
  TILL_METHOD_TRANSFER = 5,
  TILL_METHOD_CHEQUE = 6,
  TILL_METHOD_SUBSIDY = 7,
  TILL_METHOD_MAX = TILL_METHOD_SUBSIDY,
} till_method_t;

/* Shift state (proto ShiftState). */
typedef enum {
  TILL_SHIFT_OPEN = 1,
  TILL_SHIFT_CLOSED = 2,
  TILL_SHIFT_APPROVED = 3,
  TILL_SHIFT_STATE_MAX = TILL_SHIFT_APPROVED,
} till_shift_state_t;

/* Void state (proto VoidState). */
typedef enum {
  TILL_VOID_PENDING = 1,
  TILL_VOID_APPROVED = 2,
  TILL_VOID_REJECTED = 3,
  TILL_VOID_STATE_MAX = TILL_VOID_REJECTED,
} till_void_state_t;

/* Deposit state (proto DepositState). */
typedef enum {
  TILL_DEPOSIT_IN_TRANSIT = 1,
  TILL_DEPOSIT_CONFIRMED = 2,
  TILL_DEPOSIT_STATE_MAX = TILL_DEPOSIT_CONFIRMED,
} till_deposit_state_t;

/* A cashier's collections against the month's target (proto TargetBand). */
typedef enum {
  TILL_BAND_NONE = 0,      /* no target */
  TILL_BAND_WITHIN_5 = 1,  /* |deviation| <= 5 % */
  TILL_BAND_5_10 = 2,      /* 5 % < |deviation| <= 10 % */
  TILL_BAND_10_15 = 3,     /* 10 % < |deviation| <= 15 % */
  TILL_BAND_BEYOND_15 = 4, /* |deviation| > 15 % */
  TILL_BAND_MAX = TILL_BAND_BEYOND_15,
} till_band_t;

/* The name of a value ("supervisor"), or NULL when <v> is out of range. */
const char *till_role_name(int v);
const char *till_method_name(int v);
const char *till_shift_state_name(int v);
const char *till_void_state_name(int v);
const char *till_deposit_state_name(int v);

/* 1 when method <v> is electronic payment -- card, WeChat, Alipay, bank
 * transfer -- the methods the e-payment ratio (电子支付比例) counts; 0 for
 * cash, cheque (paper, pending until it clears), subsidy (money from the
 * treasury, not a payer's payment) and anything out of range. The one
 * place that says so. */
int till_method_is_electronic(int v);

/* The value named <name> (exact, lower case), or 0 when none is. */
int till_role_from_name(const char *name);
int till_method_from_name(const char *name);
int till_shift_state_from_name(const char *name);


#endif
