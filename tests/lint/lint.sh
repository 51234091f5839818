#!/usr/bin/env bash
# lint.sh -- the layering rules of docs/architecture.md, checked on the
# sources (CTest: lint). Fails, naming each offence, on:
#   - an #include "x.h" whose header lives in a folder the including folder
#     may not use (the rules are read from the block between the
#     <!-- layers --> markers in docs/architecture.md, so the doc is the rule);
#   - a source file (.c/.h) over 1,500 lines, or a function over 150;
#   - SQL that writes journal or entries rows anywhere but server/engine/;
#   - an include cycle among server modules (a module is a .c file and its
#     .h), other than conn <-> server.
#
#   bash tests/lint/lint.sh [SOURCE_DIR]           check the tree
#   bash tests/lint/lint.sh --self-test [SOURCE_DIR]
#        copy the tree, plant one offence of each kind, and check that each
#        is reported (so the lint itself cannot pass by checking nothing)
set -uo pipefail

MAX_FILE_LINES=1500
MAX_FUNC_LINES=150

lint_tree() {
  local src=$1 bad=0
  local doc=$src/docs/architecture.md
  if [ ! -f "$doc" ]; then
    echo "lint: $doc is missing: it holds the layering rules" >&2
    return 1
  fi
  # "folder: allowed allowed ..." lines between the markers
  local rules
  rules=$(sed -n '/<!-- layers -->/,/<!-- \/layers -->/p' "$doc" | grep -E '^[a-z/]+:' || true)
  if [ -z "$rules" ]; then
    echo "lint: no layer rules between <!-- layers --> markers in $doc" >&2
    return 1
  fi
  local -A allowed=()
  local folder rest
  while IFS=: read -r folder rest; do
    allowed[$folder]=" $folder $rest "
  done <<<"$rules"

  # where each header lives (the generated till.pb-c.h counts as proto/)
  local -A home=()
  local h
  while IFS= read -r h; do
    local name=${h##*/} dir=${h%/*}
    home[$name]="${home[$name]:-} $dir"
  done < <(cd "$src" && find common proto server client web -name '*.h' | sort)
  home[till.pb-c.h]=" proto"

  local f
  while IFS= read -r f; do
    local dir=${f%/*}
    if [ -z "${allowed[$dir]+x}" ]; then
      echo "lint: $f: folder $dir has no layer rule in docs/architecture.md"
      bad=1
      continue
    fi
    # includes
    local inc
    while IFS= read -r inc; do
      [ -n "$inc" ] || continue
      local where=${home[$inc]:-}
      [ -n "$where" ] || continue   # a system header or a test's own
      if [[ " $where " == *" $dir "* ]]; then
        continue                     # its own folder comes first
      fi
      local ok=0 w
      for w in $where; do
        [[ "${allowed[$dir]}" == *" $w "* ]] && ok=1
      done
      if [ $ok -eq 0 ]; then
        echo "lint: $f includes \"$inc\" from$where, which $dir may not use"
        bad=1
      fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src/$f")
    # sizes
    local n
    n=$(wc -l <"$src/$f")
    if [ "$n" -gt $MAX_FILE_LINES ]; then
      echo "lint: $f has $n lines (at most $MAX_FILE_LINES)"
      bad=1
    fi
    if [[ $f == *.c ]]; then
      local long
      long=$(awk -v max=$MAX_FUNC_LINES -v file="$f" '
        /^[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(/ { name = $0; sub(/[[:space:]]*\(.*/, "", name) }
        /^\{/ { start = NR }
        /^[A-Za-z_].*\)[[:space:]]*\{[[:space:]]*$/ && !/=/ {   # "static int f(void) {"
          name = $0; sub(/[[:space:]]*\(.*/, "", name); sub(/.*[[:space:]*]/, "", name); start = NR }
        /^\}/ && start { if (NR - start - 1 > max) printf "lint: %s: function %s has %d lines (at most %d)\n", file, name, NR - start - 1, max; start = 0 }
      ' "$src/$f")
      if [ -n "$long" ]; then
        echo "$long"
        bad=1
      fi
    fi
    # only the engine writes journal rows
    if [[ $dir != server/engine ]] &&
       grep -nEi 'insert[[:space:]]+(or[[:space:]]+[a-z]+[[:space:]]+)?into[[:space:]]+(journal|entries)\b' "$src/$f" >/dev/null; then
      echo "lint: $f writes journal or entries rows; only server/engine/ may"
      bad=1
    fi
  done < <(cd "$src" && find common proto server client web \( -name '*.c' -o -name '*.h' \) | sort)
  cycles "$src" || bad=1
  return $bad
}

# Include cycles among server modules: A and B are in a cycle when each
# reaches the other through includes. The one allowed: conn <-> server.
cycles() {
  local src=$1 out
  out=$(cd "$src" && {
          find server -name '*.h' | sed 's|.*/||; s|\.h$||; s|^|header |'
          find server -name '*.[ch]' | while IFS= read -r f; do
            sed -n "s|^[[:space:]]*#[[:space:]]*include[[:space:]]*\"\\([^\"]*\\)\\.h\".*|include $f \\1|p" "$f"
          done
        } | awk '
          # a module is a .c and its .h; a private X_int.h belongs to X
          function mod(s) { sub(/.*\//, "", s); sub(/\.[ch]$/, "", s); sub(/_int$/, "", s); return s }
          $1 == "header" { ours[$2]; next }
          $1 == "include" && ($3 in ours) { a = mod($2); b = mod($3); if (a != b) adj[a] = adj[a] " " b; nodes[a]; nodes[b] }
          END {
            for (a in nodes) {            # everything a reaches, by a bounded walk
              delete seen; n = 0; q[n++] = a
              for (i = 0; i < n && n < 10000; i++) {
                k = split(adj[q[i]], nb, " ")
                for (j = 1; j <= k; j++) if (!(nb[j] in seen)) { seen[nb[j]]; q[n++] = nb[j] }
              }
              for (x in seen) reach[a, x] = 1
            }
            for (a in nodes) for (b in nodes)
              if (a < b && reach[a, b] && reach[b, a] && !(a == "conn" && b == "server"))
                printf "lint: include cycle between server modules %s and %s\n", a, b
          }' | sort)
  [ -z "$out" ] && return 0
  echo "$out"
  return 1
}

self_test() {
  local src=$1 t
  t=$(mktemp -d)
  trap 'rm -rf "$t"' RETURN
  mkdir -p "$t/docs"
  cp -r "$src/common" "$src/proto" "$src/server" "$src/client" "$src/web" "$t/"
  cp "$src/docs/architecture.md" "$t/docs/"
  if ! lint_tree "$t" >"$t/clean.out"; then
    echo "lint self-test: the unplanted copy fails:"; cat "$t/clean.out"
    return 1
  fi
  # one offence of each kind
  printf '#include "dispatch.h"\n' >>"$t/server/sales/sales.c"
  printf '#include "till.pb-c.h"\n' >>"$t/server/engine/store.h"
  printf '#include "cli.h"\n' >>"$t/server/core/request.c"
  { printf 'int\nplanted_long(void)\n{\n'; for i in $(seq 151); do printf '  (void)0;\n'; done; printf '  return 0;\n}\n'; } >>"$t/server/shift/shift.c"
  { printf 'static int planted_brace(void) {\n'; for i in $(seq 160); do printf '  (void)0;\n'; done; printf '  return 0;\n}\n'; } >>"$t/client/print.c"
  seq 1501 | sed 's|.*|/* line & */|' >"$t/common/planted_big.h"
  printf 'static const char *planted = "INSERT INTO journal(id) VALUES (1)";\n' >>"$t/server/report/report_daily.c"
  mkdir -p "$t/server/planted" && printf '/* x */\n' >"$t/server/planted/planted.c"
  printf '#include "dispatch.h"\n' >>"$t/server/core/worker.c"
  printf '#include "request.h"\n' >>"$t/web/main.c"
  lint_tree "$t" >"$t/planted.out"
  local rc=$? fail=0
  local want
  for want in 'server/sales/sales.c includes "dispatch.h"' \
              'server/engine/store.h includes "till.pb-c.h"' \
              'server/core/request.c includes "cli.h"' \
              'function planted_long has 152 lines' \
              'function planted_brace has 161 lines' \
              'common/planted_big.h has 1501 lines' \
              'server/report/report_daily.c writes journal or entries rows' \
              'folder server/planted has no layer rule' \
              'include cycle between server modules dispatch and worker' \
              'web/main.c includes "request.h"'; do
    if ! grep -qF -- "$want" "$t/planted.out"; then
      echo "lint self-test: planted offence not reported: $want"
      fail=1
    fi
  done
  if [ $rc -eq 0 ]; then
    echo "lint self-test: lint passed a tree with planted offences"
    fail=1
  fi
  [ $fail -eq 0 ] && echo "lint self-test: all 10 planted offences reported"
  return $fail
}

if [ "${1:-}" = "--self-test" ]; then
  self_test "$(cd "${2:-$(dirname "$0")/../..}" && pwd)"
  exit $?
fi
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
if lint_tree "$src"; then
  echo "lint: layering, include cycles, file and function sizes, journal writers: clean"
  exit 0
fi
exit 1
