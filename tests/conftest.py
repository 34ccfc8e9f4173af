"""Shared fixtures: tiny workspaces written to a temporary folder (see ``helpers.py``)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import kpibridge
from helpers import write_workspace

TERMINAL_SETTINGS = (
    "FORCE_COLOR",
    "PY_COLORS",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TERMINAL_WIDTH",
    "COLUMNS",
    "LINES",
)
"""Environment variables with which Rich and Typer colour or size output whatever it goes to."""


def pytest_configure(config: pytest.Config) -> None:
    """Tests read CLI output as plain text of a known width: whatever terminal (or terminal
    settings) the suite runs in, these are dropped before any module makes a console."""
    for name in TERMINAL_SETTINGS:
        os.environ.pop(name, None)


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
