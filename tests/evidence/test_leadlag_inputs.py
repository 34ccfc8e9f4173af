"""lead_lag and screen: clear errors for bad input, the result's shape, frame helper."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kpibridge.errors import EvidenceInputError, KpibridgeError
from kpibridge.evidence.inputs import series_from_frame
from kpibridge.evidence.leadlag import lead_lag, screen
from kpibridge.evidence.leadlag_simulation import PairDesign, simulate_pair
from kpibridge.evidence.stationarity import make_stationary


@pytest.fixture
def pair() -> tuple[pd.Series, pd.Series]:
    return simulate_pair(np.random.default_rng(3), PairDesign(lead=2, strength=0.8))


def weekly(values: np.ndarray, start: str = "2023-01-02") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="W-MON"))


def test_finds_a_planted_lead(pair: tuple[pd.Series, pd.Series]) -> None:
    driver, outcome = pair
    result = lead_lag(driver, outcome, max_lag=6)
    assert result.direction == "driver leads"
    assert result.best_lag == 2
    assert result.unit == "week"
    assert result.correlation_ci[0] < result.correlation < result.correlation_ci[1]
    assert result.effect_ci[0] < result.effect < result.effect_ci[1]
    assert result.effect > 0
    assert "predictive, not proof of cause" in result.verdict
    assert "leads outcome by 2 weeks" in result.verdict
    assert len(result.q_values) == 13
    document = json.loads(result.to_json())
    assert document["driver_transform"]["steps"][0] == "log"


def test_period_index_works_like_dates(pair: tuple[pd.Series, pd.Series]) -> None:
    driver, outcome = pair
    as_periods = [s.set_axis(s.index.to_period("W-MON")) for s in pair]
    by_dates, by_periods = lead_lag(driver, outcome), lead_lag(*as_periods)
    assert by_periods.p_values == by_dates.p_values


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.where(s.index != s.index[10]), "missing value"),
        (lambda s: s.drop(s.index[50]), "gaps"),
        (lambda s: s.iloc[:30], "share 30 periods"),
        (lambda s: s * 0 + 5.0, "constant"),
        (lambda s: s.reset_index(drop=True), "indexed by period"),
        (lambda s: s.resample("MS").mean(), "frequency"),
        (lambda s: pd.concat([s, s.iloc[:1]]), "more than one value"),
        (lambda s: s.astype(str).where(s.index != s.index[3], "n/a"), "non-numeric"),
    ],
)
def test_bad_driver_is_refused_with_a_reason(
    pair: tuple[pd.Series, pd.Series], change: object, message: str
) -> None:
    driver, outcome = pair
    with pytest.raises(EvidenceInputError, match=message):
        lead_lag(change(driver), outcome)  # type: ignore[operator]


def test_errors_are_value_errors_and_kpibridge_errors() -> None:
    assert issubclass(EvidenceInputError, ValueError)
    assert issubclass(EvidenceInputError, KpibridgeError)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"max_lag": 0}, "max_lag"), ({"alpha": 1.5}, "alpha"), ({"period": 1}, "period")],
)
def test_bad_parameters(
    pair: tuple[pd.Series, pd.Series], arguments: dict[str, float], message: str
) -> None:
    with pytest.raises(EvidenceInputError, match=message):
        lead_lag(*pair, **arguments)  # type: ignore[arg-type]


def test_linear_trend_is_constant_once_differenced(pair: tuple[pd.Series, pd.Series]) -> None:
    driver, outcome = pair
    trend = pd.Series(np.arange(len(driver)) * 2.0 - 500, index=driver.index)  # no log
    with pytest.raises(EvidenceInputError, match="constant once made stationary"):
        lead_lag(trend, outcome)


def test_screen_ranks_the_true_driver_first(pair: tuple[pd.Series, pd.Series]) -> None:
    driver, outcome = pair
    rng = np.random.default_rng(5)
    noise = {f"noise_{i}": simulate_pair(rng)[0] for i in range(5)}
    result = screen(outcome, {**noise, "true": driver}, max_lag=6)
    assert result.results[0].driver == "true"
    assert [r.driver for r in result.leads()] == ["true"]
    assert result.tests == 6 * (4 * 6 + 1)
    frame = result.to_frame()
    assert next(iter(frame["driver"])) == "true"
    assert json.loads(result.to_json())["outcome"] == "outcome"


def test_screen_needs_candidates(pair: tuple[pd.Series, pd.Series]) -> None:
    with pytest.raises(EvidenceInputError, match="no candidate"):
        screen(pair[1], {})


def test_series_from_workspace_frame(pair: tuple[pd.Series, pd.Series]) -> None:
    driver, _ = pair
    frame = pd.DataFrame({"period": driver.index[::-1], "value": driver.to_numpy()[::-1]})
    series = series_from_frame(frame)
    assert series.index.is_monotonic_increasing
    assert series.iloc[0] == driver.iloc[0]
    with pytest.raises(EvidenceInputError, match="no column 'revenue'"):
        series_from_frame(frame, "revenue")
    sliced = pd.concat([frame.assign(channel="a"), frame.assign(channel="b")])
    with pytest.raises(EvidenceInputError, match="repeats"):
        series_from_frame(sliced)


def test_stationarity_record_says_what_was_done() -> None:
    rng = np.random.default_rng(2)
    level = weekly(
        50 + np.cumsum(rng.normal(0.2, 1, 156)) + 5 * np.sin(np.arange(156) * 2 * np.pi / 52)
    )
    made = make_stationary(level, period=52)
    assert made.record.differences == 1
    assert made.record.seasonal_harmonics == 3
    assert made.record.seasonal_pvalue is not None
    assert made.record.seasonal_pvalue < 0.05
    assert len(made.values) == 155
    negative = make_stationary(level - 200, period=52)
    assert not negative.record.log
    short = make_stationary(level.iloc[:80], period=52)
    assert short.record.seasonal_harmonics == 0
    assert "seasonality kept" in short.record.steps[-1]
    stationary = make_stationary(weekly(rng.normal(size=120)))
    assert stationary.record.differences == 0


def test_a_pair_shares_one_differencing_order() -> None:
    """A stationary driver (white noise around 100) leading a random walk's steps: the tests
    keep the driver in levels and difference the outcome, and the pair then takes the larger
    order — the driver is differenced too, and says it was imposed."""
    rng = np.random.default_rng(8)
    shocks = rng.normal(size=131)
    driver = weekly(100 + 3 * shocks[3:])
    outcome = weekly(500 + np.cumsum(2 * shocks[:-3] + rng.normal(size=128)))
    alone = make_stationary(driver)
    assert alone.record.differences == 0
    imposed = make_stationary(driver, differences=1)
    assert imposed.record.differences == 1
    assert any("imposed" in step for step in imposed.record.steps)
    result = lead_lag(driver, outcome, max_lag=6)
    assert result.driver_transform.differences == result.outcome_transform.differences == 1
    assert any("imposed" in step for step in result.driver_transform.steps)
    assert not any("imposed" in step for step in result.outcome_transform.steps)
