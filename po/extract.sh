#!/usr/bin/env bash
# extract.sh -- the English texts the translations must cover, as .pot
# files: OUTDIR/till.pot (the client's _() and N_() texts) and
# OUTDIR/till-server.pot (the messages the server sends: req_fail and
# req_row_one formats, and the engine's error formats written with snprintf
# into its err buffers -- those with a space, which names and paths never
# have). tests/lint/po_complete.sh checks po/*/zh_CN.po against them; to
# add translations run this and merge:  msgmerge -U po/server/zh_CN.po OUT/till-server.pot
#
#   bash po/extract.sh OUTDIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: extract.sh OUTDIR}
mkdir -p -- "$out"
cd "$root"

common=(--from-code=UTF-8 --language=C --no-location --sort-output --omit-header
        --flag=_:1:pass-c-format)

xgettext "${common[@]}" --keyword=_ --keyword=N_ -o "$out/till.pot" client/*.c web/*.c

server_files=()
for f in server/*/*.c; do
  case $f in
  server/engine/store.c | server/engine/checkpoint.c | server/net/server.c | \
  server/net/conn_noise.c) ;; # the log's own words, never sent to a client
  *) server_files+=("$f") ;;
  esac
done
xgettext "${common[@]}" --keyword= --keyword=req_fail:3 --keyword=req_row_one:4 \
  --keyword=snprintf:3 --flag=req_fail:3:c-format --flag=req_row_one:4:c-format \
  -o "$out/till-server.all.pot" "${server_files[@]}"
# names, paths and SQL have no place among the messages
msggrep --msgid -e ' ' "$out/till-server.all.pot" |
  msggrep --invert-match --msgid -e '^PRAGMA\|^SELECT\|^INSERT\|^DELETE\|^UPDATE' -o "$out/till-server.pot"
rm -f -- "$out/till-server.all.pot"
