#!/usr/bin/env bash
# The browser tests (tests/browser) drive Debian's Chromium through playwright-core: install it
# when it is missing. Needs root (or sudo) and the Debian package archive.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
echo "chromium not found: installing it with apt-get" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
/usr/bin/chromium --version
