#!/usr/bin/env bash
# test_audit_export_header.sh -- the export's header is one signed
# snapshot (issue 22): the server works out the run, reads the counters and
# the head and signs them in one transaction, so `verify --file` can hold
# the run to what the header says. Lowered or raised counters, a moved
# head, a stripped header signature, an empty range's anchor, a cut inside
# record N and an export taken while sales post -- each fails or passes as
# docs/ledger.md says. The header is edited with tests/integ/export_edit.py,
# written from the format's description.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

EDIT=$TILL_SOURCE_DIR/tests/integ/export_edit.py
command -v python3 >/dev/null || fail "python3 is needed to edit the export"
verify_file() { "$TILL" audit verify "$@"; }

register_lanes
world_catalog
world_users carol sam audrey dave
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey T-LANE-02:dave
open_shift T-LANE-01 carol
open_shift T-LANE-02 dave

step "sales, a checkpoint, two sales more: the export signs the head it ends at"
for q in 1 2 3; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method cash
done
S=$(json_field series)
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:1 --method card
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:2 --method card
head=$(sql "SELECT max(id) FROM journal")
last_no=$(sql "SELECT last_no FROM series_counters WHERE series = '$S'")
sigs=$(sql "SELECT count(*) FROM chain_signatures")
expect_rc_contains 0 "exported transactions 1..$head ($head) and $((sigs + 1)) signed heads" \
  till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
assert_eq "export first=1 last=$head from=0 to=0 $S=$last_no" \
  "$(sql "SELECT reason FROM chain_signatures ORDER BY id DESC LIMIT 1")" "the snapshot's signed statement"
assert_eq "$head" "$(sql "SELECT txn_id FROM chain_signatures ORDER BY id DESC LIMIT 1")" \
  "the snapshot signs the head"
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server.pem"
expect_rc_contains 0 "export verified: transactions 1..$head ($head)" \
  verify_file --file "$T/all.tex" --pubkey "$T/server.pem"
assert_last_contains "last signed head at transaction $head (0 after it not yet signed)"

step "the header's counter lowered or raised: the signature no longer matches"
python3 "$EDIT" "$T/all.tex" "$T/lower.tex" counter "$S" -1 || fail "cannot edit the header"
expect_rc_contains 1 "VERIFICATION FAILED (record 1): the export's header does not match the statement the server signed (\"export first=1 last=$head from=0 to=0 $S=$last_no\" at transaction $head)" \
  verify_file --file "$T/lower.tex" --pubkey "$T/server.pem"
python3 "$EDIT" "$T/all.tex" "$T/raise.tex" counter "$S" 2 || fail "cannot edit the header"
expect_rc_contains 1 "its range, counters or head were changed" \
  verify_file --file "$T/raise.tex" --pubkey "$T/server.pem"

step "and with the header's signature stripped: unsigned, and the counters disagree with the run"
python3 "$EDIT" "$T/all.tex" "$T/stripped.tex" strip || fail "cannot edit the header"
expect_rc_contains 1 "the export's header (range, counters, head) is not signed by the server" \
  verify_file --file "$T/stripped.tex" --pubkey "$T/server.pem"
python3 "$EDIT" "$T/lower.tex" "$T/lower-stripped.tex" strip || fail "cannot edit the header"
expect_rc_contains 1 "VERIFICATION FAILED (record 1): series $S: the run holds number $last_no, the header's counter says $((last_no - 1))" \
  verify_file --file "$T/lower-stripped.tex" --allow-unsigned
python3 "$EDIT" "$T/raise.tex" "$T/raise-stripped.tex" strip || fail "cannot edit the header"
expect_rc_contains 1 "series $S: the header's counter says $((last_no + 2)) but the run, which ends at the head, stops at number $last_no: receipts $((last_no + 1))..$((last_no + 2)) are missing" \
  verify_file --file "$T/raise-stripped.tex" --allow-unsigned
python3 "$EDIT" "$T/stripped.tex" "$T/head-stripped.tex" head 5 || fail "cannot edit the header"
expect_rc_contains 1 "the export of the whole ledger stops at transaction $head, before the header's head $((head + 5)): it is not one snapshot" \
  verify_file --file "$T/head-stripped.tex" --allow-unsigned
expect_rc_contains 0 "export verified" verify_file --file "$T/stripped.tex" --allow-unsigned

step "a cut inside record N is reported as record N (the header is record 1)"
# record 4 is transaction 3: cut 3 bytes into its body
off=0
size=$(stat -c %s "$T/all.tex")
for i in 1 2 3; do
  len=$(od -An -tu1 -j "$off" -N4 "$T/all.tex" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  off=$((off + 4 + len))
done
head -c $((off + 4 + 3)) -- "$T/all.tex" >"$T/cut.tex"
[ "$off" -lt "$size" ] || fail "the export is shorter than four records"
expect_rc_contains 1 "VERIFICATION FAILED (record 4): at byte $off: the file ends inside a record" \
  verify_file --file "$T/cut.tex"

step "an empty range carries h(first_id - 1), which the snapshot's signature vouches for"
expect_rc_contains 0 "no transactions in the range" \
  till_user T-LANE-02 audrey audit export --from 2001-01-01 --to 2001-01-31
cp -- "$T/last.out" "$T/empty.tex"
ehead=$(sql "SELECT max(id) FROM journal")
expect_rc_contains 0 "export verified: no transactions in the range (the journal's head was $ehead)" \
  verify_file --file "$T/empty.tex" --pubkey "$T/server.pem"
python3 "$EDIT" "$T/empty.tex" "$T/empty-zero.tex" prev || fail "cannot edit the header"
expect_rc_contains 1 "the signed head at transaction $ehead does not match the chain" \
  verify_file --file "$T/empty-zero.tex" --pubkey "$T/server.pem"

step "an export taken while sales post is one snapshot: the run ends at the header's head"
sales_loop() {
  local i
  for ((i = 0; i < 40; i++)); do
    till_user T-LANE-02 dave sale PARK1H:1 --method card || return 1
  done
}
bg sales sales_loop
loader=$BG_PID
for i in 1 2 3; do
  expect_rc 0 till_user T-LANE-02 audrey audit export
  cp -- "$T/last.out" "$T/load-$i.tex"
  expect_rc_contains 0 "export verified" verify_file --file "$T/load-$i.tex" --pubkey "$T/server.pem"
done
wait_bg "$loader" 120 || fail "a sale during the exports failed: $(tail -5 "$T/sales.out")"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify --pubkey "$T/server.pem"
