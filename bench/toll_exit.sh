#!/usr/bin/env bash
# bench/toll_exit.sh -- toll lanes against sales, in one run on one tilld
# over real mutual TLS (docs/benchmarks.md, "Tolls: exit lanes"):
#
#   1. a fresh tilld; TERMS terminals (default 256), each a cashier with an
#      open shift and configured as an exit lane of station S00; a network
#      of 10 entry stations (S01..S10, 12 to 240 km), a tariff for every
#      class;
#   2. till-bench at TERMS connections, DEPTH in flight each, in the order
#      sales, tolls, sales, tolls (ROUNDS rounds), each level TOTAL postings:
#      sales of one item (the rate Till's issue measures tolls against) and
#      toll exits (till-bench --toll: class, axles, plate and entry station
#      drawn from a plaza's mix, priced by the server);
#   3. checks: the journal holds exactly the sales and tolls acknowledged,
#      every toll has its passage, `till audit verify` passes.
#
# The figure: tolls/s ÷ sales/s of the same run (the issue asks ≥ 0.80),
# and each level's p50/p99.
#
#   bench/toll_exit.sh             settings: BENCH_TERMS, BENCH_DEPTH,
#                                  BENCH_TOTAL, BENCH_ROUNDS
# One line per level on stdout and in build-bench/toll_exit.txt. Everything
# runs on loopback in a temporary directory removed at the end; every wait
# is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
TERMS=${BENCH_TERMS:-256}
DEPTH=${BENCH_DEPTH:-16}
TOTAL=${BENCH_TOTAL:-30000}
ROUNDS=${BENCH_ROUNDS:-2}

bench_build tilld till till-bench
OUT=$PWD/build-bench/toll_exit.txt
: >"$OUT"

W=$(mktemp -d "${TMPDIR:-/tmp}/till-toll-bench.XXXXXX")
TILLD_PID=
cleanup() {
  bench_stop "$TILLD_PID"
  rm -rf -- "$W"
}
trap cleanup EXIT
say() { printf 'toll bench: %s\n' "$*" >&2; }

say "a tilld with $TERMS exit lanes, each with a cashier and an open shift"
ids=(AUDIT-01)
for i in $(seq -f '%03g' 1 "$TERMS"); do ids+=("T-$i"); done
bench_tilld "toll bench" "${ids[@]}"
adm admin series add HT --kind receipt
adm admin item add PARK1H --name Parking --price 5.00 --series HT
adm admin series add TL --kind toll
adm toll station set S00 --name 主线站 --series TL
entries=
for s in $(seq 1 10); do
  code=$(printf 'S%02d' "$s")
  adm toll station set "$code" --name "入口$code" --series TL
  adm toll distance set "$code" S00 --km "$((s * 24)).$((s * 37 % 1000))"
  entries+="${entries:+,}$code"
done
adm toll tariff set --from "$(date +%F)" --min 5 --axle 0.1 --card-fee 50 --card-hours 48 \
  --rates p1=0.45,p2=0.9,p3=1.35,p4=1.8,t1=0.45,t2=0.9,t3=1.35,t4=1.8,t5=2.25,t6=2.5,s1=0.45,s2=0.9,s3=1.35,s4=1.8,s5=2.25,s6=2.5
adm admin terminal add AUDIT-01
TILL_NEW_PASSWORD=audit-pw adm admin user add aud --role auditor
TILL_PASSWORD=audit-pw till_on AUDIT-01 aud login aud >/dev/null
: >"$W/terminals"
for i in $(seq -f '%03g' 1 "$TERMS"); do
  adm admin terminal add "T-$i"
  adm toll lane set "T-$i" --station S00 --direction exit
  TILL_NEW_PASSWORD="pw-c$i" adm admin user add "c$i" --role cashier
  TILL_PASSWORD="pw-c$i" till_on "T-$i" "c$i" login "c$i" >/dev/null
  till_on "T-$i" "c$i" shift open --count none >/dev/null
  printf '%s %s %s\n' "$W/certs/terminal-T-$i.crt" "$W/certs/terminal-T-$i.key" \
    "$(token_of "c$i")" >>"$W/terminals"
done

per=$((TOTAL / TERMS))
[ "$per" -ge 2 ] || per=2
sales_ok=0 tolls_ok=0
declare -a SALE_RATES TOLL_RATES
for round in $(seq 1 "$ROUNDS"); do
  for kind in sale toll; do
    extra=()
    [ "$kind" = toll ] && extra=(--toll "$entries")
    say "round $round: $TERMS connections x $per ${kind}s, $DEPTH in flight each"
    out=$("$BENCH" --server "$SERVER" --ca "$W/certs/ca.crt" --terminals "$W/terminals" \
      --item PARK1H --depth "$DEPTH" --seconds 600 --connections "$TERMS" --count "$per" "${extra[@]}")
    line="kind=$kind round=$round connections=$TERMS $out"
    printf '%s\n' "$line" | tee -a "$OUT"
    [ "$(field errors "$out")" = 0 ] || { echo "toll bench: errors in $kind round $round" >&2; exit 1; }
    if [ "$kind" = sale ]; then
      sales_ok=$((sales_ok + $(field ok "$out")))
      SALE_RATES+=("$(field rate "$out")")
    else
      tolls_ok=$((tolls_ok + $(field ok "$out")))
      TOLL_RATES+=("$(field rate "$out")")
    fi
  done
done

say "checking the ledger"
q() { sqlite3 -batch -noheader -cmd '.timeout 5000' "$W/till.db" "$1"; }
got="$(q "SELECT count(*) FROM journal WHERE kind = 'sale'")|$(q "SELECT count(*) FROM journal WHERE kind = 'toll'")|$(q "SELECT count(*) FROM toll_passages")"
[ "$got" = "$sales_ok|$tolls_ok|$tolls_ok" ] ||
  { echo "toll bench: journal sales|tolls|passages $got, acknowledged $sales_ok|$tolls_ok" >&2; exit 1; }
till_on AUDIT-01 aud audit verify >"$W/verify.out" 2>&1 ||
  { cat "$W/verify.out" >&2; echo "toll bench: till audit verify failed" >&2; exit 1; }
mixline=$(q "SELECT group_concat(class || ':' || n, ' ') FROM (SELECT class, count(*) n FROM toll_passages GROUP BY class ORDER BY class)")
sale_mean=$(printf '%s\n' "${SALE_RATES[@]}" | awk '{ s += $1 } END { printf "%.0f", s / NR }')
toll_mean=$(printf '%s\n' "${TOLL_RATES[@]}" | awk '{ s += $1 } END { printf "%.0f", s / NR }')
{
  echo "summary sales_per_s=$sale_mean tolls_per_s=$toll_mean ratio=$(awk -v a="$toll_mean" -v b="$sale_mean" 'BEGIN { printf "%.2f", a / b }')"
  echo "ledger sales=$sales_ok tolls=$tolls_ok passages=$tolls_ok classes $mixline"
  echo "verify $(grep -m1 'ledger verified' "$W/verify.out")"
} | tee -a "$OUT"
