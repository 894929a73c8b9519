#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (tests/browser), which drive it
# with playwright-core. Leaves an installed one alone; CHROMIUM_PATH names another binary.
set -euo pipefail

BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$BIN" ]]; then
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "Chromium is not installed: installing chromium from Debian's packages" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
