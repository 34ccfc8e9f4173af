"""Drivers of a change: which values of a dimension moved a KPI between two periods.

* Additive KPIs (revenue, orders): each segment's contribution is its own change; the
  contributions sum to the total change by construction.
* Ratio KPIs (numerator / denominator by segment, e.g. conversions / sessions by device):
  the aggregate rate is ``R = Σ_i w_i r_i`` with mix ``w_i = d_i / Σd`` and segment rate
  ``r_i = n_i / d_i``. Its change splits by the midpoint (two-factor Shapley) rule into

      mix_i  = (w_i,after − w_i,before) · (r_i,before + r_i,after) / 2
      rate_i = (r_i,after − r_i,before) · (w_i,before + w_i,after) / 2

  whose sum over segments is exactly ``R_after − R_before`` (the cross terms cancel), with
  no arbitrary choice of which factor moves first. Checked against the UC Berkeley 1973
  admissions (Bickel, Hammel & O'Connell 1975), see the tests.

A segment with no denominator in one period has no rate there (shown as none, never as an
infinite one); its rate from the other period is used, so its whole contribution counts as
mix (it appeared or disappeared).

**Thin segments.** A segment with a sliver of the denominator in both periods (less than
:data:`MIN_SHARE` of the total in either: a channel with one customer), or none in either
(a channel with spend but no leads), has no rate worth the name: one customer more or less
moves it by thousands, and the midpoint rule then splits its small true contribution into a
huge mix and an opposite huge rate (CAC up $0.27 = mix −$27.25 + rate +$27.52). Such a
segment is not split: its contribution (exact, as for every segment: its numerator over the
total denominator, after minus before) is reported whole, summed in ``unsplit``; its own
``before``/``after`` rate is NaN where its denominator is zero; and
``mix + rate + unsplit`` is the total change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpibridge.evidence.monitor._common import EvidenceInputError, JsonResult

MIN_SHARE = 0.01
"""A segment below this share of the denominator in either period is too thin to split."""


@dataclass(frozen=True)
class SegmentContribution(JsonResult):
    """One segment's part of the change (``mix`` and ``rate`` only for ratio KPIs)."""

    segment: str
    before: float
    after: float
    contribution: float
    share: float
    """Contribution / total change (NaN when the total does not change)."""
    mix: float | None = None
    rate: float | None = None
    weight_before: float | None = None
    weight_after: float | None = None
    denominator_before: float | None = None
    denominator_after: float | None = None
    thin: bool = False
    """Too little denominator to split (ratio KPIs): ``mix`` and ``rate`` are None and the
    contribution is reported whole (see the module docstring)."""


@dataclass(frozen=True)
class DriverResult(JsonResult):
    """The change of a KPI between two periods and its split by segment, largest first."""

    before: float
    after: float
    change: float
    segments: tuple[SegmentContribution, ...]
    mix: float | None = None
    """Σ mix_i: the part due to the segments' shares changing (ratio KPIs)."""
    rate: float | None = None
    """Σ rate_i: the part due to the segments' own rates changing (ratio KPIs)."""
    unsplit: float | None = None
    """Σ of the thin segments' contributions, not split (ratio KPIs; 0 when none is thin)."""

    def frame(self) -> pd.DataFrame:
        """The segments as a DataFrame indexed by segment."""
        rows = [segment.to_dict() for segment in self.segments]
        return pd.DataFrame(rows).set_index("segment")


def _checked(values: pd.Series, name: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise EvidenceInputError(f"{name} must be a pandas Series by segment")
    if values.index.has_duplicates:
        raise EvidenceInputError(f"{name} repeats a segment: give one value per segment")
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if numbers.isna().any() or not np.isfinite(numbers.to_numpy()).all():
        raise EvidenceInputError(f"{name} has missing or non-numeric values")
    return numbers


def additive_contributions(before: pd.Series, after: pd.Series) -> DriverResult:
    """Change of an additive KPI split by segment (a missing segment counts as zero)."""
    before = _checked(before, "before")
    after = _checked(after, "after")
    segments = before.index.union(after.index)
    if len(segments) == 0:
        raise EvidenceInputError("before and after are empty: nothing to split")
    old = before.reindex(segments, fill_value=0.0)
    new = after.reindex(segments, fill_value=0.0)
    delta = new - old
    total = float(new.sum() - old.sum())
    rows = [
        SegmentContribution(
            segment=str(segment),
            before=float(old[segment]),
            after=float(new[segment]),
            contribution=float(delta[segment]),
            share=float(delta[segment] / total) if total != 0 else float("nan"),
        )
        for segment in delta.abs().sort_values(ascending=False).index
    ]
    return DriverResult(float(old.sum()), float(new.sum()), total, tuple(rows))


def mix_rate_split(
    numerator_before: pd.Series,
    denominator_before: pd.Series,
    numerator_after: pd.Series,
    denominator_after: pd.Series,
) -> DriverResult:
    """Change of a ratio KPI split into mix and rate effects per segment (midpoint rule).

    All four Series are indexed by segment. ``before``/``after`` values of each segment are
    its rates; ``mix + rate`` equals the change of the aggregate rate up to rounding.
    """
    parts = {
        "numerator_before": _checked(numerator_before, "numerator_before"),
        "denominator_before": _checked(denominator_before, "denominator_before"),
        "numerator_after": _checked(numerator_after, "numerator_after"),
        "denominator_after": _checked(denominator_after, "denominator_after"),
    }
    segments = parts["denominator_before"].index.union(parts["denominator_after"].index)
    frame = pd.DataFrame({key: value.reindex(segments) for key, value in parts.items()})
    frame = frame.fillna(0.0)
    if (frame < 0).any().any():
        raise EvidenceInputError("numerators and denominators must not be negative")
    totals = frame.sum()
    if totals["denominator_before"] == 0 or totals["denominator_after"] == 0:
        raise EvidenceInputError("a period has a zero total denominator: its rate is undefined")
    weight_before = frame["denominator_before"] / totals["denominator_before"]
    weight_after = frame["denominator_after"] / totals["denominator_after"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_before = frame["numerator_before"] / frame["denominator_before"]
        rate_after = frame["numerator_after"] / frame["denominator_after"]
    has_before = frame["denominator_before"] > 0
    has_after = frame["denominator_after"] > 0
    # no denominator, no rate (never an infinite one) ...
    shown_before = rate_before.where(has_before, np.nan)
    shown_after = rate_after.where(has_after, np.nan)
    # ... but a segment that appears or disappears moves at the rate it has: pure mix
    rate_before = rate_before.where(has_before, rate_after)
    rate_after = rate_after.where(has_after, rate_before)
    tiny = (weight_before < MIN_SHARE) | (weight_after < MIN_SHARE)
    thin = (has_before & has_after & tiny) | (~has_before & ~has_after)
    mix = ((weight_after - weight_before) * (rate_before + rate_after) / 2).where(~thin, 0.0)
    rate = ((rate_after - rate_before) * (weight_before + weight_after) / 2).where(~thin, 0.0)
    # a thin segment's exact part: its numerator over the total denominator, after − before
    whole = (
        frame["numerator_after"] / totals["denominator_after"]
        - frame["numerator_before"] / totals["denominator_before"]
    )
    aggregate_before = totals["numerator_before"] / totals["denominator_before"]
    aggregate_after = totals["numerator_after"] / totals["denominator_after"]
    change = float(aggregate_after - aggregate_before)
    contribution = (mix + rate).where(~thin, whole)
    rows = [
        SegmentContribution(
            segment=str(segment),
            before=float(shown_before[segment]),
            after=float(shown_after[segment]),
            contribution=float(contribution[segment]),
            share=float(contribution[segment] / change) if change != 0 else float("nan"),
            mix=None if thin[segment] else float(mix[segment]),
            rate=None if thin[segment] else float(rate[segment]),
            weight_before=float(weight_before[segment]),
            weight_after=float(weight_after[segment]),
            denominator_before=float(frame["denominator_before"][segment]),
            denominator_after=float(frame["denominator_after"][segment]),
            thin=bool(thin[segment]),
        )
        for segment in contribution.abs().sort_values(ascending=False).index
    ]
    return DriverResult(
        before=float(aggregate_before),
        after=float(aggregate_after),
        change=change,
        segments=tuple(rows),
        mix=float(mix.sum()),
        rate=float(rate.sum()),
        unsplit=float(whole[thin].sum()),
    )
