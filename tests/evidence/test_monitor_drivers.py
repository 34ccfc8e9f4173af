"""Drivers of a change: the mix/rate split on the UC Berkeley 1973 admissions."""

from __future__ import annotations

import pandas as pd
import pytest

from kpibridge.evidence.monitor.drivers import additive_contributions, mix_rate_split

# Bickel, Hammel & O'Connell (1975), Science 187: applicants and admitted by department.
BERKELEY = pd.DataFrame(
    {
        "men_applied": [825, 560, 325, 417, 191, 373],
        "men_admitted": [512, 353, 120, 138, 53, 22],
        "women_applied": [108, 25, 593, 375, 393, 341],
        "women_admitted": [89, 17, 202, 131, 94, 24],
    },
    index=list("ABCDEF"),
)


def test_berkeley_from_men_to_women() -> None:
    """Going from the men's rate (before) to the women's (after): women apply to the
    departments that admit few (mix −17.77 pp) but are admitted at higher rates within
    departments (rate +3.60 pp); the aggregate falls 44.52% → 30.35%."""
    result = mix_rate_split(
        BERKELEY.men_admitted,
        BERKELEY.men_applied,
        BERKELEY.women_admitted,
        BERKELEY.women_applied,
    )
    assert round(100 * result.before, 2) == 44.52
    assert round(100 * result.after, 2) == 30.35
    assert result.mix is not None
    assert result.rate is not None
    assert round(100 * result.mix, 2) == -17.77
    assert round(100 * result.rate, 2) == 3.60
    assert result.mix + result.rate == pytest.approx(result.change, abs=1e-15)
    assert sum(segment.contribution for segment in result.segments) == pytest.approx(
        result.change, abs=1e-15
    )


def test_the_reverse_comparison_flips_both_signs() -> None:
    result = mix_rate_split(
        BERKELEY.women_admitted,
        BERKELEY.women_applied,
        BERKELEY.men_admitted,
        BERKELEY.men_applied,
    )
    assert result.mix == pytest.approx(0.177674, abs=1e-6)
    assert result.rate == pytest.approx(-0.036028, abs=1e-6)


def test_a_new_segment_is_pure_mix() -> None:
    result = mix_rate_split(
        pd.Series({"a": 10.0}),
        pd.Series({"a": 100.0}),
        pd.Series({"a": 10.0, "b": 30.0}),
        pd.Series({"a": 100.0, "b": 100.0}),
    )
    by_name = {segment.segment: segment for segment in result.segments}
    assert by_name["b"].rate == 0.0
    assert result.mix + result.rate == pytest.approx(result.change)
    assert result.change == pytest.approx(0.2 - 0.1)


def test_additive_contributions_sum_to_the_change() -> None:
    result = additive_contributions(
        pd.Series({"email": 100.0, "search": 50.0}), pd.Series({"email": 80.0, "social": 40.0})
    )
    assert result.change == pytest.approx(-30.0)
    assert [segment.segment for segment in result.segments] == ["search", "social", "email"]
    assert sum(segment.contribution for segment in result.segments) == pytest.approx(-30.0)
    assert '"change": -30.0' in result.to_json()


def test_zero_denominator_is_refused() -> None:
    zero = pd.Series({"a": 0.0})
    with pytest.raises(ValueError, match="zero total denominator"):
        mix_rate_split(zero, zero, pd.Series({"a": 1.0}), pd.Series({"a": 2.0}))


def test_a_segment_absent_from_both_periods_contributes_nothing() -> None:
    """A segment with no denominator before or after (a channel a filter leaves empty) has
    no rate, and no weight to move: zero mix, rate and contribution, not NaN."""

    def series(*values: float) -> pd.Series:
        return pd.Series(values, index=["a", "b", "empty"])

    result = mix_rate_split(
        series(1.0, 2.0, 0.0), series(10.0, 10.0, 0.0), series(2.0, 2.0, 0.0), series(10, 10, 0)
    )
    empty = next(s for s in result.segments if s.segment == "empty")
    assert (empty.mix, empty.rate, empty.contribution, empty.thin) == (None, None, 0.0, True)
    assert empty.to_dict()["before"] is None  # its rate is undefined, and says so
    assert sum(s.contribution for s in result.segments) == pytest.approx(result.change)


def test_a_thin_segment_is_not_split_into_huge_opposite_parts() -> None:
    """Issue 21: CAC by channel, one channel with a single customer. The midpoint rule split
    its small true part into mix and rate tens of dollars large and opposite; it is reported
    whole instead, and the parts still add up to the change."""
    spend_before = pd.Series({"search": 50_000.0, "email": 20_000.0, "display": 3_000.0})
    customers_before = pd.Series({"search": 1_000.0, "email": 400.0, "display": 1.0})
    spend_after = pd.Series({"search": 52_000.0, "email": 20_000.0, "display": 3_100.0})
    customers_after = pd.Series({"search": 1_040.0, "email": 400.0, "display": 2.0})
    result = mix_rate_split(spend_before, customers_before, spend_after, customers_after)
    display = next(s for s in result.segments if s.segment == "display")
    assert display.thin
    assert display.mix is None
    assert display.rate is None
    # its exact part: its spend over all customers, after minus before
    exact = 3_100.0 / 1_442.0 - 3_000.0 / 1_401.0
    assert display.contribution == pytest.approx(exact)
    assert result.unsplit == pytest.approx(exact)
    assert result.mix + result.rate + result.unsplit == pytest.approx(result.change)
    # the split of the others stays small: no tens-of-dollars artefact
    assert abs(result.mix) < 1
    assert abs(result.rate) < 1
    unfolded = (display.weight_after - display.weight_before) * (3_000.0 + 1_550.0) / 2
    assert abs(unfolded) > 1  # what the midpoint rule alone would have called mix


def test_spend_without_leads_counts_whole_and_has_no_rate() -> None:
    """Cost per lead with a channel that spends but brings no lead: no infinite rate, and its
    spend still counts in the change."""
    result = mix_rate_split(
        pd.Series({"search": 1_000.0, "display": 500.0}),
        pd.Series({"search": 10.0, "display": 0.0}),
        pd.Series({"search": 1_000.0, "display": 800.0}),
        pd.Series({"search": 10.0, "display": 0.0}),
    )
    display = next(s for s in result.segments if s.segment == "display")
    assert display.to_dict()["before"] is None
    assert display.to_dict()["after"] is None
    assert display.contribution == pytest.approx(30.0)
    assert result.change == pytest.approx(180.0 - 150.0)
    assert sum(s.contribution for s in result.segments) == pytest.approx(result.change)
