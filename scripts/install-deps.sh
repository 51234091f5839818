#!/usr/bin/env bash
# install-deps.sh -- install exactly the Debian packages Till needs to build,
# test and run. Idempotent: packages already present are left alone, and
# apt-get is not called at all when nothing is missing.
set -euo pipefail

PACKAGES=(
  build-essential       # gcc, make, libc headers
  cmake                 # build system (>= 3.18)
  pkg-config            # locating the libraries below
  libevent-dev          # event loop + bufferevent_openssl
  libssl-dev            # OpenSSL 3: TLS, scrypt, Ed25519, SHA-256
  openssl               # the certs/ script calls the openssl tool
  protobuf-c-compiler   # protoc-c, generates till.pb-c.[ch] at build time
  libprotobuf-c-dev     # protobuf-c runtime
  libsqlite3-dev        # the ledger store
  sqlite3               # tests tamper with the database file through it
  libcmocka-dev         # unit tests
  clang                 # libFuzzer targets (fuzz builds only)
  procps                # pgrep/kill used by integration scripts
  sslscan               # the TLS scan test (tests/integ/test_tls_scan.sh)
  tzdata                # time zones: reports count days in the local calendar
  gettext               # msgfmt builds the translations; xgettext/msgcmp check them
  softhsm2              # a PKCS#11 token for the chain-signing key (tests/integ/test_key_pkcs11.sh)
  opensc                # pkcs11-tool: makes the Ed25519 key inside that token
  libp11-kit-dev        # pkcs11.h: the PKCS#11 types tilld calls a token's module with
  # ---- web console: the browser tests of till-web (tests/integ/test_web.sh) ----
  chromium              # a real browser, run headless
  chromium-driver       # its WebDriver
  python3-selenium      # drives it from tests/integ/web_browser.py
  fonts-wqy-microhei    # a Chinese font, so the pages' screenshots show 汉字 (5 MB)
  # ---- end of web console ----
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
