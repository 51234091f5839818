#!/usr/bin/env bash
# test_audit_export.sh -- the signed export for offline audit. An auditor
# exports the ledger from a real tilld (`till audit export > FILE`) and
# verifies the file with the server stopped and no configuration at all
# (`till audit verify --file`). Then the file is damaged the ways a forger
# or an accident would: one byte of an amount changed, a record deleted,
# duplicated, moved, a signed head removed, the file cut short or extended
# -- each fails, naming the transaction or record. A date range, an empty
# range, bad options and the roles are checked too. Every export signs the
# head it ends at (its snapshot, test_audit_export_header.sh), so a file
# stripped of its signed heads is still vouched for by its header's
# signature, and fails only once that is stripped too.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
world_item HEAT Heating 123.45
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

step "a day: sales by cash and WeChat, a void, a signed head, then two sales more"
for q in 1 2 3; do
  expect_rc 0 till_user T-LANE-01 carol sale "PARK1H:$q" --method cash
done
step "before any checkpoint, an export signs the head it ends at (its snapshot) and verifies"
expect_rc_contains 0 "exported transactions 1..3 (3) and 1 signed heads" \
  till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/first.tex"
expect_rc_contains 0 "export verified: transactions 1..3 (3)" "$TILL" audit verify --file "$T/first.tex"
assert_last_contains "signatures: 1 valid; last signed head at transaction 3 (0 after it not yet signed)"
expect_rc 0 till_user T-LANE-01 carol --json sale HEAT:1 --method wechat
S=$(json_field series)
expect_rc 0 till_user T-LANE-01 carol sale HEAT:1 --method wechat --memo 'flat 3-502, "north"'
expect_rc 0 till_user T-LANE-01 carol --json void "$S-00000002" --reason "wrong plate"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
expect_rc 0 till_user ADMIN-01 sam --json audit checkpoint
signed=$(json_field txn_id)
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:4 --method cash
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:5 --method card
head=$(sql "SELECT max(id) FROM journal")
last_no=$(sql "SELECT last_no FROM series_counters WHERE series = '$S'")
assert_eq 7 "$last_no" "receipts issued"
assert_eq $((signed + 2)) "$head" "the two sales after the signed head"

step "the two sales after the checkpoint are signed by the export's snapshot: no unsigned tail"
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/tail.tex"
n=$(sql "SELECT count(*) FROM chain_signatures")
assert_eq "3 $head" "$(sql "SELECT count(*), max(txn_id) FROM chain_signatures" | tr '|' ' ')" \
  "the first export's, the checkpoint's and this export's signed heads"
expect_rc_contains 0 "signatures: 3 valid; last signed head at transaction $head (0 after it not yet signed)" \
  "$TILL" audit verify --file "$T/tail.tex"
assert_last_lacks "WARNING"

step "after a checkpoint the export verifies offline, with the key pinned, with the server stopped"
expect_rc 0 till_user ADMIN-01 sam --json audit checkpoint
assert_eq "$head" "$(json_field txn_id)" "the checkpoint's head"
n=$(($(sql "SELECT count(*) FROM chain_signatures") + 1)) # and the export's own
expect_rc_contains 0 "exported transactions 1..$head ($head) and $n signed heads" \
  till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server.pem"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
verify_file() { (cd "$T" && HOME=$T/nowhere "$TILL" audit verify "$@"); }
expect_rc_contains 0 "export verified: transactions 1..$head ($head)" \
  verify_file --file "$T/all.tex" --pubkey "$T/server.pem"
assert_last_contains "signatures: $n valid; last signed head at transaction $head (0 after it not yet signed)"
assert_last_contains "series $S: $S-00000001..$S-00000007 without a gap (7 receipts)"
assert_last_lacks "WARNING"
expect_rc 0 verify_file --json --file "$T/all.tex"
assert_last_contains "{\"ok\":true,\"first_id\":1,\"last_id\":$head,\"transactions\":$head,"
assert_last_contains "\"signatures\":$n,\"last_signed_id\":$head,\"unsigned\":0,"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$T/other.pem" 2>/dev/null ||
  fail "cannot make a second Ed25519 key"
expect_rc_contains 1 "signing key 1 is not among the pinned keys in $T/other.pem" verify_file --file "$T/all.tex" --pubkey "$T/other.pem"

# ---- damage -----------------------------------------------------------------

# records FILE -- one line per record: offset, length with its 4-byte
# header, and the first byte of the message (10 header, 18 transaction,
# 26 signed head, 34 end).
records() {
  local f=$1 off=0 size len n=0
  size=$(stat -c %s -- "$f")
  while [ "$off" -lt "$size" ] && [ "$n" -lt 10000 ]; do
    len=$(od -An -tu1 -j "$off" -N4 -- "$f" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    printf '%s %s %s\n' "$off" $((len + 4)) "$(od -An -tu1 -j $((off + 4)) -N1 -- "$f" | tr -d ' ')"
    off=$((off + len + 4))
    n=$((n + 1))
  done
}
# rec_field I FIELD -- offset (1), length (2) or kind (3) of record I (1-based).
rec_field() { records "$T/all.tex" | sed -n "${1}p" | cut -d' ' -f"$2"; }
# bytes FILE OFFSET LENGTH -- a slice of a file.
bytes() { tail -c +$(($2 + 1)) -- "$1" | head -c "$3"; }

records "$T/all.tex" >"$T/records"
assert_eq "$((head + 2 + n))" "$(wc -l <"$T/records")" "records: header, $head transactions, $n signed heads, end"
assert_eq "10 18 26 26 34" "$(sed -n "1p;2p;$((head + 2))p;$((head + 1 + n))p;$((head + 2 + n))p" "$T/records" | cut -d' ' -f3 | tr '\n' ' ' | sed 's/ $//')" \
  "record kinds"
size=$(stat -c %s -- "$T/all.tex")

step "one byte of an amount changed: fails at that transaction"
heat=$(sql "SELECT min(txn_id) FROM entries WHERE amount = 12345")
at=$(LC_ALL=C grep -obUaP '\x18\xb9\x60' -- "$T/all.tex" | head -1 | cut -d: -f1)
[ -n "$at" ] || fail "the amount 123.45 (varint b9 60 after field tag 0x18) is not in the export"
cp -- "$T/all.tex" "$T/amount.tex"
printf '\x61' | dd of="$T/amount.tex" bs=1 seek=$((at + 2)) conv=notrunc status=none
expect_rc_contains 1 "VERIFICATION FAILED at transaction $heat (record $((heat + 1)))" \
  verify_file --file "$T/amount.tex"
expect_rc_contains 1 "\"ok\":false,\"first_bad_txn\":$heat," verify_file --json --file "$T/amount.tex"

step "a transaction deleted, duplicated, or two swapped"
i=4 # record 4 = transaction 3
o=$(rec_field $i 1) l=$(rec_field $i 2) o2=$(rec_field $((i + 1)) 1) l2=$(rec_field $((i + 1)) 2)
{ bytes "$T/all.tex" 0 "$o"; bytes "$T/all.tex" $((o + l)) "$size"; } >"$T/deleted.tex"
expect_rc_contains 1 "VERIFICATION FAILED at transaction 3 (record 4): transaction 3 is missing" \
  verify_file --file "$T/deleted.tex"
{ bytes "$T/all.tex" 0 $((o + l)); bytes "$T/all.tex" "$o" "$size"; } >"$T/twice.tex"
expect_rc_contains 1 "transaction 3 appears out of order or twice" verify_file --file "$T/twice.tex"
{ bytes "$T/all.tex" 0 "$o"; bytes "$T/all.tex" "$o2" "$l2"; bytes "$T/all.tex" "$o" "$l"
  bytes "$T/all.tex" $((o2 + l2)) "$size"; } >"$T/swapped.tex"
assert_eq "$size" "$(stat -c %s -- "$T/swapped.tex")" "the swapped file's size"
expect_rc_contains 1 "VERIFICATION FAILED at transaction 3 (record 4): transaction 3 is missing" \
  verify_file --file "$T/swapped.tex"

step "signed heads removed (end record left, or rewritten to match), the end cut off, bytes appended, a foreign header"
i=$((head + 1 + n)) # the last signed head
o=$(rec_field $i 1) l=$(rec_field $i 2)
{ bytes "$T/all.tex" 0 "$o"; bytes "$T/all.tex" $((o + l)) "$size"; } >"$T/nosig.tex"
expect_rc_contains 1 "the end record counts $head transactions and $n signed heads, the file holds $head and $((n - 1))" \
  verify_file --file "$T/nosig.tex"
# a forger drops every signed head and writes an end record that agrees:
# ExportEnd { txns = head } is 4 bytes, 22 02 08 <head> (head < 128)
[ "$head" -lt 128 ] || fail "the forged end record below assumes fewer than 128 transactions"
{ bytes "$T/all.tex" 0 "$(rec_field $((head + 2)) 1)"
  printf "\\x00\\x00\\x00\\x04\\x22\\x02\\x08\\x$(printf %02x "$head")"; } >"$T/stripped.tex"
# the header's own signature still vouches for the run up to its head
expect_rc_contains 0 "signatures: none in the file; the header's signed snapshot covers the run up to transaction $head" \
  verify_file --file "$T/stripped.tex" --pubkey "$T/server.pem"
# and without it, nothing does
python3 "$TILL_SOURCE_DIR/tests/integ/export_edit.py" "$T/stripped.tex" "$T/bare.tex" strip ||
  fail "cannot strip the header's signature"
expect_rc_contains 1 "the export's header (range, counters, head) is not signed by the server" \
  verify_file --file "$T/bare.tex" --pubkey "$T/server.pem"
expect_rc_contains 0 "WARNING: $head transactions after the last signed head are accepted unproven" \
  verify_file --file "$T/bare.tex" --pubkey "$T/server.pem" --allow-unsigned
head -c "$o" -- "$T/all.tex" >"$T/cut.tex"
expect_rc_contains 1 "the file ends without its end record: it was cut short" verify_file --file "$T/cut.tex"
head -c $((size - 3)) -- "$T/all.tex" >"$T/cut2.tex"
expect_rc_contains 1 "the file ends inside a record" verify_file --file "$T/cut2.tex"
{ cat -- "$T/all.tex"; bytes "$T/all.tex" "$(rec_field 2 1)" "$(rec_field 2 2)"; } >"$T/long.tex"
expect_rc_contains 1 "data after the end record" verify_file --file "$T/long.tex"
{ bytes "$T/all.tex" "$(rec_field 2 1)" "$size"; } >"$T/headless.tex"
expect_rc_contains 1 "not a till-export-v1 file" verify_file --file "$T/headless.tex"
: >"$T/empty.tex"
expect_rc_contains 1 "the file is empty" verify_file --file "$T/empty.tex"
expect_rc_contains 1 "No such file" verify_file --file "$T/none.tex"

# ---- ranges and roles ---------------------------------------------------------

start_tilld || fail "tilld did not restart"
today=$(date +%Y-%m-%d)
step "today's range is the whole ledger; a past day is an empty run"
expect_rc_contains 0 "exported transactions 1..$head ($head)" \
  till_user T-LANE-02 audrey audit export --from "$today" --to "$today"
cp -- "$T/last.out" "$T/today.tex"
expect_rc_contains 0 "export verified: transactions 1..$head ($head)" verify_file --file "$T/today.tex"
expect_rc_contains 0 "no transactions in the range" \
  till_user T-LANE-02 audrey audit export --from 2001-01-01 --to 2001-01-31
cp -- "$T/last.out" "$T/past.tex"
expect_rc_contains 0 "export verified: no transactions in the range (the journal's head was $head)" \
  verify_file --file "$T/past.tex"

step "refused: bad dates (11), a supervisor and a cashier (13)"
expect_rc_contains 11 "--from must be a date YYYY-MM-DD, 2026-02-30 given" \
  till_user T-LANE-02 audrey audit export --from 2026-02-30
expect_rc_contains 11 "--from 2026-03-02 is after --to 2026-03-01" \
  till_user T-LANE-02 audrey audit export --from 2026-03-02 --to 2026-03-01
expect_rc_contains 13 "your roles do not allow this request" till_user ADMIN-01 sam audit export
expect_rc_contains 13 "your roles do not allow this request" till_user T-LANE-01 carol audit export
expect_rc_contains 2 "not an Ed25519 public key" verify_file --file "$T/all.tex" --pubkey /dev/null


step "more signed heads than one page holds: verify and export read them all"
# a year of shift closes signs thousands of heads; copies of the last valid
# signature stand in for them (each verifies on its own)
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2100)
     INSERT INTO chain_signatures (txn_id, head_hash, at_ms, reason, key_id, signature)
     SELECT s.txn_id, s.head_hash, s.at_ms, s.reason, s.key_id, s.signature
     FROM n, (SELECT * FROM chain_signatures ORDER BY id DESC LIMIT 1) s"
start_tilld || fail "tilld did not restart"
nsig=$(sql "SELECT count(*) FROM chain_signatures")
[ "$nsig" -gt 2000 ] || fail "only $nsig signatures: fewer than three pages"
expect_rc_contains 0 "signatures: $nsig valid" till_user T-LANE-02 audrey audit verify
# the export signs one more (its snapshot), and the file's header carries it too
expect_rc_contains 0 "exported transactions 1..$head ($head) and $((nsig + 1)) signed heads" \
  till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/many.tex"
expect_rc_contains 0 "signatures: $((nsig + 1)) valid" verify_file --file "$T/many.tex" --pubkey "$T/server.pem"
