#!/usr/bin/env bash
# test_recovery_log.sh -- after a power cut (kill -9) tilld says, once and at
# notice, what SQLite recovered at start-up (WAL frames recovered, the
# checkpoint that copied them); after a clean stop it says nothing of the
# kind. SQLite's own log reaches tilld's through store_log_init().
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog PARK
world_users carol audrey
world_login T-LANE-01:carol ADMIN-01:audrey
open_shift T-LANE-01 carol

step "five sales, then kill -9: the WAL holds them, nothing checkpointed them away"
for i in 1 2 3 4 5; do
  expect_rc 0 till_user T-LANE-01 carol sale PARK --pay cash
done
[ -s "$DB-wal" ] || fail "no WAL file beside the database before the kill"
kill -KILL "$TILLD_PID"
wait "$TILLD_PID" 2>/dev/null || true
TILLD_PID=
mark=$(wc -l <"$TILLD_LOG")

step "restart: one notice of the frames recovered, one of the checkpoint"
start_tilld || fail "tilld did not start after the kill (exit $TILLD_RC)"
after=$(tail -n +"$((mark + 1))" -- "$TILLD_LOG")
recovered=$(grep -c '\[notice\] store: crash recovery: recovered [0-9]* frames from WAL file' <<<"$after" || true)
assert_eq 1 "$recovered" "recovery notices after the kill"
line=$(grep '\[notice\] store: crash recovery: checkpoint copied' <<<"$after") ||
  fail "no notice of the checkpoint after the recovery: $after"
[[ $line =~ copied\ ([0-9]+)\ of\ ([0-9]+)\ WAL\ frames ]] || fail "checkpoint notice unreadable: $line"
[ "${BASH_REMATCH[2]}" -gt 0 ] || fail "the checkpoint after the recovery saw no frames: $line"
assert_eq "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}" "frames copied vs frames in the WAL"
n=$(grep -c 'crash recovery' <<<"$after" || true)
assert_eq 2 "$n" "crash recovery lines after the kill (once each)"

step "the five sales survived; the ledger verifies"
expect_rc_contains 0 "verified" till_user ADMIN-01 audrey audit verify
expect_sql 5 "SELECT count(*) FROM journal WHERE kind = 'sale'"

step "a clean stop and start: no recovery to report"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
mark=$(wc -l <"$TILLD_LOG")
start_tilld || fail "tilld did not start again (exit $TILLD_RC)"
after=$(tail -n +"$((mark + 1))" -- "$TILLD_LOG")
if grep -q 'crash recovery' <<<"$after"; then
  fail "a clean start reported a crash recovery: $after"
fi
if grep -qE '\[(warn|err)\] store: sqlite' "$TILLD_LOG"; then
  fail "SQLite warnings in an ordinary run: $(grep -E '\[(warn|err)\] store: sqlite' "$TILLD_LOG")"
fi
