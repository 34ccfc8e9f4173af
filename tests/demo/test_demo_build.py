"""``build_demo``: a deterministic demo company that is a normal, valid workspace.

Oracles: table checksums computed by DuckDB (``fixtures_demo.table_checksums``); the targets
file of the demo overlay; the effect constants of ``kpibridge.demo.effects``; for the
scorecard, ``kpibridge.model.status.status`` applied to each row's value and target, the
value of ``Workspace.compute`` for the row's period, and the latest complete period worked
out here from each table's last day (read with SQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from ruamel.yaml import YAML

import kpibridge
from fixtures_demo import (
    DEMO_SCALE,
    DEMO_SEED,
    DEMO_TABLES,
    build_small_demo,
    table_checksums,
    warehouse_path,
)
from kpibridge.demo import effects
from kpibridge.errors import KpibridgeError
from kpibridge.model.completeness import settled_through
from kpibridge.model.status import Status, status
from kpibridge.services.demo.build import build_demo, overlay_path

YAML_LOADER = YAML(typ="safe", pure=True)


def load_yaml(path: Path) -> object:
    return YAML_LOADER.load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "service-demo")


@pytest.fixture(scope="module")
def last_days(demo_root: Path) -> dict[str, date]:
    """Last day with data of each model, by its time column (read before the workspace
    opens the file: DuckDB lets one process open a file one way only)."""
    with kpibridge.Workspace.open(demo_root) as ws:
        models = {name: (m.table, m.time) for name, m in ws.models.items()}
    connection = duckdb.connect(str(warehouse_path(demo_root)), read_only=True)
    try:
        found = {}
        for name, (table, column) in models.items():
            row = connection.execute(f'SELECT max("{column}")::DATE FROM "{table}"').fetchone()
            assert row is not None
            found[name] = row[0]
        return found
    finally:
        connection.close()


@pytest.fixture(scope="module")
def workspace(demo_root: Path, last_days: dict[str, date]) -> Iterator[kpibridge.Workspace]:
    del last_days  # read first
    ws = kpibridge.Workspace.open(demo_root)
    yield ws
    ws.close()


# -- determinism ----------------------------------------------------------------------


def test_same_seed_gives_the_same_warehouse(
    demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("again") / "workspace"
    built = build_demo(again, seed=DEMO_SEED, scale=DEMO_SCALE)

    first, second = table_checksums(demo_root), table_checksums(again)
    assert first == second
    assert sorted(first) == sorted(DEMO_TABLES)
    assert all(count > 0 for count, _ in first.values())
    assert built.rows == {table: count for table, (count, _) in second.items()}


def test_another_seed_gives_other_data(
    demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = build_small_demo(tmp_path_factory, "other-seed", seed=DEMO_SEED + 1)
    first, second = table_checksums(demo_root), table_checksums(other)
    differing = [table for table in DEMO_TABLES if first[table][1] != second[table][1]]
    assert differing == list(DEMO_TABLES)


def test_a_bad_argument_leaves_an_existing_folder_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KpibridgeError, match="scale"):
        build_demo(tmp_path, seed=1, scale=-1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# -- the workspace it makes ------------------------------------------------------------


def test_the_demo_validates_clean(workspace: kpibridge.Workspace) -> None:
    assert workspace.validate() == []


def test_readme_lists_the_planted_effects(demo_root: Path) -> None:
    readme = (demo_root / "README.md").read_text(encoding="utf-8")
    assert f"Generated with seed {DEMO_SEED} and scale {DEMO_SCALE:g}." in readme
    assert effects.PLANTED_EFFECTS in readme
    assert "## Planted effects" in readme
    for number in range(1, 7):
        assert f"\n{number}. **" in readme
    for planted in (
        effects.ANOMALY_DAY,
        effects.MOBILE_DROP_MONTH,
        effects.DELIVERY_SURGE_START,
        effects.DELIVERY_SURGE_END,
    ):
        assert str(planted) in readme


def test_the_alignment_round_is_there(demo_root: Path, workspace: kpibridge.Workspace) -> None:
    path = demo_root / "rounds" / "kpis-2027.yaml"
    assert path.is_file()
    round_ = load_yaml(path)
    assert isinstance(round_, dict)
    assert round_["id"] == "kpis-2027"
    assert set(round_["candidates"]) <= set(workspace.kpis)
    assert set(round_["participants"]) <= set(workspace.stakeholders)
    audience = {member["id"] for member in round_["audience"]}
    assert len(audience) >= 40
    voters = {ballot["participant"] for ballot in round_["ballots"]}
    assert set(round_["participants"]) <= voters
    assert voters <= set(round_["participants"]) | audience


def test_targets_come_from_the_overlay_scaled_by_volume(workspace: kpibridge.Workspace) -> None:
    """Targets of ``per_volume`` KPIs (totals) are multiplied by the scale; others not."""
    overlay = load_yaml(overlay_path() / "targets.yaml")
    assert isinstance(overlay, dict)
    for kpi_id, spec in overlay.items():
        factor = DEMO_SCALE if spec.get("per_volume") else 1.0
        targets = workspace.kpis[kpi_id].targets
        assert [t.period for t in targets] == [t.get("period") for t in spec["targets"]]
        assert [t.value for t in targets] == pytest.approx(
            [t["value"] * factor for t in spec["targets"]], rel=1e-12
        ), kpi_id
    untargeted = set(workspace.kpis) - set(overlay)
    assert all(not workspace.kpis[k].targets for k in untargeted)


# -- the scorecard ---------------------------------------------------------------------

PANDAS_FREQUENCY = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q-DEC", "year": "Y-DEC"}
"""Periods of each grain with the demo's calendar year (weeks from Monday to Sunday)."""


def latest_complete(last_day: date, grain: str) -> date:
    period = pd.Period(last_day, freq=PANDAS_FREQUENCY[grain])
    if period.end_time.date() > last_day:
        period -= 1
    return period.start_time.date()


def test_scorecard_has_a_row_per_kpi_with_consistent_status(
    workspace: kpibridge.Workspace, last_days: dict[str, date]
) -> None:
    card = workspace.scorecard()
    assert sorted(row.kpi for row in card.rows) == sorted(workspace.kpis)
    seen = set()
    for row in card.rows:
        kpi = workspace.kpis[row.kpi]
        assert row.grain == kpi.review_every
        last_day = min(last_days[m] for m in workspace.engine.builder.models_of(kpi.id))
        settled = settled_through(kpi, last_day)  # a conversion window must have closed
        assert row.period == latest_complete(settled, kpi.review_every.value), row.kpi

        frame = workspace.compute(kpi.id, grain=kpi.review_every)
        by_period = dict(zip(frame.period.dt.date, frame.value, strict=True))
        if row.value is None:
            assert pd.isna(by_period[row.period]), row.kpi
        else:
            assert row.value == pytest.approx(by_period[row.period], rel=1e-12), row.kpi

        standing = [t for t in kpi.targets if t.period is None]
        target = standing[0] if standing else None
        assert row.target == (target.value if target else None)
        assert row.status is status(row.value, target, kpi.direction), row.kpi
        seen.add(row.status)
    assert Status.NO_TARGET in seen
    assert seen & {Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK}
