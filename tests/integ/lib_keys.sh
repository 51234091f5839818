# lib_keys.sh -- what the signing-key tests (test_key_rotation.sh,
# test_witness_rotation.sh, test_web_verify.sh) share. Source it after
# lib.sh and lib_world.sh, once carol is logged in on T-LANE-01 with an open
# shift and sam on ADMIN-01:
#
#   sales N        N cash sales of PARK1H by carol
#   checkpoint     sam signs the chain's head (till audit checkpoint)
#   rotate [FLAG]  tilld rotate-key on $DB (the dev key check when not root,
#                  as lib.sh starts tilld)

sales() {
  local i
  for ((i = 0; i < $1; i++)); do
    expect_rc 0 till_user T-LANE-01 carol sale PARK1H --method cash
  done
}
checkpoint() { expect_rc_contains 0 "signed" till_user ADMIN-01 sam audit checkpoint; }
rotate() { "$TILLD" rotate-key --db "$DB" ${SIGNING_KEY_FLAGS[@]+"${SIGNING_KEY_FLAGS[@]}"} "$@"; }
