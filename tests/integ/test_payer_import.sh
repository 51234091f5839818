#!/usr/bin/env bash
# test_payer_import.sh -- payers against a real tilld: `till payer add` and
# `till payer show` (by number and by COMPLEX/UNIT, Chinese as written, the
# area stored in hundredths of m²), `till payer import FILE.csv` of 500 rows
# (quoted fields, a Chinese header, CRLF), and all-or-nothing imports: a
# file with bad rows writes nothing and lists every bad row with its line,
# column and reason -- rows the client cannot read (an unclosed quote, a
# wrong number of fields) and rows the server refuses (three decimals, an
# unknown occupancy, a unit twice in the file or already a payer). Bad
# input to add is refused with nothing written; only admins add or import;
# every role may show. Figures come from the fixture, computed here.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam audrey
world_login T-LANE-01:carol T-LANE-02:sam T-LANE-02:audrey
payers() { sql "SELECT count(*) FROM payers"; }

step "payer add: a Chinese owner, area 87.5 m² stored as 8750"
expect_rc_contains 0 "added payer" till_as ADMIN-01 payer add --complex 阳光小区 --unit 3-2-1101 \
  --owner 王小明 --phone 13912345678 --area 87.5 --occupancy occupied --tags 低保,一楼
expect_sql "1|阳光小区|3-2-1101|王小明|13912345678|8750|occupied|低保,一楼|root" \
  "SELECT id, complex, unit, owner, phone, area_centi, occupancy, tags, created_by FROM payers"
assert_last_contains "87.50 m²"

step "payer show by number and by COMPLEX/UNIT, for every role"
expect_rc_contains 0 "王小明" till_user T-LANE-01 carol payer show 1
assert_last_contains "3-2-1101"
expect_rc_contains 0 "13912345678" till_user T-LANE-02 sam payer show 阳光小区/3-2-1101
expect_rc_contains 0 '"area_centi":8750' till_user T-LANE-02 audrey --json payer show 1
expect_rc_contains 14 "no payer 99" till_user T-LANE-01 carol payer show 99
expect_rc_contains 2 "is not a payer" till_user T-LANE-01 carol payer show abc

step "bad input to add is refused, nothing written"
expect_rc_contains 11 "area 87.505 has more than two decimals" till_as ADMIN-01 payer add \
  --complex 阳光小区 --unit 3-2-1102 --owner 李四 --area 87.505 --occupancy occupied
expect_rc_contains 11 "occupancy 'rented' is not one of occupied, vacant, unsold" \
  till_as ADMIN-01 payer add --complex 阳光小区 --unit 3-2-1102 --owner 李四 --area 80 \
  --occupancy rented
expect_rc_contains 16 "unit 3-2-1101 of 阳光小区 is already a payer" till_as ADMIN-01 payer add \
  --complex 阳光小区 --unit 3-2-1101 --owner 李四 --area 80 --occupancy vacant
expect_rc_contains 11 "phone '12ab' is not up to 20 digits" till_as ADMIN-01 payer add \
  --complex 阳光小区 --unit 3-2-1102 --owner 李四 --area 80 --occupancy vacant --phone 12ab
assert_eq 1 "$(payers)" "payers after refused adds"

step "only admins add or import; a cashier, supervisor or auditor is refused"
expect_rc_contains 13 "payer add: your roles do not allow this request" till_user T-LANE-01 carol \
  payer add --complex 阳光小区 --unit 9-9-999 --owner 赵六 --area 80 --occupancy vacant
printf 'complex,unit,owner,area,occupancy\n阳光小区,9-9-998,赵六,80,vacant\n' >"$T/one.csv"
expect_rc_contains 13 "payer import: your roles do not allow" till_user T-LANE-02 sam payer import "$T/one.csv"
expect_rc_contains 13 "payer import: your roles do not allow" till_user T-LANE-02 audrey payer import "$T/one.csv"
assert_eq 1 "$(payers)" "payers after refused roles"

step "a good import of 500 rows: Chinese header, quoted fields, CRLF"
# 500 units of 幸福家园: building b (1-5), entrance e (1-2), floor f (1-25),
# flat 1 or 2; the area and occupancy follow from the row's number
awk 'BEGIN {
  printf "小区,房号,业主,电话,面积,状态,标签\r\n"
  split("occupied vacant unsold", occ, " ")
  n = 0
  for (b = 1; b <= 5; b++) for (e = 1; e <= 2; e++) for (f = 1; f <= 25; f++) for (x = 1; x <= 2; x++) {
    n++
    area = 6000 + (n * 37) % 9000
    printf "幸福家园,%d-%d-%d%02d,\"业主%d号, 张\",139%08d,%d.%02d,%s,\"tag \"\"%d\"\"\"\r\n", \
      b, e, f, x, n, n, int(area / 100), area % 100, occ[n % 3 + 1], n
  }
}' >"$T/good.csv"
assert_eq 501 "$(wc -l <"$T/good.csv")" "lines of the fixture"
want_sum=$(awk -F, 'NR > 1 { split($6, a, "."); s += a[1] * 100 + a[2] } END { print s }' "$T/good.csv")
want_vacant=$(awk -F, 'NR > 1 && $7 == "vacant" { n++ } END { print n }' "$T/good.csv")
expect_rc_contains 0 "imported 500 payers, numbers 2 to 501" till_as ADMIN-01 payer import "$T/good.csv"
expect_sql "500|$want_sum|$want_vacant" "SELECT count(*), sum(area_centi), sum(occupancy = 'vacant')
  FROM payers WHERE complex = '幸福家园'"
expect_sql '业主7号, 张|tag "7"|13900000007|1-1-401' \
  "SELECT owner, tags, phone, unit FROM payers WHERE complex = '幸福家园' AND owner LIKE '业主7号%'"

step "import with one bad row writes nothing and names line, column and reason"
{
  printf 'complex,unit,owner,phone,area,occupancy\n'
  for i in 1 2 3; do printf '月亮湾,1-1-%d01,钱%d,,90.00,occupied\n' "$i" "$i"; done
  printf '月亮湾,1-1-401,孙七,,90.005,occupied\n'      # line 5: three decimals
  for i in 5 6; do printf '月亮湾,1-1-%d01,钱%d,,90.00,vacant\n' "$i" "$i"; done
} >"$T/bad1.csv"
expect_rc 11 till_as ADMIN-01 payer import "$T/bad1.csv"
assert_last_contains "nothing was written"
assert_last_contains "line 5, column area: area 90.005 has more than two decimals"
assert_eq 1 "$(grep -c '^line ' "$T/last.err")" "problems listed for one bad row"
expect_sql 0 "SELECT count(*) FROM payers WHERE complex = '月亮湾'"

step "every bad row is listed: occupancy, a duplicate in the file and with the database"
{
  printf 'complex,unit,owner,phone,area,occupancy\n'
  printf '月亮湾,2-1-101,周一,,90.00,rented\n'              # line 2: occupancy
  printf '月亮湾,2-1-102,周二,,88,occupied\n'              # line 3: good
  printf '月亮湾,2-1-102,周三,,88,vacant\n'                # line 4: twice in the file
  printf '幸福家园,1-1-101,周四,,88,vacant\n'              # line 5: already payer 2
  printf '月亮湾,2-1-105,,,88.1.2,vacant\n'               # line 6: owner empty and area
} >"$T/bad2.csv"
expect_rc 11 till_as ADMIN-01 payer import "$T/bad2.csv"
assert_last_contains "line 2, column occupancy: occupancy 'rented' is not one of occupied, vacant, unsold."
assert_last_contains "line 4, column unit: unit 2-1-102 of 月亮湾 appears twice; first on line 3."
assert_last_contains "line 5, column unit: unit 1-1-101 of 幸福家园 is already payer 2."
assert_last_contains "line 6, column owner: owner is empty; it is required."
assert_last_contains "line 6, column area: area '88.1.2' is not square metres like 87 or 87.50."
assert_eq 5 "$(grep -c '^line ' "$T/last.err")" "problems listed"
expect_rc 11 till_as ADMIN-01 --json payer import "$T/bad2.csv"
assert_last_contains '{"line":4,"column":"unit","reason":"unit 2-1-102 of 月亮湾 appears twice; first on line 3."}'
expect_sql 0 "SELECT count(*) FROM payers WHERE complex = '月亮湾'"
# a Chinese office reads the column as its own heading says it (状态), not
# the English name
TILL_LANG=zh_CN expect_rc 11 till_as ADMIN-01 payer import "$T/bad2.csv"
assert_last_contains "第 2 行，状态 列："
assert_last_contains "第 6 行，业主 列："
assert_last_lacks "occupancy 列"

step "rows the client cannot read are listed and nothing is sent"
printf 'complex,unit,owner,area,occupancy\n月亮湾,3-1-101,"吴一,90,vacant\n' >"$T/bad3.csv"
expect_rc_contains 11 "line 2, column owner: a quoted field is not closed" till_as ADMIN-01 payer import "$T/bad3.csv"
printf 'complex,unit,owner,area,occupancy\n月亮湾,3-1-101,吴一,90\n月亮湾,3-1-102,吴"二,90,vacant\n' >"$T/bad4.csv"
expect_rc 11 till_as ADMIN-01 payer import "$T/bad4.csv"
assert_last_contains "line 2: the line has 4 fields where the header names 5"
assert_last_contains "line 3, column owner: a quote inside a field that does not begin with one"
printf 'complex,unit,owner,size,occupancy\n' >"$T/bad5.csv"
expect_rc_contains 11 "line 1: the header names an unknown column 'size'" till_as ADMIN-01 payer import "$T/bad5.csv"
expect_sql 0 "SELECT count(*) FROM payers WHERE complex = '月亮湾'"

step "above 5000 rows the client refuses the file and sends nothing"
awk 'BEGIN { print "complex,unit,owner,area,occupancy"; for (i = 1; i <= 5001; i++) printf "大,%d,某,1,vacant\n", i }' >"$T/big.csv"
expect_rc_contains 2 "more than 5000 rows" till_as ADMIN-01 payer import "$T/big.csv"
expect_sql 0 "SELECT count(*) FROM payers WHERE complex = '大'"

step "the index for find holds every payer; nothing else was written"
expect_sql 501 "SELECT count(*) FROM payers"
check_log_clean
