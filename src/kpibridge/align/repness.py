"""What sets each opinion group apart: Pol.is-style "representativeness" (repness).

For every group g and candidate c, the group is compared with everyone else:

* **rankings** — mean normalised position (0 = first, 1 = last) in the group against the rest;
  reported in places (1..m) so a reader sees "mean position 1.5 vs 7.2".
* **reactions** — smoothed agree rate ``(agrees + 1) / (votes + 2)`` in the group against the
  rest (Pol.is's ``pa``, with passes counted as votes and unseen statements ignored), with
  their ratio (Pol.is's ``ra``).

**Significance.** With 5–30 people, normal approximations mislead, so the difference is tested
by permuting group labels: the group's members are replaced by a random set of the same size
and the difference recomputed. When the number of such sets, C(n, size), is at most
``EXACT_LIMIT`` every one is enumerated (an exact test); otherwise ``PERMUTATIONS`` random sets
with a fixed seed (Monte Carlo, p = (1 + #{null ≥ observed}) / (1 + B), Phipson & Smyth 2010).
For reactions from more than ``LARGE_AUDIENCE`` participants, where permutations would cost
seconds and the normal approximation is sound, the two-proportion z-test Pol.is itself uses
is applied instead. Two-sided throughout; Benjamini–Hochberg q-values across every
group × candidate test.

**Caveat (selective inference).** The groups were found from the same answers that are tested
here, so they differ on some candidates by construction: the p-values and q-values are
optimistic and describe the groups, they do not prove the groups exist. Whether the groups are
real is the job of the null check in :mod:`kpibridge.align.groups` and
:mod:`kpibridge.align.reactions`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.stats import false_discovery_control, norm

Kind = Literal["rankings", "reactions"]

EXACT_LIMIT = 20_000
PERMUTATIONS = 4_999
LARGE_AUDIENCE = 500
ALPHA = 0.05
TOP = 3


@dataclass(frozen=True)
class Distinction:
    """One candidate on which a group differs from the rest."""

    candidate: str
    direction: Literal["higher", "lower"]
    """Rankings: the group ranks it higher (better) or lower. Reactions: agrees more or less."""
    group_value: float
    rest_value: float
    p_value: float
    q_value: float
    sentence: str


@dataclass(frozen=True)
class GroupDescription:
    """What one group is, and what sets it apart (significant distinctions only, strongest
    first, at most ``TOP``)."""

    group: int
    size: int
    members: tuple[str, ...]
    distinguishing: tuple[Distinction, ...]
    sentence: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        return {
            "group": self.group,
            "size": self.size,
            "members": list(self.members),
            "distinguishing": [vars(d) for d in self.distinguishing],
            "sentence": self.sentence,
        }


def _memberships(count: int, size: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Rows of 0/1 indicators of same-size member sets: all of them, or a random sample."""
    if math.comb(count, size) <= EXACT_LIMIT:
        rows = np.zeros((math.comb(count, size), count))
        for row, chosen in enumerate(itertools.combinations(range(count), size)):
            rows[row, list(chosen)] = 1.0
        return rows, True
    order = rng.permuted(np.tile(np.arange(count), (PERMUTATIONS, 1)), axis=1)
    rows = np.zeros((PERMUTATIONS, count))
    np.put_along_axis(rows, order[:, :size], 1.0, axis=1)
    return rows, False


def _statistic(
    members: np.ndarray, values: np.ndarray, seen: np.ndarray, kind: Kind
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(group value, rest value, difference) per membership row × candidate."""
    if kind == "rankings":
        inside = members @ values / members.sum(axis=1, keepdims=True)
        outside = (1 - members) @ values / (1 - members).sum(axis=1, keepdims=True)
        return inside, outside, inside - outside
    agrees = (values == 1).astype(float)
    inside = (members @ agrees + 1) / (members @ seen + 2)
    outside = ((1 - members) @ agrees + 1) / ((1 - members) @ seen + 2)
    return inside, outside, inside - outside


def _z_test(members: np.ndarray, values: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Two-sided two-proportion z-test of agree rates, group against rest (Pol.is)."""
    agrees = (values == 1).astype(float)
    a1, n1 = members @ agrees, members @ seen
    a2, n2 = (1 - members) @ agrees, (1 - members) @ seen
    pooled = (a1 + a2 + 1) / (n1 + n2 + 2)
    error = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(n1, 1) + 1 / np.maximum(n2, 1)))
    z = ((a1 + 1) / (n1 + 2) - (a2 + 1) / (n2 + 2)) / error
    return np.asarray(2 * norm.sf(np.abs(z)), dtype=float)


def representative(
    features: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    candidates: Sequence[str],
    names: Sequence[str],
    kind: Kind = "rankings",
    *,
    candidate_names: Mapping[str, str] | None = None,
    seed: int = 0,
) -> list[GroupDescription]:
    """Describe each group by the candidates that set it apart.

    Args:
        features: Participants × candidates: normalised positions in [0, 1] (0 = first) for
            ``rankings`` (see :func:`kpibridge.align.positions.normalised_positions`); +1/−1/0/
            NaN for ``reactions``.
        labels: Group per participant, 0..k−1; −1 leaves a participant out.
        candidates: Candidate ids, one per column.
        names: Participant names, one per row (for ``members``).
        kind: ``rankings`` or ``reactions``.
        candidate_names: Display names for sentences (ids by default).
        seed: Seeds the Monte Carlo permutations.

    Returns:
        One :class:`GroupDescription` per group, in group order.
    """
    values = np.asarray(features, dtype=float)
    labels = np.asarray(labels, dtype=np.int64)
    if values.shape != (len(labels), len(candidates)) or len(names) != len(labels):
        raise ValueError(
            f"features are {values.shape}; expected {len(labels)} participants (labels, names) × "
            f"{len(candidates)} candidates"
        )
    display = dict(candidate_names or {})
    keep = labels >= 0
    values, labels = values[keep], labels[keep]
    people = [n for n, k in zip(names, keep, strict=True) if k]
    count, width = values.shape
    groups = int(labels.max()) + 1 if count else 0
    seen = (~np.isnan(values)).astype(float)
    filled = np.nan_to_num(values, nan=0.0)
    if groups < 2:
        return [
            GroupDescription(0, count, tuple(people), (), "Everyone is in one group: no split.")
        ]
    rng = np.random.default_rng(seed)
    observed = np.zeros((groups, 3, width))
    p_values = np.ones((groups, width))
    for group in range(groups):
        member = (labels == group).astype(float)[None, :]
        inside, outside, difference = _statistic(member, filled, seen, kind)
        observed[group] = np.vstack([inside[0], outside[0], difference[0]])
        size = int(member.sum())
        if size == count:
            continue
        if kind == "reactions" and count > LARGE_AUDIENCE:
            p_values[group] = _z_test(member, filled, seen)[0]
            continue
        rows, exact = _memberships(count, size, rng)
        null = np.abs(_statistic(rows, filled, seen, kind)[2])
        extreme = (null >= np.abs(difference) - 1e-12).sum(axis=0)
        p_values[group] = extreme / len(rows) if exact else (extreme + 1) / (len(rows) + 1)
    q_values = np.asarray(false_discovery_control(p_values.ravel(), method="bh")).reshape(
        p_values.shape
    )
    return [
        _describe(
            group,
            labels,
            people,
            candidates,
            display,
            observed[group],
            p_values[group],
            q_values[group],
            kind,
            width,
        )
        for group in range(groups)
    ]


def _describe(
    group: int,
    labels: np.ndarray,
    people: Sequence[str],
    candidates: Sequence[str],
    display: Mapping[str, str],
    observed: np.ndarray,
    p_values: np.ndarray,
    q_values: np.ndarray,
    kind: Kind,
    width: int,
) -> GroupDescription:
    inside, outside, difference = observed
    members = tuple(p for p, label in zip(people, labels, strict=True) if label == group)
    significant = [
        c for c in np.argsort(-np.abs(difference), kind="stable") if q_values[c] <= ALPHA
    ]
    distinctions = []
    for column in significant[:TOP]:
        name = display.get(candidates[column], candidates[column])
        if kind == "rankings":
            higher = difference[column] < 0
            group_value = 1 + inside[column] * (width - 1)
            rest_value = 1 + outside[column] * (width - 1)
            strength = "much " if abs(difference[column]) >= 0.3 else ""
            text = (
                f"ranks {name} {strength}{'higher' if higher else 'lower'} than the rest: mean "
                f"position {group_value:.1f} vs {rest_value:.1f}"
            )
        else:
            higher = difference[column] > 0
            group_value, rest_value = float(inside[column]), float(outside[column])
            text = (
                f"agrees with {name} {'more' if higher else 'less'} than the rest: "
                f"{group_value:.0%} vs {rest_value:.0%} (ratio {group_value / rest_value:.1f})"
            )
        distinctions.append(
            Distinction(
                candidate=candidates[column],
                direction="higher" if higher else "lower",
                group_value=float(group_value),
                rest_value=float(rest_value),
                p_value=float(p_values[column]),
                q_value=float(q_values[column]),
                sentence=f"{text} (q = {q_values[column]:.3f})",
            )
        )
    label = f"Group {group + 1} ({len(members)} {'person' if len(members) == 1 else 'people'})"
    if distinctions:
        sentence = f"{label} " + "; ".join(d.sentence for d in distinctions) + "."
    else:
        sentence = f"{label}: nothing sets it apart from the rest at q ≤ {ALPHA}."
    return GroupDescription(group, len(members), members, tuple(distinctions), sentence)
