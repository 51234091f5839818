# lib_web.sh -- sourced after lib.sh and lib_world.sh by the web console's
# tests (test_web, test_web_ops, test_web_report): the browser's tools,
# till-web's own terminal, and till-web started and stopped.
#
#   web_tools NAME      check till-web, Debian's python3 with selenium,
#                       chromium and chromedriver; sets TILL_WEB, PY and ART
#                       (the screenshots' directory, emptied)
#   web_terminal        certificates and registration of WEB-01
#   start_web LOG ARGS  till-web on the current tilld with ARGS; sets
#                       WEB_PID, WEB_LOG and URL (bounded: 10 s)
#   stop_web            SIGTERM: it must stop within 10 s, exit 0 and its
#                       log show no sanitizer report

web_tools() {
  TILL_WEB=${TILL_WEB:-$TILL_SOURCE_DIR/build/web/till-web}
  [ -x "$TILL_WEB" ] || fail "till-web is not built at $TILL_WEB (set TILL_WEB)"
  # Debian's python3, where python3-selenium is installed (not a pyenv's)
  PY=${TILL_PYTHON:-/usr/bin/python3}
  [ -x "$PY" ] || fail "$PY is missing: run scripts/install-deps.sh"
  local tool
  for tool in chromium chromedriver; do
    command -v "$tool" >/dev/null 2>&1 ||
      fail "$tool is not installed: run scripts/install-deps.sh (chromium, chromium-driver, python3-selenium)"
  done
  "$PY" -c 'import selenium' 2>/dev/null ||
    fail "python3-selenium is not installed: run scripts/install-deps.sh"
  ART=$TILL_TEST_TMP/$1.artefacts
  rm -rf -- "$ART" && mkdir -p -- "$ART"
}

web_terminal() {
  "$TILL_SOURCE_DIR/certs/make-dev-certs.sh" --out "$T/certs" --terminal WEB-01 >>"$T/certs.log" 2>&1 ||
    fail "make-dev-certs.sh --terminal WEB-01 failed"
  expect_rc 0 till_as ADMIN-01 admin terminal add WEB-01 --description "web console"
}

start_web() {
  WEB_LOG=$1
  shift
  rm -f -- "$T/web.port"
  "$TILL_WEB" --listen 127.0.0.1:0 --port_file "$T/web.port" --cert "$T/certs/server.crt" \
    --key "$T/certs/server.key" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
    --terminal_cert "$T/certs/terminal-WEB-01.crt" --terminal_key "$T/certs/terminal-WEB-01.key" \
    "$@" </dev/null >"$WEB_LOG" 2>&1 8>&- 9>&- &
  WEB_PID=$!
  BG_PIDS+=("$WEB_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    [ -s "$T/web.port" ] && break
    kill -0 "$WEB_PID" 2>/dev/null || { cat -- "$WEB_LOG" >&9; fail "till-web exited at start"; }
    sleep 0.1
  done
  [ -s "$T/web.port" ] || fail "till-web wrote no port within 10 s"
  URL=https://127.0.0.1:$(cat -- "$T/web.port")
}

stop_web() {
  kill -TERM "$WEB_PID"
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$WEB_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$WEB_PID" 2>/dev/null; then fail "till-web still running 10 s after SIGTERM"; fi
  wait "$WEB_PID" || fail "till-web exited with $? on SIGTERM"
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WEB_LOG"; then
    cat -- "$WEB_LOG" >&9
    fail "till-web's log shows a sanitizer report"
  fi
}
