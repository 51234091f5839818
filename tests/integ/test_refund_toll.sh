#!/usr/bin/env bash
# test_refund_toll.sh -- refunds (退费, docs/refunds.md) of paid tolls
# through a real tilld and till (docs/tolls.md, "Refunds"): a car keyed as
# class p2 at the exit is given back the difference to its p1 toll -- both
# tolls computed here by awk from the rates and the distance -- approved by
# a supervisor and paid out of the lane's drawer; an over-refund and lines
# the toll has not (or not that much of) are refused; a self-approval is
# refused and recorded; a lost-card toll paid by WeChat is refunded whole by
# its lines back to WeChat; the rest of the first toll refunded whole. The
# pass card stays settled and the passages stay; the lane's Z-report closes
# even; the receipt shows its refunds; `till audit verify` and
# `till audit receipts` (TF and TL gap-free) pass.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol erin sam suzy audrey
world_login T-LANE-01:carol T-LANE-02:erin ADMIN-01:sam ADMIN-01:suzy T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
lane_in() { till_user T-LANE-01 carol "$@"; }
lane_out() { till_user T-LANE-02 erin "$@"; }
sup() { till_user ADMIN-01 sam "$@"; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
zh_user() { TILL_LANG=zh_CN till_user "$@"; }
# fits42 WHAT -- every line of the last output at most 42 display cells
# (wc -L counts a CJK character as two), the 80 mm slip's width
fits42() {
  local w
  w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
  [ "$w" -le 42 ] || fail "$1: a line of $w cells on a 42-cell slip: $(cat "$T/last.out")"
}
# state -- what a refused request must leave as it was
state() {
  sql "SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM entries),
          (SELECT count(*) || ':' || coalesce(group_concat(state, ','), '') FROM refunds),
          (SELECT count(*) FROM toll_passages),
          (SELECT group_concat(card || '=' || coalesce(settled_txn, ''), ',') FROM toll_cards),
          (SELECT coalesce(sum(last_no), 0) FROM series_counters)"
}
# price RATE_E4 KM -- fen: rate x metres rounded once, half up, to whole yuan
price() {
  awk -v r="$1" -v k="$2" 'BEGIN { m = int(k * 1000 + 0.5); printf "%d", int((r * m + 5000000) / 10000000) * 100 }'
}
P1_RATE=4500 P2_RATE=5000 CARD_FEE=5000

step "the network: series TL and TF, stations, distances, a tariff, an entry and an exit lane"
adm admin series add TL --kind toll
adm admin series add TF --kind refund --description 退费凭证
for s in S01 S02 S03; do adm toll station set "$s" --name "收费站$s" --series TL; done
adm toll distance set S01 S02 --km 87
adm toll distance set S03 S02 --km 120.5
adm toll tariff set --from "$(date +%F)" --rates "p1=0.45,p2=0.50" --min 5 --card-fee "$(yuan $CARD_FEE)" \
  --card-hours 48
adm toll lane set T-LANE-01 --station S01 --direction entry
adm toll lane set T-LANE-02 --station S02 --direction exit
open_shift T-LANE-01 carol
open_shift T-LANE-02 erin 100x2
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'erin' AND state = 1")

step "C001 (a p1) is keyed p2 at the exit and pays the p2 toll in cash"
P1=$(price $P1_RATE 87) P2=$(price $P2_RATE 87)
assert_eq "3900|4400" "$P1|$P2" "87 km at 0.45 and 0.50, half up to the yuan"
expect_rc 0 lane_in toll entry --card C001 --class p1 --plate 京A12345
expect_rc 0 lane_out --json toll exit --card C001 --class p2 --seats 5 --plate 京A12345 --method cash --tendered 50
R1=$(json_field number) T1=$(json_field txn_id)
assert_eq "$(yuan "$P2")" "$(json_field toll)" "charged at the class keyed"

step "the difference is asked back, approved by sam and paid out of erin's drawer"
expect_rc 0 lane_out --json refund request "$R1" --amount "$(yuan $((P2 - P1)))" \
  --reason "keyed p2; the car is p1" --ref "S02-LOG-0001"
Q1=$(json_field id)
assert_eq "toll|requested|$(yuan $((P2 - P1)))" "$(json_field orig_kind)|$(json_field state)|$(json_field amount)" \
  "the request"
expect_rc_contains 0 '"state":"approved"' sup --json refund approve "$Q1"
expect_rc 0 lane_out --json refund pay "$Q1"
RT1=$(json_field refund_txn_id) N1=$(json_field number)
assert_eq "TF$(date +%Y)-00000001" "$N1" "the first number of the refund series"
expect_sql "refund|erin|$SID|cash|sam
1|drawer:shift:$SID|-$((P2 - P1))|
2|revenue:toll|$((P2 - P1))|toll.p2" \
  "SELECT kind, cashier, shift_id, method, approver FROM journal WHERE id = $RT1;
   SELECT seq, account, amount, item FROM entries WHERE txn_id = $RT1 ORDER BY seq"

step "refused, nothing written: over what is left, a line too big, a line the toll has not"
LEFT=$P1
s0=$(state)
expect_rc_contains 15 "a refund of $(yuan $((LEFT + 1))) exceeds what is left unrefunded on $R1 ($(yuan $LEFT))" \
  lane_out refund request "$R1" --amount "$(yuan $((LEFT + 1)))" --reason more --ref X
expect_rc_contains 15 "only $(yuan $LEFT) of line toll.p2 is left to refund on $R1" \
  lane_out refund request "$R1" --line toll.p2 --reason whole --ref X
expect_rc_contains 11 "$R1 has no line toll.card" \
  lane_out refund request "$R1" --line toll.card --reason card --ref X
assert_eq "$s0" "$(state)" "the refused requests wrote nothing"

step "a lost card paid by WeChat; suzy (cashier and supervisor) cannot approve her own request"
P3=$(price $P1_RATE 120.5)
expect_rc 0 lane_out --json toll exit --lost --class p1 --seats 5 --plate 京C44444 --method wechat
R3=$(json_field number)
assert_eq "$(yuan "$P3")|$(yuan $CARD_FEE)" "$(json_field toll)|$(json_field card_fee)" "the toll and the card fee"
expect_rc 0 till_user ADMIN-01 suzy --json refund request "$R3" --line toll.p1 --line toll.card \
  --reason "the card was found in the car" --ref "S02-LOG-0002"
Q3=$(json_field id)
assert_eq "$(yuan $((P3 + CARD_FEE)))" "$(json_field amount)" "both lines at the toll's prices"
s0=$(state)
ev0=$(sql "SELECT count(*) FROM security_events WHERE kind = 'refund_self_approval'")
expect_rc_contains 13 "you asked for refund $Q3; a supervisor other than the requester must decide it" \
  till_user ADMIN-01 suzy refund approve "$Q3"
assert_eq "$s0" "$(state)" "a refused approval wrote nothing"
assert_eq "$((ev0 + 1))" "$(sql "SELECT count(*) FROM security_events WHERE kind = 'refund_self_approval'")" \
  "the self-approval recorded as a security event"

step "sam approves; erin pays it back to WeChat"
expect_rc 0 sup refund approve "$Q3"
expect_rc 0 zh_user T-LANE-02 erin refund pay "$Q3" --method original
RT3=$(sql "SELECT refund_txn_id FROM refunds WHERE id = $Q3")
step "the Chinese slip: the lines by name, in 42 cells"
fits42 "the Chinese refund slip"
assert_last_contains "通行费 1 类客车 x1"
assert_last_contains "通行卡工本费 x1"
assert_last_contains "退费票据号"
expect_sql "1|clearing:wechat|-$((P3 + CARD_FEE))||0
2|revenue:toll|$P3|toll.p1|1
3|revenue:toll_card|$CARD_FEE|toll.card|1" \
  "SELECT seq, account, amount, item, quantity FROM entries WHERE txn_id = $RT3 ORDER BY seq"

step "the rest of C001's toll refunded; the card stays settled, the passages stay"
expect_rc 0 lane_out --json refund request "$R1" --amount "$(yuan $LEFT)" --reason "charged twice" --ref "S02-LOG-0003"
Q4=$(json_field id)
expect_rc 0 sup refund approve "$Q4"
expect_rc 0 lane_out refund pay "$Q4"
fits42 "the English refund slip"
# the labels' column is as wide as the widest label ("Original receipt" + 2):
# every value starts at cell 19, none is pushed out of line
assert_last_contains "Original receipt  $R1"
assert_last_contains "Approved by       sam"
assert_last_contains "Reason            charged twice"
assert_last_contains "Toll, passenger class 2"
expect_sql "0|0" "SELECT (SELECT sum(amount) FROM entries WHERE account = 'revenue:toll'),
  (SELECT sum(amount) FROM entries WHERE account = 'revenue:toll_card')"
expect_sql "C001|$T1" "SELECT card, settled_txn FROM toll_cards"
expect_sql 2 "SELECT count(*) FROM toll_passages"
s0=$(state)
expect_rc_contains 15 "a refund of 0.01 exceeds what is left unrefunded on $R1 (0.00)" \
  lane_out refund request "$R1" --amount 0.01 --reason again --ref X
assert_eq "$s0" "$(state)" "nothing written"
expect_rc_contains 0 "$N1" lane_out receipt show "$R1"
assert_last_contains "$(sql "SELECT series || '-' || printf('%08d', receipt_no) FROM journal WHERE id =
  (SELECT refund_txn_id FROM refunds WHERE id = $Q4)")"

step "erin's hand-over lists the refunds she paid out, and still counts both vehicles"
expect_rc 0 lane_out --json toll handover "$SID"
assert_last_contains "\"refunds\":[{\"key\":\"cash\",\"count\":2,\"amount\":\"$(yuan "$P2")\"},{\"key\":\"wechat\",\"count\":1,\"amount\":\"$(yuan $((P3 + CARD_FEE)))\"}]"
assert_last_contains "\"classes\":[{\"key\":\"p1\",\"count\":1,\"amount\":\"$(yuan $((P3 + CARD_FEE)))\"},{\"key\":\"p2\",\"count\":1,\"amount\":\"$(yuan "$P2")\"}]"
expect_rc_contains 0 "refunds paid out" lane_out toll handover "$SID"

step "erin's Z-report: the cash refunds left her drawer, WeChat nets to zero"
exp=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:$SID'")
assert_eq 20000 "$exp" "the float: the cash toll went back out"
expect_rc 0 lane_out --json shift close --count 100x2 --noncash wechat=0
assert_eq "0.00" "$(json_field cash_variance)" "erin's variance"
assert_eq "$(yuan $((P2 + P3 + CARD_FEE)))" "$(json_field refunds)" "the Z-report's refunds"

step "the chain and both series verify, gap-free"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "TF$(date +%Y)"
assert_last_contains "3 of 3 numbers in the journal: complete"
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "TL$(date +%Y)"
assert_last_contains "2 of 2 numbers in the journal: complete"
check_log_clean
