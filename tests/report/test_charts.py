"""Every kind of chart is a valid Vega-Lite spec (validated against Altair's bundled JSON
Schema here, not at run time) and carries the data it is meant to draw."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpibridge.report.charts import kpi_chart_spec, monitor_chart_spec, sparkline_spec


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
