"""Every benchmark script runs in its quick mode and exits 0 (benchmarks/README.md, "The contract").

A benchmark is code like any other: a new KPI without a baseline, a renamed function or sides
that stop agreeing must fail the build, not the next person who runs it by hand. The scripts
are found by glob, so a new ``benchmarks/NAME.py`` is covered the day it lands; modules whose
name starts with ``_`` are shared helpers, not benchmarks. No time is asserted here: the
figures belong in the scripts' output, not in a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(path for path in BENCHMARKS.glob("*.py") if not path.name.startswith("_"))


def test_the_glob_finds_the_benchmarks() -> None:
    names = {path.stem for path in SCRIPTS}
    assert {"metrics", "align", "voice"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[path.stem for path in SCRIPTS])
def test_quick_mode_runs_and_its_sides_agree(script: Path) -> None:
    source = str(BENCHMARKS.parent / "src")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, (
        f"{script.name} --quick exited {done.returncode}\n"
        f"--- stdout (end)\n{done.stdout[-3000:]}\n--- stderr (end)\n{done.stderr[-3000:]}"
    )
    assert "load average" in done.stdout, f"{script.name} must print the load average"
