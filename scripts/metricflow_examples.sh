#!/usr/bin/env bash
# Fetch MetricFlow's own example projects for the dbt import tests: the wheels of
# dbt-metricflow (its tutorial project, `dbt_metricflow/cli/sample_dbt_models`) and metricflow
# (its test manifests, `metricflow_semantics/test_helpers/semantic_manifest_yamls`), from PyPI
# into tests/.cache/metricflow. Nothing is installed or copied into the repository: the tests
# read the YAML files straight out of the wheels. Versions are pinned so the paths hold.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=tests/.cache/metricflow
mkdir -p "$DEST"
for spec in dbt-metricflow==0.15.0 metricflow==0.213.0; do
  name=${spec%%==*}; version=${spec##*==}
  if ! ls "$DEST/${name//-/_}-$version-"*.whl >/dev/null 2>&1; then
    echo "fetching $spec from PyPI (dbt import tests)" >&2
    .venv/bin/python -m pip download --quiet --no-deps --only-binary=:all: -d "$DEST" "$spec" >&2
  fi
done
