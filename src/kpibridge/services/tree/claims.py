"""Every claimed edge of the KPI tree tested against the data, in words.

The claims are the ``drives:`` lists of the workspace's KPIs. All of them — and, when asked,
every unclaimed candidate driver of the claimed outcomes — are tested in *one*
Benjamini–Hochberg family (:func:`kpibridge.evidence.leadlag.edge_family`), so that a tree
with many edges does not manufacture support by testing each edge on its own.

A claimed edge is:

* **supported** when the driver leads the outcome (the lead-lag engine's direction is
  "driver leads" or "feedback"); with the lag of its smallest q at lags ≥ 1, the
  correlation there (strength) and that q;
* **moves together** when the only discovery is at lag 0: same period, neither leads —
  never reported as a lead;
* **not supported by the data so far** otherwise (including when the outcome moves first);
* **too little data** when the series are too short or constant to test.

Unclaimed candidates that the data finds leading are *suggestions*, never claims.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from kpibridge.errors import EvidenceInputError, KpibridgeError
from kpibridge.evidence.leadlag import edge_family
from kpibridge.evidence.result import LeadLagResult
from kpibridge.metrics.plan import PlanBuilder
from kpibridge.model import Grain, Nature
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.evidence import Slice, kpi_series

Status = Literal["supported", "moves together", "not supported", "too little data"]


@dataclass(frozen=True)
class EdgeTest:
    """One edge driver → outcome with the data's answer."""

    driver: str
    outcome: str
    where: str | None
    by: str | None
    why: str
    suggested: bool
    status: Status
    lag: int | None
    strength: float | None
    q: float | None
    unit: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.driver} ({self.where})" if self.where else self.driver


def claimed_edges(ws: Workspace) -> list[tuple[str, str, str | None, str | None, str]]:
    """(driver, outcome, where, by, why) of every live KPI's ``drives:`` claims."""
    live = ws.live_kpis
    return [
        (kpi_id, claim.kpi, claim.where, claim.by, claim.why)
        for kpi_id, kpi in live.items()
        for claim in kpi.drives
        if claim.kpi in live
    ]


def check_claims(
    ws: Workspace,
    *,
    outcomes: Collection[str] | None = None,
    grain: Grain = Grain.WEEK,
    max_lag: int = 8,
    alpha: float = 0.05,
    suggest: bool = False,
) -> list[EdgeTest]:
    """Test the claimed edges (into ``outcomes`` only, when given) and, with ``suggest``, every
    other quantitative KPI as a candidate driver of each claimed outcome."""
    claims = [c for c in claimed_edges(ws) if outcomes is None or c[1] in outcomes]
    targets = sorted({c[1] for c in claims})
    edges: list[tuple[str, str, str | None, str | None, str, bool]] = [(*c, False) for c in claims]
    if suggest:
        builder = PlanBuilder(ws.models, ws.kpis)
        claimed = {(c[0], c[1]) for c in claims if c[2] is None}
        for target in targets:
            own = set(builder.measures_of(target))
            for kpi_id, kpi in ws.live_kpis.items():
                if (
                    kpi_id == target
                    or kpi.nature is not Nature.QUANTITATIVE
                    or (kpi_id, target) in claimed
                    or own & set(builder.measures_of(kpi_id))
                ):
                    continue
                edges.append((kpi_id, target, None, None, "", True))
    if not edges:
        return []
    cache: dict[tuple[str, str | None], pd.Series | KpibridgeError] = {}

    def series(kpi_id: str, where: str | None) -> pd.Series | KpibridgeError:
        key = (kpi_id, where)
        if key not in cache:
            try:
                cut = Slice.parse(where) if where else None
                cache[key] = kpi_series(ws, kpi_id, grain, cut).dropna()
            except KpibridgeError as error:
                cache[key] = error
        return cache[key]

    pairs: list[tuple[pd.Series, pd.Series]] = []
    problems: dict[int, str] = {}
    for position, (driver, target, where, _, _, _) in enumerate(edges):
        left, right = series(driver, where), series(target, None)
        if isinstance(left, KpibridgeError) or isinstance(right, KpibridgeError):
            problems[position] = str(left if isinstance(left, KpibridgeError) else right)
            continue
        pairs.append(
            (left.rename(f"{driver} ({where})" if where else driver), right.rename(target))
        )
    answers = iter(edge_family(pairs, max_lag, alpha=alpha) if pairs else [])
    tested = []
    for position, (driver, target, where, by, why, suggested) in enumerate(edges):
        answer: LeadLagResult | EvidenceInputError | str = problems.get(position) or next(answers)
        found = _edge(driver, target, where, by, why, suggested, answer, alpha, grain)
        if not suggested or found.status == "supported":
            tested.append(found)
    return tested


def _edge(
    driver: str,
    outcome: str,
    where: str | None,
    by: str | None,
    why: str,
    suggested: bool,
    answer: LeadLagResult | EvidenceInputError | str,
    alpha: float,
    grain: Grain,
) -> EdgeTest:
    label = f"{driver} ({where})" if where else driver
    unit = grain.value
    base = EdgeTest(
        driver, outcome, where, by, why, suggested, "too little data", None, None, None, unit, ""
    )
    if not isinstance(answer, LeadLagResult):
        return replace(base, text=f"too little data to test {label} → {outcome}: {answer}")
    unit = answer.unit
    lags = list(answer.lags)
    first = lags.index(1)
    qs = [math.inf if math.isnan(q) else q for q in answer.q_values]
    lead_at = first + min(range(len(qs) - first), key=lambda i: qs[first + i])
    zero = lags.index(0)
    if answer.direction in ("driver leads", "feedback"):
        lag, strength, q = lags[lead_at], answer.correlations[lead_at], answer.q_values[lead_at]
        plural = "" if lag == 1 else "s"
        text = (
            f"supported: {label} leads {outcome} by {lag} {unit}{plural} "
            f"(r = {strength:.2f}, q = {q:.3g}"
            + ("; the two also feed back" if answer.direction == "feedback" else "")
            + ")"
        )
        status: Status = "supported"
    elif answer.q_values[zero] < alpha and answer.best_lag == 0:
        lag, strength, q = 0, answer.correlations[zero], answer.q_values[zero]
        text = (
            f"moves together: {label} and {outcome} move in the same {unit} "
            f"(r = {strength:.2f}, q = {q:.3g}), but neither leads the other"
        )
        status = "moves together"
    else:
        lag, strength, q = None, None, answer.driver_leads_q
        reason = f"; {outcome} moves first" if answer.direction == "outcome leads" else ""
        text = (
            f"not supported by the data so far: no lead of {label} on {outcome} survives the "
            f"false discovery control (smallest q = {q:.3g} at lags ≥ 1, n = {answer.n} "
            f"{unit}s){reason}"
        )
        status = "not supported"
    return replace(
        base,
        status=status,
        lag=lag,
        strength=strength,
        q=q,
        unit=unit,
        text=("suggestion, nobody claims it — " + text) if suggested else text,
    )
