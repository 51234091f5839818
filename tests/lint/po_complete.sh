#!/usr/bin/env bash
# po_complete.sh -- every text a user may read has its Chinese: each _()/N_()
# text of the client and each message format of the server (po/extract.sh)
# is translated in po/client/zh_CN.po and po/server/zh_CN.po, and neither
# catalog keeps a translation nothing uses any more (an obsolete entry would
# hide a changed English text). msgfmt --check, at build time, already
# refuses a translation whose printf conversions differ from its English.
#
#   bash tests/lint/po_complete.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: po_complete.sh SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
bash "$src/po/extract.sh" "$tmp"
rc=0
for pair in client:till server:till-server; do
  dir=${pair%%:*}
  domain=${pair#*:}
  po=$src/po/$dir/zh_CN.po
  # missing or untranslated: msgcmp names each
  if ! msgcmp "$po" "$tmp/$domain.pot" 2>"$tmp/cmp.err"; then
    echo "po/$dir/zh_CN.po lacks translations (run po/extract.sh and msgmerge):" >&2
    sed 's/^/  /' "$tmp/cmp.err" | head -40 >&2
    rc=1
  fi
  # translated but no longer used
  unused=$(msgcomm --less-than=2 --no-location -u "$po" "$tmp/$domain.pot" 2>/dev/null |
    msgattrib --translated --no-obsolete 2>/dev/null | grep -c '^msgid "[^"]' || true)
  if [ "$unused" -gt 0 ]; then
    echo "po/$dir/zh_CN.po: $unused translations of texts nothing uses any more:" >&2
    msgcomm --less-than=2 --no-location -u "$po" "$tmp/$domain.pot" | grep '^msgid' | head -10 >&2
    rc=1
  fi
done
[ $rc -eq 0 ] && echo "po_complete: both catalogs cover every text"
exit $rc
