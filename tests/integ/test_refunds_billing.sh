#!/usr/bin/env bash
# test_refunds_billing.sh -- a refund of a payment against a payer
# (docs/refunds.md "Billing payments"): a payment over two seasons plus
# prepaid is refunded in part -- the prepaid first, then the charges it
# settled, newest settlement first -- and those charges open again (the
# payer's statement shows them open); a refund by lines is refused; the
# receivable and prepaid balances equal the journal's; partial refunds off
# (refund_partial = off) refuse a part and take the whole.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

if [ "$(date +%H%M)" = 2359 ]; then
  sleep 61
fi

register_lanes
world_catalog PARK1H
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
balance() { sql "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = '$1'"; }

expect_rc 0 till_as ADMIN-01 admin series add JF --kind billing --description "缴费收据"
expect_rc 0 till_as ADMIN-01 admin series add TF --kind refund --description "退费凭证"
expect_rc 0 till_as ADMIN-01 payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 \
  --area 100.00 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
expect_rc 0 till_as ADMIN-01 scheme add heating --name 供暖费 --rule area_season --period season
expect_rc 0 till_as ADMIN-01 tariff add --scheme heating --from 2020-01-01 --rate 24.00
for season in 2023-2024 2024-2025; do
  expect_rc 0 till_as ADMIN-01 charge run --scheme heating --period "$season"
done
C=240000 # 100.00 m² x 24.00
A23=$(sql "SELECT id FROM charges WHERE payer_id = $P1 AND period = '2023-2024'")
A24=$(sql "SELECT id FROM charges WHERE payer_id = $P1 AND period = '2024-2025'")
open_shift T-LANE-01 carol

step "a payment of both seasons and 100.00 prepaid"
PAID=$((2 * C + 10000))
expect_rc 0 till_user T-LANE-01 carol --json pay "$P1" --amount "$(yuan $PAID)" --method wechat
R1=$(json_field number)
T1=$(sql "SELECT id FROM journal WHERE kind = 'payment'")
assert_eq "0|0" "$(sql "SELECT group_concat(amount - paid, '|') FROM charges WHERE payer_id = $P1 ORDER BY id")" \
  "both seasons paid"
assert_eq "-10000" "$(balance "prepaid:payer:$P1")" "prepaid"

step "a refund by lines is refused: a payment is refunded by amount"
expect_rc_contains 11 "a payment is refunded by amount, not by lines" \
  till_user T-LANE-01 carol refund request "$R1" --line heating:1 --reason r --ref f

step "a refund of 1100.00: prepaid 100.00, then 1000.00 of the newest settlement (2024-2025)"
REF=110000
expect_rc 0 till_user T-LANE-01 carol --json refund request "$R1" --amount "$(yuan $REF)" \
  --reason "moved out" --ref "PROP-2026-07"
Q1=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam refund approve "$Q1"
expect_rc 0 till_user T-LANE-01 carol --json refund pay "$Q1" --method original
RT=$(sql "SELECT refund_txn_id FROM refunds WHERE id = $Q1")
expect_sql "clearing:wechat|-$REF|
prepaid:payer:$P1|10000|prepaid
receivable:payer:$P1|100000|heating:2024-2025" \
  "SELECT account, amount, item FROM entries WHERE txn_id = $RT ORDER BY seq"
# the charge settled last opens again by 1000.00; the older one stays paid
assert_eq "0 100000" "$(sql "SELECT group_concat(amount - paid, ' ') FROM (SELECT * FROM charges WHERE payer_id = $P1 ORDER BY id)")" \
  "open amounts after the refund"
expect_sql "reversal|$A24|-100000" "SELECT source, charge_id, amount FROM settlements WHERE txn_id = $RT"
assert_eq "0" "$(balance "prepaid:payer:$P1")" "prepaid after the refund"
# the receivable balance is what the charges still owe, from the journal
assert_eq "100000" "$(balance "receivable:payer:$P1")" "receivable = open charges"

step "the statement shows 2024-2025 open again"
expect_rc 0 till_user T-LANE-01 carol --json payer statement "$P1"
assert_last_contains '"period":"2024-2025","year":2024,"kind":"charge","amount":"2400.00","paid":"1400.00","waived":"0.00","credited":"0.00","open":"1000.00"'
assert_last_contains '"source":"reversal","amount":"-1000.00","at":'
assert_last_contains '"receipt":"TF'
assert_last_contains '"prepaid":"0.00","open":"1000.00"}' 

step "a second refund over what is left is refused; the rest is refundable"
LEFT=$((PAID - REF))
expect_rc_contains 15 "a refund of $(yuan $((LEFT + 1))) exceeds what is left unrefunded on $R1 ($(yuan $LEFT))" \
  till_user T-LANE-01 carol refund request "$R1" --amount "$(yuan $((LEFT + 1)))" --reason r --ref f
expect_rc 0 till_user T-LANE-01 carol --json refund request "$R1" --amount "$(yuan $LEFT)" --reason r --ref f
Q2=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam refund approve "$Q2"
expect_rc 0 till_user T-LANE-01 carol refund pay "$Q2" --method original
assert_eq "$C $C" "$(sql "SELECT group_concat(amount - paid, ' ') FROM (SELECT * FROM charges WHERE payer_id = $P1 ORDER BY id)")" \
  "everything open again"
assert_eq "$((2 * C))" "$(balance "receivable:payer:$P1")" "receivable after the whole refund"
expect_rc_contains 15 "a refund of 0.01 exceeds what is left unrefunded on $R1 (0.00)" \
  till_user T-LANE-01 carol refund request "$R1" --amount 0.01 --reason r --ref f

step "refund_partial = off: a part is refused, the whole is taken"
expect_rc 0 till_user T-LANE-01 carol --json pay "$P1" --amount "$(yuan $C)" --method cash
R2=$(json_field number)
restart_tilld --refund_partial off
expect_rc_contains 15 "partial refunds are off at this office: only the whole of $R2 can be refunded" \
  till_user T-LANE-01 carol refund request "$R2" --amount 1.00 --reason r --ref f
expect_rc 0 till_user T-LANE-01 carol --json refund request "$R2" --amount "$(yuan $C)" --reason r --ref f
expect_rc 0 till_user ADMIN-01 sam refund approve "$(json_field id)"
expect_rc 0 till_user T-LANE-02 audrey audit verify
check_log_clean
