"""What the side-by-side page of competing proposals and its API twin share: a KPI's open
proposals, each with the impact preview its own page shows (``cached_impact``: computed once
per proposal revision and data version, for both pages), the versions in force, and the
rows, chart and JSON built from them.

The numbers are the impact preview's (``services/impact.py``) and nothing else: the "now"
column is a preview's ``before`` side — of a proposal made against the versions in force
(``against_current``) when there is one — and each proposal's column is its ``after`` side.
A proposal made against an earlier version is flagged: its own "now" is not today's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpibridge.errors import GovernanceError, UnknownNameError
from kpibridge.model.governance import ProposalStatus
from kpibridge.report.comparison_chart import comparison_chart_spec
from kpibridge.services.governance.impact import Comparison, ImpactPreview, ImpactRow
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.governance.proposals import list_proposals, show_proposal
from kpibridge.services.governance.versions import VersionEntry, version_history
from kpibridge.store import Store
from kpibridge.web.proposal_access import cached_impact, governance
from kpibridge.workspace.kpi_yaml import join_targets


@dataclass(frozen=True)
class CurrentVersion:
    """The KPI's latest definition and target versions in the app store."""

    definition: VersionEntry | None
    targets: VersionEntry | None

    @property
    def content(self) -> dict[str, Any] | None:
        """The KPI's YAML as in force (targets joined), None when retired or never applied;
        built as the proposals service builds a proposal's ``before``, so the two compare."""
        if self.definition is None or self.definition.retired:
            return None
        targets = list(self.targets.content) if self.targets is not None else []
        return join_targets(dict(self.definition.content), targets)

    def to_json(self) -> dict[str, object]:
        return {
            "definition": self.definition.to_json() if self.definition else None,
            "targets": self.targets.to_json() if self.targets else None,
            "content": self.content,
        }


@dataclass(frozen=True)
class Competitor:
    """One open proposal with its impact preview (or why there is none)."""

    view: ProposalView
    preview: ImpactPreview | None
    impact_reason: str | None
    against_current: bool
    """Whether it was made against the versions in force now (else its "now" is older)."""

    @property
    def label(self) -> str:
        return f"#{self.view.id} by {self.view.author}"

    @property
    def same_values(self) -> bool:
        """Whether every period's value is the one of now (a change of targets, owner …
        only): its line lies on the "now" line, and only statuses can differ."""
        return self.preview is not None and all(
            row.before is not None
            and row.after is not None
            and math.isclose(row.before, row.after, rel_tol=1e-12, abs_tol=0.0)
            for row in self.preview.rows
        )

    def to_json(self) -> dict[str, object]:
        return {
            **self.view.to_json(),
            "label": self.label,
            "against_current": self.against_current,
            "same_values": self.same_values,
            "impact": self.preview.to_json() if self.preview is not None else None,
            "impact_error": self.impact_reason,
        }


@dataclass(frozen=True)
class PeriodRow:
    """One period across the comparison: the value now and under each proposal (None where
    a proposal has no preview or no value for the period)."""

    period: date
    label: str
    now: ImpactRow | None
    proposals: tuple[ImpactRow | None, ...]

    def to_json(self, competitors: tuple[Competitor, ...]) -> dict[str, object]:
        return {
            "period": self.period.isoformat(),
            "label": self.label,
            "now": None
            if self.now is None
            else {
                "value": self.now.before,
                "target": self.now.target_before,
                "status": self.now.status_before.value,
            },
            "proposals": [
                {"id": competitor.view.id}
                | (
                    {"value": None, "target": None, "status": None, "flipped": None}
                    if row is None
                    else {
                        "value": row.after,
                        "difference": row.difference,
                        "reported": row.reported,
                        "target": row.target_after,
                        "status": row.status_after.value,
                        "status_now": row.status_before.value,
                        "flipped": row.flipped,
                    }
                )
                for competitor, row in zip(competitors, self.proposals, strict=True)
            ],
        }


@dataclass(frozen=True)
class ProposalComparison:
    kpi_id: str
    kpi_name: str
    value_format: str
    unit: str | None
    current: CurrentVersion
    competitors: tuple[Competitor, ...]
    comparison: Comparison
    """The services' comparison of the proposals that have a preview."""

    @property
    def reference(self) -> Competitor | None:
        """The proposal whose preview gives the "now" column: the first made against the
        versions in force, else the first with a preview."""
        with_preview = [c for c in self.competitors if c.preview is not None]
        current = [c for c in with_preview if c.against_current]
        chosen = current or with_preview
        return chosen[0] if chosen else None

    @property
    def in_open_round(self) -> list[tuple[int, str]]:
        """(proposal, round) for every proposal already in an open round."""
        return [
            (c.view.id, link.round)
            for c in self.competitors
            for link in c.view.rounds
            if link.round_status == "open"
        ]

    def rows(self) -> list[PeriodRow]:
        reference = self.reference
        rows = []
        for period in self.comparison.periods:
            now = _row_of(reference, period)
            cells = tuple(_row_of(c, period) for c in self.competitors)
            labelled = now or next((cell for cell in cells if cell is not None), None)
            label = labelled.label if labelled is not None else period.isoformat()
            rows.append(PeriodRow(period, label, now, cells))
        return rows

    def chart(self) -> dict[str, Any] | None:
        """One chart: now (grey, dashed) and each proposal, in the colour
        ``PROPOSAL_COLOURS[i]`` of its place ``i`` among ``competitors``."""
        reference = self.reference
        if reference is None or reference.preview is None or not self.comparison.periods:
            return None
        now = [(row.period, row.before) for row in reference.preview.rows]
        return comparison_chart_spec(
            ("now", now) if any(value is not None for _, value in now) else None,
            # every proposal keeps its place (and so its colour) even without a preview
            [
                (c.label, [(row.period, row.after) for row in c.preview.rows] if c.preview else [])
                for c in self.competitors
            ],
            title=self.kpi_name,
            value_format=self.value_format,
            effective=[(c.label, c.view.effective_from) for c in self.competitors if c.preview],
        )

    def to_json(self) -> dict[str, object]:
        reference = self.reference
        return {
            "kpi": self.kpi_id,
            "name": self.kpi_name,
            "current": self.current.to_json(),
            "now_from": reference.view.id if reference is not None else None,
            "proposals": [c.to_json() for c in self.competitors],
            "periods": [row.to_json(self.competitors) for row in self.rows()],
            "in_open_round": [
                {"proposal": number, "round": name} for number, name in self.in_open_round
            ],
        }


def _row_of(competitor: Competitor | None, period: date) -> ImpactRow | None:
    if competitor is None or competitor.preview is None:
        return None
    return next((row for row in competitor.preview.rows if row.period == period), None)


def compare_open_proposals(store: Store, live: LiveWorkspace, kpi_id: str) -> ProposalComparison:
    """The KPI's open proposals side by side. An unknown KPI (not in the workspace and no
    proposal ever made for it) is ``UnknownNameError`` (404 on the web); fewer than two open
    proposals is ``GovernanceError`` (400) saying how many there are."""
    ws = live.workspace
    known = list_proposals(store, kpi=kpi_id)
    if kpi_id not in ws.kpis and not known:
        raise UnknownNameError("KPI", kpi_id, list(ws.kpis))
    numbers = [int(str(p["id"])) for p in known if p["status"] == ProposalStatus.OPEN.value]
    if len(numbers) < 2:
        listed = f" (#{numbers[0]})" if numbers else ""
        raise GovernanceError(
            f"KPI {kpi_id!r} has {len(numbers)} open proposal(s){listed}: a side-by-side "
            "comparison needs at least two competing ones"
        )
    settings = governance(live)
    views = [show_proposal(store, n, ws.definition, settings) for n in sorted(numbers)]
    current = _current(store, kpi_id)
    in_force = current.content
    competitors = []
    for view in views:
        preview, reason = cached_impact(live, view)
        competitors.append(Competitor(view, preview, reason, view.before == in_force))
    with_preview = [c for c in competitors if c.preview is not None]
    content = _content(views, in_force)
    return ProposalComparison(
        kpi_id=kpi_id,
        kpi_name=str(content.get("name", kpi_id)),
        value_format=str(content.get("format", "number")),
        unit=content.get("unit"),
        current=current,
        competitors=tuple(competitors),
        comparison=Comparison(
            kpi_id,
            tuple(c.view for c in with_preview),
            tuple(c.preview for c in with_preview if c.preview is not None),
        ),
    )


def _current(store: Store, kpi_id: str) -> CurrentVersion:
    try:
        entries = version_history(store, kpi_id)
    except UnknownNameError:  # a KPI of the YAML never applied: nothing in force in the store
        return CurrentVersion(None, None)
    definitions = [e for e in entries if e.part == "definition"]
    targets = [e for e in entries if e.part == "targets"]
    return CurrentVersion(
        max(definitions, key=lambda e: e.version) if definitions else None,
        max(targets, key=lambda e: e.version) if targets else None,
    )


def _content(views: list[ProposalView], in_force: dict[str, Any] | None) -> dict[str, Any]:
    """The KPI's YAML for its name, format and unit: in force, else the first proposal's."""
    if in_force is not None:
        return in_force
    return next((v.after or v.before for v in views if v.after or v.before), None) or {}
