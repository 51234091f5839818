/* till_wire.h -- the checked bridge between common/'s plain enums and the
 * generated protobuf enums.
 *
 * Every enum that crosses the wire boundary converts here and nowhere else.
 * The conversions are casts, and till_wire.c holds a _Static_assert for every
 * value, so changing either side without the other fails the build instead of
 * mislabelling money on the wire. Server handlers and the client's commands
 * use these; the posting engine and common/ never see a protobuf type. */
#ifndef TILL_WIRE_H
#define TILL_WIRE_H

#include "till.pb-c.h"
#include "till_names.h"
#include "till_status.h"

static inline Till__V1__ErrorCode
till_wire_error_code(till_status_t st)
{
  return (Till__V1__ErrorCode)st;
}

/* A wire error code as a status; an unknown code is TILL_E_INTERNAL. */
static inline till_status_t
till_wire_status(int code)
{
  return code >= TILL_OK && code <= TILL_E_INTERNAL ? (till_status_t)code : TILL_E_INTERNAL;
}

static inline Till__V1__Role
till_wire_role(till_role_t v)
{
  return (Till__V1__Role)v;
}

static inline Till__V1__PaymentMethod
till_wire_method(till_method_t v)
{
  return (Till__V1__PaymentMethod)v;
}

/* A method from the wire, or 0 when it names none of ours. */
static inline int
till_wire_method_of(Till__V1__PaymentMethod m)
{
  return m >= (int)TILL_METHOD_CASH && m <= (int)TILL_METHOD_MAX ? (int)m : 0;
}

static inline Till__V1__ShiftState
till_wire_shift_state(till_shift_state_t v)
{
  return (Till__V1__ShiftState)v;
}

static inline Till__V1__VoidState
till_wire_void_state(till_void_state_t v)
{
  return (Till__V1__VoidState)v;
}

static inline Till__V1__DepositState
till_wire_deposit_state(till_deposit_state_t v)
{
  return (Till__V1__DepositState)v;
}

static inline Till__V1__TargetBand
till_wire_band(till_band_t v)
{
  return (Till__V1__TargetBand)v;
}

#endif
