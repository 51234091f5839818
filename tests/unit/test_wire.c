/* test_wire.c -- common/'s names and enums against the protocol's
 * descriptors: proto/till_wire.c checks each value at build time; this
 * checks that no protocol value was added without a name on our side, and
 * that each of our names spells its protocol value. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "till_wire.h"

/* <wire> lower-cased after <prefix>, with '_' as ' ' when <spaces> ("METHOD_CASH" -> "cash"). */
static void
wire_spelling(const char *wire, const char *prefix, int spaces, char *out, size_t len)
{
  size_t pl = strlen(prefix);
  assert_int_equal(strncmp(wire, prefix, pl), 0);
  size_t i = 0;
  for (const char *p = wire + pl; *p && i + 1 < len; p++)
    out[i++] = *p == '_' && spaces ? ' ' : (char)tolower((unsigned char)*p);
  out[i] = '\0';
}

/* Every value but UNSPECIFIED (0) is 1..max, and its name is ours. */
static void
check_enum(const ProtobufCEnumDescriptor *d, int max, const char *(*name)(int),
           const char *prefix, int spaces)
{
  assert_int_equal(d->n_values, (unsigned)max + 1);
  for (unsigned i = 0; i < d->n_values; i++) {
    int v = d->values[i].value;
    if (v == 0) {
      assert_null(name(0));
      continue;
    }
    char want[64];
    wire_spelling(d->values[i].name, prefix, spaces, want, sizeof want);
    assert_non_null(name(v));
    assert_string_equal(name(v), want);
  }
  assert_null(name(max + 1));
  assert_null(name(-1));
}

static void
test_roles(void **state)
{
  check_enum(&till__v1__role__descriptor, TILL_ROLE_MAX, till_role_name, "ROLE_", 0);
  assert_int_equal(till_role_from_name("supervisor"), TILL_ROLE_SUPERVISOR);
  assert_int_equal(till_role_from_name("Supervisor"), 0);
  assert_int_equal(till_role_from_name(NULL), 0);
}

static void
test_methods(void **state)
{
  check_enum(&till__v1__payment_method__descriptor, TILL_METHOD_MAX, till_method_name, "METHOD_",
             0);
  for (int m = 1; m <= TILL_METHOD_MAX; m++)
    assert_int_equal(till_method_from_name(till_method_name(m)), m);
  assert_int_equal(till_method_from_name("Cash"), 0);
  assert_int_equal(till_method_from_name(""), 0);
}

static void
test_states(void **state)
{
  check_enum(&till__v1__shift_state__descriptor, TILL_SHIFT_STATE_MAX, till_shift_state_name,
             "SHIFT_", 0);
  check_enum(&till__v1__void_state__descriptor, TILL_VOID_STATE_MAX, till_void_state_name, "VOID_",
             0);
  check_enum(&till__v1__deposit_state__descriptor, TILL_DEPOSIT_STATE_MAX,
             till_deposit_state_name, "DEPOSIT_", 1);
  assert_int_equal(till_shift_state_from_name("closed"), TILL_SHIFT_CLOSED);
}

/* The bands have no names of their own; the count must still agree. */
static void
test_bands(void **state)
{
  assert_int_equal(till__v1__target_band__descriptor.n_values, (unsigned)TILL_BAND_MAX + 1);
  assert_int_equal(till_wire_band(TILL_BAND_10_15), TILL__V1__TARGET_BAND__BAND_10_15);
}

/* One status per error code, both ways; an unknown code is internal. */
static void
test_status(void **state)
{
  assert_int_equal(till__v1__error_code__descriptor.n_values, (unsigned)TILL_E_INTERNAL + 1);
  for (int c = 0; c <= TILL_E_INTERNAL; c++)
    assert_int_equal(till_wire_error_code(till_wire_status(c)), c);
  assert_int_equal(till_wire_status(10), TILL_E_INTERNAL);
  assert_int_equal(till_wire_status(-1), TILL_E_INTERNAL);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roles),  cmocka_unit_test(test_methods), cmocka_unit_test(test_states),
    cmocka_unit_test(test_bands),  cmocka_unit_test(test_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
