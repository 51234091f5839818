#!/usr/bin/env bash
# test_undeposited_pile.sh -- the daily report and `deposit pending` with
# 1,500 closed shifts whose cash waits for a deposit (issue 23): they used to
# answer RESOURCE_EXHAUSTED past 1,000. Real shifts, a sale and a deposit
# through a real tilld; then, with tilld stopped, 1,500 closed shifts of
# earlier business dates written into its database with SQL (as a pile left
# by months without banking would be; 300 of them put into today's deposit,
# which makes them undeposited as of any earlier date), and tilld started on
# it again. Every count and amount is computed here with sqlite3 by the
# rule of docs/protocol.md (closed, depositable > 0, in no deposit of the
# date or an earlier one), over every shift -- another route than the
# server's indices. The reports list the oldest 1,000 and say how many
# more; the totals are of all.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam
world_catalog PARK
world_login T-LANE-01:carol ADMIN-01:sam

# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# pile DATE -- "count|total" of the shifts not deposited as of DATE, by the rule
pile() {
  sql "SELECT count(*), coalesce(sum(coalesce(counted_cash, 0) - float_amount), 0) FROM shifts s
       WHERE business_date <= '$1' AND state IN (2, 3)
         AND coalesce(counted_cash, 0) - float_amount > 0
         AND (deposit_id IS NULL
              OR (SELECT d.business_date FROM deposits d WHERE d.id = s.deposit_id) > '$1')"
}
# oldest DATE -- the id of the oldest of them
oldest() {
  sql "SELECT min(id) FROM shifts s WHERE business_date <= '$1' AND state IN (2, 3)
         AND coalesce(counted_cash, 0) - float_amount > 0
         AND (deposit_id IS NULL
              OR (SELECT d.business_date FROM deposits d WHERE d.id = s.deposit_id) > '$1')"
}
# rep QUERY -- QUERY over the last --json output; R is the document
rep() {
  sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/last.out')) $1"
}

step "two real shifts: one deposited today, one waiting"
open_shift T-LANE-01 carol 100x1
expect_rc 0 till_user T-LANE-01 carol sale PARK:4 --method cash
expect_rc 0 till_user T-LANE-01 carol shift close --count 100x1,10x2
first=$(sql "SELECT max(id) FROM shifts")
open_shift T-LANE-01 carol 100x1
expect_rc 0 till_user T-LANE-01 carol sale PARK:2 --method cash
expect_rc 0 till_user T-LANE-01 carol shift close --count 100x1,10x1
second=$(sql "SELECT max(id) FROM shifts")
expect_rc 0 till_user ADMIN-01 sam deposit create --shifts "$first" --slip SLIP-1 --amount 20.00
TODAY=$(sql "SELECT business_date FROM shifts WHERE id = $second")
deposit=$(sql "SELECT id FROM deposits WHERE slip = 'SLIP-1'")
assert_eq "1|1000" "$(pile "$TODAY")" "the pile before the SQL"

step "1,500 closed shifts of earlier dates written with tilld stopped"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
now=$(date +%s)
# shift i: business date i % 300 + 1 days before today, float 100.00,
# counted 100.00 + i jiao (depositable i * 10 fen); the first 300 written
# go into today's deposit (undeposited as of any earlier date)
# (each names a signed head, as a close does: tilld's start-up check wants one)
sql "INSERT INTO shifts(terminal_id, cashier, state, opened_at, float_amount, closed_at,
       expected_cash, counted_cash, cash_variance, business_date, signature_txn_id)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
     SELECT 'T-LANE-01', 'carol', 2, $now - 86400 * (i % 300 + 1), 10000,
       $now - 86400 * (i % 300 + 1) + 3600, 10000 + i * 10, 10000 + i * 10, 0,
       date('$TODAY', '-' || (i % 300 + 1) || ' days'),
       (SELECT max(txn_id) FROM chain_signatures) FROM n;
     UPDATE shifts SET deposit_id = $deposit WHERE id > $second AND id <= $second + 300;" ||
  fail "could not write the shifts"
start_tilld || fail "tilld did not start on the database with the pile"
want=$(pile "$TODAY")
assert_eq "1201|$((1000 + (1500 * 1501 / 2 - 300 * 301 / 2) * 10))" "$want" "the pile by the rule"

step "the daily report answers: the oldest 1,000 listed, all of them counted and summed"
expect_rc 0 till_user ADMIN-01 sam --json report daily
assert_eq "${want%|*}|$(yuan "${want#*|}")|1000|$(oldest "$TODAY")" \
  "$(rep "SELECT json_extract(R, '\$.undeposited_count') || '|' ||
            json_extract(R, '\$.undeposited_amount') || '|' ||
            json_array_length(R, '\$.undeposited') || '|' ||
            json_extract(R, '\$.undeposited[0].shift_id') FROM d")" "count|amount|listed|oldest"
assert_eq 1 "$(rep "SELECT min(json_extract(value, '\$.shift_id') > prev) FROM (SELECT value,
            lag(json_extract(value, '\$.shift_id'), 1, 0) OVER () AS prev
            FROM d, json_each(R, '\$.undeposited'))")" "listed oldest first"
expect_rc 0 till_user ADMIN-01 sam report daily
assert_last_contains "... and $((${want%|*} - 1000)) more shifts not listed"
assert_last_contains "(the oldest 1000 are)"
assert_last_contains "not deposited $(yuan "${want#*|}")"

step "an earlier date: the shifts deposited today count as not deposited then"
past=$(date -d "$TODAY -100 days" +%F)
want=$(pile "$past")
(( ${want%|*} > 1000 )) || fail "the pile as of $past is only ${want%|*}"
expect_rc 0 till_user ADMIN-01 sam --json report daily --date "$past"
assert_eq "${want%|*}|$(yuan "${want#*|}")|$(oldest "$past")" \
  "$(rep "SELECT json_extract(R, '\$.undeposited_count') || '|' ||
            json_extract(R, '\$.undeposited_amount') || '|' ||
            json_extract(R, '\$.undeposited[0].shift_id') FROM d")" "count|amount|oldest as of $past"
deposited_then=$(rep "SELECT count(*) FROM d, json_each(R, '\$.undeposited')
                      WHERE json_extract(value, '\$.deposit_id') = $deposit")
(( deposited_then > 0 )) || fail "no shift of today's deposit is listed as of $past"

step "deposit pending: the oldest 1,000 listed, all of them counted and summed"
want=$(sql "SELECT count(*), sum(counted_cash - float_amount) FROM shifts
            WHERE state IN (2, 3) AND deposit_id IS NULL AND closed_at <= $(date +%s)
              AND coalesce(counted_cash, 0) - float_amount > 0")
expect_rc 0 till_user ADMIN-01 sam --json deposit pending --hours 0
assert_eq "${want%|*}|$(yuan "${want#*|}")|1000" \
  "$(rep "SELECT json_extract(R, '\$.count') || '|' || json_extract(R, '\$.total') || '|' ||
            json_array_length(R, '\$.shifts') FROM d")" "count|total|listed"
expect_rc 0 till_user ADMIN-01 sam deposit pending --hours 0
assert_last_contains "... and $((${want%|*} - 1000)) more shifts not listed"
assert_last_contains "(the oldest 1000 are)"
# closed more than 30 days ago: only the SQL shifts of 30 days back or more
want=$(sql "SELECT count(*), sum(counted_cash - float_amount) FROM shifts
            WHERE state IN (2, 3) AND deposit_id IS NULL AND closed_at <= $(date +%s) - 720 * 3600
              AND coalesce(counted_cash, 0) - float_amount > 0")
expect_rc 0 till_user ADMIN-01 sam --json deposit pending --hours 720
assert_eq "${want%|*}|$(yuan "${want#*|}")" \
  "$(rep "SELECT json_extract(R, '\$.count') || '|' || json_extract(R, '\$.total') FROM d")" \
  "count|total closed 720 hours ago"

step "a deposit of listed shifts takes them off the pile"
ids=$(rep "SELECT group_concat(json_extract(value, '\$.shift_id')) FROM (SELECT value
           FROM d, json_each(R, '\$.shifts') LIMIT 3)")
amount=$(sql "SELECT sum(counted_cash - float_amount) FROM shifts WHERE id IN ($ids)")
before=$(pile "$TODAY")
expect_rc 0 till_user ADMIN-01 sam deposit create --shifts "$ids" --slip SLIP-2 --amount "$(yuan "$amount")"
after=$(pile "$TODAY")
assert_eq "$((${before%|*} - 3))|$((${before#*|} - amount))" "$after" "the pile after the deposit"
expect_rc 0 till_user ADMIN-01 sam --json report daily
assert_eq "${after%|*}|$(yuan "${after#*|}")" \
  "$(rep "SELECT json_extract(R, '\$.undeposited_count') || '|' ||
            json_extract(R, '\$.undeposited_amount') FROM d")" "the report after the deposit"
