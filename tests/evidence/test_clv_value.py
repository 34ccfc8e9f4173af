"""Discounted CLV: the arithmetic of discounting, and the aggregation per channel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.clv import (
    BGNBDParameters,
    GammaGammaParameters,
    clv_by_channel,
    clv_to_cac,
    customer_lifetime_value,
    expected_average_spend,
    expected_purchases,
)

PURCHASES = BGNBDParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
SPEND = GammaGammaParameters(p=6.25, q=3.74, gamma=15.44)
SUMMARY = pd.DataFrame(
    {"frequency": [2, 0, 7], "recency": [30.43, 0.0, 29.43], "T": [38.86] * 3},
    index=pd.Index([1, 2, 3], name="customer_id"),
).assign(monetary_value=[22.35, 0.0, 73.74])


def test_undiscounted_clv_is_purchases_times_spend() -> None:
    values = customer_lifetime_value(
        PURCHASES, SPEND, SUMMARY, period_days=7.0, horizon_months=12, monthly_discount_rate=0.0
    )
    weeks = 365.25 / 7.0
    args = (SUMMARY["frequency"], SUMMARY["recency"], SUMMARY["T"])
    purchases = expected_purchases(PURCHASES, weeks, *args)
    spend = expected_average_spend(SPEND, SUMMARY["frequency"], SUMMARY["monetary_value"])
    np.testing.assert_allclose(values["expected_purchases"], purchases)
    np.testing.assert_allclose(values["clv"], purchases * spend)


def test_discounting_lowers_clv_and_margin_scales_it() -> None:
    plain = customer_lifetime_value(
        PURCHASES, SPEND, SUMMARY, period_days=7.0, monthly_discount_rate=0.0
    )
    discounted = customer_lifetime_value(PURCHASES, SPEND, SUMMARY, period_days=7.0)
    halved = customer_lifetime_value(PURCHASES, SPEND, SUMMARY, period_days=7.0, margin=0.5)
    assert (discounted["clv"] < plain["clv"]).all()
    assert (discounted["clv"] > plain["clv"] / 1.01**12).all()
    np.testing.assert_allclose(halved["clv"], discounted["clv"] / 2)


def test_per_channel_keeps_unmapped_customers() -> None:
    values = customer_lifetime_value(PURCHASES, SPEND, SUMMARY, period_days=7.0)
    channels = pd.Series({1: "email", 3: "email", 99: "video"})
    by_channel = clv_by_channel(values, channels)
    assert list(by_channel.index) == ["(unknown)", "email"]
    assert by_channel["customers"].sum() == 3
    assert by_channel.loc["email", "clv_total"] == pytest.approx(values["clv"][[1, 3]].sum())
    ratio = clv_to_cac(by_channel, {"email": 10.0})
    unknown_ratio, email_ratio = ratio["clv_to_cac"].to_numpy(dtype=np.float64)
    assert email_ratio == pytest.approx(by_channel["clv_mean"].to_numpy()[1] / 10)
    assert np.isnan(unknown_ratio)
