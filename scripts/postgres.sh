#!/usr/bin/env bash
# Install PostgreSQL (Debian's `postgresql` package) when missing, start a cluster of its own
# for kpibridge (port 54329 unless $KPIBRIDGE_PG_PORT), create the `kpibridge` user and
# database, and print the database URL on stdout (messages go to stderr). Idempotent.
# Needs root, or sudo. Used by scripts/test.sh for the app store tests on PostgreSQL.
# With $KPIBRIDGE_PG_STARTED_FILE set, a cluster this run starts is written there
# ("VERSION CLUSTER"), so that the caller can stop what it started, and only that.
set -euo pipefail
PORT=${KPIBRIDGE_PG_PORT:-54329}
CLUSTER=kpibridge
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql with apt" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  echo "creating PostgreSQL $VERSION cluster '$CLUSTER' on port $PORT" >&2
  # Test data only: no fsync, so that the suite does not wait on the disk.
  $SUDO pg_createcluster -p "$PORT" "$VERSION" "$CLUSTER" -- --auth-local=peer --auth-host=scram-sha-256 >&2
  $SUDO pg_conftool "$VERSION" "$CLUSTER" set fsync off >&2
  $SUDO pg_conftool "$VERSION" "$CLUSTER" set synchronous_commit off >&2
  $SUDO pg_conftool "$VERSION" "$CLUSTER" set full_page_writes off >&2
  # Throw-away test databases: an autovacuum worker on one blocks DROP DATABASE ... WITH (FORCE).
  $SUDO pg_conftool "$VERSION" "$CLUSTER" set autovacuum off >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')
if ! $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
  echo "starting PostgreSQL cluster '$CLUSTER'" >&2
  $SUDO pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
  if [ -n "${KPIBRIDGE_PG_STARTED_FILE:-}" ]; then
    echo "$VERSION $CLUSTER" >"$KPIBRIDGE_PG_STARTED_FILE"
  fi
fi
psql_admin() { $SUDO runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qtAX "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'kpibridge'")" != 1 ]; then
  psql_admin -c "CREATE ROLE kpibridge LOGIN CREATEDB PASSWORD 'kpibridge'" >&2
fi
# The tests drop their throw-away databases WITH (FORCE), which must be allowed to end any
# backend still attached (an autovacuum worker runs as no role, so only this grant covers it).
psql_admin -c "GRANT pg_signal_backend TO kpibridge" >&2
# Socket connections (postgresql:///db?host=/var/run/postgresql) authenticate by peer: the OS
# user who runs this script gets a role of its name that acts as kpibridge, for the socket tests.
OS_USER=$(id -un)
if [ "$OS_USER" != postgres ] && [ "$OS_USER" != kpibridge ] && \
   [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$OS_USER'")" != 1 ]; then
  psql_admin -c "CREATE ROLE \"$OS_USER\" LOGIN IN ROLE kpibridge" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'kpibridge'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE kpibridge OWNER kpibridge" >&2
fi
echo "postgresql://kpibridge:kpibridge@127.0.0.1:$PORT/kpibridge"
