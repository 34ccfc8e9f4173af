#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, the linter and the layer contract.
# The web tests need Debian's chromium (installed here when missing) and a PostgreSQL server
# (scripts/postgres.sh installs and starts one; its URL goes to $KPIBRIDGE_TEST_POSTGRES_URL);
# the Spark tests need Java 17 (installed here when missing) and PySpark (scripts/setup.sh).
# Installing with apt needs root or sudo. A PostgreSQL cluster this script starts is stopped
# when it ends (one that was already running is left running).
# Last, the CLI tests run again under a pseudo-terminal (`script`), as in tmux or an IDE: their
# output must not depend on the terminal the suite runs in.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_STARTED=$(mktemp)
stop_started_postgres() {
  if [ -s "$PG_STARTED" ]; then
    read -r version cluster <"$PG_STARTED"
    echo "stopping PostgreSQL cluster '$cluster' (started for the tests)" >&2
    SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    $SUDO pg_ctlcluster "$version" "$cluster" stop >&2 || true
  fi
  rm -f "$PG_STARTED"
}
trap stop_started_postgres EXIT
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium with apt (browser tests)" >&2
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi
if ! command -v java >/dev/null; then
  echo "installing Java 17 with apt (Spark tests: PySpark runs on it)" >&2
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >&2
fi
if ! command -v pdftotext >/dev/null; then
  echo "installing poppler-utils with apt (review pack PDF test)" >&2
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >&2
fi
bash scripts/metricflow_examples.sh
KPIBRIDGE_TEST_POSTGRES_URL=${KPIBRIDGE_TEST_POSTGRES_URL:-$(KPIBRIDGE_PG_STARTED_FILE=$PG_STARTED bash scripts/postgres.sh)}
export KPIBRIDGE_TEST_POSTGRES_URL
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
.venv/bin/pytest -q "$@"
echo "the CLI tests again, under a pseudo-terminal" >&2
script -qec ".venv/bin/pytest -q -p no:cacheprovider tests/cli/test_terminal_independence.py tests/cli/test_help_text.py tests/cli/test_cli.py" /dev/null
