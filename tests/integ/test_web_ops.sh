#!/usr/bin/env bash
# test_web_ops.sh -- till-web's decisions beyond the voids and the
# auditor's chain pages (docs/web.md), against a real tilld and a real
# till-web on loopback, driven by headless Chromium as test_web.sh is.
# A business date with carol's drawer closed exact (20.00 to deposit), two
# refunds and two waivers pending -- one of each asked by suzy, who is a
# cashier and a supervisor; then:
#   raw:     forged, CSRF-less, malformed decisions and deposits, unknown
#            ids, an amount that is not the shifts' cash, the auditor's
#            decision and a supervisor's verification: each refused with a
#            clear page, and the ledger, the refunds, the waivers and the
#            deposits untouched (checked here with sqlite3);
#   browser: the supervisor approves a refund and a waiver and sees each
#            leave the list, makes the deposit of carol's shift from the
#            cash not deposited and confirms it; suzy approving her own
#            refund and waiver is shown tilld's refusal; the auditor opens a
#            transaction from the ledger (hash and entries as `till audit
#            txn --json`) and reads the verification (as `till audit verify
#            --json`); the console shows no error;
#   tampered: an entry's amount changed in the database (its trigger
#            dropped): the verification page says VERIFICATION FAILED at the
#            transaction `till audit verify --json` names;
#   export:  the export downloaded equals `till audit export`'s file record
#            for record (the header but its time and its own signature,
#            every transaction byte for byte, the CLI's signed heads byte for
#            byte and one more, the web export's own snapshot: each export
#            signs its snapshot), and `till audit verify --file` passes it.
# Screenshots go to $TILL_TEST_TMP/test_web_ops.artefacts/.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web_ops

step "a business date: carol closes exact, dan and suzy ask refunds, carol and suzy waivers"
register_lanes
world_users carol dan sam suzy audrey
world_catalog PARK
world_login T-LANE-01:carol T-LANE-02:dan T-LANE-02:suzy ADMIN-01:sam ADMIN-01:audrey
expect_rc 0 till_user T-LANE-01 carol shift open --count 100x1
# 100.00 float + 20.00 cash = 120.00 counted: exact, 20.00 to deposit
expect_rc 0 till_user T-LANE-01 carol sale PARK:4 --method cash --tendered 20
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 100x1,20x1
carol_shift=$(json_field shift_id)
expect_rc 0 till_user T-LANE-02 dan shift open --count none
expect_rc 0 till_user T-LANE-02 dan --json sale PARK:3 --method wechat
num1=$(json_field number)
expect_rc 0 till_user T-LANE-02 dan --json sale PARK:2 --method cash --tendered 10
num2=$(json_field number)
expect_rc 0 till_user T-LANE-02 dan --json refund request "$num1" --amount 5.00 --reason "paid twice" --ref R-1
refund_ok=$(json_field id)
expect_rc 0 till_user T-LANE-02 suzy --json refund request "$num2" --amount 5.00 --reason "left early" --ref R-2
refund_self=$(json_field id)

expect_rc 0 till_as ADMIN-01 payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 \
  --area 100.00 --occupancy occupied
payer=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
expect_rc 0 till_as ADMIN-01 scheme add heating --name 供暖费 --rule area_season --period season
expect_rc 0 till_as ADMIN-01 tariff add --scheme heating --from 2020-01-01 --rate 24.00
expect_rc 0 till_as ADMIN-01 charge run --scheme heating --period 2024-2025
expect_rc 0 till_user T-LANE-01 carol --json waiver request "$payer" --scheme heating --period 2024-2025 \
  --amount 100 --reason 困难户 --doc 减免字12号
waiver_ok=$(json_field id)
expect_rc 0 till_user T-LANE-02 suzy --json waiver request "$payer" --scheme heating --period 2024-2025 \
  --amount 50 --reason 低保 --doc 减免字13号
waiver_self=$(json_field id)
for v in "$carol_shift" "$refund_ok" "$refund_self" "$waiver_ok" "$waiver_self"; do
  [[ $v =~ ^[0-9]+$ ]] || fail "a shift, refund or waiver id is missing: '$v'"
done

step "till-web's own terminal, WEB-01"
web_terminal
start_web "$T/till-web.log" --language en

ADMIN_CONF=$T/term/ADMIN-01/till.conf
export WEB_SUP=sam WEB_SUP_PW=$(world_password sam) WEB_SELF=suzy WEB_SELF_PW=$(world_password suzy)
export WEB_AUDITOR=audrey WEB_AUDITOR_PW=$(world_password audrey) WEB_CERT=$T/certs/server.crt
export REFUND_OK=$refund_ok REFUND_SELF=$refund_self WAIVER_OK=$waiver_ok WAIVER_SELF=$waiver_self
export DEPOSIT_SHIFT=$carol_shift DEPOSIT_AMOUNT=20.00
export AUDIT_CMD="$TILL --config $ADMIN_CONF --session $(user_session ADMIN-01 audrey) --json audit"
export EXPORT_CLI=$T/cli.tillx EXPORT_WEB=$T/web.tillx

deposits() { sql "SELECT count(*) FROM deposits"; }
decisions() {
  sql "SELECT (SELECT group_concat(id || ':' || state) FROM refunds) || ' ' ||
              (SELECT group_concat(id || ':' || state) FROM waivers)"
}

step "bad input over HTTPS: refused with a clear page, nothing written"
state=$(ledger_state)
before=$(decisions)
[ "$(deposits)" = 0 ] || fail "a deposit before the test made one"
if ! timeout 90 "$PY" "$(dirname -- "$0")/web_ops.py" raw "$URL" "$T/certs/ca.crt" >"$T/raw.out" 2>&1; then
  cat -- "$T/raw.out" >&9
  fail "the HTTPS checks failed (above)"
fi
cat -- "$T/raw.out"
expect_state "$state" "bad input through till-web"
assert_eq "$before" "$(decisions)" "the refunds and waivers after bad input"
assert_eq 0 "$(deposits)" "deposits after bad input"

step "the browser: approvals, the deposit, the self-approval refused, the auditor's chain"
if ! timeout 180 "$PY" "$(dirname -- "$0")/web_ops.py" browser "$URL" "$T/certs/ca.crt" "$ART" \
    >"$T/browser.out" 2>&1; then
  cat -- "$T/browser.out" >&9
  fail "the browser checks failed (above); screenshots in $ART"
fi
cat -- "$T/browser.out"
expect_sql "approved|sam" "SELECT state, decided_by FROM refunds WHERE id = $refund_ok"
expect_sql "requested|" "SELECT state, coalesce(decided_by, '') FROM refunds WHERE id = $refund_self"
expect_sql "2|sam" "SELECT state, decided_by FROM waivers WHERE id = $waiver_ok"
expect_sql "1" "SELECT state FROM waivers WHERE id = $waiver_self"
expect_sql "1" "SELECT count(*) FROM deposits WHERE amount = 2000 AND confirmed_by = 'sam'"
for png in approvals deposit deposited self_refused txn verify; do
  [ -s "$ART/$png.png" ] || fail "no screenshot $png.png in $ART"
done

step "the export: till audit export's file, record for record"
till_as ADMIN-01 --session "$(user_session ADMIN-01 audrey)" audit pubkey >"$T/pub.pem" ||
  fail "till audit pubkey failed"
till_as ADMIN-01 --session "$(user_session ADMIN-01 audrey)" audit export >"$EXPORT_CLI" 2>"$T/export.err" ||
  fail "till audit export failed: $(cat -- "$T/export.err")"
if ! timeout 60 "$PY" "$(dirname -- "$0")/web_ops.py" export "$URL" "$T/certs/ca.crt" >"$T/export.out" 2>&1; then
  cat -- "$T/export.out" >&9
  fail "the export checks failed (above)"
fi
cat -- "$T/export.out"
expect_rc_contains 0 "export verified" till_as ADMIN-01 audit verify --file "$EXPORT_WEB" --pubkey "$T/pub.pem"

# ---- deplist: a deposit of an earlier business date confirmed ----
step "a deposit of an earlier business date, confirmed from the console after the close"
expect_rc 0 till_user T-LANE-02 dan shift close --count none
expect_rc 0 till_user T-LANE-01 carol shift open --count none
expect_rc 0 till_user T-LANE-01 carol sale PARK:2 --method cash --tendered 10
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 10x1
expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts "$(json_field shift_id)" \
  --slip LATE-1 --amount 10.00
late=$(json_field id)
late_date=$(sql "SELECT business_date FROM deposits WHERE id = $late")
expect_rc 0 till_user ADMIN-01 sam day close --date "$late_date"
assert_eq "1|$late_date" "$(sql "SELECT count(*), max(date) FROM day_closes")" "the date closed"
expect_sql "1|1000" "SELECT count(*), sum(amount) FROM deposits WHERE state = 1"
if ! LATE_DEPOSIT=$late LATE_DATE=$late_date LATE_AMOUNT=10.00 \
    timeout 60 "$PY" "$(dirname -- "$0")/web_ops.py" late "$URL" "$T/certs/ca.crt" >"$T/late.out" 2>&1; then
  cat -- "$T/late.out" >&9
  fail "the late confirmation failed (above)"
fi
cat -- "$T/late.out"
expect_sql "2|sam" "SELECT state, confirmed_by FROM deposits WHERE id = $late"
expect_sql "0" "SELECT count(*) FROM deposits WHERE state = 1"
# ---- end of deplist ----

step "till-web stops on SIGTERM"
stop_web

step "a ledger tampered with: the verification names the transaction, as till audit verify"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
target=$(sql "SELECT min(id) FROM journal WHERE kind = 'sale'")
sql "DROP TRIGGER entries_no_update;
  UPDATE entries SET amount = amount - 100 WHERE txn_id = $target AND seq = 1;" ||
  fail "could not tamper with the database"
start_tilld || fail "tilld did not start on the tampered ledger (exit $TILLD_RC)"
start_web "$T/till-web-tampered.log" --language en
run till_as ADMIN-01 --session "$(user_session ADMIN-01 audrey)" --json audit verify
[ "$LAST_RC" = 1 ] || fail "till audit verify passed the tampered ledger"
export TAMPERED_TXN=$target
grep -qF "\"first_bad_txn\":$target," "$T/last.out" ||
  fail "till audit verify does not name transaction $target: $(cat -- "$T/last.out")"
if ! timeout 60 "$PY" "$(dirname -- "$0")/web_ops.py" tampered "$URL" "$T/certs/ca.crt" \
    >"$T/tampered.out" 2>&1; then
  cat -- "$T/tampered.out" >&9
  fail "the tampered ledger's verification page failed (above)"
fi
cat -- "$T/tampered.out"
stop_web
