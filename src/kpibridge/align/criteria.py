"""Criteria analysis: how much each criterion weighs, and how each candidate scores on them.

**Each participant's weights.** Pairwise comparisons give AHP weights
(:func:`~kpibridge.align.ahp.ahp_weights`); otherwise direct weights are normalised to sum 1
(a criterion left out gets 0). Someone who gave both is weighed by the comparisons, and the
result says so. Comparisons that do not connect every criterion give no individual weights,
but still count in the group judgments below.

**Group weights, in two steps.**

1. Everyone's comparisons are pooled pair by pair by the weighted geometric mean of those
   who judged the pair (AIJ, Forman and Peniwati 1998), and the pooled matrix gives one
   group AHP vector with its own consistency ratio. AIJ rather than averaging individual
   vectors because it keeps the judgments reciprocal and lets incomplete individual
   matrices complete each other.
2. That vector, counted with the combined weight of the participants who compared, is
   averaged (weighted arithmetic mean) with the direct weight vectors of the others. For
   consistent judges the AIJ vector *is* the geometric mean of their priorities, so each
   comparing participant effectively weighs as much as one direct participant. The
   arithmetic mean is used for the mix (aggregation of individual priorities, which Forman
   and Peniwati allow to be arithmetic) because a geometric mean would let one direct weight
   of 0 veto a criterion for the whole group.

With no weights at all every criterion weighs the same.

**Candidate scores.** ``score = Σ_c w_c (mean_c − 1) / 4`` in [0, 1], with ``mean_c`` the
mean 1–5 score on criterion ``c`` (weighted by the participant weights). A criterion nobody
scored for that candidate is left out and the other weights are scaled up to sum 1; a
candidate nobody scored gets ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from kpibridge.align.ahp import AhpResult, Judgment, ahp_weights, combine_judgments
from kpibridge.errors import DisconnectedComparisonsError, closest_names
from kpibridge.model.rounds import Ballot

SCORE_RANGE = (1, 5)


@dataclass(frozen=True)
class ParticipantWeights:
    """One participant's criteria weights.

    Attributes:
        participant: Who.
        method: ``ahp`` (from comparisons) or ``direct``.
        weights: criterion → weight summing to 1; None when their comparisons do not
            connect every criterion.
        ahp: The AHP result when ``method`` is ``ahp`` and the comparisons are connected.
        note: A plain sentence when something needs saying ("" otherwise).
    """

    participant: str
    method: Literal["ahp", "direct"]
    weights: dict[str, float] | None
    ahp: AhpResult | None
    note: str = ""

    @property
    def consistent(self) -> bool:
        """False only for AHP judgments with a consistency ratio above 0.10."""
        return self.ahp is None or self.ahp.consistent

    def to_json(self) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "method": self.method,
            "weights": dict(self.weights) if self.weights is not None else None,
            "ahp": self.ahp.to_json() if self.ahp else None,
            "consistent": self.consistent,
            "note": self.note,
        }


@dataclass(frozen=True)
class CandidateScore:
    """One candidate's multi-criteria score.

    Attributes:
        candidate: Its id.
        score: ``Σ_c w_c (mean_c − 1) / 4`` in [0, 1]; None when nobody scored it.
        scored_by: How many participants scored it on at least one criterion.
        criterion_means: criterion → mean 1–5 score, None where nobody scored it.
    """

    candidate: str
    score: float | None
    scored_by: int
    criterion_means: dict[str, float | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "score": self.score,
            "scored_by": self.scored_by,
            "criterion_means": dict(self.criterion_means),
        }


@dataclass(frozen=True)
class CriteriaAnalysis:
    """Criteria weights (each participant's and the group's) and the candidates' scores.

    Attributes:
        criteria: The criteria of the round.
        weights: The group weights, summing to 1.
        group_ahp: AHP result of the pooled comparisons (None when nobody compared, or the
            pooled comparisons do not connect every criterion).
        participants: Each participant who weighed the criteria, in ballot order.
        inconsistent: Those whose comparisons have a consistency ratio above 0.10.
        candidates: Each candidate's score, in the order given.
        method: How the group weights were formed, in a sentence.
        notes: Other plain sentences worth reporting.
    """

    criteria: tuple[str, ...]
    weights: dict[str, float]
    group_ahp: AhpResult | None
    participants: tuple[ParticipantWeights, ...]
    inconsistent: tuple[ParticipantWeights, ...]
    candidates: tuple[CandidateScore, ...]
    method: str
    notes: tuple[str, ...] = ()

    def ranked(self) -> list[CandidateScore]:
        """Scored candidates, best first (unscored last, in their order)."""
        return sorted(self.candidates, key=lambda c: -c.score if c.score is not None else 1)

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        return {
            "criteria": list(self.criteria),
            "weights": dict(self.weights),
            "group_ahp": self.group_ahp.to_json() if self.group_ahp else None,
            "participants": [p.to_json() for p in self.participants],
            "inconsistent": [
                {"participant": p.participant, "explanation": p.ahp.explanation if p.ahp else ""}
                for p in self.inconsistent
            ],
            "candidates": [c.to_json() for c in self.candidates],
            "method": self.method,
            "notes": list(self.notes),
        }


def _hint(name: str, known: Sequence[str]) -> str:
    close = closest_names(name, known)
    return f" Did you mean {close[0]!r}?" if close else ""


def _direct_weights(ballot: Ballot, criteria: Sequence[str]) -> tuple[dict[str, float], str]:
    given = ballot.criteria_weights or {}
    for criterion, value in given.items():
        if criterion not in criteria:
            raise ValueError(
                f"participant {ballot.participant!r} weighs {criterion!r}, which is not a "
                f"criterion of this round.{_hint(criterion, criteria)}"
            )
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"participant {ballot.participant!r} gives criterion {criterion!r} the weight "
                f"{value}; weights must be ≥ 0"
            )
    total = sum(given.values())
    if total <= 0:
        raise ValueError(
            f"participant {ballot.participant!r} gives every criterion weight 0; give at "
            "least one a positive weight"
        )
    left_out = [c for c in criteria if c not in given]
    note = (
        f"{ballot.participant} gave no weight to {', '.join(left_out)}; counted as 0."
        if left_out
        else ""
    )
    return {c: given.get(c, 0.0) / total for c in criteria}, note


def _comparisons(ballot: Ballot) -> list[Judgment]:
    return [(c.a, c.b, c.value) for c in ballot.comparisons]


def _participant_weights(ballot: Ballot, criteria: Sequence[str]) -> ParticipantWeights:
    who = ballot.participant
    if not ballot.comparisons:
        weights, note = _direct_weights(ballot, criteria)
        return ParticipantWeights(who, "direct", weights, None, note)
    both = (
        f"{who} gave both direct weights and comparisons; the comparisons were used."
        if ballot.criteria_weights
        else ""
    )
    try:
        result = ahp_weights(criteria, _comparisons(ballot))
    except DisconnectedComparisonsError as error:
        note = (
            f"{who}: no weights of their own, {error}. Their judgments still count for the group."
        )
        return ParticipantWeights(who, "ahp", None, None, " ".join(filter(None, [both, note])))
    except ValueError as error:
        raise ValueError(f"participant {who!r}: {error}") from error
    note = "" if result.consistent else f"{who}: {result.explanation}"
    return ParticipantWeights(
        who, "ahp", result.weights, result, " ".join(filter(None, [both, note]))
    )


def _score_table(
    ballots: Sequence[Ballot], candidates: Sequence[str], criteria: Sequence[str]
) -> np.ndarray:
    """participants × candidates × criteria scores, NaN where none was given."""
    table = np.full((len(ballots), len(candidates), len(criteria)), np.nan)
    candidate_index = {c: i for i, c in enumerate(candidates)}
    criterion_index = {c: i for i, c in enumerate(criteria)}
    low, high = SCORE_RANGE
    for row, ballot in enumerate(ballots):
        who = ballot.participant
        for candidate, scores in ballot.scores.items():
            if candidate not in candidate_index:
                raise ValueError(
                    f"participant {who!r} scores {candidate!r}, which is not a candidate of "
                    f"this round.{_hint(candidate, candidates)}"
                )
            for criterion, value in scores.items():
                if criterion not in criterion_index:
                    raise ValueError(
                        f"participant {who!r} scores candidate {candidate!r} on {criterion!r}, "
                        f"which is not a criterion of this round.{_hint(criterion, criteria)}"
                    )
                if isinstance(value, bool) or not low <= value <= high:
                    raise ValueError(
                        f"participant {who!r} scores candidate {candidate!r} {value!r} on "
                        f"criterion {criterion!r}; scores go from {low} to {high}"
                    )
                table[row, candidate_index[candidate], criterion_index[criterion]] = value
    return table


def _group_weights(
    criteria: Sequence[str],
    ballots: Sequence[Ballot],
    people: Sequence[ParticipantWeights],
    share: Mapping[str, float],
) -> tuple[dict[str, float], AhpResult | None, str, list[str]]:
    notes: list[str] = []
    comparing = [b for b in ballots if b.comparisons]
    group_ahp: AhpResult | None = None
    if comparing:
        pooled = combine_judgments(
            [_comparisons(b) for b in comparing], [share[b.participant] for b in comparing]
        )
        try:
            group_ahp = ahp_weights(criteria, pooled)
        except DisconnectedComparisonsError as error:
            notes.append(f"The pooled comparisons give no group weights: {error}.")
    vectors: list[np.ndarray] = []
    shares: list[float] = []
    if group_ahp is not None:
        vectors.append(np.array([group_ahp.weights[c] for c in criteria]))
        shares.append(sum(share[b.participant] for b in comparing))
    for person in people:
        if person.method == "direct" and person.weights is not None:
            vectors.append(np.array([person.weights[c] for c in criteria]))
            shares.append(share[person.participant])
    direct = sum(1 for p in people if p.method == "direct")
    if not vectors or sum(shares) <= 0:
        equal = {c: 1 / len(criteria) for c in criteria}
        return (
            equal,
            group_ahp,
            "Nobody weighed the criteria: every criterion weighs the same.",
            notes,
        )
    mixed = np.average(np.vstack(vectors), axis=0, weights=np.asarray(shares))
    mixed = mixed / mixed.sum()
    parts = []
    if group_ahp is not None:
        parts.append(
            f"the comparisons of {len(comparing)} participant(s), pooled by geometric mean "
            "(AIJ) into one AHP weight vector"
        )
    if direct:
        parts.append(f"the direct weights of {direct} participant(s)")
    method = (
        "Group weights from "
        + " averaged with ".join(parts)
        + ", each counted with the participants' weight."
    )
    return {c: float(w) for c, w in zip(criteria, mixed, strict=True)}, group_ahp, method, notes


def criteria_analysis(
    criteria: Sequence[str],
    ballots: Sequence[Ballot],
    candidates: Sequence[str],
    participant_weights: Mapping[str, float] | None = None,
) -> CriteriaAnalysis:
    """Criteria weights and multi-criteria scores of the candidates (module docstring).

    Args:
        criteria: The round's criteria.
        ballots: The ballots; only scores, direct weights and comparisons are read.
        candidates: The round's candidates.
        participant_weights: Weight of each participant (missing: 1), applied to their
            judgments, their weight vector and their scores.

    Raises:
        ValueError: naming the participant, candidate and criterion for a score outside 1–5,
            an unknown candidate or criterion, or a bad comparison or direct weight.
    """
    names = tuple(criteria)
    if not names:
        raise ValueError("the round has no criteria")
    given = dict(participant_weights or {})
    for who, weight in given.items():
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"participant {who!r} has weight {weight}; weights must be ≥ 0")
    share = {b.participant: float(given.get(b.participant, 1.0)) for b in ballots}
    people = tuple(
        _participant_weights(b, names) for b in ballots if b.comparisons or b.criteria_weights
    )
    weights, group_ahp, method, notes = _group_weights(names, ballots, people, share)
    notes = [*(p.note for p in people if p.note), *notes]
    table = _score_table(ballots, tuple(candidates), names)
    given_mask = ~np.isnan(table)
    voter_share = np.array([share[b.participant] for b in ballots])[:, None, None]
    mass = (given_mask * voter_share).sum(axis=0)
    sums = (np.nan_to_num(table) * voter_share).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(mass > 0, sums / np.where(mass > 0, mass, 1), np.nan)
    vector = np.array([weights[c] for c in names])
    scored_by = given_mask.any(axis=2).sum(axis=0)
    results = []
    for index, candidate in enumerate(candidates):
        row = means[index]
        known = ~np.isnan(row)
        weight_known = float(vector[known].sum())
        score = None
        if known.any() and weight_known > 0:
            score = float(np.sum(vector[known] * (row[known] - 1) / 4) / weight_known)
        results.append(
            CandidateScore(
                candidate=candidate,
                score=score,
                scored_by=int(scored_by[index]),
                criterion_means={
                    c: (None if np.isnan(m) else float(m)) for c, m in zip(names, row, strict=True)
                },
            )
        )
    return CriteriaAnalysis(
        criteria=names,
        weights=weights,
        group_ahp=group_ahp,
        participants=people,
        inconsistent=tuple(p for p in people if not p.consistent),
        candidates=tuple(results),
        method=method,
        notes=tuple(notes),
    )
