#!/usr/bin/env bash
# test_demo.sh -- the README's first command, scripts/demo.sh, run against
# the binaries under test in a folder of its own: in English and in its
# default, Chinese. Each run ends with exit 0, prints no terminal escapes
# into a file, leaves its tilld running and usable (the demo's own last
# steps open a shift on the next business date and sell; here one more
# sale is made by hand), and its people read their own language. Its
# till-web answers at the address the demo prints, in that language.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"

export LC_ALL=C.UTF-8
unset TILL_LANG

# demo LANG -- run the demo into $T/demo-LANG; its tilld is then ours to stop
demo() {
  local lang=$1 dir=$T/demo-$1
  mkdir -p -- "$dir"
  step "the demo in $lang"
  if ! TILL_DEMO_RUN=$dir TILL_DEMO_LANG=$lang timeout 300 bash "$TILL_SOURCE_DIR/scripts/demo.sh" \
    >"$dir/out.txt" 2>"$dir/err.txt"; then
    tail -n 30 -- "$dir/out.txt" "$dir/err.txt" >&9
    [ -s "$dir/tilld.pid" ] && TILLD_PID=$(cat "$dir/tilld.pid")
    fail "the demo in $lang failed"
  fi
  TILLD_PID=$(cat "$dir/tilld.pid")
  TILLD_LOG=$dir/tilld.log
  # ---- web console: the demo's till-web, ours to stop too ----
  WEB_PID=$(cat "$dir/till-web.pid")
  BG_PIDS+=("$WEB_PID")
  local url
  url=$(sed -n 's/^demo: the web console is at \(https:[^ ]*\) .*/\1/p' "$dir/out.txt" | tail -n 1)
  [ "$url" = "https://127.0.0.1:$(cat "$dir/web.port")/" ] ||
    fail "the demo in $lang printed no web console address (got '$url')"
  expect_rc 0 curl -sS --max-time 20 --cacert "$TILL_SOURCE_DIR/certs/dev/ca.crt" -o "$dir/login.html" \
    "${url}login"
  # ---- end of web console ----
  if grep -q $'\033' "$dir/out.txt" "$dir/err.txt"; then
    fail "the demo in $lang printed terminal escapes into a file"
  fi
  [ -s "$dir/ledger.tillx" ] || fail "no export file ledger.tillx"
  grep -q 'ledger verified' "$dir/out.txt" || grep -q '账本校验通过' "$dir/out.txt" ||
    fail "the demo in $lang did not verify the ledger"
  # usable afterwards: alice sells again on the next business date
  expect_rc 0 "$TILL" --config "$dir/alice.conf" shift open --count none
  expect_rc 0 "$TILL" --config "$dir/alice.conf" sale PARK1H --method cash
}

# stop_demo -- stop the demo's tilld as the README says (kill its pid)
stop_demo() {
  kill "$TILLD_PID"
  for _ in $(seq 1 100); do kill -0 "$TILLD_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$TILLD_PID" 2>/dev/null && fail "the demo's tilld did not stop"
  TILLD_PID=
  kill "$WEB_PID" # ---- web console ----
  for _ in $(seq 1 100); do kill -0 "$WEB_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$WEB_PID" 2>/dev/null; then fail "the demo's till-web did not stop"; fi
}

demo en
grep -q '<h1>Log in</h1>' "$T/demo-en/login.html" || fail "the English demo's console is not in English"
out=$T/demo-en/out.txt
grep -q 'TILL FEE RECEIPT' "$out" || fail "no English receipt in the English demo"
grep -q 'DAILY REPORT' "$out" || fail "no English daily report"
grep -q 'Paid by' "$T/last.out" || fail "the sale after the demo printed no English receipt"
stop_demo

demo zh_CN
grep -q '<h1>登录</h1>' "$T/demo-zh_CN/login.html" || fail "the Chinese demo's console is not in Chinese"
out=$T/demo-zh_CN/out.txt
grep -q '收费收据' "$out" || fail "no Chinese receipt in the Chinese demo"
grep -q '合计（元）' "$out" || fail "no Chinese total line"
grep -q '大写' "$out" || fail "no amount in words on the Chinese receipt"
# the heating morning: 89.37 m2 x 21.50 = 1921.455 -> 1921.46 a season; 3000.00
# pays 2025-2026 whole and 1078.54 of 2026-2027, 56.13 % (rounded down)
grep -q '缴费收据' "$out" || fail "no payment receipt in the heating morning"
grep -q '  2025 年度，应收 1921.46' "$out" || fail "the payment receipt names no year"
grep -Eq '供暖费 2026-2027 +1078.54 +56.13%' "$out" || fail "no partial season on the receipt"
grep -Eq '^通行费 1 类客车 +1 +39.00 +39.00$' "$out" || fail "the toll receipt does not name the class in words"
grep -Eq '^通行卡工本费 +1 +50.00 +50.00$' "$out" || fail "the lost card's fee is not named in words"
grep -q '实收 4501.46（收缴率 73.50 %）' "$out" || fail "the collection rate is not 4501.46 of 6124.71"
# the hospital hour: CT 320.00 + X-ray 120.00 + 2 x 30.00 = 500.00; the patient's
# 269.00 less 150.00 from the account leaves 119.00 at the window; the
# inpatient's 3 x 60.00 + 2 x 18.50 = 217.00 less the fund's 100.00 draws
# 117.00 from his 2000.00 deposit, leaving 1883.00
grep -Eq '^血常规 +2 +30.00 +60.00$' "$out" || fail "the hospital receipt does not price 2 blood tests"
grep -Eq '^合计（元） +500.00$' "$out" || fail "the outpatient's bill is not 500.00"
grep -Eq '^  窗口现付 +119.00$' "$out" || fail "the outpatient's window share is not 119.00"
grep -Eq '^合计（元） +217.00$' "$out" || fail "the inpatient's bill is not 217.00"
grep -Eq '^预交金余额 +1883.00$' "$out" || fail "the deposit left is not 1883.00"
grep -q -- '---- 医疗收费 ----' "$out" || fail "the daily report has no hospital block"
# the refund: 10 m2 of HEAT at 1.35 = 13.50 back in cash, numbered in TF
grep -q '退费凭证' "$out" || fail "no refund slip in the Chinese demo"
grep -Eq '^退费金额 +13.50$' "$out" || fail "the refund slip does not say 13.50"
grep -Eq '^TF[0-9]{4}-00000001 现金 +-13.50$' "$out" || fail "the receipt does not list its refund"
# the hospital refund: the whole 500.00 bill; the fund's 231.00 and the
# account's 150.00 go back to their receivables, the window's 119.00 in cash
grep -Eq '^退费金额 +119.00$' "$out" || fail "the hospital refund is not 119.00 at the window"
grep -Eq '^统筹基金（应收） +-231.00$' "$out" || fail "the fund's share is not taken back (named on the slip)"
grep -q '支付方式' "$T/last.out" || fail "the sale after the demo printed no Chinese receipt"
if grep -q 'TILL FEE RECEIPT' "$out"; then fail "the Chinese demo printed an English receipt"; fi
stop_demo
