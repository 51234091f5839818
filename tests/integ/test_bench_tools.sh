#!/usr/bin/env bash
# test_bench_tools.sh -- the benchmark tools measure what they say, small:
# till-bench's four modes against a real tilld from two terminals (every
# acknowledged sale is in the journal exactly once, errors are counted, the
# auditor reads, all connections reconnect, idle connections stay open for
# the hold and no longer), its paced open loop (--rate: sales go out on
# schedule, not as fast as answers come), the same with one thread driving
# both connections (--threads 1), and till-storage-bound's
# postings through Till's own store code (counted and gap-free, or it
# fails). bench/run drives them at full size; see docs/benchmarks.md.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

BENCH=${TILL_BENCH:-$(dirname -- "$TILL")/../bench/till-bench}
BOUND=${TILL_BOUND:-$(dirname -- "$TILL")/../bench/till-storage-bound}
[ -x "$BENCH" ] || fail "till-bench is not built at $BENCH (set TILL_BENCH)"
[ -x "$BOUND" ] || fail "till-storage-bound is not built at $BOUND (set TILL_BOUND)"

register_lanes
world_catalog
world_users carol dan audrey
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:audrey
open_shift T-LANE-01 carol
open_shift T-LANE-02 dan
line_of() { printf '%s %s %s\n' "$T/certs/terminal-$1.crt" "$T/certs/terminal-$1.key" "$(user_token "$1" "$2")"; }
{ line_of T-LANE-01 carol; line_of T-LANE-02 dan; } >"$T/terminals"
bench() {
  "$BENCH" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" --terminals "$T/terminals" \
    --item PARK1H --seconds 120 "$@"
}
sales() { sql "SELECT count(*) FROM journal WHERE kind = 'sale'"; }
# phase_ok NAME -- the ok= count of phase NAME in the last output
phase_ok() { sed -n "s/^phase=$1 ok=\\([0-9]*\\) errors=0 .*/\\1/p" "$T/last.out"; }

step "post: 2 connections x 40 sales, 8 in flight; all acknowledged and in the journal"
expect_rc 0 bench --connections 2 --count 40 --depth 8
assert_eq 80 "$(phase_ok post)" "sales acknowledged"
assert_eq 80 "$(sales)" "sales in the journal"
assert_last_contains "p99_ms="

step "paced: 2 connections x 30 sales at 60 a second take about a second, not as fast as answers come"
expect_rc 0 bench --connections 2 --count 30 --depth 4 --rate 60
assert_eq 60 "$(phase_ok post)" "paced sales acknowledged"
assert_last_contains "offered=60/s"
# the last sale is due at (29 x 2 + 1) / 60 s = 0.98 s; unpaced, 60 sales
# take a small fraction of that
secs=$(sed -n 's/^phase=post .* seconds=\([0-9.]*\) .*/\1/p' "$T/last.out")
awk -v s="$secs" 'BEGIN { exit !(s >= 0.95 && s < 30) }' ||
  fail "60 sales at 60/s took ${secs:-?} s, not about 1 s"
assert_eq 140 "$(sales)" "sales in the journal"
expect_rc 2 bench --count 1 --rate 0
expect_rc 2 bench --count 1 --rate x

step "audit: the second half runs while the auditor pages the journal"
expect_rc 0 bench --count 20 --depth 4 --mode audit \
  --auditor "$(line_of ADMIN-01 audrey)"
assert_eq 20 "$(phase_ok alone)" "sales alone"
assert_eq 20 "$(phase_ok with_auditor)" "sales with the auditor"
grep -qE '^auditor pages=[1-9][0-9]* txns=[1-9][0-9]* errors=0$' "$T/last.out" ||
  fail "the auditor read nothing: $(grep '^auditor' "$T/last.out")"
assert_eq 180 "$(sales)" "sales in the journal"

step "storm: every connection reconnects half-way, then posts on"
expect_rc 0 bench --count 10 --depth 2 --mode storm
assert_eq 10 "$(phase_ok before_storm)" "sales before the storm"
assert_eq 10 "$(phase_ok after_storm)" "sales after the storm"
assert_last_contains "reconnect n=2 failed=0"
assert_eq 200 "$(sales)" "sales in the journal"

step "idle: both connections post one sale, then stay open and silent for the hold"
# established connections to tilld's port, from the kernel's table (state 01)
established() {
  awk -v port="$(printf ':%04X' "$PORT")" '$2 ~ port"$" && $4 == "01"' /proc/net/tcp | wc -l
}
bench --count 1 --mode idle --hold 8 >"$T/idle.out" 2>"$T/idle.err" &
idle_pid=$!
for ((i = 0; i < 100; i++)); do grep -q '^idle connections=2 hold_s=8$' "$T/idle.out" && break; sleep 0.1; done
grep -q '^idle connections=2 hold_s=8$' "$T/idle.out" || fail "no idle line: $(cat "$T/idle.out" "$T/idle.err")"
assert_eq 2 "$(established)" "connections open to tilld during the hold"
wait "$idle_pid" || fail "till-bench --mode idle failed: $(cat "$T/idle.err")"
grep -qE '^phase=before_idle ok=2 errors=0 ' "$T/idle.out" || fail "idle phase: $(cat "$T/idle.out")"
for ((i = 0; i < 100; i++)); do [ "$(established)" = 0 ] && break; sleep 0.1; done
assert_eq 0 "$(established)" "connections open to tilld after the hold"
assert_eq 202 "$(sales)" "sales in the journal"

step "errors are counted, not hidden: a cashier without an open shift"
expect_rc 0 till_user T-LANE-02 dan shift close --count none
run bench --connections 2 --count 5 --depth 2
assert_eq 1 "$LAST_RC" "till-bench's exit code with refused sales"
assert_last_contains "phase=post ok=5 errors=5"
assert_last_contains "no open shift"
assert_eq 207 "$(sales)" "sales in the journal"

step "--threads 1: one thread drives both connections; a refused one does not stop the other"
run bench --connections 2 --count 5 --depth 2 --threads 1
assert_eq 1 "$LAST_RC" "till-bench's exit code with refused sales"
assert_last_contains "phase=post ok=5 errors=5"
assert_last_contains "no open shift"
assert_eq 212 "$(sales)" "sales in the journal"
open_shift T-LANE-02 dan
expect_rc 0 bench --connections 2 --count 40 --depth 8 --threads 1
assert_eq 80 "$(phase_ok post)" "sales acknowledged, one thread"
assert_eq 292 "$(sales)" "sales in the journal"

step "--threads 1, paced: the schedule holds with both connections on one thread"
expect_rc 0 bench --connections 2 --count 30 --depth 4 --rate 60 --threads 1
assert_eq 60 "$(phase_ok post)" "paced sales acknowledged, one thread"
secs=$(sed -n 's/^phase=post .* seconds=\([0-9.]*\) .*/\1/p' "$T/last.out")
awk -v s="$secs" 'BEGIN { exit !(s >= 0.95 && s < 30) }' ||
  fail "60 sales at 60/s on one thread took ${secs:-?} s, not about 1 s"
assert_eq 352 "$(sales)" "sales in the journal"

step "--threads 1, storm: both reconnect, one after the other, and post on"
expect_rc 0 bench --count 10 --depth 2 --mode storm --threads 1
assert_eq 10 "$(phase_ok before_storm)" "sales before the storm, one thread"
assert_eq 10 "$(phase_ok after_storm)" "sales after the storm, one thread"
assert_last_contains "reconnect n=2 failed=0"
assert_eq 372 "$(sales)" "sales in the journal"

step "--threads 1, idle: two connections held open by one thread besides the main one"
# a simple command, not the function, so that $! is till-bench itself
"$BENCH" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" --terminals "$T/terminals" \
  --item PARK1H --seconds 120 --count 1 --mode idle --hold 6 --threads 1 \
  >"$T/idle.out" 2>"$T/idle.err" &
idle_pid=$!
for ((i = 0; i < 100; i++)); do grep -q '^idle connections=2 hold_s=6$' "$T/idle.out" && break; sleep 0.1; done
grep -q '^idle connections=2 hold_s=6$' "$T/idle.out" || fail "no idle line: $(cat "$T/idle.out" "$T/idle.err")"
assert_eq 2 "$(established)" "connections open to tilld during the hold"
assert_eq 2 "$(ls /proc/$idle_pid/task | wc -l)" "till-bench's threads with --threads 1"
wait "$idle_pid" || fail "till-bench --mode idle --threads 1 failed: $(cat "$T/idle.err")"
assert_eq 374 "$(sales)" "sales in the journal"
expect_rc 2 bench --count 1 --threads 3
expect_rc 2 bench --count 1 --threads 0

step "the ledger after all of it"
expect_rc_contains 0 "complete" till_user ADMIN-01 audrey audit verify

step "till-storage-bound: batches of 1 and 8 over 4 shifts, counted and gap-free"
expect_rc 0 "$BOUND" --dir "$T" --batches 1,8 --max 200 --seconds 60 --shifts 4
grep -qE '^bound batch=1 postings=200 seconds=[0-9.]+ rate=[0-9]+/s ' "$T/last.out" ||
  fail "no line for batch 1: $(cat "$T/last.out")"
grep -qE '^bound batch=8 postings=200 ' "$T/last.out" || fail "no line for batch 8"
expect_rc 2 "$BOUND" --batches 0
expect_rc 2 "$BOUND" --shifts 1000
