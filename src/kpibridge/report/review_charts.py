"""Charts of the review pack that no other page draws, as Vega-Lite specs (Altair): the
scorecard's status counts, the drivers of a change, and customer-voice theme shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from kpibridge.report.charts import STATUS_COLOURS, axis_format


def status_counts_spec(counts: Mapping[str, int], validate: bool = False) -> dict[str, Any]:
    """One bar per status (in the order given), coloured as everywhere else."""
    frame = pd.DataFrame({"status": list(counts), "kpis": list(counts.values())})
    order = list(counts)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("status:N", sort=order, title=None),
            x=alt.X("kpis:Q", title="KPIs", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in order]),
                legend=None,
            ),
        )
    )
    text = chart.mark_text(align="left", dx=4).encode(text="kpis:Q", color=alt.value("#1f2328"))
    return (
        alt.layer(chart, text)
        .properties(width=360, height=22 * len(order))
        .configure_view(stroke=None)
        .to_dict(validate=validate)
    )


def contributions_spec(
    segments: Sequence[tuple[str, float]],
    *,
    title: str,
    value_format: str = "number",
    higher_is_better: bool = True,
    validate: bool = False,
) -> dict[str, Any]:
    """Each segment's contribution to a change (``segment, contribution``), largest effect
    first; green where the segment moved the KPI the way its direction wants, red where it
    moved it the other way."""
    frame = pd.DataFrame(segments, columns=["segment", "contribution"])
    good = frame["contribution"] >= 0 if higher_is_better else frame["contribution"] <= 0
    frame = frame.assign(sign=good.map({True: "better", False: "worse"}))
    order = frame.reindex(frame["contribution"].abs().sort_values(ascending=False).index)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", sort=list(order["segment"]), title=None),
            x=alt.X("contribution:Q", title=title, axis=alt.Axis(format=axis_format(value_format))),
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(
                    domain=["better", "worse"],
                    range=[STATUS_COLOURS["on track"], STATUS_COLOURS["off track"]],
                ),
                legend=None,
            ),
        )
    )
    return (
        chart.properties(width=360, height=max(18 * len(frame), 40))
        .configure_view(stroke=None)
        .to_dict(validate=validate)
    )


def theme_shares_spec(
    themes: Sequence[tuple[str, float, float | None]], validate: bool = False
) -> dict[str, Any]:
    """Share of texts per theme (``label, share, sentiment``), coloured by mean sentiment
    (VADER compound, −1 … 1)."""
    frame = pd.DataFrame(themes, columns=["theme", "share", "sentiment"])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None),
            x=alt.X("share:Q", title="share of texts", axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "sentiment:Q",
                scale=alt.Scale(
                    domain=[-0.5, 0, 0.5],
                    range=["#cf222e", "#d0d7de", "#1a7f37"],
                    interpolate="rgb",
                    clamp=True,
                ),
                legend=alt.Legend(title="sentiment", orient="bottom"),
            ),
        )
    )
    return (
        chart.properties(width=360, height=max(18 * len(frame), 40))
        .configure_view(stroke=None)
        .to_dict(validate=validate)
    )
