# bench/lib_key.sh -- sourced by the benchmark scripts: the chain-signing
# key tilld requires (signing_key has no default; docs/operations.md, "The
# signing key"), made apart from the database as tests/integ/lib.sh makes it.
#
#   bench_signing_key DIR   makes DIR/keys/chain-signing.pem and sets
#                           KEY_FLAGS, the tilld options that name it
#
# As root the key and its directory belong to another user (nobody), so that
# the database's owner cannot write them and tilld's strict check holds;
# anyone else gets signing_key_check = dev, which relaxes only that rule.
bench_signing_key() {
  local dir=$1/keys
  mkdir -p -- "$dir"
  openssl genpkey -algorithm ED25519 -out "$dir/chain-signing.pem" 2>/dev/null
  chmod 440 "$dir/chain-signing.pem"
  chmod 750 "$dir"
  KEY_FLAGS=(--signing_key "$dir/chain-signing.pem")
  if [ "$(id -u)" -eq 0 ]; then
    chown 65534:0 "$dir/chain-signing.pem" "$dir"
  else
    KEY_FLAGS+=(--signing_key_check dev)
  fi
}
