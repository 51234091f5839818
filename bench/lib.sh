# bench/lib.sh -- sourced by the benchmark scripts that run one tilld of
# their own over real mutual TLS (bench/web.sh, bench/toll_exit.sh): the
# Release build, a tilld with its certificates, signing key and first
# administrator, the real `till` on a terminal's certificate, and the
# clean-up. Everything is on loopback in the directory $W the script
# made; every wait is bounded.
#
#   bench_build TARGET...     builds build-bench/ (Release) and sets TILLD,
#                             TILL, BENCH, WEB
#   bench_tilld NAME ID...    certificates for the terminals ID..., the
#                             signing key, root as administrator on
#                             ADMIN-01 (password bench-admin-pw, logged
#                             in), tilld started: TILLD_PID, SERVER
#   till_on ID SESSION ARG... the real till on terminal ID's certificate
#                             with the session file $W/SESSION.session
#   token_of SESSION          that session's token
#   adm ARG...                till as root on ADMIN-01, output dropped
#   bench_stop PID            SIGTERM, up to 10 s, then SIGKILL
#   field KEY LINE            the value of KEY=... in a till-bench line
source "$(dirname "${BASH_SOURCE[0]}")/lib_key.sh"

bench_build() {
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build build-bench -j2 --target "$@" >/dev/null
  TILLD=$PWD/build-bench/server/tilld
  TILL=$PWD/build-bench/client/till
  BENCH=$PWD/build-bench/bench/till-bench
  WEB=$PWD/build-bench/web/till-web
}

bench_stop() {
  [ -n "${1:-}" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

bench_tilld() {
  local name=$1 id cert_args=()
  shift
  for id in ADMIN-01 "$@"; do cert_args+=(--terminal "$id"); done
  bash certs/make-dev-certs.sh --out "$W/certs" "${cert_args[@]}" >/dev/null
  bench_signing_key "$W"
  TILL_ADMIN_PASSWORD=bench-admin-pw "$TILLD" init-admin --db "$W/till.db" --user root \
    --terminal ADMIN-01 </dev/null >"$W/init.log" 2>&1
  "$TILLD" --db "$W/till.db" "${KEY_FLAGS[@]}" --cert "$W/certs/server.crt" \
    --key "$W/certs/server.key" --ca "$W/certs/ca.crt" --listen 127.0.0.1:0 \
    --port_file "$W/port" --log_level warn </dev/null >"$W/tilld.log" 2>&1 &
  TILLD_PID=$!
  for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.1; done
  [ -s "$W/port" ] || { cat "$W/tilld.log" >&2; echo "$name: tilld did not start" >&2; exit 1; }
  SERVER=127.0.0.1:$(cat "$W/port")
  TILL_PASSWORD=bench-admin-pw till_on ADMIN-01 root login root >/dev/null
}

till_on() {
  local id=$1 sess=$2
  shift 2
  "$TILL" --server "$SERVER" --ca "$W/certs/ca.crt" --cert "$W/certs/terminal-$id.crt" \
    --key "$W/certs/terminal-$id.key" --session "$W/$sess.session" "$@"
}
token_of() { sed -n 's/^token = //p' "$W/$1.session"; }
adm() { till_on ADMIN-01 root "$@" >/dev/null; }
field() { sed -n "s/.*\\b$1=\\([^ /]*\\).*/\\1/p" <<<"$2"; }
