"""MetricFlow's own example projects, read straight out of the Apache-2.0 wheels that
``bash scripts/metricflow_examples.sh`` downloads from PyPI into ``tests/.cache/metricflow``.

Nothing of them is copied into this repository: a test extracts the files it needs into its
own temporary folder. A missing wheel fails the test (never skips it) and says how to fetch it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "metricflow"
DBT_METRICFLOW_WHEEL = "dbt_metricflow-0.15.0-py3-none-any.whl"
METRICFLOW_WHEEL = "metricflow-0.213.0-py3-none-any.whl"
TUTORIAL = "dbt_metricflow/cli/"
"""The tutorial project: ``sample_dbt_models/`` and ``sample_models/project_configuration.yaml``."""
MANIFESTS = "metricflow_semantics/test_helpers/semantic_manifest_yamls/"
"""MetricFlow's test manifests, one folder each (``simple_manifest/``, ``scd_manifest/`` …)."""


def extract(wheel: str, prefix: str, destination: Path) -> Path:
    """Extract the ``.yml``/``.yaml`` files under ``prefix`` of ``wheel`` into ``destination``
    and return the folder that was ``prefix``."""
    path = CACHE / wheel
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: run `bash scripts/metricflow_examples.sh` to fetch MetricFlow's "
            "example projects from PyPI (the dbt import is tested against them)"
        )
    with zipfile.ZipFile(path) as archive:
        members = [
            name
            for name in archive.namelist()
            if name.startswith(prefix) and name.endswith((".yml", ".yaml"))
        ]
        if not members:
            pytest.fail(f"{wheel} has no YAML files under {prefix}: was the wheel replaced?")
        archive.extractall(destination, members)
    return destination / prefix
