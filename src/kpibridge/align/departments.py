"""The view by department: each role's priorities and where roles disagree most."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RoleView:
    role: str
    participants: tuple[str, ...]
    priorities: tuple[str, ...]
    """Candidates by the role's mean support, best first."""
    support: dict[str, float]
    """Mean support per candidate in [0, 1] (NaN-free: unranked counts as no support)."""


@dataclass(frozen=True)
class RoleDisagreement:
    candidate: str
    spread: float
    """Highest minus lowest role mean support."""
    most: str
    least: str


def by_department(
    support: np.ndarray,
    participants: Sequence[str],
    candidates: Sequence[str],
    roles: Mapping[str, str],
    top: int = 3,
) -> tuple[list[RoleView], list[RoleDisagreement]]:
    """Role means of a participants × candidates support matrix (values in [0, 1]).

    Returns the view per role (largest role first) and the candidates on which role means
    differ most (largest spread first; only when two or more roles are present).
    """
    matrix = np.nan_to_num(np.asarray(support, dtype=float), nan=0.0)
    by_role: dict[str, list[int]] = {}
    for row, participant in enumerate(participants):
        by_role.setdefault(roles.get(participant, "other"), []).append(row)
    views = []
    means: dict[str, np.ndarray] = {}
    for role, rows in sorted(by_role.items(), key=lambda item: (-len(item[1]), item[0])):
        mean = matrix[rows].mean(axis=0)
        means[role] = mean
        order = np.lexsort((np.arange(len(candidates)), -mean))
        views.append(
            RoleView(
                role=role,
                participants=tuple(participants[r] for r in rows),
                priorities=tuple(candidates[i] for i in order[:top]),
                support={c: float(mean[i]) for i, c in enumerate(candidates)},
            )
        )
    disagreements = []
    if len(means) >= 2:
        stacked = np.vstack(list(means.values()))
        names = list(means)
        spread = stacked.max(axis=0) - stacked.min(axis=0)
        for i in np.lexsort((np.arange(len(candidates)), -spread)):
            disagreements.append(
                RoleDisagreement(
                    candidate=candidates[i],
                    spread=float(spread[i]),
                    most=names[int(stacked[:, i].argmax())],
                    least=names[int(stacked[:, i].argmin())],
                )
            )
    return views, disagreements
