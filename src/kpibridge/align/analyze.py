"""``analyze(round)``: every view of an alignment round in one result.

The steps, and why they run in this order:

1. **Who said what.** Rankings of the participants make the preference profile (weighted
   when any stakeholder has a weight). Reactions — the audience's, and any participant's —
   make the agree/disagree/pass matrix. A round with reactions only ranks candidates by
   turning each reaction ballot into three tiers (agree ≻ pass or unseen ≻ disagree).
2. **Consensus** by Kemeny-Young and the other methods side by side, with the reasons
   (pairwise margins), where the methods disagree on the top k, and how little would have
   to change for the selected set to change.
3. **Agreement and contested KPIs**: how much the rankings agree overall and where they do
   not.
4. **Opinion groups** from rankings (the participants) and from reactions (everyone who
   reacted), what sets each group apart, how groups line up with departments, and the
   **common ground** every group supports.
5. **Criteria**: AHP weights and the candidates' multi-criteria scores.
6. **Recommended set**: consensus and criteria combined, under the round's constraints.
7. **Dissent** and the one-minute **summary**, both about the recommended set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kpibridge.align.agreement import KendallW, distances_to, kendall_w, pairwise_distances
from kpibridge.align.common_ground import CommonGround, common_ground
from kpibridge.align.consensus import (
    MethodComparison,
    Sensitivity,
    compare_methods,
    consensus,
    pairwise_reasons,
    sensitivity,
)
from kpibridge.align.contested import ContestedCandidate, contested
from kpibridge.align.criteria import CriteriaAnalysis, criteria_analysis
from kpibridge.align.departments import RoleDisagreement, RoleView, by_department
from kpibridge.align.dissent import Dissent, dissent
from kpibridge.align.groups import OpinionGroups, RolesAlignment, opinion_groups, roles_alignment
from kpibridge.align.inputs import CandidateInfo, RoundInput
from kpibridge.align.positions import top_half_support
from kpibridge.align.profile import ConsensusResult, Profile, Ranking
from kpibridge.align.reactions import ReactionClusters, cluster_reactions, reaction_matrix
from kpibridge.align.repness import GroupDescription, representative
from kpibridge.align.selection import Recommendation, SelectionCandidate, recommend
from kpibridge.align.summary import summarize
from kpibridge.align.support import support_matrix
from kpibridge.model.rounds import Ballot

MIN_RANKERS_FOR_GROUPS = 4
"""Fewer people than this cannot form two groups worth describing."""
MIN_REACTORS_FOR_GROUPS = 8


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
    notes: tuple[str, ...] = ()
    summary: tuple[str, ...] = field(default=())

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
            "summary": list(self.summary),
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
            "consensus": {m: r.to_json() for m, r in self.consensus.items()},
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


def analyze(round_: RoundInput) -> RoundAnalysis:
    """Analyse a round: consensus, agreement, groups, criteria, recommendation, dissent."""
    ids = round_.candidate_ids
    names = round_.names
    people = {p.id: p for p in round_.participants}
    roles = {p.id: p.role for p in round_.participants}
    notes: list[str] = []
    k = min(round_.select, len(ids))

    rankers = [b for b in round_.ballots if b.ranking]
    reactors = [b for b in round_.ballots if b.reactions]
    profile = _profile(ids, rankers, people)
    if not rankers and reactors:
        profile = _profile_from_reactions(ids, reactors)
        notes.append(
            "No one ranked the candidates: the consensus ranks them from the reactions "
            "(agree above pass or unseen above disagree)."
        )
    if profile.weighted:
        weighted = ", ".join(
            f"{v} ×{w:g}" for v, w in zip(profile.voters, profile.weights, strict=True) if w != 1
        )
        notes.append(f"Stakeholder weights apply ({weighted}); the unweighted result is beside.")

    results = consensus(profile)
    unweighted = consensus(profile.unweighted()) if profile.weighted else None
    primary = results["kemeny"]
    comparison = compare_methods(list(results.values()), k, names)
    reasons = tuple(pairwise_reasons(profile, primary.order, names))
    sensitive = (
        sensitivity(profile, k, names=names) if len(profile.rankings) and k < len(ids) else None
    )

    agreement = None
    if len(profile.rankings) >= 2:
        agreement = Agreement(
            kendall_w=kendall_w(profile),
            to_consensus=distances_to(profile, primary.order),
            between=pairwise_distances(profile),
        )

    groups: list[Groups] = []
    support = support_matrix(ids, [b.ranking for b in rankers])
    if len(rankers) >= MIN_RANKERS_FOR_GROUPS:
        groups.append(_ranking_groups(profile, roles, names, round_.seed))
    elif rankers:
        notes.append(
            f"Only {len(rankers)} participants ranked: too few to look for opinion groups."
        )
    if len(reactors) >= MIN_REACTORS_FOR_GROUPS:
        groups.append(_reaction_groups(reactors, ids, roles, names, round_.seed))

    views, disagreements = (
        by_department(support, [b.participant for b in rankers], ids, roles)
        if rankers
        else ([], [])
    )

    criteria = criteria_analysis(
        round_.criteria,
        round_.ballots,
        ids,
        {p.id: p.weight for p in round_.participants if p.weight is not None},
    )
    recommendation = recommend(
        _selection_candidates(round_.candidates, primary.order, criteria),
        k,
        round_.near_duplicates,
    )
    dissenters = dissent(
        {b.participant: b.ranking for b in rankers},
        {b.participant: b.rationale for b in round_.ballots if b.rationale},
        recommendation.selected,
    )
    analysis = RoundAnalysis(
        round_id=round_.id,
        question=round_.question,
        select=k,
        candidates=round_.candidates,
        participation=Participation(
            participants=tuple(p.id for p in round_.participants if not p.audience),
            audience=sum(p.audience for p in round_.participants),
            rankers=tuple(b.participant for b in rankers),
            scorers=tuple(b.participant for b in round_.ballots if b.scores),
            reactors=len(reactors),
            missing=tuple(
                p.id
                for p in round_.participants
                if not p.audience and p.id not in {b.participant for b in round_.ballots}
            ),
        ),
        consensus=results,
        unweighted=unweighted,
        comparison=comparison,
        reasons=reasons,
        sensitivity=sensitive,
        agreement=agreement,
        contested=tuple(contested(profile, names)),
        groups=tuple(groups),
        departments=tuple(views),
        role_disagreements=tuple(disagreements),
        criteria=criteria,
        recommendation=recommendation,
        dissent=tuple(dissenters),
        notes=tuple(notes),
    )
    return replace(analysis, summary=tuple(summarize(analysis)))


def _profile(ids: tuple[str, ...], ballots: Sequence[Ballot], people: Mapping[str, Any]) -> Profile:
    weights = tuple(
        float(people[b.participant].weight or 1.0) if b.participant in people else 1.0
        for b in ballots
    )
    return Profile(
        ids,
        tuple(b.ranking for b in ballots),
        weights,
        tuple(b.participant for b in ballots),
    )


def _profile_from_reactions(ids: tuple[str, ...], ballots: Sequence[Ballot]) -> Profile:
    rankings: list[Ranking] = []
    for ballot in ballots:
        agree = tuple(c for c in ids if ballot.reactions.get(c) == "agree")
        neutral = tuple(c for c in ids if ballot.reactions.get(c) in (None, "pass"))
        disagree = tuple(c for c in ids if ballot.reactions.get(c) == "disagree")
        rankings.append(tuple(t for t in (agree, neutral, disagree) if t))
    return Profile(ids, tuple(rankings), (), tuple(b.participant for b in ballots))


def _ranking_groups(
    profile: Profile,
    roles: Mapping[str, str],
    names: Mapping[str, str],
    seed: int,
) -> Groups:
    found: OpinionGroups = opinion_groups(profile, roles=roles, seed=seed)
    ground = common_ground(
        top_half_support(profile.levels), found.labels, profile.candidates, names
    )
    return Groups(
        source="rankings",
        participants=profile.voters,
        labels=tuple(int(x) for x in found.labels),
        coords=np.asarray(found.coords),
        k=found.k,
        descriptions=found.descriptions,
        roles_alignment=_alignment_json(found.roles_alignment),
        notes=found.notes,
        common_ground=ground,
    )


def _reaction_groups(
    ballots: Sequence[Ballot],
    ids: tuple[str, ...],
    roles: Mapping[str, str],
    names: Mapping[str, str],
    seed: int,
) -> Groups:
    matrix, participants = reaction_matrix(ballots, ids)
    found: ReactionClusters = cluster_reactions(matrix, seed=seed)
    grouped = found.labels >= 0  # participants who only passed have no place on the map
    members = tuple(p for p, keep in zip(participants, grouped, strict=True) if keep)
    labels = found.labels[grouped]
    votes = matrix[grouped].astype(float)
    descriptions = representative(
        votes, labels, ids, members, kind="reactions", candidate_names=names, seed=seed
    )
    # support = agree; pass and disagree are not support; unseen says nothing
    supports = np.where(np.isnan(votes), np.nan, (votes > 0).astype(float))
    ground = common_ground(supports, labels, ids, names)
    return Groups(
        source="reactions",
        participants=members,
        labels=tuple(int(x) for x in labels),
        coords=np.asarray(found.coords)[grouped],
        k=found.k,
        descriptions=tuple(descriptions),
        roles_alignment=_alignment_json(roles_alignment(members, labels, roles)),
        notes=found.notes,
        common_ground=ground,
    )


def _alignment_json(alignment: RolesAlignment | None) -> dict[str, Any]:
    if alignment is None:
        return {}
    return {
        "roles": list(alignment.roles),
        "table": [list(row) for row in alignment.table],
        "adjusted_rand": (
            None if np.isnan(alignment.adjusted_rand) else round(alignment.adjusted_rand, 4)
        ),
        "sentence": " ".join(alignment.sentences),
    }


def _selection_candidates(
    candidates: Sequence[CandidateInfo], order: Sequence[str], criteria: CriteriaAnalysis
) -> list[SelectionCandidate]:
    scores = {c.candidate: c.score for c in criteria.candidates}
    position = {c: i for i, c in enumerate(order)}
    last = max(len(order) - 1, 1)
    by_consensus = sorted(candidates, key=lambda c: position[c.id])
    return [
        SelectionCandidate(
            id=c.id,
            name=c.name,
            goal=c.goal,
            qualitative=c.qualitative,
            consensus=1 - position[c.id] / last,
            criteria=scores.get(c.id),
        )
        for c in by_consensus
    ]
