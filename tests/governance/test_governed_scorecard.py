"""The scorecard applies the KPI versions of the app store: CAC on the small demo, with
display spend (and customers first acquired through display) filtered out from a version
taking effect mid-history.

Oracle: monthly spend / new customers written by hand in DuckDB SQL, with and without
``channel <> 'display'``, over the scorecard's window (the 13 months ending with the last
complete one); statuses worked out here from the documented rule (lower is better:
shortfall = (value − target) / target; on track up to 5 %, at risk up to 15 %, off track
beyond — the demo's CAC target bands).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from gov_helpers import add_users, apply_as, expected_status

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.model import Grain
from kpibridge.model.governance import Restatement
from kpibridge.services.governance.governance_apply import SINCE_ALWAYS
from kpibridge.services.governance.governed_compute import governed_compute, governed_series
from kpibridge.services.governance.governed_scorecard import governed_scorecard
from kpibridge.services.governance.governed_values import governed_values
from kpibridge.services.governance.versions import definition_history
from kpibridge.services.metrics.scorecard import Scorecard, ScorecardRow
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store

TODAY = date(2026, 11, 23)
BASELINE = date(2023, 1, 1)
FILTER = "filter: channel != 'display'"
HAND_SQL = """
WITH spend AS (
    SELECT date_trunc('month', date)::DATE AS month, sum(spend) AS spend
    FROM ad_spend WHERE date <= ? {spend_filter} GROUP BY 1
), customers AS (
    SELECT date_trunc('month', acquired_at)::DATE AS month, count(*) AS customers
    FROM customers WHERE acquired_at::DATE <= ? {customer_filter} GROUP BY 1
)
SELECT month, spend / nullif(customers, 0) FROM spend JOIN customers USING (month)
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "governed-scorecard-demo")


@pytest.fixture
def governed(demo: Path, tmp_path: Path, app_store: Store) -> tuple[Path, Store]:
    """A copy of the demo whose every KPI is stored as version 1 (effective 2023-01-01), in
    an app store on SQLite and on PostgreSQL (``app_store``, tests/governance/conftest.py)."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    with Workspace.open(root) as ws:
        add_users(app_store, set(ws.stakeholders))
        apply_as(ws, app_store, "admin", "as the demo has it", effective=BASELINE)
    return root, app_store


def hand_cac(root: Path, *, without_display: bool, as_of: date | None = None) -> dict[date, float]:
    """CAC of the 13 months ending with the last complete month of data up to ``as_of``."""
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        last = connection.execute(
            "SELECT least((SELECT max(date) FROM ad_spend), "
            "(SELECT max(acquired_at)::DATE FROM customers))"
        ).fetchone()
        assert last is not None
        last_day: date = min(last[0], as_of) if as_of else last[0]
        rows = connection.execute(
            HAND_SQL.format(
                spend_filter="AND channel <> 'display'" if without_display else "",
                customer_filter="AND acquisition_channel <> 'display'" if without_display else "",
            ),
            [last_day, last_day],
        ).fetchall()
    finally:
        connection.close()
    last_month = last_day.replace(day=1)
    if (last_day + timedelta(days=1)).month == last_day.month:  # month not complete
        last_month = (last_month - timedelta(days=1)).replace(day=1)
    first_month = date(last_month.year - 1, last_month.month, 1)
    return {month: value for month, value in rows if first_month <= month <= last_month}


def edit_cac(root: Path, *, definition: bool = True, target: float | None = 45.0) -> None:
    cac = root / "kpis" / "cac.yaml"
    text = cac.read_text()
    if definition:
        text = text.replace("review_every: month\n", f"review_every: month\n{FILTER}\n")
    if target is not None:
        text = text.replace("value: 50.0", f"value: {target}")
    cac.write_text(text)


def record_cac(
    root: Path,
    store: Store,
    message: str,
    *,
    effective: date,
    restatement: Restatement = Restatement.RESTATE,
    definition: bool = True,
    target: float | None = 45.0,
) -> None:
    """Edit ``cac.yaml`` as :func:`edit_cac` does and record the edit, by ``admin``, as CAC's
    next version taking effect on ``effective``."""
    edit_cac(root, definition=definition, target=target)
    with Workspace.open(root) as ws:
        apply_as(ws, store, "admin", message, effective=effective, restatement=restatement)


def scorecard_of(
    root: Path, store: Store | None, as_of: date | None = None
) -> tuple[Scorecard, Scorecard, int]:
    """(governed scorecard, the YAML's, warehouse queries the workspace engine logged for
    the governed one)."""
    with Workspace.open(root) as ws:
        before = ws.engine.query_log.count
        card = governed_scorecard(ws, store, as_of, today=TODAY)
        logged = ws.engine.query_log.count - before
        plain = ws.scorecard(as_of)
    return card, plain, logged


def queries_of_cac(root: Path) -> int:
    """The warehouse queries CAC costs computed on its own (a ratio over two models: 2)."""
    with Workspace.open(root) as ws:
        ws.compute("cac", start="2026-01-01", end="2026-03-31")
        return ws.engine.query_log.count


def cac_row(card: Scorecard) -> ScorecardRow:
    (row,) = [row for row in card.rows if row.kpi == "cac"]
    return row


def check_history(row: ScorecardRow, expected: dict[date, float]) -> None:
    history = {period: value for period, value in row.history if value is not None}
    assert list(history) == list(expected)
    for period, value in expected.items():
        assert history[period] == pytest.approx(value, rel=1e-12), period


def test_as_reported_keeps_the_old_definition_before_its_date(
    governed: tuple[Path, Store],
) -> None:
    """v2 from 2026-04 as reported: months before keep v1's values, later ones get v2's; the
    latest month is judged against v2's target 45. The YAML's scorecard's warehouse queries
    plus one computation of CAC: the months v1 keeps, computed under v1."""
    root, store = governed
    record_cac(
        root,
        store,
        "display is brand",
        effective=date(2026, 4, 1),
        restatement=Restatement.AS_REPORTED,
    )
    card, plain, _ = scorecard_of(root, store)
    before = hand_cac(root, without_display=False)
    after = hand_cac(root, without_display=True)
    expected = {m: (after if m >= date(2026, 4, 1) else before)[m] for m in before}
    row = cac_row(card)
    check_history(row, expected)
    last, previous = sorted(expected)[-2:][::-1]
    assert row.period == last
    assert row.value == pytest.approx(expected[last], rel=1e-12)
    assert row.previous == pytest.approx(expected[previous], rel=1e-12)
    assert row.change == pytest.approx(
        (expected[last] - expected[previous]) / expected[previous], rel=1e-9
    )
    assert (row.definition_version, row.target_version) == (2, 2)
    assert row.target == 45.0
    assert row.status.value == expected_status(expected[last], 45.0)
    assert row.as_record()["definition_version"] == 2
    assert row.as_record()["target_version"] == 2
    # each month's target in force (the review pack's target band): 50 before April, 45 after
    assert [(p, t.value if t else None) for p, t in row.history_targets] == [
        (p, 45.0 if p >= date(2026, 4, 1) else 50.0) for p, _ in row.history
    ]
    assert row.previous_target == (45.0 if previous >= date(2026, 4, 1) else 50.0)
    # `kpibridge versions cac --values` follows the same rules: the same months and stamps
    with Workspace.open(root) as ws:
        stamped = governed_values(ws, store, "cac", as_of=TODAY)
    assert [(v.period, v.definition_version) for v in stamped] == [
        (p, 2 if p >= date(2026, 4, 1) else 1) for p, _ in row.history
    ]
    assert [v.value for v in stamped] == pytest.approx([v for _, v in row.history], rel=1e-12)
    # the YAML alone (now v2 everywhere) restates the whole history: the difference is real
    assert cac_row(plain).history != row.history
    assert card.warehouse_queries == plain.warehouse_queries + queries_of_cac(root)


def test_restate_changes_every_period_at_no_extra_cost(governed: tuple[Path, Store]) -> None:
    root, store = governed
    record_cac(
        root, store, "display is brand", effective=date(2026, 4, 1), restatement=Restatement.RESTATE
    )
    card, plain, _ = scorecard_of(root, store)
    row = cac_row(card)
    check_history(row, hand_cac(root, without_display=True))
    assert (row.definition_version, row.target_version) == (2, 2)
    assert card.warehouse_queries == plain.warehouse_queries


def test_a_version_shows_only_from_its_effective_date(governed: tuple[Path, Store]) -> None:
    """v2 from 2026-09, restating history. Judged on 2026-08-20 (last complete month July)
    v2 is not in effect: v1's values everywhere, target 50 — were it counted, it would
    restate every month. On 2026-10-15 (last complete month September) v2 is in effect and
    restates every month, with target 45 from September."""
    root, store = governed
    record_cac(
        root, store, "display is brand", effective=date(2026, 9, 1), restatement=Restatement.RESTATE
    )
    # judged on, v2 in effect, last complete month, (definition version, target version, target)
    for as_of, in_effect, period, stamps in (
        (date(2026, 8, 20), False, date(2026, 7, 1), (1, 1, 50.0)),
        (date(2026, 10, 15), True, date(2026, 9, 1), (2, 2, 45.0)),
    ):
        card, _, _ = scorecard_of(root, store, as_of)
        row = cac_row(card)
        expected = hand_cac(root, without_display=in_effect, as_of=as_of)
        check_history(row, expected)
        assert row.period == period, as_of
        assert (row.definition_version, row.target_version, row.target) == stamps, as_of
        assert row.status.value == expected_status(expected[row.period], stamps[2]), as_of


@pytest.mark.parametrize(
    ("effective", "as_of", "target", "target_version"),
    [
        # in effect for the last complete month (October): judged against 52
        (date(2026, 10, 1), None, 52.0, 2),
        # recorded, in effect today, but only from November: October keeps target 50
        (date(2026, 11, 1), None, 50.0, 1),
        # judged on 2026-10-15 (last complete month September): not in effect yet
        (date(2026, 10, 1), date(2026, 10, 15), 50.0, 1),
    ],
)
def test_target_versions_by_date(
    governed: tuple[Path, Store],
    effective: date,
    as_of: date | None,
    target: float,
    target_version: int,
) -> None:
    """A new target only (52 instead of 50): the definition stays v1 and costs no query."""
    root, store = governed
    record_cac(root, store, "tighter", effective=effective, definition=False, target=52.0)
    card, plain, _ = scorecard_of(root, store, as_of)
    row = cac_row(card)
    values = hand_cac(root, without_display=False, as_of=as_of)
    assert row.value == pytest.approx(values[max(values)], rel=1e-12)
    assert (row.definition_version, row.target_version, row.target) == (1, target_version, target)
    assert row.status.value == expected_status(values[max(values)], target)
    assert card.warehouse_queries == plain.warehouse_queries


def test_target_version_flips_the_status(governed: tuple[Path, Store]) -> None:
    """The demo's last complete month of CAC is off target 50 by more than 5 %; a target
    version taking effect then that sets 60 puts it on track (hand-computed both ways)."""
    root, store = governed
    value = hand_cac(root, without_display=False)
    last = max(value)
    assert expected_status(value[last], 50.0) != "on track"  # the premise of the test
    assert expected_status(value[last], 60.0) == "on track"
    unchanged, _, _ = scorecard_of(root, store)
    assert cac_row(unchanged).status.value == expected_status(value[last], 50.0)
    record_cac(root, store, "looser", effective=last, definition=False, target=60.0)
    card, _, _ = scorecard_of(root, store)
    assert cac_row(card).status.value == "on track"


def test_a_retired_kpi_is_off_the_scorecard(governed: tuple[Path, Store]) -> None:
    """Retired from 2026-06 while the YAML still has it: off the scorecard once in effect,
    on it before; the KPIs built on it are still computed."""
    root, store = governed
    with Workspace.open(root) as ws:
        apply_as(
            ws, store, "admin", "replaced", effective=date(2026, 6, 1), only="cac", retire=True
        )
        dependants = [
            k.id for k in ws.kpis.values() if "cac" in k.model_dump_json() and k.id != "cac"
        ]
    card, plain, _ = scorecard_of(root, store)
    assert "cac" in [row.kpi for row in plain.rows]  # what the YAML alone shows
    assert "cac" not in [row.kpi for row in card.rows]
    assert len(card.rows) == len(plain.rows) - 1
    for kpi in dependants:
        (row,) = [row for row in card.rows if row.kpi == kpi]
        (yaml_row,) = [row for row in plain.rows if row.kpi == kpi]
        assert row.value == pytest.approx(yaml_row.value, rel=1e-12)
    earlier, _, _ = scorecard_of(root, store, date(2026, 5, 20))
    assert cac_row(earlier).definition_version == 1


def test_a_version_not_yet_in_effect_keeps_a_new_kpi_off(governed: tuple[Path, Store]) -> None:
    """A KPI whose first version takes effect after the day judged is not on the scorecard
    yet (the YAML alone would show it)."""
    root, store = governed
    text = (root / "kpis" / "cac.yaml").read_text()
    (root / "kpis" / "cac_ex_display.yaml").write_text(
        text.replace("id: cac", "id: cac_ex_display")
        .replace("name: Customer acquisition cost", "name: CAC without display")
        .replace("review_every: month\n", f"review_every: month\n{FILTER}\n")
    )
    with Workspace.open(root) as ws:
        apply_as(ws, store, "admin", "new", effective=date(2026, 12, 1))
    card, plain, _ = scorecard_of(root, store)
    assert "cac_ex_display" in [row.kpi for row in plain.rows]
    assert "cac_ex_display" not in [row.kpi for row in card.rows]


def same_rows(card: Scorecard, plain: Scorecard, *, stamped: bool) -> None:
    assert [row.kpi for row in card.rows] == [row.kpi for row in plain.rows]
    for row, yaml_row in zip(card.rows, plain.rows, strict=True):
        mine, theirs = row.as_record(), yaml_row.as_record()
        for key in ("value", "previous", "change", "target"):
            if theirs[key] is None:
                assert mine[key] is None, (row.kpi, key)
            else:
                assert mine[key] == pytest.approx(theirs[key], rel=1e-12), (row.kpi, key)
        assert mine["status"] == theirs["status"]
        assert [p for p, _ in row.history] == [p for p, _ in yaml_row.history]
        assert (row.definition_version is not None) is stamped
        if not stamped:  # everything else the same (floats above: DuckDB sums in parallel)
            numbers = ("value", "previous", "change", "target")
            assert {k: v for k, v in mine.items() if k not in numbers} == {
                k: v for k, v in theirs.items() if k not in numbers
            }


def test_single_versions_cost_no_extra_query(governed: tuple[Path, Store]) -> None:
    """Every KPI at version 1 (effective before the data starts): the same rows as the YAML
    and the same warehouse queries, all on the workspace's own engine."""
    root, store = governed
    card, plain, logged = scorecard_of(root, store)
    same_rows(card, plain, stamped=True)
    assert card.warehouse_queries == plain.warehouse_queries == logged
    assert {row.definition_version for row in card.rows} == {1}


def test_no_store_or_no_versions_is_the_yaml(demo: Path, tmp_path: Path) -> None:
    card, plain, logged = scorecard_of(demo, None)
    same_rows(card, plain, stamped=False)
    assert card.warehouse_queries == plain.warehouse_queries == logged
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        card, plain, logged = scorecard_of(demo, store)
    finally:
        store.close()
    same_rows(card, plain, stamped=False)
    assert card.warehouse_queries == plain.warehouse_queries == logged


def test_compute_and_the_kpi_series_take_each_month_from_its_versions(
    governed: tuple[Path, Store],
) -> None:
    """``kpibridge compute`` and the KPI page's series with v2 from 2026-04 as reported: each
    month's value from its own definition (hand SQL), stamped; the target band 50 before
    April and 45 from April (bands ±5 %/15 % of the target, lower is better)."""
    root, store = governed
    effective = date(2026, 4, 1)
    record_cac(
        root, store, "display is brand", effective=effective, restatement=Restatement.AS_REPORTED
    )
    start, end = date(2025, 10, 1), date(2026, 10, 31)
    with Workspace.open(root) as ws:
        frame = governed_compute(ws, store, "cac", Grain.MONTH, start=start, end=end, today=TODAY)
        series = governed_series(ws, store, "cac", Grain.MONTH, start=start, end=end, today=TODAY)
    before = hand_cac(root, without_display=False)
    after = hand_cac(root, without_display=True)
    got = {
        pd.Timestamp(p).date(): (v, version)
        for p, v, version in zip(
            frame["period"], frame["value"], frame["definition_version"], strict=True
        )
    }
    assert sorted(got) == sorted(before)
    for month, (value, version) in got.items():
        new = month >= effective
        assert version == (2 if new else 1)
        assert value == pytest.approx((after if new else before)[month], rel=1e-12)
    assert list(series.values["value"]) == list(frame["value"])
    band = {
        pd.Timestamp(p).date(): (t, on, off)
        for p, t, on, off in zip(
            series.band["period"],
            series.band["target"],
            series.band["on_track_from"],
            series.band["off_track_from"],
            strict=True,
        )
    }
    assert sorted(band) == sorted(before)
    for month, (target, on_track_from, off_track_from) in band.items():
        expected = 45.0 if month >= effective else 50.0
        assert target == expected
        assert on_track_from == pytest.approx(expected * 1.05)
        assert off_track_from == pytest.approx(expected * 1.15)


def test_compute_without_versions_is_the_yaml(demo: Path) -> None:
    with Workspace.open(demo) as ws:
        frame = governed_compute(ws, None, "cac", Grain.MONTH, by=["channel"])
        pd.testing.assert_frame_equal(frame, ws.compute("cac", "month", by=["channel"]))


def test_the_first_apply_is_in_force_since_always(demo: Path, tmp_path: Path) -> None:
    """`apply` with no --effective: the library's first versions are in force since always,
    so judging an earlier day keeps every KPI; a later change takes effect today."""
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    try:
        with Workspace.open(root) as ws:
            add_users(store, set(ws.stakeholders))
            apply_as(ws, store, "admin", "the library", effective=None)
            earlier = date(2025, 6, 30)
            card = governed_scorecard(ws, store, as_of=earlier)
            plain = governed_scorecard(ws, None, as_of=earlier)
        assert [row.kpi for row in card.rows] == [row.kpi for row in plain.rows]
        assert {row.definition_version for row in card.rows} == {1}
        cac = root / "kpis" / "cac.yaml"
        cac.write_text(cac.read_text() + FILTER + "\n")
        with Workspace.open(root) as ws:
            apply_as(
                ws,
                store,
                "admin",
                "display out",
                effective=None,
                restatement=Restatement.AS_REPORTED,
            )
        with store.transaction() as session:
            effective = [v.effective_from for v in definition_history(session, "cac")]
        assert effective == [SINCE_ALWAYS, date.today()]
    finally:
        store.close()
