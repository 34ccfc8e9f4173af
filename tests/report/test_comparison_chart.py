"""The competing-proposals chart is a valid Vega-Lite spec (validated against Altair's
bundled JSON Schema), draws every value it is given under its own label, keeps one colour per
proposal in order, and marks only the effective dates inside the window."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kpibridge.report.comparison_chart import (
    NOW_COLOUR,
    PROPOSAL_COLOURS,
    comparison_chart_spec,
)

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for dataset in spec["datasets"].values() for row in dataset]


def test_lines_colours_and_rules() -> None:
    spec = comparison_chart_spec(
        ("now", [(JAN, 10.0), (FEB, 12.0), (MAR, None)]),
        [("#3 by cfo", [(JAN, 11.0), (FEB, 13.0)]), ("#4 by cmo", [(JAN, 9.0), (FEB, 8.5)])],
        title="CAC",
        value_format="currency",
        effective=[("#3 by cfo", FEB), ("#4 by cmo", date(2027, 1, 1))],
        validate=True,
    )
    drawn = {(r["definition"], r["period"]): r["value"] for r in rows(spec) if "value" in r}
    assert drawn == {
        ("now", "2026-01-01"): 10.0,
        ("now", "2026-02-01"): 12.0,
        ("#3 by cfo", "2026-01-01"): 11.0,
        ("#3 by cfo", "2026-02-01"): 13.0,
        ("#4 by cmo", "2026-01-01"): 9.0,
        ("#4 by cmo", "2026-02-01"): 8.5,
    }
    rules = [r for r in rows(spec) if "effective" in r]
    assert rules == [{"definition": "#3 by cfo", "effective": "2026-02-01"}]  # 2027 is outside
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["now", "#3 by cfo", "#4 by cmo"]
    assert scale["range"] == [NOW_COLOUR, *PROPOSAL_COLOURS[:2]]
    widths = [layer["mark"]["strokeWidth"] for layer in spec["layer"][:3]]
    assert widths[0] > widths[1] > widths[2]  # "now" thinnest, drawn last (on top)


def test_without_now_and_labels_must_differ() -> None:
    spec = comparison_chart_spec(
        None, [("#1 by a", [(JAN, 1.0)]), ("#2 by b", [])], title="new KPI", validate=True
    )
    assert {r["definition"] for r in rows(spec)} == {"#1 by a"}
    with pytest.raises(ValueError, match="its own label"):
        comparison_chart_spec(("now", []), [("now", [])], title="x")
