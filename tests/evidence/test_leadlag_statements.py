"""The verdict's words match its numbers (issue 21 item 4): a lead is stated at the lag the
direction rests on (never "by 0 weeks"), and an effect is stated per a move the data holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpibridge.evidence.leadlag import lead_lag

WEEKS = pd.date_range("2023-01-02", periods=156, freq="W-MON")


def _levels(log_steps: np.ndarray, name: str, start: float = 4.0) -> pd.Series:
    return pd.Series(np.exp(start + np.cumsum(log_steps)), index=WEEKS, name=name)


def test_a_same_week_peak_with_a_confirmed_two_week_lead_reads_as_a_two_week_lead() -> None:
    rng = np.random.default_rng(21)
    shocks = rng.normal(0, 0.05, len(WEEKS) + 2)
    outcome_steps = 0.9 * shocks[2:] + 0.45 * shocks[:-2] + rng.normal(0, 0.02, len(WEEKS))
    result = lead_lag(_levels(shocks[2:], "driver"), _levels(outcome_steps, "outcome"))
    assert result.best_lag == 0  # the strongest correlation is same-week …
    assert result.direction == "driver leads"
    assert result.lead_lag == 2  # … and the lead is the confirmed lag
    assert result.effect_lag == 2
    assert "leads outcome by 2 weeks" in result.verdict
    assert "by 0 weeks" not in result.verdict
    assert "also move together in the same week" in result.verdict
    # the effect at lag 2 is the planted 0.45, not the same-week 0.9
    low, high = result.effect_ci
    assert low < 0.45 < high
    assert high < 0.9


def test_a_slow_driver_gets_its_effect_per_typical_move_with_a_caution() -> None:
    """A 12-month trailing value moves ~0.1% a week: "a 1% rise" is ten typical moves."""
    rng = np.random.default_rng(5)
    shocks = rng.normal(0, 0.001, len(WEEKS) + 1)
    outcome_steps = -20 * shocks[:-1] + rng.normal(0, 0.02, len(WEEKS))
    result = lead_lag(_levels(shocks[1:], "clv"), _levels(outcome_steps, "conversion"))
    assert result.direction == "driver leads"
    assert result.lead_lag == 1
    assert result.effect_kind == "elasticity"
    assert result.effect < -5
    # the typical move is the driver's weekly log change, computed here independently
    assert abs(result.driver_typical_change - np.std(shocks[1:], ddof=1)) < 0.3 * 0.001
    assert "a 1% rise" not in result.verdict
    move = f"{100 * result.driver_typical_change:.2g}%"
    assert f"a typical weekly rise in clv (+{move})" in result.verdict
    stated = f"{result.effect * result.driver_typical_change * 100:+.2g}% change in conversion"
    assert stated in result.verdict
    assert "treat the size with caution" in result.verdict


def test_a_fast_driver_keeps_the_one_percent_statement() -> None:
    rng = np.random.default_rng(8)
    shocks = rng.normal(0, 0.05, len(WEEKS) + 1)
    outcome_steps = 0.5 * shocks[:-1] + rng.normal(0, 0.03, len(WEEKS))
    result = lead_lag(_levels(shocks[1:], "social"), _levels(outcome_steps, "revenue"))
    assert result.direction == "driver leads"
    assert f"a 1% rise in social goes with a {result.effect:.2f}% change" in result.verdict
    assert "caution" not in result.verdict
