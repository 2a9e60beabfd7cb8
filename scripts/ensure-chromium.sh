#!/usr/bin/env bash
# The test suite opens the HTML report in Debian's Chromium (test/cli/report-browser.test.ts). `npm test` runs this
# first: it installs Chromium from Debian's packages when it is missing and this user may (root, apt-get), and
# otherwise says what to install. CHROMIUM_PATH names another Chromium binary.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH is $CHROMIUM_PATH, which is not an executable: point it at a Chromium binary, or unset it to use Debian's /usr/bin/chromium." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the report's browser test (apt-get install chromium)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The test suite needs Chromium at /usr/bin/chromium for the report's browser test: run \`sudo apt-get install -y chromium\` (Debian, Ubuntu), or set CHROMIUM_PATH to a Chromium binary, then npm test again." >&2
exit 1
