#!/usr/bin/env bash
# test_blind_close.sh -- the blind close (docs/ledger.md) through a real
# tilld: while carol's shift is open, nothing carol can ask -- the answer to
# shift open, shift status (with and without the shift id), shift list, as
# text and --json -- carries the float, the takings or the expected cash;
# the server does not send them (the JSON has no such key) and the client
# says "withheld until the close". A supervisor and an auditor see every
# figure; a supervisor who is also a cashier sees their own open shift blind
# and carol's in full. After the close carol's Z-report has the expected
# cash, the variance and both counts by denomination. With blind_close = off
# (a configuration file) the cashier sees the figures again. Every figure is
# computed here from the prices and the counts.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# json_lacks KEY... -- the last output has no "KEY": anywhere
json_lacks() {
  local k
  for k in "$@"; do
    assert_last_lacks "\"$k\":"
  done
}
# WITHHELD: every key of a report that carries an amount, a count of sales or
# items, a receipt range or a denomination
WITHHELD=(float expected_cash counted_cash cash_variance voided refunds receipts voids methods
  items ranges float_count cash_count sales_amount expected)
# no_amounts -- the last output shows no amount at all (nothing like 12.34)
no_amounts() {
  if last_matches '[0-9]\.[0-9][0-9]'; then
    _show_last
    fail "a blind answer shows an amount"
  fi
}

start_tilld || fail "tilld did not start"
register_lanes
world_catalog PARK WASH
world_users carol suzy sam audrey
world_login T-LANE-01:carol T-LANE-02:suzy ADMIN-01:sam ADMIN-01:audrey
PARK=500 WASH=250

step "carol opens with a float of 100x2,10x5: the answer is blind"
FLOAT=$((2 * 10000 + 5 * 1000))
expect_rc 0 till_user T-LANE-01 carol --json shift open --count 100x2,10x5
sid=$(json_field shift_id)
[[ $sid =~ ^[1-9][0-9]*$ ]] || fail "no shift id: $(last_output)"
assert_last_contains '"state":"open","terminal":"T-LANE-01","cashier":"carol",'
assert_last_contains '"withheld":"until the close","blind":true,"replayed":false}'
json_lacks "${WITHHELD[@]}"
no_amounts
expect_sql "$FLOAT" "SELECT float_amount FROM shifts WHERE id = $sid"

step "carol sells: cash, cash, card, and a cash sale voided by sam"
expect_rc 0 till_user T-LANE-01 carol sale PARK:2 --method cash
expect_rc 0 till_user T-LANE-01 carol sale WASH:4 --method cash
expect_rc 0 till_user T-LANE-01 carol sale PARK:1 --method card
expect_rc 0 till_user T-LANE-01 carol --json sale PARK:1 --method cash
voided=$(json_field number)
expect_rc 0 till_user T-LANE-01 carol --json void "$voided" --reason "double charge"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
CASH_SALES=$((2 * PARK + 4 * WASH + PARK)) CASH_VOIDED=$PARK CARD_SALES=$PARK
EXPECTED=$((FLOAT + CASH_SALES - CASH_VOIDED))

step "carol's X-report, as JSON and as text, by the open shift and by its id: blind"
for args in "shift status" "shift status $sid"; do
  # shellcheck disable=SC2086 # two words on purpose
  expect_rc 0 till_user T-LANE-01 carol --json $args
  last_matches "^\{\"shift_id\":$sid,\"state\":\"open\",\"terminal\":\"T-LANE-01\",\"cashier\":\"carol\",\"business_date\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}\",\"opened_at\":[0-9]+,\"closed_at\":0,\"reprints\":0,\"withheld\":\"until the close\",\"blind\":true,\"replayed\":false\}\$" ||
    { _show_last; fail "carol's blind X-report as JSON ($args)"; }
  # shellcheck disable=SC2086
  expect_rc 0 till_user T-LANE-01 carol $args
  assert_last_contains "X-REPORT (RUNNING)"
  assert_last_contains "Opening float   withheld until the close"
  assert_last_contains "Takings         withheld until the close"
  assert_last_contains "Expected cash   withheld until the close"
  no_amounts
done

step "carol's shift list: her open shift with no cash figure"
expect_rc 0 till_user T-LANE-01 carol --json shift list
bdate=$(sql "SELECT business_date FROM shifts WHERE id = $sid")
assert_last_contains "{\"shift_id\":$sid,\"terminal\":\"T-LANE-01\",\"cashier\":\"carol\",\"business_date\":\"$bdate\",\"state\":\"open\","
assert_last_contains '"counted_cash":"0.00","cash_variance":"0.00","depositable":"0.00","deposit_id":0}'
json_lacks float expected_cash
assert_eq 3 "$(grep -o '"[0-9]*\.[0-9][0-9]"' "$T/last.out" | grep -c '"0.00"')" "zero figures in carol's list"
assert_eq 3 "$(grep -o '"[0-9]*\.[0-9][0-9]"' "$T/last.out" | wc -l)" "figures in carol's list"
expect_rc 0 till_user T-LANE-01 carol shift list
assert_last_lacks "$(yuan "$FLOAT")"
assert_last_lacks "$(yuan "$EXPECTED")"

step "a supervisor and an auditor see every figure of carol's open shift"
for who in sam audrey; do
  expect_rc 0 till_user ADMIN-01 "$who" --json shift status "$sid"
  assert_eq false "$(json_field blind)" "$who: blind"
  assert_eq "$(yuan "$FLOAT")" "$(json_field float)" "$who: the float"
  assert_eq "$(yuan "$EXPECTED")" "$(json_field expected_cash)" "$who: the expected cash"
  assert_last_contains "{\"method\":\"cash\",\"sales\":3,\"sales_amount\":\"$(yuan "$CASH_SALES")\",\"voided\":\"$(yuan "$CASH_VOIDED")\",\"expected\":\"$(yuan "$EXPECTED")\","
  assert_last_contains "{\"method\":\"card\",\"sales\":1,\"sales_amount\":\"$(yuan "$CARD_SALES")\","
  assert_last_contains "\"float_count\":[{\"face\":\"100.00\",\"count\":2,\"amount\":\"$(yuan 20000)\"},{\"face\":\"10.00\",\"count\":5,\"amount\":\"$(yuan 5000)\"}]"
  assert_last_lacks '"withheld"'
done
expect_rc 0 till_user ADMIN-01 sam shift status "$sid"
last_matches "^Opening float +$(yuan "$FLOAT")\$" || { _show_last; fail "the float line"; }
last_matches "^  +100\.00 x +2 = +200\.00\$" || { _show_last; fail "the float's 100.00 line"; }
last_matches "^Expected cash \(float incl\.\) +$(yuan "$EXPECTED")\$" || { _show_last; fail "expected cash"; }
assert_last_lacks "withheld"

step "suzy, cashier and supervisor: her own open shift blind, carol's in full"
expect_rc 0 till_user T-LANE-02 suzy --json shift open --count 50x1
suzy_sid=$(json_field shift_id)
expect_rc 0 till_user T-LANE-02 suzy sale WASH:2 --method cash
expect_rc_contains 0 '"blind":true' till_user T-LANE-02 suzy --json shift status
json_lacks "${WITHHELD[@]}"
expect_rc_contains 0 '"blind":false' till_user T-LANE-02 suzy --json shift status "$sid"
assert_eq "$(yuan "$EXPECTED")" "$(json_field expected_cash)" "suzy sees carol's expected cash"
expect_rc_contains 0 '"blind":false' till_user ADMIN-01 sam --json shift status "$suzy_sid"
assert_eq "$(yuan $((5000 + 2 * WASH)))" "$(json_field expected_cash)" "sam sees suzy's expected cash"

step "carol closes 5.00 short: her Z-report has the expected cash, the variance and the counts"
# 100x2 + 10x6 + 1x5 = 265.00 counted against 270.00 expected
COUNTED=$((2 * 10000 + 6 * 1000 + 5 * 100))
VARIANCE=$((COUNTED - EXPECTED))
assert_eq -500 "$VARIANCE" "the shortage aimed for"
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 100x2,10x6,1x5 \
  --noncash "card=$(yuan "$CARD_SALES")"
assert_eq closed "$(json_field state)" "state"
assert_eq false "$(json_field blind)" "the Z-report is not blind"
assert_eq "$(yuan "$EXPECTED")" "$(json_field expected_cash)" "Z expected cash"
assert_eq "$(yuan "$COUNTED")" "$(json_field counted_cash)" "Z counted cash"
assert_eq "-5.00" "$(json_field cash_variance)" "Z variance"
assert_last_contains "\"float_count\":[{\"face\":\"100.00\",\"count\":2,\"amount\":\"200.00\"},{\"face\":\"10.00\",\"count\":5,\"amount\":\"50.00\"}]"
assert_last_contains "\"cash_count\":[{\"face\":\"100.00\",\"count\":2,\"amount\":\"$(yuan 20000)\"},{\"face\":\"10.00\",\"count\":6,\"amount\":\"$(yuan 6000)\"},{\"face\":\"1.00\",\"count\":5,\"amount\":\"$(yuan 500)\"}]"
expect_sql "$EXPECTED|$COUNTED|$VARIANCE" "SELECT expected_cash, counted_cash, cash_variance FROM shifts WHERE id = $sid"

step "the Z-report as text, again from shift status: denominations, totals, variance"
expect_rc 0 till_user T-LANE-01 carol shift status "$sid"
assert_last_contains "Z-REPORT (CLOSED)"
assert_last_contains "Float count"
last_matches "^  +100\.00 x +2 = +200\.00\$" || { _show_last; fail "float 100.00 x 2"; }
last_matches "^  +10\.00 x +5 = +50\.00\$" || { _show_last; fail "float 10.00 x 5"; }
last_matches "^Opening float +$(yuan "$FLOAT")\$" || { _show_last; fail "the float's total"; }
assert_last_contains "Cash count"
last_matches "^  +10\.00 x +6 = +60\.00\$" || { _show_last; fail "cash 10.00 x 6"; }
last_matches "^  +1\.00 x +5 = +5\.00\$" || { _show_last; fail "cash 1.00 x 5"; }
last_matches "^Counted cash +$(yuan "$COUNTED")\$" || { _show_last; fail "the count's total"; }
last_matches "^Expected cash \(float incl\.\) +$(yuan "$EXPECTED")\$" || { _show_last; fail "expected cash"; }
last_matches "^SHORT +-5\.00\$" || { _show_last; fail "the shortage"; }
assert_last_lacks "withheld"
# the lines add up to the totals shown
sum=$(sed -n 's/^ *\([0-9]*\)\.\([0-9][0-9]\) x *\([0-9]*\) = *\([0-9]*\)\.\([0-9][0-9]\)$/\4\5/p' "$T/last.out" |
  awk '{ s += $1 } END { print s }')
assert_eq $((FLOAT + COUNTED)) "$sum" "the float's and the count's lines together"
expect_rc 0 till_user T-LANE-01 carol --json shift list --state closed
assert_last_contains "\"counted_cash\":\"$(yuan "$COUNTED")\",\"cash_variance\":\"-5.00\",\"depositable\":\"$(yuan $((COUNTED - FLOAT)))\""

step "with blind_close = off (configuration file) the cashier sees the figures"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
printf 'blind_close = off\n' >"$T/blind-off.conf"
start_tilld --config "$T/blind-off.conf" || fail "tilld did not start with blind_close = off"
expect_rc 0 till_user T-LANE-01 carol --json shift open --count 10x3
sid2=$(json_field shift_id)
assert_eq false "$(json_field blind)" "blind with the setting off"
assert_eq "30.00" "$(json_field float)" "the float, setting off"
expect_rc 0 till_user T-LANE-01 carol sale PARK:1 --method cash
expect_rc 0 till_user T-LANE-01 carol --json shift status
assert_eq "$sid2" "$(json_field shift_id)" "carol's second shift"
assert_eq "$(yuan $((3000 + PARK)))" "$(json_field expected_cash)" "expected cash, setting off"
expect_rc 0 till_user T-LANE-01 carol shift status
last_matches "^Expected cash \(float incl\.\) +$(yuan $((3000 + PARK)))\$" || { _show_last; fail "expected cash line, setting off"; }
assert_last_lacks "withheld"

step "back on (the default): blind again"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
start_tilld || fail "tilld did not start"
expect_rc_contains 0 '"blind":true' till_user T-LANE-01 carol --json shift status
json_lacks "${WITHHELD[@]}"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
