#!/usr/bin/env bash
# test_refund_collection.sh -- a refunded billing payment reopens the
# charges it settled (issue 21), so the collection rate (实收/应收) and the
# arrears must say so: a payer's season paid in full (rate 100 %, no
# arrears), then part of the payment refunded -- the rate drops back to
# what is still paid and the arrears hold the refunded part -- then the
# rest: rate 0, the whole season in arrears again, the collector's row 0.
# The monthly report keeps the payment in its collections and shows the
# refunds apart (net takings = collections - refunds). Every figure is
# worked out here from the amounts this test pays and refunds.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

if [ "$(date +%H%M)" = 2359 ]; then
  sleep 61
fi

register_lanes
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# rate COLLECTED DUE -- basis points, half up (as collection_rate_bp)
rate() { printf '%d' $((($1 * 20000 + $2) / (2 * $2))); }

adm admin series add JF --kind billing --description 缴费收据
adm admin series add TF --kind refund --description 退费凭证
adm payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 --area 100.00 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
adm scheme add heating --name 供暖费 --rule area_season --period season
adm tariff add --scheme heating --from 2020-01-01 --rate 24.00
adm charge run --scheme heating --period 2024-2025
DUE=240000 # 100.00 m² x 24.00
open_shift T-LANE-01 carol
# collection COLLECTED -- the period's rate and the collector's row
collection() {
  expect_rc 0 till_user ADMIN-01 sam --json report collection --period 2024-2025
  assert_eq "$(yuan $DUE)|$(yuan "$1")|$(rate "$1" $DUE)" \
    "$(json_field due)|$(json_field collected)|$(json_field rate_bp)" "$2: due, collected, rate"
  [ "$2" = "before the payment" ] || assert_last_contains "{\"by\":\"collector\",\"key\":\"carol\",\"due\":\"0.00\",\"collected\":\"$(yuan "$1")\",\"rate_bp\":$(rate "$1" $DUE)}"
}
# arrears OPEN -- the arrears in all
arrears() {
  expect_rc 0 till_user ADMIN-01 sam --json report arrears
  assert_eq "$(yuan "$1")" "$(json_field total)" "$2: arrears"
}
# refund AMOUNT -- asked by carol, approved by sam, paid back by WeChat
refund() {
  expect_rc 0 till_user T-LANE-01 carol --json refund request "$R1" --amount "$(yuan "$1")" \
    --reason "moved out" --ref "PROP-2026-07"
  local id
  id=$(json_field id)
  expect_rc 0 till_user ADMIN-01 sam refund approve "$id"
  expect_rc 0 till_user T-LANE-01 carol refund pay "$id" --method original
}

step "the season paid in full: collected = due, nothing in arrears"
collection 0 "before the payment"
arrears $DUE "before the payment"
expect_rc 0 till_user T-LANE-01 carol --json pay "$P1" --amount "$(yuan $DUE)" --method wechat
R1=$(json_field number)
collection $DUE "paid"
arrears 0 "paid"

step "600.00 refunded: the rate drops back, the refunded part is owed again"
REF1=60000
refund $REF1
collection $((DUE - REF1)) "after a partial refund"
arrears $REF1 "after a partial refund"
assert_eq "$REF1" "$(sql "SELECT amount - paid FROM charges WHERE payer_id = $P1")" "the charge open again"

step "the rest refunded: nothing collected, the whole season owed"
refund $((DUE - REF1))
collection 0 "after the whole payment was refunded"
arrears $DUE "after the whole payment was refunded"

step "the monthly report: the payment in the collections, the refunds apart"
expect_rc 0 till_user ADMIN-01 sam --json report monthly
assert_eq "$(yuan $DUE)|$(yuan $DUE)|2|0.00" \
  "$(json_field total)|$(json_field refunds_total)|$(json_field refund_count)|$(json_field net_takings)" \
  "collections, refunds, net takings"
