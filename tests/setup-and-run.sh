#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it.
#   - a virtual environment in .venv with badgedir and its test extras
#   - Debian's chromium for the browser tests and minisign for the signature tests;
#      (no browser downloads: Playwright drives /usr/bin/chromium)
#   - axe-core from npm for the accessibility checks
#   - Debian's default-jre-headless and npm's vnu-jar (the W3C Nu HTML Checker), and Lighthouse 12 from npm
# Extra arguments are passed to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PY=.venv/bin/python
else
  PY=python
fi
"$PY" -m pip install -q --disable-pip-version-check -e '.[test]'

MISSING=""
command -v chromium >/dev/null 2>&1 || MISSING="$MISSING chromium"
command -v minisign >/dev/null 2>&1 || MISSING="$MISSING minisign"  # the signature tests check badgedir's signatures with the stock tool (issue #17)
command -v java >/dev/null 2>&1 || MISSING="$MISSING default-jre-headless"  # the W3C Nu HTML Checker (issue #19)
command -v npm >/dev/null 2>&1 || MISSING="$MISSING npm"
if [ -n "$MISSING" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi

# Versions pinned: Lighthouse 13 needs Node 22 (Debian 12 has 20); vnu-jar's checker changes its messages.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] \
   || [ ! -f tests/browser/node_modules/vnu-jar/build/dist/vnu.jar ] \
   || [ ! -f tests/browser/node_modules/lighthouse/cli/index.js ]; then
  npm install --silent --no-audit --no-fund --prefix tests/browser axe-core@4 vnu-jar@26.9.27 -E lighthouse@12.2.3 >/dev/null
fi

export BADGEDIR_REQUIRE_BROWSER=1  # browser tests fail, never skip, when chromium is missing
exec "$PY" -m pytest "$@"
