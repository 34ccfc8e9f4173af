"""The response-curve chart is a valid Vega-Lite spec that renders, with the current spend."""

from __future__ import annotations

from kpibridge.report.allocation_charts import response_curves_spec
from kpibridge.report.svg import vega_lite_to_svg


def test_response_curves_render_with_the_current_spend() -> None:
    curves = {
        name: {
            "spend": [0.0, 50.0, 100.0],
            "mean": [0.0, 40.0, 60.0],
            "low": [0.0, 30.0, 45.0],
            "high": [0.0, 50.0, 75.0],
        }
        for name in ("search", "video")
    }
    spec = response_curves_spec(curves, {"search": 50.0, "video": 80.0}, validate=True)
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {row["current"] for row in values if row["channel"] == "video"} == {80.0}
    svg = vega_lite_to_svg(spec)
    assert svg.startswith("<svg")
    assert "search" in svg
    assert "video" in svg
