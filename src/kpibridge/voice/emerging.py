"""Emerging themes: a theme whose share of feedback rises significantly above its own history.

For each theme and each period with at least ``min_history`` earlier periods, the period's
share is compared with the pooled share of all earlier periods by a one-sided two-proportion
z-test. A rise counts when it is significant after a Bonferroni correction over every
(theme, period) tested, the share is at least ``min_ratio`` times its history, and the theme
has at least ``min_count`` texts in the period (the normal approximation needs counts, and
three texts where there were none are not a trend). The theme
is flagged with the first period of its latest run of such rises — when it started.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class EmergingTheme:
    theme: str
    start: str
    """The period the rise started."""
    periods: tuple[str, ...]
    """Every period of the run of significant rises."""
    share: float
    """Share in the start period."""
    history_share: float
    p_value: float

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def emerging_themes(
    counts: pd.DataFrame,
    totals: pd.Series,
    alpha: float = 0.05,
    min_history: int = 2,
    min_ratio: float = 1.5,
    min_count: int = 10,
) -> list[EmergingTheme]:
    """Emerging themes from ``counts`` (periods × themes, texts per theme, periods in order)
    and ``totals`` (texts per period, every theme and none)."""
    totals = totals.reindex(counts.index).astype(float)
    n_periods = len(counts.index)
    tests = max(1, counts.shape[1] * max(0, n_periods - min_history))
    threshold = alpha / tests
    found: list[EmergingTheme] = []
    for theme in counts.columns:
        series = counts[theme].astype(float).to_numpy()
        n = totals.to_numpy()
        rising: list[tuple[int, float, float]] = []
        for t in range(min_history, n_periods):
            before, before_n = series[:t].sum(), n[:t].sum()
            if n[t] == 0 or before_n == 0 or series[t] < min_count:
                continue
            p_now, p_before = series[t] / n[t], before / before_n
            pooled = (series[t] + before) / (n[t] + before_n)
            se = math.sqrt(pooled * (1 - pooled) * (1 / n[t] + 1 / before_n))
            if se == 0:
                continue
            p_value = float(stats.norm.sf((p_now - p_before) / se))
            if p_value < threshold and p_now >= min_ratio * max(p_before, 1e-12):
                rising.append((t, p_value, p_before))
        if not rising:
            continue
        # the latest run of consecutive rising periods
        run = [rising[-1]]
        for item in reversed(rising[:-1]):
            if item[0] == run[0][0] - 1:
                run.insert(0, item)
            else:
                break
        start, p_value, history = run[0]
        found.append(
            EmergingTheme(
                theme=str(theme),
                start=str(counts.index[start]),
                periods=tuple(str(counts.index[t]) for t, _, _ in run),
                share=float(series[start] / n[start]),
                history_share=float(history),
                p_value=p_value,
            )
        )
    return sorted(found, key=lambda item: (item.start, item.p_value))


def period_labels(timestamps: pd.Series, grain: str) -> pd.Series:
    """``2025-Q4``, ``2025-10``, ``2025-W40`` or ``2025`` labels of timestamps."""
    stamps = pd.to_datetime(timestamps)
    if grain == "quarter":
        return stamps.dt.year.astype(str) + "-Q" + stamps.dt.quarter.astype(str)
    if grain == "month":
        return stamps.dt.strftime("%Y-%m")
    if grain == "week":
        iso = stamps.dt.isocalendar()
        return iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    if grain == "year":
        return stamps.dt.year.astype(str)
    raise ValueError(f"unknown grain {grain!r}: use week, month, quarter or year")
