#!/usr/bin/env bash
# test_web_report.sh -- till-web's report pages (docs/web.md, "Reports"):
# the daily report's charts by hour, method, item and cashier and the
# monthly settlement (days, collectors against their targets with the
# ±5/10/15 % bands, billing's collection rate and arrears, tolls'
# vehicles and exemptions), against a real tilld and a real till-web on
# loopback, read in headless Chromium (chromium-driver, python3-selenium).
#
# The world: carol and dan sell parking and car washes (one of carol's
# voided), carol takes a heating payment from one of two households in two
# complexes charged for two seasons, dan bills a hospital patient and
# takes a deposit, erin works a toll exit lane (two paid
# cars, a green-channel truck and a military pass let through free), and
# targets put carol within 5 %, dan 5-10 % above and hal (no sales) beyond
# 15 % below. web_report.py then checks, figure by figure, that each
# page's tables equal what `till --json report daily|monthly`, `report
# collection`, `report arrears` and `toll report` print, that the hours
# equal sums it makes itself from the database (the payment entries, by
# the hour of each sale on the local clock), and that each chart has a
# bar for each row; that the pages have no script and no style
# attribute; bad dates and months are refused with a clear page; the
# pages are Chinese by default and English by the link; at 1366x768 and
# at 390x844 (a phone) nothing but a table scrolls sideways; printed, the
# header and forms are gone and the charts stay. Screenshots (both sizes)
# and the printed PDFs go to $TILL_TEST_TMP/test_web_report.artefacts/.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web_report

adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
sale() { expect_rc 0 till_user "$1" "$2" --json sale "$3" --method "$4"; }

step "the people, the catalogue and the business date"
register_lanes
adm admin terminal add T-GHOST --description "toll exit lane"
world_catalog PARK WASH
world_users carol dan erin hal sam audrey
world_login T-LANE-01:carol T-LANE-02:dan T-GHOST:erin ADMIN-01:sam ADMIN-01:audrey
expect_rc 0 till_user ADMIN-01 sam --json day status
DATE=$(json_field current_business_date)
MONTH=${DATE:0:7}
# the heating season that holds the month (seasons start on 11-15)
Y=${MONTH:0:4} MO=$((10#${MONTH:5:2}))
if [ "$MO" -ge 11 ]; then SEASON=$Y-$((Y + 1)) OLD=$((Y - 1))-$Y; else SEASON=$((Y - 1))-$Y OLD=$((Y - 2))-$((Y - 1)); fi
step "business date $DATE, month $MONTH, heating seasons $OLD and $SEASON"

step "billing: two households in two complexes, two seasons charged"
adm admin series add JF --kind billing --description "缴费收据"
adm payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 --area 89.37 --occupancy occupied
adm payer add --complex 幸福里 --unit 5-1-0202 --owner 李四 --area 100.00 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
adm scheme add heating --name 供暖费 --rule area_season --period season
adm tariff add --scheme heating --from 2020-01-01 --rate 24.00
adm charge run --scheme heating --period "$OLD"
adm charge run --scheme heating --period "$SEASON"

step "tolls: a network of two stations, the exit lane T-GHOST"
adm admin series add TL --kind toll
adm toll station set S01 --name 收费站S01 --series TL
adm toll station set S02 --name 收费站S02 --series TL
adm toll distance set S01 S02 --km 87.000
adm toll tariff set --from "$DATE" --min 5.00 --axle 0.1000 --card-fee 50.00 --card-hours 48 \
  --rates p1=0.45,p2=0.5,p3=0.7,p4=0.9,t1=0.45,t2=0.9,t3=1.2,t4=1.35,t5=1.5,t6=1.2345,s1=0.46,s2=0.91,s3=1.21,s4=1.36,s5=1.51,s6=1.6
adm toll lane set T-GHOST --station S02 --direction exit

step "a hospital's price list"
adm admin series add HP --kind hospital
adm hospital item add CT01 --name "CT平扫" --unit 次 --price 320 --dept 放射科
adm hospital item add XR01 --name "胸部X线摄影（正位）" --unit 次 --price 120.00 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科

step "the day: sales, a void, a heating payment, a hospital bill, a toll lane's hour"
expect_rc 0 till_user T-LANE-01 carol shift open --count 100x1
sale T-LANE-01 carol PARK:4 cash      # 20.00
sale T-LANE-01 carol WASH:2 wechat    #  5.00
sale T-LANE-01 carol PARK:2 card      # 10.00
sale T-LANE-01 carol PARK:1 cash      #  5.00, voided
num=$(json_field number)
expect_rc 0 till_user T-LANE-01 carol --json void "$num" --reason "wrong lane"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
# 500.00 of the current season's charge (the rest, and the older season, stay owed)
expect_rc 0 till_user T-LANE-01 carol pay "$P1" --amount 500.00 --method cash --tendered 500.00 \
  --charge "$(sql "SELECT id FROM charges WHERE payer_id = $P1 AND period = '$SEASON'")"
expect_rc 0 till_user T-LANE-02 dan shift open --count none
sale T-LANE-02 dan PARK:10 cash       # 50.00
sale T-LANE-02 dan WASH:4 card        # 10.00
# a hospital window's bill (500.00: the fund 231.00, the personal account
# 150.00, 119.00 in cash) and an inpatient's deposit
expect_rc 0 till_user T-LANE-02 dan bill new CT01 XR01:1 LAB01:2 --patient-id MZ0001 \
  --patient-name 张三 --fund 231.00 --patient 269.00 --account 150.00 --method cash --tendered 120
expect_rc 0 till_user T-LANE-02 dan hospital deposit ZY0009 --name 赵六 --amount 1000 --method wechat
expect_rc 0 till_user T-GHOST erin shift open --count none
expect_rc 0 till_user T-GHOST erin toll exit --entry S01 --class p1 --seats 5 --plate 京A12345 --method cash
expect_rc 0 till_user T-GHOST erin toll exit --entry S01 --class p2 --seats 7 --plate 京B33333 --method wechat
expect_rc 0 till_user T-GHOST erin toll exit --entry S01 --class t2 --plate 鲁F55555 \
  --exempt green_channel --inspector 王检 --cargo 白菜 --inspection pass
expect_rc 0 till_user T-GHOST erin toll exit --entry S01 --class t3 --axles 3 --plate 京G12345 \
  --exempt military --pass-ref JUN-0042

step "targets: carol within 5 % below, dan 5-10 % above, hal beyond 15 % below"
# carol collected 35.00 + 500.00 (the heating payment), dan 60.00
expect_rc 0 till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount 550.00
expect_rc 0 till_user ADMIN-01 sam target set --cashier dan --month "$MONTH" --amount 55.00
expect_rc 0 till_user ADMIN-01 sam target set --cashier hal --month "$MONTH" --amount 100.00
export BANDS="carol=within_5 dan=5_10 hal=beyond_15"

step "till-web's own terminal, WEB-01, registered like any other"
web_terminal
# no --language: the console's default, Chinese
start_web "$T/till-web.log"

AS_SAM="$TILL --config $T/term/ADMIN-01/till.conf --session $(user_session ADMIN-01 sam) --json"
export WEB_SUP=sam WEB_SUP_PW=$(world_password sam) WEB_CERT=$T/certs/server.crt
export WEB_DB=$DB DATE MONTH SEASON
export DAILY_CMD="$AS_SAM report daily --date $DATE"
export MONTHLY_CMD="$AS_SAM report monthly --month $MONTH"
export COLLECTION_CMD="$AS_SAM report collection --scheme heating --period $SEASON"
export ARREARS_CMD="$AS_SAM report arrears"
export TOLL_CMD="$AS_SAM toll report --from $MONTH-01 --to $DATE"

step "till report daily prints the takings by hour too"
expect_rc 0 till_user ADMIN-01 sam report daily --date "$DATE"
assert_last_contains "Takings by hour"
assert_last_contains "(a void in its sale's hour)"
sed -n "/^Takings by hour/,/^\$/p" "$T/last.out" >"$ART/daily-hours.txt"
hour=$(sql "SELECT strftime('%Y-%m-%d %H:00', min(at_ms) / 1000, 'unixepoch', 'localtime') FROM journal WHERE kind = 'sale'")
assert_last_contains "$hour"

state=$(ledger_state)
step "the report pages in the browser"
if ! timeout 180 "$PY" "$(dirname -- "$0")/web_report.py" "$URL" "$ART" >"$T/browser.out" 2>&1; then
  cat -- "$T/browser.out" >&9
  fail "the report page checks failed (above); screenshots in $ART"
fi
cat -- "$T/browser.out"
expect_state "$state" "reading the reports and bad input through till-web"
for f in daily-1366 daily-phone month-1366 month-phone daily-zh month-zh daily-en month-en; do
  [ -s "$ART/$f.png" ] || fail "no screenshot $f.png in $ART"
done
for f in daily month; do
  [ "$(head -c 5 -- "$ART/$f.pdf" 2>/dev/null)" = "%PDF-" ] || fail "no printed $f.pdf in $ART"
done

step "till-web stops on SIGTERM"
stop_web
