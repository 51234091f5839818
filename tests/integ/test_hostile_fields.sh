#!/usr/bin/env bash
# test_hostile_fields.sh -- well-framed requests with hostile field values.
#
# till-forge (tests/tools/till_forge.c) encodes each request by hand, so a
# field can hold what the real till never sends: invalid UTF-8, NUL bytes,
# 100 KB of text, SQL, integers at INT64_MIN and INT64_MAX. Each case states
# the answer it expects (an error code and words of its message, or success
# with the value stored byte for byte), and after each refused request the
# database must be exactly as it was (db_state below). After each group an
# honest client is answered promptly. Last, frames trickled one byte per
# second are cut off by idle_timeout while other clients are served.
#
# Cases are checked softly: a wrong answer is reported (FAIL ... lines), the
# baseline is taken again and the test goes on, so one run shows every case
# the server gets wrong; the test fails at the end if any case did.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

TILL_FORGE=${TILL_FORGE:-$(dirname -- "$TILL_PROBE")/till-forge}
[ -x "$TILL_FORGE" ] || fail "till-forge is not built at $TILL_FORGE (set TILL_FORGE)"

I64_MIN=-9223372036854775808
I64_MAX=9223372036854775807
FAILS=0

# ---- helpers ----------------------------------------------------------------

# forge_as TERMINAL TOKEN args... -- till-forge with that terminal's
# certificate and session token ("" for none).
forge_as() {
  local id=$1 token=$2
  shift 2
  "$TILL_FORGE" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
    --cert "$T/certs/terminal-$id.crt" --key "$T/certs/terminal-$id.key" --token "$token" "$@"
}
forge_root() { forge_as ADMIN-01 "$ROOT_TOK" "$@"; }
forge_carol() { forge_as T-LANE-01 "$CAROL_TOK" "$@"; }
forge_sam() { forge_as T-LANE-02 "$SAM_TOK" "$@"; }
forge_anon() { forge_as T-LANE-02 "" "$@"; }

# db_state -- one line: counts of what requests write, and a digest of the
# rows themselves (users, roles, terminals, series, items, shifts, counts,
# deposits, voids, the schema), so an UPDATE shows as well as an INSERT.
# Sessions, security events and failed-login counters are left out: refused
# requests legitimately record those.
db_state() {
  local out
  out=$(sql "SELECT (SELECT count(*) FROM journal) || ' ' ||
                (SELECT count(*) FROM entries) || ' ' ||
                (SELECT count(*) FROM idempotency) || ' ' || (SELECT count(*) FROM void_requests)
                || ' ' || (SELECT count(*) FROM reprints) || ' ' ||
                (SELECT coalesce(group_concat(series || '=' || last_no, ','), '')
                   FROM (SELECT series, last_no FROM series_counters ORDER BY series))
                || ' | users ' || (SELECT count(*) FROM users)
                || ' terminals ' || (SELECT count(*) FROM terminals)
                || ' series ' || (SELECT count(*) FROM series)
                || ' items ' || (SELECT count(*) FROM fee_items)
                || ' shifts ' || (SELECT count(*) FROM shifts)
                || ' deposits ' || (SELECT count(*) FROM deposits);
             SELECT name, disabled FROM users ORDER BY name;
             SELECT user_id, role_id FROM user_roles ORDER BY 1, 2;
             SELECT id, description, disabled FROM terminals ORDER BY id;
             SELECT prefix, kind, description FROM series ORDER BY prefix;
             SELECT * FROM fee_items ORDER BY code;
             SELECT id, state, float_amount, counted_cash, deposit_id, note FROM shifts ORDER BY id;
             SELECT * FROM shift_counts ORDER BY 1, 2, 3;
             SELECT * FROM shift_noncash ORDER BY 1, 2;
             SELECT id, slip, amount, state FROM deposits ORDER BY id;
             SELECT id, reason, state FROM void_requests ORDER BY id;
             SELECT type, name, sql FROM sqlite_master ORDER BY name;")
  printf '%s | %.16s' "${out%%$'\n'*}" "$(sha256sum <<<"$out")"
}

# soft_fail WHAT -- report a wrong case (with the command, shortened) and go on.
soft_fail() {
  FAILS=$((FAILS + 1))
  printf 'FAIL %s: %s\n' "$TEST_NAME" "$1" >&9
  printf '  command: %.300s\n  exit code: %s\n' "$LAST_CMD" "$LAST_RC" >&9
  head -c 600 -- "$T/last.out" | sed 's/^/    | /' >&9 || true
  head -c 600 -- "$T/last.err" | sed 's/^/    ! /' >&9 || true
}

# check_state WHAT -- the database is still $STATE; if not, report it and
# take the new state as the baseline.
check_state() {
  local got
  got=$(db_state)
  if [ "$got" != "$STATE" ]; then
    LAST_CMD="(database check after: $1)"
    soft_fail "$1: the database changed: before '$STATE', after '$got'"
    STATE=$got
  fi
}

# refused WHO CODE REGEX WHAT args... -- till-forge as WHO (root, carol, sam,
# anon) must answer "error CODE MESSAGE" with MESSAGE matching REGEX (grep
# -E) and in valid UTF-8; the database must not change.
refused() {
  local who=$1 code=$2 re=$3 what=$4 first
  shift 4
  run "forge_$who" "$@"
  first=$(head -n 1 -- "$T/last.out")
  if [ "$LAST_RC" != 1 ] || [[ $first != "error $code "* ]]; then
    soft_fail "$what: expected 'error $code ...'"
  elif ! grep -qE -- "$re" <<<"${first#"error $code "}"; then
    soft_fail "$what: the message does not match /$re/"
  elif grep -qF "not valid UTF-8" "$T/last.err"; then
    soft_fail "$what: the server's error message is not valid UTF-8"
  fi
  check_state "$what"
}

# accepted WHO RESPONSE WHAT args... -- till-forge as WHO must answer
# "ok RESPONSE"; the new database state becomes the baseline.
accepted() {
  local who=$1 resp=$2 what=$3
  shift 3
  run "forge_$who" "$@"
  if [ "$LAST_RC" != 0 ] || ! grep -q "^ok $resp\( \|$\)" "$T/last.out"; then
    soft_fail "$what: expected 'ok $resp'"
  fi
  STATE=$(db_state)
}

# stored_as WANT WHAT QUERY -- QUERY prints exactly WANT.
stored_as() {
  local got
  got=$(sql "$3")
  if [ "$got" != "$1" ]; then
    LAST_CMD="sqlite3: $3"
    soft_fail "$2: stored as '$got', not '$1'"
  fi
}

# honest -- a well-behaved client is answered at once, and tilld is alive.
honest() {
  local t0 ms
  tilld_running || fail "tilld is gone"
  t0=$(date +%s%N)
  expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$ROOT_TOK"
  ms=$((($(date +%s%N) - t0) / 1000000))
  [ "$ms" -lt 3000 ] || fail "an honest whoami took $ms ms"
}

# word NAME -- a regex matching NAME as a word of the message (so the field
# "id" is not found in "invalid").
word() { printf '(^|[^A-Za-z_])%s([^A-Za-z_]|$)' "$1"; }

# hex_of TEXT -- TEXT as hex digits.
hex_of() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }

# repeat N CHAR -- the one-byte CHAR N times (bash's own ${x//} is far too
# slow for 100 KB).
repeat() { head -c "$1" /dev/zero | tr '\0' "$2"; }

# Invalid UTF-8, each between "Abcd" and "efgH": a byte that never occurs
# (ff), a lone continuation byte (80), an overlong '/' (c0 af), a UTF-16
# surrogate (ed a0 80), a sequence cut short (e2 82) and a code point above
# U+10FFFF (f4 90 80 80). Text fields get three of them; ALL_UTF8=1 before
# text_field gives a field all six (they all meet the same check; this keeps
# the test quick under AddressSanitizer).
BAD_UTF8_ALL=(ff 80 c0af eda080 e282 f4908080)
BAD_UTF8_SOME=(ff eda080 e282)

# text_field WHO KIND FIELD REGEX MAX IDENT PREFIX [BASE...] -- the hostile
# values of one text field, each refused with error 1 and a message matching
# REGEX (which names the field): invalid UTF-8, MAX+1 and 100000 bytes,
# MAX+1 bytes of three-byte characters (for text), and an embedded NUL byte
# (a C string would silently end there). IDENT=1: an identifier field (all
# cases use identifier characters around the bad bytes). PREFIX goes before
# each value (e.g. "revenue:"); BASE are the other fields, all valid.
text_field() {
  local who=$1 kind=$2 field=$3 re=$4 max=$5 ident=$6 prefix=$7 v ph
  shift 7
  ph=$(hex_of "$prefix")
  if [ "$ident" = 1 ]; then
    refused "$who" 1 "$re" "$kind $field: byte ff" "$kind" "$@" "$field=hex:${ph}41ff42"
    refused "$who" 1 "$re" "$kind $field: é (UTF-8, not an identifier)" \
      "$kind" "$@" "$field=hex:${ph}41c3a942"
  else
    local bad=("${BAD_UTF8_SOME[@]}")
    [ "${ALL_UTF8:-0}" = 1 ] && bad=("${BAD_UTF8_ALL[@]}")
    for v in "${bad[@]}"; do
      # "Abcd" BAD "efgH": long enough to pass any minimum length (passwords)
      refused "$who" 1 "$re" "$kind $field: invalid UTF-8 $v" "$kind" "$@" \
        "$field=hex:${ph}41626364${v}65666748"
    done
    # (till-forge repeats it: rep:N:VALUE)
    [ -z "$prefix" ] || fail "text_field: a PREFIX is for identifier fields only"
    refused "$who" 1 "$re" "$kind $field: $((max / 3 + 1)) three-byte characters" \
      "$kind" "$@" "$field=rep:$((max / 3 + 1)):中"
  fi
  refused "$who" 1 "$re" "$kind $field: $((max + 1)) bytes" "$kind" "$@" \
    "$field=$prefix$(repeat $((max + 1)) A)"
  refused "$who" 1 "$re" "$kind $field: 100000 bytes" "$kind" "$@" \
    "$field=$prefix$(repeat 100000 A)"
  refused "$who" 1 "$re" "$kind $field: embedded NUL" "$kind" "$@" "$field=hex:${ph}4142004344"
}

# ---- set-up -----------------------------------------------------------------

register_lanes
world_catalog
world_users carol sam lena
world_login T-LANE-01:carol T-LANE-02:sam
ROOT_TOK=$(session_token ADMIN-01)
CAROL_TOK=$(user_token T-LANE-01 carol)
SAM_TOK=$(user_token T-LANE-02 sam)
open_shift T-LANE-01 carol
TABLES=$(sql "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")

step "two good sales, so there are receipts to look up and void"
STATE=$(db_state)
accepted carol sale_resp "first sale" sale line.item=PARK1H line.quantity=1 method=1
R1=$(sed -n 's/^ok sale_resp //p' "$T/last.out")
accepted carol sale_resp "second sale" sale line.item=PARK1H line.quantity=1 method=1
R2=$(sed -n 's/^ok sale_resp //p' "$T/last.out")
[ -n "$R1" ] && [ -n "$R2" ] || fail "the good sales gave no receipt numbers"
honest

# ---- text fields ------------------------------------------------------------

step "admin text fields: invalid UTF-8, over-long, embedded NUL -> 1, naming the field"
STATE=$(db_state)
text_field root user-add name "$(word name)" 64 1 '' password=good-pw-1 role=1
ALL_UTF8=1 text_field root user-add password 'password' 128 0 '' name=pwtest role=1
text_field root terminal-add id "$(word id)" 64 1 '' description=x
ALL_UTF8=1 text_field root terminal-add description 'description' 200 0 '' id=T-DESC
text_field root series-add prefix 'prefix' 8 1 '' kind=receipt
text_field root series-add kind 'kind' 32 1 '' prefix=KX
text_field root series-add description 'description' 200 0 '' prefix=DX kind=receipt
text_field root item-add code 'code' 32 1 '' name=n unit_price=100 series_prefix=HT
text_field root item-add name 'name' 100 0 '' code=NX unit_price=100 series_prefix=HT
text_field root item-add series_prefix 'prefix' 8 1 '' code=SX name=n unit_price=100
text_field root item-add revenue_account 'revenue account|revenue_account' 88 1 'revenue:' \
  code=RX name=n unit_price=100 series_prefix=HT
text_field root user-disable name "$(word name)" 64 1 ''
text_field root terminal-disable id "$(word id)" 64 1 ''
text_field root user-unlock name "$(word name)" 64 1 ''
text_field root user-enable name "$(word name)" 64 1 ''
text_field root terminal-enable id "$(word id)" 64 1 ''
honest

step "login fields, before any session: invalid UTF-8, over-long, NUL -> 1"
sessions=$(sql "SELECT count(*) FROM sessions")
text_field anon login user 'user' 64 0 '' password=lena-pw-1
text_field anon login password 'password' 128 0 '' user=lena
# "lena" NUL "x" with lena's password: must not log lena in
refused anon 1 'user' "login as lena NUL x" login "user=hex:$(hex_of lena)0078" password=lena-pw-1
if [ "$(sql "SELECT count(*) FROM sessions")" != "$sessions" ]; then
  LAST_CMD="(sessions after the refused logins)"
  soft_fail "a refused login opened a session"
fi
honest

step "cashier text fields: sale item and memo, void reason, receipt numbers -> 1"
text_field carol sale line.item 'item' 32 1 '' line.quantity=1 method=1
ALL_UTF8=1 text_field carol sale memo 'memo' 200 0 '' line.item=PARK1H line.quantity=1 method=1
text_field carol void-request reason 'reason' 200 0 '' "number=$R1"
text_field carol void-request number 'number' 32 0 '' reason=typo
ALL_UTF8=1 text_field carol receipt-get number 'number' 32 0 ''
# the number of a real receipt with bytes after a NUL is no receipt number
refused carol 1 'number' "receipt-get $R1 NUL x" receipt-get "number=hex:$(hex_of "$R1")0078"
honest

step "supervisor text fields: void decision note -> 1"
text_field sam void-decide note 'note' 200 0 '' void_id=1 approve=0
honest

# ---- SQL and format directives ----------------------------------------------

step "SQL in identifiers is refused by the identifier rules (1)"
SQLI="x'); DROP TABLE journal;--"
refused root 1 'user name' "user named with SQL" user-add "name=$SQLI" password=good-pw-1 role=1
refused root 1 'terminal id' "terminal id with SQL" terminal-add "id=T' OR '1'='1"
refused root 1 'prefix' "series prefix with SQL" series-add "prefix=A'--" kind=receipt
refused root 1 'kind' "series kind with SQL" \
  series-add prefix=QX "kind=receipt'; DROP TABLE series;--"
refused root 1 'code' "item code with SQL" \
  item-add "code=$SQLI" name=n unit_price=100 series_prefix=HT
refused root 1 'revenue account' "revenue account with SQL" item-add code=QI name=n unit_price=100 \
  series_prefix=HT "revenue_account=revenue:$SQLI"
refused carol 1 'item' "sale item with SQL" \
  sale "line.item=PARK1H' OR '1'='1" line.quantity=1 method=1
refused root 1 'user name' "disable a user named with SQL" user-disable "name=root' OR '1'='1"
refused root 1 'terminal id' "disable a terminal named with SQL" terminal-disable "id=x' OR 1=1--"
refused root 1 'user name' "user named %" user-add name=% password=good-pw-1 role=1
refused carol 1 'item' "sale item %" sale line.item=% line.quantity=1 method=1
refused carol 1 'number' "receipt number with SQL" receipt-get "number=$R1' OR '1'='1"

step "_ is an identifier character, never a LIKE wildcard (4, not a match)"
refused carol 4 "unknown fee item 'PARK_H'" "sale of PARK_H (PARK1H exists)" \
  sale line.item=PARK_H line.quantity=1 method=1
refused root 4 'no user named roo_' "disable roo_ (root exists)" user-disable name=roo_
refused root 4 'no terminal T-LANE-0_' "disable T-LANE-0_ (T-LANE-01 exists)" \
  terminal-disable id=T-LANE-0_

step "SQL, %, _ and printf directives in free text are stored verbatim"
TEXT1="$SQLI % _ %s%n%x"
accepted carol sale_resp "sale with a memo of SQL" \
  sale line.item=PARK1H line.quantity=1 method=1 "memo=$TEXT1"
R3=$(sed -n 's/^ok sale_resp //p' "$T/last.out")
stored_as "$TEXT1" "sale memo" "SELECT memo FROM journal WHERE $(receipt_where "${R3:-X-0}")"
accepted root terminal_add_resp "terminal described with SQL" \
  terminal-add id=T-SQL "description=$TEXT1"
stored_as "$TEXT1" "terminal description" "SELECT description FROM terminals WHERE id = 'T-SQL'"
accepted root series_add_resp "series described with SQL" \
  series-add prefix=SQLX kind=receipt "description=$TEXT1"
stored_as "$TEXT1" "series description" "SELECT description FROM series WHERE prefix = 'SQLX'"
accepted root item_add_resp "item named with SQL" \
  item-add code=SQLI "name=$TEXT1" unit_price=100 series_prefix=HT
stored_as "$TEXT1" "item name" "SELECT name FROM fee_items WHERE code = 'SQLI'"
accepted carol void_request_resp "void reason of SQL" void-request "number=$R2" "reason=$TEXT1"
stored_as "$TEXT1" "void reason" "SELECT reason FROM void_requests ORDER BY id DESC LIMIT 1"
# printf directives in a field the server echoes come back as text
refused carol 1 "'%s%n%x%%' is not a receipt number" "receipt number of printf directives" \
  receipt-get 'number=%s%n%x%%'
# nothing was executed: every table is still there and the database is sound
assert_eq "$TABLES" "$(sql "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")" \
  "the tables after the SQL cases"
assert_eq ok "$(sql 'PRAGMA integrity_check')" "integrity_check"
[ "$(sql 'SELECT count(*) FROM journal')" -ge 3 ] || fail "journal rows are gone"
honest

# ---- amounts and quantities ---------------------------------------------------

step "sale quantity and tendered at 0, negative, int64 edges -> 1, nothing written"
for q in 0 -1 "$I64_MIN" "$I64_MAX" 1000001; do
  refused carol 1 "quantity $q is outside 1\.\.1000000" "sale quantity $q" \
    sale line.item=PARK1H "line.quantity=$q" method=1
done
for t in -1 "$I64_MIN" "$I64_MAX" 100000000001; do
  refused carol 1 'tendered must be 0 to 1000000000\.00' "sale tendered $t" \
    sale line.item=PARK1H line.quantity=1 method=1 "tendered=$t"
done
refused carol 1 'tendered 4\.99 is less than the total 5\.00' "tendered one fen short" \
  sale line.item=PARK1H line.quantity=1 method=1 tendered=499
for m in 0 -1 8 "$I64_MAX"; do
  refused carol 1 'payment method' "sale method $m" \
    sale line.item=PARK1H line.quantity=1 "method=$m"
done
refused carol 1 'a sale needs 1 to 32 lines' "sale without lines" sale method=1
honest

step "item price at 0, negative, int64 edges -> 1"
for p in 0 -1 "$I64_MIN" "$I64_MAX" 100000000001; do
  refused root 1 'unit price must be above 0\.00 and at most 1000000000\.00' "item price $p" \
    item-add code=PX name=n "unit_price=$p" series_prefix=HT
done
honest

step "float and close counts: faces and counts out of range -> 1"
for f in 0 -1 7 "$I64_MIN" "$I64_MAX"; do
  refused carol 1 'is not a note or coin of this deployment' "float face $f" \
    shift-open "float.face=$f" float.count=1
  refused carol 1 'is not a note or coin of this deployment' "close face $f" \
    shift-close "cash.face=$f" cash.count=1
done
for n in -1 "$I64_MIN" "$I64_MAX" 1000001; do
  refused carol 1 'count of 100\.00 must be 0 to 1000000' "float count $n" \
    shift-open float.face=10000 "float.count=$n"
  refused carol 1 'count of 100\.00 must be 0 to 1000000' "close count $n" \
    shift-close cash.face=10000 "cash.count=$n"
done
refused carol 1 '100\.00 is counted twice' "a face counted twice" \
  shift-close cash.face=10000 cash.count=1 cash.face=10000 cash.count=2
for a in -1 "$I64_MIN" "$I64_MAX"; do
  refused carol 1 'card total must be 0 to 1000000000\.00' "non-cash total $a" \
    shift-close noncash.method=2 "noncash.amount=$a"
done
for m in 0 1 -1 99; do
  refused carol 1 'non-cash totals name' "non-cash method $m" \
    shift-close "noncash.method=$m" noncash.amount=100
done
honest

step "carol closes her shift (counted exactly) for the deposit and approval cases"
drawer=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:1'")
[ -n "$drawer" ] && [ $((drawer % 10)) = 0 ] || fail "unexpected drawer total '$drawer'"
accepted carol shift_close_resp "close carol's shift" \
  shift-close cash.face=10 "cash.count=$((drawer / 10))"
expect_sql 2 "SELECT state FROM shifts WHERE id = 1"

step "deposit slip and amount -> 1, nothing recorded"
text_field sam deposit-create slip 'slip' 64 0 '' shift_id=1 "amount=$drawer"
for a in 0 -1 "$I64_MIN"; do
  refused sam 1 'the amount must be positive' "deposit amount $a" \
    deposit-create shift_id=1 slip=S-1 "amount=$a"
done
for a in "$I64_MAX" $((drawer - 1)) $((drawer + 1)); do
  refused sam 1 'the slip says .* but the shifts hold' "deposit amount $a" \
    deposit-create shift_id=1 slip=S-1 "amount=$a"
done
refused sam 4 'no shift -1' "deposit of shift -1" \
  deposit-create shift_id=-1 slip=S-1 "amount=$drawer"
refused sam 4 "no shift $I64_MAX" "deposit of shift INT64_MAX" \
  deposit-create "shift_id=$I64_MAX" slip=S-1 "amount=$drawer"
honest

step "shift approval note -> 1; then SQL in a slip and a note is stored verbatim"
text_field sam shift-approve note 'note' 200 0 '' shift_id=1
accepted sam deposit_create_resp "deposit with a slip of SQL" deposit-create shift_id=1 \
  "slip=$SQLI" "amount=$drawer"
stored_as "$SQLI" "deposit slip" "SELECT slip FROM deposits WHERE id = 1"
accepted sam shift_approve_resp "approval note of SQL" shift-approve shift_id=1 "note=$TEXT1"
stored_as "$TEXT1" "shift note" "SELECT note FROM shifts WHERE id = 1"
assert_eq "$TABLES" "$(sql "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")" \
  "the tables after the slip and note"
honest

# ---- before login -------------------------------------------------------------

step "every request kind without a session token -> 2, nothing written"
for kind in logout whoami user-add user-list user-disable terminal-add terminal-list \
    terminal-disable series-add series-list item-add item-list sale receipt-get void-request \
    void-decide void-list audit-export audit-heads chain-checkpoint shift-open shift-status \
    shift-close shift-approve shift-list deposit-create deposit-confirm undeposited \
    user-unlock user-enable terminal-enable; do
  refused anon 2 "not logged in" "$kind without a token" "$kind"
done
# with hostile fields too: the session is checked before any field
refused anon 2 "not logged in" "sale with hostile fields, no token" \
  sale line.item=% "line.quantity=$I64_MIN" "method=$I64_MAX" "tendered=$I64_MIN" "memo=$SQLI"
refused anon 2 "not logged in" "user-add, no token" user-add name=mallory password=mallory-pw role=4

step "malformed or unknown tokens -> 2"
for tok in zz "$(repeat 63 a)" "$(repeat 65 a)" "$(repeat 100000 a)" "$ROOT_TOK$ROOT_TOK"; do
  run forge_as ADMIN-01 "$tok" user-add name=mallory password=mallory-pw role=4
  if [ "$LAST_RC" != 1 ] || ! grep -q '^error 2 malformed session token' "$T/last.out"; then
    soft_fail "a token of ${#tok} characters: expected 'error 2 malformed session token'"
  fi
  check_state "user-add with a token of ${#tok} characters"
done
run forge_as ADMIN-01 "$(repeat 64 0)" user-add name=mallory password=mallory-pw role=4
grep -q '^error 2 session not recognised' "$T/last.out" ||
  soft_fail "an unknown token: expected 'error 2 session not recognised'"
check_state "user-add with an unknown token"
honest

# ---- trickled frames ------------------------------------------------------------

step "frames trickled one byte per second are closed by idle_timeout (3 s)"
restart_tilld --idle_timeout 3
pids=()
for i in 1 2 3; do
  bg "trickle$i" forge_as ADMIN-01 "$ROOT_TOK" trickle 20
  pids+=("$BG_PID")
done
# meanwhile an honest client is answered, again and again
for i in 1 2 3 4 5; do
  honest
  sleep 0.5
done
for i in 1 2 3; do
  if ! wait_bg "${pids[$((i - 1))]}" 30; then
    cat -- "$T/trickle$i.out" >&9
    fail "trickle $i was not closed"
  fi
  line=$(cat -- "$T/trickle$i.out")
  [[ $line =~ ^closed\ after\ ([0-9]+)\ ms,\ ([0-9]+)\ of\ ([0-9]+)\ bytes\ sent$ ]] ||
    fail "trickle $i: unexpected output '$line'"
  ms=${BASH_REMATCH[1]} sent=${BASH_REMATCH[2]} total=${BASH_REMATCH[3]}
  [ "$sent" -lt "$total" ] || fail "trickle $i: the whole frame got through ($line)"
  [ "$ms" -ge 2500 ] && [ "$ms" -le 6500 ] ||
    fail "trickle $i: closed after $ms ms; expected about 3000"
done
wait_file_contains "$TILLD_LOG" "(ADMIN-01): idle for 3 s; closing" 5
honest

step "the database after everything: nothing refused was written"
check_state "the whole test"
[ "$FAILS" = 0 ] || fail "$FAILS case(s) failed; see the FAIL lines above"
