#!/usr/bin/env bash
# bench/statement.sh -- "Billing: statement" of docs/benchmarks.md: how
# long `till payer statement` takes for a payer with ten seasons of
# history, end to end over mutual TLS on loopback.
#
# The world (a real tilld, certificates, users, as the integration tests
# make it with tests/integ/lib.sh): 2,000 payers charged ten heating seasons
# (2016-2017 .. 2025-2026: 20,000 charges, ten charge runs); payer 1 pays
# each season in two parts (20 payments), is granted one waiver, and heating
# has a late-fee rule, so the statement also computes a late fee. Then
# till-bench-statement asks for payer 1's statement COUNT times, one at a
# time, on one connection, and prints p50, p99 and max.
#
#   bench/statement.sh [COUNT]     (default 2000; build dir: build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
COUNT=${1:-2000}
BENCH_STATEMENT=${BENCH_STATEMENT:-$root/build/bench/till-bench-statement}
export TILL_SOURCE_DIR=$root
source "$root/tests/integ/lib.sh"
source "$root/tests/integ/lib_world.sh"

register_lanes
world_users carol sam kim
world_login T-LANE-01:carol ADMIN-01:sam ADMIN-01:kim
admin() { till_as ADMIN-01 "$@"; }
awk 'BEGIN { print "complex,unit,owner,phone,area,occupancy"
  for (i = 1; i <= 2000; i++)
    printf "%s,%d-%d-%d,户主%d,139%08d,%d.%02d,occupied\n", (i % 2 ? "阳光小区" : "幸福家园"),
      i % 9 + 1, i % 4 + 1, i, i, i, 60 + i % 90, i % 100 }' >"$T/payers.csv"
expect_rc 0 admin payer import "$T/payers.csv"
expect_rc 0 admin admin series add HB --kind billing
expect_rc 0 admin scheme add heating --name 供暖费 --rule area_season --period season
expect_rc 0 admin tariff add --scheme heating --from 2016-09-01 --rate 20
for y in $(seq 2016 2025); do
  expect_rc 0 admin charge run --scheme heating --period "$y-$((y + 1))" --chunk 500
done
open_shift T-LANE-01 carol
for y in $(seq 2016 2025); do
  c=$(sql "SELECT id, amount FROM charges WHERE payer_id = 1 AND period = '$y-$((y + 1))'")
  id=${c%%|*} amt=${c#*|}
  half=$((amt / 2))
  expect_rc 0 till_user T-LANE-01 carol pay 1 --charge "$id" --method cash \
    --amount "$(printf '%d.%02d' $((half / 100)) $((half % 100)))" --tendered 10000
  [ "$y" = 2025 ] && break   # the last season stays half open
  rest=$((amt - half))
  expect_rc 0 till_user T-LANE-01 carol pay 1 --charge "$id" --method wechat \
    --amount "$(printf '%d.%02d' $((rest / 100)) $((rest % 100)))"
done
expect_rc 0 till_user T-LANE-01 carol --json waiver request 1 --scheme heating --period 2025-2026 \
  --amount 10 --reason 困难户 --doc 减免字〔2026〕1号
expect_rc 0 till_user ADMIN-01 kim waiver approve "$(json_field id)"
expect_rc 0 admin latefee set --scheme heating --daily-rate 0.0005 --grace-days 30 --cap 10
expect_rc 0 till_user T-LANE-01 carol payer statement 1
printf '%s\n' "$(sql "SELECT count(*) FROM charges") charges, $(sql "SELECT count(*) FROM journal") transactions in the journal"
"$BENCH_STATEMENT" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
  --cert "$T/certs/terminal-T-LANE-01.crt" --key "$T/certs/terminal-T-LANE-01.key" \
  --token "$(user_token T-LANE-01 carol)" --payer 1 --count "$COUNT" --as-of 2026-12-31
