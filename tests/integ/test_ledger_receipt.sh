#!/usr/bin/env bash
# test_ledger_receipt.sh -- the printed receipt fits an 80 mm printer (42
# columns; a CJK character takes two) and carries what a payer and an auditor
# need: receipt number, terminal, cashier, item names, total in yuan, payment
# method, time, and a verify code equal to the first 4 bytes of the
# transaction's chain hash (XXXX-XXXX, upper case).
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

# display width as a terminal counts it: CJK characters are two columns
export LC_ALL=C.UTF-8

register_lanes
world_catalog
world_item STREET "路边停车费" 3.50
world_item LONGCN "临时停车费（小型汽车）每小时计费标准" 12.00
world_item BIGFEE "Annual heating, complex B" 123456789.00
world_users carol sam
world_login T-LANE-01:carol ADMIN-01:sam
open_shift T-LANE-01 carol

# fits42 FILE WHAT -- no line of FILE is wider than 42 columns, and the
# rules are exactly 42 wide.
fits42() {
  local width
  width=$(wc -L <"$1")
  [ "$width" -le 42 ] || { sed 's/^/    | /' "$1" >&9; fail "$2: a line is $width columns wide"; }
  grep -qx '==========================================' "$1" || fail "$2: no 42-column rule"
}

# hash_code NUMBER -- XXXX-XXXX from the first 4 bytes of the journal hash
hash_code() {
  sql "SELECT substr(hex(hash), 1, 4) || '-' || substr(hex(hash), 5, 4) FROM journal
       WHERE $(receipt_where "$1")"
}

# local_time NUMBER -- the posting time as the client prints it
local_time() {
  sql "SELECT strftime('%Y-%m-%d %H:%M:%S', at_ms / 1000, 'unixepoch', 'localtime') FROM journal
       WHERE $(receipt_where "$1")"
}

step "a cash sale of 3 x Parking at 5.00, 20.00 tendered"
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:3 --method cash --tendered 20.00 --memo "plate 京A·12345"
cp -- "$T/last.out" "$T/r1.txt"
num=$(sed -n 's/^No\.  *\([A-Z]*[0-9]\{4\}-[0-9]\{8\}\)$/\1/p' "$T/r1.txt")
[[ $num =~ ^HT[0-9]{4}-00000001$ ]] || { cat "$T/r1.txt" >&9; fail "no receipt number line"; }
fits42 "$T/r1.txt" "cash receipt"
assert_file_contains "$T/r1.txt" "TILL FEE RECEIPT"
assert_file_contains "$T/r1.txt" "Terminal  T-LANE-01"
assert_file_contains "$T/r1.txt" "Cashier   carol"
assert_file_contains "$T/r1.txt" "Time      $(local_time "$num")"
grep -qE '^Parking +3 +5\.00 +15\.00$' "$T/r1.txt" || fail "no item line 'Parking 3 5.00 15.00'"
grep -qE '^TOTAL \(CNY\) +15\.00$' "$T/r1.txt" || fail "no total line of 15.00"
assert_eq 42 "$(grep '^TOTAL' "$T/r1.txt" | wc -L)" "width of the total line (amount right-aligned)"
assert_file_contains "$T/r1.txt" "Paid by   cash"
grep -qE '^Tendered +20\.00$' "$T/r1.txt" || fail "no tendered line"
grep -qE '^Change +5\.00$' "$T/r1.txt" || fail "no change line"
assert_file_contains "$T/r1.txt" "Memo      plate 京A·12345"
code=$(hash_code "$num")
[[ $code =~ ^[0-9A-F]{4}-[0-9A-F]{4}$ ]] || fail "hash code from the database: '$code'"
txn=$(sql "SELECT id FROM journal WHERE $(receipt_where "$num")")
grep -qE "^Verify    $code   txn $txn\$" "$T/r1.txt" || {
  grep Verify "$T/r1.txt" >&9
  fail "verify code: expected $code (first 4 bytes of journal.hash)"
}
if grep -q "COPY\|VOIDED" "$T/r1.txt"; then fail "an original receipt says COPY or VOIDED"; fi

step "the --json form carries the same facts"
expect_rc 0 till_user T-LANE-01 carol --json receipt show "$num"
assert_eq "$code" "$(json_field verify_code)" "verify_code"
assert_eq "15.00" "$(json_field total)" "total"
assert_eq "cash" "$(json_field method)" "method"
assert_eq "T-LANE-01" "$(json_field terminal)" "terminal"
assert_eq "carol" "$(json_field cashier)" "cashier"
assert_eq "Parking" "$(json_field name)" "item name"
assert_eq "$txn" "$(json_field txn_id)" "txn_id"

step "show prints the same receipt as the sale did"
expect_rc 0 till_user T-LANE-01 carol receipt show "$num"
diff -u -- "$T/r1.txt" "$T/last.out" >&9 || fail "receipt show differs from the sale's receipt"

step "CJK item names and a long name: still 42 columns"
expect_rc 0 till_user T-LANE-01 carol sale STREET:2 LONGCN:1 PARK1H:1 --method wechat
cp -- "$T/last.out" "$T/r2.txt"
num2=$(sed -n 's/^No\.  *\([A-Z]*[0-9]\{4\}-[0-9]\{8\}\)$/\1/p' "$T/r2.txt")
fits42 "$T/r2.txt" "receipt with CJK names"
grep -qE '^路边停车费 +2 +3\.50 +7\.00$' "$T/r2.txt" || fail "no line for 路边停车费"
# the long name is cut to its 18-column field, not wrapped past the edge
grep -qE '^临时停车费（小型汽 +1 +12\.00 +12\.00$' "$T/r2.txt" || fail "long CJK name: no first line of 18 columns with the figures"
grep -qx '车）每小时计费标准' "$T/r2.txt" || fail "long CJK name: the rest is not wrapped onto the next line"
grep -qE '^TOTAL \(CNY\) +24\.00$' "$T/r2.txt" || fail "total 24.00"
assert_file_contains "$T/r2.txt" "Paid by   wechat"
assert_file_contains "$T/r2.txt" "Verify    $(hash_code "$num2")"
if grep -q '^Tendered' "$T/r2.txt"; then fail "a wechat receipt shows a tendered line"; fi

step "large figures get lines of their own, still within 42 columns"
expect_rc 0 till_user T-LANE-01 carol sale BIGFEE:3 --method transfer
cp -- "$T/last.out" "$T/r3.txt"
num3=$(sed -n 's/^No\.  *\([A-Z]*[0-9]\{4\}-[0-9]\{8\}\)$/\1/p' "$T/r3.txt")
fits42 "$T/r3.txt" "receipt with large figures"
assert_file_contains "$T/r3.txt" "Annual heating, co"
grep -qE '^  unit price +123456789\.00$' "$T/r3.txt" || fail "unit price line"
grep -qE '^  amount +370370367\.00$' "$T/r3.txt" || fail "amount line"
grep -qE '^TOTAL \(CNY\) +370370367\.00$' "$T/r3.txt" || fail "total line"
assert_file_contains "$T/r3.txt" "Verify    $(hash_code "$num3")"

step "a reprint (COPY) and a voided receipt fit too"
expect_rc_contains 0 "*** COPY ***" till_user T-LANE-01 carol receipt reprint "$num"
cp -- "$T/last.out" "$T/r4.txt"
fits42 "$T/r4.txt" "reprint"
assert_file_contains "$T/r4.txt" "Reprint   #1"
assert_file_contains "$T/r4.txt" "Verify    $code"
expect_rc 0 till_user T-LANE-01 carol --json void "$num2" \
  --reason "两个车位算错了，顾客要求重开一张收据并退回差额，已核对监控录像确认无误"
vid=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam void approve "$vid"
expect_rc_contains 0 "*** VOIDED ***" till_user T-LANE-01 carol receipt show "$num2"
cp -- "$T/last.out" "$T/r5.txt"
fits42 "$T/r5.txt" "voided receipt with a long CJK reason"
assert_file_contains "$T/r5.txt" "Reason    两个车位算错了"
# the voided receipt keeps its own verify code: the sale's hash, not the reversal's
assert_file_contains "$T/r5.txt" "Verify    $(hash_code "$num2")"

step "the longest names and amounts the server accepts still fit 42 columns"
# a 47-character terminal id (its own certificate from the same CA) and a
# 47-character cashier name: both within the server's 64-character limits
long_term='T-LANE-0042-NORTH-GATE-EXIT-BOOTH-EVENING-00001'
long_user='carol.zhang.north-gate.evening-shift.cashier.01'
if ! "$TILL_SOURCE_DIR/certs/make-dev-certs.sh" --out "$T/certs" --terminal "$long_term" \
    >>"$T/certs.log" 2>&1; then
  fail "make-dev-certs.sh could not add terminal $long_term"
fi
TERMINALS+=("$long_term")
write_client_configs
expect_rc 0 till_as ADMIN-01 admin terminal add "$long_term"
add_user "$long_user" cashier long-pw-1
login_user "$long_term" "$long_user" long-pw-1
open_shift "$long_term" "$long_user"
too_wide=()
expect_rc 0 till_user "$long_term" "$long_user" sale PARK1H:2 --method cash
cp -- "$T/last.out" "$T/r6.txt"
grep -qF "$long_user" "$T/r6.txt" || grep -qF "${long_user:0:32}" "$T/r6.txt" ||
  fail "the receipt does not name the cashier"
[ "$(wc -L <"$T/r6.txt")" -le 42 ] ||
  too_wide+=("a ${#long_term}-character terminal id or ${#long_user}-character cashier name: $(wc -L <"$T/r6.txt") columns")
# cash handed over is not bounded by the server; if it takes the amount, the
# receipt must still print it within the paper's width
run till_user T-LANE-01 carol sale PARK1H:1 --method cash --tendered 92233720368547758.07
case $LAST_RC in
  0)
    cp -- "$T/last.out" "$T/r7.txt"
    [ "$(wc -L <"$T/r7.txt")" -le 42 ] ||
      too_wide+=("tendered 92233720368547758.07 (accepted by the server): $(wc -L <"$T/r7.txt") columns")
    ;;
  11) ;; # refusing such an amount is fine too
  *) _show_last; fail "a sale with a huge tendered amount: exit $LAST_RC" ;;
esac
if [ "${#too_wide[@]}" -gt 0 ]; then
  for f in "$T/r6.txt" "$T/r7.txt"; do
    [ -f "$f" ] && sed 's/^/    | /' "$f" >&9
  done
  fail "receipts wider than 42 columns: $(printf '%s; ' "${too_wide[@]}")"
fi

step "the shift report names its items, a long name wrapped under its 22 cells"
# (the second sale, with the CJK names, was voided: its items net to 0)
expect_rc 0 till_user ADMIN-01 sam shift status 1
cp -- "$T/last.out" "$T/x1.txt"
grep -qE '^路边停车费 +0 +0\.00$' "$T/x1.txt" || fail "no X-report line naming 路边停车费"
grep -qE '^临时停车费（小型汽车） +0 +0\.00$' "$T/x1.txt" || fail "the long name's first 22 cells with its figures"
grep -qx '每小时计费标准' "$T/x1.txt" || fail "the rest of the long name on the next line"
grep -qE '^Parking +3 +15\.00$' "$T/x1.txt" || fail "no X-report line naming Parking"

step "the payee (收款单位) from tilld's office setting heads every receipt, wrapped and centred when long"
office="滨河热力有限公司第二收费处（河东区滨河路 88 号临街门面）"
restart_tilld --office "$office"
expect_rc 0 till_user T-LANE-01 carol receipt show "$num"
cp -- "$T/last.out" "$T/r8.txt"
fits42 "$T/r8.txt" "receipt with a long payee"
# the payee's lines, joined, are the whole office name, and each is centred
payee=$(sed -n '2,/TILL FEE RECEIPT/p' "$T/r8.txt" | sed '$d' | sed 's/^ *//' | tr -d '\n')
assert_eq "$(printf '%s' "$office" | tr -d ' ')" "$(printf '%s' "$payee" | tr -d ' ')" "payee lines"
first=$(sed -n 2p "$T/r8.txt")
lead=$(printf '%s' "$first" | sed 's/[^ ].*//' | wc -c)
width=$(printf '%s' "$first" | wc -L)
[ $((42 - width)) -ge $((2 * (lead - 1) - 1)) ] && [ $((42 - width)) -le $((2 * (lead - 1) + 1)) ] ||
  fail "the payee's first line is not centred: $lead-1 spaces before, $width columns wide"
expect_rc 0 till_user T-LANE-01 carol --json receipt show "$num"
assert_eq "$office" "$(json_field office)" "office in --json"
