#!/usr/bin/env bash
# test_business_date.sh -- business dates (营业日, issue 18) through a real
# tilld over TLS with the real till.
#
# tilld first runs 12 hours west of UTC, then is restarted 12 hours east:
# its calendar moves on by exactly one day, as if midnight had passed,
# while a night shift stays open. So, with D tilld's first calendar date:
#
#   - D cannot close while a shift of it is open (another terminal's, then
#     the night shift alone): the refusal names them and writes nothing;
#     a date after the current business date cannot close at all;
#   - the night shift opened on D keeps D after midnight: its sale then
#     counts on D; a shift opened after midnight is on D+1;
#   - once every shift of D is closed, D closes; posting into D afterwards
#     is refused and writes nothing; a deposit of D's cash is made at once,
#     on D+1;
#   - D+1 closes before its calendar midnight (an office that closes
#     early): a new shift opens at once on D+2 and takes a sale and a
#     deposit;
#   - the daily reports of D, D+1 and D+2 and the monthly settlement split
#     the postings by business date, every figure checked against the
#     test's own arithmetic and against the journal;
#   - behind tilld's back, SQLite's triggers refuse a shift stamped with a
#     closed date and a transaction posted into a shift of one.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

export TZ=TST+12
start_tilld || fail "tilld did not start in TZ $TZ"
D=$(date +%F)
D1=$(date -d "$D 12:00 next day" +%F)
D2=$(date -d "$D1 12:00 next day" +%F)

register_lanes
world_catalog PARK WASH
world_users carol dan erin sam audrey
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam ADMIN-01:audrey

# state -- what a refused request must leave alone: the ledger, the closes,
# the signatures, the shifts and deposits
state() {
  printf '%s|%s|%s|%s|%s' "$(ledger_state)" "$(sql 'SELECT count(*) FROM day_closes')" \
    "$(sql 'SELECT count(*) FROM chain_signatures')" "$(sql 'SELECT count(*) FROM shifts')" \
    "$(sql 'SELECT count(*) FROM deposits')"
}
# sale TERMINAL USER LINE METHOD -- sets RECEIPT
sale() {
  expect_rc 0 till_user "$1" "$2" --json sale "$3" --method "$4"
  RECEIPT=$(json_field number)
}
# fen_of EXPR -- SQL turning a yuan string ("12.50") into fen
fen_of() { printf "CAST(replace(%s, '.', '') AS INTEGER)" "$1"; }
# daily DATE -- report daily --json for DATE into $T/daily-DATE.json
daily() {
  expect_rc 0 till_user ADMIN-01 audrey --json report daily --date "$1"
  cp -- "$T/last.out" "$T/daily-$1.json"
}
# dq DATE QUERY -- QUERY over the saved report of DATE; R is the document
dq() {
  sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/daily-$1.json')) $2"
}
# journal_net DATE -- net revenue of the sales and voids of DATE's shifts,
# from the journal's revenue entries
journal_net() {
  sql "SELECT -coalesce(sum(e.amount), 0) FROM journal j JOIN entries e ON e.txn_id = j.id
       JOIN shifts s ON s.id = j.shift_id
       WHERE s.business_date = '$1' AND e.account LIKE 'revenue:%'"
}
# check_daily DATE NET RECEIPTS SHIFTS DEPOSITS -- the saved report of DATE
# nets NET fen (= the journal's sum), issued RECEIPTS receipts, lists the
# shift ids SHIFTS and deposit ids DEPOSITS
check_daily() {
  assert_eq "$2" "$(journal_net "$1")" "$1: the journal's net revenue"
  assert_eq "$1|$2|$3|$4|$5" \
    "$(dq "$1" "SELECT json_extract(R, '\$.date') || '|' || $(fen_of "json_extract(R, '\$.net_amount')")
        || '|' || json_extract(R, '\$.receipts_issued') || '|'
        || coalesce((SELECT group_concat(json_extract(value, '\$.shift_id'), ' ') FROM json_each(R, '\$.shifts')), '')
        || '|' || coalesce((SELECT group_concat(json_extract(value, '\$.id'), ' ') FROM json_each(R, '\$.deposits')), '')
        FROM d")" "$1: date|net|receipts|shifts|deposits"
}

step "before anything: $D is the current business date, none is closed"
expect_rc 0 till_user ADMIN-01 sam --json day status
assert_last_contains "{\"current_business_date\":\"$D\",\"calendar_date\":\"$D\",\"server_utc_offset\":\"-1200\",\"last_closed_date\":\"\",\"last_closed_by\":\"\",\"last_closed_at\":0,\"open_shifts\":[]}"
expect_rc_contains 0 "current business date  $D" till_user ADMIN-01 audrey day status
assert_last_contains "server calendar date   $D   (server time zone UTC-12:00)"
assert_last_contains "last closed            none yet"

expect_rc_contains 13 "day status: your roles do not allow this request" \
  till_user T-LANE-01 carol day status
expect_rc 2 till_user ADMIN-01 sam day status "$D"

step "carol (the night shift, T-LANE-01) and dan (T-LANE-02) open on $D and sell"
expect_rc 0 till_user T-LANE-01 carol --json shift open --count 100x1
s_carol=$(json_field shift_id)
assert_eq "$D" "$(json_field business_date)" "carol's shift's business date"
sale T-LANE-01 carol PARK:2 cash     # 10.00
sale T-LANE-01 carol WASH:1 wechat   #  2.50
expect_rc 0 till_user T-LANE-02 dan --json shift open --count none
s_dan=$(json_field shift_id)
sale T-LANE-02 dan PARK:1 card       #  5.00
expect_rc_contains 0 "Date      $D (business date)" till_user T-LANE-02 dan shift status

step "$D cannot close while their shifts are open; nor can $D1, after the current date"
before=$(state)
expect_rc_contains 15 "day $D cannot be closed: 2 shifts are still open: shift $s_carol on T-LANE-01 by carol opened $D " \
  till_user ADMIN-01 sam day close --date "$D"
assert_last_contains "; shift $s_dan on T-LANE-02 by dan opened $D "
expect_rc_contains 11 "date $D1 is in the future: the current business date is $D" \
  till_user ADMIN-01 sam day close --date "$D1"
assert_eq "$before" "$(state)" "the refused closes changed the database"

step "dan closes; $D is still refused: carol's night shift is open"
expect_rc 0 till_user T-LANE-02 dan shift close --count none --noncash card=5.00
before=$(state)
expect_rc_contains 15 "day $D cannot be closed: 1 shift is still open: shift $s_carol on T-LANE-01 by carol opened $D " \
  till_user ADMIN-01 sam day close --date "$D"
assert_eq "$before" "$(state)" "the refused close changed the database"

step "midnight passes: tilld restarts 12 hours east of UTC, its calendar is $D1"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
export TZ=TST-12
assert_eq "$D1" "$(date +%F)" "the calendar 24 hours east"
start_tilld || fail "tilld did not start in TZ $TZ"
expect_rc 0 till_user ADMIN-01 sam --json day status
assert_last_contains "{\"current_business_date\":\"$D1\",\"calendar_date\":\"$D1\",\"server_utc_offset\":\"+1200\",\"last_closed_date\":\"\","
assert_last_contains "\"open_shifts\":[{\"shift_id\":$s_carol,\"terminal\":\"T-LANE-01\",\"cashier\":\"carol\",\"business_date\":\"$D\","

step "the night shift keeps $D: carol's sale after midnight counts on $D"
sale T-LANE-01 carol PARK:1 cash     #  5.00
night_receipt=$RECEIPT
expect_rc 0 till_user T-LANE-01 carol --json shift status
assert_eq "$D" "$(json_field business_date)" "the night shift's business date after midnight"

step "erin opens on T-GHOST after midnight: her shift is on $D1"
expect_rc 0 till_as ADMIN-01 admin terminal add T-GHOST --description "lane 3"
world_login T-GHOST:erin
expect_rc 0 till_user T-GHOST erin --json shift open --count none
s_erin=$(json_field shift_id)
assert_eq "$D1" "$(json_field business_date)" "erin's shift's business date"
sale T-GHOST erin WASH:2 alipay      #  5.00
expect_rc 0 till_user ADMIN-01 sam --json shift list --state open
assert_last_contains "{\"shift_id\":$s_carol,\"terminal\":\"T-LANE-01\",\"cashier\":\"carol\",\"business_date\":\"$D\","
assert_last_contains "{\"shift_id\":$s_erin,\"terminal\":\"T-GHOST\",\"cashier\":\"erin\",\"business_date\":\"$D1\","

step "carol closes (float 100.00 + cash 15.00); $D closes while erin's $D1 shift stays open"
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 100x1,5x3 --noncash wechat=2.50
assert_eq "0.00" "$(json_field cash_variance)" "carol's variance"
expect_rc_contains 0 "day $D closed by sam at " till_user ADMIN-01 sam day close --date "$D"
assert_last_contains "new shifts and deposits now go to business date $D1"
assert_eq "1|day_close:$D" "$(sql "SELECT count(*), s.reason FROM day_closes c
    JOIN chain_signatures s ON s.id = c.signature_id WHERE c.date = '$D'")" "the close and its signature"

step "posting into the closed $D is refused and writes nothing"
before=$(state)
expect_rc_contains 15 "no open shift of carol on T-LANE-01" \
  till_user T-LANE-01 carol sale PARK:1 --method cash
expect_rc_contains 15 "is closed; it can no longer be voided" \
  till_user T-LANE-01 carol void "$night_receipt" --reason "after the close"
expect_rc_contains 0 "was already closed by sam" till_user ADMIN-01 sam day close --date "$D"
assert_eq "$before" "$(state)" "refused postings into $D changed the database"

step "carol's cash (15.00) is deposited at once: the deposit is on $D1"
expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts "$s_carol" --slip S-1 --amount 15.00
dep1=$(json_field id)
expect_sql "$D1" "SELECT business_date FROM deposits WHERE id = $dep1"
expect_rc 0 till_user ADMIN-01 sam deposit confirm "$dep1"

step "early close: erin closes and $D1 closes before its calendar midnight; new shifts go to $D2"
expect_rc 0 till_user T-GHOST erin shift close --count none --noncash alipay=5.00
expect_rc 0 till_user ADMIN-01 sam --json day close --date "$D1"
assert_last_contains "\"replayed\":false,\"next_business_date\":\"$D2\"}"
assert_eq "$D1" "$(date +%F)" "the calendar is still $D1"
# $D2 is now current but has not begun: closing it too would push every
# shift until the calendar catches up two dates ahead, for good
before=$(state)
expect_rc_contains 15 "business date $D2 has not begun: no shift has opened on it and the calendar shows $D1" \
  till_user ADMIN-01 sam day close --date "$D2"
assert_eq "$before" "$(state)" "the refused close of $D2 changed the database"
expect_rc 0 till_user T-LANE-02 dan --json shift open --count none
s_dan2=$(json_field shift_id)
assert_eq "$D2" "$(json_field business_date)" "dan's new shift, opened on calendar day $D1"
sale T-LANE-02 dan PARK:1 cash       #  5.00
expect_rc 0 till_user T-LANE-02 dan shift close --count 5x1
expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts "$s_dan2" --slip S-2 --amount 5.00
dep2=$(json_field id)
expect_sql "$D2" "SELECT business_date FROM deposits WHERE id = $dep2"
expect_rc 0 till_user ADMIN-01 sam --json day status
assert_last_contains "{\"current_business_date\":\"$D2\",\"calendar_date\":\"$D1\",\"server_utc_offset\":\"+1200\",\"last_closed_date\":\"$D1\",\"last_closed_by\":\"sam\","
assert_last_contains "\"open_shifts\":[]}"

step "the daily reports split the postings by business date"
# D: carol 10.00 + 2.50 + 5.00 (after midnight), dan 5.00; D1: erin 5.00
# and carol's deposit; D2: dan 5.00 and its deposit
daily "$D"
check_daily "$D" 2250 4 "$s_carol $s_dan" ""
# (the after-midnight sale may be in next year's series when D is 31 Dec)
assert_eq 1 "$(dq "$D" "SELECT count(*) FROM d, json_each(R, '\$.receipts')
    WHERE json_extract(value, '\$.series') = '${night_receipt%-*}'
      AND json_extract(value, '\$.last_no') = $((10#${night_receipt#*-}))")" \
  "the night shift's after-midnight receipt $night_receipt ends $D's receipts"
assert_eq "1|sam|10000|0|1500" \
  "$(dq "$D" "SELECT json_extract(R, '\$.closed') || '|' || json_extract(R, '\$.closed_by') || '|'
      || $(fen_of "json_extract(R, '\$.floats')") || '|' || $(fen_of "json_extract(R, '\$.deposited')") || '|'
      || $(fen_of "json_extract(R, '\$.undeposited_amount')") FROM d")" \
  "$D: closed|by|floats|deposited|not deposited (carol's cash, banked on $D1)"
daily "$D1"
check_daily "$D1" 500 1 "$s_erin" "$dep1"
assert_eq "1500|0" \
  "$(dq "$D1" "SELECT $(fen_of "json_extract(R, '\$.deposited')") || '|'
      || $(fen_of "json_extract(R, '\$.undeposited_amount')") FROM d")" "$D1: deposited|not deposited"
daily "$D2"
check_daily "$D2" 500 1 "$s_dan2" "$dep2"
assert_eq "$D2|0" "$(dq "$D2" "SELECT json_extract(R, '\$.current_business_date') || '|'
    || json_extract(R, '\$.closed') FROM d")" "$D2: current, open"
expect_rc_contains 0 "DAILY REPORT $D (business date)" \
  till_user ADMIN-01 sam report daily --date "$D"
assert_last_contains "the current business date is $D2"
assert_last_contains "day CLOSED by sam"
last_matches "^$s_carol +T-LANE-01 +carol +$D +closed\$" || fail "carol's shift line with its date"

step "the monthly settlement sums the business dates of each month"
for month in $(printf '%s\n' "${D:0:7}" "${D1:0:7}" "${D2:0:7}" | sort -u); do
  expect_rc 0 till_user ADMIN-01 audrey --json report monthly --month "$month"
  total=0
  for pair in "$D:22.50:4:2250" "$D1:5.00:1:500" "$D2:5.00:1:500"; do
    IFS=: read -r day amount receipts fen <<<"$pair"
    [ "${day:0:7}" = "$month" ] || continue
    assert_last_contains "{\"date\":\"$day\",\"receipts\":$receipts,\"amount\":\"$amount\","
    total=$((total + fen))
  done
  assert_last_contains "\"total\":\"$((total / 100)).$(printf '%02d' $((total % 100)))\""
done

step "behind tilld's back, SQLite refuses a shift on $D and a posting into carol's shift"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
before=$(state)
if sql "INSERT INTO shifts(terminal_id, cashier, opened_at, float_amount, business_date)
        VALUES ('T-LANE-01', 'zed', 0, 0, '$D')" 2>"$T/trigger.err"; then
  fail "a shift was stamped with the closed date $D"
fi
assert_file_contains "$T/trigger.err" "no shift opens on a closed business date"
nid=$(($(sql "SELECT max(id) FROM journal") + 1))
# -bail: stop at the refused row, so the transaction is never committed
if sqlite3 -bail -batch -cmd '.timeout 5000' "$DB" "BEGIN;
        INSERT INTO entries(txn_id, seq, account, amount) VALUES ($nid, 1, 'drawer:shift:$s_carol', 500),
          ($nid, 2, 'revenue:PARK', -500);
        INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, hash)
          VALUES ($nid, 'sale', 0, 'T-LANE-01', 'carol', $s_carol, zeroblob(32));
        COMMIT;" 2>"$T/trigger.err"; then
  fail "a transaction was posted into shift $s_carol of the closed date $D"
fi
assert_file_contains "$T/trigger.err" "the business date of this shift is closed"
assert_eq "$before" "$(state)" "the refused rows changed the database"
