"""Hostile YAML: an alias bomb (342 bytes, 387 million values once expanded) and 5,000
nested ``[`` are refused with ``file:line`` by every reader, in seconds, without a
traceback; ordinary anchors and merge keys still work.

Before the limits, ``validate`` ran for minutes on the bomb and died with RecursionError on
the nesting. The command runs in a real process with a timeout, so a regression fails the
test instead of hanging it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpibridge.errors import WorkspaceError, YamlLimitError
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.voice.scoring import read_pins
from kpibridge.workspace.dbt_import import read_dbt_project
from kpibridge.workspace.yaml_limits import (
    MAX_ALIASED_VALUES,
    MAX_DEPTH,
    check_limits,
    load_yaml,
)

KPIBRIDGE = Path(sys.executable).with_name("kpibridge")


def alias_bomb() -> str:
    """Nine levels of nine aliases; line 5 is where the expansion passes 10,000 values."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


DEEP = "x: 1\nnested: " + "[" * 5000 + "]" * 5000 + "\n"


def run(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("KPIBRIDGE_WORKSPACE", None)
    return subprocess.run(
        [str(KPIBRIDGE), *map(str, args)], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_bomb_is_small_and_would_expand_to_hundreds_of_millions() -> None:
    assert len(alias_bomb().encode()) < 400
    assert MAX_ALIASED_VALUES * 10_000 < 9**9


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (alias_bomb(), 5, f"expand to more than {MAX_ALIASED_VALUES:,} values"),
        (DEEP, 2, f"nested more than {MAX_DEPTH} levels deep"),
    ],
)
def test_validate_refuses_hostile_yaml_with_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    root = tmp_path / "workspace"
    create_workspace(root)
    (root / "kpis" / "hostile.yaml").write_text(text, encoding="utf-8")

    result = run("validate", "-w", root)

    assert result.returncode == 1, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert f"kpis/hostile.yaml:{line}: YAML refused:" in output, output
    assert fragment in output
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr


def test_every_workspace_file_is_guarded(tmp_path: Path) -> None:
    """The settings file too (read first, by every command)."""
    root = tmp_path / "workspace"
    create_workspace(root)
    settings = root / "kpibridge.yaml"
    settings.write_text(settings.read_text() + alias_bomb(), encoding="utf-8")
    result = run("scorecard", "-w", root)
    assert result.returncode == 1
    assert "kpibridge.yaml:" in result.stderr
    assert "YAML refused" in result.stderr


def test_voice_pins_are_guarded(tmp_path: Path) -> None:
    (tmp_path / "voice.yaml").write_text(alias_bomb(), encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"voice.yaml:5: YAML refused: aliases"):
        read_pins(tmp_path)


def test_dbt_project_files_are_guarded(tmp_path: Path) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: shop\n", encoding="utf-8")
    models = tmp_path / "models"
    models.mkdir()
    (models / "bomb.yml").write_text(alias_bomb(), encoding="utf-8")
    (models / "deep.yml").write_text(DEEP, encoding="utf-8")

    project = read_dbt_project(tmp_path)

    refused = {(u.file, u.line): u.reason for u in project.unmapped if "refused" in u.reason}
    assert set(refused) == {("models/bomb.yml", 5), ("models/deep.yml", 2)}, project.unmapped


def test_ordinary_anchors_and_merge_keys_still_load() -> None:
    text = (
        "defaults: &defaults {agg: sum, description: Revenue in USD.}\n"
        "revenue:\n  <<: *defaults\n  expr: revenue\n"
        "margin:\n  <<: *defaults\n  expr: gross_margin\n"
        "channels: &channels [email, app, direct]\n"
        "again: *channels\n"
    )
    document = load_yaml(text)
    assert document["margin"]["agg"] == "sum"
    assert document["again"] == ["email", "app", "direct"]


def test_nesting_up_to_the_limit_is_allowed() -> None:
    check_limits("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(YamlLimitError):
        check_limits("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
