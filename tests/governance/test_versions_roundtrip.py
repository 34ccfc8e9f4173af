"""Workspace YAML ⇄ app store: ``apply`` by an admin stores every KPI as version 1,
``export`` writes the latest versions back; the round trip is lossless (tested on the whole
KPI library: the same bytes when nothing changed, the same data when the files are
re-created from the store alone), and changed KPIs are edited in place, comments kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gov_helpers import add_users, apply_as

from kpibridge.errors import GovernanceError, UnknownNameError
from kpibridge.model.governance import ProposalKind
from kpibridge.services.governance.versions import (
    export_workspace,
    latest_definitions,
    version_history,
)
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store
from kpibridge.store.audit import read, verify
from kpibridge.workspace.kpi_yaml import kpi_contents
from kpibridge.workspace.loader import load_definition


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    create_workspace(folder)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.y*ml"))
    }


def contents(root: Path) -> dict[str, dict[str, object]]:
    definition, issues = load_definition(root)
    assert definition is not None
    assert issues == []
    return kpi_contents(definition)


def test_library_round_trip_is_lossless(root: Path, app_store: Store) -> None:
    with Workspace.open(root) as ws:
        add_users(app_store, set(ws.stakeholders))
        before_bytes, before_data = snapshot(root / "kpis"), contents(root)
        result = apply_as(ws, app_store, "admin", None)
        assert result.direct
        assert {item.kind for item in result.applied} == {ProposalKind.NEW_KPI}
        assert len(result.applied) == len(ws.kpis) > 20
        assert apply_as(ws, app_store, "admin").applied == ()  # nothing left to apply

        report = export_workspace(ws.definition, app_store)
        assert report.files_written == []
        assert snapshot(root / "kpis") == before_bytes  # same bytes, comments and all

        shutil.rmtree(root / "kpis")  # now from the store alone
        report = export_workspace(ws.definition, app_store)
    assert sorted(report.created) == sorted(before_data)
    assert contents(root) == before_data
    with Workspace.open(root) as again:
        assert apply_as(again, app_store, "admin").applied == ()


def test_export_edits_changed_kpis_in_place(root: Path, app_store: Store) -> None:
    cac = root / "kpis" / "cac.yaml"
    with Workspace.open(root) as ws:
        add_users(app_store, set(ws.stakeholders))
        apply_as(ws, app_store, "admin")
    original = cac.read_text()
    edited = original.replace(
        "name: Customer acquisition cost", "name: Customer acquisition cost (paid)"
    )
    assert edited != original
    cac.write_text(edited)
    with Workspace.open(root) as ws:
        result = apply_as(ws, app_store, "admin", "clearer name")
    assert [(i.kpi_id, i.kind, i.outcome) for i in result.applied] == [
        ("cac", ProposalKind.CHANGE_DEFINITION, "definition v2")
    ]
    cac.write_text(original)  # someone's stale copy: export brings the store's version back
    with Workspace.open(root) as ws:
        report = export_workspace(ws.definition, app_store)
    assert report.updated == ["cac"]
    assert report.files_written == ["kpis/cac.yaml"]
    assert cac.read_text() == edited  # only the name line differs; comments stay
    history = version_history(app_store, "cac")
    assert [(e.part, e.version, e.author, e.rationale) for e in history] == [
        ("definition", 1, "admin", "because"),
        ("definition", 2, "admin", "clearer name"),
    ]
    assert history[1].content["name"] == "Customer acquisition cost (paid)"
    with pytest.raises(UnknownNameError, match="Did you mean 'cac'"):
        version_history(app_store, "cacc")


def test_kpis_in_one_list_file_and_retirement(root: Path, app_store: Store) -> None:
    """A ``kpis: [...]`` file: a retired KPI is removed from the list, the rest untouched."""
    folder = root / "kpis"
    listed = "# two KPIs in one file\nkpis:\n"
    for name in ("orders", "sessions"):
        body = (folder / f"{name}.yaml").read_text().splitlines()
        listed += "".join(
            f"  {'- ' if i == 0 else '  '}{line}\n"
            for i, line in enumerate(line for line in body if not line.startswith("#"))
        )
        (folder / f"{name}.yaml").unlink()
    (folder / "both.yaml").write_text(listed)
    with Workspace.open(root) as ws:
        add_users(app_store, set(ws.stakeholders))
        apply_as(ws, app_store, "admin")
        assert {"orders", "sessions"} <= set(ws.kpis)
    (folder / "sessions_backup.txt").write_text(listed)
    text = listed.split("  - id: sessions")[0]
    (folder / "both.yaml").write_text(text)  # sessions removed from the YAML
    with Workspace.open(root) as ws:
        result = apply_as(ws, app_store, "admin", "nobody reads it")
        assert [(i.kpi_id, i.kind) for i in result.applied] == [
            ("sessions", ProposalKind.RETIREMENT)
        ]
    with app_store.transaction() as session:
        assert latest_definitions(session)["sessions"].retired
        assert [e.action for e in read(session, entity="kpi", entity_id="sessions")] == [
            "kpi.version",
            "kpi.retire",
        ]
        assert verify(session).ok
    (folder / "both.yaml").write_text(listed)  # a stale copy still lists it
    with Workspace.open(root) as ws:
        report = export_workspace(ws.definition, app_store)
    assert report.removed == ["sessions"]
    assert (folder / "both.yaml").read_text() == text


def test_export_needs_versions(root: Path, app_store: Store) -> None:
    with Workspace.open(root) as ws, pytest.raises(GovernanceError, match="apply` first"):
        export_workspace(ws.definition, app_store)
