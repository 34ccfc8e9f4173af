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

A round where no ballot ranks (or reacts) has no consensus and no recommended set: the
methods would only echo the order the candidates were listed in (see
:mod:`kpibridge.align.quorum`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from kpibridge.align.agreement import distances_to, kendall_w, pairwise_distances
from kpibridge.align.common_ground import common_ground
from kpibridge.align.consensus import (
    compare_methods,
    consensus,
    pairwise_reasons,
    sensitivity,
)
from kpibridge.align.contested import contested
from kpibridge.align.criteria import CriteriaAnalysis, criteria_analysis
from kpibridge.align.departments import by_department
from kpibridge.align.dissent import dissent
from kpibridge.align.groups import OpinionGroups, RolesAlignment, opinion_groups, roles_alignment
from kpibridge.align.inputs import CandidateInfo, RoundInput
from kpibridge.align.kemeny_ties import MAX_ALTERNATIVES, profile_ties
from kpibridge.align.positions import top_half_support
from kpibridge.align.profile import ConsensusResult, Profile, Ranking
from kpibridge.align.quorum import round_standing
from kpibridge.align.reactions import ReactionClusters, cluster_reactions, reaction_matrix
from kpibridge.align.repness import representative
from kpibridge.align.round_analysis import Agreement, Groups, Participation, RoundAnalysis
from kpibridge.align.selection import Recommendation, SelectionCandidate, recommend
from kpibridge.align.summary import summarize
from kpibridge.align.support import support_matrix
from kpibridge.model.rounds import Ballot

MIN_RANKERS_FOR_GROUPS = 4
"""Fewer people than this cannot form two groups worth describing."""
MIN_REACTORS_FOR_GROUPS = 8


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

    standing = round_standing(round_.ballots, round_.quorum)
    results = consensus(profile)
    unweighted = consensus(profile.unweighted()) if profile.weighted else None
    primary = results["kemeny"]
    comparison = compare_methods(list(results.values()), k, names)
    if standing.decides:
        notes.extend(_top_set_ties(profile, primary, k, names))
    else:
        comparison = replace(comparison, note="No ballots yet: no method has anything to rank.")
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
    recommendation = (
        recommend(
            _selection_candidates(round_.candidates, primary.order, criteria),
            k,
            round_.near_duplicates,
        )
        if standing.decides
        else Recommendation((), {}, (), ("No ballot ranks the candidates: nothing to recommend.",))
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
        standing=standing,
        notes=tuple(notes),
    )
    summary, details = summarize(analysis)
    return replace(analysis, summary=tuple(summary), details=tuple(details))


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
        separation=None if found.separation is None else found.separation.to_json(),
    )


def _top_set_ties(
    profile: Profile, primary: ConsensusResult, k: int, names: Mapping[str, str]
) -> list[str]:
    """Whether the Kemeny top k is the same in every optimal order (there may be several)."""
    if not primary.details.get("exact") or primary.details.get("optimal_orders") in (None, 1):
        return []
    sets = profile_ties(profile).top_sets(k)
    if sets is None or len(sets) <= 1:
        return [] if sets is None else [f"The Kemeny top {k} is the same in every optimal order."]
    shown = [
        "{" + ", ".join(names.get(c, c) for c in profile.candidates if c in s) + "}"
        for s in sets[:MAX_ALTERNATIVES]
    ]
    more = f" and {len(sets) - MAX_ALTERNATIVES} more" if len(sets) > MAX_ALTERNATIVES else ""
    return [
        f"The Kemeny top {k} is not unique: {len(sets)} sets come first in an optimal order "
        f"({'; '.join(shown)}{more})."
    ]


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
