#!/usr/bin/env bash
# test_hostile.sh -- bad frames from an authenticated terminal.
#
# An oversized, empty or undecodable frame gets an Error envelope with
# request id 0, then the connection is closed; the server never crashes and
# serves the next client at once. till-probe sends the frames over real TLS.
source "$(dirname -- "$0")/lib.sh"

admin_login
token=$(session_token ADMIN-01)

# still_serving -- the next client is answered, by the probe and by till.
still_serving() {
  expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$token"
  expect_rc_contains 0 "user      root" till_as ADMIN-01 whoami
  tilld_running || fail "tilld is gone"
}

# bad_frame WANT_ERROR MODE [ARGS] -- the probe must print WANT_ERROR, then
# 'closed', and exit 0 (closed within its 10 s bound).
bad_frame() {
  local want=$1
  shift
  expect_rc 0 probe_as ADMIN-01 "$@"
  assert_eq "$want"$'\n'"closed" "$(cat -- "$T/last.out")" "probe $* output"
}

step "a header announcing 0xFFFFFFFF bytes: resource exhausted, closed"
bad_frame "error 7 frame of 4294967295 bytes exceeds the maximum of 1048576" oversize
wait_file_contains "$TILLD_LOG" "frame of 4294967295 bytes exceeds the maximum of 1048576; closing" 5
still_serving

step "a header of length 0: invalid argument, closed"
bad_frame "error 1 frame of length 0" zero
wait_file_contains "$TILLD_LOG" "(ADMIN-01): frame of length 0; closing" 5
still_serving

step "answers owed come before the closing error (id 0), whatever the timing"
# Three whoami requests and an empty frame in one write: the server reads all
# four at once, refuses the empty frame and closes, but the three whoami were
# already taken; their answers must reach the client before the Error with
# id 0, which tells a client to fail whatever is still unanswered.
whoami_body=$(grep -o 'WhoamiResponse whoami_resp = [0-9]*' "$TILL_SOURCE_DIR/proto/till.proto" | grep -o '[0-9]*$')
[[ -n $whoami_body ]] || fail "cannot find WhoamiResponse's field number in till.proto"
for round in 1 2 3 4 5; do
  expect_rc 0 probe_as ADMIN-01 pipeline "$token"
  # answers may come in any order (readers run in parallel); the error is last
  assert_eq "id=5 body=$whoami_body"$'\n'"id=6 body=$whoami_body"$'\n'"id=7 body=$whoami_body" \
    "$(head -n 3 -- "$T/last.out" | sort)" "pipeline round $round: the three answers first"
  assert_eq "id=0 error 1"$'\n'"closed" "$(tail -n +4 -- "$T/last.out")" \
    "pipeline round $round: then the closing error, then the close"
done
still_serving

step "random bytes in a well-formed frame: invalid argument, closed"
bad_frame "error 1 frame is not a till.v1.Envelope" garbage 1000
bad_frame "error 1 frame is not a till.v1.Envelope" garbage 1
wait_file_contains "$TILLD_LOG" "(ADMIN-01): undecodable envelope; closing" 5
still_serving

step "the largest frame allowed, and one byte more"
bad_frame "error 1 frame is not a till.v1.Envelope" garbage 1048576
bad_frame "error 7 frame of 1048577 bytes exceeds the maximum of 1048576" garbage 1048577
still_serving

step "several bad clients at once; the server keeps serving"
pids=()
for i in 1 2 3 4 5 6; do
  bg "garbage$i" probe_as ADMIN-01 garbage $((i * 5000))
  pids+=("$BG_PID")
  bg "oversize$i" probe_as ADMIN-01 oversize
  pids+=("$BG_PID")
done
for pid in "${pids[@]}"; do
  wait_bg "$pid" 20 || fail "a concurrent bad-frame probe did not see its connection closed"
done
for i in 1 2 3 4 5 6; do
  assert_file_contains "$T/garbage$i.out" "error 1 frame is not a till.v1.Envelope"
  assert_file_contains "$T/oversize$i.out" "error 7 frame of 4294967295 bytes"
done
still_serving

step "with max_frame 1024 the limit moves"
restart_tilld --max_frame 1024
wait_file_contains "$TILLD_LOG" "frames up to 1024 bytes" 5
bad_frame "error 1 frame is not a till.v1.Envelope" garbage 1024
bad_frame "error 7 frame of 1025 bytes exceeds the maximum of 1024" garbage 1025
still_serving
expect_rc_contains 0 "root" till_as ADMIN-01 admin user list
