"""The review pack as one self-contained HTML document, and as PDF.

The charts are Vega-Lite specs (:mod:`kpibridge.report.charts`,
:mod:`kpibridge.report.review_charts`) turned into SVG offline and inlined; the styles are
inline too, so the file has no external reference and prints the same anywhere. The same
document is the web app's ``/review`` page and what ``kpibridge report`` writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from kpibridge.errors import KpibridgeError
from kpibridge.model import Direction
from kpibridge.report.charts import STATUS_COLOURS, kpi_chart_spec, monitor_chart_spec
from kpibridge.report.formatting import format_change, format_difference, format_value
from kpibridge.report.pdf import html_to_pdf
from kpibridge.report.review_charts import (
    contributions_spec,
    status_counts_spec,
    theme_shares_spec,
)
from kpibridge.report.svg import vega_lite_to_svg
from kpibridge.services.metrics.kpi_detail import targets_band
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.reviews.review_pack import SECTIONS, KpiAnomalies, OffTrack, ReviewPack

REVIEW_SUFFIXES = (".html", ".htm", ".pdf", ".json")
TEMPLATES = Path(__file__).resolve().parents[2] / "report" / "templates"
MONITOR_STEPS = 120
"""Steps of the watched series drawn around anomalies (four months of days)."""


def render_review_html(ws: Workspace, pack: ReviewPack, *, home: str | None = None) -> str:
    """The pack as HTML with every chart inlined as SVG; ``home`` (the web app's scorecard
    URL) adds a link back to it."""
    template = _environment().get_template("review.html")
    return template.render(
        pack=pack,
        home=home,
        sections=SECTIONS,
        headings=dict(SECTIONS),
        charts=_charts(ws, pack),
        status_colours=STATUS_COLOURS,
        theme_labels={t.id: t.label for t in pack.voice.themes} if pack.voice else {},
    )


def write_review(ws: Workspace, pack: ReviewPack, out: Path) -> None:
    """Write the pack to ``out``: HTML for ``.html``/``.htm``, PDF (headless Chromium) for
    ``.pdf``, the JSON twin for ``.json``."""
    suffix = out.suffix.lower()
    if suffix not in REVIEW_SUFFIXES:
        raise KpibridgeError(f"--out {out}: write a .html, .pdf or .json file")
    if suffix == ".json":
        out.write_text(json.dumps(pack.to_json(), indent=2, allow_nan=False), encoding="utf-8")
        return
    html = render_review_html(ws, pack)
    if suffix == ".pdf":
        html_to_pdf(html, out)
    else:
        out.write_text(html, encoding="utf-8")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = format_value
    env.filters["change"] = format_change
    env.filters["difference"] = format_difference
    env.filters["status_class"] = lambda status: "status-" + str(status).replace(" ", "-")
    env.filters["percent"] = lambda share: "—" if share is None else f"{share * 100:.0f}%"
    env.filters["code"] = inline_code
    return env


def inline_code(text: str) -> Markup:
    """Escaped text whose ```command``` spans become ``<code>`` (the reasons name commands).

    >>> str(inline_code("run `kpibridge voice score` <now>"))
    'run <code>kpibridge voice score</code> &lt;now&gt;'
    """
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _svg(spec: dict[str, Any]) -> Markup:
    """vl-convert's SVG (its text is escaped by the renderer), safe to inline."""
    return Markup(vega_lite_to_svg(spec))


def _charts(ws: Workspace, pack: ReviewPack) -> dict[str, Markup]:
    charts = {"status": _svg(status_counts_spec(pack.counts()))}
    for item in pack.off_track:
        charts[f"history:{item.row.kpi}"] = _svg(_history_spec(ws, item))
        if item.drivers is not None and item.drivers.result.segments:
            charts[f"drivers:{item.row.kpi}"] = _svg(
                contributions_spec(
                    [(s.segment, s.contribution) for s in item.drivers.result.segments],
                    title=f"contribution to the change, by {item.drivers.dimension}",
                    value_format=item.row.format,
                    higher_is_better=item.row.direction is Direction.HIGHER_IS_BETTER,
                )
            )
    for found in pack.anomalies:
        charts[f"anomalies:{found.row.kpi}"] = _svg(_monitor_spec(found))
    if pack.voice is not None and pack.voice.themes:
        charts["themes"] = _svg(
            theme_shares_spec([(t.label, t.share, t.sentiment) for t in pack.voice.themes])
        )
    return charts


def _history_spec(ws: Workspace, item: OffTrack) -> dict[str, Any]:
    row = item.row
    values = pd.DataFrame(
        {"period": [p for p, _ in row.history], "value": [v for _, v in row.history]}
    )
    band = targets_band(row.direction, row.history_targets)  # each period's target in force
    spec = kpi_chart_spec(values, title=row.name, value_format=row.format, band=band)
    spec["height"] = 180
    return spec


def _monitor_spec(found: KpiAnomalies) -> dict[str, Any]:
    values = found.watched.values
    assert values is not None  # anomalies come from a watched series
    recent = values.iloc[-MONITOR_STEPS:]
    start = recent.index[0]
    return monitor_chart_spec(
        recent,
        title=found.row.name,
        value_format=found.row.format,
        anomalies=[
            (a.period.date(), a.value, a.kind)
            for a in (found.watched.anomalies.anomalies if found.watched.anomalies else ())
            if a.period >= start
        ],
    )
