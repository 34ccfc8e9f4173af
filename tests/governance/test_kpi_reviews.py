"""Review cadence: due and overdue reviews by each KPI's ``review_every``, and recording a
review (with its audit row). Due dates are worked out by hand from the calendar."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from gov_helpers import account, add_users, apply_as
from typer.testing import CliRunner

from kpibridge.cli import reviews
from kpibridge.errors import GovernanceError, UnknownNameError
from kpibridge.model import Grain
from kpibridge.model.governance import ReviewDecision
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.reviews.reviews import ReviewState, next_due, record_review, reviews_due
from kpibridge.store import Store
from kpibridge.store.audit import read


@pytest.mark.parametrize(
    ("last", "cadence", "due"),
    [
        (date(2026, 3, 10), Grain.DAY, date(2026, 3, 11)),
        (date(2026, 12, 29), Grain.WEEK, date(2027, 1, 5)),
        (date(2026, 1, 31), Grain.MONTH, date(2026, 2, 28)),
        (date(2024, 1, 31), Grain.MONTH, date(2024, 2, 29)),
        (date(2026, 12, 15), Grain.MONTH, date(2027, 1, 15)),
        (date(2026, 11, 30), Grain.QUARTER, date(2027, 2, 28)),
        (date(2024, 2, 29), Grain.YEAR, date(2025, 2, 28)),
    ],
)
def test_next_due_follows_the_calendar(last: date, cadence: Grain, due: date) -> None:
    assert next_due(last, cadence) == due


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Store]:
    root = tmp_path / "ws"
    create_workspace(root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    with Workspace.open(root) as ws:
        add_users(store, set(ws.stakeholders))
        apply_as(ws, store, "admin", "agreed")
    return root, store


def test_due_and_overdue_by_cadence(setup: tuple[Path, Store]) -> None:
    root, store = setup
    today = date.today()  # the versions were recorded today: the first reviews count from it
    with Workspace.open(root) as ws:
        cadences = Counter(kpi.review_every for kpi in ws.kpis.values())
        soon = reviews_due(ws.definition, store, as_of=today + timedelta(days=3))
        # weekly KPIs fall due at today + 7: within a week of today + 3, not yet overdue
        assert {item.kpi_id for item in soon} == {
            kpi.id for kpi in ws.kpis.values() if kpi.review_every is Grain.WEEK
        }
        assert {(item.state, item.due_on) for item in soon} == {
            (ReviewState.DUE, today + timedelta(days=7))
        }
        later = reviews_due(ws.definition, store, as_of=next_due(today, Grain.MONTH) + timedelta(1))
        states = Counter(item.state for item in later)
        assert states[ReviewState.OVERDUE] == cadences[Grain.WEEK] + cadences[Grain.MONTH]
        assert len(later) == states[ReviewState.OVERDUE]  # quarterlies are not yet due
        everything = reviews_due(ws.definition, store, as_of=today, include_upcoming=True)
        assert len(everything) == len(ws.kpis)

        as_of = next_due(today, Grain.MONTH) + timedelta(1)
        recorded = record_review(
            ws.definition,
            store,
            account(store, "growth"),
            "cac",
            decision=ReviewDecision.KEEP,
            notes="CAC moves with paid social, as expected",
            attendees=["head-of-growth", "cfo"],
            reviewed_on=as_of,
        )
        assert recorded.next_due == next_due(as_of, Grain.MONTH)
        after = reviews_due(ws.definition, store, as_of=as_of)
        assert "cac" not in {item.kpi_id for item in after}
        assert len(after) == len(later) - 1
    with store.transaction() as session:
        [event] = read(session, entity="kpi", entity_id="cac")[-1:]
    assert event.action == "kpi.review"
    assert event.detail["attendees"] == ["cfo", "head-of-growth"]
    assert event.detail["notes"] == "CAC moves with paid social, as expected"
    store.close()


def test_recording_checks_its_input(setup: tuple[Path, Store]) -> None:
    root, store = setup
    with Workspace.open(root) as ws:

        def record(username: str = "growth", kpi: str = "cac", **options: object) -> None:
            arguments: dict[str, object] = {
                "decision": ReviewDecision.KEEP,
                "notes": "fine",
                "attendees": [],
                "reviewed_on": date(2026, 11, 1),
                **options,
            }
            record_review(ws.definition, store, account(store, username), kpi, **arguments)  # type: ignore[arg-type]

        with pytest.raises(UnknownNameError, match="Did you mean 'cac'"):
            record(kpi="cacc")
        with pytest.raises(UnknownNameError, match="unknown stakeholder 'cf'"):
            record(attendees=["cf"])
        with pytest.raises(GovernanceError, match="viewers may not"):
            record("watcher")
        with pytest.raises(GovernanceError, match="--notes is required"):
            record(notes=" ")
        with pytest.raises(GovernanceError, match="links its proposal"):
            record(decision=ReviewDecision.RETIRE)
        with pytest.raises(GovernanceError, match="not a proposal for 'cac'"):
            record(decision=ReviewDecision.RETIRE, proposal_id=99)
    with store.transaction() as session:
        assert [e for e in read(session) if e.action == "kpi.review"] == []
    store.close()


def test_reviews_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: tuple[Path, Store]
) -> None:
    root, store = setup
    store.close()
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    app = typer.Typer()
    reviews.register(app)
    runner = CliRunner()
    ws = ["-w", str(root)]
    later = (next_due(date.today(), Grain.MONTH) + timedelta(1)).isoformat()
    listed = runner.invoke(app, ["reviews", "list", "--as-of", later, "-f", "json", *ws])
    assert listed.exit_code == 0, listed.output
    assert "cac" in {item["kpi"] for item in json.loads(listed.stdout)}
    recorded = runner.invoke(
        app,
        [
            "reviews",
            "record",
            "cac",
            "--as",
            "growth",
            "--decision",
            "keep",
            "--notes",
            "fine",
            "--attendee",
            "cfo",
            "--on",
            later,
            *ws,
        ],
    )
    assert recorded.exit_code == 0, recorded.output
    assert "next due" in recorded.output
    listed = runner.invoke(app, ["reviews", "list", "--as-of", later, "-f", "json", *ws])
    assert "cac" not in {item["kpi"] for item in json.loads(listed.stdout)}
    bad = runner.invoke(app, ["reviews", "list", "--as-of", "tomorrow", *ws])
    assert bad.exit_code == 1
    assert "--as-of 'tomorrow' is not a date" in bad.output
