"""Evidence on workspace KPIs: their series from the metric engine, into the lead-lag engine.

A KPI can be narrowed to one value of a dimension (``spend`` where ``channel`` is
``display``) — how a dispute is usually phrased ("does display spend drive sales?").

On a governed workspace (:func:`governed_workspace`) each KPI's series is computed with its
current definition for every period, and the screen's candidates leave out retired KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from kpibridge.errors import KpibridgeError
from kpibridge.evidence.inputs import infer_frequency, series_from_frame
from kpibridge.evidence.leadlag import lead_lag, screen
from kpibridge.evidence.result import LeadLagResult, ScreenResult
from kpibridge.metrics.plan import PlanBuilder
from kpibridge.model import Grain, Nature
from kpibridge.services.metrics.workspace import Workspace


@dataclass(frozen=True)
class Slice:
    """One value of one dimension: ``channel=display``."""

    dimension: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Slice:
        dimension, sep, value = text.partition("=")
        if not sep or not dimension or not value:
            raise KpibridgeError(f"--where {text!r}: write DIMENSION=VALUE, e.g. channel=display")
        return cls(dimension.strip(), value.strip())


def kpi_series(ws: Workspace, kpi: str, grain: Grain, where: Slice | None = None) -> pd.Series:
    """The KPI's value per period (of one dimension value when ``where`` is given)."""
    if where is None:
        frame = ws.compute(kpi, grain=grain)
        label = ws.kpis[kpi].name
    else:
        frame = ws.compute(kpi, grain=grain, by=[where.dimension])
        values = sorted(frame[where.dimension].dropna().astype(str).unique())
        if where.value not in values:
            raise KpibridgeError(
                f"{where.dimension} has no value {where.value!r} in {kpi}; it has: "
                f"{', '.join(values)}"
            )
        frame = frame[frame[where.dimension].astype(str) == where.value]
        label = f"{ws.kpis[kpi].name} ({where.dimension} = {where.value})"
    return series_from_frame(frame).rename(label)


def kpi_evidence(
    ws: Workspace,
    driver: str,
    outcome: str,
    *,
    grain: Grain = Grain.WEEK,
    max_lag: int = 8,
    where: Slice | None = None,
) -> LeadLagResult:
    """Does ``driver`` lead ``outcome``, at what lag, how strongly?"""
    return lead_lag(
        kpi_series(ws, driver, grain, where), kpi_series(ws, outcome, grain), max_lag=max_lag
    )


QUALITATIVE_REASON = (
    "qualitative (a survey or opinion measure; the screen takes quantitative KPIs only); "
    "test it alone: kpibridge evidence {kpi} --outcome {outcome}"
)


def screen_drivers(
    ws: Workspace, outcome: str, *, grain: Grain = Grain.WEEK, max_lag: int = 8
) -> ScreenResult:
    """Every other quantitative KPI of the workspace as a candidate driver of ``outcome``,
    with the false discovery rate controlled across all of them and all lags.

    Qualitative KPIs (survey scores such as NPS) are left out, each with a note naming the
    command that tests it alone. KPIs computed from any of the outcome's own measures
    (revenue growth, average order value for revenue) are left out: they move with the
    outcome by construction, so "leading" it would be an artefact of the definition, not
    evidence.
    """
    builder = PlanBuilder(ws.models, ws.kpis)
    own = set(builder.measures_of(outcome))
    candidates = {}
    left_out = []
    for kpi_id, kpi in ws.live_kpis.items():  # not the KPIs the app store retired
        if kpi_id == outcome:
            continue
        if kpi.nature is not Nature.QUANTITATIVE:
            left_out.append((kpi_id, QUALITATIVE_REASON.format(kpi=kpi_id, outcome=outcome)))
            continue
        if own & set(builder.measures_of(kpi_id)):
            left_out.append((kpi_id, f"built from {outcome}'s own measures"))
            continue
        series = kpi_series(ws, kpi_id, grain).dropna()
        problem = _unusable(series, grain)
        if problem:
            left_out.append((kpi_id, problem))
        else:
            candidates[kpi_id] = series.rename(kpi_id)
    found = screen(kpi_series(ws, outcome, grain).rename(outcome), candidates, max_lag=max_lag)
    return replace(found, left_out=tuple(left_out))


def _unusable(series: pd.Series, grain: Grain) -> str | None:
    """Why a candidate cannot be screened (None when it can): a screen is one family, so one
    unusable series must be set aside with its reason, not fail the whole call."""
    if series.nunique() <= 2:
        return "(nearly) constant: no variation to lead with"
    if len(series) > 2 and infer_frequency(pd.DatetimeIndex(series.index)) is None:
        return f"{grain.value}s without a value between its first and last"
    return None
