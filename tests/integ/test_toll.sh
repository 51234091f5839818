#!/usr/bin/env bash
# test_toll.sh -- toll lanes against a real tilld (docs/tolls.md): the
# network set up by the admin; the tariff's prices for each class, at the
# .49/.50 rounding boundary, over 6 axles and at the minimum fee, each
# computed here by awk from the rates and distances (never read back from
# the server); a pass card from an entry lane to an exit lane; a replay; a
# card settled twice; a plate and class mismatch flagged and charged at the
# actual class; a lost card at the farthest entry plus the card fee; the
# green channel passed and failed; military passage; the holiday boundary
# both ways (tilld restarted 24 hours east, as midnight passing); the night
# shift keeping its business date and its day refused a close while it is
# open; the hand-over's figures equal to the journal's, summed here; bad
# input refused with nothing written; `till audit verify` and the export
# verifier over the new kinds.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

export TZ=TST+12
start_tilld || fail "tilld did not start in TZ $TZ"
D=$(date +%F)
D1=$(date -d "$D 12:00 next day" +%F)

register_lanes
world_users carol erin sam audrey
world_login T-LANE-01:carol T-LANE-02:erin ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
ENTRY=(T-LANE-01 carol) EXIT=(T-LANE-02 erin)
lane_in() { till_user T-LANE-01 carol "$@"; }
lane_out() { till_user T-LANE-02 erin "$@"; }
# state -- what a refused request must leave as it was
state() {
  sql "SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM entries),
          (SELECT count(*) FROM toll_passages), (SELECT count(*) FROM toll_cards),
          (SELECT count(*) FROM toll_cards WHERE settled_txn IS NOT NULL),
          (SELECT coalesce(sum(last_no), 0) FROM series_counters)"
}
# yuan FEN -- 3900 -> 39.00
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

# ---- the network ------------------------------------------------------------
# rates yuan/km x 10^4; distances in metres to the exit station S02
declare -A RATE=([p1]=4500 [p2]=5000 [p3]=7000 [p4]=9000
  [t1]=4500 [t2]=9000 [t3]=12000 [t4]=13500 [t5]=15000 [t6]=12345
  [s1]=4600 [s2]=9100 [s3]=12100 [s4]=13600 [s5]=15100 [s6]=16000)
AXLE=1000 MIN=500 CARD_FEE=5000
declare -A KM=([S01]=87.000 [S03]=120.500 [S04]=90.000 [S05]=79.000 [S06]=78.980 [S07]=5.000)
# price CLASS ENTRY [AXLES] -- fen, computed here: (rate + axles above 6 x
# surcharge) x metres in 10^-7 yuan, rounded once half up to yuan, at least MIN
price() {
  local m
  m=$(awk -v k="${KM[$2]}" 'BEGIN { printf "%d", k * 1000 + 0.5 }')
  awk -v r="${RATE[$1]}" -v m="$m" -v a="${3:-2}" -v s="$AXLE" -v min="$MIN" 'BEGIN {
    extra = a > 6 ? a - 6 : 0
    exact = (r + extra * s) * m
    y = int((exact + 5000000) / 10000000)
    f = y * 100; if (f < min) f = min
    printf "%d", f }'
}

step "the admin sets up the network: series TL, stations, distances, a tariff, two lanes"
adm admin series add TL --kind toll
for s in S01 S02 S03 S04 S05 S06 S07 S08; do
  adm toll station set "$s" --name "收费站$s" --series TL
done
assert_last_contains "added toll station S08"
for s in "${!KM[@]}"; do
  adm toll distance set "$s" S02 --km "${KM[$s]}"
done
rates=
for c in "${!RATE[@]}"; do
  rates+="${rates:+,}$c=$(awk -v r="${RATE[$c]}" 'BEGIN { printf "%.4f", r / 10000 }')"
done
adm --json toll tariff set --from "$D" --rates "$rates" --min "$(yuan $MIN)" \
  --axle "$(awk -v r=$AXLE 'BEGIN { printf "%.4f", r / 10000 }')" --card-fee "$(yuan $CARD_FEE)" \
  --card-hours 48
assert_eq 1 "$(json_field version)" "the first tariff version"
adm toll lane set T-LANE-01 --station S01 --direction entry
assert_last_contains "terminal T-LANE-01 is an entry lane of station S01"
adm toll lane set T-LANE-02 --station S02 --direction exit
step "a second tariff version must take effect after the first"
expect_rc_contains 15 "a new tariff takes effect after the latest one" \
  till_as ADMIN-01 toll tariff set --from "$D" --rates p1=0.5 --min 5 --card-fee 50 --card-hours 48
expect_rc_contains 13 "toll tariff set: your roles do not allow this request" \
  lane_out toll tariff set --from "$D1" --rates p1=0.5 --min 5 --card-fee 50 --card-hours 48

step "the tariff's prices: each class, the rounding boundaries, over 6 axles, the minimum fee"
quote() { # quote CLASS ENTRY [AXLES]
  expect_rc 0 lane_out --json toll quote "$2" S02 --class "$1" --axles "${3:-2}"
  assert_eq "$(yuan "$(price "$1" "$2" "${3:-2}")")" "$(json_field toll)" "toll of $1 from $2 (${3:-2} axles)"
}
for c in "${!RATE[@]}"; do quote "$c" S01; done
quote p1 S01; assert_eq 39.00 "$(json_field toll)" "p1 87 km: 39.15 -> 39"
quote p1 S04; assert_eq 41.00 "$(json_field toll)" "p1 90 km: 40.50 -> 41"
quote p2 S06; assert_eq 39.00 "$(json_field toll)" "p2 78.98 km: 39.49 -> 39"
quote p2 S05; assert_eq 40.00 "$(json_field toll)" "p2 79 km: 39.50 -> 40"
quote t6 S01 8; assert_eq 125.00 "$(json_field toll)" "t6 8 axles 87 km: (1.2345 + 2 x 0.1) x 87 = 124.8015 -> 125"
quote t6 S01 6; assert_eq 107.00 "$(json_field toll)" "t6 6 axles 87 km: 107.4015 -> 107"
quote p1 S07; assert_eq 5.00 "$(json_field toll)" "p1 5 km: 2.25 -> 2, the minimum 5"

step "bad input to a quote: unknown class, a pair without a distance, axles out of range"
expect_rc_contains 11 "unknown vehicle class 'p9'; use p1-p4, t1-t6 or s1-s6" \
  lane_out toll quote S01 S02 --class p9
expect_rc_contains 11 "the network has no distance from S08 to S02" \
  lane_out toll quote S08 S02 --class p1
expect_rc_contains 11 "axles must be 2 to 20, 21 given" lane_out toll quote S01 S02 --class t6 --axles 21
expect_rc_contains 11 "a vehicle with more than 6 axles is class t6, not t5" \
  lane_out toll quote S01 S02 --class t5 --axles 7

step "the lanes open their shifts; carol issues pass cards at the entry lane (no money)"
open_shift T-LANE-01 carol
open_shift T-LANE-02 erin 100x2
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'erin' AND state = 1")
CSID=$(sql "SELECT id FROM shifts WHERE cashier = 'carol' AND state = 1")
before=$(sql "SELECT count(*) FROM journal")
expect_rc_contains 0 "pass card C001 issued at S01: class p1, plate 京A12345" \
  lane_in toll entry --card C001 --class p1 --plate 京A12345
expect_rc 0 lane_in toll entry --card C002 --class p1 --plate 京B22222
expect_rc 0 lane_in --json toll entry --card C003 --class p1 --plate 粤BD12345
assert_eq S01 "$(json_field entry_station)" "the card's entry station"
assert_eq "$before" "$(sql "SELECT count(*) FROM journal")" "a pass card posts nothing"
expect_rc_contains 16 "pass card C001 is already out and not settled" \
  lane_in toll entry --card C001 --class p1 --plate 京A12345
s0=$(state)
expect_rc_contains 11 "'ABC1234' is not a plausible plate: a province character, a letter, then 5 letters and digits, or 6 for a new-energy vehicle" \
  lane_in toll entry --card C009 --class p1 --plate ABC1234
expect_rc_contains 11 "'京A123456' is not a plausible plate" lane_in toll entry --card C009 --class p1 --plate 京A123456
expect_rc_contains 13 "terminal T-LANE-01 is an entry lane and settles no toll" \
  lane_in toll exit --card C001 --class p1 --seats 5 --plate 京A12345 --method cash
expect_rc_contains 13 "terminal T-LANE-02 is an exit lane and issues no pass card" \
  lane_out toll entry --card C009 --class p1 --plate 京A12345
assert_eq "$s0" "$(state)" "refused entries and exits wrote nothing"

step "the card's round trip: erin settles C001 at the exit lane, priced by the server"
K1=70110000000000000000000000000001
P1=$(price p1 S01)
expect_rc 0 lane_out --json toll exit --card C001 --class p1 --seats 5 --plate 京A12345 \
  --method cash --tendered 50 --idem-key "$K1"
R1=$(json_field number) T1=$(json_field txn_id)
assert_eq "TL$(date +%Y)-00000001" "$R1" "the first toll receipt"
assert_eq "$(yuan "$P1")" "$(json_field toll)" "C001's toll"
assert_eq "drawer:shift:$SID|$P1|cash|5000" \
  "$(sql "SELECT e.account, e.amount, j.method, j.tendered FROM entries e JOIN journal j ON j.id = e.txn_id WHERE j.id = $T1 AND e.seq = 1")" \
  "the paid toll's debit"
assert_eq "revenue:toll|-$P1|toll.p1" "$(sql "SELECT account, amount, item FROM entries WHERE txn_id = $T1 AND seq = 2")" \
  "the toll's credit"
expect_rc 0 till_user T-LANE-02 audrey --json receipt show "$R1"
assert_eq "$(yuan "$P1")" "$(json_field total)" "the receipt as receipt show prints it"

step "a replay of the same key answers the original; C001 cannot be settled again"
s0=$(state)
expect_rc 0 lane_out --json toll exit --card C001 --class p1 --seats 5 --plate 京A12345 \
  --method cash --tendered 50 --idem-key "$K1"
assert_eq "$R1|true" "$(json_field number)|$(json_field replayed)" "the replay"
expect_rc_contains 15 "pass card C001 was already settled" \
  lane_out toll exit --card C001 --class p1 --seats 5 --plate 京A12345 --method cash
expect_rc 16 \
  lane_out toll exit --card C001 --class p1 --seats 5 --plate 京A12345 --method card --idem-key "$K1"
assert_eq "$s0" "$(state)" "a replay and a second settling wrote nothing"

step "C002 comes out as a p2 with another plate: flagged, charged at p2"
P2=$(price p2 S01)
expect_rc 0 lane_out --json toll exit --card C002 --class p2 --seats 7 --plate 京B33333 --method wechat
assert_eq "$(yuan "$P2")|p2" "$(json_field toll)|$(json_field class)" "mismatch: charged at the actual class"
assert_last_contains '"flags":["plate_mismatch","class_mismatch"]'
expect_rc 0 lane_out toll exit --card C003 --class p1 --seats 5 --plate 粤BD12345 --method cash

step "a lost card: charged from the farthest entry (S03, 120.5 km) plus the card fee"
P3=$(price p1 S03)
expect_rc 0 lane_out --json toll exit --lost --class p1 --seats 5 --plate 京C44444 --method cash
assert_eq "S03|$(yuan "$P3")|$(yuan $CARD_FEE)|lost" \
  "$(json_field entry_station)|$(json_field toll)|$(json_field card_fee)|$(json_field card_state)" "lost card"
T3=$(json_field txn_id)
assert_eq "$((P3 + CARD_FEE))|-$CARD_FEE" \
  "$(sql "SELECT (SELECT amount FROM entries WHERE txn_id = $T3 AND seq = 1), (SELECT amount FROM entries WHERE txn_id = $T3 AND account = 'revenue:toll_card')")" \
  "the lost card's entries"

step "the green channel: an inspection passed is waived, one failed is charged and flagged"
PG=$(price t2 S01)
expect_rc 0 lane_out --json toll exit --entry S01 --class t2 --plate 鲁F55555 --exempt green_channel \
  --inspector 王检 --cargo 白菜 --inspection pass
assert_eq "green_channel|$(yuan "$PG")|" "$(json_field exempt)|$(json_field toll)|$(json_field number)" "green pass"
TG=$(json_field txn_id)
assert_eq "toll_exempt|waiver:green_channel:$PG|revenue:toll:-$PG|" \
  "$(sql "SELECT j.kind, group_concat(e.account || ':' || e.amount, '|'), coalesce(j.series, '') FROM journal j JOIN entries e ON e.txn_id = j.id WHERE j.id = $TG GROUP BY j.id")" \
  "the waiver's entries"
expect_rc 0 lane_out --json toll exit --entry S01 --class t2 --plate 鲁F66666 --exempt green_channel \
  --inspector 王检 --cargo 白菜 --inspection fail --method cash
assert_eq "|$(yuan "$PG")" "$(json_field exempt)|$(json_field toll)" "green fail is charged"
assert_last_contains '"flags":["green_failed"]'
s0=$(state)
expect_rc_contains 11 "a vehicle let through free pays nothing; give no payment method" \
  lane_out toll exit --entry S01 --class t2 --plate 鲁F66667 --exempt green_channel \
  --inspector 王检 --cargo 白菜 --inspection pass --method cash
expect_rc_contains 11 "a green-channel vehicle needs the inspector, the cargo and the result" \
  lane_out toll exit --entry S01 --class t2 --plate 鲁F66667 --exempt green_channel --inspection pass
assert_eq "$s0" "$(state)" "refused green-channel exits wrote nothing"

step "a military pass is waived; bad exits are refused with nothing written"
PM=$(price t3 S04 3)
expect_rc 0 lane_out --json toll exit --entry S04 --class t3 --axles 3 --plate 京G12345 \
  --exempt military --pass-ref JUN-0042
assert_eq "military|$(yuan "$PM")" "$(json_field exempt)|$(json_field toll)" "military pass"
s1=$(state)
expect_rc_contains 11 "needs its pass number" \
  lane_out toll exit --entry S04 --class t3 --plate 京G12345 --exempt police
expect_rc_contains 11 "unknown vehicle class 'x1'" lane_out toll exit --entry S01 --class x1 --plate 京A12345 --method cash
expect_rc_contains 11 "the network has no distance from S08 to S02" \
  lane_out toll exit --entry S08 --class p1 --seats 5 --plate 京A12345 --method cash
expect_rc_contains 11 "axles must be 2 to 20, 1 given" \
  lane_out toll exit --entry S01 --class t1 --axles 1 --plate 京A12345 --method cash
expect_rc_contains 11 "'京I12345' is not a plausible plate" \
  lane_out toll exit --entry S01 --class p1 --seats 5 --plate 京I12345 --method cash
expect_rc_contains 11 "a passenger vehicle needs its seats, 1 to 99" \
  lane_out toll exit --entry S01 --class p1 --plate 京A12345 --method cash
expect_rc_contains 11 "give exactly one of the pass card, the entry station or lost" \
  lane_out toll exit --entry S01 --card C002 --class p1 --seats 5 --plate 京A12345 --method cash
expect_rc_contains 11 "payment method is required" \
  lane_out toll exit --entry S01 --class p1 --seats 5 --plate 京A12345
expect_rc_contains 14 "no pass card C404 was issued" \
  lane_out toll exit --card C404 --class p1 --seats 5 --plate 京A12345 --method cash
assert_eq "$s1" "$(state)" "refused exits wrote nothing"

step "the holiday boundary, before midnight: $D1 is a holiday, a p1 car leaving on $D pays"
adm toll holiday set "$D1" --name 国庆节
expect_rc 0 lane_in toll entry --card H001 --class p1 --plate 京H00001
expect_rc 0 lane_in toll entry --card H002 --class p1 --plate 京H00002
expect_rc 0 lane_in toll entry --card H003 --class p1 --plate 京H00003
PH=$(price p1 S01)
expect_rc 0 lane_out --json toll exit --card H001 --class p1 --seats 5 --plate 京H00001 --method cash
assert_eq "|$(yuan "$PH")" "$(json_field exempt)|$(json_field toll)" "exit on $D, not a holiday"

step "the lane's shift is on $D; $D cannot close while the exit lane's shift is open"
expect_rc 0 lane_out --json shift status
assert_eq "$D" "$(json_field business_date)" "the exit lane's shift date"
KC=70110000000000000000000000000c1c
# carol counts 1.00 in a drawer that should hold nothing: her close posts a
# variance, a journal row under the key
expect_rc 0 till_user T-LANE-01 carol shift close --count 1x1 --idem-key "$KC"
step "the key of carol's shift close, sent again with a toll exit: a conflict, nothing written"
before=$(state)
expect_rc_contains 16 "idempotency key already used for a different request" \
  lane_out toll exit --card H003 --class p1 --seats 5 --plate 京H00003 --method cash --idem-key "$KC"
assert_eq "$before" "$(state)" "the toll exit under a spent key changed the database"
before=$(state)
expect_rc_contains 15 "day $D cannot be closed: 1 shift is still open: shift $SID on T-LANE-02 by erin" \
  till_user ADMIN-01 sam day close --date "$D"
assert_eq "$before" "$(state)" "the refused close changed the database"

step "midnight passes: tilld restarts 24 hours east; the calendar is $D1, a holiday"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
export TZ=TST-12
assert_eq "$D1" "$(date +%F)" "the calendar 24 hours east"
start_tilld || fail "tilld did not start in TZ $TZ"
expect_rc 0 lane_out --json toll exit --card H002 --class p1 --seats 5 --plate 京H00002
assert_eq "holiday|$(yuan "$PH")|" "$(json_field exempt)|$(json_field toll)|$(json_field number)" \
  "entered on $D, left on $D1: free"
TH=$(json_field txn_id)
assert_eq "toll_exempt|waiver:holiday" "$(sql "SELECT j.kind, e.account FROM journal j JOIN entries e ON e.txn_id = j.id AND e.seq = 1 WHERE j.id = $TH")" \
  "the holiday waiver"
expect_rc 0 lane_out --json toll exit --card H003 --class p1 --seats 9 --plate 京H00003 --method cash
assert_eq "|$(yuan "$PH")" "$(json_field exempt)|$(json_field toll)" "more than 7 seats pays on a holiday"
expect_rc 0 lane_out --json toll exit --entry S01 --class t1 --plate 京T00001 --method cash
NT1=$(json_field number)
assert_eq "" "$(json_field exempt)" "a truck pays on a holiday"
PT1=$(price t1 S01)

step "the night shift keeps $D after midnight"
expect_rc 0 lane_out --json shift status
assert_eq "$D" "$(json_field business_date)" "the night shift's business date"
assert_eq "$D" "$(sql "SELECT s.business_date FROM toll_passages p JOIN shifts s ON s.id = p.shift_id WHERE p.txn_id = $TH")" \
  "the passage after midnight counts on $D"

step "the hand-over of erin's shift equals the journal, summed here"
expect_rc 0 lane_out --json toll handover "$SID"
cp -- "$T/last.out" "$T/handover.json"
doc_cards() {
  cp -- "$T/last.out" "$T/cards.json"
  sqlite3 -batch -noheader :memory: "SELECT group_concat(json_extract(value, '\$.card') || ':' ||
    CASE json_extract(value, '\$.overdue') WHEN 1 THEN 'true' ELSE 'false' END, ' ')
    FROM json_each(readfile('$T/cards.json'))"
}
hq() { sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/handover.json')) $1"; }
fen_of() { printf "CAST(replace(%s, '.', '') AS INTEGER)" "$1"; }
# the figures this test posted: paid C001 p1, C002 p2, C003 p1, lost p1+fee,
# green failed t2, H001 p1, H003 p1, t1; waived green t2, military t3, holiday p1
PAID=$((P1 + P2 + P1 + P3 + CARD_FEE + PG + PH + PH + PT1))
WAIVED=$((PG + PM + PH))
assert_eq "$PAID|$WAIVED" "$(hq "SELECT $(fen_of "json_extract(R, '\$.tolls')") || '|' || $(fen_of "json_extract(R, '\$.waived')") FROM d")" \
  "charged and waived, as posted"
assert_eq "$PAID|$WAIVED" \
  "$(sql "SELECT (SELECT sum(e.amount) FROM journal j JOIN entries e ON e.txn_id = j.id AND e.seq = 1 WHERE j.shift_id = $SID AND j.kind = 'toll'), (SELECT sum(e.amount) FROM journal j JOIN entries e ON e.txn_id = j.id WHERE j.shift_id = $SID AND e.account GLOB 'waiver:*')")" \
  "charged and waived, as the journal sums them"
assert_eq "$(sql "SELECT series FROM journal WHERE id = $T1")|1|8|8" "$(hq "SELECT json_extract(R, '\$.series') || '|' || json_extract(R, '\$.first_no') || '|' || json_extract(R, '\$.last_no') || '|' || json_extract(R, '\$.receipts') FROM d")" \
  "the receipts used"
assert_eq "8|$(sql "SELECT count(*) FROM journal WHERE shift_id = $SID AND kind = 'toll' AND receipt_no IS NOT NULL")" "8|$(hq "SELECT json_extract(R, '\$.receipts') FROM d")" "receipts in the journal"
assert_eq "0|6|1" "$(hq "SELECT json_extract(R, '\$.cards_issued') || '|' || json_extract(R, '\$.cards_collected') || '|' || json_extract(R, '\$.cards_lost') FROM d")" \
  "cards issued (by carol's entry shift), collected, lost on erin's shift"
assert_eq "green_channel:1:$PG holiday:1:$PH military:1:$PM" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.key') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM d, json_each(R, '\$.exemptions')")" \
  "exemptions by type"
assert_eq "p1:5:$((P1 + P1 + P3 + CARD_FEE + PH + PH)) p2:1:$P2 t1:1:$PT1 t2:1:$PG" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.key') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM d, json_each(R, '\$.classes')")" \
  "vehicles by class"
assert_eq "class_mismatch:1 green_failed:1 plate_mismatch:1" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.key') || ':' || json_extract(value, '\$.count'), ' ') FROM d, json_each(R, '\$.flags')")" \
  "special cases"
assert_eq "$(sql "SELECT group_concat(m || ':' || n || ':' || s, ' ') FROM (SELECT j.method m, count(*) n, sum(e.amount) s FROM journal j JOIN entries e ON e.txn_id = j.id AND e.seq = 1 WHERE j.shift_id = $SID AND j.kind = 'toll' GROUP BY j.method ORDER BY j.method)")" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.key') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM d, json_each(R, '\$.methods')")" \
  "by payment method"
expect_rc 0 till_user T-LANE-01 carol --json toll handover "$CSID"
assert_eq 6 "$(json_field cards_issued)" "carol's entry shift issued 6 cards"
expect_rc_contains 0 "cards issued 0, collected 6, lost or damaged 1" lane_out toll handover "$SID"
expect_rc 0 till_user T-LANE-02 audrey --json toll report --from "$D" --to "$D"
assert_eq "$WAIVED" "$(cp -- "$T/last.out" "$T/handover.json"; hq "SELECT $(fen_of "json_extract(R, '\$.waived')") FROM d")" \
  "the exemptions of business date $D"

step "the daily report counts the tolls of $D as takings; the monthly one the exemptions as waivers"
expect_rc 0 till_user T-LANE-02 audrey --json report daily --date "$D"
cp -- "$T/last.out" "$T/handover.json"
assert_eq "$PAID|8" "$(hq "SELECT $(fen_of "json_extract(R, '\$.net_amount')") || '|' || json_extract(R, '\$.receipts_issued') FROM d")" \
  "the daily net and receipts: the tolls charged"
want=$(for w in "green_channel $PG" "holiday $PH" "military $PM"; do set -- $w; printf 'waiver:%s:1:%s ' "$1" "$2"; done)
assert_eq "${want% }" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.account') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM d, json_each(R, '\$.waivers')")" \
  "the day's exemptions by type, each with what it waived"
expect_rc 0 till_user T-LANE-02 audrey report daily --date "$D"
assert_last_contains "waiver:green_channel"
# the day's text report, with the tolls and their exemptions, fits the
# 42-cell printer in English and in Chinese
for lang in en zh_CN; do
  TILL_LANG=$lang expect_rc 0 till_user T-LANE-02 audrey report daily --date "$D"
  w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
  [ "$w" -le 42 ] || fail "the daily report ($lang) has a line of $w cells: $(cat "$T/last.out")"
done
expect_rc 0 till_user T-LANE-02 audrey --json report monthly --month "${D:0:7}"
cp -- "$T/last.out" "$T/handover.json"
want=$(for w in "green_channel $PG" "holiday $PH" "military $PM"; do set -- $w; printf 'waiver:%s:1:%s ' "$1" "$2"; done)
assert_eq "${want% }" \
  "$(hq "SELECT group_concat(json_extract(value, '\$.account') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM d, json_each(R, '\$.waivers')")" \
  "the month's waivers by exemption"
# the month's text report, with the tolls and their exemptions, fits the
# 42-cell printer in English and in Chinese
for lang in en zh_CN; do
  TILL_LANG=$lang expect_rc 0 till_user T-LANE-02 audrey report monthly --month "${D:0:7}"
  w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
  [ "$w" -le 42 ] || fail "the monthly report ($lang) has a line of $w cells: $(cat "$T/last.out")"
done
cp -- "$T/last.out" "$T/monthly-zh.txt"

step "a toll keyed at the wrong class is voided (erin asks, sam approves): the hand-over lists it by its reason and no longer charges it"
expect_rc 0 lane_out --json void "$NT1" --reason "wrong class keyed"
VID=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam void approve "$VID" --note checked
expect_rc 0 lane_out --json toll handover "$SID"
cp -- "$T/last.out" "$T/handover.json"
assert_eq "$((PAID - PT1))|wrong class keyed:1:$PT1|p1 p2 t2" \
  "$(hq "SELECT $(fen_of "json_extract(R, '\$.tolls')") || '|' || (SELECT group_concat(json_extract(value, '\$.key') || ':' || json_extract(value, '\$.count') || ':' || $(fen_of "json_extract(value, '\$.amount')"), ' ') FROM json_each(R, '\$.voids')) || '|' || (SELECT group_concat(json_extract(value, '\$.key'), ' ') FROM json_each(R, '\$.classes')) FROM d")" \
  "charged, voids by reason and classes after the void"
assert_eq "$((PAID - PT1))" \
  "$(sql "SELECT sum(e.amount) FROM journal j JOIN entries e ON e.txn_id = j.id AND e.seq = 1 WHERE j.shift_id = $SID AND j.kind IN ('toll', 'void')")" \
  "the journal's tolls less the void"
assert_eq "8|8" "$(hq "SELECT json_extract(R, '\$.receipts') || '|' || json_extract(R, '\$.last_no') FROM d")" \
  "the voided receipt keeps its number in the range"

step "tariff version 2, in force 2 seconds from now: every rate as before but s6"
S6_NEW=17500 P_S6_OLD=$(price s6 S01)
rates2=
for c in "${!RATE[@]}"; do
  r=${RATE[$c]}
  [ "$c" = s6 ] && r=$S6_NEW
  rates2+="${rates2:+,}$c=$(awk -v r="$r" 'BEGIN { printf "%.4f", r / 10000 }')"
done
from=$(date -d '+2 seconds' +%FT%T)
adm --json toll tariff set --from "$from" --rates "$rates2" --min "$(yuan $MIN)" \
  --axle "$(awk -v r=$AXLE 'BEGIN { printf "%.4f", r / 10000 }')" --card-fee "$(yuan $CARD_FEE)" \
  --card-hours 48
assert_eq 2 "$(json_field version)" "the second tariff version"
expect_rc 0 lane_out --json toll quote S01 S02 --class s6
assert_eq "1|$(yuan "$P_S6_OLD")" "$(json_field tariff_version)|$(json_field toll)" "before $from the first version prices"
for _ in $(seq 1 40); do [ "$(date +%FT%T)" \> "$from" ] && break; sleep 0.1; done
sleep 0.2
RATE[s6]=$S6_NEW
expect_rc 0 lane_out --json toll quote S01 S02 --class s6
assert_eq "2|$(yuan "$(price s6 S01)")" "$(json_field tariff_version)|$(json_field toll)" "from $from the second version prices"
[ "$(price s6 S01)" != "$P_S6_OLD" ] || fail "the new s6 rate prices the same as the old"

step "cards still out: none; the shift closes and its Z-report counts the toll receipts"
expect_rc 0 lane_out --json toll cards
assert_eq "[]" "$(cat "$T/last.out")" "no card is out"
# two cards still out, planted in the table (no test can wait 48 hours):
# one issued 49 hours ago, one a minute ago; only the first is overdue
now_ms=$(($(date +%s) * 1000))
sql "INSERT INTO toll_cards(card, entry_station, class, plate, issued_at, terminal_id, issued_by, shift_id)
     VALUES ('OLD1', 'S01', 'p1', '京Z00001', $((now_ms - 49 * 3600 * 1000)), 'T-LANE-01', 'carol', $CSID),
            ('NEW1', 'S01', 't2', '京Z00002', $((now_ms - 60 * 1000)), 'T-LANE-01', 'carol', $CSID)"
expect_rc 0 lane_out --json toll cards --overdue
assert_eq "OLD1:true" "$(doc_cards)" "overdue cards"
expect_rc 0 lane_out --json toll cards
assert_eq "OLD1:true NEW1:false" "$(doc_cards)" "cards out"
CASH=$((P1 + P1 + P3 + CARD_FEE + PG + PH + PH))   # PT1 voided
expect_rc 0 lane_out --json shift close --count "100x2,1x$((CASH / 100))" --noncash wechat=$(yuan "$P2")
assert_eq "8|1|$(yuan $((20000 + CASH)))|0.00" \
  "$(json_field receipts)|$(json_field voids)|$(json_field expected_cash)|$(json_field cash_variance)" \
  "the Z-report's toll receipts, the void and the drawer"
assert_last_contains '{"item":"toll.p2","name":"toll.p2","quantity":1,"amount":"'"$(yuan "$P2")"'"}'

step "the auditor's verification passes over tolls and exemptions, online and from an export"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user ADMIN-01 sam --json audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/all.tex"
expect_rc 0 till_user T-LANE-02 audrey --json audit ledger --kind toll_exempt
assert_last_contains "\"kind\":\"toll_exempt\""
