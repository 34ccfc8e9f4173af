"""The pre-commit hook of ``.pre-commit-hooks.yaml`` (issue 19 item 4), run the way pre-commit
runs it — its ``entry`` split into words, the user's ``args`` appended, no file names
(``pass_filenames: false``), from the repository root — without network: the installed
``kpibridge`` stands for the environment pre-commit would build from the repository."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from helpers import write_workspace

REPO = Path(__file__).resolve().parents[2]


def hook() -> dict[str, object]:
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (found,) = [entry for entry in hooks if entry["id"] == "kpibridge-validate"]
    return dict(found)


def run_hook(repository: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    entry = shlex.split(str(hook()["entry"]))
    executable = Path(sys.executable).with_name(entry[0])  # the console script pip installed
    return subprocess.run(
        [str(executable), *entry[1:], *args],
        cwd=repository,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_hook_is_declared_for_workspace_files() -> None:
    found = hook()
    assert found["language"] == "python"
    assert found["pass_filenames"] is False
    assert re.search(str(found["files"]), "kpis/cac.yaml")
    assert re.search(str(found["files"]), "kpibridge.yml")
    assert not re.search(str(found["files"]), "src/app.py")


def test_the_hook_passes_a_valid_workspace_and_stops_a_broken_one(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "analytics")
    passed = run_hook(tmp_path, ["--workspace", "analytics"])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "no problems" in passed.stdout
    (workspace / "kpis").mkdir(exist_ok=True)
    (workspace / "kpis" / "cac.yaml").write_text(
        "id: cac\nname: CAC\ntype: simple\nmeasur: orders.spend\n", encoding="utf-8"
    )
    failed = run_hook(tmp_path, ["--workspace", "analytics"])
    assert failed.returncode == 1
    assert "kpis/cac.yaml:4: measur: unknown field" in " ".join(failed.stdout.split())
