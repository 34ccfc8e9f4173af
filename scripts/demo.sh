#!/usr/bin/env bash
# Set up (if needed), build the demo company in ./demo and show its scorecard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kpibridge demo --dir demo "$@"
