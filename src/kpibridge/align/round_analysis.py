"""What the analysis of a round holds: participation, agreement, opinion groups, the methods'
rankings and the recommendation, as plain data the summary, the reports and the JSON read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kpibridge.align.agreement import KendallW
from kpibridge.align.common_ground import CommonGround
from kpibridge.align.consensus import (
    MethodComparison,
    Sensitivity,
)
from kpibridge.align.contested import ContestedCandidate
from kpibridge.align.criteria import CriteriaAnalysis
from kpibridge.align.departments import RoleDisagreement, RoleView
from kpibridge.align.dissent import Dissent
from kpibridge.align.inputs import CandidateInfo
from kpibridge.align.profile import ConsensusResult
from kpibridge.align.quorum import Standing
from kpibridge.align.repness import GroupDescription
from kpibridge.align.selection import Recommendation


@dataclass(frozen=True)
class Participation:
    participants: tuple[str, ...]
    """Stakeholders invited to rank, score and weigh."""
    audience: int
    rankers: tuple[str, ...]
    scorers: tuple[str, ...]
    reactors: int
    missing: tuple[str, ...]
    """Participants who sent no ballot."""

    def to_json(self) -> dict[str, Any]:
        return {
            "participants": list(self.participants),
            "audience": self.audience,
            "rankers": list(self.rankers),
            "scorers": list(self.scorers),
            "reactors": self.reactors,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class Agreement:
    kendall_w: KendallW
    to_consensus: dict[str, float]
    """Each ranker's normalised Kendall distance to the consensus order (0 = identical)."""
    between: np.ndarray
    """Rankers × rankers normalised Kendall distances, in the order of ``Participation.rankers``."""

    def to_json(self) -> dict[str, Any]:
        return {
            "kendall_w": self.kendall_w.to_json(),
            "to_consensus": dict(self.to_consensus),
            "between": np.round(self.between, 6).tolist(),
        }


@dataclass(frozen=True)
class Groups:
    """Opinion groups from one kind of input (rankings or reactions)."""

    source: str
    """``rankings`` or ``reactions``."""
    participants: tuple[str, ...]
    labels: tuple[int, ...]
    coords: np.ndarray
    k: int
    descriptions: tuple[GroupDescription, ...]
    roles_alignment: Mapping[str, Any]
    notes: tuple[str, ...]
    common_ground: CommonGround
    separation: Mapping[str, Any] | None = None
    """Reactions only: how clearly the groups are apart (``Separation.to_json()``); None for
    rankings, whose groups are kept only when they beat the null (one group otherwise)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "k": self.k,
            "participants": [
                {"id": p, "group": int(g), "x": float(x), "y": float(y)}
                for p, g, (x, y) in zip(
                    self.participants, self.labels, self.coords.tolist(), strict=True
                )
            ],
            "groups": [d.to_json() for d in self.descriptions],
            "roles_alignment": dict(self.roles_alignment),
            "notes": list(self.notes),
            "common_ground": self.common_ground.to_json(),
            "separation": None if self.separation is None else dict(self.separation),
        }


@dataclass(frozen=True)
class RoundAnalysis:
    round_id: str
    question: str
    select: int
    candidates: tuple[CandidateInfo, ...]
    participation: Participation
    consensus: dict[str, ConsensusResult]
    unweighted: dict[str, ConsensusResult] | None
    comparison: MethodComparison
    reasons: tuple[str, ...]
    sensitivity: Sensitivity | None
    agreement: Agreement | None
    contested: tuple[ContestedCandidate, ...]
    groups: tuple[Groups, ...]
    departments: tuple[RoleView, ...]
    role_disagreements: tuple[RoleDisagreement, ...]
    criteria: CriteriaAnalysis
    recommendation: Recommendation
    dissent: tuple[Dissent, ...]
    standing: Standing
    """Whether the ballots are enough to decide (none, below quorum, quorate)."""
    notes: tuple[str, ...] = ()
    summary: tuple[str, ...] = field(default=())
    """The one-minute summary: about five short lines."""
    details: tuple[str, ...] = field(default=())
    """Everything else the summary used to say, below it under its own heading."""

    @property
    def names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.candidates}

    @property
    def order(self) -> tuple[str, ...]:
        """The consensus order (Kemeny-Young)."""
        return self.consensus["kemeny"].order

    def to_json(self) -> dict[str, Any]:
        """Everything, JSON-compatible (the CLI's ``--format json`` and the web API)."""
        return {
            "round": self.round_id,
            "question": self.question,
            "select": self.select,
            "standing": self.standing.to_json(),
            "summary": list(self.summary),
            "summary_details": list(self.details),
            "candidates": [
                {
                    "id": c.id,
                    "name": c.name,
                    "goal": c.goal,
                    "qualitative": c.qualitative,
                    "proposed_by": c.proposed_by,
                    "rationale": c.rationale,
                }
                for c in self.candidates
            ],
            "participation": self.participation.to_json(),
            # without ballots the methods' order is only the listing order: no consensus
            "consensus": (
                {m: r.to_json() for m, r in self.consensus.items()} if self.standing.decides else {}
            ),
            "unweighted": (
                {m: r.to_json() for m, r in self.unweighted.items()} if self.unweighted else None
            ),
            "methods": self.comparison.to_json(),
            "reasons": list(self.reasons),
            "sensitivity": self.sensitivity.to_json() if self.sensitivity else None,
            "agreement": self.agreement.to_json() if self.agreement else None,
            "contested": [c.to_json() for c in self.contested],
            "groups": [g.to_json() for g in self.groups],
            "departments": [
                {
                    "role": v.role,
                    "participants": list(v.participants),
                    "priorities": list(v.priorities),
                    "support": dict(v.support),
                }
                for v in self.departments
            ],
            "role_disagreements": [
                {"candidate": d.candidate, "spread": d.spread, "most": d.most, "least": d.least}
                for d in self.role_disagreements
            ],
            "criteria": self.criteria.to_json(),
            "recommendation": {
                "selected": list(self.recommendation.selected),
                "scores": dict(self.recommendation.scores),
                "unconstrained": list(self.recommendation.unconstrained),
                "reasons": list(self.recommendation.reasons),
            },
            "dissent": [
                {
                    "participant": d.participant,
                    "wanted": list(d.wanted),
                    "kept": list(d.kept),
                    "left_out": list(d.left_out),
                    "distance": d.distance,
                    "rationale_left_out": dict(d.rationale_left_out),
                    "objections": dict(d.objections),
                    "sentence": d.sentence(self.names),
                }
                for d in self.dissent
            ],
            "notes": list(self.notes),
        }
