#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it.
#   - a virtual environment in .venv with badgedir and its test extras
#   - Debian's chromium for the browser tests and minisign for the signature tests;
#      (no browser downloads: Playwright drives /usr/bin/chromium)
#   - axe-core from npm for the accessibility checks
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

if ! command -v chromium >/dev/null 2>&1 || ! command -v minisign >/dev/null 2>&1; then
  # minisign: the signature tests check badgedir's signatures with the stock tool (issue #17)
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium minisign >/dev/null
fi

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix tests/browser axe-core@4 >/dev/null
fi

export BADGEDIR_REQUIRE_BROWSER=1  # browser tests fail, never skip, when chromium is missing
exec "$PY" -m pytest "$@"
