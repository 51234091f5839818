#!/usr/bin/env bash
# pg_bench.sh -- the peer a user might pick instead of Till: PostgreSQL from
# Debian's packages doing the same durable, gap-free posting, driven by
# pgbench at several client counts.
#
#   bash bench/pg_bench.sh            run with the defaults below
#   bash bench/pg_bench.sh --help     this text
#
# Environment:
#   PG_CLIENTS   client counts to run, in order    (default "1 8 64 256")
#   PG_SECONDS   seconds per client count          (default 20)
#   PG_PORT      TCP port on 127.0.0.1             (default: first free from 55432)
#   TMPDIR       where the throwaway cluster lives (default /tmp)
#
# It installs the postgresql package if missing, makes a fresh cluster with
# initdb in a new temporary directory (default durability: fsync,
# synchronous_commit and full_page_writes all on, nothing tuned except
# max_connections=300), and creates Till's posting tables in plain SQL. One
# pgbench transaction is one posting in one commit: take the next receipt
# number from the series counter row, insert the journal row (a 16-byte
# idempotency key made as Till's clients make theirs -- 6 bytes of Unix
# milliseconds, big-endian, then 10 random bytes -- SHA-256 chained to the previous receipt's hash), two
# entries that sum to zero and the idempotency row. pgbench connects over
# TCP to 127.0.0.1 with a password, like an application server would. After
# each run the database must hold exactly the postings pgbench reports,
# numbered 1..N without gaps; otherwise the script fails.
#
# Progress goes to stderr. stdout gets one line for the server and one line
# per client count, for other scripts to parse:
#   pg version=15.14
#   pg clients=N tps=X lat_avg_ms=Y
# The cluster is stopped and its directory deleted on any exit. As root,
# PostgreSQL runs as the postgres system user. Exit 0, 1 on any failure,
# 2 on a usage error.
set -euo pipefail
export LC_ALL=C   # pgbench and printf agree on the decimal point

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

log() { echo "pg_bench: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

CLIENTS=${PG_CLIENTS:-"1 8 64 256"}
SECONDS_EACH=${PG_SECONDS:-20}
[[ $SECONDS_EACH =~ ^[0-9]+$ && $SECONDS_EACH -ge 1 && $SECONDS_EACH -le 3600 ]] ||
  { log "PG_SECONDS must be 1..3600"; exit 2; }
for c in $CLIENTS; do   # 300 connections less 3 reserved, less our psql
  [[ $c =~ ^[0-9]+$ && $c -ge 1 && $c -le 290 ]] ||
    { log "PG_CLIENTS entries must be 1..290, got '$c'"; exit 2; }
done

# --- install (idempotent, like scripts/install-deps.sh) ----------------------
if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO timeout 900 apt-get update -qq
  $SUDO timeout 900 apt-get install -y -qq --no-install-recommends postgresql
fi
BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
[[ -n $BIN && -x $BIN/pgbench && -x $BIN/initdb ]] || die "no pgbench/initdb under /usr/lib/postgresql"

# PostgreSQL refuses to run as root: then everything runs as postgres.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --- a free port ---------------------------------------------------------------
# Free means connecting is refused (bash exits 1); a timeout counts as busy.
port_free() {
  local rc=0
  timeout 2 bash -c ": <>/dev/tcp/127.0.0.1/$1" 2>/dev/null || rc=$?
  [ "$rc" -eq 1 ]
}
PORT=${PG_PORT:-}
if [ -z "$PORT" ]; then
  for p in $(seq 55432 55531); do
    if port_free "$p"; then PORT=$p; break; fi
  done
  [ -n "$PORT" ] || die "no free port in 55432..55531; set PG_PORT"
fi
[[ $PORT =~ ^[0-9]+$ ]] || { log "PG_PORT must be a number"; exit 2; }

# --- the throwaway cluster -----------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/till-pg-XXXXXX")
started=0
bench_pid=""
cleanup() {
  if [ -n "$bench_pid" ]; then kill "$bench_pid" 2>/dev/null || true; fi
  if [ "$started" -eq 1 ]; then
    as_pg "$BIN/pg_ctl" -D "$tmp/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      log "pg_ctl stop failed; see $tmp/server.log"
  fi
  if [ -n "$bench_pid" ]; then wait "$bench_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 1' INT TERM HUP

PGPASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export PGPASSWORD PGCONNECT_TIMEOUT=10
printf '%s\n' "$PGPASSWORD" >"$tmp/pw"
chmod 600 "$tmp/pw"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp" "$tmp/pw"

log "initdb in $tmp (PostgreSQL binaries in $BIN)"
as_pg timeout 300 "$BIN/initdb" -D "$tmp/data" -U postgres -E UTF8 --no-locale \
  --auth-local=trust --auth-host=scram-sha-256 --pwfile="$tmp/pw" --no-instructions \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb"; }
# Only what this benchmark needs; durability stays at the defaults.
as_pg tee -a "$tmp/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$tmp'
max_connections = 300
EOF
as_pg "$BIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start >/dev/null ||
  { cat "$tmp/server.log" >&2; die "pg_ctl start on port $PORT"; }
started=1

# Setup and checks go over the socket in $tmp (0700); pgbench over TCP.
sql() { as_pg timeout 120 "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$tmp" -p "$PORT" -U postgres -d postgres "$@"; }

version=$(sql -c "SHOW server_version")
durability=$(sql -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
                      WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')")
log "PostgreSQL $version on 127.0.0.1:$PORT; $durability"
case "$durability" in
  *fsync=on*full_page_writes=on*synchronous_commit=on*) ;;
  *) die "durability is not the default: $durability" ;;
esac
echo "pg version=${version%% *}"

sql <<'EOF'
CREATE TABLE series_counters (series text PRIMARY KEY, last_no bigint NOT NULL);
INSERT INTO series_counters VALUES ('HT2026', 0);
CREATE TABLE journal (
  id bigserial PRIMARY KEY, kind int, at_ms bigint, terminal text, cashier text,
  series text, receipt_no bigint, idem_key bytea UNIQUE, chain_hash bytea,
  UNIQUE (series, receipt_no));
CREATE TABLE entries (txn_id bigint REFERENCES journal(id), account text, amount bigint);
CREATE TABLE idempotency (key bytea PRIMARY KEY, txn_id bigint, response bytea);
EOF

# One posting, one commit. The counter row lock serialises postings, so the
# previous receipt is committed and visible when its hash is chained in
# (one series here, so that is also the journal's head, as in Till).
cat >"$tmp/posting.sql" <<'EOF'
\set amount random(100, 500000)
BEGIN;
UPDATE series_counters SET last_no = last_no + 1 WHERE series = 'HT2026' RETURNING last_no \gset
INSERT INTO journal (kind, at_ms, terminal, cashier, series, receipt_no, idem_key, chain_hash)
VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'T-LANE-01', 'cashier1',
        'HT2026', :last_no,
        decode(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
               || substr(md5(random()::text || clock_timestamp()::text), 1, 20), 'hex'),
        sha256(coalesce((SELECT chain_hash FROM journal
                          WHERE series = 'HT2026' AND receipt_no = :last_no::bigint - 1), ''::bytea)
               || convert_to(:last_no::text || '|' || :amount::text, 'UTF8')))
RETURNING id AS txn_id, encode(idem_key, 'hex') AS idem_hex \gset
INSERT INTO entries (txn_id, account, amount)
VALUES (:txn_id, 'cash', :amount), (:txn_id, 'revenue', - :amount::bigint);
INSERT INTO idempotency (key, txn_id, response)
VALUES (decode(:idem_hex, 'hex'), :txn_id, convert_to('HT2026-' || :last_no::text, 'UTF8'));
END;
EOF
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp/posting.sql"

# journal/counter/entries/idempotency totals, as "count|last|min|max|entries|sum|idem"
totals() {
  sql -c "SELECT count(*), (SELECT last_no FROM series_counters WHERE series = 'HT2026'),
                 coalesce(min(receipt_no), 0), coalesce(max(receipt_no), 0),
                 (SELECT count(*) FROM entries), (SELECT coalesce(sum(amount), 0) FROM entries),
                 (SELECT count(*) FROM idempotency)
            FROM journal"
}

for c in $CLIENTS; do
  IFS='|' read -r before _ <<<"$(totals)"
  threads=$(( c < 2 ? c : 2 ))
  log "pgbench: $c clients, $threads threads, ${SECONDS_EACH}s"
  out="$tmp/pgbench-$c.out"
  as_pg timeout $((SECONDS_EACH + 300)) "$BIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PORT" \
    -U postgres -c "$c" -j "$threads" -T "$SECONDS_EACH" -f "$tmp/posting.sql" postgres \
    >"$out" 2>&1 &
  bench_pid=$!   # waited for in the background, so a signal stops the run at once
  wait "$bench_pid" || { cat "$out" >&2; die "pgbench with $c clients"; }
  bench_pid=""
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$out")
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$out")
  done_n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  [[ -n $tps && -n $lat && -n $done_n ]] || { cat "$out" >&2; die "cannot parse pgbench output"; }
  [ "${failed:-0}" -eq 0 ] || { cat "$out" >&2; die "$failed failed transactions"; }

  # The ledger must hold exactly what pgbench says it committed, gap-free.
  IFS='|' read -r n last lo hi ne sum ni <<<"$(totals)"
  [ "$n" -eq "$last" ] || die "journal has $n rows but the counter says $last"
  [[ $lo -eq 1 && $hi -eq $n ]] || die "receipts $lo..$hi for $n rows: gap or duplicate"
  [ $((n - before)) -eq "$done_n" ] || die "pgbench reports $done_n postings, journal grew by $((n - before))"
  [[ $ne -eq $((2 * n)) && $sum -eq 0 ]] || die "entries: $ne rows summing to $sum for $n postings"
  [ "$ni" -eq "$n" ] || die "idempotency has $ni rows for $n postings"
  log "ok: $done_n postings, receipts 1..$n gap-free"

  printf 'pg clients=%s tps=%.1f lat_avg_ms=%.3f\n' "$c" "$tps" "$lat"
done
