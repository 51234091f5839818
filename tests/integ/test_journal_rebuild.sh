#!/usr/bin/env bash
# test_journal_rebuild.sh -- schema step 13 (issue 23): the journal rebuilt
# without its UNIQUE (idem_key), on a ledger holding every kind of data the
# earlier schemas hold. tilld-before-v13 (this server with the schema list as
# it was before step 13, tests/tools/schema_before_v13.c) makes the database
# at version 12 and fills it through the real `till`: shifts with floats,
# sales paid cash, card, WeChat and split, a void, a shortage, a deposit
# made and confirmed, a reprint, a cashier's target, a closed day (step 4);
# billing (payers, a scheme, a charge run, payments in cash and by cheque,
# a payer edited and the charge adjusted, an opt-out, a waiver, a reminder,
# a late fee; step 6), tolls (a holiday, a card issued at an entry and
# paid at the exit, an exit let through free; step 7), a hospital bill and
# a patient's deposit (step 8), a refund of a bill's line (step 9), meter
# readings (step 10), the signing key rotated (step 11), shifts deposited
# (step 12's indices): every table holds rows. Then the real tilld opens
# it: the step runs once, its start-up check passes (the schema as the
# migrations make it), every row of every table is the same, the schema is
# the same but for the one index, `till audit verify` and an export
# verified offline pass, the journal's triggers still refuse UPDATE and
# DELETE and an unbalanced or late entry, its foreign keys still hold, and a
# request replayed under a key from before the rebuild answers from that key.
here=$(cd -- "$(dirname -- "$0")/../.." && pwd -P)
NEW_TILLD=${TILLD:-$here/build/server/tilld}
TILLD=${TILLD_BEFORE_V13:-$here/build/tests/tilld-before-v13}
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
# refused MESSAGE SQL -- the sqlite3 shell fails SQL with MESSAGE
refused() {
  local out
  if out=$(sql "$2" 2>&1); then fail "accepted: $2"; fi
  [[ $out == *"$1"* ]] || fail "$2: expected '$1', got '$out'"
}
# every_row -- each table's row count and a SHA3 of its rows (the sqlite3
# shell's .sha3sum: the rows in key order), but schema_version (which step 13
# moves on) and sessions (whose last use start_tilld's probe moves on)
every_row() {
  local t
  for t in $(sql "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                  AND name NOT IN ('schema_version', 'sessions') ORDER BY name"); do
    printf '%s=%s:%s\n' "$t" "$(sql "SELECT count(*) FROM $t")" \
      "$(sqlite3 -batch "$DB" ".sha3sum $t" | cut -c1-16)"
  done
}
# schema_without_autoindex -- every table, index and trigger as made, but
# the indices SQLite makes for UNIQUE, with the journal's definition read as
# step 13 writes it ("idem_key BLOB", and the quotes ALTER TABLE RENAME adds)
schema_without_autoindex() {
  sql "SELECT type, name, tbl_name, replace(replace(sql, 'CREATE TABLE \"journal\"',
         'CREATE TABLE journal'), 'idem_key BLOB UNIQUE,', 'idem_key BLOB,')
       FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex_%' ORDER BY type, name"
}

step "tilld before step 13 makes a database at version 12"
assert_eq 12 "$(sql 'SELECT version FROM schema_version')" "the version tilld-before-v13 writes"
register_lanes
world_catalog PARK WASH
world_users carol erin sam kim audrey
world_login T-LANE-01:carol T-LANE-02:erin ADMIN-01:sam T-LANE-02:audrey

step "sales, a void, a shortage, a deposit made and confirmed"
open_shift T-LANE-01 carol 100x2
K1=00112233445566778899aabbccddeeff
expect_rc 0 till_user T-LANE-01 carol --json sale PARK:2 --method cash --idem-key "$K1"
n1=$(json_field number)
expect_rc 0 till_user T-LANE-01 carol sale WASH:1 --method card
expect_rc 0 till_user T-LANE-01 carol sale PARK:3 --method wechat
expect_rc 0 till_user T-LANE-01 carol sale PARK:4 --pay cash=10.00,wechat
expect_rc 0 till_user T-LANE-01 carol --json void "$n1" --reason "wrong item"
v1=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam void approve "$v1"
cash=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:1'")
counted=$((cash - 100))
expect_rc 0 till_user T-LANE-01 carol shift close \
  --count "1x$((counted / 100)),0.1x$(((counted % 100) / 10))" --noncash card=2.50,wechat=25.00
expect_rc 0 till_user ADMIN-01 sam shift approve 1 --note "short 1.00"
expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts 1 --slip SLIP-1 \
  --amount "$(yuan $((counted - 20000)))"
expect_rc 0 till_user ADMIN-01 sam deposit confirm "$(json_field id)"

step "billing: payers, a scheme, a charge run, payments, an edit and its adjustment"
adm admin series add JF --kind billing --description 缴费收据
adm payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 --area 89.37 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
adm payer add --complex 阳光小区 --unit 3-2-1102 --owner 李四 --area 60.00 --occupancy occupied
P2=$(sql "SELECT id FROM payers WHERE unit = '3-2-1102'")
adm scheme add heating --name 供暖费 --rule area_season --period season
adm tariff add --scheme heating --from 2020-01-01 --rate 24.00
adm charge run --scheme heating --period 2025-2026
open_shift T-LANE-01 carol 100x1
expect_rc 0 till_user T-LANE-01 carol pay "$P1" --amount 100.00 --method cash
expect_rc 0 till_user T-LANE-01 carol pay "$P1" --amount 50.00 --method cheque --ref CK-0001
adm payer edit "$P1" --area 90.00
adm charge adjust --payer "$P1" --scheme heating --period 2025-2026 --reason 面积更正
expect_rc 0 till_user T-LANE-01 carol optout request "$P1" --scheme heating --season 2027-2028

step "billing: a waiver, a reminder, a late fee, meter readings"
expect_rc 0 till_user T-LANE-01 carol --json waiver request "$P2" --scheme heating \
  --period 2025-2026 --amount 10.00 --reason 困难户 --doc "减免字〔2026〕1号"
expect_rc 0 till_user ADMIN-01 sam waiver approve "$(json_field id)" --note 同意
expect_rc 0 till_user T-LANE-01 carol reminder record "$P2" --channel phone --note 已电话催缴
adm latefee set --scheme heating --daily-rate 0.0005 --grace-days 30 --cap 10
# the charge made 100 days ago (created_at is the fixture's clock, not a
# posting): 70 days late
sql "UPDATE charges SET created_at = created_at - 100 * 86400 WHERE payer_id = $P2"
expect_rc 0 till_user ADMIN-01 sam latefee post "$P2" --scheme heating
adm scheme add water --name 水费 --rule metered --period month
adm tariff add --scheme water --from 2020-01-01 --rate 4.10
expect_rc 0 till_user T-LANE-01 carol meter read "$P1" --scheme water --reading 100 \
  --date "$(date -d '-10 days' +%F)"
expect_rc 0 till_user T-LANE-01 carol meter read "$P1" --scheme water --reading 112.5 \
  --date "$(date +%F)"

step "hospital: a bill, a patient's deposit drawn by a bill; a line refunded"
adm admin series add HP --kind hospital
adm admin series add TF --kind refund
adm hospital item add CT01 --name CT平扫 --unit 次 --price 320 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
expect_rc 0 till_user T-LANE-01 carol --json bill new CT01 LAB01:2 --patient-id MZ0001 \
  --patient-name 张三 --method cash
B1=$(json_field number)
expect_rc 0 till_user T-LANE-01 carol hospital deposit ZY0009 --name 赵六 --amount 500 \
  --method cash
expect_rc 0 till_user T-LANE-01 carol bill new LAB01 --patient-id ZY0009 --patient-name 赵六 \
  --from-deposit
expect_rc 0 till_user T-LANE-01 carol --json refund request "$B1" --line LAB01:2 \
  --reason 未检查 --ref DEPT-LAB-1
R1=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam refund approve "$R1"
expect_rc 0 till_user T-LANE-01 carol refund pay "$R1"
expect_rc 0 till_user T-LANE-01 carol receipt reprint "$B1"

step "tolls: the network, an entry, a paid exit, an exit let through free"
adm admin series add TL --kind toll
adm toll station set S01 --name 收费站S01 --series TL
adm toll station set S02 --name 收费站S02 --series TL
adm toll distance set S01 S02 --km 87.000
adm toll tariff set --from "$(date +%F)" --rates p1=0.45,t2=0.9 --min 5 --axle 0.1 \
  --card-fee 50 --card-hours 48
adm toll lane set T-LANE-02 --station S02 --direction exit
adm toll lane set T-LANE-01 --station S01 --direction entry
adm toll holiday set 2026-10-01 --name 国庆节
expect_rc 0 till_user T-LANE-01 carol toll entry --card C001 --class p1 --plate 京B00001
open_shift T-LANE-02 erin 100x1
expect_rc 0 till_user T-LANE-02 erin toll exit --card C001 --class p1 --seats 5 --plate 京B00001 \
  --method cash
expect_rc 0 till_user T-LANE-02 erin toll exit --entry S01 --class p1 --seats 5 --plate 京A12345 \
  --method cash
expect_rc 0 till_user T-LANE-02 erin toll exit --entry S01 --class t2 --plate 鲁F55555 \
  --exempt green_channel --inspector 王检 --cargo 白菜 --inspection pass
expect_rc 0 till_user ADMIN-01 sam target set --cashier carol --month "$(date +%Y-%m)" \
  --amount 1000.00
expect_rc 0 till_user ADMIN-01 sam day close --date "$(date -d yesterday +%F)"
expect_rc 0 till_user ADMIN-01 sam audit checkpoint

step "the signing key rotated (step 11): signatures under two keys"
stop_tilld || fail "tilld-before-v13 exited with $TILLD_RC on SIGTERM"
make_signing_key "$T/keys2/k.pem"
expect_rc_contains 0 "replaces key 1" "$TILLD" rotate-key --db "$DB" --signing_key "$SIGNING_KEY" \
  ${SIGNING_KEY_FLAGS[@]+"${SIGNING_KEY_FLAGS[@]}"} --new-key "$T/keys2/k.pem"
SIGNING_KEY=$T/keys2/k.pem
start_tilld || fail "tilld-before-v13 did not start with key 2 (exit $TILLD_RC)"
expect_rc 0 till_user T-LANE-01 carol sale WASH:2 --method cash
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit verify
assert_last_contains "ledger verified"

step "the real tilld opens it: step 13 runs once, every row stays"
kinds=$(sql "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT kind FROM journal ORDER BY kind)")
for k in sale void float variance float_return deposit deposit_confirm charge payment toll \
         toll_exempt charge_adjust waiver late_fee hosp_bill hosp_deposit refund; do
  [[ " $kinds " == *" $k "* ]] || fail "no $k in the journal before the rebuild: $kinds"
done
stop_tilld || fail "tilld-before-v13 exited with $TILLD_RC on SIGTERM"
# every table of steps 1 to 12 holds rows
empty=$(for t in $(sql "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
  [ "$(sql "SELECT count(*) FROM $t")" != 0 ] || printf '%s ' "$t"; done)
assert_eq "" "$empty" "tables left empty before the rebuild"
assert_eq "2|1" "$(sql 'SELECT count(*), max(endorsed_by) FROM server_keys')" "the keys before"
rows_before=$(every_row)
schema_before=$(schema_without_autoindex)
assert_eq 3 "$(sql "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_journal_%'")" \
  "the journal's unique indices before"
assert_eq idem_key "$(sql "SELECT group_concat(i.name) FROM pragma_index_list('journal') l,
  pragma_index_info(l.name) i WHERE l.origin = 'u' AND i.name = 'idem_key'")" "UNIQUE (idem_key) before"
checks=$(grep -c 'start-up check passed' "$TILLD_LOG")
TILLD=$NEW_TILLD
start_tilld || fail "the real tilld did not start on the version 12 database"
assert_eq 1 "$(grep -c 'schema migration 12 -> 13 applied' "$TILLD_LOG")" "step 13 ran once"
assert_eq $((checks + 1)) "$(grep -c 'start-up check passed' "$TILLD_LOG")" \
  "the start-up check passed after the rebuild"
assert_eq 0 "$(grep -c 'START-UP CHECK FAILED' "$TILLD_LOG")" "start-up checks failed"
# ---- deplist: the steps after 13 run too (step 14: an index of deposits) ----
assert_eq 1 "$(grep -c 'schema migration 13 -> 14 applied' "$TILLD_LOG")" "step 14 ran once"
assert_eq 14 "$(sql 'SELECT version FROM schema_version')" "the version after"
assert_eq "$rows_before" "$(every_row)" "every row of every table"
assert_eq "$schema_before" "$(schema_without_autoindex | grep -v '^index|deposits_in_transit|')" \
  "the schema but the index (and step 14's)"
assert_eq 1 "$(sql "SELECT count(*) FROM sqlite_master WHERE name = 'deposits_in_transit'")" \
  "step 14's index"
assert_eq "" "$(sql "SELECT group_concat(i.name) FROM pragma_index_list('journal') l,
  pragma_index_info(l.name) i WHERE i.name = 'idem_key'")" "no index on idem_key after"
assert_eq 2 "$(sql "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_journal_%'")" \
  "UNIQUE (reverses) and UNIQUE (series, receipt_no) after"
assert_eq "" "$(sql 'PRAGMA foreign_key_check')" "foreign keys"
assert_eq ok "$(sql 'PRAGMA integrity_check')" "integrity"

step "audit verify and an export verified offline pass over the rebuilt journal"
expect_rc 0 till_user T-LANE-02 audrey audit verify
assert_last_contains "ledger verified"
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/rebuilt.tillx"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/rebuilt.tillx"

step "the triggers still refuse UPDATE, DELETE, an unbalanced posting and a late entry"
state=$(ledger_state)
refused "journal is append-only" "UPDATE journal SET memo = 'x' WHERE id = 1"
refused "journal is append-only" "DELETE FROM journal WHERE id = 1"
refused "entries cannot be added" \
  "INSERT INTO entries(txn_id, seq, account, amount) VALUES (1, 9, 'safe', 0)"
refused "two or more entries summing to zero" \
  "PRAGMA foreign_keys = ON; BEGIN; INSERT INTO entries(txn_id, seq, account, amount)
       VALUES (100000, 1, 'safe', 5), (100000, 2, 'bank', -4);
       INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, hash)
       VALUES (100000, 'x', 0, 'T', 'c', zeroblob(32)); COMMIT"
refused "FOREIGN KEY constraint failed" \
  "PRAGMA foreign_keys = ON; BEGIN; INSERT INTO entries(txn_id, seq, account, amount)
       VALUES (100001, 1, 'safe', 5), (100001, 2, 'bank', -5); COMMIT"
refused "UNIQUE constraint failed: journal.reverses" \
  "PRAGMA foreign_keys = ON; BEGIN; INSERT INTO entries(txn_id, seq, account, amount)
       VALUES (100002, 1, 'safe', 5), (100002, 2, 'bank', -5);
       INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, reverses, hash)
       SELECT 100002, 'void', 0, 'T', 'c', reverses, zeroblob(32) FROM journal
       WHERE reverses IS NOT NULL LIMIT 1; COMMIT"
[ "$(ledger_state)" = "$state" ] || fail "a refused write changed the ledger"
assert_eq 0 "$(sql 'SELECT count(*) FROM entries WHERE txn_id NOT IN (SELECT id FROM journal)')" \
  "entries without their journal row"

step "a key from before the rebuild still replays; a new posting goes on the chain"
expect_rc 0 till_user T-LANE-01 carol --json sale PARK:1 --method cash
expect_rc_contains 16 "idempotency key already used for a different request" \
  till_user T-LANE-01 carol sale PARK:1 --method cash --idem-key "$K1"
expect_rc 0 till_user T-LANE-01 carol --json sale PARK:2 --method cash --idem-key "$K1"
assert_eq true "$(json_field replayed)" "the sale under K1 replayed"
assert_eq "$n1" "$(json_field number)" "the sale under K1's receipt"
expect_rc_contains 16 "idempotency key already used for a different request" \
  till_user T-LANE-02 erin toll exit --entry S01 --class p1 --seats 5 --plate 京A12345 \
  --method cash --idem-key "$K1"
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit verify
assert_last_contains "ledger verified"
check_log_clean
