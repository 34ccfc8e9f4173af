"""The review pack: everything a KPI review meeting reads, gathered as plain data.

Each section comes from the service that owns its figures — the pack only chooses and
groups, so that it says exactly what ``scorecard``, ``monitor``, ``drivers``, ``evidence``,
``voice themes``, ``proposals list`` and ``round results`` say:

* **scorecard** — every KPI's status, grouped by goal (:func:`scorecard_by_goal`);
* **off track** — the rows whose status is off track, each with the drivers of its last change
  (:func:`last_change_drivers`) and the monitor's forecast of its period (:func:`watch`);
* **anomalies** — what the monitor flagged from the start of each KPI's last complete review
  period on;
* **evidence** — for each KPI the last alignment round found contested, the lead-lag screen
  of every other KPI against it (:func:`screen_drivers`): what leads it, and what it leads;
* **voice** — customer-voice themes and emerging themes (:func:`themes_report`);
* **wins** — KPIs at or beyond their target, marked when the period before missed it;
* **proposals** — open change proposals (:func:`list_proposals`);
* **round** — the last alignment round's recommended set and dissent (:func:`analyze_round`).

A section without data (no round, no scored voice, no app store) is not an error: the pack
carries the reason in :attr:`ReviewPack.missing`, and renderers print it in the section.

Every section reads the workspace as governed by the app store's KPI versions in effect on
the day (:func:`governed_workspace`): the scorecard period by period, the drivers, monitor
and evidence with each KPI's current definition, retired KPIs left out.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from kpibridge.align.contested import ContestedCandidate
from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.errors import KpibridgeError, UnknownNameError
from kpibridge.evidence.monitor.anomalies import Anomaly
from kpibridge.evidence.monitor.forecast import ForecastResult
from kpibridge.evidence.result import LeadLagResult
from kpibridge.metrics.grains import add_periods, period_label
from kpibridge.model import Nature
from kpibridge.model.governance import ProposalStatus
from kpibridge.model.status import Status, shortfall
from kpibridge.services.governance.governed_workspace import governed_workspace
from kpibridge.services.governance.proposals import list_proposals
from kpibridge.services.metrics.scorecard import ScorecardRow
from kpibridge.services.metrics.scorecard_view import (
    ScorecardFilter,
    ScorecardView,
    scorecard_by_goal,
)
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import KpiDrivers, kpi_drivers, last_change_drivers
from kpibridge.services.monitoring.evidence import screen_drivers
from kpibridge.services.monitoring.monitor import KpiWatch, watch
from kpibridge.services.rounds.workspace_rounds import analyze_round, list_rounds
from kpibridge.services.voice.reports import ThemesReport, themes_report
from kpibridge.store import Store

logger = logging.getLogger(__name__)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("scorecard", "Scorecard"),
    ("off_track", "Off track: drivers and forecast"),
    ("anomalies", "Anomalies of the last period"),
    ("evidence", "Evidence on contested KPIs"),
    ("voice", "Customer voice"),
    ("wins", "Wins"),
    ("proposals", "Open proposals"),
    ("round", "Last alignment round"),
)
"""Section keys and headings, in the order the pack prints them."""

MAX_CONTESTED_SCREENS = 5
"""Contested KPIs screened for evidence at most (each screen computes every KPI's series)."""

OPEN_STATUSES = (ProposalStatus.OPEN, ProposalStatus.CHANGES_REQUESTED)


@dataclass(frozen=True)
class OffTrack:
    """An off-track KPI with why it moved and where its period is heading."""

    row: ScorecardRow
    drivers: KpiDrivers | None
    drivers_reason: str | None
    """Why there is no split (a derived KPI, no dimension …) when ``drivers`` is None."""
    forecast: ForecastResult | None
    forecast_reason: str | None


@dataclass(frozen=True)
class KpiAnomalies:
    """The anomalies the monitor flagged in one KPI's last period (strongest first)."""

    row: ScorecardRow
    since: date
    anomalies: tuple[Anomaly, ...]
    watched: KpiWatch = field(repr=False, compare=False)
    """The monitor's result (its series draws the chart)."""


@dataclass(frozen=True)
class ContestedEvidence:
    """A KPI the round was split on, and what the data says about it."""

    candidate: ContestedCandidate
    leads_it: tuple[LeadLagResult, ...]
    """KPIs found to lead it (direction "driver leads" or "feedback")."""
    it_leads: tuple[LeadLagResult, ...]
    """KPIs it is found to lead (direction "outcome leads" or "feedback")."""
    tested: int
    """Candidate KPIs screened against it."""
    reason: str | None = None
    """Why it was not screened (a proposal, qualitative, the screen failed)."""


@dataclass(frozen=True)
class Win:
    """A KPI at or beyond its target in its last period."""

    row: ScorecardRow
    newly: bool
    """The period before had a value that missed its own target (or had no target): newly hit."""


@dataclass(frozen=True)
class RoundResult:
    name: str
    analysis: RoundAnalysis

    @property
    def selected(self) -> tuple[str, ...]:
        return self.analysis.recommendation.selected

    @property
    def dissent(self) -> list[str]:
        """One sentence per participant who lost part of their top choices."""
        names = self.analysis.names
        return [d.sentence(names) for d in self.analysis.dissent if d.left_out]


@dataclass(frozen=True)
class ReviewPack:
    workspace: str
    as_of: date | None
    generated_at: datetime
    scorecard: ScorecardView
    off_track: tuple[OffTrack, ...]
    anomalies: tuple[KpiAnomalies, ...]
    evidence: tuple[ContestedEvidence, ...]
    voice: ThemesReport | None
    wins: tuple[Win, ...]
    proposals: tuple[dict[str, object], ...]
    round: RoundResult | None
    missing: dict[str, str] = field(default_factory=dict)
    """Section key → why the section has no data."""
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[ScorecardRow, ...]:
        return tuple(row for group in self.scorecard.groups for row in group.rows)

    def counts(self) -> dict[str, int]:
        """KPIs per status, in the order of :class:`Status`."""
        rows = self.rows
        return {s.value: sum(1 for r in rows if r.status is s) for s in Status}

    def to_json(self) -> dict[str, Any]:
        """The pack as JSON-ready data (``kpibridge report --out review.json``): each section
        in the JSON form of the service it comes from."""
        round_result = self.round
        return {
            "workspace": self.workspace,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "generated_at": self.generated_at.isoformat(),
            "counts": self.counts(),
            "scorecard": self.scorecard.as_record(),
            "off_track": [
                {
                    **item.row.as_record(),
                    "drivers": item.drivers.to_dict() if item.drivers else None,
                    "drivers_reason": item.drivers_reason,
                    "forecast": item.forecast.to_dict() if item.forecast else None,
                    "forecast_reason": item.forecast_reason,
                }
                for item in self.off_track
            ],
            "anomalies": [
                {
                    "kpi": found.row.kpi,
                    "since": found.since.isoformat(),
                    "anomalies": [anomaly.to_dict() for anomaly in found.anomalies],
                }
                for found in self.anomalies
            ],
            "evidence": [
                {
                    **item.candidate.to_json(),
                    "tested": item.tested,
                    "leads_it": [_lead(r) for r in item.leads_it],
                    "it_leads": [_lead(r) for r in item.it_leads],
                    "reason": item.reason,
                }
                for item in self.evidence
            ],
            "voice": self.voice.to_json() if self.voice else None,
            "wins": [{**win.row.as_record(), "newly": win.newly} for win in self.wins],
            "proposals": list(self.proposals),
            "round": (
                {
                    "name": round_result.name,
                    "question": round_result.analysis.question,
                    "standing": round_result.analysis.standing.to_json(),
                    "summary": list(round_result.analysis.summary),
                    "selected": list(round_result.selected),
                    "reasons": list(round_result.analysis.recommendation.reasons),
                    "dissent": round_result.dissent,
                }
                if round_result
                else None
            ),
            "missing": dict(self.missing),
            "notes": list(self.notes),
        }


def _lead(result: LeadLagResult) -> dict[str, Any]:
    """The headline of a lead-lag result (the full one is ``kpibridge evidence``'s)."""
    return {
        "driver": result.driver,
        "outcome": result.outcome,
        "direction": result.direction,
        "best_lag": result.best_lag,
        "lead_lag": result.lead_lag,
        "correlation": _finite(result.correlation),
        "q_value": _finite(result.q_value),
        "verdict": result.verdict,
    }


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def build_review_pack(
    ws: Workspace,
    store: Store | None,
    *,
    as_of: date | None = None,
    round_name: str | None = None,
    now: datetime | None = None,
) -> ReviewPack:
    """Gather the pack. ``store`` None means the workspace has no app store (no proposals);
    ``round_name`` picks the round (default: the last, see :func:`last_round_name`)."""
    missing: dict[str, str] = {}
    notes: list[str] = []
    round_result = _round(ws, round_name, missing)  # first: an unknown name fails at once
    ws = governed_workspace(ws, store, as_of)  # every section: the KPI versions in force
    scorecard = ws.scorecard(as_of)
    view = scorecard_by_goal(scorecard, ws.goals, ScorecardFilter())
    watched = _watch(ws, missing, as_of)
    off_track = tuple(
        _off_track(ws, row, watched.get(row.kpi), as_of)
        for row in scorecard.rows
        if row.status is Status.OFF_TRACK
    )
    evidence = _evidence(ws, round_result, missing, notes)
    voice = _voice(ws, missing)
    proposals = _proposals(store, missing)
    return ReviewPack(
        workspace=ws.settings.name,
        as_of=as_of,
        generated_at=now or datetime.now().astimezone(),
        scorecard=view,
        off_track=off_track,
        anomalies=_anomalies(ws, scorecard.rows, watched),
        evidence=evidence,
        voice=voice,
        wins=_wins(ws, scorecard.rows),
        proposals=proposals,
        round=round_result,
        missing=missing,
        notes=tuple(notes),
    )


def refresh_proposals(pack: ReviewPack, store: Store | None) -> ReviewPack:
    """``pack`` with the open proposals read again: the web app keeps a pack until the data
    changes, but proposals change in the app store without touching the data."""
    missing = {key: reason for key, reason in pack.missing.items() if key != "proposals"}
    proposals = _proposals(store, missing)
    return replace(pack, proposals=proposals, missing=missing)


def last_round_name(ws: Workspace) -> str | None:
    """The round with ballots and no problems whose deadline is latest (rounds without a
    deadline count as earliest; ties go to the name last in order)."""
    usable = [r for r in list_rounds(ws) if r.problems == 0 and r.ballots > 0]
    if not usable:
        return None
    return max(usable, key=lambda r: (r.deadline or "", r.name)).name


def period_end(row: ScorecardRow) -> date | None:
    """The last day of the row's period."""
    if row.period is None:
        return None
    return add_periods(row.period, 1, row.grain) - timedelta(days=1)


def _watch(ws: Workspace, missing: dict[str, str], as_of: date | None) -> dict[str, KpiWatch]:
    try:
        return {item.kpi: item for item in watch(ws, as_of=as_of)}
    except KpibridgeError as error:
        missing["anomalies"] = f"the monitor could not run: {error}"
        return {}


def _off_track(
    ws: Workspace, row: ScorecardRow, watched: KpiWatch | None, as_of: date | None
) -> OffTrack:
    try:
        drivers, reason = _drivers(ws, row, as_of), None
    except KpibridgeError as error:
        drivers, reason = None, str(error)
    if watched is None:
        forecast, forecast_reason = None, "the monitor did not run"
    elif watched.forecast is None:
        forecast, forecast_reason = None, watched.reason or "no forecast"
    else:
        forecast, forecast_reason = watched.forecast, None
    return OffTrack(row, drivers, reason, forecast, forecast_reason)


def _drivers(ws: Workspace, row: ScorecardRow, as_of: date | None) -> KpiDrivers:
    """The service's last-change split; as of a date, the same split of that date's periods."""
    if as_of is None:
        return last_change_drivers(ws, row.kpi)
    if row.period is None:
        raise KpibridgeError(f"{row.kpi} has no complete period yet")
    dimensions = ws.engine.builder.shared_dimensions(row.kpi)
    if not dimensions:
        raise KpibridgeError(f"{row.kpi} has no dimension to split its change by")
    by = "channel" if "channel" in dimensions else dimensions[0]
    fiscal = ws.settings.fiscal_year_start
    previous = add_periods(row.period, -1, row.grain)
    return kpi_drivers(
        ws,
        row.kpi,
        period_label(previous, row.grain, fiscal),
        period_label(row.period, row.grain, fiscal),
        by,
    )


def _anomalies(
    ws: Workspace, rows: Sequence[ScorecardRow], watched: dict[str, KpiWatch]
) -> tuple[KpiAnomalies, ...]:
    found = []
    for row in rows:
        item = watched.get(row.kpi)
        end = period_end(row)
        if item is None or item.anomalies is None or row.period is None or end is None:
            continue
        start, stop = pd.Timestamp(row.period), pd.Timestamp(end)
        recent = tuple(a for a in item.anomalies.anomalies if start <= a.period <= stop)
        if recent:
            found.append(KpiAnomalies(row, row.period, recent, item))
    return tuple(found)


def _round(ws: Workspace, name: str | None, missing: dict[str, str]) -> RoundResult | None:
    chosen = name or last_round_name(ws)
    if chosen is None:
        missing["round"] = "no alignment round with ballots in rounds/"
        missing["evidence"] = "no alignment round, so no contested KPIs"
        return None
    try:
        return RoundResult(chosen, analyze_round(ws, chosen))
    except UnknownNameError:
        raise
    except KpibridgeError as error:
        missing["round"] = f"round {chosen} could not be analysed: {error}"
        missing["evidence"] = "the round could not be analysed, so no contested KPIs"
        return None


def _evidence(
    ws: Workspace, round_result: RoundResult | None, missing: dict[str, str], notes: list[str]
) -> tuple[ContestedEvidence, ...]:
    if round_result is None:
        return ()
    contested = [c for c in round_result.analysis.contested if c.contested]
    if not contested:
        missing["evidence"] = f"round {round_result.name} found no contested KPI"
        return ()
    if len(contested) > MAX_CONTESTED_SCREENS:
        notes.append(
            f"evidence for the {MAX_CONTESTED_SCREENS} most contested KPIs only "
            f"({len(contested)} are contested)"
        )
    found = []
    for candidate in contested:
        kpi = ws.kpis.get(candidate.candidate)
        if kpi is None:
            found.append(ContestedEvidence(candidate, (), (), 0, "a proposal, not a KPI yet"))
        elif kpi.nature is not Nature.QUANTITATIVE:
            found.append(ContestedEvidence(candidate, (), (), 0, "qualitative: no series"))
        elif len([f for f in found if f.reason is None]) >= MAX_CONTESTED_SCREENS:
            found.append(ContestedEvidence(candidate, (), (), 0, "not screened (limit)"))
        else:
            found.append(_screen(ws, candidate))
    return tuple(found)


def _screen(ws: Workspace, candidate: ContestedCandidate) -> ContestedEvidence:
    try:
        screened = screen_drivers(ws, candidate.candidate)
    except KpibridgeError as error:
        return ContestedEvidence(candidate, (), (), 0, f"the screen failed: {error}")
    leads_it = tuple(r for r in screened.results if r.direction in ("driver leads", "feedback"))
    it_leads = tuple(r for r in screened.results if r.direction in ("outcome leads", "feedback"))
    return ContestedEvidence(candidate, leads_it, it_leads, len(screened.results))


def _voice(ws: Workspace, missing: dict[str, str]) -> ThemesReport | None:
    try:
        return themes_report(ws)
    except KpibridgeError as error:
        missing["voice"] = str(error)
        return None


def _proposals(store: Store | None, missing: dict[str, str]) -> tuple[dict[str, object], ...]:
    if store is None:
        missing["proposals"] = "no app store yet (proposals live there: `kpibridge apply`)"
        return ()
    found = [p for status in OPEN_STATUSES for p in list_proposals(store, status=status)]
    return tuple(sorted(found, key=lambda p: -int(str(p["id"]))))


def _wins(ws: Workspace, rows: Sequence[ScorecardRow]) -> tuple[Win, ...]:
    """Rows whose value meets the target (shortfall ≤ 0 — stricter than "on track", which
    allows the target's ``at_risk`` tolerance); newly when the previous period missed its own
    target. Newly hit first."""
    wins = []
    for row in rows:
        if row.value is None or row.target is None or row.period is None:
            continue
        if shortfall(row.value, row.target, row.direction) > 0:
            continue
        before = row.previous_target  # the target in force then (a version may differ)
        newly = row.previous is not None and (
            before is None or shortfall(row.previous, before, row.direction) > 0
        )
        wins.append(Win(row, newly))
    return tuple(sorted(wins, key=lambda w: not w.newly))
