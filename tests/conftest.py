"""Shared fixtures: tiny workspaces written to a temporary folder (see ``helpers.py``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import kpibridge
from helpers import write_workspace

WorkspaceFactory = Callable[..., kpibridge.Workspace]
RootFactory = Callable[..., Path]


@pytest.fixture
def write_root(tmp_path: Path) -> RootFactory:
    """Write a workspace (``helpers.write_workspace`` arguments) and return its folder."""
    counter = itertools.count()

    def write(**kwargs: Any) -> Path:
        return write_workspace(tmp_path / f"workspace{next(counter)}", **kwargs)

    return write


@pytest.fixture
def make_workspace(write_root: RootFactory) -> Iterator[WorkspaceFactory]:
    """Write a workspace and open it with ``kpibridge.Workspace.open``; closed afterwards."""
    opened: list[kpibridge.Workspace] = []

    def make(**kwargs: Any) -> kpibridge.Workspace:
        workspace = kpibridge.Workspace.open(write_root(**kwargs))
        opened.append(workspace)
        return workspace

    yield make
    for workspace in opened:
        workspace.close()
