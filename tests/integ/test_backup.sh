#!/usr/bin/env bash
# test_backup.sh -- `tilld backup` copies the live database with SQLite's
# backup API while postings continue; a fresh tilld started on the copy (with
# the signing key kept in its own folder) passes an auditor's `till audit verify`.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

require_till_load
register_lanes
world_catalog
world_users carol audrey
world_login T-LANE-01:carol T-LANE-02:audrey
open_shift T-LANE-01 carol
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server.pub"

step "back up while 4 connections keep posting"
bg load load_as T-LANE-01 carol --item PARK1H --connections 4 --count 800 --out "$T/acks.txt" --seconds 120
load_pid=$BG_PID
for ((i = 0; i < 100; i++)); do
  [ "$(sql "SELECT count(*) FROM journal")" -ge 100 ] && break
  sleep 0.1
done
expect_rc_contains 0 "integrity ok" "$TILLD" backup --db "$DB" --to "$T/backup.db"
copied=$(sed -n 's/.*: \([0-9]*\) transactions, chain head \([0-9]*\),.*/\1 \2/p' "$T/last.out")
rows=${copied% *}
head=${copied#* }
[ -n "$rows" ] && [ "$rows" = "$head" ] || fail "backup reported '$copied'"
[ "$rows" -ge 100 ] || fail "the backup ran before the load had posted (only $rows transactions)"
load_rc=0
wait_bg "$load_pid" 120 || load_rc=$?
[ "$load_rc" = 0 ] || { cat "$T/load.out" >&9; fail "till-load exited $load_rc"; }
expect_sql 800 "SELECT count(*) FROM journal WHERE kind = 'sale'"
[ "$rows" -lt 800 ] || step "note: the load finished before the backup's snapshot"

step "a backup never overwrites a file, and needs a database"
expect_rc_contains 1 "exists" "$TILLD" backup --db "$DB" --to "$T/backup.db"
expect_rc_contains 1 "opening" "$TILLD" backup --db "$T/no-such.db" --to "$T/other.db"
[ -e "$T/other.db" ] && fail "a failed backup left $T/other.db behind"
expect_rc_contains 2 "--to FILE is required" "$TILLD" backup --db "$DB"

step "the copy is exactly the first $rows transactions of the live ledger"
expect_sql "$rows|1|$rows" "SELECT count(*), min(id), max(id) FROM journal WHERE id <= $rows"
[ "$(sql_on "$T/backup.db" "SELECT count(*) || ' ' || coalesce(max(receipt_no), 0) FROM journal")" \
  = "$rows $rows" ] || fail "the backup is not a prefix of the ledger"
[ "$(sql_on "$T/backup.db" "SELECT group_concat(hash, '') FROM (SELECT hex(hash) AS hash FROM journal ORDER BY id)")" \
  = "$(sql "SELECT group_concat(hash, '') FROM (SELECT hex(hash) AS hash FROM journal WHERE id <= $rows ORDER BY id)")" ] ||
  fail "the backup's chain differs from the live one"

step "restore: a fresh tilld on the copy verifies, with the same signing key (kept apart)"
stop_tilld || fail "tilld exited with $TILLD_RC"
use_db "$T/backup.db"
start_tilld || fail "tilld did not start on the backup (exit $TILLD_RC)"
world_login T-LANE-02:audrey
expect_rc_contains 0 "ledger verified: $rows transactions" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server.pub"
assert_last_contains "1..$rows complete"
step "and it takes postings again from the next number"
world_login T-LANE-01:carol
expect_rc 0 till_user T-LANE-01 carol --json sale PARK1H --method cash
assert_eq "$rows" "$(($(json_field receipt_no) - 1))" "next receipt after restore"
stop_tilld || fail "tilld exited with $TILLD_RC"
