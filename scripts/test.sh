#!/usr/bin/env bash
# The one test command (README, .ci/run): dependencies, broker, type check, then every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-rabbitmq.sh
npx tsc --noEmit -p .
npx vitest run "$@"
