#!/usr/bin/env bash
# The one run command (README): dependencies, broker, then the demo (the whole platform, a mixed workload
# with injected faults, the delivery funnel; it keeps serving until Ctrl-C). `npm start -- serve` runs it bare.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
echo "node: $(node --version) ($(command -v node))" >&2
bash scripts/ensure-deps.sh
bash scripts/ensure-rabbitmq.sh
if [[ $# -eq 0 ]]; then set -- demo; fi
exec node bin/notify.js "$@"
