#!/usr/bin/env bash
# The one test command (README, .ci/run): dependencies, broker, type check, lint and format check, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
echo "node: $(node --version) ($(command -v node))"
bash scripts/ensure-deps.sh
bash scripts/ensure-rabbitmq.sh
bash scripts/ensure-postgres.sh
bash scripts/ensure-chromium.sh
npx tsc --noEmit -p .
# Lint (bugs: floating promises, detached methods, `any` in production code...) and layout, on the
# whole tree: only for the full run, not when a few test files are named.
if [[ $# -eq 0 ]]; then
  npx eslint .
  npx prettier --check . --log-level warn
fi
mkdir -p .tmp
# Tests that compare one latency with another on this machine (an app's latency while another app
# hangs or renders, /healthz during a fan-out) run after the rest, on their own: with the second
# vitest worker running another file at the same moment, a 15 ms baseline measured before it started
# is no baseline for what is measured during it. Their bounds are the same either way.
alone=(tests/channels/fairSending.test.ts tests/api/renderIsolation.test.ts tests/api/limits.test.ts)
reports=()
rc=0
run() { # $1: report file; the rest: vitest arguments
  local report=$1
  shift
  rm -f "$report"
  reports+=("$report")
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || rc=$?
}
if [[ $# -gt 0 ]]; then
  run .tmp/vitest-report.json "$@"
else
  excludes=()
  for f in "${alone[@]}"; do excludes+=(--exclude "$f"); done
  run .tmp/vitest-report.json "${excludes[@]}"
  run .tmp/vitest-report-alone.json --maxWorkers=1 "${alone[@]}"
fi
# One plain closing line any CI can read, summed from vitest's own JSON reports.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "${reports[@]}"
exit $rc
