#!/usr/bin/env bash
# test_i18n.sh -- the counter in the users' language: the same session in
# Simplified Chinese and in English, chosen by the client's `language`
# setting, by $TILL_LANG, or by the locale; the server's refusals reach the
# cashier as sentences in their language with the figures in them, while
# --json keeps the wire code and the server's English message.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

export LC_ALL=C.UTF-8

register_lanes
world_catalog
world_item HEAT "采暖费 2025-26" 120.00
world_users carol sam
world_login T-LANE-01:carol ADMIN-01:sam
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
