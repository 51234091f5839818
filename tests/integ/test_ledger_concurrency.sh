#!/usr/bin/env bash
# test_ledger_concurrency.sh -- 2,000 sales from 20 concurrent TLS
# connections (till-load over the real protocol): the series counter ends at
# 2000, the journal holds receipt numbers 1..2000 exactly once each, every
# acknowledged posting is the journal row with that key, number and txn id,
# the books balance and `till audit verify` passes.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"
require_till_load

N=2000
C=20

register_lanes
world_catalog
world_users carol audrey
world_login T-LANE-01:carol T-LANE-02:audrey
open_shift T-LANE-01 carol
before=$(sql "SELECT count(*) FROM journal")

step "$N sales over $C connections"
run load_as T-LANE-01 carol --item PARK1H --connections "$C" --count "$N" --method cash \
  --out "$T/load.out" --seconds 150
if [ "$LAST_RC" != 0 ]; then
  _show_last
  fail "till-load did not get every posting acknowledged"
fi
summary=$(cat -- "$T/last.out")
step "till-load: $summary"
[[ $summary =~ ^ok=$N\ failed=0\ elapsed_ms=[0-9]+\ rate=[0-9.]+/s\ p50_ms=[0-9]+\ p99_ms=[0-9]+$ ]] ||
  fail "unexpected till-load summary: $summary"
assert_eq "$N" "$(wc -l <"$T/load.out")" "lines in till-load's output"
assert_eq "$N" "$(cut -d' ' -f1 "$T/load.out" | LC_ALL=C sort -u | wc -l)" "distinct keys"

step "one series counter, at $N"
series=$(sed -n '1s/^[0-9a-f]* \([A-Z]*[0-9]\{4\}\)-.*/\1/p' "$T/load.out")
[[ $series =~ ^HT[0-9]{4}$ ]] || fail "no series in till-load's output: '$series'"
expect_sql "$series|$N" "SELECT series, last_no FROM series_counters"

step "receipt numbers 1..$N, each exactly once"
expect_sql "$N|$N|1|$N" "SELECT count(*), count(DISTINCT receipt_no), min(receipt_no),
  max(receipt_no) FROM journal WHERE series='$series'"
expect_sql "$N" "SELECT count(*) FROM journal WHERE kind='sale'"
expect_sql "$((before + N))" "SELECT count(*) FROM journal"
expect_sql 0 "SELECT count(*) FROM journal WHERE kind='sale' AND (idem_key IS NULL OR length(idem_key) != 16)"

step "every acknowledged posting is the journal row with its key, number and txn id"
LC_ALL=C sort -- "$T/load.out" >"$T/load.sorted"
journal_sales_listing >"$T/journal.sorted"
joined=$(LC_ALL=C join -j1 "$T/load.sorted" "$T/journal.sorted" |
  awk '$2 == $4 && $3 == $5' | wc -l)
assert_eq "$N" "$joined" "till-load lines whose key, number and txn id match the journal"
if ! diff -q -- "$T/load.sorted" "$T/journal.sorted" >/dev/null; then
  diff -- "$T/load.sorted" "$T/journal.sorted" | head -20 >&9
  fail "till-load's acknowledgements and the journal's sales differ"
fi

step "the books: two entries per sale, balanced, ¥5.00 each into the drawer"
expect_sql "$((2 * N))" "SELECT count(*) FROM entries e JOIN journal j ON j.id=e.txn_id WHERE j.kind='sale'"
expect_sql 0 "SELECT count(*) FROM (SELECT txn_id FROM entries GROUP BY txn_id HAVING sum(amount) != 0)"
expect_sql "$((500 * N))|$((-500 * N))" "SELECT
  (SELECT sum(amount) FROM entries WHERE account LIKE 'drawer:%'),
  (SELECT sum(amount) FROM entries WHERE account LIKE 'revenue:%')"
expect_sql "$N" "SELECT count(*) FROM idempotency WHERE kind='sale'"

step "the auditor's verification passes"
expect_rc_contains 0 "series $series: 1..$N complete ($N receipts)" \
  till_user T-LANE-02 audrey audit verify
assert_last_contains "ledger verified: $((before + N)) transactions"
