"""``$VAR``/``${VAR}`` references in kpibridge.yaml (issue 19 item 5): expanded in
``warehouse:`` and ``app_store:`` when the workspace opens; an unset variable is an issue at
its file and line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

import kpibridge
from kpibridge.errors import EnvironmentReferenceError, WorkspaceError
from kpibridge.workspace.environment import expand, references

ENVIRON = {"HOST": "db.internal", "PW": "s3cret", "EMPTY": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://kpi:${PW}@$HOST/db", "postgresql://kpi:s3cret@db.internal/db"),
        ("${HOST}:5432", "db.internal:5432"),
        ("$HOST_X", None),  # a longer name is a different variable
        ("cost $$5 and $", "cost $5 and $"),
        ("a$-b", "a$-b"),
        ("[$EMPTY]", "[]"),
        ("no references", "no references"),
    ],
)
def test_expand(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(EnvironmentReferenceError) as error:
            expand(text, ENVIRON)
        assert error.value.variable == "HOST_X"
        assert "HOST_X is not set" in str(error.value)
    else:
        assert expand(text, ENVIRON) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("x${PW", "'${' is not closed"), ("${A-B}", "${A-B} is not a variable reference")],
)
def test_malformed_references_are_refused(text: str, message: str) -> None:
    with pytest.raises(EnvironmentReferenceError, match=message.replace("$", r"\$")):
        expand(text, ENVIRON)


def test_references_lists_names_but_not_escapes() -> None:
    assert references("$A ${B} $$C $") == ["A", "B"]


def write_settings(root: Path, text: str) -> Path:
    root.mkdir()
    (root / "kpibridge.yaml").write_text(text, encoding="utf-8")
    return root


SETTINGS = """\
name: Acme
warehouse:
  backend: duckdb
  path: ${KPI_TEST_DATA}/warehouse.duckdb
  read_only: false
app_store: sqlite:///${KPI_TEST_DATA}/app.db
timezone: $NOT_EXPANDED_HERE
"""


def test_references_are_expanded_when_the_workspace_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPI_TEST_DATA", "store")
    root = write_settings(tmp_path / "ws", SETTINGS.replace("$NOT_EXPANDED_HERE", "UTC"))
    with kpibridge.Workspace.open(root) as ws:
        assert ws.settings.warehouse.path == "store/warehouse.duckdb"
        assert ws.settings.app_store == "sqlite:///store/app.db"
        assert ws.backend.list_tables() == []  # connects to the expanded path
    assert (root / "store" / "warehouse.duckdb").is_file()
    # the file keeps the references
    assert "${KPI_TEST_DATA}" in (root / "kpibridge.yaml").read_text(encoding="utf-8")


def test_an_unset_variable_is_an_issue_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KPI_TEST_DATA", raising=False)
    root = write_settings(tmp_path / "ws", SETTINGS)
    with pytest.raises(WorkspaceError) as caught:
        kpibridge.Workspace.open(root)
    found = [(issue.file, issue.line, issue.field) for issue in caught.value.issues]
    # only warehouse and app_store are expanded: the time zone is refused as written
    assert found == [
        ("kpibridge.yaml", 4, "warehouse.path"),
        ("kpibridge.yaml", 6, "app_store"),
        ("kpibridge.yaml", 7, "timezone"),
    ]
    assert "the environment variable KPI_TEST_DATA is not set" in caught.value.issues[0].message
    assert "kpibridge.yaml:4: warehouse.path: the environment variable KPI_TEST_DATA" in str(
        caught.value
    )
    assert "'$NOT_EXPANDED_HERE' is not a known time zone" in caught.value.issues[2].message
