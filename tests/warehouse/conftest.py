"""Workspaces for the load tests: a fresh ``init`` workspace per test (empty tables of the
library's models), and a small demo per module for loading into the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures_demo import build_small_demo
from kpibridge.services.metrics.setup import create_workspace


@pytest.fixture
def empty_root(tmp_path: Path) -> Path:
    """A workspace as ``kpibridge init`` makes it: the library, empty warehouse tables."""
    root = tmp_path / "workspace"
    create_workspace(root)
    return root


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo; the tests of one module may change its tables."""
    return build_small_demo(tmp_path_factory, "load-demo")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
