"""Every kind of chart is a valid Vega-Lite spec (validated against Altair's bundled JSON
Schema here, not at run time) and carries the data it is meant to draw."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpibridge.report.charts import (
    impact_chart_spec,
    interval_chart_spec,
    kpi_chart_spec,
    monitor_chart_spec,
    sentiment_chart_spec,
    sparkline_spec,
)


def _datasets(spec: dict[str, object]) -> list[list[dict[str, object]]]:
    datasets = spec.get("datasets", {})
    assert isinstance(datasets, dict)
    return list(datasets.values())


def test_sparkline_is_valid() -> None:
    spec = sparkline_spec(
        [(date(2026, 1, 1), 1.0), (date(2026, 2, 1), None)], "at risk", validate=True
    )
    assert spec["mark"]["color"] == "#bf8700"  # type: ignore[index]


def test_kpi_chart_with_band_and_dimension_is_valid() -> None:
    values = pd.DataFrame(
        {
            "period": ["2026-01-01", "2026-02-01"] * 2,
            "channel": ["a", "a", "b", "b"],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    band = pd.DataFrame(
        {
            "period": ["2026-01-01", "2026-02-01"],
            "target": [2.0, 2.0],
            "on_track_from": [1.9, 1.9],
            "off_track_from": [1.7, 1.7],
        }
    )
    spec = kpi_chart_spec(values, title="X", by="channel", band=band, validate=True)
    assert len(spec["layer"]) == 3  # type: ignore[arg-type]


def test_monitor_chart_marks_anomalies_and_levels() -> None:
    values = pd.Series(
        [1.0, 2.0, 9.0, 2.0, 3.0], index=pd.date_range("2026-01-05", periods=5, freq="D")
    )
    spec = monitor_chart_spec(
        values,
        title="Revenue",
        value_format="currency",
        anomalies=[(date(2026, 1, 7), 9.0, "spike")],
        segments=[
            (date(2026, 1, 5), date(2026, 1, 6), 1.5),
            (date(2026, 1, 7), date(2026, 1, 9), 4.7),
        ],
        validate=True,
    )
    assert len(spec["layer"]) == 3  # type: ignore[arg-type]
    rows = [row for dataset in _datasets(spec) for row in dataset]
    assert {"period": "2026-01-07", "value": 9.0, "kind": "spike"} in rows
    assert {"start": "2026-01-07", "end": "2026-01-09", "level": 4.7} in rows
    plain = monitor_chart_spec(values, title="Revenue", validate=True)
    assert len(plain["layer"]) == 1  # type: ignore[arg-type]


def test_interval_chart_draws_the_band_and_the_line() -> None:
    rows = [
        ("2026-08", 30.0, 10.0, 50.0),
        ("2026-09", None, None, None),
        ("2026-10", 26.7, -5.8, 50.2),
    ]
    spec = interval_chart_spec(rows, title="NPS", validate=True)
    band, line = spec["layer"]  # type: ignore[misc]
    assert band["mark"]["type"] == "area"
    assert band["encoding"]["y2"]["field"] == "high"
    assert line["encoding"]["y"]["field"] == "value"
    assert line["encoding"]["x"]["sort"] == ["2026-08", "2026-09", "2026-10"]
    data = [row for dataset in _datasets(spec) for row in dataset]
    assert {"period": "2026-10", "value": 26.7, "low": -5.8, "high": 50.2} in data


def test_sentiment_chart_has_a_fixed_scale_and_a_zero_rule() -> None:
    spec = sentiment_chart_spec([("2026-09", 12.5, 40), ("2026-10", -3.0, 24)], validate=True)
    zero, line = spec["layer"]  # type: ignore[misc]
    assert zero["mark"]["type"] == "rule"
    assert line["encoding"]["y"]["scale"]["domain"] == [-100, 100]
    data = [row for dataset in _datasets(spec) for row in dataset]
    assert {"period": "2026-10", "sentiment_index": -3.0, "texts": 24} in data


def test_impact_chart_has_both_definitions_and_the_effective_date() -> None:
    rows = [
        (date(2026, 1, 1), 50.0, 45.0),
        (date(2026, 2, 1), 52.0, None),
        (date(2026, 3, 1), None, 40.0),
    ]
    spec = impact_chart_spec(
        rows, title="CAC", value_format="currency", effective_from=date(2026, 2, 1), validate=True
    )
    assert len(spec["layer"]) == 2  # type: ignore[arg-type]
    data = [row for dataset in _datasets(spec) for row in dataset]
    points = {
        (row["period"], row["definition"]): row["value"] for row in data if "definition" in row
    }
    assert points == {
        ("2026-01-01", "now"): 50.0,
        ("2026-01-01", "proposed"): 45.0,
        ("2026-02-01", "now"): 52.0,
        ("2026-03-01", "proposed"): 40.0,
    }
    assert {"effective": "2026-02-01"} in data
    outside = impact_chart_spec(rows, title="CAC", effective_from=date(2027, 1, 1), validate=True)
    assert len(outside["layer"]) == 1  # type: ignore[arg-type]
