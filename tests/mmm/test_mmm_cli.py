"""``kpibridge mmm``: refusals before any sampling, and a CLI that starts without PyMC."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures_demo import build_small_demo
from kpibridge.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "mmm-cli")


def test_the_cli_starts_without_importing_the_model_libraries() -> None:
    code = (
        "import sys; from kpibridge.cli.app import app; "
        "heavy = [m for m in ('pymc', 'pymc_marketing', 'nutpie', 'pytensor', 'arviz') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_too_little_history_is_refused_before_sampling(demo_root: Path) -> None:
    result = runner.invoke(
        app, ["mmm", "fit", "--workspace", str(demo_root), "--start", "2026-01-01"]
    )
    assert result.exit_code == 1
    assert "weeks of history; a marketing mix model needs at least 52" in " ".join(
        result.output.split()
    )
    assert not (demo_root / ".kpibridge" / "mmm").exists()


def test_an_unknown_outcome_is_named(demo_root: Path) -> None:
    result = runner.invoke(app, ["mmm", "fit", "--workspace", str(demo_root), "--outcome", "nope"])
    assert result.exit_code == 1
    assert "no KPI 'nope' in the workspace" in " ".join(result.output.split())


def test_report_and_optimise_without_a_model_say_what_to_run(demo_root: Path) -> None:
    for command in (["mmm", "report"], ["mmm", "optimise", "--budget", "100k"]):
        result = runner.invoke(app, [*command, "--workspace", str(demo_root)])
        assert result.exit_code == 1
        assert "run `kpibridge mmm fit` first" in " ".join(result.output.split())


def test_a_bad_amount_is_named(demo_root: Path) -> None:
    result = runner.invoke(
        app, ["mmm", "optimise", "--budget", "lots", "--workspace", str(demo_root)]
    )
    assert result.exit_code == 1
    assert "--budget 'lots' is not an amount" in " ".join(result.output.split())
