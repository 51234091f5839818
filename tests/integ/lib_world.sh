# lib_world.sh -- the world most integration tests start from: terminals,
# users, a catalogue, logins and open shifts, built in a few calls instead of
# a dozen copied lines.
#
# Source it after lib.sh; it loads lib_ledger.sh too (for the per-user
# session files), so a script that sources it needs nothing else:
#
#   source "$(dirname -- "$0")/lib.sh"
#   source "$(dirname -- "$0")/lib_world.sh"
#
# The usual world, as the ledger tests build it:
#
#   register_lanes                                   (lib.sh)
#   world_catalog
#   world_users carol sam audrey
#   world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
#   open_shift T-LANE-01 carol                       (lib_ledger.sh)
#
# What each call creates (all as root on ADMIN-01, logged in by
# register_lanes or admin_login; every step must succeed or the test fails):
#
#   register_lanes     terminals T-LANE-01 "lane 1" and T-LANE-02 "lane 2";
#                      T-GHOST stays unregistered
#   world_users NAME[=ROLES] ...
#                      each user, in the order given, with password
#                      NAME-pw-1 (carol-pw-1, sam-pw-1 ...) and, unless
#                      =ROLES says otherwise, the role of the usual cast:
#                        sam          supervisor
#                        suzy, kim    cashier,supervisor
#                        audrey       auditor
#                        anyone else  cashier (carol, dan, dave, erin ...)
#   world_catalog [CODE ...]
#                      receipt series HT and the items named, in that order,
#                      from this price list (PARK1H alone when none is named):
#                        PARK1H  "Parking"    5.00
#                        PARK    "Parking"    5.00
#                        WASH    "Car wash"   2.50
#   world_item CODE NAME PRICE [SERIES]
#                      one more item, in series HT unless SERIES is given
#                      (the series must exist)
#   world_login TERMINAL:USER ...
#                      each USER logs in on TERMINAL with NAME-pw-1, in a
#                      session file of their own (login_user), so several
#                      users can be logged in on one terminal
#   open_shift TERMINAL USER [COUNT]
#                      USER opens a shift there, with no float or with the
#                      counted float COUNT ("100x2,10x5")
#
# A test that needs something else (another series, a user with another
# password, a terminal beyond the two lanes) keeps its own lines for it.

declare -F login_user >/dev/null ||
  source "$(dirname -- "${BASH_SOURCE[0]}")/lib_ledger.sh"

# world_password NAME -- the password world_users gives NAME.
world_password() { printf '%s-pw-1' "$1"; }

# world_users NAME[=ROLES] ... -- add each user (see the top of this file).
world_users() {
  local spec name roles
  for spec in "$@"; do
    name=${spec%%=*}
    if [ "$name" != "$spec" ]; then
      roles=${spec#*=}
    else
      case $name in
        sam) roles=supervisor ;;
        suzy | kim) roles=cashier,supervisor ;;
        audrey) roles=auditor ;;
        *) roles=cashier ;;
      esac
    fi
    add_user "$name" "$roles" "$(world_password "$name")"
  done
}

# world_item CODE NAME PRICE [SERIES] -- one item in the catalogue.
world_item() {
  expect_rc 0 till_as ADMIN-01 admin item add "$1" --name "$2" --price "$3" --series "${4:-HT}"
}

# world_catalog [CODE ...] -- series HT and items from the price list above.
world_catalog() {
  local code
  expect_rc 0 till_as ADMIN-01 admin series add HT --kind receipt
  [ $# -gt 0 ] || set -- PARK1H
  for code in "$@"; do
    case $code in
      PARK1H | PARK) world_item "$code" Parking 5.00 ;;
      WASH) world_item WASH "Car wash" 2.50 ;;
      *) fail "world_catalog: $code is not on the price list (use world_item)" ;;
    esac
  done
}

# world_login TERMINAL:USER ... -- each USER logs in on TERMINAL.
world_login() {
  local spec
  for spec in "$@"; do
    login_user "${spec%%:*}" "${spec#*:}" "$(world_password "${spec#*:}")"
  done
}
