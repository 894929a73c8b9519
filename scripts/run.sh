#!/usr/bin/env bash
# The one run command (README): dependencies, broker, then the whole platform (`serve` unless told otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-rabbitmq.sh
if [[ $# -eq 0 ]]; then set -- serve; fi
exec node bin/notify.js "$@"
