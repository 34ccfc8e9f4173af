#!/usr/bin/env bash
# Set up (if needed), build the demo company in ./demo, show its scorecard and round summary,
# and serve the web app (pass --no-serve to stop after the summary).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kpibridge demo --dir demo "$@"
