"""Competing proposals on one chart: a KPI per period under the definition in force and under
each proposal, so that people arguing for different versions look at the same picture.

Kept apart from ``charts.py`` (one chart per proposal there, ``impact_chart_spec``) because
the number of lines is open-ended here: the colours are assigned per proposal, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from kpibridge.report.charts import axis_format

NOW_COLOUR = "#57606a"
PROPOSAL_COLOURS = ("#0969da", "#bc4c00", "#8250df", "#1b7c83", "#bf3989", "#6639ba")
"""Proposal lines, in order; none is a status colour (green, amber, red), so that a line is
never read as on track or off track. Past six, the colours repeat."""

Series = tuple[str, Sequence[tuple[date, float | None]]]


def comparison_chart_spec(
    now: Series | None,
    proposals: Sequence[Series],
    *,
    title: str,
    value_format: str = "number",
    effective: Sequence[tuple[str, date]] = (),
    validate: bool = False,
) -> dict[str, Any]:
    """The KPI per period as one line per definition.

    Args:
        now: ``(label, [(period, value), …])`` under the definition in force — grey, dashed —
            or None when there is none (a new KPI).
        proposals: One ``(label, [(period, value), …])`` per proposal, each its own colour.
        title: The y axis title (the KPI's name).
        value_format: The KPI's ``format`` (number, percent, currency, ratio).
        effective: ``(label, effective date)`` per proposal: a rule of the proposal's colour
            where the date falls inside the window.
        validate: Check the spec against the Vega-Lite schema (tests do).
    """
    lines = ([now] if now is not None else []) + list(proposals)
    labels = [label for label, _ in lines]
    if len(set(labels)) != len(labels):
        raise ValueError(f"each line needs its own label, not {labels}")
    colours = ([NOW_COLOUR] if now is not None else []) + [
        PROPOSAL_COLOURS[index % len(PROPOSAL_COLOURS)] for index in range(len(proposals))
    ]
    dashes = ([[4, 3]] if now is not None else []) + [[1, 0]] * len(proposals)
    fmt = axis_format(value_format)
    colour = alt.Color(
        "definition:N",
        scale=alt.Scale(domain=labels, range=colours),
        legend=alt.Legend(title=None, orient="top", labelLimit=320),
    )
    dash = alt.StrokeDash("definition:N", scale=alt.Scale(domain=labels, range=dashes), legend=None)
    # one layer per line, the first proposal widest and "now" thin on top: proposals that give
    # the same values (one that only changes targets) stay visible as nested strokes
    widths = [2.0 + 2.5 * (len(proposals) - index) for index in range(len(proposals))]
    drawn = list(zip(proposals, widths, strict=True)) + ([(now, 2.0)] if now is not None else [])
    layers: list[Any] = [
        alt.Chart(_frame(label, values))
        .mark_line(point=True, strokeWidth=width)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
            color=colour,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("period:T", title="period"),
                alt.Tooltip("definition:N"),
                alt.Tooltip("value:Q", format=fmt),
            ],
        )
        for (label, values), width in drawn
    ]
    periods = [day for _, values in lines for day, _ in values]
    inside = [
        {"definition": label, "effective": day.isoformat()}
        for label, day in effective
        if periods and min(periods) <= day <= max(periods)
    ]
    if inside:
        layers.append(
            alt.Chart(pd.DataFrame(inside))
            .mark_rule(strokeDash=[2, 2])
            .encode(
                x="effective:T",
                color=colour,
                tooltip=[
                    alt.Tooltip("definition:N"),
                    alt.Tooltip("effective:T", title="effective from"),
                ],
            )
        )
    return alt.layer(*layers).properties(width="container", height=300).to_dict(validate=validate)


def _frame(label: str, values: Sequence[tuple[date, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"period": day.isoformat(), "definition": label, "value": value}
            for day, value in values
            if value is not None
        ],
        columns=["period", "definition", "value"],
    )
