#!/usr/bin/env bash
# test_i18n.sh -- the counter in the users' language: the same session in
# Simplified Chinese and in English, chosen by the client's `language`
# setting, by $TILL_LANG, or by the locale; the server's refusals reach the
# cashier as sentences in their language with the figures in them, while
# --json keeps the wire code and the server's English message. Then the
# session, void, deposit and audit commands in both languages: their words,
# their tables aligned in display cells (a Chinese character is two), and
# their machine formats (--json, --csv) the same in either language.
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
expect_rc_contains 1 "till：校验失败：服务器的签名公钥不是指定的公钥 $T/other.pem" \
  zh_as T-LANE-02 audrey audit verify --pubkey "$T/other.pem"
expect_rc 1 zh_as T-LANE-02 audrey --json audit verify --pubkey "$T/other.pem"
assert_last_contains "\"error\":\"the server's signing key is not the pinned key $T/other.pem\""

step "audit verify --file: an export's failure in Chinese, in English by --json"
expect_rc_contains 0 "till：已导出交易" zh_as T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
expect_rc_contains 0 "导出文件校验通过：交易" env TILL_LANG=zh_CN "$TILL" audit verify --file "$T/all.tex"
head -c 100 -- "$T/all.tex" >"$T/cut.tex"
expect_rc_contains 1 "till：校验失败（第 " env TILL_LANG=zh_CN "$TILL" audit verify --file "$T/cut.tex"
expect_rc 1 env TILL_LANG=zh_CN "$TILL" --json audit verify --file "$T/cut.tex"
last_matches '"error":"at byte [0-9]+: the file ends inside a record' ||
  fail "the --json error of a cut file is not the English message"
