#!/usr/bin/env bash
# test_disk_full.sh -- a full database (here: tilld's max_db_pages cap, the
# way a full disk looks to SQLite) refuses postings with a clear typed error,
# leaves nothing half-written and no gap in the numbering, keeps serving
# reads, and takes postings again once there is room.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
world_users carol audrey
world_login T-LANE-01:carol T-LANE-02:audrey
open_shift T-LANE-01 carol
expect_rc 0 till_user T-LANE-01 carol sale PARK1H --method cash

step "restart with the database capped a few pages above its size"
pages=$(sql "PRAGMA page_count")
restart_tilld --max_db_pages $((pages + 8))

step "post until the database is full (bounded)"
acked=1 refused=0
for ((i = 0; i < 3000; i++)); do
  run till_user T-LANE-01 carol --json sale PARK1H:2 --method card --memo "$(printf 'x%.0s' {1..180})"
  if [ "$LAST_RC" = 0 ]; then
    acked=$((acked + 1))
    continue
  fi
  refused=1
  break
done
[ "$refused" = 1 ] || fail "3000 sales fitted into $((pages + 8)) pages"
[ "$LAST_RC" = 17 ] || { _show_last; fail "a full database must answer RESOURCE_EXHAUSTED (17), got $LAST_RC"; }
assert_last_contains "the database is full; nothing was recorded"
assert_last_contains '"code":"RESOURCE_EXHAUSTED"'

step "nothing half-written: every acknowledged sale, no other, numbers 1..$acked"
expect_sql "$acked|$acked|1|$acked" \
  "SELECT count(*), count(DISTINCT receipt_no), min(receipt_no), max(receipt_no) FROM journal WHERE kind = 'sale'"
expect_sql "$acked" "SELECT last_no FROM series_counters"
expect_sql "$acked" "SELECT count(*) FROM idempotency WHERE kind = 'sale'"
expect_sql 0 "SELECT count(*) FROM entries WHERE txn_id NOT IN (SELECT id FROM journal)"
expect_sql ok "PRAGMA integrity_check"

step "reads still work while it is full"
expect_rc_contains 0 "HT" till_user T-LANE-01 carol receipt show "$(sql "SELECT series || '-' || printf('%08d', receipt_no) FROM journal WHERE receipt_no = 1")"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify

step "room again: postings resume with the next number, and the chain verifies"
restart_tilld
expect_rc 0 till_user T-LANE-01 carol --json sale PARK1H --method cash
assert_eq "$((acked + 1))" "$(json_field receipt_no)" "the receipt after the disk filled"
expect_rc_contains 0 "1..$((acked + 1)) complete" till_user T-LANE-02 audrey audit verify
stop_tilld || fail "tilld exited with $TILLD_RC"
