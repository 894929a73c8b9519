#!/usr/bin/env bash
# Installs the npm dependencies from the committed lockfile when they are missing or stale.
# No compiler needed: better-sqlite3 13 ships its N-API binaries (prebuilds/) inside the npm package.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
