#!/usr/bin/env bash
# The one test command (README, .ci/run): dependencies, broker, type check, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
echo "node: $(node --version) ($(command -v node))"
bash scripts/ensure-deps.sh
bash scripts/ensure-rabbitmq.sh
bash scripts/ensure-postgres.sh
bash scripts/ensure-chromium.sh
npx tsc --noEmit -p .
mkdir -p .tmp
report=.tmp/vitest-report.json
rm -f "$report"
rc=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || rc=$?
# One plain closing line any CI can read, from vitest's own JSON report.
if [[ -f $report ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  ' "$report"
fi
exit $rc
