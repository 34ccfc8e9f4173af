"""Opening a workspace again does not parse unchanged YAML again (issue 20, fixed costs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kpibridge.workspace import source
from kpibridge.workspace.source import read_yaml

TEXT = "id: cac\nname: CAC\ntargets:\n  - value: 40\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the round-trip parser really parses, in order; the cache starts empty."""
    monkeypatch.setattr(source, "_PARSED", source.OrderedDict())
    seen: list[str] = []
    original = YAML.load

    def counting(self: YAML, stream: str) -> object:
        seen.append(stream)
        return original(self, stream)

    monkeypatch.setattr(YAML, "load", counting)
    return seen


def test_unchanged_text_is_parsed_once_and_keeps_its_lines(
    tmp_path: Path, parses: list[str]
) -> None:
    path = tmp_path / "cac.yaml"
    path.write_text(TEXT)
    first, _ = read_yaml(path, tmp_path)
    second, _ = read_yaml(path, tmp_path)
    assert parses == [TEXT]
    assert first is not None
    assert second is not None
    assert second.node == {"id": "cac", "name": "CAC", "targets": [{"value": 40}]}
    assert second.line_of(["targets", 0, "value"]) == 4  # line numbers survive the copy
    assert second.issue(["name"], "bad").line == 2


def test_a_caller_changing_the_nodes_does_not_change_the_next_read(
    tmp_path: Path, parses: list[str]
) -> None:
    path = tmp_path / "cac.yaml"
    path.write_text(TEXT)
    first, _ = read_yaml(path, tmp_path)
    assert first is not None
    first.node["targets"][0]["value"] = 99
    del first.node["name"]
    again, _ = read_yaml(path, tmp_path)
    assert again is not None
    assert again.node["targets"][0]["value"] == 40
    assert again.node["name"] == "CAC"


def test_an_edited_file_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "cac.yaml"
    path.write_text(TEXT)
    read_yaml(path, tmp_path)
    path.write_text(TEXT.replace("40", "45"))
    edited, _ = read_yaml(path, tmp_path)
    assert edited is not None
    assert edited.node["targets"][0]["value"] == 45
    assert len(parses) == 2


def test_a_syntax_error_is_still_an_issue_at_its_line(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: cac\nname: [unclosed\n")
    for _ in range(2):
        found, issues = read_yaml(path, tmp_path)
        assert found is None
        assert issues[0].line >= 2
        assert "YAML syntax error" in issues[0].message
