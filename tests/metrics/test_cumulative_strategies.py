"""The two strategies for cumulative KPIs give the same numbers.

The interval-sum strategy (fast: reduce, then add +1/−1 deltas) is checked against the
range join (direct: join each period with the raw rows of its window) on demo data, over
every aggregation they share, aligned windows, to-date grains, fiscal years and slicing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import kpibridge
from fixtures_demo import build_small_demo
from kpibridge.metrics.compile import cumulative
from kpibridge.metrics.compile.queries import query_identities
from kpibridge.metrics.compile.scope import ModelScope
from kpibridge.metrics.grains import periods_in
from kpibridge.metrics.plan import CumulativeQuery, MeasureSpec, Slice
from kpibridge.metrics.plan.builder import merge_queries
from kpibridge.model import Grain, Window

CASES = [
    # (model, measure, filter, grain, window, to_date, dimensions, fiscal start, range)
    ("orders", "revenue", None, Grain.MONTH, "12 months", None, (), 1, None),
    ("orders", "buyers", None, Grain.MONTH, "12 months", None, (), 1, None),
    ("orders", "buyers", None, Grain.QUARTER, "12 months", None, ("channel",), 1, None),
    ("orders", "orders", "channel = 'email'", Grain.WEEK, "4 weeks", None, (), 1, None),
    ("orders", "buyers", None, Grain.DAY, "30 days", None, (), 1, (date(2026, 1, 1), None)),
    ("orders", "revenue", None, Grain.MONTH, None, Grain.YEAR, ("channel",), 7, None),
    ("orders", "buyers", None, Grain.MONTH, None, Grain.QUARTER, (), 2, None),
    ("sessions", "visitors", None, Grain.WEEK, None, Grain.WEEK, ("device",), 1, None),
    (
        "leads",
        "mqls",
        None,
        Grain.MONTH,
        "3 months",
        None,
        ("channel",),
        1,
        (date(2025, 3, 1), date(2026, 3, 1)),
    ),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "cumulative")


@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join(str(p) for p in case[:6]))
def test_interval_sums_equal_the_range_join(demo: Path, case: tuple) -> None:  # type: ignore[type-arg]
    model_name, measure, filter_, grain, window, to_date, dimensions, fiscal, bounds = case
    start, end = bounds or (None, None)
    query = CumulativeQuery(
        measure=MeasureSpec(model_name, measure, filter_),
        time_column="",
        slice=Slice(grain, dimensions, start, end, fiscal),
        window=Window.parse(window) if window else None,
        grain_to_date=to_date,
    )
    with kpibridge.Workspace.open(demo) as ws:
        model = ws.models[model_name]
        query = CumulativeQuery(
            measure=query.measure,
            time_column=model.measure_time(model.measures[measure]),
            slice=query.slice,
            window=query.window,
            grain_to_date=query.grain_to_date,
        )
        assert cumulative._aligned(query, query.slice), "the case must take the fast path"
        scope = ModelScope(model, ws.backend.table(model.table))
        conditions = scope.time_range(query.time_column, None, end)
        if start is not None:
            earliest = cumulative.window_start(cumulative.ibis.literal(start), query, query.slice)
            conditions.append(scope.column(query.time_column) >= earliest.cast("timestamp"))
        facts = ModelScope(model, scope.table.filter(*conditions) if conditions else scope.table)
        measure_definition = model.measures[measure]
        keys = ["period", *dimensions]
        fast = ws.backend.execute(cumulative._interval_sums(query, facts, measure_definition))
        direct = ws.backend.execute(cumulative._range_join(query, facts, measure_definition))
    fast = fast.sort_values(keys).reset_index(drop=True)
    direct = direct.sort_values(keys).reset_index(drop=True)
    assert len(direct) > 3
    pd.testing.assert_frame_equal(
        fast.astype({"value": "float64"}), direct.astype({"value": "float64"}), rtol=1e-9
    )


@pytest.mark.parametrize(
    ("window", "grain", "periods"),
    [
        ("12 months", Grain.MONTH, 12),
        ("12 months", Grain.QUARTER, 4),
        ("6 months", Grain.YEAR, None),
        ("2 weeks", Grain.DAY, 14),
        ("14 days", Grain.WEEK, 2),
        ("10 days", Grain.WEEK, None),
        ("1 month", Grain.WEEK, None),
        ("1 year", Grain.MONTH, 12),
    ],
)
def test_periods_in_window(window: str, grain: Grain, periods: int | None) -> None:
    assert periods_in(Window.parse(window), grain) == periods


@pytest.mark.parametrize("kpi", ["gross_margin_ttm", "buyers_ttm", "revenue_ytd"])
@pytest.mark.parametrize("grain", [Grain.QUARTER, Grain.YEAR])
def test_coarse_grains_read_off_the_month_series(demo: Path, kpi: str, grain: Grain) -> None:
    """A quarter's (year's) trailing or to-date value, read off the month series, equals the
    range join computed directly at that grain, for every complete period."""
    with kpibridge.Workspace.open(demo) as ws:
        definition = ws.kpis[kpi]
        model_name, _, measure = definition.measure.partition(".")  # type: ignore[union-attr]
        model = ws.models[model_name]
        query = CumulativeQuery(
            measure=MeasureSpec(model_name, measure),
            time_column=model.measure_time(model.measures[measure]),
            slice=Slice(grain),
            window=definition.window,  # type: ignore[union-attr]
            grain_to_date=definition.grain_to_date,  # type: ignore[union-attr]
        )
        scope = ModelScope(model, ws.backend.table(model.table))
        direct = ws.backend.execute(
            cumulative._range_join(query, scope, model.measures[measure])
        ).sort_values("period")
        read_off = ws.compute(kpi, grain=grain)
    complete = direct.iloc[:-1]  # the data ends inside the last period
    assert len(complete) >= 2
    merged = complete.merge(read_off, on="period", suffixes=("_direct", "_month"))
    assert len(merged) == len(complete)
    assert merged["value_direct"].astype(float).tolist() == pytest.approx(
        merged["value_month"].tolist(), rel=1e-9
    )


def test_merged_cumulative_queries_answer_every_original() -> None:
    """Regression: when the widest of the merged queries was one of the originals, plans
    that referred to it found no table (``kpibridge demo --scale 0.02`` crashed)."""

    def query(start: date) -> CumulativeQuery:
        return CumulativeQuery(
            measure=MeasureSpec("orders", "buyers", None),
            time_column="ordered_at",
            slice=Slice(Grain.MONTH, (), start, date(2026, 10, 1), 1),
            window=Window.parse("12 months"),
        )

    originals = [query(date(2023, 7, 1)), query(date(2024, 7, 1)), query(date(2023, 7, 1))]
    (merged,) = merge_queries(originals)
    assert set(originals) <= set(query_identities(merged))
