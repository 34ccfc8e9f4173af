"""The review pack on the small demo: every section says what the service that owns its
figures says (the scorecard, the monitor, the drivers, the round analysis, the evidence
screen, the voice report, the proposals list), wins and anomaly windows checked by hand
comparisons written here, sections without data say why, and the HTML stands alone."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.errors import KpibridgeError
from kpibridge.metrics.grains import add_periods
from kpibridge.model import Direction
from kpibridge.model.access import AccessRole
from kpibridge.model.governance import ProposalStatus, Restatement
from kpibridge.model.status import Status
from kpibridge.services.accounts.users import add_user
from kpibridge.services.governance.governance_apply import apply_workspace
from kpibridge.services.governance.governed_scorecard import governed_scorecard
from kpibridge.services.governance.proposals import list_proposals
from kpibridge.services.governance.versions import acting_account
from kpibridge.services.metrics.scorecard import ScorecardRow, target_for
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import last_change_drivers
from kpibridge.services.monitoring.evidence import screen_drivers
from kpibridge.services.monitoring.monitor import watch
from kpibridge.services.reviews.review_pack import (
    SECTIONS,
    ReviewPack,
    build_review_pack,
    last_round_name,
    refresh_proposals,
)
from kpibridge.services.reviews.review_render import inline_code, render_review_html, write_review
from kpibridge.services.rounds.workspace_rounds import analyze_round
from kpibridge.services.voice.reports import themes_report
from kpibridge.store import Store


@dataclass
class Built:
    ws: Workspace
    store: Store
    pack: ReviewPack


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The demo with an app store holding one open proposal (a member's new NPS target)."""
    root = build_small_demo(tmp_path_factory, "review-demo")
    store = Store.open(f"sqlite:///{root / 'app.db'}")
    with Workspace.open(root) as ws:
        people = set(ws.stakeholders)
        add_user(store, "ceo", "a long password", AccessRole.ADMIN, "ceo", people)
        add_user(store, "cmo", "a long password", AccessRole.MEMBER, "cmo", people)
        _apply(ws, store, "ceo", "start")
    nps = root / "kpis" / "nps.yaml"
    nps.write_text(nps.read_text().replace("value: 30.0", "value: 35.0"))
    ws = Workspace.open(root)
    _apply(ws, store, "cmo", "aim higher")
    yield Built(ws, store, build_review_pack(ws, store))
    ws.close()
    store.close()


def _apply(ws: Workspace, store: Store, username: str, message: str) -> None:
    apply_workspace(
        ws.definition,
        store,
        acting_account(store, username),
        message=message,
        effective_from=date(2026, 1, 1),
        restatement=Restatement.RESTATE,
    )


def _records(rows: Iterable[ScorecardRow]) -> dict[str, dict[str, object]]:
    """Rows by KPI, numbers wrapped in ``approx``: DuckDB sums in parallel, so two runs of
    one query can differ in the last bits of a float."""
    return {
        row.kpi: {
            key: pytest.approx(value, rel=1e-9) if isinstance(value, float) else value
            for key, value in row.as_record().items()
        }
        for row in rows
    }


def _plain(value: object) -> object:
    """Nested results with tuples as lists (to compare JSON-like forms)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _near(value: object) -> object:
    """:func:`_plain`, with every float as ``approx`` (see :func:`_records`)."""
    if isinstance(value, dict):
        return {key: _near(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_near(item) for item in value]
    if isinstance(value, float) and value == value:
        return pytest.approx(value, rel=1e-9, abs=1e-12)
    return value


def test_scorecard_is_the_scorecard_grouped_by_goal(built: Built) -> None:
    """The governed scorecard (``kpibridge scorecard`` with the app store): the NPS target
    is the approved 30, not the 35 the YAML proposes (its proposal is still open)."""
    expected = _records(governed_scorecard(built.ws, built.store).rows)
    got = {row.kpi: row.as_record() for row in built.pack.rows}
    assert got == expected
    assert got["nps"]["target"] == 30.0
    assert got["nps"]["target_version"] == 1
    assert {row.kpi: row.target for row in built.ws.scorecard().rows}["nps"] == 35.0
    for group in built.pack.scorecard.groups:
        assert {row.goal for row in group.rows} == {group.goal}
    assert sum(built.pack.counts().values()) == len(expected)


def test_off_track_are_the_off_track_rows_with_the_services_drivers_and_forecast(
    built: Built,
) -> None:
    ws, pack = built.ws, built.pack
    expected = [row.kpi for row in ws.scorecard().rows if row.status is Status.OFF_TRACK]
    assert [item.row.kpi for item in pack.off_track] == expected
    assert expected, "the demo has off-track KPIs; the section must not be empty"
    watched = {item.kpi: item for item in watch(ws, expected)}
    for item in pack.off_track:
        if item.drivers is None:
            with pytest.raises(KpibridgeError) as refused:
                last_change_drivers(ws, item.row.kpi)
            assert item.drivers_reason == str(refused.value)
        else:
            drivers = last_change_drivers(ws, item.row.kpi)
            assert _plain(item.drivers.to_dict()) == _near(drivers.to_dict())
        forecast = watched[item.row.kpi].forecast
        if forecast is None:
            assert item.forecast is None
            assert item.forecast_reason
        else:
            assert item.forecast is not None
            assert _plain(item.forecast.to_dict()) == _near(forecast.to_dict())


def test_anomalies_are_the_monitors_within_each_kpis_last_period(built: Built) -> None:
    ws, pack = built.ws, built.pack
    expected: dict[str, list[str]] = {}
    for item in watch(ws):
        row = item.scorecard
        if item.anomalies is None or row.period is None:
            continue
        last_day = add_periods(row.period, 1, row.grain) - timedelta(days=1)
        days = sorted(
            a.period.date().isoformat()
            for a in item.anomalies.anomalies
            if row.period <= a.period.date() <= last_day
        )
        if days:
            expected[item.kpi] = days
    got = {
        found.row.kpi: sorted(a.period.date().isoformat() for a in found.anomalies)
        for found in pack.anomalies
    }
    assert got == expected


def test_wins_are_targets_met_by_hand_comparison(built: Built) -> None:
    ws, pack = built.ws, built.pack
    fiscal = ws.settings.fiscal_year_start

    def met(value: float, target: float, direction: Direction) -> bool:
        return value >= target if direction is Direction.HIGHER_IS_BETTER else value <= target

    expected = {}
    for row in ws.scorecard().rows:
        if row.value is None or row.target is None or row.period is None:
            continue
        kpi = ws.kpis[row.kpi]
        if not met(row.value, row.target, kpi.direction):
            continue
        before = target_for(kpi, add_periods(row.period, -1, row.grain), fiscal)
        expected[row.kpi] = row.previous is not None and (
            before is None or not met(row.previous, before.value, kpi.direction)
        )
    assert {win.row.kpi: win.newly for win in pack.wins} == expected
    assert any(expected.values()), "the demo has targets newly hit"
    newly = [win.newly for win in pack.wins]
    assert newly == sorted(newly, reverse=True), "newly hit first"


def test_round_and_contested_evidence_are_the_round_analysis_and_the_screen(
    built: Built,
) -> None:
    ws, pack = built.ws, built.pack
    name = last_round_name(ws)
    assert name == "kpis-2027"
    analysis = analyze_round(ws, name)
    assert pack.round is not None
    assert pack.round.selected == analysis.recommendation.selected
    assert pack.round.dissent == [
        d.sentence(analysis.names) for d in analysis.dissent if d.left_out
    ]
    contested = [c.candidate for c in analysis.contested if c.contested]
    assert [e.candidate.candidate for e in pack.evidence] == contested
    screened = [e for e in pack.evidence if e.reason is None]
    assert screened, "the demo round has quantitative contested KPIs"
    first = screened[0]
    screen = screen_drivers(ws, first.candidate.candidate)
    assert first.tested == len(screen.results)
    assert [r.driver for r in first.leads_it] == [r.driver for r in screen.leads()]
    assert [r.driver for r in first.it_leads] == [
        r.driver for r in screen.results if r.direction in ("outcome leads", "feedback")
    ]


def test_voice_is_the_themes_report(built: Built) -> None:
    assert built.pack.voice is not None
    assert built.pack.voice.to_json() == themes_report(built.ws).to_json()


def test_open_proposals_are_the_stores_and_are_read_again(built: Built) -> None:
    _ws, store, pack = built.ws, built.store, built.pack
    expected = list_proposals(store, status=ProposalStatus.OPEN)
    assert [p["kpi"] for p in expected] == ["nps"]
    assert list(pack.proposals) == expected
    assert "proposals" not in pack.missing
    gone = refresh_proposals(pack, None)
    assert gone.proposals == ()
    assert "app store" in gone.missing["proposals"]
    assert refresh_proposals(gone, store).proposals == pack.proposals


def test_html_is_self_contained_with_every_section(built: Built) -> None:
    html = render_review_html(built.ws, built.pack)
    assert 'src="http' not in html
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r"url\(\s*['\"]?http", html)
    for key, heading in SECTIONS:
        assert f'<section id="{key}">' in html
        assert f"<h2>{heading}</h2>" in html.replace("&amp;", "&")
    charts = 1 + len(built.pack.anomalies) + len(built.pack.off_track) + 1  # status, voice
    assert html.count("<svg") >= charts
    for item in built.pack.off_track:
        assert item.row.name in html
    assert "aim higher" in html  # the open proposal's rationale


def test_json_twin_has_every_section_and_no_nan(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    write_review(built.ws, built.pack, out)
    data = json.loads(out.read_text(encoding="utf-8"))  # written with allow_nan=False
    assert {key for key, _ in SECTIONS} <= set(data)
    assert [item["kpi"] for item in data["off_track"]] == [i.row.kpi for i in built.pack.off_track]
    assert data["counts"] == built.pack.counts()
    assert [p["id"] for p in data["proposals"]] == [p["id"] for p in built.pack.proposals]
    selected = analyze_round(built.ws, "kpis-2027").recommendation.selected
    assert data["round"]["selected"] == list(selected)
    assert [w["kpi"] for w in data["wins"] if w["newly"]] == [
        w.row.kpi for w in built.pack.wins if w.newly
    ]


@pytest.fixture(scope="module")
def bare_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo without rounds and with customer voice not scored (no theme table; the
    scored texts stay, since the sentiment KPIs read them)."""
    root = build_small_demo(tmp_path_factory, "review-bare")
    shutil.rmtree(root / "rounds")
    with duckdb.connect(str(warehouse_path(root))) as connection:
        connection.execute("DROP TABLE voice_themes")
    return root


def test_sections_without_data_say_why(bare_root: Path) -> None:
    with Workspace.open(bare_root) as ws:
        pack = build_review_pack(ws, None)
        html = render_review_html(ws, pack)
    assert set(pack.missing) == {"round", "evidence", "voice", "proposals"}
    assert pack.round is None
    assert pack.voice is None
    assert pack.evidence == ()
    assert "kpibridge voice score" in pack.missing["voice"]
    for reason in pack.missing.values():
        assert str(inline_code(reason)) in html
    assert "<code>kpibridge voice score</code>" in html
    for _, heading in SECTIONS:
        assert f"<h2>{heading}</h2>" in html.replace("&amp;", "&")


def test_as_of_judges_earlier_periods(built: Built) -> None:
    latest = max(row.period for row in built.pack.rows if row.period is not None)
    as_of = latest - timedelta(days=95)
    with Workspace.open(built.ws.root) as ws:
        pack = build_review_pack(ws, None, as_of=as_of)
        expected = _records(ws.scorecard(as_of).rows)
    assert {row.kpi: row.as_record() for row in pack.rows} == expected
    assert all(row.period is None or row.period <= as_of for row in pack.rows)
    for item in pack.off_track:
        if item.drivers is not None:
            assert item.drivers.after_period == item.row.period_label
    # the monitor saw the data only up to as_of: no anomaly and no watched step after it
    for item in pack.anomalies:
        assert all(anomaly.period.date() <= as_of for anomaly in item.anomalies)
        assert item.watched.values is not None
        assert item.watched.values.index.max().date() <= as_of
    for item in pack.off_track:
        if item.forecast is not None:
            assert item.forecast.period_start.date() <= as_of + timedelta(days=92)
    assert pack.as_of == as_of
    assert isinstance(pack.as_of, date)
