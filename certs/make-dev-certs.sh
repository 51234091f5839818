#!/usr/bin/env bash
# make-dev-certs.sh -- make a development CA, a server certificate and one
# client certificate per terminal for Till's mutual TLS, with the openssl tool.
#
# For development and tests only: the CA key sits next to the certificates it
# signs. A real deployment uses an offline CA (see docs/operations.md).
#
# Idempotent: an existing CA is reused, so adding a terminal later keeps the
# certificates already handed out valid. Existing server and terminal files
# are left alone unless --force, which makes new keys and certificates for
# them (the CA is still kept). Every key is ECDSA P-256.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: certs/make-dev-certs.sh [--out DIR] [--terminal ID]... [--force]

Make development certificates for Till's mutual TLS in DIR
(default: certs/dev under the repository root):

  ca.crt, ca.key                   development CA (reused if present)
  server.crt, server.key           server certificate for localhost,
                                   127.0.0.1 and ::1
  terminal-<ID>.crt, .key          client certificate per terminal,
                                   subject CN = <ID>

Options:
  --out DIR       write into DIR (created with mode 0700 if missing)
  --terminal ID   make a certificate for terminal ID; may repeat
                  (default: T-LANE-01 and T-LANE-02). ID must match
                  ^[A-Za-z0-9._-]{1,64}$
  --force         make new server and terminal keys and certificates even
                  if they exist (the CA is always kept)
  --help          print this help

Exit status: 0 on success, 2 on a usage error or bad terminal id,
1 on any other failure.
EOF
}

die() { printf 'make-dev-certs: %s\n' "$*" >&2; exit 1; }
usage_error() {
  printf 'make-dev-certs: %s\n' "$*" >&2
  printf "Try 'make-dev-certs.sh --help'.\n" >&2
  exit 2
}

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]:-$0}")" && pwd -P)
repo_root=$(dirname -- "$script_dir")

out="$repo_root/certs/dev"
force=0
terminals=()
id_re='^[A-Za-z0-9._-]{1,64}$'

while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || usage_error "--out needs a directory"
      out=$2; shift 2 ;;
    --out=*)
      out=${1#--out=}; shift ;;
    --terminal)
      [ $# -ge 2 ] || usage_error "--terminal needs an id"
      terminals+=("$2"); shift 2 ;;
    --terminal=*)
      terminals+=("${1#--terminal=}"); shift ;;
    --force)
      force=1; shift ;;
    -h|--help)
      usage; exit 0 ;;
    *)
      usage_error "unknown argument: $1" ;;
  esac
done

[ -n "$out" ] || usage_error "--out must not be empty"
if [ "${#terminals[@]}" -eq 0 ]; then
  terminals=(T-LANE-01 T-LANE-02)
fi

# Check every id before making anything, and drop repeats.
declare -A seen=()
ids=()
for id in "${terminals[@]}"; do
  if ! [[ $id =~ $id_re ]]; then
    printf "make-dev-certs: invalid terminal id '%s': it must be 1-64 characters from A-Z a-z 0-9 . _ -\n" \
      "$id" >&2
    exit 2
  fi
  if [ -z "${seen[$id]+x}" ]; then
    seen[$id]=1
    ids+=("$id")
  fi
done

command -v openssl >/dev/null 2>&1 || die "the openssl tool is not installed"

# Everything from here on, keys above all, is created private to the owner.
umask 077
if [ ! -d "$out" ]; then
  mkdir -p -- "$out" || die "cannot create $out"
  chmod 0700 -- "$out"
fi

# New keys, certificates, CSRs and extension files are made in a work folder
# inside DIR and renamed into place, so an interrupted run leaves no half-made
# file behind that a later run would take for a finished one.
work=$(mktemp -d "$out/.make-dev-certs.XXXXXX") || die "cannot create a temporary folder in $out"
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run an openssl command quietly; on failure show what it said and stop.
run_openssl() {
  if ! openssl "$@" >"$work/openssl.log" 2>&1; then
    cat "$work/openssl.log" >&2
    die "openssl $1 failed"
  fi
}

# A fresh ECDSA P-256 key in <file>.
new_key() {
  run_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1"
}

# Positive random 128-bit serial, so certificates never share one.
new_serial() {
  printf '0x%s' "$(openssl rand -hex 16)"
}

# Fail unless private key <key> belongs to certificate <crt>.
check_pair() {
  local crt=$1 key=$2 a b
  a=$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null) || die "cannot read certificate $crt"
  b=$(openssl pkey -in "$key" -pubout 2>/dev/null) || die "cannot read private key $key"
  [ "$a" = "$b" ] || die "$key does not belong to $crt"
}

# Minimal config for `openssl req`, so the system openssl.cnf adds nothing.
cat >"$work/req.cnf" <<'EOF'
[req]
distinguished_name = req_dn
x509_extensions    = v3_ca
string_mask        = utf8only
utf8               = yes

[req_dn]

[v3_ca]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

cat >"$work/server.ext" <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
EOF

cat >"$work/terminal.ext" <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid, issuer
EOF

ca_crt="$out/ca.crt"
ca_key="$out/ca.key"

# --- the CA --------------------------------------------------------------
if [ -e "$ca_crt" ] && [ -e "$ca_key" ]; then
  check_pair "$ca_crt" "$ca_key"
  echo "reused $ca_key"
  echo "reused $ca_crt"
elif [ -e "$ca_crt" ] || [ -e "$ca_key" ]; then
  die "found only one of $ca_crt and $ca_key; restore the other or remove both to make a new CA"
else
  new_key "$work/ca.key"
  run_openssl req -batch -config "$work/req.cnf" -new -x509 -sha256 \
    -key "$work/ca.key" -subj "/O=Till development/CN=Till dev CA" \
    -days 3650 -set_serial "$(new_serial)" -out "$work/ca.crt"
  mv -- "$work/ca.key" "$ca_key"
  mv -- "$work/ca.crt" "$ca_crt"
  echo "made   $ca_key"
  echo "made   $ca_crt"
fi

# Make or reuse a leaf: <name> (file stem), <subject>, <extension file>.
leaf() {
  local name=$1 subj=$2 ext=$3
  local crt="$out/$name.crt" key="$out/$name.key"
  if [ "$force" -eq 0 ]; then
    if [ -e "$crt" ] && [ -e "$key" ]; then
      check_pair "$crt" "$key"
      echo "reused $key"
      echo "reused $crt"
      return 0
    elif [ -e "$crt" ] || [ -e "$key" ]; then
      die "found only one of $crt and $key; remove it or run with --force"
    fi
  fi
  new_key "$work/$name.key"
  run_openssl req -batch -config "$work/req.cnf" -new -sha256 \
    -key "$work/$name.key" -subj "$subj" -out "$work/$name.csr"
  run_openssl x509 -req -sha256 -in "$work/$name.csr" \
    -CA "$ca_crt" -CAkey "$ca_key" -set_serial "$(new_serial)" -days 825 \
    -extfile "$ext" -out "$work/$name.crt"
  mv -f -- "$work/$name.key" "$key"
  mv -f -- "$work/$name.crt" "$crt"
  echo "made   $key"
  echo "made   $crt"
}

# --- server and terminals ------------------------------------------------
leaf server "/O=Till development/CN=localhost" "$work/server.ext"
for id in "${ids[@]}"; do
  leaf "terminal-$id" "/O=Till terminal/CN=$id" "$work/terminal.ext"
done

# --- check the chain -----------------------------------------------------
verify() {
  local purpose=$1 crt=$2
  if ! openssl verify -CAfile "$ca_crt" -purpose "$purpose" "$crt" >"$work/verify.log" 2>&1; then
    cat "$work/verify.log" >&2
    die "$crt does not verify against $ca_crt (made by another CA? rerun with --force)"
  fi
}
verify sslserver "$out/server.crt"
for id in "${ids[@]}"; do
  verify sslclient "$out/terminal-$id.crt"
done
echo "verified server and ${#ids[@]} terminal certificate(s) against $ca_crt"
