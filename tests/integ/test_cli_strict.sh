#!/usr/bin/env bash
# test_cli_strict.sh -- the strict command line (issue 18) against a real
# tilld with an open shift: for every command group (login, logout/whoami,
# admin user/terminal/series/item, sale, receipt, void, shift, deposit,
# audit, report, day, target) an unknown option, and across them a missing
# value, a repeated option, a flag given a value, an empty value and an
# extra or missing argument, each exit 2 with a message that names the word
# and the command's usage. Nothing was sent: tilld logs every connection
# ("terminal X connected") and the count moves only by the one good command
# that closes each batch; the database is unchanged (the ledger, users,
# terminals, series, items, sessions, shifts, deposits, targets, day closes,
# signatures), and after the bad sales the X-report's receipt count and the
# series counter are what the good sales alone make them. Then the good
# forms still work: --name=VALUE, a value that starts with -- given so,
# options before arguments, global options anywhere.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam audrey
world_catalog PARK1H WASH
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

# ---- helpers ----------------------------------------------------------------

# conns -- connections tilld has accepted so far (it logs each at info).
conns() { grep -c 'terminal .* connected$' "$TILLD_LOG" || true; }

# world_state -- one line fingerprinting everything a command could write.
world_state() {
  local t out=$(ledger_state)
  for t in users user_roles terminals series fee_items sessions shifts shift_counts \
      shift_noncash deposits cashier_targets day_closes chain_signatures; do
    out+=" $t=$(sql "SELECT count(*) FROM $t")"
  done
  out+=" disabled=$(sql "SELECT group_concat(name) FROM (SELECT name FROM users
                          WHERE disabled ORDER BY name)")"
  printf '%s\n' "$out"
}

# batch_start -- remember the connection count and the world.
batch_start() {
  BATCH_CONNS=$(conns)
  BATCH_STATE=$(world_state)
  BATCH_N=0
}

# bad WORD cmd... -- cmd must exit 2, name WORD on stderr with the usage,
# and print nothing on stdout.
bad() {
  local word=$1
  shift
  expect_rc_contains 2 "$word" "$@"
  [ ! -s "$T/last.out" ] || fail "$*: refused, yet printed on stdout: $(head -c 200 "$T/last.out")"
  BATCH_N=$((BATCH_N + 1))
}

# bad_usage WORD cmd... -- bad, and the command's usage follows the message.
bad_usage() {
  bad "$@"
  assert_last_contains "usage: till "
}

# batch_end WHAT -- one good command (whoami, so one connection), then: that
# connection is the only one since batch_start, and the world is unchanged.
batch_end() {
  local what=$1 want
  expect_rc_contains 0 "user      sam" till_user ADMIN-01 sam whoami
  want=$((BATCH_CONNS + 1))
  # the good command's own connection was logged before it was answered
  assert_eq "$want" "$(conns)" "$what: connections after $BATCH_N refused commands and one whoami"
  local now
  now=$(world_state)
  [ "$now" = "$BATCH_STATE" ] || fail "$what: the database changed: before '$BATCH_STATE', after '$now'"
}

# x_receipts -- the receipts of carol's open shift, from the X-report; sam
# reads it (carol's own is blind: it carries no receipt count)
x_receipts() {
  expect_rc 0 till_user ADMIN-01 sam --json shift status "$(sql "SELECT id FROM shifts WHERE state = 1")"
  json_field receipts
}

step "a first good sale, so the X-report and the counter have something to keep"
expect_rc_contains 0 "TOTAL" till_user T-LANE-01 carol sale PARK1H --method cash
SERIES=$(sql "SELECT series FROM series_counters")
[ -n "$SERIES" ] || fail "no series counter after a sale"
GOOD_SALES=1
assert_eq 1 "$(x_receipts)" "receipts after one sale"
SHIFT_ID=$(sql "SELECT id FROM shifts WHERE state = 1")
RECEIPT="$SERIES-00000001"

# ---- login, logout, whoami ----------------------------------------------------
step "login, logout, whoami: unknown option, extra and missing argument"
batch_start
TILL_PASSWORD=carol-pw-1 bad_usage "till: login: unknown option '--remember'" \
  till_as T-LANE-01 --session "$T/s.new" login carol --remember
TILL_PASSWORD=carol-pw-1 bad_usage "till: login: unexpected argument 'dan' (at most 1)" \
  till_as T-LANE-01 --session "$T/s.new" login carol dan
TILL_PASSWORD=carol-pw-1 bad_usage "till: login: missing argument: 1 needed, 0 given" \
  till_as T-LANE-01 --session "$T/s.new" login
[ ! -e "$T/s.new" ] || fail "a refused login wrote a session file"
bad_usage "till: logout: unknown option '--all'" till_user T-LANE-01 carol logout --all
bad_usage "till: logout: unexpected argument 'now' (this command takes none)" \
  till_user T-LANE-01 carol logout now
[ -s "$(user_session T-LANE-01 carol)" ] || fail "a refused logout removed the session file"
bad_usage "till: whoami: unknown option '--verbose'" till_user T-LANE-01 carol whoami --verbose
batch_end "login/logout/whoami"

# ---- admin ---------------------------------------------------------------------
step "admin user/terminal/series/item: unknown, repeated, missing value, extra argument"
batch_start
TILL_NEW_PASSWORD=dave-pw-1 bad_usage \
  "till: admin user add: unknown option '--rol' (did you mean '--role'?)" \
  till_as ADMIN-01 admin user add dave --role cashier --rol admin
TILL_NEW_PASSWORD=dave-pw-1 bad_usage "till: admin user add: option '--role' given twice" \
  till_as ADMIN-01 admin user add dave --role cashier --role admin
TILL_NEW_PASSWORD=dave-pw-1 bad_usage "till: admin user add: option '--role' needs a value" \
  till_as ADMIN-01 admin user add dave --role
TILL_NEW_PASSWORD=dave-pw-1 bad_usage "till: admin user add: unexpected argument 'erin'" \
  till_as ADMIN-01 admin user add dave erin --role cashier
TILL_NEW_PASSWORD=dave-pw-1 bad_usage "till: admin user add: option '--role' has an empty value" \
  till_as ADMIN-01 admin user add dave --role=
expect_sql 0 "SELECT count(*) FROM users WHERE name = 'dave'"
bad_usage "till: admin user list: unknown option '--all'" till_as ADMIN-01 admin user list --all
bad_usage "till: admin user disable: unknown option '--now'" \
  till_as ADMIN-01 admin user disable carol --now
bad_usage "till: admin user disable: unexpected argument 'sam'" \
  till_as ADMIN-01 admin user disable carol sam
bad_usage "till: admin terminal add: unknown option '--desc'" \
  till_as ADMIN-01 admin terminal add T-NEW --desc "new lane"
bad_usage "till: admin terminal add: option '--description' needs a value, not '--lane-3'" \
  till_as ADMIN-01 admin terminal add T-NEW --description --lane-3
# --json is a global option, taken out first: --description is left without a value
bad_usage "till: admin terminal add: option '--description' needs a value" \
  till_as ADMIN-01 admin terminal add T-NEW --description --json
bad_usage "till: admin terminal list: unknown option '--disabled'" \
  till_as ADMIN-01 admin terminal list --disabled
bad_usage "till: admin terminal disable: unexpected argument 'T-LANE-01'" \
  till_as ADMIN-01 admin terminal disable T-LANE-02 T-LANE-01
bad_usage "till: admin series add: option '--kind' given twice" \
  till_as ADMIN-01 admin series add XX --kind receipt --kind=receipt
bad_usage "till: admin series add: unknown option '--year'" \
  till_as ADMIN-01 admin series add XX --kind receipt --year 2026
bad_usage "till: admin series list: unknown option '--kind'" \
  till_as ADMIN-01 admin series list --kind receipt
bad_usage "till: admin item add: unknown option '--revenu' (did you mean '--revenue'?)" \
  till_as ADMIN-01 admin item add SOAP --name Soap --price 1.00 --series HT --revenu revenue:x
bad_usage "till: admin item add: option '--price' given twice" \
  till_as ADMIN-01 admin item add SOAP --name Soap --price 1.00 --price 100.00 --series HT
bad_usage "till: admin item list: unexpected argument 'SOAP'" till_as ADMIN-01 admin item list SOAP
bad_usage "unknown command 'admin user frobnicate'" till_as ADMIN-01 admin user frobnicate
expect_sql 0 "SELECT count(*) FROM fee_items WHERE code = 'SOAP'"
expect_sql 0 "SELECT count(*) FROM terminals WHERE id = 'T-NEW'"
batch_end "admin"

# ---- sale ---------------------------------------------------------------------------
step "sale: the tester's forms and more are refused; nothing is posted"
batch_start
bad_usage "till: sale: unknown option '--tendred' (did you mean '--tendered'?)" \
  till_user T-LANE-01 carol sale PARK1H --method cash --tendred 50
bad_usage "till: sale: unknown option '--foo'" \
  till_user T-LANE-01 carol sale PARK1H --method cash --foo bar
bad_usage "till: sale: option '--method' given twice; it is allowed once" \
  till_user T-LANE-01 carol sale PARK1H --method cash --method wechat
bad "till: --method: unknown payment method 'Cash'; use one of cash, card, wechat, alipay, transfer, cheque, subsidy (names are lower case)" \
  till_user T-LANE-01 carol sale PARK1H --method Cash
bad "till: --method: unknown payment method 'bitcoin'; use one of cash, card, wechat, alipay, transfer, cheque, subsidy" \
  till_user T-LANE-01 carol sale PARK1H --method bitcoin
bad_usage "till: sale: option '--method' needs a value" till_user T-LANE-01 carol sale PARK1H --method
bad_usage "till: sale: option '--method' needs a value, not '--tendered'" \
  till_user T-LANE-01 carol sale PARK1H --method --tendered 50
bad_usage "till: sale: option '--memo' has an empty value" \
  till_user T-LANE-01 carol sale PARK1H --method cash --memo ""
bad_usage "till: sale: unknown option '-m'" till_user T-LANE-01 carol sale PARK1H -m cash
bad_usage "till: sale: missing argument: 1 needed, 0 given" till_user T-LANE-01 carol sale --method cash
bad_usage "till: sale: option '--idem-key' given twice" till_user T-LANE-01 carol sale PARK1H \
  --method cash --idem-key 0123456789abcdef0123456789abcdef --idem-key 0123456789abcdef0123456789abcdf0
bad_usage "unknown option '--method' before the command" \
  till_user T-LANE-01 carol --method cash sale PARK1H
batch_end "sale"
assert_eq "$GOOD_SALES" "$(x_receipts)" "the X-report's receipts after the refused sales"
expect_sql "$GOOD_SALES" "SELECT last_no FROM series_counters WHERE series = '$SERIES'"

# ---- receipt, void ------------------------------------------------------------------------
step "receipt and void"
batch_start
bad_usage "till: receipt show: unknown option '--copy'" \
  till_user T-LANE-01 carol receipt show "$RECEIPT" --copy
bad_usage "till: receipt reprint: unexpected argument '$SERIES-00000002' (at most 1)" \
  till_user T-LANE-01 carol receipt reprint "$RECEIPT" "$SERIES-00000002"
bad_usage "till: receipt reprint: missing argument" till_user T-LANE-01 carol receipt reprint
bad_usage "till: void: unknown option '--resaon' (did you mean '--reason'?)" \
  till_user T-LANE-01 carol void "$RECEIPT" --resaon "wrong item"
bad_usage "till: void: option '--reason' needs a value" till_user T-LANE-01 carol void "$RECEIPT" --reason
bad_usage "till: void: unexpected argument '$SERIES-00000002'" \
  till_user T-LANE-01 carol void "$RECEIPT" "$SERIES-00000002" --reason "wrong item"
assert_last_contains "till void approve|reject ID" # a verb-less row shows its group's forms
bad_usage "till: void approve: option '--note' given twice" \
  till_user ADMIN-01 sam void approve 1 --note ok --note "really ok"
bad_usage "till: void reject: unexpected argument '2'" till_user ADMIN-01 sam void reject 1 2
bad_usage "till: void list: unknown option '--all'" till_user ADMIN-01 sam void list --all
batch_end "receipt/void"

# ---- shift -----------------------------------------------------------------------------
step "shift: a repeated --noncash or a bad method does not close the shift"
batch_start
bad_usage "till: shift open: unknown option '--float'" \
  till_user T-LANE-01 carol shift open --count none --float 5
bad_usage "till: shift close: option '--noncash' given twice" \
  till_user T-LANE-01 carol shift close --count none --noncash card=1.00 --noncash wechat=2.00
bad "till: --noncash: unknown payment method 'Card'; use one of cash, card" \
  till_user T-LANE-01 carol shift close --count none --noncash Card=1.00
bad_usage "till: shift close: option '--count' needs a value" \
  till_user T-LANE-01 carol shift close --noncash card=1.00 --count
bad_usage "till: shift status: unexpected argument '2' (at most 1)" \
  till_user T-LANE-01 carol shift status "$SHIFT_ID" 2
bad_usage "till: shift approve: unknown option '--nte' (did you mean '--note'?)" \
  till_user ADMIN-01 sam shift approve "$SHIFT_ID" --nte ok
bad_usage "till: shift list: option '--state' given twice" \
  till_user ADMIN-01 sam shift list --state open --state closed
bad_usage "unknown command 'shift --count'" till_user T-LANE-01 carol shift --count none close
batch_end "shift"
expect_sql 1 "SELECT state FROM shifts WHERE id = $SHIFT_ID"

# ---- deposit ---------------------------------------------------------------------------
step "deposit"
batch_start
bad_usage "till: deposit create: unknown option '--bank'" \
  till_user ADMIN-01 sam deposit create --shifts "$SHIFT_ID" --slip S1 --amount 5 --bank ICBC
bad_usage "till: deposit create: option '--amount' given twice" \
  till_user ADMIN-01 sam deposit create --shifts "$SHIFT_ID" --slip S1 --amount 5 --amount 50
bad_usage "till: deposit confirm: unexpected argument '2'" till_user ADMIN-01 sam deposit confirm 1 2
bad_usage "till: deposit pending: unknown option '--hour' (did you mean '--hours'?)" \
  till_user ADMIN-01 sam deposit pending --hour 5
batch_end "deposit"

# ---- audit ---------------------------------------------------------------------------------
step "audit"
batch_start
bad_usage "till: audit verify: unknown option '--fast'" till_user T-LANE-02 audrey audit verify --fast
bad_usage "till: audit verify: option '--allow-unsigned' takes no value" \
  till_user T-LANE-02 audrey audit verify --file "$T/none.bin" --allow-unsigned=yes
bad_usage "till: audit pubkey: unknown option '--pem'" till_user T-LANE-02 audrey audit pubkey --pem
bad_usage "till: audit checkpoint: unexpected argument 'now'" \
  till_user ADMIN-01 sam audit checkpoint now
bad_usage "till: audit receipts: option '--from' given twice" \
  till_user T-LANE-02 audrey audit receipts --series "$SERIES" --from 1 --from 2
bad_usage "till: audit txn: unexpected argument '2'" till_user T-LANE-02 audrey audit txn 1 2
bad_usage "till: audit export: unknown option '--format'" \
  till_user T-LANE-02 audrey audit export --format bin
bad_usage "till: audit ledger: unknown option '--colour'" \
  till_user T-LANE-02 audrey audit ledger --colour red
bad_usage "till: audit ledger: option '--csv' given twice" \
  till_user T-LANE-02 audrey audit ledger --csv --csv
bad "till: --method: unknown payment method 'WeChat'" \
  till_user T-LANE-02 audrey audit ledger --method WeChat
batch_end "audit"

# ---- report, day, target -----------------------------------------------------------------
step "report, day, target"
TODAY=$(date +%F)
MONTH=$(date +%Y-%m)
batch_start
bad_usage "till: report daily: option '--date' needs a value" \
  till_user ADMIN-01 sam report daily --date
bad_usage "till: report daily: unknown option '--dat' (did you mean '--date'?)" \
  till_user ADMIN-01 sam report daily --dat "$TODAY"
bad_usage "till: report monthly: unexpected argument '$MONTH'" \
  till_user ADMIN-01 sam report monthly --month "$MONTH" "$MONTH"
bad_usage "till: day close: unknown option '--force'" \
  till_user ADMIN-01 sam day close --date "$TODAY" --force
bad_usage "till: day close: option '--date' given twice" \
  till_user ADMIN-01 sam day close --date "$TODAY" --date=2026-01-01
bad_usage "till: target set: option '--amount' given twice" \
  till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount 100 --amount 200
bad_usage "till: target set: unknown option '--bonus'" \
  till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount 100 --bonus 5
batch_end "report/day/target"

# ---- global options ------------------------------------------------------------------------
step "global options: repeated, or --config without a value"
batch_start
bad "till: option '--session' given twice" \
  till_user T-LANE-01 carol --session "$T/other.session" whoami
bad "till: option '--timeout' given twice" till_user T-LANE-01 carol --timeout 5 whoami --timeout=6
bad "till: option '--json' given twice" till_user T-LANE-01 carol --json whoami --json
bad "till: option '--config' needs a value" "$TILL" whoami --config
bad "till: option '--server' needs a value, not '--json'" till_user T-LANE-01 carol --server --json whoami
bad "till: option '--json' takes no value" till_user T-LANE-01 carol --json=1 whoami
batch_end "global options"

# ---- the good forms --------------------------------------------------------------------------
step "the good forms still work"
expect_rc_contains 0 "Change" till_user T-LANE-01 carol sale PARK1H:2 --method=cash \
  --tendered=20 --memo=--dashes--
GOOD_SALES=$((GOOD_SALES + 1))
expect_sql "--dashes--" "SELECT memo FROM journal WHERE kind = 'sale' ORDER BY id DESC LIMIT 1"
expect_rc 0 till_user T-LANE-01 carol --json sale --method wechat WASH PARK1H:3 --memo "a b"
GOOD_SALES=$((GOOD_SALES + 1))
assert_eq "wechat" "$(json_field method)" "the method of a sale with its options first"
expect_rc 0 till_user T-LANE-01 carol sale WASH --method card --json
GOOD_SALES=$((GOOD_SALES + 1))
assert_eq "$GOOD_SALES" "$(x_receipts)" "the X-report's receipts after the good sales"
expect_sql "$GOOD_SALES" "SELECT last_no FROM series_counters WHERE series = '$SERIES'"
expect_rc 0 till_user T-LANE-01 carol --timeout=5 shift status "$SHIFT_ID"
expect_rc 0 till_user T-LANE-02 audrey audit ledger --kind=sale --csv --method card
[ "$(grep -c ',card,' "$T/last.out")" = 1 ] || fail "audit ledger --method card: $(cat "$T/last.out")"
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "$SERIES" --from=1 --to "$GOOD_SALES"
expect_rc 0 till_user ADMIN-01 sam report daily --date="$TODAY"
expect_rc 0 till_user ADMIN-01 sam void list --state=pending
expect_rc_contains 0 "void requested" till_user T-LANE-01 carol void "$RECEIPT" --reason=--wrong-item--
bad "option '--reason' needs a value, not '--wrong-item--'" \
  till_user T-LANE-01 carol void "$RECEIPT" --reason --wrong-item--
expect_sql "--wrong-item--" "SELECT reason FROM void_requests"
TILL_NEW_PASSWORD=dave-pw-1 expect_rc_contains 0 "added user" \
  till_as ADMIN-01 admin user add dave --role=cashier
expect_rc 0 "$TILL" --help
assert_last_contains "sale ITEM[:QTY]"
assert_last_contains "[--idem-key HEX32]"

step "ok"
