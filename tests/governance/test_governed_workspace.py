"""``explain``, ``monitor``, ``drivers``, ``evidence`` and the review pack read the KPIs as
the app store's versions define them (:func:`governed_workspace`), not the YAML: on the small
demo, CAC's version 2 filters display out (spend and customers first acquired through
display), approved by the admin and **not exported** — ``kpis/cac.yaml`` keeps no filter.

Oracle: CAC per week and per month written by hand in DuckDB SQL (spend / new customers,
with ``channel <> 'display'`` on both sides, or without), and the governed compute and
scorecard services, which are tested against the same SQL in ``test_governed_scorecard.py``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from gov_helpers import add_users, apply_as
from typer.testing import CliRunner

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.cli.app import app
from kpibridge.metrics.grains import period_label
from kpibridge.model import Grain, RatioKPI
from kpibridge.services.governance.governed_compute import governed_compute
from kpibridge.services.governance.governed_scorecard import governed_scorecard
from kpibridge.services.governance.governed_workspace import GovernedWorkspace, governed_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import kpi_drivers
from kpibridge.services.monitoring.evidence import kpi_evidence, kpi_series, screen_drivers
from kpibridge.services.monitoring.monitor import watch
from kpibridge.services.reviews.review_pack import build_review_pack
from kpibridge.store import Store

BASELINE = date(2023, 1, 1)
FILTER = "channel != 'display'"
HAND_SQL = """
WITH spend AS (
    SELECT date_trunc('{grain}', date)::DATE AS period, sum(spend) AS spend
    FROM ad_spend {spend_filter} GROUP BY 1
), customers AS (
    SELECT date_trunc('{grain}', acquired_at)::DATE AS period, count(*) AS customers
    FROM customers {customer_filter} GROUP BY 1
)
SELECT period, spend / nullif(customers, 0) FROM spend JOIN customers USING (period)
ORDER BY period
"""


def hand_cac(root: Path, grain: Grain, *, without_display: bool) -> dict[date, float]:
    """CAC per ``grain`` period over all the data (weeks start on Monday, as the engine's)."""
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        rows = connection.execute(
            HAND_SQL.format(
                grain=grain.value,
                spend_filter="WHERE channel <> 'display'" if without_display else "",
                customer_filter="WHERE acquisition_channel <> 'display'" if without_display else "",
            )
        ).fetchall()
    finally:
        connection.close()
    return {period: value for period, value in rows if value is not None}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "governed-workspace-demo")


@pytest.fixture
def governed(demo: Path, tmp_path: Path) -> Iterator[tuple[Path, Store, str]]:
    """A copy of the demo whose every KPI is version 1 in its app store, and CAC's version 2
    (display filtered out, restating history, from 2026-01-01) approved but not exported."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    store = Store.open(url)
    cac = root / "kpis" / "cac.yaml"
    yaml_text = cac.read_text()
    with Workspace.open(root) as ws:
        add_users(store, set(ws.stakeholders))
        apply_as(ws, store, "admin", "as the demo has it", effective=BASELINE)
    cac.write_text(
        yaml_text.replace("review_every: month\n", f'review_every: month\nfilter: "{FILTER}"\n')
    )
    with Workspace.open(root) as ws:
        applied = apply_as(
            ws, store, "admin", "display is brand", effective=date(2026, 1, 1), only="cac"
        )
        assert applied.direct
    cac.write_text(yaml_text)  # not exported: the YAML says what it said
    yield root, store, url
    store.close()


def cac_filter(ws: Workspace) -> str | None:
    kpi = ws.kpis["cac"]
    assert isinstance(kpi, RatioKPI)
    return kpi.filter


def run_json(*args: object) -> Any:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def months(root: Path) -> tuple[date, date]:
    """The last two complete months of CAC (the scorecard's period and the one before)."""
    with Workspace.open(root) as ws:
        (row,) = ws.scorecard(kpis=["cac"]).rows
    assert row.period is not None
    previous = date(row.period.year - (row.period.month == 1), (row.period.month - 2) % 12 + 1, 1)
    return previous, row.period


def check_governed(root: Path, store: Store, url: str) -> None:
    """Explain, monitor, drivers and evidence of CAC all use version 2 (display left out)."""
    weekly = hand_cac(root, Grain.WEEK, without_display=True)
    weekly_yaml = hand_cac(root, Grain.WEEK, without_display=False)
    monthly = hand_cac(root, Grain.MONTH, without_display=True)
    assert weekly != weekly_yaml  # the premise: the filter changes CAC

    # explain: the filter in words and in the SQL; the YAML alone has neither
    explained = run_json("explain", "cac", "-w", root, "--database-url", url, "-f", "json")
    assert f"only where {FILTER}" in explained["words"]
    assert "'display'" in explained["sql"]
    plain = run_json("explain", "cac", "-w", root, "-f", "json")  # no store file: the YAML
    assert "display" not in plain["words"] + plain["sql"]
    assert not (root / ".kpibridge" / "app.db").exists()  # reading created no store

    with Workspace.open(root) as ws:
        view = governed_workspace(ws, store)
        assert isinstance(view, GovernedWorkspace)
        assert cac_filter(view) == FILTER
        assert cac_filter(ws) is None
        assert view.backend is ws.backend  # one warehouse connection

        # monitor: the watched series is the governed compute's, and the hand SQL's
        (watched,) = watch(view, ["cac"])
        assert watched.values is not None
        assert watched.step is not None
        frame = governed_compute(ws, store, "cac", watched.step)
        computed = dict(zip(pd.to_datetime(frame["period"]), frame["value"], strict=True))
        hand = (
            weekly
            if watched.step is Grain.WEEK
            else hand_cac(root, Grain.DAY, without_display=True)
        )
        assert len(watched.values) > 50
        for step, value in watched.values.items():
            period = pd.Timestamp(step)  # type: ignore[arg-type]
            assert value == pytest.approx(computed[period], rel=1e-12), period
            assert value == pytest.approx(hand[period.date()], rel=1e-12), period
        # its status is the governed scorecard's
        (row,) = [r for r in governed_scorecard(ws, store).rows if r.kpi == "cac"]
        assert watched.scorecard.definition_version == row.definition_version == 2
        assert row.period is not None
        assert watched.scorecard.value == pytest.approx(monthly[row.period], rel=1e-12)
        assert watched.scorecard.status is row.status

        # drivers: the split of the last change adds up to the hand-computed months
        before, after = months(root)
        fiscal = ws.settings.fiscal_year_start
        labels = [period_label(m, Grain.MONTH, fiscal) for m in (before, after)]
        split = kpi_drivers(view, "cac", labels[0], labels[1], "channel")
        assert split.result.before == pytest.approx(monthly[before], rel=1e-9)
        assert split.result.after == pytest.approx(monthly[after], rel=1e-9)
        # display has no spend and no customers left: no weight
        (display,) = [s for s in split.result.segments if s.segment == "display"]
        assert (display.weight_before, display.weight_after) == (0.0, 0.0)

        # evidence: the series CAC brings to a lead-lag test is version 2's
        series = kpi_series(view, "cac", Grain.WEEK)
        got = {pd.Timestamp(p).date(): v for p, v in series.dropna().items()}  # type: ignore[arg-type]
        assert got == pytest.approx(weekly)

    monitored = run_json("monitor", "cac", "-w", root, "--database-url", url, "-f", "json")
    assert monitored[0]["status"]["value"] == pytest.approx(monthly[after], rel=1e-12)
    assert monitored[0]["trend"] == json.loads(json.dumps(watched.to_dict()))["trend"]
    drivers = run_json(
        "drivers", "cac", "--from", labels[0], "--to", labels[1], "--by", "channel",
        "-w", root, "--database-url", url, "-f", "json",
    )  # fmt: skip
    assert json.dumps(drivers, sort_keys=True) == json.dumps(split.to_dict(), sort_keys=True)
    evidence = run_json(
        "evidence", "cac", "--outcome", "revenue", "-w", root, "--database-url", url, "-f", "json"
    )
    with Workspace.open(root) as ws:
        expected = kpi_evidence(governed_workspace(ws, store), "cac", "revenue").to_dict()
        yaml_only = kpi_evidence(ws, "cac", "revenue").to_dict()
    assert evidence == json.loads(json.dumps(expected))
    assert evidence != json.loads(json.dumps(yaml_only))


def test_an_approved_version_not_exported_governs_every_command(
    governed: tuple[Path, Store, str],
) -> None:
    root, store, url = governed
    assert "filter" not in (root / "kpis" / "cac.yaml").read_text()
    check_governed(root, store, url)


def test_an_open_proposal_in_the_yaml_does_not_show(governed: tuple[Path, Store, str]) -> None:
    """The YAML edited again (CAC renamed, its filter dropped) and proposed by CAC's owner:
    an open proposal, not approved. Everything still reads version 2."""
    root, store, url = governed
    cac = root / "kpis" / "cac.yaml"
    cac.write_text(cac.read_text().replace("Customer acquisition cost", "Cost per customer"))
    with Workspace.open(root) as ws:
        proposed = apply_as(ws, store, "growth", "a plainer name", only="cac")
        assert not proposed.direct
        view = governed_workspace(ws, store)
        assert ws.kpis["cac"].name == "Cost per customer"
        assert (view.kpis["cac"].name, cac_filter(view)) == (
            "Customer acquisition cost",
            FILTER,
        )
    check_governed(root, store, url)


def test_a_retired_kpi_is_left_out_of_monitor_and_screen(
    governed: tuple[Path, Store, str],
) -> None:
    """CAC retired from 2026-06-01 while the YAML still has it: ``monitor`` (every KPI)
    and the evidence screen's candidates leave it out; the KPIs built on it still watch."""
    root, store, url = governed
    with Workspace.open(root) as ws:
        apply_as(
            ws, store, "admin", "replaced", effective=date(2026, 6, 1), only="cac", retire=True
        )
        view = governed_workspace(ws, store)
        assert "cac" in view.kpis  # KPIs built on it still compute
        assert "cac" not in view.live_kpis
        assert list(view.live_kpis) == [k for k in ws.kpis if k != "cac"]
        watched = watch(view)
        assert [item.kpi for item in watched] == list(view.live_kpis)
        dependants = [k for k in ("clv_to_cac", "predicted_clv_to_cac") if k in view.kpis]
        assert dependants
        for kpi_id in dependants:
            (item,) = [item for item in watched if item.kpi == kpi_id]
            assert item.scorecard.value is not None, kpi_id
        screened = screen_drivers(view, "revenue")
        yaml_screen = screen_drivers(ws, "revenue")
    drivers = {r.driver for r in screened.results} | {k for k, _ in screened.left_out}
    yaml_drivers = {r.driver for r in yaml_screen.results} | {k for k, _ in yaml_screen.left_out}
    assert "cac" in yaml_drivers  # the premise: the YAML alone screens it
    assert drivers == yaml_drivers - {"cac"}
    result = CliRunner().invoke(
        app, ["monitor", "cac", "-w", str(root), "--database-url", url, "-f", "json"]
    )
    assert result.exit_code == 1
    assert "retired" in result.output
    assert "Traceback" not in result.output


def test_the_review_pack_reads_the_governed_workspace(governed: tuple[Path, Store, str]) -> None:
    """A target version of 1 USD for CAC (its definition stays version 2), so CAC is off track:
    the pack's scorecard row, off-track drivers and forecast all come from the versions, not
    from the YAML (no filter, target 50)."""
    root, store, _ = governed
    cac = root / "kpis" / "cac.yaml"
    yaml_text = cac.read_text()
    cac.write_text(
        yaml_text.replace(
            "review_every: month\n", f'review_every: month\nfilter: "{FILTER}"\n'
        ).replace("value: 50.0", "value: 1.0")
    )
    with Workspace.open(root) as ws:
        assert apply_as(ws, store, "admin", "stretch", effective=BASELINE, only="cac").direct
    cac.write_text(yaml_text)
    monthly = hand_cac(root, Grain.MONTH, without_display=True)
    with Workspace.open(root) as ws:
        pack = build_review_pack(ws, store)
        (watched,) = watch(governed_workspace(ws, store), ["cac"])
    (row,) = [row for row in pack.rows if row.kpi == "cac"]
    assert row.period is not None
    assert (row.definition_version, row.target) == (2, 1.0)  # a new target version only
    assert row.value == pytest.approx(monthly[row.period], rel=1e-12)
    (item,) = [item for item in pack.off_track if item.row.kpi == "cac"]
    assert item.drivers is not None
    assert item.drivers.result.after == pytest.approx(monthly[row.period], rel=1e-9)
    (display,) = [s for s in item.drivers.result.segments if s.segment == "display"]
    assert (display.weight_before, display.weight_after) == (0.0, 0.0)
    assert item.forecast is not None
    assert watched.forecast is not None
    assert item.forecast.to_dict() == watched.forecast.to_dict()


def test_no_store_or_no_versions_is_the_workspace_itself(demo: Path, tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with Workspace.open(demo) as ws:
            assert governed_workspace(ws, None) is ws
            assert governed_workspace(ws, store) is ws
            assert ws.live_kpis == ws.kpis
    finally:
        store.close()


def test_the_view_follows_its_workspace_when_the_connection_is_reopened(
    governed: tuple[Path, Store, str],
) -> None:
    """The web app closes the workspace's connection at shutdown and opens it again on the
    next request: the view computes on the new connection, not the closed one."""
    root, store, _ = governed
    with Workspace.open(root) as ws:
        view = governed_workspace(ws, store)
        first = view.compute("cac")
        ws.close()
        again = view.compute("cac")
        assert view.engine.backend is ws.backend
    pd.testing.assert_frame_equal(first, again)
