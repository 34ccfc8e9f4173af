"""Common ground: candidates that every opinion group supports (Pol.is group-informed
consensus).

For each candidate and each group g, the smoothed probability that a member of g supports it,
``P_g = (supporters + 1) / (answers + 2)`` (Laplace's rule, so a group of three that all agree
gives 0.8, not 1), and the consensus score is the product over groups (Small et al. 2021,
*Polis*, "group-informed consensus"). A product is high only when *every* group is behind the
candidate, however small the group: a majority cannot carry it alone. With one group it is the
plain smoothed support.

**Support.** For reactions, agree (pass and disagree are not support; unseen is no answer). For
rankings, the candidate is in the participant's top half: average rank position ≤ m / 2 (see
:func:`kpibridge.align.positions.top_half_support`).

A candidate is *common ground* when every group's ``P_g`` exceeds ``threshold`` (0.5 by
default: more of each group for it than not, after smoothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kpibridge.align.profile import join_names


@dataclass(frozen=True)
class CandidateConsensus:
    candidate: str
    score: float
    """Product over groups of P_g."""
    group_support: tuple[float, ...]
    """P_g per group, in group order."""
    every_group: bool


@dataclass(frozen=True)
class CommonGround:
    """Group-informed consensus of each candidate, best first.

    Attributes:
        scores: One :class:`CandidateConsensus` per candidate, highest score first (ties in
            candidate order).
        common: Candidates every group supports (P_g > threshold), in score order.
        groups: Number of groups.
        threshold: The per-group support a candidate must exceed.
        sentence: A plain summary.
    """

    scores: tuple[CandidateConsensus, ...]
    common: tuple[str, ...]
    groups: int
    threshold: float
    sentence: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        return {
            "scores": [{**vars(s), "group_support": list(s.group_support)} for s in self.scores],
            "common": list(self.common),
            "groups": self.groups,
            "threshold": self.threshold,
            "sentence": self.sentence,
        }


def common_ground(
    support: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    candidates: Sequence[str],
    names: Mapping[str, str] | None = None,
    threshold: float = 0.5,
) -> CommonGround:
    """Group-informed consensus of each candidate.

    Args:
        support: Participants × candidates: 1 supports, 0 does not, NaN no answer.
        labels: Group per participant, 0..k−1; −1 leaves a participant out.
        candidates: Candidate ids, one per column.
        names: Candidate display names for the sentence (ids by default).
        threshold: Each group's smoothed support must exceed this for common ground.
    """
    values = np.asarray(support, dtype=float)
    labels = np.asarray(labels, dtype=np.int64)
    if values.shape != (len(labels), len(candidates)):
        raise ValueError(
            f"support is {values.shape}; expected {len(labels)} participants × "
            f"{len(candidates)} candidates"
        )
    keep = labels >= 0
    values, labels = values[keep], labels[keep]
    groups = int(labels.max()) + 1 if len(labels) else 1
    onehot = np.zeros((groups, len(labels)))
    onehot[labels, np.arange(len(labels))] = 1.0
    supporters = onehot @ np.nan_to_num(values, nan=0.0)
    answers = onehot @ (~np.isnan(values)).astype(float)
    probability = (supporters + 1) / (answers + 2)  # groups × candidates
    score = probability.prod(axis=0)
    every = (probability > threshold).all(axis=0)
    order = np.lexsort((np.arange(len(candidates)), -score))
    rows = tuple(
        CandidateConsensus(
            candidates[c],
            float(score[c]),
            tuple(float(p) for p in probability[:, c]),
            bool(every[c]),
        )
        for c in order
    )
    common = tuple(r.candidate for r in rows if r.every_group)
    display = dict(names or {})
    shown = [display.get(c, c) for c in common]
    who = "every group" if groups > 1 else "the participants"
    if shown:
        sentence = (
            f"{join_names(shown)} {'has' if len(shown) == 1 else 'have'} the support of {who}."
        )
    else:
        sentence = f"No candidate has the support of {who} (each above {threshold:.0%})."
    return CommonGround(rows, common, groups, threshold, sentence)
