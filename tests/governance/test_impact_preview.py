"""The impact preview against hand computation: CAC with display spend (and customers whose
first order came through display) filtered out, on the demo warehouse.

Oracle: monthly spend / new customers written by hand in DuckDB SQL, with and without
``channel <> 'display'``; statuses worked out here from the documented rule (lower is better:
shortfall = (value − target) / target; on track up to ``at_risk``, at risk up to
``off_track``, off track beyond).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from gov_helpers import account, add_users, apply_as, expected_status

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.errors import GovernanceError
from kpibridge.model.governance import Decision, Restatement
from kpibridge.services.governance.governed_values import governed_values
from kpibridge.services.governance.impact import ImpactPreview, compare_proposals, impact_preview
from kpibridge.services.governance.proposals import decide, show_proposal
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store
from kpibridge.workspace.governance_file import load_governance

FILTER = "filter: channel != 'display'"
HAND_SQL = """
WITH spend AS (
    SELECT date_trunc('month', date)::DATE AS month, sum(spend) AS spend
    FROM ad_spend {spend_filter} GROUP BY 1
), customers AS (
    SELECT date_trunc('month', acquired_at)::DATE AS month, count(*) AS customers
    FROM customers {customer_filter} GROUP BY 1
)
SELECT month, spend / nullif(customers, 0) FROM spend JOIN customers USING (month)
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "impact-demo")


def hand_cac(root: Path, *, without_display: bool) -> dict[date, float]:
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        rows = connection.execute(
            HAND_SQL.format(
                spend_filter="WHERE channel <> 'display'" if without_display else "",
                customer_filter="WHERE acquisition_channel <> 'display'" if without_display else "",
            )
        ).fetchall()
        last = connection.execute(
            "SELECT least((SELECT max(date) FROM ad_spend), "
            "(SELECT max(acquired_at)::DATE FROM customers))"
        ).fetchone()
    finally:
        connection.close()
    assert last is not None
    values = {month: value for month, value in rows if value is not None}
    last_day = last[0]
    last_month = last_day.replace(day=1)
    if (last_day + timedelta(days=1)).month == last_day.month:  # month not complete
        last_month = (last_month - timedelta(days=1)).replace(day=1)
    months = sorted(month for month in values if month <= last_month)[-13:]
    return {month: values[month] for month in months}


Preview = Callable[[Restatement, date], ImpactPreview]


@pytest.fixture
def preview_for(demo: Path, tmp_path: Path) -> Iterator[Preview]:
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")

    def preview(restatement: Restatement, effective: date) -> ImpactPreview:
        with Workspace.open(root) as ws:
            add_users(store, set(ws.stakeholders))
            apply_as(ws, store, "admin", "as the demo has it")
        cac = root / "kpis" / "cac.yaml"
        text = cac.read_text()
        assert "value: 50.0" in text
        cac.write_text(
            text.replace(
                "review_every: month\n", "review_every: month\nfilter: channel != 'display'\n"
            ).replace("value: 50.0", "value: 45.0")
        )
        with Workspace.open(root) as ws:
            result = apply_as(
                ws, store, "cmo", "display is brand", restatement=restatement, effective=effective
            )
            number = int(result.applied[0].outcome.split()[1])
            view = show_proposal(store, number, ws.definition, load_governance(ws.definition))
            return impact_preview(ws, view)

    yield preview
    store.close()


def test_preview_matches_hand_sql(demo: Path, preview_for: Preview) -> None:
    preview = preview_for(Restatement.RESTATE, date(2026, 1, 1))
    before = hand_cac(demo, without_display=False)
    after = hand_cac(demo, without_display=True)
    assert len(before) == 13
    assert [row.period for row in preview.rows] == list(before) == list(after)
    for row in preview.rows:
        assert row.before == pytest.approx(before[row.period], rel=1e-12)
        assert row.after == pytest.approx(after[row.period], rel=1e-12)
        assert row.difference == pytest.approx(after[row.period] - before[row.period], rel=1e-9)
        assert row.reported == row.after  # restated: the new definition everywhere
        assert (row.target_before, row.target_after) == (50.0, 45.0)
        assert row.status_before.value == expected_status(before[row.period], 50.0)
        assert row.status_after.value == expected_status(after[row.period], 45.0)
    flips = {
        month
        for month in before
        if expected_status(before[month], 50.0) != expected_status(after[month], 45.0)
    }
    assert {row.period for row in preview.flips} == flips
    assert flips  # the demo has flips to show (else this test would prove little)


def test_keep_as_reported_keeps_periods_before_the_effective_date(
    demo: Path, preview_for: Preview
) -> None:
    effective = date(2026, 4, 1)
    preview = preview_for(Restatement.AS_REPORTED, effective)
    before = hand_cac(demo, without_display=False)
    after = hand_cac(demo, without_display=True)
    assert any(row.period < effective for row in preview.rows)
    assert any(row.period >= effective for row in preview.rows)
    for row in preview.rows:
        expected = before[row.period] if row.period < effective else after[row.period]
        assert row.reported == pytest.approx(expected, rel=1e-12)


def test_competing_target_proposals_side_by_side(demo: Path, tmp_path: Path) -> None:
    """Marketing proposes a CAC target of 40, finance one of 55: the comparison shows the same
    values under both (only targets differ) and each one's statuses, checked by hand."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    cac = root / "kpis" / "cac.yaml"
    with Workspace.open(root) as ws:
        add_users(store, set(ws.stakeholders))
        apply_as(ws, store, "admin", "as the demo has it")
    numbers: list[int] = []
    for username, proposed in (("cmo", "40.0"), ("cfo", "55.0")):
        cac.write_text(
            cac.read_text().replace(
                "value: 50.0" if not numbers else "value: 40.0", f"value: {proposed}"
            )
        )
        with Workspace.open(root) as ws:
            result = apply_as(ws, store, username, f"{username}'s target")
        numbers.append(int(result.applied[0].outcome.split()[1]))
    with Workspace.open(root) as ws:
        governance = load_governance(ws.definition)
        views = [show_proposal(store, n, ws.definition, governance) for n in numbers]
        comparison = compare_proposals(ws, views)
        with pytest.raises(GovernanceError, match="two or more"):
            compare_proposals(ws, views[:1])
    store.close()
    before = hand_cac(demo, without_display=False)
    assert comparison.periods == list(before)
    for period, value in before.items():
        for index, target in enumerate((40.0, 55.0)):
            row = comparison.row(index, period)
            assert row is not None
            assert row.before == pytest.approx(value, rel=1e-12)
            assert row.after == pytest.approx(value, rel=1e-12)
            assert row.status_after.value == expected_status(value, target)
            assert row.status_before.value == expected_status(value, 50.0)


def test_values_stamped_with_the_versions_in_force(demo: Path, tmp_path: Path) -> None:
    """CAC v2 (display filtered out, target 45) approved to take effect from 2026-04 and keep
    history as reported: earlier months keep v1's value and target 50, later ones get v2's;
    before 2026-04-01 v2 is not in effect at all. Values from the hand SQL above."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    with Workspace.open(root) as ws:
        add_users(store, set(ws.stakeholders))
        apply_as(ws, store, "admin", "as the demo has it", effective=date(2023, 1, 1))
    cac = root / "kpis" / "cac.yaml"
    cac.write_text(
        cac.read_text()
        .replace("review_every: month\n", f"review_every: month\n{FILTER}\n")
        .replace("value: 50.0", "value: 45.0")
    )
    effective = date(2026, 4, 1)
    with Workspace.open(root) as ws:
        result = apply_as(
            ws,
            store,
            "cmo",
            "display is brand",
            effective=effective,
            restatement=Restatement.AS_REPORTED,
        )
        number = int(result.applied[0].outcome.split()[1])
        governance = load_governance(ws.definition)
        for username in ("growth", "analyst"):
            decide(
                store,
                number,
                account(store, username),
                Decision.APPROVE,
                "",
                ws.definition,
                governance,
            )
        stamped = governed_values(ws, store, "cac", as_of=date(2026, 11, 23))
        earlier = governed_values(ws, store, "cac", as_of=date(2026, 3, 15))
    store.close()
    before = hand_cac(demo, without_display=False)
    after = hand_cac(demo, without_display=True)
    assert [row.period for row in stamped] == list(before)
    for row in stamped:
        new = row.period >= effective
        assert (row.definition_version, row.target_version) == ((2, 2) if new else (1, 1))
        assert row.value == pytest.approx((after if new else before)[row.period], rel=1e-12)
        assert row.target == (45.0 if new else 50.0)
        assert row.status.value == expected_status(row.value or 0, row.target or 0)
    assert {(row.definition_version, row.target_version) for row in earlier} == {(1, 1)}
    assert all(row.value == pytest.approx(before[row.period], rel=1e-12) for row in earlier)
