"""Charts as Vega-Lite specifications, built with Altair and rendered by vega-embed (in the
web app) or any Vega-Lite renderer. Functions take plain data and return the spec as a dict.

Specs are not validated against the Vega-Lite JSON Schema at run time (it costs ~20 ms per
chart); ``tests/report/test_charts.py`` validates every kind of chart instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

STATUS_COLOURS = {
    "on track": "#1a7f37",
    "at risk": "#bf8700",
    "off track": "#cf222e",
    "no target": "#57606a",
    "no data": "#8c959f",
}
"""One colour per status, shared by the page styles and the charts."""

AXIS_FORMATS = {"percent": ".1%", "currency": "$,.2~f", "ratio": ".2f", "number": ",.4~g"}


def axis_format(kind: str) -> str:
    return AXIS_FORMATS.get(kind, AXIS_FORMATS["number"])


def sparkline_spec(
    history: Sequence[tuple[date, float | None]],
    status: str,
    value_format: str = "number",
    validate: bool = False,
) -> dict[str, Any]:
    """A small line of the recent periods, coloured by the KPI's status."""
    frame = pd.DataFrame(
        {
            "period": [day.isoformat() for day, _ in history],
            "value": [value for _, value in history],
        }
    )
    line = (
        alt.Chart(frame)
        .mark_line(color=STATUS_COLOURS.get(status, "#57606a"), strokeWidth=1.5, point=False)
        .encode(
            x=alt.X("period:T", axis=None),
            y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("period:T", title="period"),
                alt.Tooltip("value:Q", format=axis_format(value_format)),
            ],
        )
        .properties(width=120, height=28)
        .configure_view(stroke=None)
    )
    return line.to_dict(validate=validate)


def kpi_chart_spec(
    values: pd.DataFrame,
    *,
    title: str,
    value_format: str = "number",
    by: str | None = None,
    band: pd.DataFrame | None = None,
    validate: bool = False,
) -> dict[str, Any]:
    """A KPI over time: one line (per ``by`` value when given) and, when ``band`` has rows
    (columns ``period``, ``target``, ``on_track_from``, ``off_track_from``), the at-risk zone
    shaded between the off-track and on-track thresholds with the target as a dashed line.
    Rows with a true ``partial`` column (data not complete) get a hollow grey ring."""
    data = values.assign(period=pd.to_datetime(values["period"]).dt.strftime("%Y-%m-%d"))
    fmt = axis_format(value_format)
    tooltip: list[Any] = [alt.Tooltip("period:T", title="period")]
    if by:
        tooltip.append(alt.Tooltip(f"{by}:N"))
    tooltip.append(alt.Tooltip("value:Q", format=fmt))
    encoding: dict[str, Any] = {
        "x": alt.X("period:T", title=None),
        "y": alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        "tooltip": tooltip,
    }
    if by:
        encoding["color"] = alt.Color(f"{by}:N", title=by)
    line = alt.Chart(data).mark_line(point=len(data) <= 60).encode(**encoding)
    layers: list[Any] = []
    if "partial" in data and data["partial"].astype(bool).any():
        # periods whose data is not complete: a hollow grey ring, "partial" in the tooltip
        layers.append(
            alt.Chart(data[data["partial"].astype(bool)])
            .mark_point(shape="circle", size=90, filled=False, color="#6e7781", strokeWidth=2)
            .encode(
                x="period:T",
                y="value:Q",
                tooltip=[*tooltip, alt.Tooltip("partial:N", title="partial")],
            )
        )
    if band is not None and not band.empty:
        zone = band.assign(period=pd.to_datetime(band["period"]).dt.strftime("%Y-%m-%d"))
        base = alt.Chart(zone)
        layers.append(
            base.mark_area(color=STATUS_COLOURS["at risk"], opacity=0.15).encode(
                x="period:T",
                y=alt.Y("off_track_from:Q"),
                y2=alt.Y2("on_track_from:Q"),
                tooltip=[
                    alt.Tooltip("period:T", title="period"),
                    alt.Tooltip("on_track_from:Q", title="on track from", format=fmt),
                    alt.Tooltip("off_track_from:Q", title="off track beyond", format=fmt),
                ],
            )
        )
        layers.append(
            base.mark_line(color=STATUS_COLOURS["on track"], strokeDash=[4, 3]).encode(
                x="period:T",
                y="target:Q",
                tooltip=[alt.Tooltip("target:Q", format=fmt)],
            )
        )
    chart = alt.layer(*layers, line) if layers else line
    return chart.properties(width="container", height=280).to_dict(validate=validate)


def monitor_chart_spec(
    values: pd.Series,
    *,
    title: str,
    value_format: str = "number",
    anomalies: Sequence[tuple[date, float, str]] = (),
    segments: Sequence[tuple[date, date, float]] = (),
    validate: bool = False,
) -> dict[str, Any]:
    """The watched series (daily or weekly) with its anomalies as red points (``period,
    value, kind``) and the level of each segment between shifts as a step line (``start,
    end, mean``) — what the monitor found, drawn where it found it."""
    fmt = axis_format(value_format)
    data = pd.DataFrame(
        {
            "period": pd.DatetimeIndex(values.index).strftime("%Y-%m-%d"),
            "value": values.to_numpy(dtype=float),
        }
    )
    line = (
        alt.Chart(data)
        .mark_line(color="#57606a", strokeWidth=1)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("period:T", title="period"), alt.Tooltip("value:Q", format=fmt)],
        )
    )
    layers: list[Any] = [line]
    if segments:
        levels = pd.DataFrame(
            [
                {"start": start.isoformat(), "end": end.isoformat(), "level": level}
                for start, end, level in segments
            ]
        )
        layers.append(
            alt.Chart(levels)
            .mark_rule(color="#0969da", strokeWidth=2)
            .encode(
                x="start:T",
                x2="end:T",
                y="level:Q",
                tooltip=[
                    alt.Tooltip("start:T", title="from"),
                    alt.Tooltip("end:T", title="to"),
                    alt.Tooltip("level:Q", title="level", format=fmt),
                ],
            )
        )
    if anomalies:
        marks = pd.DataFrame(
            [
                {"period": day.isoformat(), "value": value, "kind": kind}
                for day, value, kind in anomalies
            ]
        )
        layers.append(
            alt.Chart(marks)
            .mark_point(color=STATUS_COLOURS["off track"], filled=True, size=60)
            .encode(
                x="period:T",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("period:T", title="anomaly"),
                    alt.Tooltip("kind:N"),
                    alt.Tooltip("value:Q", format=fmt),
                ],
            )
        )
    return alt.layer(*layers).properties(width="container", height=200).to_dict(validate=validate)


def interval_chart_spec(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    *,
    title: str,
    value_format: str = "number",
    validate: bool = False,
) -> dict[str, Any]:
    """An estimate per period (``period, value, low, high``) as a line with its interval as
    a shaded band — NPS with its 95% interval on the customer-voice page. Periods are
    labels (``2026-10``, ``2026-Q3``) drawn in the order given."""
    fmt = axis_format(value_format)
    data = pd.DataFrame(rows, columns=["period", "value", "low", "high"])
    order = data["period"].tolist()
    x = alt.X("period:O", title=None, sort=order, axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    tooltip = [
        alt.Tooltip("period:N", title="period"),
        alt.Tooltip("value:Q", format=fmt),
        alt.Tooltip("low:Q", title="interval from", format=fmt),
        alt.Tooltip("high:Q", title="interval to", format=fmt),
    ]
    base = alt.Chart(data)
    band = base.mark_area(color="#0969da", opacity=0.15).encode(
        x=x, y=alt.Y("low:Q", title=title, axis=alt.Axis(format=fmt)), y2="high:Q"
    )
    line = base.mark_line(color="#0969da", point=True).encode(
        x=x, y=alt.Y("value:Q", title=title), tooltip=tooltip
    )
    return (
        alt.layer(band, line).properties(width="container", height=240).to_dict(validate=validate)
    )


def sentiment_chart_spec(
    rows: Sequence[tuple[str, float | None, int]],
    *,
    validate: bool = False,
) -> dict[str, Any]:
    """The sentiment index (−100 … 100) per period (``period, index, texts``) as a line
    over a zero rule, on a fixed scale so that months can be compared at a glance."""
    data = pd.DataFrame(rows, columns=["period", "sentiment_index", "texts"])
    order = data["period"].tolist()
    x = alt.X("period:O", title=None, sort=order, axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    line = (
        alt.Chart(data)
        .mark_line(color="#8250df", point=True)
        .encode(
            x=x,
            y=alt.Y(
                "sentiment_index:Q", title="sentiment index", scale=alt.Scale(domain=[-100, 100])
            ),
            tooltip=[
                alt.Tooltip("period:N", title="period"),
                alt.Tooltip("sentiment_index:Q", title="sentiment index", format=".0f"),
                alt.Tooltip("texts:Q", title="texts"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#8c959f").encode(y="zero:Q")
    return (
        alt.layer(zero, line).properties(width="container", height=200).to_dict(validate=validate)
    )


def impact_chart_spec(
    rows: Sequence[tuple[date, float | None, float | None]],
    *,
    title: str,
    value_format: str = "number",
    effective_from: date | None = None,
    validate: bool = False,
) -> dict[str, Any]:
    """A proposal's impact: the KPI per period under the definition in force (``now``) and
    the proposed one (``proposed``), from rows ``period, before, after``; a vertical rule
    marks the effective date when it falls inside the window."""
    fmt = axis_format(value_format)
    long = pd.DataFrame(
        [
            {"period": day.isoformat(), "definition": side, "value": value}
            for day, before, after in rows
            for side, value in (("now", before), ("proposed", after))
            if value is not None
        ],
        columns=["period", "definition", "value"],
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "definition:N",
                scale=alt.Scale(domain=["now", "proposed"], range=["#57606a", "#0969da"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "definition:N",
                scale=alt.Scale(domain=["now", "proposed"], range=[[4, 3], [1, 0]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("period:T", title="period"),
                alt.Tooltip("definition:N"),
                alt.Tooltip("value:Q", format=fmt),
            ],
        )
    )
    layers: list[Any] = [lines]
    periods = [day for day, _, _ in rows]
    if effective_from is not None and periods and min(periods) <= effective_from <= max(periods):
        marker = pd.DataFrame({"effective": [effective_from.isoformat()]})
        layers.append(
            alt.Chart(marker)
            .mark_rule(color="#bf8700", strokeDash=[2, 2])
            .encode(x="effective:T", tooltip=[alt.Tooltip("effective:T", title="effective from")])
        )
    return alt.layer(*layers).properties(width="container", height=260).to_dict(validate=validate)
