#!/usr/bin/env bash
# test_i18n.sh -- the counter in the users' language: the same session in
# Simplified Chinese and in English, chosen by the client's `language`
# setting, by $TILL_LANG, or by the locale; the server's refusals reach the
# cashier as sentences in their language with the figures in them, while
# --json keeps the wire code and the server's English message. Then the
# session, void, deposit and audit commands in both languages: their words,
# their tables aligned in display cells (a Chinese character is two), and
# their machine formats (--json, --csv) the same in either language. Then
# the shift, report, day, admin and receipt commands the same way: a
# cashier's blind X-report, the close's Z-report with the counts by
# denomination, a supervisor's X-report and shift list, the daily and
# monthly reports, day status, the user and item lists, a receipt.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

export LC_ALL=C.UTF-8

register_lanes
world_catalog
world_item HEAT "采暖费 2025-26" 120.00
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

# zh ARGS... -- carol's till in Chinese, chosen by the configuration
zh() { TILL_LANG= till_user T-LANE-01 carol "$@"; }
en() { TILL_LANG=en till_user T-LANE-01 carol "$@"; }
conf=$T/term/T-LANE-01/till.conf
printf 'language = zh_CN\n' >>"$conf"

step "a tendered amount below the total: the cashier reads it in Chinese"
expect_rc 11 zh sale HEAT --method cash --tendered 100.00
assert_last_contains "收到金额 100.00 元少于应收 120.00 元"
assert_last_contains "输入有误"
step "a memo with a control character: named, with where it is, in either language"
expect_rc 11 zh sale HEAT --method cash --memo $'plate\x01x'
assert_last_contains "memo 在第 6 字节处含有控制字符 U+0001；只允许文字和制表符"
expect_rc 11 en sale HEAT --method cash --memo $'plate\x01x'
assert_last_contains "memo holds the control character U+0001 at byte 6; only text and tabs are allowed"
step "the same in English, by TILL_LANG over the configuration"
expect_rc 11 en sale HEAT --method cash --tendered 100.00
assert_last_contains "invalid argument: tendered 100.00 is less than the total 120.00"
step "--json keeps the wire code and the English message, with the text beside"
expect_rc 11 zh --json sale HEAT --method cash --tendered 100.00
assert_eq INVALID_ARGUMENT "$(json_field code)" "wire code"
assert_last_contains '"message":"tendered 100.00 is less than the total 120.00"'
assert_last_contains '"text":"收到金额 100.00 元少于应收 120.00 元"'
step "a bad language setting is refused, naming the choices"
sed -i 's/^language = zh_CN$/language = fr/' "$conf"
expect_rc 2 zh whoami
assert_last_contains "not one of zh_CN, en"
sed -i 's/^language = fr$/language = zh_CN/' "$conf"

step "a request the cashier's roles do not allow: refused in her language, naming the request"
expect_rc 13 zh admin user list
assert_last_contains "user list：您的角色无权执行此操作"
expect_rc 13 en admin user list
assert_last_contains "user list: your roles do not allow this request"

step "nothing was posted by the refusals"
expect_sql 0 "SELECT count(*) FROM journal WHERE kind = 'sale'"

# ---- the session, void, deposit and audit commands in both languages ----------

# zh_as / en_as TERMINAL USER ARGS... -- another user's till, by TILL_LANG
zh_as() { TILL_LANG=zh_CN till_user "$@"; }
en_as() { TILL_LANG=en till_user "$@"; }

# cells_to TEXT -- the display cells of the first line of the last stdout
# holding TEXT, up to and including TEXT (wc -L counts a CJK character as two)
cells_to() {
  local line
  line=$(grep -m1 -F -- "$1" "$T/last.out") || fail "no line holds '$1'"
  printf '%s' "${line%%"$1"*}$1" | wc -L
}
# cells_before TEXT -- the same, up to TEXT: the cell where TEXT starts
cells_before() { echo $(($(cells_to "$1") - $(printf '%s' "$1" | wc -L))); }
# same_column WHAT A B -- TEXT A and TEXT B start at the same cell
same_column() {
  assert_eq "$(cells_before "$2")" "$(cells_before "$3")" "$1: '$2' and '$3' in one column"
}
# same_end WHAT A B -- A and B end at the same cell (right-aligned numbers)
same_end() { assert_eq "$(cells_to "$2")" "$(cells_to "$3")" "$1: '$2' and '$3' end together"; }
# same_width WHAT A B -- the lines holding A and B are as wide (a table
# whose last column is right-aligned)
same_width() {
  local a b
  a=$(grep -m1 -F -- "$2" "$T/last.out" | tr -d '\n' | wc -L)
  b=$(grep -m1 -F -- "$3" "$T/last.out" | tr -d '\n' | wc -L)
  assert_eq "$a" "$b" "$1: the lines of '$2' and '$3' as wide"
}
# label_column -- every line of the last stdout has its value at one cell:
# the label and the spaces after it are as wide on each line
label_column() {
  local widths
  widths=$(sed -E 's/^([^ ]+ +).*/\1/' "$T/last.out" | while IFS= read -r l; do
    printf '%s' "$l" | wc -L
  done | sort -u | wc -l)
  assert_eq 1 "$widths" "$1: the values in one column"
}

step "login and whoami in Chinese: the labels translated, the values in one column"
TILL_PASSWORD=$(world_password carol) expect_rc 0 zh login carol
assert_last_contains "已登录"
for w in 用户 角色 终端 有效期至; do assert_last_contains "$w"; done
expect_rc 0 zh whoami
assert_last_contains "carol"
label_column "whoami in Chinese"
same_column "whoami in Chinese" "carol" "T-LANE-01"
step "the same in English"
TILL_PASSWORD=$(world_password carol) expect_rc_contains 0 "logged in" en login carol
expect_rc 0 en whoami
assert_last_contains "user      carol"
assert_last_contains "roles     cashier"
assert_last_contains "terminal  T-LANE-01"
label_column "whoami in English"
step "not logged in: the client's own refusal in Chinese, --json keeps the English"
zh_nowhere() { TILL_LANG= till_as T-LANE-01 --session "$T/nowhere.session" "$@"; }
expect_rc_contains 12 "未登录：请先运行" zh_nowhere whoami
expect_rc 12 zh_nowhere --json whoami
assert_last_contains '"message":"not logged in: run '"'till login USER'"' first"'

step "two sales; a void asked for in Chinese and one in English"
expect_rc 0 zh --json sale HEAT --method cash
N1=$(json_field number)
T1=$(json_field txn_id)
S=$(json_field series)
expect_rc 0 zh --json sale HEAT --method wechat
N2=$(json_field number)
expect_rc 0 zh void "$N1" --reason "车牌号录错了"
assert_last_contains "已申请作废，须经主管审批"
for w in 编号 票据号 金额 状态 申请人 审批人 原因; do assert_last_contains "$w"; done
same_column "void in Chinese" "原因" "车牌号录错了"
same_column "void in Chinese" "票据号" "$N1"
same_end "void in Chinese" "金额" "120.00"
expect_rc 0 en void "$N2" --reason "paid twice"
assert_last_contains "void requested; a supervisor must approve it"
same_column "void in English" "REASON" "paid twice"
same_column "void in English" "RECEIPT" "$N2"
same_end "void in English" "AMOUNT" "120.00"
step "asking again: the server's refusal, translated whole"
expect_rc 16 zh void "$N1" --reason "again"
assert_last_contains "票据 $N1 已有待审批的作废申请"
expect_rc 16 en void "$N1" --reason "again"
assert_last_contains "a void of $N1 is already pending"
expect_rc 0 en_as ADMIN-01 sam --json void list --state pending
assert_last_contains '"state":"pending","reason":"车牌号录错了"'

step "void list: the header and both requests in columns, in either language"
expect_rc 0 zh_as ADMIN-01 sam void list
same_column "void list in Chinese" "原因" "车牌号录错了"
same_column "void list in Chinese" "车牌号录错了" "paid twice"
same_column "void list in Chinese" "申请人" "carol"
expect_rc 0 en_as ADMIN-01 sam void list
same_column "void list in English" "REASON" "车牌号录错了"
same_column "void list in English" "REASON" "paid twice"
expect_rc 0 zh_as ADMIN-01 sam --json void list
zh_json=$(cat "$T/last.out")
expect_rc 0 en_as ADMIN-01 sam --json void list
assert_eq "$zh_json" "$(cat "$T/last.out")" "void list --json in either language"
V1=$(sql "SELECT id FROM void_requests WHERE reason = '车牌号录错了'")
V2=$(sql "SELECT id FROM void_requests WHERE reason = 'paid twice'")
expect_rc_contains 0 "作废申请：" zh_as ADMIN-01 sam void approve "$V1" --note "核对无误"
expect_rc_contains 0 "void " en_as ADMIN-01 sam void reject "$V2" --note "receipt is fine"

step "deposit pending: the sentence in Chinese and in English"
expect_rc_contains 0 "小时仍未缴存的现金：0.00" zh_as ADMIN-01 sam deposit pending --hours 0
expect_rc_contains 0 "cash closed more than 0 hours ago and not deposited: 0.00" \
  en_as ADMIN-01 sam deposit pending --hours 0
expect_rc_contains 2 "--hours 须为 0 至 8784" zh_as ADMIN-01 sam deposit pending --hours -1

step "audit receipts: complete, the voided number in a table, in either language"
expect_rc 0 zh_as T-LANE-02 audrey audit receipts --series "$S"
assert_last_contains "票据序列 $S：$S-00000001..$S-00000002，流水中有 2 个号（应有 2 个）：完整"
assert_last_contains "已作废的票据（1 张）"
same_column "voided numbers in Chinese" "原因" "车牌号录错了"
same_column "voided numbers in Chinese" "批准人" "sam"
expect_rc 0 en_as T-LANE-02 audrey audit receipts --series "$S"
assert_last_contains "series $S: $S-00000001..$S-00000002, 2 of 2 numbers in the journal: complete"
same_column "voided numbers in English" "REASON" "车牌号录错了"

step "audit txn: the sale, its entries aligned under the Chinese headers"
expect_rc 0 zh_as T-LANE-02 audrey audit txn "$T1"
assert_last_contains "交易 $T1：收费，时间"
assert_last_contains "收费员 carol"
assert_last_contains "票据 $N1，支付方式"
assert_last_contains "哈希 "
assert_last_contains "作废申请 $V1"
for w in 序号 账户 金额 收费项目 数量 单价; do assert_last_contains "$w"; done
same_column "entries in Chinese" "  收费项目" "  HEAT"
same_column "entries in Chinese" "账户" "drawer:"
same_end "entries in Chinese" "金额" "-120.00"
same_width "entries in Chinese" "序号" "revenue:HEAT"
expect_rc 0 en_as T-LANE-02 audrey audit txn "$T1"
assert_last_contains "transaction $T1: sale at "
assert_last_contains "receipt $N1, method cash"
same_column "entries in English" "  ITEM" "  HEAT"
same_end "entries in English" "AMOUNT" "-120.00"
same_width "entries in English" "SEQ" "revenue:HEAT"
last_matches "^1 +drawer:shift:[0-9]+ +120\.00\$" || fail "the drawer entry has trailing blanks"

step "audit ledger: every line of the table as wide, in either language; --csv and --json the same"
for lang in zh en; do
  expect_rc 0 ${lang}_as T-LANE-02 audrey audit ledger
  # the table: the lines before the total's
  total=$(grep -n -m1 -E '^(共 [0-9]+ 笔交易|[0-9]+ transactions? up to)' "$T/last.out" | cut -d: -f1)
  rows=$((${total:-1} - 1))
  [ "$rows" -ge 4 ] || fail "audit ledger in $lang: $rows table lines"
  widths=$(head -n "$rows" "$T/last.out" | while IFS= read -r l; do printf '%s' "$l" | wc -L; done |
    sort -u | wc -l)
  assert_eq 1 "$widths" "audit ledger in $lang: the table's lines as wide"
  cp -- "$T/last.out" "$T/ledger.$lang"
done
for w in 编号 时间 类型 终端 收费员 班次 票据号 支付方式 金额 收费 作废 本终端的当地时间; do
  grep -qF -- "$w" "$T/ledger.zh" || fail "audit ledger in Chinese lacks $w"
done
grep -qE "^共 [0-9]+ 笔交易（截至交易 [0-9]+），合计 " "$T/ledger.zh" || fail "the Chinese total line"
grep -qE "^[0-9]+ transactions up to transaction [0-9]+, total " "$T/ledger.en" ||
  fail "the English total line"
for fmt in --csv --json; do
  if [ "$fmt" = --json ]; then set -- --json audit ledger; else set -- audit ledger --csv; fi
  expect_rc 0 zh_as T-LANE-02 audrey "$@"
  cp -- "$T/last.out" "$T/machine.zh"
  expect_rc 0 en_as T-LANE-02 audrey "$@"
  cmp -s -- "$T/machine.zh" "$T/last.out" || fail "audit ledger $fmt differs between the languages"
done
expect_rc_contains 11 "till：输入有误：--shift 须为整数，输入的是 1x" \
  zh_as T-LANE-02 audrey audit ledger --shift 1x

step "audit verify: sound, in either language; a failure in Chinese, its --json in English"
expect_rc_contains 0 "已为交易" zh_as ADMIN-01 sam audit checkpoint
expect_rc 0 zh_as T-LANE-02 audrey audit verify
assert_last_contains "账本校验通过：交易"
assert_last_contains "签名：1 个有效"
assert_last_contains "票据序列 $S：1..2 完整（2 张票据）"
assert_last_contains "正在用服务器出示的公钥校验签名"
expect_rc_contains 0 "ledger verified: " en_as T-LANE-02 audrey audit verify
assert_last_contains "series $S: 1..2 complete (2 receipts)"
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
openssl pkey -in "$T/other.key" -pubout -out "$T/other.pem"
expect_rc_contains 1 "till：校验失败：签名密钥 1 不在 $T/other.pem 的指定公钥之中，也没有由其中任何一把背书" \
  zh_as T-LANE-02 audrey audit verify --pubkey "$T/other.pem"
expect_rc 1 zh_as T-LANE-02 audrey --json audit verify --pubkey "$T/other.pem"
assert_last_contains "\"error\":\"signing key 1 is not among the pinned keys in $T/other.pem, nor endorsed by one of them\""

step "audit verify --file: an export's failure in Chinese, in English by --json"
expect_rc_contains 0 "till：已导出交易" zh_as T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
expect_rc_contains 0 "导出文件校验通过：交易" env TILL_LANG=zh_CN "$TILL" audit verify --file "$T/all.tex"
head -c 100 -- "$T/all.tex" >"$T/cut.tex"
expect_rc_contains 1 "till：校验失败（第 " env TILL_LANG=zh_CN "$TILL" audit verify --file "$T/cut.tex"
expect_rc 1 env TILL_LANG=zh_CN "$TILL" --json audit verify --file "$T/cut.tex"
last_matches '"error":"at byte [0-9]+: the file ends inside a record' ||
  fail "the --json error of a cut file is not the English message"

# ---- the shift, report, day, admin and receipt commands in both languages ------

# line_cells TEXT -- the display cells of the first line of the last stdout
# holding TEXT
line_cells() {
  local line
  line=$(grep -m1 -F -- "$1" "$T/last.out") || fail "no line holds '$1'"
  printf '%s' "$line" | wc -L
}
# all_at WHAT TEXT -- every line of the last stdout holding TEXT has it
# starting at one cell
all_at() {
  local n
  n=$(grep -F -- "$2" "$T/last.out" | while IFS= read -r l; do
    printf '%s' "${l%%"$2"*}" | wc -L
  done | sort -u | wc -l)
  assert_eq 1 "$n" "$1: every '$2' at one cell"
}
# max_cells WHAT N -- no line of the last stdout is wider than N cells
max_cells() {
  local w
  w=$(wc -L <"$T/last.out")
  [ "$w" -le "$2" ] || { _show_last; fail "$1: a line of $w cells, wider than $2"; }
}
# amounts_at WHAT N -- every line that starts with a label and ends in an
# amount (the report's label lines and table rows) is N cells wide: the
# amounts end in one column
amounts_at() {
  local n
  n=$(grep -E '^[^ ].*[0-9]\.[0-9][0-9]$' "$T/last.out" | while IFS= read -r l; do
    printf '%s' "$l" | wc -L
  done | sort -u | tr '\n' ' ')
  assert_eq "$2 " "$n" "$1: the widths of the lines ending in an amount"
}
# same_json WHO... -- the command after "--" prints the same --json in
# Chinese and in English; WHO is "TERMINAL USER", or "root" (ADMIN-01's own
# session)
same_json() {
  local who=()
  while [ "$1" != -- ]; do who+=("$1"); shift; done
  shift
  if [ "${who[0]}" = root ]; then
    expect_rc 0 env TILL_LANG=zh_CN "$TILL" --config "$T/term/ADMIN-01/till.conf" --json "$@"
    cp -- "$T/last.out" "$T/json.zh"
    expect_rc 0 env TILL_LANG=en "$TILL" --config "$T/term/ADMIN-01/till.conf" --json "$@"
  else
    expect_rc 0 zh_as "${who[@]}" --json "$@"
    cp -- "$T/last.out" "$T/json.zh"
    expect_rc 0 en_as "${who[@]}" --json "$@"
  fi
  cmp -s -- "$T/json.zh" "$T/last.out" || fail "--json $* differs between the languages"
}
zh_root() { TILL_LANG=zh_CN till_as ADMIN-01 "$@"; }
en_root() { TILL_LANG=en till_as ADMIN-01 "$@"; }

step "shift status, carol's own open shift: blind, the withheld figures said so in Chinese"
expect_rc 0 zh --json shift status
SID=$(json_field shift_id)
[[ $SID =~ ^[1-9][0-9]*$ ]] || fail "no shift id: $(last_output)"
expect_rc 0 zh shift status
for w in "X 报表（班中）" 班次 终端 收费员 "（营业日）" 开班时间 备用金 收款 应有现金 重打次数 盲交班; do
  assert_last_contains "$w"
done
all_at "blind X-report in Chinese" "暂不显示（交班后可见）"
assert_eq 16 "$(cells_before "暂不显示（交班后可见）")" "the withheld lines' values at cell 16"
assert_eq 10 "$(cells_before "T-LANE-01")" "the X-report's values at cell 10"
same_column "blind X-report in Chinese" "T-LANE-01" "carol"
if last_matches '[0-9]\.[0-9][0-9]'; then _show_last; fail "a blind X-report in Chinese shows an amount"; fi
max_cells "blind X-report in Chinese" 42
expect_rc 0 en shift status
assert_last_contains "X-REPORT (RUNNING)"
assert_last_contains "Opening float   withheld until the close"
assert_last_contains "Expected cash   withheld until the close"
last_matches "^Terminal  T-LANE-01\$" || fail "the English X-report's terminal line"
same_json T-LANE-01 carol -- shift status

step "shift status, the supervisor's view of carol's shift: every figure, the amounts in one column"
expect_rc 0 zh_as ADMIN-01 sam shift status "$SID"
for w in 备用金点钞 "（无纸币或硬币）" 支付方式 收费金额 作废金额 应收 项目 数量 金额 "应有现金（含备用金）"; do
  assert_last_contains "$w"
done
last_matches "^票据 +2 +作废 1 +重打 0\$" || fail "the Chinese count of receipts"
amounts_at "X-report in Chinese" 42
assert_eq 42 "$(line_cells 支付方式)" "the methods' heading in Chinese"
assert_eq 42 "$(line_cells 数量)" "the items' heading in Chinese"
last_matches "^采暖费 2025-26 +[0-9]+ +[0-9]+\.[0-9][0-9]\$" || fail "the X-report's item line names the item"
assert_eq 42 "$(line_cells "采暖费 2025-26")" "the item line in Chinese"
max_cells "X-report in Chinese" 42
expect_rc 0 en_as ADMIN-01 sam shift status "$SID"
last_matches "^Method +Sales +Voided +Expected\$" || fail "the English methods' heading"
last_matches "^Expected cash \(float incl\.\) +0\.00\$" || fail "the English expected cash"
amounts_at "X-report in English" 42
same_json ADMIN-01 sam -- shift status "$SID"

step "shift list: the Chinese headings over their columns, in either language"
expect_rc 0 zh_as ADMIN-01 sam shift list
for w in 班次 终端 收费员 营业日 状态 交班时间 实点现金 长短款 应缴存 缴存; do assert_last_contains "$w"; done
same_column "shift list in Chinese" "收费员" "carol"
same_column "shift list in Chinese" "营业日" "$(date +%Y)-"
same_end "shift list in Chinese" "实点现金" "0.00"
expect_rc 0 en_as ADMIN-01 sam shift list
same_column "shift list in English" "CASHIER" "carol"
same_end "shift list in English" "COUNTED" "0.00"
same_json ADMIN-01 sam -- shift list

step "shift close in Chinese: the Z-report with the count by denomination"
expect_rc 0 zh shift close --count 10x1,0.5x2 --noncash wechat=120.00
for w in "Z 报表（已交班）" 交班时间 现金点钞 实点 "哈希链    已在交易"; do assert_last_contains "$w"; done
last_matches "^ +10\.00 x +1 = +10\.00\$" || fail "the 10.00 line of the count"
last_matches "^ +0\.50 x +2 = +1\.00\$" || fail "the 0.50 line of the count"
last_matches "^实点现金 +11\.00\$" || fail "the counted cash in Chinese"
last_matches "^长款 +11\.00\$" || fail "the overage in Chinese"
last_matches "^  应收 120\.00 +长短款 0\.00\$" || fail "wechat's expected and variance in Chinese"
amounts_at "Z-report in Chinese" 42
max_cells "Z-report in Chinese" 42
expect_sql 1100 "SELECT counted_cash FROM shifts WHERE id = $SID"
step "the same Z-report in English"
expect_rc 0 en shift status "$SID"
assert_last_contains "Z-REPORT (CLOSED)"
assert_last_contains "Cash count"
last_matches "^Counted cash +11\.00\$" || fail "the counted cash in English"
last_matches "^OVER +11\.00\$" || fail "the overage in English"
last_matches "^  expected 120\.00 +variance 0\.00\$" || fail "wechat's expected and variance in English"
amounts_at "Z-report in English" 42
same_json T-LANE-01 carol -- shift status "$SID"

step "report daily: the Chinese headings over their columns"
expect_rc 0 zh_as ADMIN-01 sam report daily
for w in "日结报表 " "（营业日）" "当前营业日为 " 未日结 "（本日各班次的收费与作废）" 按支付方式的净额 已开票据 \
  本营业日的班次 "已发备用金 0.00" "已交班班次的长短款 " 缴存 "尚未缴存" "（本日及以前已交班的班次）" \
  "未缴存 11.00" "未交班的班次（本日及以前）"; do
  assert_last_contains "$w"
done
same_column "daily takings in Chinese" "收费员" "carol"
same_end "daily takings in Chinese" "收费金额" "240.00"
same_end "daily shifts in Chinese" "实点现金" "11.00"
last_matches "^合计 +240\.00 +120\.00 +120\.00\$" || fail "the takings' total in Chinese"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the Chinese daily report: $(cat "$T/last.out")"
title=$(grep -m1 -A1 -F "未交班的班次（本日及以前）" "$T/last.out" | tail -n1)
assert_eq "$(printf '%s' "未交班的班次（本日及以前）" | wc -L)" "${#title}" "the Chinese heading's underline"
expect_rc 0 en_as ADMIN-01 sam report daily
same_column "daily takings in English" "CASHIER" "carol"
same_end "daily takings in English" "SOLD" "240.00"
same_end "daily shifts in English" "COUNTED" "11.00"
last_matches "^TOTAL +240\.00 +120\.00 +120\.00\$" || fail "the takings' total in English"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the English daily report: $(cat "$T/last.out")"
same_json ADMIN-01 sam -- report daily

step "report monthly: the Chinese item name and the collectors in columns"
expect_rc 0 zh_as ADMIN-01 sam report monthly
for w in "月结报表 " 营业日 笔数 净额 非现金 收费项目 "银行卡、微信、支付宝、转账" "减免：无" 实收 \
  目标 偏差 区间 无目标; do
  assert_last_contains "$w"
done
last_matches "^净收款 +120\.00\$" || fail "the net collections in Chinese"
last_matches "^电子支付占比 +100\.00%\$" || fail "the e-payment ratio in Chinese"
same_width "monthly items in Chinese" "收费项目" "采暖费 2025-26"
same_width "monthly collectors in Chinese" "收费员" "carol"
same_column "monthly collectors in Chinese" "区间" "无目标"
expect_rc 0 en_as ADMIN-01 sam report monthly
last_matches "^e-payment ratio +100\.00%\$" || fail "the e-payment ratio in English"
assert_last_contains "(electronic: card, WeChat, Alipay, bank"
same_width "monthly items in English" "ITEM" "采暖费 2025-26"
same_column "monthly collectors in English" "BAND" "no target"
same_json ADMIN-01 sam -- report monthly

step "day status: the Chinese labels in one column"
expect_rc 0 zh_as ADMIN-01 sam --json day status
D=$(json_field current_business_date)
expect_rc 0 zh_as ADMIN-01 sam day status
for w in 当前营业日 服务器日历日期 服务器时区 上次日结 尚无 未交班的班次; do assert_last_contains "$w"; done
label_column "day status in Chinese"
expect_rc 0 en_as ADMIN-01 sam day status
assert_last_contains "current business date  $D   (new shifts and deposits go here)"
assert_last_contains "last closed            none yet"
assert_last_contains "open shifts            none"
same_json ADMIN-01 sam -- day status

step "admin user list and item list: Chinese headings, a Chinese item name, in columns"
expect_rc 0 zh_root admin user list
for w in 用户 角色 状态 创建时间 正常; do assert_last_contains "$w"; done
same_column "user list in Chinese" "状态" "正常"
all_at "user list in Chinese" "正常"
expect_rc 0 en_root admin user list
last_matches '^carol +cashier +active ' || fail "carol's line in English"
same_column "user list in English" "STATE" "active"
same_json root -- admin user list
expect_rc 0 till_as ADMIN-01 admin item add ZPARK --name "路边停车费（小型车）" --price 3.50 --series HT
expect_rc 0 zh_root admin item list
for w in 收费项目 单价 票据序列 收入账户 名称; do assert_last_contains "$w"; done
same_column "item list in Chinese" "名称" "采暖费 2025-26"
same_column "item list in Chinese" "名称" "路边停车费（小型车）"
same_column "item list in Chinese" "收入账户" "revenue:HEAT"
same_end "item list in Chinese" "单价" "120.00"
same_end "item list in Chinese" "单价" "3.50"
expect_rc 0 en_root admin item list
same_column "item list in English" "NAME" "路边停车费（小型车）"
same_end "item list in English" "PRICE" "3.50"
same_json root -- admin item list

step "receipt show: the Chinese receipt in 42 cells with the total in capitals; --json the same"
expect_rc 0 zh receipt show "$N2"
assert_last_contains "壹佰贰拾元整"
last_matches "^采暖费 2025-26 +1 +120\.00 +120\.00\$" || fail "the item line of the Chinese receipt"
max_cells "receipt in Chinese" 42
expect_rc 0 en receipt show "$N2"
assert_last_contains "TILL FEE RECEIPT"
assert_last_lacks "壹佰"
last_matches "^采暖费 2025-26 +1 +120\.00 +120\.00\$" || fail "the item line of the English receipt"
same_json T-LANE-01 carol -- receipt show "$N2"
expect_rc_contains 14 "找不到票据 ${N1%-*}-99999999" zh receipt show "${N1%-*}-99999999"
