"""Charts of the marketing mix model as Vega-Lite specs (Altair): each channel's response
curve with its 90% band and the current weekly spend marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd


def response_curves_spec(
    curves: Mapping[str, Mapping[str, Sequence[float]]],
    current: Mapping[str, float],
    *,
    outcome: str = "revenue",
    validate: bool = False,
) -> dict[str, Any]:
    """One small chart per channel: weekly outcome against constant weekly spend (line = mean,
    band = 90% interval), a rule and point at the channel's current weekly spend."""
    rows = [
        {
            "channel": channel,
            "spend": s,
            "mean": m,
            "low": lo,
            "high": hi,
            "current": current[channel],
        }
        for channel, curve in curves.items()
        for s, m, lo, hi in zip(
            curve["spend"], curve["mean"], curve["low"], curve["high"], strict=True
        )
    ]
    frame = pd.DataFrame(rows)
    base = alt.Chart().encode(x=alt.X("spend:Q", title="weekly spend", axis=alt.Axis(format="~s")))
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("low:Q", title=f"weekly {outcome}", axis=alt.Axis(format="~s")), y2="high:Q"
    )
    line = base.mark_line().encode(y="mean:Q")
    rule = alt.Chart().mark_rule(strokeDash=[4, 3], color="#cf222e").encode(x="max(current):Q")
    return (
        alt.layer(band, line, rule, data=frame)
        .properties(width=220, height=150)
        .facet(facet=alt.Facet("channel:N", title=None), columns=3)
        .resolve_scale(y="independent", x="independent")
        .to_dict(validate=validate)
    )
