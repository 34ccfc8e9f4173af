"""CLI output does not depend on the terminal the tests (or a user's earlier commands) ran in
(issue 21, item 10): in a terminal, ``scripts/test.sh`` failed 50 tests with colour codes in
captured output. The cause: each CLI module made its Rich console at import, and a console
decides once, when made, whether it writes to a terminal; imported while stdout was a terminal,
it wrote colour codes into every later capture. Consoles are now made when a command runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kpibridge.cli.render import STATUS_STYLE
from kpibridge.model.status import Status

PROBE = """
import json, os, pty, sys
from typer.testing import CliRunner

# import the whole CLI while stdout is a terminal, as a run in tmux or an IDE does
leader, follower = pty.openpty()
real_stdout = sys.stdout
sys.stdout = os.fdopen(follower, "w")
import kpibridge.cli.app
sys.stdout.flush()
sys.stdout = real_stdout

runner = CliRunner()
root = sys.argv[1]
outputs = [
    runner.invoke(kpibridge.cli.app.app, ["init", root]).output,
    runner.invoke(kpibridge.cli.app.app, ["validate", "-w", root]).output,
    runner.invoke(kpibridge.cli.app.app, ["compute", "no_such_kpi", "-w", root]).output,
]
print(json.dumps(outputs))
"""


def test_output_captured_after_an_import_in_a_terminal_has_no_escape_codes(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "workspace")],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", **_python_env()},
    )
    assert done.returncode == 0, done.stderr
    init, validate, error = json.loads(done.stdout)
    assert "workspace" in init.lower()
    assert validate
    assert "no_such_kpi" in error
    for output in (init, validate, error):
        assert "\x1b[" not in output, repr(output)


def test_every_status_has_a_style() -> None:
    """``STATUS_STYLE`` is keyed by the status strings (no model import at start-up)."""
    assert [status for status in Status if status not in STATUS_STYLE] == []


def _python_env() -> dict[str, str]:
    """The test's own interpreter settings (its path to kpibridge), without colour forcing."""
    import os

    keep = ("PYTHONPATH", "HOME", "VIRTUAL_ENV", "LANG", "LC_ALL")
    return {name: os.environ[name] for name in keep if name in os.environ}
