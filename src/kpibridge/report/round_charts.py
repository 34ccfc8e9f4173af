"""The opinion groups map of an alignment round as a Vega-Lite spec (Altair).

Each point is a participant at the 2-D position the analysis gave it (``Groups.coords``: a
PCA of the ranking features, or the sparsity-scaled PCA of the reactions), coloured by group.
The axes have no units (only distances between points mean something), so they are hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

MAX_LABELLED = 20
"""Beyond this many points, names overlap: they show in the tooltip only."""


def opinion_map_spec(
    participants: Sequence[Mapping[str, Any]],
    roles: Mapping[str, str] | None = None,
    *,
    title: str = "",
    validate: bool = False,
) -> dict[str, Any]:
    """A scatter of ``participants`` (``{"id", "group", "x", "y"}`` as in
    ``Groups.to_json()["participants"]``), coloured by group, labelled by id.

    ``roles`` (id → department) adds the department to each point's tooltip. Up to
    :data:`MAX_LABELLED` points carry their name as a label.
    """
    roles = roles or {}
    frame = pd.DataFrame(
        {
            "participant": [str(p["id"]) for p in participants],
            "group": [f"Group {int(p['group']) + 1}" for p in participants],
            "department": [roles.get(str(p["id"]), "") for p in participants],
            "x": [float(p["x"]) for p in participants],
            "y": [float(p["y"]) for p in participants],
        }
    )
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False, padding=24)),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False, padding=24)),
    )
    points = base.mark_circle(size=140, opacity=0.85).encode(
        color=alt.Color("group:N", title="Opinion group", legend=alt.Legend(orient="bottom")),
        tooltip=["participant:N", "group:N", "department:N"],
    )
    layers: list[alt.Chart] = [points]
    if len(frame) <= MAX_LABELLED:
        layers.append(base.mark_text(align="left", dx=9, fontSize=11).encode(text="participant:N"))
    layered = (
        alt.layer(*layers)
        .properties(width=420, height=320, title=title)
        .configure_view(stroke=None)
    )
    return layered.to_dict(validate=validate)
