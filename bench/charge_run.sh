#!/usr/bin/env bash
# bench/charge_run.sh -- a charge run (应收) over many payers against a real
# tilld over real mutual TLS, measured against the storage bound of the
# same run (docs/benchmarks.md, "Billing: charge run"):
#
#   1. the storage bound: till-storage-bound at batches 64 and 512 (the
#      most postings per second Till's store allows on this machine);
#   2. a fresh tilld; PAYERS payers (default 200,000) seeded into its
#      database through the real schema (the payers table and its triggers,
#      with tilld stopped), a heating scheme and tariff added with `till`;
#   3. the windows' sales alone: till-bench paced at SALE_RATE sales/s on
#      CONNS connections for SALE_SECONDS -- their p99;
#   4. the same paced sales while `till charge run` charges every payer in
#      chunks of 500 -- the run's charges per second, and the sales' p99;
#   5. checks: one charge per payer that is not unsold, the total equal to
#      a computation here, a rerun posting nothing, `till audit verify`.
#
#   bench/charge_run.sh            settings: BENCH_PAYERS, BENCH_SALE_RATE,
#                                  BENCH_CONNS, BENCH_SALE_SECONDS, BENCH_SECONDS
# One line per measurement on stdout and in build-bench/charge_run.txt.
# Everything runs on loopback in a temporary directory removed at the end;
# every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib_key.sh
root=$(pwd)
PAYERS=${BENCH_PAYERS:-200000}
SALE_RATE=${BENCH_SALE_RATE:-200}
CONNS=${BENCH_CONNS:-8}
SALE_SECONDS=${BENCH_SALE_SECONDS:-20}
SECS=${BENCH_SECONDS:-5}
CHUNK=${BENCH_CHUNK:-}

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-bench -j2 --target tilld till till-bench till-storage-bound >/dev/null
TILLD=$root/build-bench/server/tilld
TILL=$root/build-bench/client/till
BENCH=$root/build-bench/bench/till-bench
BOUND=$root/build-bench/bench/till-storage-bound
OUT=$root/build-bench/charge_run.txt
: >"$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/till-charge-bench.XXXXXX")
TILLD_PID=
stop_tilld() {
  if [ -n "$TILLD_PID" ]; then
    kill -TERM "$TILLD_PID" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$TILLD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$TILLD_PID" 2>/dev/null || true
    TILLD_PID=
  fi
}
cleanup() { stop_tilld; rm -rf -- "$W"; }
trap cleanup EXIT
say() { printf 'bench: %s\n' "$*" >&2; }
out() { printf '%s\n' "$*" | tee -a "$OUT"; }
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | sed 's,/s$,,' | head -1; }

say "storage bound: batches 64 and 512, ${SECS} s each"
bound_out=$(TMPDIR=$W "$BOUND" --dir "$W" --batches 64,512 --seconds "$SECS")
out "$bound_out"
bound_best=0
while read -r line; do
  r=$(field rate "$line"); r=${r%.*}
  [ "$r" -gt "$bound_best" ] && bound_best=$r
done <<<"$bound_out"

start_tilld() {
  rm -f "$W/port"
  "$TILLD" --db "$W/till.db" "${KEY_FLAGS[@]}" --cert "$W/certs/server.crt" --key "$W/certs/server.key" \
    --ca "$W/certs/ca.crt" --listen 127.0.0.1:0 --port_file "$W/port" --log_level warn \
    </dev/null >>"$W/tilld.log" 2>&1 &
  TILLD_PID=$!
  for _ in $(seq 1 300); do [ -s "$W/port" ] && break; sleep 0.1; done
  [ -s "$W/port" ] || { cat "$W/tilld.log" >&2; echo "bench: tilld did not start" >&2; exit 1; }
  SERVER=127.0.0.1:$(cat "$W/port")
}
ids=(ADMIN-01 AUDIT-01)
for i in $(seq -f '%03g' 1 "$CONNS"); do ids+=("T-$i"); done
cert_args=()
for id in "${ids[@]}"; do cert_args+=(--terminal "$id"); done
bash certs/make-dev-certs.sh --out "$W/certs" "${cert_args[@]}" >/dev/null
bench_signing_key "$W"
TILL_ADMIN_PASSWORD=bench-admin-pw "$TILLD" init-admin --db "$W/till.db" --user root \
  --terminal ADMIN-01 </dev/null >"$W/init.log" 2>&1

say "seeding $PAYERS payers through the schema"
# payer i: area ((i x 7919) mod 15000 + 3000) / 100 m²; every 50th unsold
sqlite3 -batch "$W/till.db" "
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PAYERS)
  INSERT INTO payers(id, complex, unit, owner, area_centi, occupancy, created_at, created_by)
  SELECT i, '阳光小区' || (i / 1000), (i % 30 + 1) || '-' || (i % 4 + 1) || '-' || i, '户主' || i,
         (i * 7919) % 15000 + 3000, CASE WHEN i % 50 = 0 THEN 'unsold' ELSE 'occupied' END,
         0, 'bench' FROM n;"
start_tilld
till_on() {
  local id=$1 sess=$2
  shift 2
  "$TILL" --server "$SERVER" --ca "$W/certs/ca.crt" --cert "$W/certs/terminal-$id.crt" \
    --key "$W/certs/terminal-$id.key" --session "$W/$sess.session" "$@"
}
token_of() { sed -n 's/^token = //p' "$W/$1.session"; }
TILL_PASSWORD=bench-admin-pw till_on ADMIN-01 root login root >/dev/null
till_on ADMIN-01 root admin series add HT --kind receipt >/dev/null
till_on ADMIN-01 root admin item add PARK1H --name Parking --price 5.00 --series HT >/dev/null
till_on ADMIN-01 root scheme add heating --name 供暖费 --rule area_season --period season >/dev/null
till_on ADMIN-01 root tariff add --scheme heating --from 2026-09-01 --rate 21.50 >/dev/null
till_on ADMIN-01 root admin terminal add AUDIT-01 >/dev/null
TILL_NEW_PASSWORD=audit-pw till_on ADMIN-01 root admin user add aud --role auditor >/dev/null
TILL_PASSWORD=audit-pw till_on AUDIT-01 aud login aud >/dev/null
: >"$W/terminals"
for i in $(seq -f '%03g' 1 "$CONNS"); do
  till_on ADMIN-01 root admin terminal add "T-$i" >/dev/null
  TILL_NEW_PASSWORD="pw-c$i" till_on ADMIN-01 root admin user add "c$i" --role cashier >/dev/null
  TILL_PASSWORD="pw-c$i" till_on "T-$i" "c$i" login "c$i" >/dev/null
  till_on "T-$i" "c$i" shift open --count none >/dev/null
  printf '%s %s %s\n' "$W/certs/terminal-T-$i.crt" "$W/certs/terminal-T-$i.key" \
    "$(token_of "c$i")" >>"$W/terminals"
done
count=$((SALE_RATE * SALE_SECONDS / CONNS))
sales() {
  "$BENCH" --server "$SERVER" --ca "$W/certs/ca.crt" --terminals "$W/terminals" --item PARK1H \
    --connections "$CONNS" --count "$count" --rate "$SALE_RATE" --depth 4 --seconds 600
}

say "sales alone: $SALE_RATE/s on $CONNS connections for ${SALE_SECONDS} s"
alone=$(sales)
out "sales_alone $alone"

say "the charge run over $PAYERS payers, with the same sales"
sales >"$W/during.out" &
sales_pid=$!
t0=$(date +%s.%N)
till_on ADMIN-01 root --json charge run --scheme heating --period 2026-2027 \
  ${CHUNK:+--chunk "$CHUNK"} >"$W/run.json" 2>"$W/run.err"
t1=$(date +%s.%N)
wait "$sales_pid"
during=$(grep '^phase=' "$W/during.out")
out "sales_during_run $during"
charged=$(sed -n 's/.*"charged":\([0-9]*\).*/\1/p' "$W/run.json")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
run_rate=$(awk -v n="$charged" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
out "charge_run chunk=${CHUNK:-default} payers=$PAYERS charged=$charged seconds=$secs rate=$run_rate/s"

say "checks"
want=$(awk -v n="$PAYERS" 'BEGIN { for (i = 1; i <= n; i++) { if (i % 50 == 0) continue
  a = (i * 7919) % 15000 + 3000; c++; s += int((a * 215000 + 5000) / 10000) }
  printf "%d|%.0f\n", c, s }')
got=$(sqlite3 -batch "$W/till.db" "SELECT count(*), sum(amount) FROM charges")
[ "$got" = "$want" ] || { echo "bench: charges $got, expected $want" >&2; exit 1; }
till_on ADMIN-01 root --json charge run --scheme heating --period 2026-2027 >"$W/rerun.json" 2>"$W/rerun.err" || cat "$W/rerun.err" >&2
grep -q '"charged":0,' "$W/rerun.json" || { echo "bench: the rerun charged again" >&2; exit 1; }
till_on AUDIT-01 aud --timeout 600 audit verify >"$W/verify.out" 2>&1 ||
  { cat "$W/verify.out" >&2; echo "bench: audit verify failed" >&2; exit 1; }
p99_alone=$(field p99_ms "$alone")
p99_during=$(field p99_ms "$during")
out "bound_best=$bound_best/s run_over_bound=$(awk -v r="$run_rate" -v b="$bound_best" 'BEGIN { printf "%.2f", r / b }') sale_p99_alone_ms=$p99_alone sale_p99_during_ms=$p99_during p99_ratio=$(awk -v a="$p99_alone" -v d="$p99_during" 'BEGIN { printf "%.2f", d / a }') checks=ok ($(grep -m1 "ledger verified" "$W/verify.out"))"
