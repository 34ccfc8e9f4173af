"""The package's shape: layers point inward and the public API is what it claims."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kpibridge

ROOT = Path(__file__).resolve().parents[1]


def test_layers_point_inward() -> None:
    """import-linter's contracts (pyproject.toml) hold: the layers, the capabilities of the
    services layer, and the independence of each capability's commands."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def test_public_api() -> None:
    assert sorted(kpibridge.__all__) == [
        "Explanation",
        "KpibridgeError",
        "Scorecard",
        "ScorecardRow",
        "Workspace",
        "WorkspaceError",
    ]
    for name in kpibridge.__all__:
        assert getattr(kpibridge, name) is not None
