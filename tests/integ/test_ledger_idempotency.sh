#!/usr/bin/env bash
# test_ledger_idempotency.sh -- a posting's 128-bit key makes retries safe.
# Sales in flight when tilld is killed (-9) are retried by till-load with
# their keys and end up in the journal exactly once each. With `till sale
# --idem-key`: the same key with the same content returns the original receipt
# (also after kill -9 and a restart), marked replayed, and writes nothing;
# the same key with other content is a conflict (16) and writes nothing.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"
require_till_load

K1=0123456789abcdef0123456789abcdef
K2=fedcba9876543210fedcba9876543210

register_lanes
world_catalog
world_users carol dan
world_login T-LANE-01:carol T-LANE-02:dan
open_shift T-LANE-01 carol
open_shift T-LANE-02 dan

# next_number -- the receipt number the next sale should get
next_number() {
  sql "SELECT series || '-' || printf('%08d', last_no + 1) FROM series_counters"
}

step "sales in flight across kill -9 are retried with their keys: each lands exactly once"
bg load load_as T-LANE-01 carol --item PARK1H --connections 4 --count 1000 --out "$T/acks.txt" \
  --seconds 90
load_pid=$BG_PID
for ((i = 0; i < 200; i++)); do
  [ "$(sql "SELECT count(*) FROM journal WHERE kind='sale'")" -ge 40 ] && break
  kill -0 "$load_pid" 2>/dev/null || break
  sleep 0.05
done
[ "$i" -lt 200 ] || fail "till-load posted fewer than 40 sales within 10 s"
kill -0 "$load_pid" 2>/dev/null || fail "till-load finished before tilld could be killed: $(cat "$T/load.out")"
old_port=$PORT
kill_tilld
mid=$(sql "SELECT count(*) FROM journal WHERE kind='sale'")
step "killed tilld with $mid of 1000 sales committed; restarting on port $old_port"
start_tilld --listen "127.0.0.1:$old_port" || fail "tilld did not start again (exit $TILLD_RC)"
assert_eq "$old_port" "$PORT" "port after the restart"
load_rc=0
wait_bg "$load_pid" 120 || load_rc=$?
summary=$(grep '^ok=' "$T/load.out" || true)
[ "$load_rc" = 0 ] || { cat "$T/load.out" >&9; fail "till-load exited $load_rc after the restart"; }
[[ $summary =~ ^ok=1000\ failed=0 ]] || fail "till-load: $summary"
step "till-load: $summary"
grep -q ' retries, ' "$T/load.out" || fail "till-load retried nothing: tilld was not killed mid-run"
assert_eq 1000 "$(wc -l <"$T/acks.txt")" "acknowledged sales"
expect_sql "1000|1000|1000|1|1000" "SELECT count(*), count(DISTINCT idem_key), count(DISTINCT receipt_no),
  min(receipt_no), max(receipt_no) FROM journal WHERE kind='sale'"
LC_ALL=C sort -- "$T/acks.txt" >"$T/acks.sorted"
journal_sales_listing >"$T/journal.sorted"
if ! diff -q -- "$T/acks.sorted" "$T/journal.sorted" >/dev/null; then
  diff -- "$T/acks.sorted" "$T/journal.sorted" | head -20 >&9
  fail "the acknowledged sales and the journal's sales differ"
fi

step "one key sent 200 times over 10 connections at once: one sale, 199 replays"
KS=00112233445566778899aabbccddeeff
ns=$(next_number)
run load_as T-LANE-01 carol --item PARK1H --connections 10 --count 200 --fixed-key "$KS" \
  --out "$T/storm.txt" --seconds 60
[ "$LAST_RC" = 0 ] || { _show_last; fail "the duplicate storm was not fully acknowledged"; }
assert_last_contains "ok=200 failed=0"
assert_last_contains "199 answered as replays"
assert_eq "$KS $ns" "$(cut -d' ' -f1,2 "$T/storm.txt" | LC_ALL=C sort -u)" "the one answer everybody got"
expect_sql "1|$((10#${ns##*-}))" "SELECT count(*), max(receipt_no) FROM journal WHERE idem_key = x'$KS'"
expect_sql 1001 "SELECT count(*) FROM journal WHERE kind='sale'"

step "a first sale with a given key"
n1=$(next_number)
expect_rc_contains 0 '"replayed":false' \
  till_user T-LANE-01 carol --json sale PARK1H:2 --method cash --tendered 20.00 --idem-key "$K1"
assert_eq "$n1" "$(json_field number)" "first receipt number"
t1=$(json_field txn_id)
assert_eq "10.00" "$(json_field total)" "total"
assert_eq "10.00" "$(json_field change)" "change"
expect_sql "$t1" "SELECT id FROM journal WHERE idem_key = x'$K1'"
state=$(ledger_state)

step "the same key and content again: the original receipt, marked replayed, nothing written"
for i in 1 2 3; do
  expect_rc_contains 0 '"replayed":true' \
    till_user T-LANE-01 carol --json sale PARK1H:2 --method cash --tendered 20.00 --idem-key "$K1"
  assert_eq "$n1" "$(json_field number)" "replayed receipt number (try $i)"
  assert_eq "$t1" "$(json_field txn_id)" "replayed txn id (try $i)"
  expect_state "$state" "replay $i"
done
# the readable form says so too, and prints the same receipt
expect_rc_contains 0 "$n1" till_user T-LANE-01 carol sale PARK1H:2 --method cash --tendered 20.00 --idem-key "$K1"
assert_last_contains "already recorded"
expect_state "$state" "readable replay"

step "the same key with other content: conflict (16), nothing written"
expect_rc_contains 16 "idempotency key already used for a different request" \
  till_user T-LANE-01 carol sale PARK1H:3 --method cash --tendered 20.00 --idem-key "$K1"
expect_state "$state" "other quantity"
expect_rc 16 till_user T-LANE-01 carol sale PARK1H:2 --method card --idem-key "$K1"
expect_state "$state" "other method"
expect_rc 16 till_user T-LANE-01 carol sale PARK1H:2 --method cash --tendered 50.00 --idem-key "$K1"
expect_state "$state" "other tendered amount"
expect_rc_contains 16 '"code":"CONFLICT"' \
  till_user T-LANE-02 dan --json sale PARK1H:2 --method cash --tendered 20.00 --idem-key "$K1"
expect_state "$state" "another cashier on another terminal"

step "a sale, kill -9, restart on the same database: the retry gets the same receipt"
n2=$(next_number)
expect_rc_contains 0 '"replayed":false' \
  till_user T-LANE-01 carol --json sale PARK1H:1 PARK1H:4 --method wechat --idem-key "$K2"
assert_eq "$n2" "$(json_field number)" "second receipt number"
t2=$(json_field txn_id)
state=$(ledger_state)
kill_tilld
start_tilld || fail "tilld did not start after kill -9 (exit $TILLD_RC)"
expect_state "$state" "restart after kill -9"
expect_rc_contains 0 '"replayed":true' \
  till_user T-LANE-01 carol --json sale PARK1H:1 PARK1H:4 --method wechat --idem-key "$K2"
assert_eq "$n2" "$(json_field number)" "receipt number after the restart"
assert_eq "$t2" "$(json_field txn_id)" "txn id after the restart"
assert_eq "25.00" "$(json_field total)" "total after the restart"
expect_rc_contains 0 '"replayed":true' \
  till_user T-LANE-01 carol --json sale PARK1H:2 --method cash --tendered 20.00 --idem-key "$K1"
assert_eq "$n1" "$(json_field number)" "first receipt after the restart"
expect_rc 16 till_user T-LANE-01 carol sale PARK1H:5 --method wechat --idem-key "$K2"
expect_state "$state" "replays after the restart"

step "a fresh key after the restart takes the next number"
n3=$(next_number)
expect_rc_contains 0 '"replayed":false' till_user T-LANE-01 carol --json sale PARK1H --method card
assert_eq "$n3" "$(json_field number)" "third receipt number"
expect_sql "1004|1004" "SELECT count(*), count(DISTINCT idem_key) FROM journal WHERE kind='sale'"

step "till retries a sale with its key while tilld is down; --json still prints one document"
K3=0f1e2d3c4b5a69780f1e2d3c4b5a6978
n4=$(next_number)
port=$PORT
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
till_user T-LANE-01 carol --json sale PARK1H:3 --method card --idem-key "$K3" \
  </dev/null >"$T/retry.json" 2>"$T/retry.err" 8>&- 9>&- &
retry_pid=$!
BG_PIDS+=("$retry_pid")
sleep 0.3
start_tilld --listen "127.0.0.1:$port" || fail "tilld did not start again (exit $TILLD_RC)"
retry_rc=0
wait_bg "$retry_pid" 30 || retry_rc=$?
if [ "$retry_rc" != 0 ]; then
  sed 's/^/    | /' "$T/retry.json" "$T/retry.err" >&9
  fail "the retried sale exited $retry_rc"
fi
assert_file_contains "$T/retry.err" "retrying with the same idempotency key"
expect_sql "1|$((10#${n4##*-}))" "SELECT count(*), max(receipt_no) FROM journal WHERE idem_key = x'$K3'"
grep -qF "\"number\":\"$n4\"" "$T/retry.json" || fail "the retried sale's receipt is not $n4"
if [ "$(wc -l <"$T/retry.json")" != 1 ]; then
  sed 's/^/    | /' "$T/retry.json" >&9
  fail "till --json printed $(wc -l <"$T/retry.json") documents for one sale: the failed attempts' errors and then the receipt"
fi
