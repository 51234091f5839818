#!/usr/bin/env bash
# test_payer_find.sh -- `till payer find`, `list` and `edit` against a real
# tilld. find: a unit fragment, a phone's last digits, an owner's name by
# 1, 2 and 3+ characters (Chinese), at most 50 with "more", the table's
# Chinese columns aligned in display cells. list: one complex, paged with
# --after, bounded. edit: each change kept in payer_history (who, field,
# old and new value) and printed by `payer show`; a bad value or a unit
# already taken is refused with nothing written; only admins edit. The
# expected payers are computed here from the fixture.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam audrey
world_login T-LANE-01:carol T-LANE-02:sam T-LANE-02:audrey

step "fixture: 120 payers of 幸福家园 (owners 王n for odd n, 张三n for even), 3 of 阳光小区"
awk 'BEGIN {
  print "complex,unit,owner,phone,area,occupancy"
  for (n = 1; n <= 120; n++)
    printf "幸福家园,%d-1-%03d,%s%d,1390000%04d,80.00,occupied\n", int((n - 1) / 40) + 1, n, (n % 2 ? "王" : "张三"), n, n
  print "阳光小区,3-2-1101,欧阳娜娜,13912345678,87.50,occupied"
  print "阳光小区,3-2-1102,Li Lei,13800001111,90,vacant"
  print "阳光小区,3-2-1201,李雷,,90,unsold"
}' >"$T/p.csv"
expect_rc_contains 0 "imported 123 payers" till_as ADMIN-01 payer import "$T/p.csv"
ids() { sqlite3 -batch -noheader :memory: "SELECT group_concat(json_extract(value, '\$.id'))
  FROM json_each(readfile('$T/last.out'), '\$.payers')"; }
more() { sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/last.out'), '\$.more')"; }

step "find by a unit fragment, a phone's last digits, a name of 1, 2 and 3+ characters"
expect_rc 0 till_user T-LANE-01 carol --json payer find 3-2-11
assert_eq "121,122" "$(ids)" "find 3-2-11"
expect_rc 0 till_user T-LANE-01 carol --json payer find 5678
assert_eq "121" "$(ids)" "find by the phone's last digits"
expect_rc 0 till_user T-LANE-02 sam --json payer find 00117
assert_eq "117" "$(ids)" "find 00117"
expect_rc 0 till_user T-LANE-02 audrey --json payer find 欧
assert_eq "121" "$(ids)" "find 欧 (1 character)"
expect_rc 0 till_user T-LANE-01 carol --json payer find 李雷
assert_eq "123" "$(ids)" "find 李雷 (2 characters)"
expect_rc 0 till_user T-LANE-01 carol --json payer find 欧阳娜
assert_eq "121" "$(ids)" "find 欧阳娜 (3 characters)"
expect_rc 0 till_user T-LANE-01 carol --json payer find "li lei"
assert_eq "122" "$(ids)" "find 'li lei'"

step "at most 50, by number, with more"
want=$(awk 'BEGIN { for (n = 1; n <= 120 && c < 50; n += 2) { printf "%s%d", (c++ ? "," : ""), n } }')
expect_rc 0 till_user T-LANE-01 carol --json payer find 王
assert_eq "$want" "$(ids)" "find 王: the first 50 of 60"
assert_eq 1 "$(more)" "more after 50"
expect_rc 0 till_user T-LANE-01 carol --json payer find 张三11
assert_eq "110,112,114,116,118" "$(ids)" "find 张三11"
assert_eq 0 "$(more)" "no more"
expect_rc_contains 0 "more payers match" till_user T-LANE-01 carol payer find 王
expect_rc_contains 0 "no payer matches" till_user T-LANE-01 carol payer find 赵

step "the table's columns line up in display cells"
TILL_LANG=zh_CN expect_rc 0 till_user T-LANE-01 carol payer find 3-2-1
assert_last_contains "已入住"
# every line's OWNER column starts at the same display cell
python3 - "$T/last.out" <<'PY' || fail "columns do not line up"
import sys, unicodedata
def cells(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
starts = set()
for l in lines:
    owner = [w for w in ("业主", "欧阳娜娜", "Li Lei", "李雷") if w in l][0]
    starts.add(cells(l[:l.index(owner)]))
sys.exit(0 if len(starts) == 1 and len(lines) == 4 else 1)
PY

step "list one complex, paged with --after"
expect_rc 0 till_user T-LANE-01 carol --json payer list --complex 幸福家园 --limit 50
assert_eq "$(seq -s, 1 50)" "$(ids)" "page 1"
assert_eq 1 "$(more)" "page 1 has more"
expect_rc 0 till_user T-LANE-01 carol --json payer list --complex 幸福家园 --limit 50 --after 100
assert_eq "$(seq -s, 101 120)" "$(ids)" "last page"
assert_eq 0 "$(more)" "last page has no more"
expect_rc_contains 0 "--after 50" till_user T-LANE-01 carol payer list --complex 幸福家园 --limit 50
expect_rc_contains 2 "--limit '501' is not a number from 1 to 500" \
  till_user T-LANE-01 carol payer list --limit 501

step "edit keeps its history: who, when, field, old and new value"
expect_rc_contains 0 "area: 87.50 -> 90.00" till_as ADMIN-01 payer edit 121 --area 90 --owner 欧阳娜 \
  --phone 13912345679
assert_last_contains "owner: 欧阳娜娜 -> 欧阳娜"
expect_sql "121|owner|欧阳娜娜|欧阳娜|root
121|phone|13912345678|13912345679|root
121|area|87.50|90.00|root" \
  "SELECT payer_id, field, old_value, new_value, changed_by FROM payer_history ORDER BY id"
expect_sql "9000|欧阳娜" "SELECT area_centi, owner FROM payers WHERE id = 121"
expect_rc_contains 0 "nothing changed" till_as ADMIN-01 payer edit 121 --area 90.00
expect_sql 3 "SELECT count(*) FROM payer_history"
expect_rc 0 till_user T-LANE-01 carol payer show 121
assert_last_contains "changes:"
last_matches "root +area +87.50 +90.00" || fail "show lacks root +area +87.50 +90.00"
last_matches "root +owner +欧阳娜娜 +欧阳娜" || fail "show lacks root +owner +欧阳娜娜 +欧阳娜"
TILL_LANG=zh_CN expect_rc 0 till_user T-LANE-01 carol payer show 121
last_matches "root +面积 +87.50 +90.00" || fail "the Chinese history lacks root 面积 87.50 90.00"
last_matches "root +业主 +欧阳娜娜 +欧阳娜" || fail "the Chinese history lacks root 业主 欧阳娜娜 欧阳娜"
expect_rc 0 till_user T-LANE-01 carol --json payer show 121
assert_last_contains '"field":"phone","old":"13912345678","new":"13912345679"'
# find follows the edit: the old name no longer, the new one and the new phone yes
expect_rc 0 till_user T-LANE-01 carol --json payer find 娜娜
assert_eq "" "$(ids)" "old name"
expect_rc 0 till_user T-LANE-01 carol --json payer find 45679
assert_eq "121" "$(ids)" "new phone"

step "bad edits are refused and write nothing; only admins edit"
expect_rc_contains 11 "area 90.123 has more than two decimals" till_as ADMIN-01 payer edit 121 --area 90.123
expect_rc_contains 11 "occupancy 'let' is not one of" till_as ADMIN-01 payer edit 121 --owner 某 --occupancy let
expect_rc_contains 16 "unit 3-2-1102 of 阳光小区 is already a payer" till_as ADMIN-01 payer edit 121 \
  --phone 1 --unit 3-2-1102
expect_rc_contains 14 "no payer 999" till_as ADMIN-01 payer edit 999 --area 1
expect_rc_contains 13 "payer edit: your roles do not allow this request" till_user T-LANE-01 carol \
  payer edit 121 --area 1
expect_rc_contains 13 "payer edit: your roles do not allow" till_user T-LANE-02 sam payer edit 121 --area 1
expect_rc_contains 13 "payer edit: your roles do not allow" till_user T-LANE-02 audrey payer edit 121 --area 1
expect_sql "3|9000|欧阳娜|13912345679|3-2-1101|occupied" "SELECT (SELECT count(*) FROM payer_history),
  area_centi, owner, phone, unit, occupancy FROM payers WHERE id = 121"
check_log_clean
