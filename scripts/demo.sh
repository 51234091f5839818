#!/usr/bin/env bash
# demo.sh -- from a fresh Debian 12 machine to a running tilld with a short
# real day at the counter: installs dependencies, builds, makes development
# certificates, bootstraps the first admin, starts tilld on its embedded
# SQLite database and drives it with the real till client. An admin sets up
# users, a series and a price table; two cashiers open shifts with a counted
# float -- alice at a car-park exit lane selling parking, dave at a heating
# office window taking heating fees -- sell, reprint and void; they close
# blind (dave is 10.00 short) and the Z-reports print; meanwhile a toll
# station's entry and exit lanes work an hour (pass cards, a green-channel
# truck, a mismatched card, a lost card, the hand-over) and a hospital window
# bills two patients with the insurance split and takes a deposit (预交金); a supervisor signs the
# shifts off and deposits the cash, closes the business date (日清), sets
# monthly targets and reads the month (月结); an auditor verifies the whole
# chain, proves the receipt series has no gap, queries the ledger, and
# exports it (a binary export file, run/ledger.tillx) to verify offline.
# Last, alice opens a shift on the next business date and sells: a closed
# date stops nobody.
#
# Everything lives in run/ (never committed): the database, tilld's log, one
# till config per person (run/alice.conf ...; README.md, "Drive it by
# hand"), each with `language = zh_CN`: the people speak Chinese (set
# TILL_DEMO_LANG=en for English). tilld keeps running afterwards; stop it with:
# kill $(cat run/tilld.pid)
# It also starts till-web, the web console (docs/web.md), with a terminal
# certificate of its own (WEB-01), prints its address, and leaves it
# running too: kill $(cat run/till-web.pid)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The test suite runs the demo with its own binaries and folder, in English
# (tests/integ/test_demo.sh): TILLD and TILL name the binaries (nothing is
# installed or built then), TILL_DEMO_RUN the folder, TILL_DEMO_LANG the
# people's language (zh_CN, the default, or en).
if [ -n "${TILLD:-}" ] && [ -n "${TILL:-}" ]; then
  TILLD=$(realpath "$TILLD")
  TILL=$(realpath "$TILL")
  TILL_WEB=$(realpath "${TILL_WEB:-$root/build/web/till-web}") # ---- web console ----
else
  bash scripts/install-deps.sh
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc)"
  TILLD=$root/build/server/tilld
  TILL=$root/build/client/till
  TILL_WEB=$root/build/web/till-web # ---- web console ----
fi
lang=${TILL_DEMO_LANG:-zh_CN}

bash certs/make-dev-certs.sh --terminal ADMIN-01 --terminal T-LANE-01 --terminal HEAT-01 \
  --terminal TOLL-IN-01 --terminal TOLL-OUT-01 --terminal HOSP-01 --terminal WEB-01 >/dev/null

run=${TILL_DEMO_RUN:-$root/run}
mkdir -p "$run"
run=$(realpath "$run")
chmod 700 "$run"
if [ -f "$run/tilld.pid" ] && kill -0 "$(cat "$run/tilld.pid")" 2>/dev/null; then
  echo "demo: stopping the tilld left running by an earlier demo"
  kill "$(cat "$run/tilld.pid")"
  for _ in $(seq 1 50); do kill -0 "$(cat "$run/tilld.pid")" 2>/dev/null || break; sleep 0.1; done
fi
# ---- web console: the till-web of an earlier demo goes too ----
if [ -f "$run/till-web.pid" ] && kill -0 "$(cat "$run/till-web.pid")" 2>/dev/null; then
  kill "$(cat "$run/till-web.pid")"
  for _ in $(seq 1 50); do kill -0 "$(cat "$run/till-web.pid")" 2>/dev/null || break; sleep 0.1; done
fi
mkdir -p "$run/db"
rm -f "$run"/db/till.db* "$run"/*.session "$run/port" "$run/web.port"

# The chain-signing key lives apart from the database (run/db/), so a copy
# of the database's folder does not carry it, and belongs to someone other
# than the user tilld runs as, who therefore cannot replace it
# (docs/operations.md, "The signing key"): as root it is given to uid 65534;
# otherwise, with sudo, to root and our group. Made once, kept across runs.
keys=$run/keys
signing_key=$keys/chain-signing.pem
if [ ! -f "$signing_key" ]; then
  mkdir -p "$keys"
  (umask 077 && openssl genpkey -algorithm ED25519 -out "$signing_key")
  chmod 440 "$signing_key"
  chmod 750 "$keys"
  if [ "$(id -u)" -eq 0 ]; then
    chown 65534:0 "$signing_key" "$keys"
  elif sudo -n true 2>/dev/null; then
    sudo chown "root:$(id -g)" "$signing_key" "$keys"
  fi
fi
key_flags=()
if [ "$(stat -c %u "$signing_key")" = "$(id -u)" ]; then
  echo "demo: $signing_key is ours (no sudo), so tilld runs with signing_key_check = dev"
  key_flags=(--signing_key_check dev)
fi

# the password comes from the environment, never from argv
export TILL_ADMIN_PASSWORD=demo-admin-pw
"$TILLD" init-admin --db "$run/db/till.db" --user root --terminal ADMIN-01

"$TILLD" --db "$run/db/till.db" --signing_key "$signing_key" "${key_flags[@]}" \
  --cert certs/dev/server.crt --key certs/dev/server.key \
  --ca certs/dev/ca.crt --listen 127.0.0.1:0 --port_file "$run/port" \
  --office "滨河热力有限公司 收费处" >"$run/tilld.log" 2>&1 &
echo $! >"$run/tilld.pid"
for _ in $(seq 1 100); do [ -s "$run/port" ] && break; sleep 0.1; done
[ -s "$run/port" ] || { echo "demo: tilld did not start; see $run/tilld.log"; exit 1; }
port=$(cat "$run/port")

conf() { # conf NAME TERMINAL: a till config for one person at one terminal
  cat >"$run/$1.conf" <<CONF
server = 127.0.0.1:$port
ca = $root/certs/dev/ca.crt
cert = $root/certs/dev/terminal-$2.crt
key = $root/certs/dev/terminal-$2.key
session = $1.session
language = $lang
CONF
}
conf root ADMIN-01; conf alice T-LANE-01; conf dave HEAT-01; conf bob ADMIN-01; conf carol ADMIN-01
conf erin TOLL-IN-01; conf frank TOLL-OUT-01
conf grace HOSP-01 # hospital
# each command as a person would type it; bold only on a terminal
if [ -t 1 ]; then
  say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
  say() { printf '\n$ %s\n' "$*"; }
fi
till() { local who=$1; shift; say "till $* ($who)"; "$TILL" --config "$run/$who.conf" "$@"; }

# fen_of 123.45 -> 12345;  count_for FEN -> "100x1,10x2,1x3,0.1x4" worth FEN
fen_of() { local y=${1%.*} f=${1#*.}; echo $((10#$y * 100 + 10#$f)); }
count_for() {
  local fen=$1 out="" i n
  local faces=(10000 1000 100 10) names=(100 10 1 0.1)
  for i in 0 1 2 3; do
    n=$((fen / faces[i]))
    fen=$((fen % faces[i]))
    if [ "$n" -gt 0 ]; then out="$out${out:+,}${names[i]}x$n"; fi
  done
  echo "${out:-none}"
}
json() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1; }

TILL_PASSWORD=demo-admin-pw till root login root
for u in "alice cashier" "dave cashier" "bob supervisor" "carol auditor" "erin cashier" "frank cashier" "grace cashier"; do
  set -- $u
  TILL_NEW_PASSWORD="$1-pw" till root admin user add "$1" --role "$2"
done
till root admin terminal add T-LANE-01 --description "停车场出口 1 号车道"
till root admin terminal add HEAT-01 --description "供热收费 1 号窗口"
# ---- web console: till-web, a terminal of its own (WEB-01) to tilld, HTTPS
# to browsers on a free port of 127.0.0.1 (docs/web.md) ----
till root admin terminal add WEB-01 --description "web console"
"$TILL_WEB" --listen 127.0.0.1:0 --port_file "$run/web.port" --cert certs/dev/server.crt \
  --key certs/dev/server.key --server "127.0.0.1:$port" --ca certs/dev/ca.crt \
  --terminal_cert certs/dev/terminal-WEB-01.crt --terminal_key certs/dev/terminal-WEB-01.key \
  --language "$lang" </dev/null >"$run/till-web.log" 2>&1 &
echo $! >"$run/till-web.pid"
for _ in $(seq 1 100); do [ -s "$run/web.port" ] && break; sleep 0.1; done
[ -s "$run/web.port" ] || { echo "demo: till-web did not start; see $run/till-web.log"; exit 1; }
web_url=https://127.0.0.1:$(cat "$run/web.port")/
echo "demo: the web console is at $web_url (bob / bob-pw, a supervisor; carol / carol-pw, an auditor)"
# ---- end of web console ----
till root admin series add HT --kind receipt --description "收费收据"
till root admin series add TF --kind refund --description "退费凭证"
till root admin item add PARK1H --name "临时停车费（1小时）" --price 5.00 --series HT
till root admin item add HEAT --name "供热费（每平方米）" --price 1.35 --series HT --revenue revenue:heating

# ---- morning: two cashiers open their drawers with a counted float -------
TILL_PASSWORD=alice-pw till alice login alice
till alice shift open --count 100x1,10x8,1x20
TILL_PASSWORD=dave-pw till dave login dave
till dave shift open --count 50x2

# ---- the day's postings: parking at the exit lane, heating at the window ----
till alice sale PARK1H:2 --method cash --tendered 20
till alice sale PARK1H --method wechat --json
number=$("$TILL" --config "$run/alice.conf" --json sale PARK1H --method card | json number)
till alice receipt reprint "$number"
till alice void "$number" --reason "card charged twice"
# a household pays for 80 m2 by card, one for 60 m2 by Alipay, one for 40 m2 in cash
for sale in HEAT:80:card HEAT:60:alipay HEAT:40:cash; do
  "$TILL" --config "$run/dave.conf" sale "${sale%:*}" --method "${sale##*:}" >/dev/null
done
till dave sale HEAT:100 --method cash --tendered 150
# a household of 120 m2 pays 162.00: 100.00 in cash (a 100 note) and the rest by WeChat, on one receipt
till dave sale HEAT:120 --pay cash=100,wechat --tendered 100 --memo "3-2-1101 张秀英 2026-27 采暖季"

# ---- a heating office's morning (docs/billing.md): households, a charge run,
# arrears over two seasons, an opt-out, a cheque --------------------------------
till root admin series add JF --kind billing --description "供热费收据"
till root scheme add heating --name 供暖费 --rule area_season --period season --optout-share 50
till root tariff add --scheme heating --from 2025-09-01 --rate 21.50
cat >"$run/payers.csv" <<'CSV'
小区,房号,业主,电话,面积,状态,标签
阳光小区,3-2-1101,张秀英,13800001101,89.37,occupied,
阳光小区,3-2-1102,李建国,13800001102,120.00,occupied,
阳光小区,5-1-0301,王淑珍,13900000301,75.50,occupied,低保
CSV
till root payer import "$run/payers.csv"
till root charge run --scheme heating --period 2025-2026
till root charge run --scheme heating --period 2026-2027
till dave payer find 张秀
# 张秀英 owes two seasons (2 × 1921.46) and pays 3000.00: the older season in
# full, the newer in part, each named on the receipt with its share paid
till dave pay 1 --amount 3000 --method cash --tendered 3000
# 王淑珍 will not take heat next season: applied for before the cut-off
till dave optout request 3 --scheme heating --season 2027-2028 --reason "外出务工"
# 李建国 pays both seasons by cheque; it counts as collected once it clears
till dave pay 2 --amount 5160 --method cheque --ref "支票 20261203-01"
till dave payer statement 1
till alice shift status

TILL_PASSWORD=bob-pw till bob login bob
till bob void list --state pending
till bob void approve 1 --note "checked the terminal slip"

# ---- a refund (退费, docs/refunds.md): 10 of a household's 30 m2 were billed
# twice; the property office confirms, dave asks, bob approves, dave pays out
heat=$("$TILL" --config "$run/dave.conf" --json sale HEAT:30 --method cash --tendered 50 | json number)
till dave refund request "$heat" --line HEAT:10 --reason "面积重复计收 10 平方米" --ref "物业确认 2026-118"
till bob refund approve 1 --note "物业函已核"
till dave refund pay 1
till dave receipt show "$heat"
till bob cheque list --pending
till bob cheque clear 1
till bob report collection --period 2025-2026 --scheme heating

# ---- an hour at a toll station: erin at the entry lane, frank at the exit -----
# The network (docs/tolls.md): stations, distances, a tariff by vehicle class
# (JT/T 489-2019); the server prices every exit, the lane never sends an amount.
till root admin terminal add TOLL-IN-01 --description "东站入口 1 号车道"
till root admin terminal add TOLL-OUT-01 --description "西站出口 1 号车道"
till root admin series add TL --kind toll --description "通行费票据"
till root toll station set E01 --name 东站 --series TL
till root toll station set W01 --name 西站 --series TL
till root toll station set N01 --name 北站 --series TL
till root toll distance set E01 W01 --km 87
till root toll distance set N01 W01 --km 120.5
till root toll tariff set --from "$(date +%F)" --rates p1=0.45,p2=0.9,t1=0.45,t2=0.9,t3=1.35,t6=1.2345 \
  --min 5 --axle 0.1 --card-fee 50 --card-hours 48
till root toll lane set TOLL-IN-01 --station E01 --direction entry
till root toll lane set TOLL-OUT-01 --station W01 --direction exit
TILL_PASSWORD=erin-pw till erin login erin
till erin shift open --count none
TILL_PASSWORD=frank-pw till frank login frank
till frank shift open --count 10x10
till erin toll entry --card 0001 --class p1 --plate 京A12345
till erin toll entry --card 0002 --class t2 --plate 冀B67890
till erin toll entry --card 0003 --class p1 --plate 京C13579
till frank toll quote E01 W01 --class t6 --axles 8
till frank toll exit --card 0001 --class p1 --seats 5 --plate 京A12345 --method cash --tendered 50
# a truck of vegetables on the green channel: inspected and let through
till frank toll exit --card 0002 --class t2 --plate 冀B67890 --exempt green_channel \
  --inspector 王建国 --cargo 白菜 --inspection pass
# the card does not match the car: flagged, charged at the class seen
till frank toll exit --card 0003 --class p2 --seats 9 --plate 京C24680 --method wechat
# a lost card: charged from the farthest entry, plus the card fee
till frank toll exit --lost --class p1 --seats 5 --plate 鲁F55555 --method cash --tendered 110
till frank toll cards
toll_shift=$("$TILL" --config "$run/frank.conf" --json shift status | json shift_id)
till frank toll handover "$toll_shift"
till erin shift close --count none
toll_cash=$(fen_of "$("$TILL" --config "$run/bob.conf" --json shift status "$toll_shift" | json expected_cash)")
till frank shift close --count "$(count_for "$toll_cash")" --noncash wechat=78.00

# ---- an hour at a hospital window: grace bills two patients, takes a deposit --
# The price list is the admin's (docs/hospital.md); the server prices every
# line and checks the insurance split: total = fund + patient (+ hospital),
# patient = personal account + what is paid at the window.
till root admin terminal add HOSP-01 --description "门诊住院收费 1 号窗口"
till root admin series add HP --kind hospital --description "医疗收费票据"
till root hospital item add CT01 --name CT平扫 --unit 次 --price 320 --dept 放射科
till root hospital item add XR01 --name 胸部X线摄影 --unit 次 --price 120 --dept 放射科
till root hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
till root hospital item add BED01 --name 普通病房床位费 --unit 天 --price 60 --dept 住院部
till root hospital item add MED01 --name 阿莫西林胶囊 --unit 盒 --price 18.50 --dept 药房
till root hospital item list
TILL_PASSWORD=grace-pw till grace login grace
till grace shift open --count 10x10
# an outpatient: 500.00 = fund 231.00 + patient 269.00, of which 150.00 from
# the personal account and 119.00 in cash at the window
hosp_no=$("$TILL" --config "$run/grace.conf" --json bill new CT01 XR01 LAB01:2 --patient-id MZ0001 \
  --patient-name 张三 --fund 231 --patient 269 --account 150 --method cash --tendered 120 | json number)
till grace bill show "$hosp_no"
# a refund approved by the supervisor (docs/refunds.md): the patient is
# transferred before any examination; radiology and the lab confirm, bob
# approves, and the refund gives every line back in the bill's proportions --
# the fund's 231.00 and the account's 150.00 to their receivables, the
# window's 119.00 in cash from grace's drawer
till grace refund request "$hosp_no" --line CT01 --line XR01 --line LAB01:2 --reason "转院，检查未做" \
  --ref "放射科/检验科确认 0042"
till bob refund approve 2
till grace refund pay 2
# an inpatient's deposit (预交金) by card; his bill of 217.00 draws 117.00 from it
till grace hospital deposit ZY0009 --name 赵六 --amount 2000 --method card
till grace bill new BED01:3 MED01:2 --patient-id ZY0009 --patient-name 赵六 \
  --fund 100 --patient 117 --from-deposit
till grace hospital patient ZY0009
hosp_shift=$("$TILL" --config "$run/grace.conf" --json shift status | json shift_id)
hosp_cash=$(fen_of "$("$TILL" --config "$run/bob.conf" --json shift status "$hosp_shift" | json expected_cash)")
till grace shift close --count "$(count_for "$hosp_cash")" --noncash card=2000.00

# ---- evening: blind closes (dave is 10.00 short) -----------------------------
# The cashiers count their drawers; the demo reads the counts off the
# supervisor's X-report only because it has no hands to count with (a
# cashier's own X-report withholds the expected amounts).
open_ids=$("$TILL" --config "$run/bob.conf" --json shift list --state open | grep -o '"shift_id":[0-9]*' | cut -d: -f2)
alice_shift=$(echo "$open_ids" | sed -n 1p); dave_shift=$(echo "$open_ids" | sed -n 2p)
alice_cash=$(fen_of "$("$TILL" --config "$run/bob.conf" --json shift status "$alice_shift" | json expected_cash)")
dave_cash=$(fen_of "$("$TILL" --config "$run/bob.conf" --json shift status "$dave_shift" | json expected_cash)")
till alice shift close --count "$(count_for "$alice_cash")" --noncash card=0,wechat=5.00
till dave shift close --count "$(count_for $((dave_cash - 1000)))" --noncash card=108.00,alipay=81.00,wechat=62.00,cheque=5160.00

# ---- the supervisor signs off and takes the cash to the bank -----------------
till bob shift list --state closed
shifts=$("$TILL" --config "$run/bob.conf" --json shift list --state closed)
# grace's window gave its only cash (the outpatient's 119.00) back in the
# refund: her drawer holds the float alone, so nothing of it is banked
ids="$alice_shift,$dave_shift,$toll_shift"
till bob shift approve "$alice_shift"
till bob shift approve "$dave_shift" --note "short 10.00; dave informed"
till bob shift approve "$toll_shift"
till bob shift approve "$hosp_shift"
total=0
for d in $(echo "$shifts" | grep -o '"depositable":"[0-9.]*"' | cut -d'"' -f4); do total=$((total + $(fen_of "$d"))); done
till bob deposit pending --hours 0
till bob deposit create --shifts "$ids" --slip BANK-0001 --amount "$((total / 100)).$(printf %02d $((total % 100)))"
till bob deposit confirm 1
till bob audit checkpoint

# ---- 日清 and 月结: the supervisor closes the business date, reads the month --
# the business date is the server's: ask it rather than this machine's clock
today=$("$TILL" --config "$run/bob.conf" --json day status | json current_business_date)
till bob report daily
till bob day close --date "$today"
till bob day status
till bob target set --cashier alice --month "${today:0:7}" --amount 14.00
till bob target set --cashier dave --month "${today:0:7}" --amount 560.00
till bob report monthly --month "${today:0:7}"

# ---- the auditor trusts nothing ---------------------------------------------
TILL_PASSWORD=carol-pw till carol login carol
"$TILL" --config "$run/carol.conf" audit pubkey >"$run/server.pub"
till carol audit verify --pubkey "$run/server.pub"
till carol audit receipts --series "${number%-*}"
till carol audit ledger --cashier dave
till carol audit ledger --kind void --csv
# the export is a binary file of length-framed protobuf records
# (docs/ledger.md, "The export file"), not text
say "till audit export > run/ledger.tillx (carol)"
"$TILL" --config "$run/carol.conf" audit export >"$run/ledger.tillx"
till carol audit verify --file "$run/ledger.tillx" --pubkey "$run/server.pub"

# ---- the next business date: the close stopped nobody --------------------------
till alice shift open --count none
till alice sale PARK1H --method cash
till alice shift close --count 1x5
till bob report daily

echo
echo "demo: tilld is running on 127.0.0.1:$port (pid $(cat "$run/tilld.pid"), log $run/tilld.log)."
echo "demo: drive it by hand (README.md): $TILL --config $run/alice.conf shift open --count none"
echo "demo: stop it with: kill \$(cat $run/tilld.pid)"
# ---- web console ----
echo "demo: the web console is at $web_url (pid $(cat "$run/till-web.pid"), log $run/till-web.log):"
echo "demo:   log in as bob / bob-pw (supervisor) or carol / carol-pw (auditor); the browser"
echo "demo:   trusts it once it trusts certs/dev/ca.crt. Stop it with: kill \$(cat $run/till-web.pid)"
# ---- end of web console ----
