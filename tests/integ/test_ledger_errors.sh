#!/usr/bin/env bash
# test_ledger_errors.sh -- sales the server (or the client) must refuse, each
# with its exit code, and each leaving the ledger exactly as it was: no
# journal row, no entry, no idempotency record, no receipt number used up.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
# the most one unit may cost, and an item at a tenth of that
world_item BIG "Big fee" 1000000000.00
world_item HUGE "Huge fee" 900000000.00
world_users carol audrey
world_login T-LANE-01:carol T-LANE-02:audrey
open_shift T-LANE-01 carol

step "one good sale first, so the series counter exists"
expect_rc_contains 0 '"total":"15.00"' till_user T-LANE-01 carol --json sale PARK1H:3 --method cash
good=$(json_field number)
state=$(ledger_state)
case $state in
  *"=1") ;;
  *) fail "expected one series counter at 1, got '$state'" ;;
esac

# refused CODE WHAT MESSAGE args... -- till args... as carol on T-LANE-01
# exits CODE, says MESSAGE, and the ledger is unchanged (WHAT names the case).
refused() {
  local code=$1 what=$2 msg=$3
  shift 3
  expect_rc_contains "$code" "$msg" till_user T-LANE-01 carol "$@"
  expect_state "$state" "$what"
}

step "an auditor may not post a sale (13)"
expect_rc_contains 13 "sale: your roles do not allow this request" \
  till_user T-LANE-02 audrey sale PARK1H:1 --method cash
expect_state "$state" "auditor's sale"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='audrey' AND detail='sale'"

step "an unknown item (14)"
refused 14 "unknown item" "unknown fee item 'NOPE'" sale NOPE:1 --method cash
refused 14 "unknown item on a second line" "unknown fee item 'NOPE'" sale PARK1H:1 NOPE:2 --method cash

step "quantities outside 1..1000000 (11)"
refused 11 "quantity 0" "quantity 0 is outside 1..1000000" sale PARK1H:0 --method cash
refused 11 "quantity -1" "quantity -1 is outside 1..1000000" sale PARK1H:-1 --method cash
refused 11 "quantity 1000001" "quantity 1000001 is outside 1..1000000" sale PARK1H:1000001 --method cash
refused 11 "quantity 2^63-1" "quantity 9223372036854775807 is outside 1..1000000" \
  sale PARK1H:9223372036854775807 --method card
refused 11 "a bad second line" "line 2: quantity 0" sale PARK1H:1 PARK1H:0 --method cash
refused 2 "a quantity that is no number" "is not a whole number" sale PARK1H:2x --method cash

step "a total over the limit of one posting (11)"
refused 11 "2 x 1000000000.00" "the total exceeds the limit of one posting" sale BIG:2 --method transfer
refused 11 "1000000 x 900000000.00 (overflows int64 fen)" "the total exceeds the limit" \
  sale HUGE:1000000 --method transfer
refused 11 "the limit reached over two lines" "the total exceeds the limit" \
  sale BIG:1 PARK1H:1 --method transfer

step "no payment method (2), or an unknown one (2)"
refused 2 "no method" "usage: till sale" sale PARK1H:1
refused 2 "unknown method" "unknown payment method 'bitcoin'" sale PARK1H:1 --method bitcoin

step "cash tendered below the total (11), tendered with a card (11)"
refused 11 "tendered below the total" "tendered 14.99 is less than the total 15.00" \
  sale PARK1H:3 --method cash --tendered 14.99
refused 11 "tendered with a card" "tendered applies to cash only" \
  sale PARK1H:3 --method card --tendered 20.00
refused 11 "tendered with wechat" "tendered applies to cash only" \
  sale PARK1H:1 --method wechat --tendered 5.00
refused 2 "tendered that is no amount" "--tendered" sale PARK1H:1 --method cash --tendered 1.234

step "--json reports a refusal as a typed error"
refused 11 "json refusal" '"code":"INVALID_ARGUMENT"' --json sale PARK1H:0 --method cash
refused 14 "json not found" '"code":"NOT_FOUND"' --json sale NOPE:1 --method cash

step "after all that, the next sale takes the next number: none was used up"
expect_rc 0 till_user T-LANE-01 carol --json sale PARK1H:1 --method cash --tendered 5.00
next=$(json_field number)
assert_eq "${good%-*}-00000002" "$next" "the number after the refusals"
assert_eq "0.00" "$(json_field change)" "change on exact cash"
expect_sql 2 "SELECT count(*) FROM journal WHERE kind='sale'"
