"""Workspaces for the CLI tests: one demo built per session (read only), fresh ``init``
workspaces per test for anything that writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures_demo import build_small_demo
from kpibridge.services.metrics.setup import create_workspace


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace; tests must not change it (copy it first)."""
    return build_small_demo(tmp_path_factory, "cli-demo")


@pytest.fixture
def empty_root(tmp_path: Path) -> Path:
    """A workspace as ``kpibridge init`` makes it: the library, empty warehouse tables."""
    root = tmp_path / "workspace"
    create_workspace(root)
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
