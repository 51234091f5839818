#!/usr/bin/env bash
# test_web.sh -- till-web, the web console (docs/web.md), against a real
# tilld and a real till-web on loopback, driven by headless Chromium
# (chromium-driver, python3-selenium; scripts/install-deps.sh installs
# them). A business date with a drawer closed 10.00 short, one closed
# exact and a pending void; then:
#   raw:     the security headers (CSP, nosniff, no-referrer, HSTS) over
#            TLS 1.3, the session cookie's attributes, a login form without
#            its token, decisions without or with a wrong CSRF token, forged
#            forms, an oversized body, an unknown and a malformed shift id,
#            unknown pages: each refused with a clear page, and the ledger
#            and the void untouched (checked here with sqlite3);
#   slow:    a client that never finishes its request is cut off after the
#            request_timeout (2 s here), while another is served;
#   auditor: lists the voids but tilld refuses the auditor's decision;
#            receipt continuity of the series (issued as the journal
#            holds, none missing, the void with its reason); the ledger's
#            CSV download byte for byte `till audit ledger --csv`, also
#            filtered (also by account, receipt range and amount, alone
#            and together), the page carrying those filters into its next
#            page and CSV links; the ledger page by page (pages of 2) shows
#            each transaction once; an unknown series, bad filters (an
#            amount with 3 decimals, letters, min above max, a receipt
#            number that is no whole number) refused with a 400 naming
#            the field;
#   browser: the supervisor sees the short drawer highlighted, approves the
#            void and sees it leave the list (tilld then holds it
#            approved), reads the daily report whose figures equal `till
#            report daily --json`, logs out; a cashier gets nothing (tilld's
#            refusal, in Chinese); the console shows no error.
# Screenshots go to $TILL_TEST_TMP/test_web.artefacts/ (kept after the run).
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web

step "a business date: carol closes 10.00 short, dan exact with a pending void"
register_lanes
world_users carol dan sam audrey
world_catalog PARK
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam ADMIN-01:audrey
expect_rc 0 till_user T-LANE-01 carol shift open --count 100x1
# 120.00 expected (100.00 float + 20.00 cash), 110.00 counted: 10.00 short,
# 10.00 to deposit
expect_rc 0 till_user T-LANE-01 carol sale PARK:4 --method cash --tendered 20
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 100x1,10x1
short_shift=$(json_field shift_id)
expect_rc 0 till_user T-LANE-02 dan shift open --count none
expect_rc 0 till_user T-LANE-02 dan sale PARK:1 --method cash --tendered 5
expect_rc 0 till_user T-LANE-02 dan --json sale PARK:3 --method wechat
num=$(json_field number)
expect_rc 0 till_user T-LANE-02 dan --json void "$num" --reason "wrong plate"
void_id=$(json_field id)
[[ $short_shift =~ ^[0-9]+$ && $void_id =~ ^[0-9]+$ ]] || fail "no shift or void id"

step "till-web's own terminal, WEB-01, registered like any other"
web_terminal

start_web "$T/till-web.log" --language en --request_timeout 2

export WEB_SUP=sam WEB_SUP_PW=$(world_password sam) WEB_CASHIER=carol
export WEB_CASHIER_PW=$(world_password carol) SHORT_SHIFT=$short_shift VOID_ID=$void_id
export SHORT_VARIANCE=-10.00 OK_SHIFT=$((short_shift + 1)) WEB_CERT=$T/certs/server.crt
export REPORT_CMD="$TILL --config $T/term/ADMIN-01/till.conf --session $(user_session ADMIN-01 sam) --json report daily"
export WEB_AUDITOR=audrey WEB_AUDITOR_PW=$(world_password audrey) SERIES=${num%-*}
export ISSUED=$(sql "SELECT count(*) FROM journal WHERE series = '${num%-*}' AND receipt_no > 0")
export LEDGER_CMD="$TILL --config $T/term/ADMIN-01/till.conf --session $(user_session ADMIN-01 audrey) audit ledger --csv"
[ "$(sql "SELECT id FROM shifts WHERE cashier = 'dan'")" = "$OK_SHIFT" ] || fail "dan's shift is not $OK_SHIFT"

step "bad input over HTTPS: refused with a clear page, nothing written"
state=$(ledger_state)
voids=$(sql "SELECT group_concat(id || ':' || state) FROM void_requests")
if ! timeout 60 "$PY" "$(dirname -- "$0")/web_browser.py" raw "$URL" "$T/certs/ca.crt" \
    >"$T/raw.out" 2>&1; then
  cat -- "$T/raw.out" >&9
  fail "the HTTPS checks failed (above)"
fi
cat -- "$T/raw.out"
expect_state "$state" "bad input through till-web"
assert_eq "$voids" "$(sql "SELECT group_concat(id || ':' || state) FROM void_requests")" \
  "the void requests after bad input"

step "the browser: board, approval, report, a cashier"
if ! timeout 120 "$PY" "$(dirname -- "$0")/web_browser.py" browser "$URL" "$T/certs/ca.crt" "$ART" \
    >"$T/browser.out" 2>&1; then
  cat -- "$T/browser.out" >&9
  fail "the browser checks failed (above); screenshots in $ART"
fi
cat -- "$T/browser.out"
expect_sql "2|sam" "SELECT state, decided_by FROM void_requests WHERE id = $void_id"
for png in board voids receipts ledger report cashier; do
  [ -s "$ART/$png.png" ] || fail "no screenshot $png.png in $ART"
done

step "till-web stops on SIGTERM"
stop_web
