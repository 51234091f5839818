#!/usr/bin/env bash
# bench/report_scale.sh -- the daily and monthly reports and `deposit
# pending` over a ledger of 2 million transactions and 50,000 closed shifts
# (issue 23; docs/benchmarks.md, "Reports over a long history"):
#
#   1. a fresh tilld (init-admin, series HT, item PARK, supervisor sam);
#      then, with tilld stopped, the history written into its database with
#      SQL (posting 2 million transactions through the server would take
#      hours here): SHIFTS closed shifts (default 50,000), PER a business
#      date (default 60, so 834 dates ending yesterday), each of TX postings
#      (default 40: the float, 36 sales of PARK -- 3 in 5 cash, the rest
#      WeChat --, a toll let through free (waiver:green_channel), a 1.00
#      shortage to over_short:<cashier> on every tenth shift or else one
#      more sale, and the float returned); each date's cash deposited in one
#      deposit the next date, except the last PILE dates' (default 18:
#      1,080 shifts, more than the 1,000 that used to fail the daily
#      report). Entries balance, every account has its type, shifts carry
#      the expected, counted and variance their entries give, and each
#      closed shift names a signed head that exists (the one tilld made
#      when it stopped after the set-up). Not real: the hash chain (zero
#      hashes; the reports do not read it, `till audit verify` would refuse
#      it, and so does tilld's start-up check, after which tilld serves
#      reads only -- all this bench asks; the script says so and stops if
#      the check fails for any other reason) and idempotency keys (none);
#   2. tilld started on it, and each command through the real `till`, RUNS
#      times (default 5), wall-clock milliseconds of the whole client run
#      (process start, TLS handshake, the request, printing): `whoami` (the
#      floor: no query), `report daily` (the current date: no shifts, the
#      whole pile), `report daily --date` yesterday (60 shifts, 2,400
#      postings), `report monthly` of the last whole month (about 1,800
#      shifts, 72,000 postings), `deposit pending`.
#
# With BENCH_OLD_TILLD=PATH (a tilld built from an earlier commit), the
# database is made by that tilld, measured with it, then opened by this
# tree's tilld (which migrates it) and measured again: before and after on
# the same data, in one run; the two tillds' `report monthly --json` are
# compared byte for byte (one line: identical, or DIFFER and the diff).
#
#   bench/report_scale.sh          settings: BENCH_SHIFTS, BENCH_PER_DAY,
#                                  BENCH_PILE_DAYS, BENCH_RUNS, BENCH_OLD_TILLD,
#                                  BENCH_KEEP=1 (keep the directory)
# One line per command and tilld on stdout. Everything runs on loopback in a
# temporary directory removed at the end; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib_key.sh
root=$(pwd)
SHIFTS=${BENCH_SHIFTS:-50000}
PER=${BENCH_PER_DAY:-60}
PILE=${BENCH_PILE_DAYS:-18}
RUNS=${BENCH_RUNS:-5}
TX=40
OLD=${BENCH_OLD_TILLD:-}

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j2 --target tilld till >/dev/null
NEW=$root/build-bench/server/tilld
TILL=$root/build-bench/client/till

W=$(mktemp -d "${TMPDIR:-/tmp}/till-report-scale.XXXXXX")
TILLD_PID=
stop() {
  [ -n "$TILLD_PID" ] || return 0
  kill -TERM "$TILLD_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$TILLD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$TILLD_PID" 2>/dev/null || true
  wait "$TILLD_PID" 2>/dev/null || true
  TILLD_PID=
}
cleanup() {
  stop
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $W"; else rm -rf -- "$W"; fi
}
trap cleanup EXIT
say() { printf 'report scale: %s\n' "$*" >&2; }

bench_signing_key "$W"
start() {
  rm -f -- "$W/port"
  "$1" --db "$W/till.db" --cert "$W/certs/server.crt" --key "$W/certs/server.key" \
    --ca "$W/certs/ca.crt" --listen 127.0.0.1:0 --port_file "$W/port" --log_level warn \
    "${KEY_FLAGS[@]}" </dev/null >>"$W/tilld.log" 2>&1 &
  TILLD_PID=$!
  for _ in $(seq 1 600); do [ -s "$W/port" ] && break; sleep 0.1; done
  [ -s "$W/port" ] || { cat "$W/tilld.log" >&2; say "tilld did not start"; exit 1; }
  SERVER=127.0.0.1:$(cat "$W/port")
}
till_on() {
  local id=$1 sess=$2
  shift 2
  "$TILL" --server "$SERVER" --ca "$W/certs/ca.crt" --cert "$W/certs/terminal-$id.crt" \
    --key "$W/certs/terminal-$id.key" --session "$W/$sess.session" "$@"
}

say "a tilld with series HT, item PARK and supervisor sam"
TILLD=${OLD:-$NEW}
bash certs/make-dev-certs.sh --out "$W/certs" --terminal ADMIN-01 >/dev/null
TILL_ADMIN_PASSWORD=bench-admin-pw "$TILLD" init-admin --db "$W/till.db" --user root \
  --terminal ADMIN-01 </dev/null >"$W/init.log" 2>&1
start "$TILLD"
adm() { till_on ADMIN-01 root "$@" >/dev/null; }
TILL_PASSWORD=bench-admin-pw till_on ADMIN-01 root login root >/dev/null
adm admin series add HT --kind receipt
adm admin item add PARK --name Parking --price 5.00 --series HT
TILL_NEW_PASSWORD=sam-pw adm admin user add sam --role supervisor
TILL_PASSWORD=sam-pw till_on ADMIN-01 sam login sam >/dev/null
stop

DAYS=$(((SHIFTS + PER - 1) / PER))
say "writing $SHIFTS closed shifts over $DAYS business dates, $((SHIFTS * TX)) postings, with SQL"
t0=$(date +%s%N)
sqlite3 -batch -bail "$W/till.db" <<SQL
PRAGMA foreign_keys = OFF;
PRAGMA cache_size = -262144;
BEGIN;
CREATE TEMP TABLE p AS SELECT $SHIFTS AS n, $PER AS per, $DAYS AS days, $PILE AS pile,
  date('now', 'localtime') AS today, (SELECT coalesce(max(id), 0) FROM journal) AS base;
CREATE TEMP TABLE sh AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT n FROM p))
  SELECT i, (i - 1) / per AS d, printf('%03d', (i - 1) % per + 1) AS who,
    date(today, '-' || (days - (i - 1) / per) || ' days') AS bd FROM n, p;
CREATE TEMP TABLE k AS
  WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < $TX - 1) SELECT k FROM n;
-- what posting k of shift i is: kind, amount, quantity, cash or not
CREATE TEMP TABLE tx AS
  SELECT (SELECT base FROM p) + (sh.i - 1) * $TX + k.k + 1 AS id, sh.i, k.k, sh.bd, sh.who,
    CASE WHEN k.k = 0 THEN 'float' WHEN k.k = $TX - 1 THEN 'float_return'
         WHEN k.k = $TX - 3 THEN 'toll_exempt'
         WHEN k.k = $TX - 2 AND sh.i % 10 = 0 THEN 'variance' ELSE 'sale' END AS kind,
    1 + (sh.i + k.k) % 4 AS qty, (sh.i + k.k) % 5 < 3 AS cash
  FROM sh, k;
INSERT OR IGNORE INTO accounts(code, type, created_at) VALUES ('safe', 'asset', 0),
  ('revenue:PARK', 'revenue', 0), ('revenue:toll', 'revenue', 0),
  ('waiver:green_channel', 'contra_revenue', 0), ('clearing:wechat', 'asset', 0),
  ('bank:transit', 'asset', 0);
INSERT INTO accounts(code, type, created_at) SELECT 'drawer:shift:' || i, 'asset', 0 FROM sh;
INSERT INTO accounts(code, type, created_at)
  SELECT DISTINCT 'over_short:c' || who, 'contra_revenue', 0 FROM sh;
-- a closed shift names its signed head: the one tilld signed on stopping
INSERT INTO shifts(id, terminal_id, cashier, state, opened_at, float_amount, closed_at,
                   business_date, signature_txn_id)
  SELECT i, 'T-' || who, 'c' || who, 3, unixepoch(bd) + 28800, 10000, unixepoch(bd) + 57600, bd,
    (SELECT max(txn_id) FROM chain_signatures)
  FROM sh;
-- entries first (a journal row seals its entries), then the journal
INSERT INTO entries(txn_id, seq, account, amount, item, quantity, unit_price)
  SELECT id, 1, CASE kind WHEN 'float' THEN 'drawer:shift:' || i WHEN 'float_return' THEN 'safe'
                  WHEN 'toll_exempt' THEN 'waiver:green_channel'
                  WHEN 'variance' THEN 'over_short:c' || who
                  ELSE CASE WHEN cash THEN 'drawer:shift:' || i ELSE 'clearing:wechat' END END,
    CASE kind WHEN 'float' THEN 10000 WHEN 'float_return' THEN 10000 WHEN 'toll_exempt' THEN 1500
              WHEN 'variance' THEN 100 ELSE 500 * qty END, '', 0, 0
  FROM tx;
INSERT INTO entries(txn_id, seq, account, amount, item, quantity, unit_price)
  SELECT id, 2, CASE kind WHEN 'float' THEN 'safe' WHEN 'float_return' THEN 'drawer:shift:' || i
                  WHEN 'toll_exempt' THEN 'revenue:toll' WHEN 'variance' THEN 'drawer:shift:' || i
                  ELSE 'revenue:PARK' END,
    CASE kind WHEN 'float' THEN -10000 WHEN 'float_return' THEN -10000
              WHEN 'toll_exempt' THEN -1500 WHEN 'variance' THEN -100 ELSE -500 * qty END,
    CASE kind WHEN 'toll_exempt' THEN 'toll.p1' WHEN 'sale' THEN 'PARK' ELSE '' END,
    CASE kind WHEN 'toll_exempt' THEN 1 WHEN 'sale' THEN qty ELSE 0 END,
    CASE kind WHEN 'toll_exempt' THEN 1500 WHEN 'sale' THEN 500 ELSE 0 END
  FROM tx;
INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, series, receipt_no, method,
                    hash)
  SELECT id, kind, (unixepoch(bd) + 28800 + k * 600) * 1000, 'T-' || who, 'c' || who, i,
    CASE kind WHEN 'sale' THEN 'HT' || substr(bd, 1, 4) END,
    CASE kind WHEN 'sale' THEN id END,
    CASE kind WHEN 'sale' THEN CASE WHEN cash THEN 'cash' ELSE 'wechat' END ELSE '' END,
    zeroblob(32)
  FROM tx ORDER BY id;
-- the drawer now holds the cash sales less a shortage: counted less the float
UPDATE shifts SET counted_cash = 10000 + (SELECT sum(amount) FROM entries
                                          WHERE account = 'drawer:shift:' || shifts.id),
  cash_variance = CASE WHEN id % 10 = 0 THEN -100 ELSE 0 END
  WHERE id IN (SELECT i FROM sh);
UPDATE shifts SET expected_cash = counted_cash - cash_variance WHERE id IN (SELECT i FROM sh);
-- a date's cash deposited the next date, but for the last PILE dates
CREATE TEMP TABLE dep AS
  SELECT d, bd, (SELECT max(id) FROM journal) + d + 1 AS txn, sum(counted_cash - 10000) AS amount
  FROM sh JOIN shifts s ON s.id = sh.i, p
  WHERE d < days - pile AND counted_cash > 10000 GROUP BY d;
INSERT INTO entries(txn_id, seq, account, amount)
  SELECT txn, 1, 'bank:transit', amount FROM dep;
INSERT INTO entries(txn_id, seq, account, amount)
  SELECT dep.txn, 1 + row_number() OVER (PARTITION BY dep.d ORDER BY sh.i),
    'drawer:shift:' || sh.i, -(s.counted_cash - 10000)
  FROM dep JOIN sh ON sh.d = dep.d JOIN shifts s ON s.id = sh.i WHERE s.counted_cash > 10000;
INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, method, memo, hash)
  SELECT txn, 'deposit', (unixepoch(bd) + 86400 + 32400) * 1000, 'ADMIN-01', 'sam', 'cash',
    'SLIP-' || bd, zeroblob(32) FROM dep ORDER BY txn;
INSERT INTO deposits(id, slip, amount, created_by, created_at, txn_id, business_date)
  SELECT d + 1, 'SLIP-' || bd, amount, 'sam', unixepoch(bd) + 86400 + 32400, txn,
    date(bd, '+1 day') FROM dep;
UPDATE shifts SET deposit_id = (SELECT d + 1 FROM sh WHERE sh.i = shifts.id)
  WHERE id IN (SELECT sh.i FROM sh JOIN dep ON dep.d = sh.d) AND counted_cash > 10000;
COMMIT;
SQL
t1=$(date +%s%N)
counts=$(sqlite3 -batch "$W/till.db" "SELECT (SELECT count(*) FROM journal), (SELECT count(*)
  FROM entries), (SELECT count(*) FROM shifts WHERE state IN (2, 3)), (SELECT count(*) FROM
  shifts WHERE deposit_id IS NULL AND counted_cash > float_amount), (SELECT count(*) FROM
  entries GROUP BY txn_id HAVING sum(amount) != 0 LIMIT 1)")
IFS='|' read -r n_txn n_ent n_closed n_pile unbalanced <<<"$counts"
[ -z "$unbalanced" ] || { say "an unbalanced transaction"; exit 1; }
say "written in $(((t1 - t0) / 1000000)) ms: $n_txn transactions, $n_ent entries," \
  "$n_closed closed shifts, $n_pile not deposited; $(du -m "$W/till.db" | cut -f1) MB"
printf 'ledger transactions=%s entries=%s closed_shifts=%s undeposited=%s\n' \
  "$n_txn" "$n_ent" "$n_closed" "$n_pile"

YESTERDAY=$(date -d yesterday +%F)
MONTH=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
# measure LABEL -- each command RUNS times with tilld $TILLD
measure() {
  local label=$1 name ms all rc
  local -a cmd
  for name in whoami daily daily_yesterday monthly pending; do
    case $name in
      whoami) cmd=(whoami) ;;
      daily) cmd=(report daily) ;;
      daily_yesterday) cmd=(report daily --date "$YESTERDAY") ;;
      monthly) cmd=(report monthly --month "$MONTH") ;;
      pending) cmd=(deposit pending --hours 0) ;;
    esac
    all=
    rc=0
    for _ in $(seq 1 "$RUNS"); do
      local a b
      a=$(date +%s%N)
      till_on ADMIN-01 sam "${cmd[@]}" >"$W/out" 2>"$W/err" || rc=$?
      b=$(date +%s%N)
      all+="${all:+ }$(((b - a) / 1000000))"
    done
    ms=$(tr ' ' '\n' <<<"$all" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    printf 'tilld=%s command="%s" exit=%s median_ms=%s runs_ms=%s\n' \
      "$label" "${cmd[*]}" "$rc" "$ms" "${all// /,}"
    [ "$rc" = 0 ] || say "$label ${cmd[*]}: $(head -c 200 "$W/err")"
  done
}

# ---- reports: the monthly report's figures, kept to compare before with after ----
keep_monthly() {
  till_on ADMIN-01 sam --json report monthly --month "$MONTH" >"$W/monthly-$1.json"
}
# ---- end of reports ----
if [ -n "$OLD" ]; then
  say "measuring with the earlier tilld ($OLD)"
  start "$OLD"
  measure before
  keep_monthly before
  stop
fi
say "measuring with this tree's tilld"
a=$(date +%s%N)
start "$NEW"
b=$(date +%s%N)
say "tilld started (and migrated) in $(((b - a) / 1000000)) ms"
# the start-up check refuses the zero hashes (see the top), nothing else
why=$(sed -n 's/.*START-UP CHECK FAILED: //p' "$W/tilld.log" | tail -n 1)
case $why in
  "") ;;
  *": hash does not match"*) say "start-up check, as expected on this hand-made chain: $why" ;;
  *) say "start-up check failed: $why"; exit 1 ;;
esac
measure after
keep_monthly after
till_on ADMIN-01 sam report daily --date "$YESTERDAY" | sed -n '1,3p' >&2
stop
# ---- reports: the same ledger, the same monthly figures from either tilld ----
if [ -n "$OLD" ]; then
  if cmp -s "$W/monthly-before.json" "$W/monthly-after.json"; then
    printf 'monthly report --json: before and after identical (%s bytes)\n' \
      "$(wc -c <"$W/monthly-after.json")"
  else
    printf 'monthly report --json: before and after DIFFER\n'
    diff "$W/monthly-before.json" "$W/monthly-after.json" | head -c 2000 >&2 || true
  fi
fi
# ---- end of reports ----
