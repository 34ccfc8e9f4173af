#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, the linter and the layer contract.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
.venv/bin/pytest -q "$@"
