#!/usr/bin/env bash
# demo.sh -- from a fresh Debian 12 machine to a running tilld with a short
# real session: installs dependencies, builds, makes development
# certificates, bootstraps the first admin, starts tilld on its embedded
# SQLite database and drives it with the real till client: an admin sets up
# users, a series and a price table; a cashier sells and reprints; a
# supervisor approves a void and signs the chain head; an auditor verifies.
#
# Everything lives in run/ (never committed). tilld keeps running afterwards;
# stop it with: kill $(cat run/tilld.pid)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
TILLD=$root/build/server/tilld
TILL=$root/build/client/till

bash certs/make-dev-certs.sh --terminal ADMIN-01 --terminal T-LANE-01 --terminal T-LANE-02 >/dev/null

run=$root/run
mkdir -p "$run"
chmod 700 "$run"
if [ -f "$run/tilld.pid" ] && kill -0 "$(cat "$run/tilld.pid")" 2>/dev/null; then
  echo "demo: stopping the tilld left running by an earlier demo"
  kill "$(cat "$run/tilld.pid")"
  for _ in $(seq 1 50); do kill -0 "$(cat "$run/tilld.pid")" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$run"/till.db* "$run"/*.session "$run/port"

# the password comes from the environment, never from argv
export TILL_ADMIN_PASSWORD=demo-admin-pw
"$TILLD" init-admin --db "$run/till.db" --user root --terminal ADMIN-01

"$TILLD" --db "$run/till.db" --cert certs/dev/server.crt --key certs/dev/server.key \
  --ca certs/dev/ca.crt --listen 127.0.0.1:0 --port_file "$run/port" >"$run/tilld.log" 2>&1 &
echo $! >"$run/tilld.pid"
for _ in $(seq 1 100); do [ -s "$run/port" ] && break; sleep 0.1; done
[ -s "$run/port" ] || { echo "demo: tilld did not start; see $run/tilld.log"; exit 1; }
port=$(cat "$run/port")

conf() { # conf NAME TERMINAL: a till config for one person at one terminal
  cat >"$run/$1.conf" <<CONF
server = 127.0.0.1:$port
ca = ../certs/dev/ca.crt
cert = ../certs/dev/terminal-$2.crt
key = ../certs/dev/terminal-$2.key
session = $1.session
CONF
}
conf root ADMIN-01; conf alice T-LANE-01; conf bob T-LANE-02; conf carol ADMIN-01
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
till() { local who=$1; shift; say "till $* ($who)"; "$TILL" --config "$run/$who.conf" "$@"; }

TILL_PASSWORD=demo-admin-pw till root login root
for u in "alice cashier" "bob supervisor" "carol auditor"; do
  set -- $u
  TILL_NEW_PASSWORD="$1-pw" till root admin user add "$1" --role "$2"
done
till root admin terminal add T-LANE-01 --description "toll lane 1"
till root admin terminal add T-LANE-02 --description "supervisor desk"
till root admin series add HT --kind receipt --description "fee receipts"
till root admin item add PARK1H --name "Parking, 1 hour" --price 5.00 --series HT
till root admin item add HEAT --name "供热费 heating m2" --price 1.35 --series HT --revenue revenue:heating

TILL_PASSWORD=alice-pw till alice login alice
till alice sale PARK1H:2 HEAT:80 --method cash --tendered 200
till alice sale PARK1H --method wechat --json
number=$("$TILL" --config "$run/alice.conf" --json sale PARK1H --method card | sed 's/.*"number":"\([^"]*\)".*/\1/')
till alice receipt reprint "$number"
till alice void "$number" --reason "card charged twice"

TILL_PASSWORD=bob-pw till bob login bob
till bob void list --state pending
till bob void approve 1 --note "checked the terminal slip"
till bob audit checkpoint

TILL_PASSWORD=carol-pw till carol login carol
"$TILL" --config "$run/carol.conf" audit pubkey >"$run/server.pub"
till carol audit verify --pubkey "$run/server.pub"

echo
echo "demo: tilld is running on 127.0.0.1:$port (pid $(cat "$run/tilld.pid"), log $run/tilld.log)."
echo "demo: try: $TILL --config $run/alice.conf receipt show $number"
echo "demo: stop it with: kill \$(cat run/tilld.pid)"
