#!/usr/bin/env bash
# test_crash_kill.sh -- kill -9 tilld again and again under load; nothing
# acknowledged is lost, nothing is doubled, the books stay whole.
#
# Four cashiers, each on their own terminal (T-LANE-01..04) with an open
# shift, post sales through nine till-load processes ("slots"): two or three
# per terminal sharing the cashier's session, one connection each, each slot
# with its own payment method (all seven: cash, card, WeChat, Alipay,
# transfer, cheque, subsidy) and fee item.
# While they post, the harness kill -9s tilld at a random moment, restarts it
# on the same port, and repeats until CRASH_KILLS kills are done; till-load
# retries whatever was not acknowledged with the same idempotency key, so a
# posting committed just before a kill comes back as a replay. A slot whose
# run of postings ends starts the next run, so the load never stops. Then the
# runs finish, and the test checks:
#
#   - every till-load run exited 0 with all its postings acknowledged;
#   - the set of acknowledged postings (key, receipt number, txn id, and the
#     slot's terminal, method, shift and item) equals the journal's sales:
#     none lost, none changed, none doubled, none without an acknowledgement;
#   - each series counter equals the number of its sales, numbers 1..N once
#     each; journal ids 1..max without a gap; every sale has its idempotency
#     record; no orphan entries;
#   - every transaction is balanced, every sale has exactly its two entries at
#     the item's price, and every account's balance equals what the
#     acknowledgements alone say it should be;
#   - each shift, closed with an exact count (1-yuan and 1-jiao coins for the
#     cash the journal says the drawer holds, the journal's non-cash totals),
#     has no variance and a Z-report whose totals per method and item, receipt
#     count and number ranges equal the journal;
#   - `till audit verify --pubkey` (auditor, key pinned before the first kill)
#     passes and covers every transaction and signature;
#   - tilld stops cleanly at the end, its log has no sanitizer report, and
#     PRAGMA integrity_check and foreign_key_check pass.
#
# How a kill is timed: before each normal kill the harness waits (bounded)
# until every slot that was running at the previous kill has committed two
# new sales since the restart -- so the posting it had in flight was
# answered -- and then sleeps a random 0.05-0.6 s. About one kill in four is
# "early": it comes 0.05-0.6 s after the restart without that wait, while the
# clients are still reconnecting and replaying (never two early kills in a
# row). This bounds how many kills one posting can meet, so till-load's
# retry budget (12 attempts over ~7.5 s) suffices and a failed run means a
# real problem, not bad luck.
#
# Longer runs: CRASH_KILLS (default 20) kills, within CRASH_SECONDS (default
# 120) seconds of kill phase; the phase ends at whichever comes first, and
# fewer than min(CRASH_KILLS, 20) kills fails the test. Flags do the same:
#   bash tests/integ/test_crash_kill.sh [--kills N] [--seconds S] [--long]
# --long kills for 600 s (or --seconds S) with no kill limit. CRASH_SEED
# seeds bash's RANDOM (printed, for a rerun with the same timing choices);
# CRASH_BATCH (default 300) is the number of sales per till-load run.
# Every wait and every loop is bounded; the EXIT trap of lib.sh stops tilld
# and every till-load still running.

usage() {
  printf 'usage: %s [--kills N] [--seconds S] [--long]\n' "$0"
  printf '  env: CRASH_KILLS (20) CRASH_SECONDS (120) CRASH_SEED CRASH_BATCH (300)\n'
}
while [ $# -gt 0 ]; do
  case $1 in
    --kills) [ $# -ge 2 ] || { usage >&2; exit 2; }; CRASH_KILLS=$2; shift 2 ;;
    --seconds) [ $# -ge 2 ] || { usage >&2; exit 2; }; CRASH_SECONDS=$2; shift 2 ;;
    --long) CRASH_KILLS=1000000; CRASH_SECONDS=${CRASH_SECONDS:-600}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
CRASH_KILLS=${CRASH_KILLS:-20}
CRASH_SECONDS=${CRASH_SECONDS:-120}
CRASH_BATCH=${CRASH_BATCH:-300}
CRASH_SEED=${CRASH_SEED:-$((($$ * 7919 + $(date +%s)) % 1000000 + 1))}
for v in CRASH_KILLS CRASH_SECONDS CRASH_BATCH CRASH_SEED; do
  if ! [[ ${!v} =~ ^[1-9][0-9]{0,6}$ ]]; then
    printf 'test_crash_kill: %s must be a number from 1 to 9999999, not "%s"\n' "$v" "${!v}" >&2
    exit 2
  fi
done

source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"
require_till_load
RANDOM=$CRASH_SEED

# Bounds (seconds).
PROGRESS_TIMEOUT=30  # for every slot to get two sales through after a restart
FINISH_TIMEOUT=150   # for the last runs to finish after the last kill
LOAD_SECONDS=$((CRASH_SECONDS + FINISH_TIMEOUT + 60)) # till-load's own deadline
[ "$LOAD_SECONDS" -le 3600 ] || LOAD_SECONDS=3600
MIN_KILLS=$((CRASH_KILLS < 20 ? CRASH_KILLS : 20))

# ---- small helpers ---------------------------------------------------------

# The kill loop forks as little as it can: under full load every fork costs
# tens of milliseconds, which would stretch the loop and blur its timing.
# now_ms -- NOW gets wall-clock milliseconds (bash 5's EPOCHREALTIME, else date)
now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local us=${EPOCHREALTIME//[!0-9]/}
    NOW=$((10#$us / 1000))
  else
    NOW=$(date +%s%3N)
  fi
}
# secs VAR MS -- VAR gets MS in seconds: 1234 -> 1.234
secs() { printf -v "$1" '%d.%03d' $(($2 / 1000)) $(($2 % 1000)); }
# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# count_for FEN -- 1-yuan and 1-jiao coins worth FEN (a multiple of 10)
count_for() {
  if [ "$1" = 0 ]; then printf 'none'; else printf '1x%d,0.1x%d' $(($1 / 100)) $((($1 % 100) / 10)); fi
}

# Problems found by the final checks: collected, so that one run reports all
# of them, then the test fails listing them.
PROBLEMS=()
problem() {
  PROBLEMS+=("$*")
  printf '  PROBLEM: %s\n' "$*" >&9
}
# show_file FILE [LINES] -- a file's first lines, indented, on the test's stderr
show_file() { head -n "${2:-20}" -- "$1" 2>/dev/null | sed 's/^/    | /' >&9 || true; }

# forget_bg PID -- a background command that has been reaped leaves BG_PIDS,
# so the EXIT trap never signals a pid the system may have reused.
forget_bg() {
  local keep=() p
  for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
    [ "$p" = "$1" ] || keep+=("$p")
  done
  BG_PIDS=(${keep[@]+"${keep[@]}"})
}

# ---- set-up: four lanes, four cashiers with open shifts, an auditor --------

LANES=(T-LANE-01 T-LANE-02 T-LANE-03 T-LANE-04)
CASHIERS=(carol dan erin fay)
declare -A CASHIER_OF SHIFT_OF PRICE_OF TOKEN_OF
step "set-up: ${#LANES[@]} lanes with a cashier and an open shift each; seed $CRASH_SEED"
if ! "$TILL_SOURCE_DIR/certs/make-dev-certs.sh" --out "$T/certs" --terminal T-LANE-03 \
    --terminal T-LANE-04 >>"$T/certs.log" 2>&1; then
  show_file "$T/certs.log" 40
  fail "make-dev-certs.sh could not add T-LANE-03 and T-LANE-04"
fi
TERMINALS+=(T-LANE-03 T-LANE-04)
write_client_configs
register_lanes
expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-03 --description "lane 3"
expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-04 --description "lane 4"
world_catalog PARK WASH
world_item HEAT Heating 12.30
PRICE_OF=([PARK]=500 [WASH]=250 [HEAT]=1230)
world_users audrey
world_login ADMIN-01:audrey
for i in "${!LANES[@]}"; do
  lane=${LANES[i]} user=${CASHIERS[i]}
  world_users "$user"
  world_login "$lane:$user"
  expect_rc 0 till_user "$lane" "$user" --json shift open --count none
  SHIFT_OF[$lane]=$(json_field shift_id)
  [[ ${SHIFT_OF[$lane]} =~ ^[0-9]+$ ]] || fail "no shift id from shift open on $lane: $(last_output)"
  CASHIER_OF[$lane]=$user
  TOKEN_OF[$lane]=$(user_token "$lane" "$user")
  [ -n "${TOKEN_OF[$lane]}" ] || fail "no session token for $user on $lane"
done
# the auditor pins the server's key now, before the first kill: a key that
# changed across the restarts would fail the verification at the end
expect_rc 0 till_user ADMIN-01 audrey audit pubkey
cp -- "$T/last.out" "$T/server-pub.pem"
grep -q 'BEGIN PUBLIC KEY' "$T/server-pub.pem" || fail "audit pubkey printed no PEM key"

# The slots: terminal, payment method, fee item. (terminal, method) is unique,
# so a slot's sales can be told apart in the journal.
# Lane 4 takes no cash: its close counts "none".
SLOT_LANE=(T-LANE-01 T-LANE-01 T-LANE-02 T-LANE-02 T-LANE-03 T-LANE-03 T-LANE-03 T-LANE-04 T-LANE-04)
SLOT_METHOD=(cash card cash wechat cash alipay transfer cheque subsidy)
SLOT_ITEM=(PARK WASH WASH HEAT HEAT PARK WASH PARK HEAT)
NSLOTS=${#SLOT_LANE[@]}
SLOT_PID=()   # the running till-load of the slot, or empty
SLOT_RUNS=()  # runs started so far
SLOT_GEN=()   # the kill count when the running run started
SLOT_DEAD=()  # 1 once a run failed: the slot starts no more runs
for ((s = 0; s < NSLOTS; s++)); do
  SLOT_PID[s]='' SLOT_RUNS[s]=0 SLOT_GEN[s]=0 SLOT_DEAD[s]=0
done

# ---- the load --------------------------------------------------------------

KILLS=0
STARTING=1      # tend_slots starts the next run of a slot whose run ended
RUN_NAMES=()    # every run, as "SLOT NAME"
RUN_FAILURES=() # what went wrong with the runs that did not exit 0
TOTAL_OK=0 TOTAL_FAILED=0 TOTAL_RETRIES=0 TOTAL_REPLAYS=0

# start_slot S -- the slot's next run of CRASH_BATCH sales, one connection.
# till-load is started directly (not through a shell function; nice execs
# it) so that its pid is the one the EXIT trap signals. It runs niced: the
# clients would otherwise take all the CPU from tilld and from this harness,
# whose timing (the random delay, the restart) is the point.
start_slot() {
  local s=$1 lane=${SLOT_LANE[$1]} name
  SLOT_RUNS[s]=$((SLOT_RUNS[s] + 1))
  name=load-$s-${SLOT_RUNS[s]}
  bg "$name" nice -n 10 "$TILL_LOAD" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
    --cert "$T/certs/terminal-$lane.crt" --key "$T/certs/terminal-$lane.key" \
    --token "${TOKEN_OF[$lane]}" \
    --item "${SLOT_ITEM[s]}" --method "${SLOT_METHOD[s]}" --connections 1 \
    --count "$CRASH_BATCH" --seconds "$LOAD_SECONDS" --out "$T/$name.acks"
  SLOT_PID[s]=$BG_PID
  SLOT_GEN[s]=$KILLS
  RUN_NAMES+=("$s $name")
}

# finish_run S RC -- account for the slot's run that ended with RC.
finish_run() {
  local s=$1 rc=$2 name=load-$1-${SLOT_RUNS[$1]} summary='' ok=0 failed=0 acks=0 line said=''
  local -a lines=()
  [ ! -f "$T/$name.out" ] || mapfile -t lines <"$T/$name.out"
  for line in ${lines[@]+"${lines[@]}"}; do
    if [ -z "$summary" ] && [[ $line =~ ^ok=([0-9]+)\ failed=([0-9]+) ]]; then
      summary=$line ok=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]}
    elif [[ $line =~ ([0-9]+)\ retries,\ ([0-9]+)\ answered\ as\ replays ]]; then
      TOTAL_RETRIES=$((TOTAL_RETRIES + BASH_REMATCH[1]))
      TOTAL_REPLAYS=$((TOTAL_REPLAYS + BASH_REMATCH[2]))
    else
      said+="$line "
    fi
  done
  if [ -f "$T/$name.acks" ]; then
    mapfile -t lines <"$T/$name.acks"
    acks=${#lines[@]}
  fi
  TOTAL_OK=$((TOTAL_OK + ok))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  if [ "$rc" != 0 ] || [ "$ok" != "$CRASH_BATCH" ] || [ "$failed" != 0 ] || [ "$acks" != "$ok" ]; then
    # a run that did not post everything: count what it did not post as
    # failed, even if it died without a summary
    [ "$ok" -ge "$CRASH_BATCH" ] || [ "$failed" != 0 ] || TOTAL_FAILED=$((TOTAL_FAILED + CRASH_BATCH - ok))
    RUN_FAILURES+=("slot $s (${SLOT_LANE[s]} ${SLOT_METHOD[s]}) run ${SLOT_RUNS[s]}: exit $rc, '${summary:-no summary}', $acks acknowledgements written; it said: ${said:0:600}")
    printf '  till-load run %s failed (exit %s): %s\n' "$name" "$rc" "${summary:-no summary}" >&9
    show_file "$T/$name.out" 10
    SLOT_DEAD[s]=1
  fi
}

# tend_slots -- reap the runs that ended; start the next ones (STARTING=1).
tend_slots() {
  local s pid rc
  for ((s = 0; s < NSLOTS; s++)); do
    pid=${SLOT_PID[s]}
    if [ -n "$pid" ]; then
      kill -0 "$pid" 2>/dev/null && continue
      rc=0
      wait "$pid" || rc=$?
      forget_bg "$pid"
      SLOT_PID[s]=
      finish_run "$s" "$rc"
    fi
    if [ "$STARTING" = 1 ] && [ "${SLOT_DEAD[s]}" = 0 ]; then
      start_slot "$s"
    fi
  done
}

# count_running -- RUNNING gets how many slots have a run going
count_running() {
  local s
  RUNNING=0
  for ((s = 0; s < NSLOTS; s++)); do
    [ -z "${SLOT_PID[s]}" ] || RUNNING=$((RUNNING + 1))
  done
}

# check_tilld_alive WHEN -- tilld must not have died by itself.
check_tilld_alive() {
  if ! tilld_running; then
    local rc=0
    [ -n "$TILLD_PID" ] && { wait "$TILLD_PID" || rc=$?; }
    TILLD_PID=
    fail "tilld (not killed by the harness) exited by itself with code $rc $1"
  fi
}

# wait_progress BASE -- bounded wait until every slot whose run was going at
# the last kill has committed two sales with journal id > BASE (so the
# posting it had in flight at the kill has been answered), or has ended.
wait_progress() {
  local base=$1 i s lagging key until
  local -A progressed
  now_ms
  until=$((NOW + PROGRESS_TIMEOUT * 1000))
  for ((i = 0; i < PROGRESS_TIMEOUT * 20; i++)); do
    now_ms
    [ "$NOW" -lt "$until" ] || break
    tend_slots
    check_tilld_alive "while the clients caught up after kill $KILLS"
    progressed=()
    while read -r key n; do
      [ -n "$key" ] && progressed[$key]=$n
    done < <(sql "SELECT terminal_id || '/' || method || ' ' || count(*) FROM journal
                  WHERE kind = 'sale' AND id > $base GROUP BY terminal_id, method")
    lagging=
    for ((s = 0; s < NSLOTS; s++)); do
      [ -n "${SLOT_PID[s]}" ] && [ "${SLOT_GEN[s]}" -lt "$KILLS" ] || continue
      key=${SLOT_LANE[s]}/${SLOT_METHOD[s]}
      [ "${progressed[$key]:-0}" -ge 2 ] || lagging+=" $key"
    done
    [ -z "$lagging" ] && return 0
    sleep 0.05
  done
  for ((s = 0; s < NSLOTS; s++)); do
    [ -n "${SLOT_PID[s]}" ] && show_file "$T/load-$s-${SLOT_RUNS[s]}.out" 5
  done
  fail "after kill $KILLS, these slots committed fewer than 2 new sales within $PROGRESS_TIMEOUT s:$lagging"
}

# restart_same_port PORT -- start tilld again on PORT (the clients reconnect
# to the address they know); a few tries in case the port is not free yet.
restart_same_port() {
  local port=$1 try
  for try in 1 2 3; do
    if start_tilld --listen "127.0.0.1:$port"; then
      assert_eq "$port" "$PORT" "port after restart $KILLS"
      return 0
    fi
    printf '  tilld did not start on port %s after kill %s (exit %s), try %s\n' \
      "$port" "$KILLS" "$TILLD_RC" "$try" >&9
    sleep 0.5
  done
  fail "tilld did not start again on port $port after kill $KILLS (exit $TILLD_RC)"
}

# ---- the kill loop ---------------------------------------------------------

step "kill -9 phase: up to $CRASH_KILLS kills within $CRASH_SECONDS s, $NSLOTS till-load slots, $CRASH_BATCH sales per run"
now_ms
delay_s=0 t_up=0 phase_s=0
phase_start=$NOW
deadline=$((phase_start + CRASH_SECONDS * 1000))
tend_slots   # the first runs
# warm-up: every slot gets two sales through before the first kill
KILLS=0
for ((s = 0; s < NSLOTS; s++)); do SLOT_GEN[s]=-1; done
wait_progress 0
for ((s = 0; s < NSLOTS; s++)); do SLOT_GEN[s]=0; done
early=0 n_early=0 verbose=$((CRASH_KILLS <= 50))
while now_ms && [ "$KILLS" -lt "$CRASH_KILLS" ] && [ "$NOW" -lt "$deadline" ]; do
  delay=$((50 + RANDOM % 551))  # ms
  secs delay_s "$delay"
  sleep "$delay_s"
  tend_slots
  check_tilld_alive "before kill $((KILLS + 1))"
  port=$PORT
  kill_tilld
  KILLS=$((KILLS + 1))
  now_ms
  t0=$NOW
  restart_same_port "$port"
  now_ms
  secs t_up $((NOW - t0))
  IFS='|' read -r committed base < <(sql "SELECT count(*), coalesce(max(id), 0) FROM journal")
  [[ $base =~ ^[0-9]+$ ]] || fail "cannot read the journal after restart $KILLS: '$committed|$base'"
  if [ "$verbose" = 1 ] || [ $((KILLS % 25)) = 0 ]; then
    if [ "$early" = 1 ]; then after="the restart (early)"; else after="the clients caught up"; fi
    step "kill $KILLS/$CRASH_KILLS: $delay_s s after $after; $committed sales committed; tilld back in $t_up s"
  fi
  # the next kill: early (no wait for the clients) about one time in four,
  # never twice in a row
  if [ "$early" = 0 ] && [ $((RANDOM % 4)) = 0 ]; then
    early=1 n_early=$((n_early + 1))
  else
    early=0
    wait_progress "$base"
  fi
done
now_ms
secs phase_s $((NOW - phase_start))
step "$KILLS kills ($n_early early) in $phase_s s; letting the last runs finish"
[ "$KILLS" -ge "$MIN_KILLS" ] ||
  fail "only $KILLS kills within CRASH_SECONDS=$CRASH_SECONDS s; at least $MIN_KILLS are required"

STARTING=0
now_ms
until=$((NOW + FINISH_TIMEOUT * 1000))
for ((i = 0; i < FINISH_TIMEOUT * 10; i++)); do
  tend_slots
  count_running
  now_ms
  [ "$RUNNING" != 0 ] && [ "$NOW" -lt "$until" ] || break
  check_tilld_alive "while the last runs finished"
  sleep 0.1
done
if [ "$RUNNING" != 0 ]; then
  for ((s = 0; s < NSLOTS; s++)); do
    [ -n "${SLOT_PID[s]}" ] && show_file "$T/load-$s-${SLOT_RUNS[s]}.out" 5
  done
  fail "$RUNNING till-load runs still going $FINISH_TIMEOUT s after the last kill"
fi
step "${#RUN_NAMES[@]} till-load runs: $TOTAL_OK sales acknowledged, $TOTAL_FAILED failed, $TOTAL_RETRIES retries, $TOTAL_REPLAYS answered as replays"

# ---- checks ----------------------------------------------------------------

step "every till-load run got all its postings acknowledged"
for f in ${RUN_FAILURES[@]+"${RUN_FAILURES[@]}"}; do
  problem "till-load run failed: $f"
done
[ "$TOTAL_RETRIES" -gt 0 ] ||
  problem "no till-load retried anything: the kills never hit a posting in flight"

step "the acknowledged postings are exactly the journal's sales"
# expected: each acknowledgement with its slot's terminal, method, shift and item
: >"$T/acked"
for r in "${RUN_NAMES[@]}"; do
  s=${r%% *} name=${r#* }
  [ -f "$T/$name.acks" ] || continue
  lane=${SLOT_LANE[s]}
  awk -v tail="$lane ${SLOT_METHOD[s]} ${SHIFT_OF[$lane]} ${SLOT_ITEM[s]}" '{ print $0 " " tail }' \
    "$T/$name.acks" >>"$T/acked"
done
LC_ALL=C sort -o "$T/acked" -- "$T/acked"
sql "SELECT lower(hex(j.idem_key)) || ' ' || j.series || '-' || printf('%08d', j.receipt_no) || ' ' ||
            j.id || ' ' || j.terminal_id || ' ' || j.method || ' ' || j.shift_id || ' ' || e.item
     FROM journal j JOIN entries e ON e.txn_id = j.id AND e.item != ''
     WHERE j.kind = 'sale'" | LC_ALL=C sort >"$T/journal-sales"
n_acked=$(wc -l <"$T/acked")
n_sales=$(sql "SELECT count(*) FROM journal WHERE kind = 'sale'")
dups=$(cut -d' ' -f1 "$T/acked" | uniq -d | head -5 | tr '\n' ' ')
[ -z "$dups" ] || problem "keys acknowledged more than once (till-load made a key twice?): $dups"
awk 'NR == FNR { a[$1] = $0; next }
     { if ($1 in j) print "DOUBLED in the journal (one key, two rows): " $0; j[$1] = $0 }
     END {
       for (k in a)
         if (!(k in j)) print "LOST (acknowledged, not in the journal): " a[k]
         else if (a[k] != j[k]) print "CHANGED (acknowledged as / journal holds): " a[k] " / " j[k]
       for (k in j)
         if (!(k in a)) print "UNACKNOWLEDGED (in the journal, acknowledged by no run): " j[k]
     }' "$T/acked" "$T/journal-sales" | LC_ALL=C sort >"$T/ack-diff"
n_lost=$(grep -c '^LOST' "$T/ack-diff" || true)
n_changed=$(grep -c '^CHANGED' "$T/ack-diff" || true)
n_doubled=$(grep -c '^DOUBLED' "$T/ack-diff" || true)
n_unacked=$(grep -c '^UNACKNOWLEDGED' "$T/ack-diff" || true)
if [ "$n_lost" != 0 ] || [ "$n_changed" != 0 ] || [ "$n_doubled" != 0 ]; then
  show_file "$T/ack-diff" 20
  problem "$n_lost acknowledged sales lost, $n_changed changed, $n_doubled doubled ($n_acked acknowledged, $n_sales sales in the journal)"
fi
if [ "${#RUN_FAILURES[@]}" = 0 ]; then
  # every run exited 0: a posting whose answer a kill swallowed was retried
  # with its key and answered as a replay, so every journal sale is
  # acknowledged by some run
  if [ "$n_unacked" != 0 ]; then
    grep '^UNACKNOWLEDGED' "$T/ack-diff" | head -10 | sed 's/^/    | /' >&9
    problem "$n_unacked journal sales were acknowledged by no till-load run, though every run exited 0"
  fi
  [ "$n_acked" = "$n_sales" ] || problem "$n_acked acknowledged sales, but $n_sales sales in the journal"
  [ "$n_acked" = "$TOTAL_OK" ] || problem "till-load reported $TOTAL_OK acknowledged, its --out files hold $n_acked"
elif [ "$n_unacked" -gt "$TOTAL_FAILED" ]; then
  # a failed posting may have committed without its answer arriving; no more
  # than the failed ones may be in the journal without an acknowledgement
  problem "$n_unacked journal sales without an acknowledgement, but only $TOTAL_FAILED postings failed"
fi

step "receipt numbers: each series counter equals its sales, numbers 1..N once each"
n_series=$(sql "SELECT count(*) FROM series_counters")
[ "$n_series" -ge 1 ] || problem "no series counter after $n_sales sales"
while IFS='|' read -r series last count distinct lo hi; do
  [ "$last" = "$count" ] && [ "$count" = "$distinct" ] && { [ "$count" = 0 ] || { [ "$lo" = 1 ] && [ "$hi" = "$last" ]; }; } &&
    continue
  missing=$(sql "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $last)
                 SELECT group_concat(x, ',') FROM (SELECT x FROM n WHERE x NOT IN
                   (SELECT receipt_no FROM journal WHERE series = '$series') LIMIT 10)")
  problem "series $series: counter at $last, $count sales, $distinct distinct numbers, range $lo..$hi; missing numbers (first 10): ${missing:-none}"
done < <(sql "SELECT s.series, s.last_no, count(j.id), count(DISTINCT j.receipt_no),
                     coalesce(min(j.receipt_no), 0), coalesce(max(j.receipt_no), 0)
              FROM series_counters s LEFT JOIN journal j ON j.series = s.series
              GROUP BY s.series")
bad=$(sql "SELECT count(*) FROM journal WHERE kind = 'sale' AND (series IS NULL OR receipt_no IS NULL
             OR series NOT IN (SELECT series FROM series_counters))")
[ "$bad" = 0 ] || problem "$bad sales without a series or number, or in a series without a counter"
[ "$(sql "SELECT coalesce(sum(last_no), 0) FROM series_counters")" = "$n_sales" ] ||
  problem "the series counters add up to $(sql "SELECT sum(last_no) FROM series_counters"), not the $n_sales sales"

step "the journal: ids without a gap, only sales, one idempotency record each, no orphan entries"
read -r n_txn lo_id hi_id < <(sql "SELECT count(*) || ' ' || coalesce(min(id), 0) || ' ' || coalesce(max(id), 0) FROM journal")
[ "$n_txn" = "$hi_id" ] && [ "$lo_id" = 1 ] || problem "journal ids: $n_txn rows with ids $lo_id..$hi_id"
kinds=$(sql "SELECT group_concat(kind || '=' || n, ' ') FROM (SELECT kind, count(*) n FROM journal GROUP BY kind)")
[ "$kinds" = "sale=$n_sales" ] || problem "journal kinds before the closes: $kinds (only sales were posted)"
bad=$(sql "SELECT count(*) FROM journal j LEFT JOIN idempotency i ON i.key = j.idem_key
           WHERE j.kind = 'sale' AND (i.key IS NULL OR i.kind != 'sale' OR i.ref_id != j.id)")
[ "$bad" = 0 ] || problem "$bad sales without their idempotency record (kind sale, ref_id = txn id)"
n_idem=$(sql "SELECT count(*) FROM idempotency WHERE kind = 'sale'")
[ "$n_idem" = "$n_sales" ] || problem "$n_idem sale idempotency records for $n_sales sales"
bad=$(sql "SELECT count(*) FROM entries WHERE txn_id NOT IN (SELECT id FROM journal)")
[ "$bad" = 0 ] || problem "$bad entries belong to no journal row"

step "every transaction is balanced; every sale is its two entries at the item's price"
bad=$(sql "SELECT group_concat(id, ',') FROM (SELECT j.id FROM journal j LEFT JOIN entries e ON e.txn_id = j.id
           GROUP BY j.id HAVING count(e.seq) < 2 OR coalesce(sum(e.amount), 0) != 0 LIMIT 10)")
[ -z "$bad" ] || problem "unbalanced transactions (or fewer than two entries): $bad"
bad=$(sql "SELECT group_concat(id, ',') FROM (SELECT j.id FROM journal j WHERE j.kind = 'sale' AND NOT (
             (SELECT count(*) FROM entries WHERE txn_id = j.id) = 2 AND EXISTS (
               SELECT 1 FROM entries p JOIN entries r ON r.txn_id = p.txn_id AND r.seq = 2
                 JOIN fee_items f ON f.code = r.item
               WHERE p.txn_id = j.id AND p.seq = 1
                 AND p.account = CASE j.method WHEN 'cash' THEN 'drawer:shift:' || j.shift_id
                                               ELSE 'clearing:' || j.method END
                 AND p.amount = f.unit_price AND p.item = ''
                 AND r.account = f.revenue_account AND r.amount = -f.unit_price
                 AND r.quantity = 1 AND r.unit_price = f.unit_price)) LIMIT 10)")
[ -z "$bad" ] || problem "sales whose entries are not (payment account +price, revenue -price): $bad"

step "every account's balance is what the acknowledgements say"
# from the acknowledgements alone: a cash sale debits its shift's drawer, any
# other its clearing account; the item's revenue account is credited
declare -A want_bal=()
while read -r acct amount; do
  want_bal[$acct]=$amount
done < <(awk -v park="${PRICE_OF[PARK]}" -v wash="${PRICE_OF[WASH]}" -v heat="${PRICE_OF[HEAT]}" '
  BEGIN { price["PARK"] = park; price["WASH"] = wash; price["HEAT"] = heat }
  { p = price[$7]
    pay = ($5 == "cash") ? "drawer:shift:" $6 : "clearing:" $5
    bal[pay] += p; bal["revenue:" $7] -= p }
  END { for (a in bal) print a, bal[a] }' "$T/acked")
declare -A got_bal=()
while IFS='|' read -r acct amount; do
  got_bal[$acct]=$amount
done < <(sql "SELECT account, sum(amount) FROM entries GROUP BY account")
for acct in "${!want_bal[@]}" "${!got_bal[@]}"; do
  [ "${want_bal[$acct]:-0}" = "${got_bal[$acct]:-0}" ] ||
    problem "account $acct: the acknowledgements say ${want_bal[$acct]:-0} fen, its entries sum to ${got_bal[$acct]:-0}"
done
[ "$(sql "SELECT coalesce(sum(amount), 0) FROM entries")" = 0 ] || problem "the entries do not sum to zero"

step "close each shift with the exact count: no variance, Z-report totals equal the journal"
# zcheck STRING WHAT -- the Z-report of shift $sid holds STRING
zcheck() { grep -qF -- "$1" "$T/z-$sid.json" || problem "shift $sid Z-report: expected $2 $1"; }
for lane in "${LANES[@]}"; do
  sid=${SHIFT_OF[$lane]} user=${CASHIER_OF[$lane]}
  state=$(sql "SELECT state FROM shifts WHERE id = $sid")
  [ "$state" = 1 ] || { problem "shift $sid of $user on $lane is in state '$state' before the close, not open"; continue; }
  cash=$(sql "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = 'drawer:shift:$sid'")
  # per method: sales and their amount, from the payment (debit) entries
  declare -A m_n=() m_amt=()
  noncash='' n_receipts=0
  while IFS='|' read -r m n amt; do
    m_n[$m]=$n m_amt[$m]=$amt
    n_receipts=$((n_receipts + n))
    [ "$m" = cash ] || noncash+=${noncash:+,}$m=$(yuan "$amt")
  done < <(sql "SELECT j.method, count(*), sum(e.amount) FROM journal j
                JOIN entries e ON e.txn_id = j.id AND e.amount > 0
                WHERE j.kind = 'sale' AND j.shift_id = $sid GROUP BY j.method ORDER BY j.method")
  # the Z-report always has a cash line, with or without cash sales
  [ -n "${m_n[cash]:-}" ] || m_n[cash]=0 m_amt[cash]=0
  [ "${m_amt[cash]}" = "$cash" ] ||
    problem "shift $sid: cash sales come to ${m_amt[cash]} fen but the drawer holds $cash (no float)"
  run till_user "$lane" "$user" --json shift close --count "$(count_for "$cash")" ${noncash:+--noncash "$noncash"}
  cp -- "$T/last.out" "$T/z-$sid.json"
  if [ "$LAST_RC" != 0 ]; then
    _show_last
    problem "shift close of shift $sid ($user on $lane) exited $LAST_RC"
    continue
  fi
  zcheck '"state":"closed"' "state"
  zcheck "\"receipts\":$n_receipts," "the journal's sale count"
  zcheck "\"expected_cash\":\"$(yuan "$cash")\"" "the drawer's journal balance"
  zcheck "\"counted_cash\":\"$(yuan "$cash")\"" "the count"
  zcheck '"cash_variance":"0.00"' "no variance"
  for m in "${!m_n[@]}"; do
    a=$(yuan "${m_amt[$m]}")
    zcheck "{\"method\":\"$m\",\"sales\":${m_n[$m]},\"sales_amount\":\"$a\",\"voided\":\"0.00\",\"expected\":\"$a\",\"counted\":\"$a\",\"variance\":\"0.00\",\"refunded\":\"0.00\",\"refund_count\":0," \
      "method $m as in the journal:"
  done
  n_methods=$(grep -o '{"method":' "$T/z-$sid.json" | wc -l)
  [ "$n_methods" = "${#m_n[@]}" ] || problem "shift $sid Z-report lists $n_methods methods, the journal ${#m_n[@]}"
  while IFS='|' read -r item name qty amt; do
    zcheck "{\"item\":\"$item\",\"name\":\"$name\",\"quantity\":$qty,\"amount\":\"$(yuan "$amt")\"}" "item $item as in the journal:"
  done < <(sql "SELECT e.item, f.name, sum(e.quantity), -sum(e.amount) FROM entries e
                JOIN journal j ON j.id = e.txn_id JOIN fee_items f ON f.code = e.item
                WHERE j.shift_id = $sid AND e.item != '' GROUP BY e.item")
  while IFS='|' read -r series lo hi n; do
    zcheck "{\"series\":\"$series\",\"first\":$lo,\"last\":$hi,\"count\":$n}" "the receipt range"
  done < <(sql "SELECT series, min(receipt_no), max(receipt_no), count(*) FROM journal
                WHERE shift_id = $sid AND series IS NOT NULL GROUP BY series")
  got=$(sql "SELECT state || '|' || expected_cash || '|' || counted_cash || '|' || cash_variance FROM shifts WHERE id = $sid")
  [ "$got" = "2|$cash|$cash|0" ] || problem "shift $sid row after the close: state|expected|counted|variance = $got, want 2|$cash|$cash|0"
  bad=$(sql "SELECT count(*) FROM journal WHERE shift_id = $sid AND kind != 'sale'")
  [ "$bad" = 0 ] || problem "shift $sid: the exact close posted $bad non-sale transactions (variance?)"
  got=$(sql "SELECT coalesce(group_concat(method || '=' || counted || '/' || expected, ','), '')
             FROM (SELECT * FROM shift_noncash WHERE shift_id = $sid ORDER BY method)")
  want=''
  for m in $(printf '%s\n' "${!m_n[@]}" | LC_ALL=C sort); do
    [ "$m" = cash ] || want+=${want:+,}$m=${m_amt[$m]}/${m_amt[$m]}
  done
  [ "$got" = "$want" ] || problem "shift $sid non-cash counted/expected: '$got', want '$want'"
  unset m_n m_amt
done
n_sig=$(sql "SELECT count(*) FROM chain_signatures WHERE reason = 'shift_close'")
[ "$n_sig" = "${#LANES[@]}" ] || problem "$n_sig shift-close signatures for ${#LANES[@]} closed shifts"

step "till audit verify --pubkey (the key pinned before the first kill) passes"
n_txn=$(sql "SELECT count(*) FROM journal")
head_id=$(sql "SELECT coalesce(max(id), 0) FROM journal")
n_sigs=$(sql "SELECT count(*) FROM chain_signatures")
run till_user ADMIN-01 audrey --json audit verify --pubkey "$T/server-pub.pem"
cp -- "$T/last.out" "$T/verify.json"
if [ "$LAST_RC" != 0 ] || ! grep -qF '"ok":true' "$T/verify.json"; then
  _show_last
  problem "till audit verify failed (exit $LAST_RC)"
else
  for want in "\"transactions\":$n_txn," "\"head_id\":$head_id," "\"signatures\":$n_sigs," \
      "\"last_signed_id\":$head_id,"; do
    grep -qF -- "$want" "$T/verify.json" || problem "audit verify: expected $want in $(cat "$T/verify.json")"
  done
  while IFS='|' read -r series last; do
    grep -qF -- "{\"series\":\"$series\",\"last_no\":$last,\"issued\":$last}" "$T/verify.json" ||
      problem "audit verify: series $series should be 1..$last complete: $(cat "$T/verify.json")"
  done < <(sql "SELECT series, last_no FROM series_counters")
fi
run till_user ADMIN-01 audrey audit verify --pubkey "$T/server-pub.pem"
[ "$LAST_RC" = 0 ] && last_has "ledger verified: $n_txn transactions" ||
  { _show_last; problem "till audit verify (text) did not report $n_txn verified transactions"; }

step "tilld stops cleanly; the database file is intact"
stop_tilld || problem "tilld exited with $TILLD_RC on SIGTERM after the kills"
got=$(sqlite3 -batch -noheader "$DB" "PRAGMA integrity_check" </dev/null 2>&1 || true)
[ "$got" = ok ] || problem "PRAGMA integrity_check: $(printf '%s' "$got" | head -5 | tr '\n' ' ')"
got=$(sqlite3 -batch -noheader "$DB" "PRAGMA foreign_key_check" </dev/null 2>&1 || true)
[ -z "$got" ] || problem "PRAGMA foreign_key_check: $(printf '%s' "$got" | head -5 | tr '\n' ' ')"
if grep -qiE 'malformed|corrupt|disk image' "$TILLD_LOG"; then
  grep -niE 'malformed|corrupt|disk image' "$TILLD_LOG" | head -5 | sed 's/^/    | /' >&9
  problem "tilld's log reports a damaged database"
fi

if [ "${#PROBLEMS[@]}" != 0 ]; then
  fail "${#PROBLEMS[@]} problem(s) after $KILLS kills (seed $CRASH_SEED): $(printf '%s; ' "${PROBLEMS[@]}" | head -c 3000)"
fi
step "$KILLS kills, $n_sales sales, all acknowledged exactly once; $TOTAL_REPLAYS answers lost to a kill came back as replays"
