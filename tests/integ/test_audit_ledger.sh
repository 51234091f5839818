#!/usr/bin/env bash
# test_audit_ledger.sh -- `till audit ledger`, the auditor's journal query,
# against a real tilld. Every filter, alone and combined, returns exactly
# the ids an independent sqlite3 query on the database file returns (and an
# impossible one returns none); CSV is RFC 4180 (memos with commas, double
# quotes, CR and LF come back quoted, CRLF line ends, amounts in yuan) and
# JSON parses to the same ids; paging 10,000+ rows in small pages
# while another client keeps posting gives every id up to the first page's
# head exactly once; a cashier and bad filters are refused and get nothing.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"
require_till_load

register_lanes
world_catalog
expect_rc 0 till_as ADMIN-01 admin series add WY --kind receipt
world_item HEAT Heating 123.45 WY
world_users carol dave sam audrey
world_login T-LANE-01:carol T-LANE-02:dave ADMIN-01:sam T-LANE-02:audrey

MEMO='plate A1, "blue" van'
# tilld refuses control characters in a memo it is sent, so a memo with CR
# and LF can only be in the file already (an import, an older version): the
# test appends one such row while tilld is stopped
RAW_MEMO=$'line one, "q"\r\nline two\nthree'

step "a small ledger: floats, sales by four methods in two series, a memo, a void, a close"
open_shift T-LANE-01 carol 100x2
open_shift T-LANE-02 dave
expect_rc 0 till_user T-LANE-01 carol --json sale PARK1H:1 --method cash
HT=$(json_field series)
[[ $HT =~ ^HT[0-9]{4}$ ]] || fail "no HT series from the sale: '$HT'"
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:3 --method card
expect_rc 0 till_user T-LANE-01 carol --json sale HEAT:1 --method wechat
WY=$(json_field series)
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:2 --method cash --memo "$MEMO"
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:4 --method cash
expect_rc 0 till_user T-LANE-02 dave sale HEAT:2 --method cash
expect_rc 0 till_user T-LANE-02 dave sale PARK1H:1 --method alipay
expect_rc 0 till_user T-LANE-01 carol --json void "$HT-00000002" --reason "wrong lane"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
CS=$(sql "SELECT shift_id FROM journal WHERE kind='float'")
DS=$(sql "SELECT shift_id FROM journal WHERE terminal_id='T-LANE-02' AND kind='sale' LIMIT 1")
expect_rc 0 till_user T-LANE-01 carol shift close --count 100x2 --noncash wechat=123.45
expect_sql "float float_return sale variance void" \
  "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT kind FROM journal ORDER BY kind)"
MEMO_ID=$(sql "SELECT id FROM journal WHERE memo LIKE 'plate A1%'")
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
RAW_ID=$(($(sql "SELECT max(id) FROM journal") + 1))
sql "INSERT INTO entries(txn_id, seq, account, amount) VALUES ($RAW_ID, 1, 'safe', 250),
       ($RAW_ID, 2, 'revenue:PARK1H', -250);
     INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, method, memo, hash)
       VALUES ($RAW_ID, 'sale', $(($(date +%s%N) / 1000000)), 'T-LANE-01', 'carol', 'cash',
               'line one, \"q\"' || char(13, 10) || 'line two' || char(10) || 'three',
               randomblob(32));" || fail "cannot append the row with CR and LF in its memo"
# its hash as tilld would have made it, so that the start-up check passes
python3 "$TILL_SOURCE_DIR/tests/integ/chain_forge.py" rehash "$DB" "$RAW_ID" ||
  fail "cannot hash the appended row"
assert_eq "$RAW_MEMO" "$(sql "SELECT memo FROM journal WHERE id = $RAW_ID")" "the appended memo"
start_tilld || fail "tilld did not start again"
TODAY=$(date +%F)
DAY0=$(($(date -d "$TODAY 00:00" +%s) * 1000))
DAY1=$(($(date -d "$TODAY 00:00 + 1 day" +%s) * 1000))
YESTERDAY=$(date -d "$TODAY - 1 day" +%F)
TOMORROW=$(date -d "$TODAY + 1 day" +%F)

# ledger_ids ARGS... -- the ids `till audit ledger ARGS` prints as a table
# (as the auditor), one a line; fails unless it exits 0 with a summary line
# that counts the rows it printed.
ledger_ids() {
  run till_user T-LANE-02 audrey audit ledger "$@"
  [ "$LAST_RC" = 0 ] || { _show_last; fail "audit ledger $*: exit $LAST_RC"; }
  local n
  n=$(sed -n 's/^\([0-9]*\) transactions\{0,1\} up to transaction [0-9]*, total .*/\1/p' "$T/last.out")
  [ -n "$n" ] || { _show_last; fail "audit ledger $*: no summary line"; }
  table_ids "$T/last.out" >"$T/ids"
  assert_eq "$n" "$(wc -l <"$T/ids")" "audit ledger $*: rows against its summary"
  cat -- "$T/ids"
}

# table_ids -- the first column of the table's transaction lines (a time in
# the second column tells them from the header and the summary).
table_ids() { awk '$2 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ { print $1 }' "$@"; }

# same_ids WHERE ARGS... -- audit ledger ARGS prints exactly the ids of
# journal j WHERE ..., in ascending order.
same_ids() {
  local where=$1 want got
  shift
  want=$(sql "SELECT id FROM journal j WHERE $where ORDER BY id")
  got=$(ledger_ids "$@")
  if [ "$want" != "$got" ]; then
    fail "audit ledger $*: ids '$(echo $got)', sqlite3 says '$(echo $want)'"
  fi
}

# the amount of a transaction: the sum of its debits
AMOUNT="(SELECT coalesce(sum(amount), 0) FROM entries e WHERE e.txn_id = j.id AND e.amount > 0)"

step "each filter returns exactly the rows sqlite3 finds"
same_ids "1" --page-size 3
[ "$(sql "SELECT count(*) FROM journal")" -ge 12 ] || fail "the small ledger is too small"
same_ids "kind = 'sale'" --kind sale
same_ids "kind = 'void'" --kind void
same_ids "kind = 'float'" --kind float
same_ids "kind = 'variance'" --kind variance
same_ids "kind = 'float_return'" --kind float_return
same_ids "terminal_id = 'T-LANE-02'" --terminal T-LANE-02
same_ids "cashier = 'carol'" --cashier carol
same_ids "shift_id = $CS" --shift "$CS"
same_ids "shift_id = $DS" --shift "$DS" --page-size 1
same_ids "id IN (SELECT txn_id FROM entries WHERE account = 'revenue:HEAT')" --account revenue:HEAT
same_ids "id IN (SELECT txn_id FROM entries WHERE account = 'drawer:shift:$CS')" \
  --account "drawer:shift:$CS" --page-size 2
same_ids "id IN (SELECT txn_id FROM entries WHERE account = 'safe')" --account safe
same_ids "series = '$HT'" --series "$HT"
same_ids "series = '$WY'" --series "$WY"
same_ids "series = '$HT' AND receipt_no BETWEEN 2 AND 4" --series "$HT" --receipt-from 2 --receipt-to 4
same_ids "receipt_no >= 2" --receipt-from 2
same_ids "receipt_no <= 1" --receipt-to 1
same_ids "$AMOUNT BETWEEN 1000 AND 20000" --min 10.00 --max 200.00
same_ids "$AMOUNT >= 12345" --min 123.45
same_ids "$AMOUNT <= 500" --max 5.00
same_ids "method = 'cash'" --method cash
same_ids "method = 'card'" --method card
same_ids "at_ms >= $DAY0 AND at_ms < $DAY1" --from "$TODAY" --to "$TODAY"
same_ids "at_ms >= $DAY0" --from "$TODAY"

step "combinations, and filters nothing matches"
same_ids "cashier = 'carol' AND kind = 'sale' AND method = 'cash'" \
  --cashier carol --kind sale --method cash
same_ids "terminal_id = 'T-LANE-01' AND series = '$HT' AND $AMOUNT >= 1500" \
  --terminal T-LANE-01 --series "$HT" --min 15.00
same_ids "shift_id = $CS AND kind = 'void' AND id IN (SELECT txn_id FROM entries WHERE account = 'revenue:PARK1H')" \
  --shift "$CS" --kind void --account revenue:PARK1H
same_ids "at_ms >= $DAY0 AND at_ms < $DAY1 AND cashier = 'dave' AND method = 'alipay'" \
  --from "$TODAY" --to "$TODAY" --cashier dave --method alipay
same_ids "series = '$HT' AND receipt_no BETWEEN 1 AND 3 AND shift_id = $CS AND $AMOUNT <= 1000" \
  --series "$HT" --receipt-from 1 --receipt-to 3 --shift "$CS" --max 10.00 --page-size 1
same_ids "0" --cashier nobody
same_ids "0" --kind deposit
same_ids "0" --from "$TOMORROW"
same_ids "0" --to "$YESTERDAY"
same_ids "0" --series ZZ2026
same_ids "0" --series "$HT" --receipt-from 99
same_ids "0" --shift 999999 --account "drawer:shift:$CS"
expect_rc_contains 0 "0 transactions up to transaction" till_user T-LANE-02 audrey audit ledger --cashier nobody

step "the table: one line a transaction, and the count and total"
expect_rc 0 till_user T-LANE-02 audrey audit ledger --series "$HT" --kind sale
n=$(sql "SELECT count(*) FROM journal WHERE series = '$HT' AND kind = 'sale'")
total=$(sql "SELECT printf('%.2f', sum(amount) / 100.0) FROM entries WHERE amount > 0 AND txn_id IN
  (SELECT id FROM journal WHERE series = '$HT' AND kind = 'sale')")
head=$(sql "SELECT max(id) FROM journal")
assert_last_contains "$n transactions up to transaction $head, total $total"
last_matches "^$MEMO_ID +$TODAY [0-9:]{8} +sale +T-LANE-01 +carol +$CS +$HT-00000003 +cash +10\.00\$" ||
  fail "the memo sale's table line"

step "CSV: RFC 4180 quoting of the memo, CRLF, amounts in yuan; JSON gives the same ids"
expect_rc 0 till_user T-LANE-02 audrey audit ledger --csv
cp -- "$T/last.out" "$T/all.csv"
assert_eq "id,time,kind,terminal,cashier,shift,receipt,method,amount,reverses,memo" \
  "$(head -n 1 "$T/all.csv" | tr -d '\r')" "the CSV header"
rows=$(sql "SELECT count(*) FROM journal")
# every record ends in CRLF; inside the quoted memo one CRLF and one bare LF
assert_eq "$((rows + 2))" "$(grep -c $'\r$' "$T/all.csv")" "CSV lines ending in CRLF"
assert_eq "1" "$(grep -vc $'\r$' "$T/all.csv")" "CSV lines ending in a bare LF"
grep -qF "$MEMO_ID,$TODAY " "$T/all.csv" || fail "no CSV line for the memo sale"
grep -qF ",sale,T-LANE-01,carol,$CS,$HT-00000003,cash,10.00,0,\"plate A1, \"\"blue\"\" van\""$'\r' \
  "$T/all.csv" || fail "the memo sale's CSV line is not quoted as RFC 4180 says"
csv=$(cat -- "$T/all.csv"; printf x)
csv=${csv%x}
raw_rec=$'\r\n'"$RAW_ID,$TODAY ??:??:??,sale,T-LANE-01,carol,0,,cash,2.50,0,"
raw_rec+=$'"line one, ""q""\r\nline two\nthree"\r\n'
[[ $csv == *$raw_rec* ]] || fail "the CR/LF memo's CSV record is not quoted as RFC 4180 says"
# an independent RFC 4180 reader: sqlite3's .import
sql_on "$T/csv.db" ".import --csv '$T/all.csv' t" || fail "sqlite3 cannot import the CSV"
assert_eq "$(sql "SELECT id FROM journal ORDER BY id")" \
  "$(sql_on "$T/csv.db" "SELECT id FROM t ORDER BY CAST(id AS INTEGER)")" "ids in the CSV"
assert_eq "$MEMO" "$(sql_on "$T/csv.db" "SELECT memo FROM t WHERE id = '$MEMO_ID'")" \
  "the memo read back from the CSV"
assert_eq "1" "$(sql_on "$T/csv.db" "SELECT count(*) FROM t WHERE id = '$RAW_ID' AND
  memo = 'line one, \"q\"' || char(13, 10) || 'line two' || char(10) || 'three'")" \
  "the CR/LF memo read back from the CSV"
assert_eq "$(sql "SELECT group_concat(x, ' ') FROM (SELECT printf('%d:%d.%02d', j.id,
                  $AMOUNT / 100, $AMOUNT % 100) AS x FROM journal j ORDER BY id)")" \
  "$(sql_on "$T/csv.db" "SELECT group_concat(id || ':' || amount, ' ') FROM t")" "CSV amounts in yuan"
expect_rc 0 till_user T-LANE-02 audrey --json audit ledger
cp -- "$T/last.out" "$T/all.json"
assert_eq "$(sql "SELECT id FROM journal ORDER BY id")" \
  "$(sql_on ":memory:" "SELECT json_extract(value, '\$.id') FROM json_each(readfile('$T/all.json'))")" \
  "ids in the JSON array"
assert_eq "1" "$(sql_on ":memory:" "SELECT count(*) FROM json_each(readfile('$T/all.json'))
  WHERE json_extract(value, '\$.id') = $RAW_ID AND json_extract(value, '\$.memo') =
        'line one, \"q\"' || char(13, 10) || 'line two' || char(10) || 'three'")" \
  "the CR/LF memo in the JSON"
expect_rc 0 till_user T-LANE-02 audrey --json audit txn "$MEMO_ID"
txn_json=$(sed 's/,"reversed_by":.*$//' "$T/last.out")
grep -qF -- "$txn_json}" "$T/all.json" || fail "the ledger's JSON object differs from audit txn's"
expect_rc_contains 0 "[]" till_user T-LANE-02 audrey --json audit ledger --kind deposit

step "refused: a cashier (13) gets nothing; bad filters (11) get a clear message and nothing"
state=$(ledger_state)
expect_rc_contains 13 "ledger query: your roles do not allow this request" \
  till_user T-LANE-01 carol audit ledger
[ ! -s "$T/last.out" ] || fail "a refused cashier got output: $(cat "$T/last.out")"
refused() {
  local msg=$1
  shift
  expect_rc_contains 11 "$msg" till_user T-LANE-02 audrey audit ledger "$@"
  [ ! -s "$T/last.out" ] || fail "audit ledger $*: refused, yet printed $(head -c 200 "$T/last.out")"
}
refused "--from $TOMORROW is after --to $TODAY" --from "$TOMORROW" --to "$TODAY"
refused "amount_min and amount_max must not be negative" --min -5.00
refused "amount_min 2000 is above amount_max 1000" --min 20.00 --max 10.00
refused "--min must be an amount in yuan like 12.30, 1.234 given" --min 1.234
refused "kind must be one of sale, void, float" --kind refund
refused "limit must be 1 to 1000" --page-size 0
refused "limit must be 1 to 1000" --page-size 1001
refused "--from must be a date YYYY-MM-DD, 2026-13-45 given" --from 2026-13-45
refused "--to must be a date YYYY-MM-DD, yesterday given" --to yesterday
refused "receipt_from 5 is after receipt_to 2" --receipt-from 5 --receipt-to 2
refused "shift_id must not be negative" --shift -1
refused "--shift must be a whole number, 1x given" --shift 1x
expect_rc_contains 2 "unknown option '--colour'" till_user T-LANE-02 audrey audit ledger --colour red
# a method name is the client's to check, with the other --method options
expect_rc_contains 2 "unknown payment method 'bitcoin'; use one of cash, card, wechat" \
  till_user T-LANE-02 audrey audit ledger --method bitcoin
expect_rc_contains 2 "--json and --csv exclude each other" till_user T-LANE-02 audrey --json audit ledger --csv
expect_state "$state" "refused ledger queries"

step "a supervisor and an auditor may run it"
same_ids "kind = 'void'" --kind void
expect_rc 0 till_user ADMIN-01 sam audit ledger --kind void
assert_eq "$(sql "SELECT id FROM journal WHERE kind = 'void'")" \
  "$(table_ids "$T/last.out")" "the supervisor's void ids"

step "10,000 sales; then paging all of it 40 a page while another client keeps posting"
run load_as T-LANE-02 dave --item PARK1H --connections 8 --count 10000 --method cash --seconds 60
[ "$LAST_RC" = 0 ] || { _show_last; fail "till-load did not post its 10,000 sales"; }
poster() {
  local i
  for ((i = 0; i < 4000; i++)); do
    [ -e "$T/stop" ] && return 0
    load_as T-LANE-02 dave --item PARK1H --connections 1 --count 5 --method card --seconds 10 ||
      return 1
  done
}
bg poster poster
POSTER=$BG_PID
before=$(sql "SELECT max(id) FROM journal")
for ((i = 0; i < 100; i++)); do # the poster is posting before the paging starts
  [ "$(sql "SELECT max(id) FROM journal")" -gt "$before" ] && break
  sleep 0.05
done
t0=$(($(date +%s%N) / 1000000))
run till_user T-LANE-02 audrey audit ledger --page-size 40
t1=$(($(date +%s%N) / 1000000))
touch "$T/stop"
wait_bg "$POSTER" 30 || { cat "$T/poster.out" >&9; fail "the background poster failed"; }
[ "$LAST_RC" = 0 ] || { _show_last; fail "paging the ledger failed"; }
H=$(sed -n 's/^[0-9]* transactions up to transaction \([0-9]*\), total .*/\1/p' "$T/last.out")
[ -n "$H" ] || fail "no head in the paged listing's summary"
table_ids "$T/last.out" >"$T/paged"
assert_eq "" "$(sort -- "$T/paged" | uniq -d | head -5)" "ids listed twice"
assert_eq "$(sql "SELECT count(*) FROM journal WHERE id <= $H")" "$(wc -l <"$T/paged")" \
  "ids listed against sqlite3's count of ids <= $H"
[ "$H" -ge 10000 ] || fail "the paging covered only $H transactions"
assert_eq "$(sql "SELECT id FROM journal WHERE id <= $H ORDER BY id")" "$(cat "$T/paged")" \
  "the paged ids against sqlite3's"
during=$(sql "SELECT count(*) FROM journal WHERE at_ms BETWEEN $t0 AND $t1")
after_head=$(sql "SELECT count(*) FROM journal WHERE id > $H AND at_ms <= $t1")
step "paging took $((t1 - t0)) ms for $H transactions; $during posted meanwhile, $after_head of them after the first page's head"
[ "$during" -gt 0 ] && [ "$after_head" -gt 0 ] ||
  fail "the background posting did not overlap the paging ($during, $after_head)"

step "all those pages on one connection: one TLS handshake for the whole listing"
mark=$(wc -l <"$TILLD_LOG")
run till_user T-LANE-02 audrey audit ledger --page-size 40
[ "$LAST_RC" = 0 ] || { _show_last; fail "paging the ledger again failed"; }
pages=$(( ($(table_ids "$T/last.out" | wc -l) + 39) / 40 ))
[ "$pages" -ge 250 ] || fail "only $pages pages: the test needs many"
conns=$(tail -n +"$((mark + 1))" -- "$TILLD_LOG" | grep -c 'terminal T-LANE-02 connected' || true)
assert_eq 1 "$conns" "connections opened for $pages pages"

step "selective filters over the whole journal: windows of ids, index jumps, same rows as sqlite3"
same_ids "kind = 'void'" --kind void
same_ids "method = 'card'" --method card --page-size 7
same_ids "id IN (SELECT txn_id FROM entries WHERE account = 'revenue:HEAT')" --account revenue:HEAT
same_ids "shift_id = $DS AND method = 'card'" --shift "$DS" --method card --page-size 9
same_ids "series = '$HT' AND receipt_no BETWEEN 9000 AND 9100" --series "$HT" --receipt-from 9000 --receipt-to 9100
same_ids "series = '$WY'" --series "$WY"
same_ids "kind = 'sale' AND $AMOUNT = 500 AND cashier = 'dave' AND method = 'card'" --cashier dave --min 5.00 --max 5.00 --method card

step "a range across the edges of the 5,000-id windows: nothing lost between two windows"
for edge in 5000 10000; do
  range=$(sql "SELECT min(receipt_no) || ' ' || max(receipt_no) FROM journal
               WHERE series = '$HT' AND id BETWEEN $((edge - 10)) AND $((edge + 10))")
  read -r lo hi <<<"$range"
  assert_eq 21 "$(sql "SELECT count(*) FROM journal WHERE receipt_no BETWEEN $lo AND $hi")" \
    "receipts $lo..$hi around id $edge"
  same_ids "receipt_no BETWEEN $lo AND $hi" --receipt-from "$lo" --receipt-to "$hi"
done

step "a day that starts mid-journal: the first page jumps by journal_at, nothing lost"
# the client counts days in its own time zone: pick one whose midnight is
# the start of the last second with postings, so the day begins mid-journal;
# a pause and a few sales make that second hold only those few, however
# fast the paging above was
sleep 1.1
run load_as T-LANE-02 dave --item PARK1H --connections 1 --count 3 --method card --seconds 10
[ "$LAST_RC" = 0 ] || { _show_last; fail "till-load did not post its 3 sales"; }
split=$(($(sql "SELECT max(at_ms) FROM journal") / 1000))
before=$(sql "SELECT count(*) FROM journal WHERE at_ms < $split * 1000")
[ "$before" -gt 10000 ] || fail "only $before transactions before the split at $split"
off=$((-(split % 86400)))
((off < -43200)) && off=$((off + 86400))
abs=${off#-}
sign=-; ((off < 0)) && sign=+ # POSIX TZ: '-' is east of Greenwich
tz=$(printf 'TST%s%02d:%02d:%02d' "$sign" $((abs / 3600)) $((abs % 3600 / 60)) $((abs % 60)))
day=$(TZ=$tz date -d "@$split" +%F)
assert_eq "00:00:00" "$(TZ=$tz date -d "@$split" +%T)" "midnight of $day in $tz"
TZ=$tz same_ids "at_ms >= $split * 1000" --from "$day"
TZ=$tz same_ids "at_ms >= $split * 1000 AND method = 'card'" --from "$day" --method card --page-size 3
TZ=$tz same_ids "at_ms < $split * 1000 AND kind = 'void'" --to "$(TZ=$tz date -d "@$((split - 1))" +%F)" --kind void
