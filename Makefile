# Shortcuts for the scripts (which are what the README and CI use; make is optional).
.PHONY: setup demo test lint bench
setup: ; bash scripts/setup.sh
demo: ; bash scripts/demo.sh
test: ; bash scripts/test.sh
lint: setup ; .venv/bin/ruff check . && .venv/bin/lint-imports
bench: setup ; .venv/bin/python benchmarks/metrics.py
