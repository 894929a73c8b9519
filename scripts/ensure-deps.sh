#!/usr/bin/env bash
# Installs the npm dependencies from the committed lockfile when they are missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
  # better-sqlite3 has no reachable prebuilt binary here: it builds from source (python3, make, g++).
  if ! command -v make >/dev/null || ! command -v g++ >/dev/null || ! command -v python3 >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 make g++ >/dev/null
  fi
  npm ci --no-audit --no-fund --loglevel=error
fi
