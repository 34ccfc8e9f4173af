"""The CLV models on CDNOW against the published estimates.

Data: ``tests/data/cdnow`` (see its README). Expected numbers: Fader, Hardie & Lee (2005),
"Counting your customers the easy way", Marketing Science 24(2), section 4 (BG/NBD), and
"RFM and CLV: using iso-value curves", JMR 42(4) (Gamma-Gamma on the 946 repeat buyers).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.clv import (
    expected_average_spend,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
    rfm_summary,
)

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv", index_col="ID")


def test_bgnbd_reproduces_the_published_estimates(summary: pd.DataFrame) -> None:
    started = time.perf_counter()
    fit = fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    elapsed = time.perf_counter() - started
    parameters = fit.parameters
    assert fit.customers == 2357
    assert fit.converged
    assert fit.parameters_at_bound == ()
    assert parameters.r == pytest.approx(0.243, abs=0.0005)
    assert parameters.alpha == pytest.approx(4.414, abs=0.0005)
    assert parameters.a == pytest.approx(0.793, abs=0.0005)
    assert parameters.b == pytest.approx(2.426, abs=0.0005)
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert elapsed < 2.0


def test_bgnbd_predictions_for_a_cdnow_customer(summary: pd.DataFrame) -> None:
    """Customer 1 (x = 2, t_x = 30.43, T = 38.86), the paper's running example."""
    parameters = fit_bgnbd(summary["x"], summary["t_x"], summary["T"]).parameters
    customer = summary.loc[[1]]
    args = (customer["x"], customer["t_x"], customer["T"])
    assert expected_purchases(parameters, 39, *args)[0] == pytest.approx(1.226, abs=0.001)
    assert 0.0 < probability_alive(parameters, *args)[0] < 1.0
    one_timers = summary[summary["x"] == 0]
    alive = probability_alive(parameters, one_timers["x"], one_timers["t_x"], one_timers["T"])
    np.testing.assert_array_equal(alive, 1.0)  # BG/NBD: no drop-out before a repeat purchase


def test_gamma_gamma_reproduces_the_published_estimates(summary: pd.DataFrame) -> None:
    fit = fit_gamma_gamma(summary["x"], summary["zbar"])
    parameters = fit.parameters
    assert fit.customers == 946
    assert fit.customers_excluded == 2357 - 946
    assert parameters.p == pytest.approx(6.25, abs=0.005)
    assert parameters.q == pytest.approx(3.74, abs=0.005)
    # The CSV rounds z̄ to cents; on it the optimum is γ = 15.448 against the paper's 15.44.
    assert parameters.gamma == pytest.approx(15.44, abs=0.01)
    assert fit.frequency_spend_correlation == pytest.approx(0.11, abs=0.01)  # paper: 0.11
    population = expected_average_spend(parameters, [0.0], [0.0])[0]
    assert population == pytest.approx(parameters.population_mean_spend)
    heavy = expected_average_spend(parameters, [50.0], [100.0])[0]
    assert population < heavy < 100.0  # shrunk towards the population mean


def test_rfm_summary_of_the_raw_cdnow_sample_is_the_published_summary(
    summary: pd.DataFrame,
) -> None:
    """The 6,919 raw transactions, summarised at the 39-week calibration end (1997-09-30),
    give Hardie's summary (rounded to two decimals); same-day purchases must be merged."""
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    result = rfm_summary(raw, calibration_end="1997-09-30", after_end="exclude")
    table = result.table
    assert result.rows == 6919
    assert result.rows_used + result.rows_after_end == 6919
    assert result.rows_merged_same_day > 0
    assert list(table.index) == list(summary.index)
    np.testing.assert_array_equal(table["frequency"], summary["x"])
    np.testing.assert_allclose(table["recency"], summary["t_x"], atol=0.0051)
    np.testing.assert_allclose(table["T"], summary["T"], atol=0.0051)
    np.testing.assert_allclose(table["monetary_value"], summary["zbar"], atol=0.0051)
