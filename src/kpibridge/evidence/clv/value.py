"""Discounted customer lifetime value from the two models, per customer and per channel.

``CLV = margin · E[spend per purchase] · Σ_{m=1..H} (E[Y(t_m)] − E[Y(t_{m−1})]) / (1 + d)^m``:
expected purchases from BG/NBD (:func:`.bgnbd.expected_purchases`) cut into months of
365.25/12 days, each month's purchases valued at the Gamma-Gamma expected spend
(:func:`.gamma_gamma.expected_average_spend`) and discounted at the monthly rate ``d`` as if
paid at the month's end. The default ``d = 0.01`` a month is ≈ 12.7% a year, a common cost of
capital for a retailer; state the rate you use next to the figure. Multiplying the two
expectations assumes spend independent of frequency (the Gamma-Gamma assumption).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpibridge.evidence.clv.bgnbd import BGNBDParameters, expected_purchases, probability_alive
from kpibridge.evidence.clv.gamma_gamma import GammaGammaParameters, expected_average_spend

DAYS_PER_MONTH = 365.25 / 12
UNKNOWN_CHANNEL = "(unknown)"


def customer_lifetime_value(
    purchases: BGNBDParameters,
    spend: GammaGammaParameters,
    summary: pd.DataFrame,
    *,
    period_days: float,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    margin: float = 1.0,
) -> pd.DataFrame:
    """CLV of each customer of an RFM ``summary`` table over the next ``horizon_months``.

    Args:
        purchases, spend: fitted BG/NBD and Gamma-Gamma parameters.
        summary: ``frequency``, ``recency``, ``T`` (in units of ``period_days``) and
            ``monetary_value`` per customer, as from :func:`.rfm.rfm_summary`.
        period_days: days per time unit of the summary (7 for weeks).
        horizon_months: months ahead to count.
        monthly_discount_rate: discount rate per month, ``d`` above.
        margin: share of the spend that is profit (1.0 when ``spend`` is already a margin).

    Returns:
        The summary's index with ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_spend`` (per purchase) and ``clv``.
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months: must be at least 1, got {horizon_months}")
    if monthly_discount_rate <= -1.0:
        raise ValueError(f"monthly_discount_rate: must be above −1, got {monthly_discount_rate}")
    x, t_x, age = (summary[column].to_numpy(np.float64) for column in ("frequency", "recency", "T"))
    periods_per_month = DAYS_PER_MONTH / period_days
    cumulative = np.column_stack(
        [np.zeros_like(x)]
        + [
            expected_purchases(purchases, month * periods_per_month, x, t_x, age)
            for month in range(1, horizon_months + 1)
        ]
    )
    discount = (1.0 + monthly_discount_rate) ** -np.arange(1, horizon_months + 1)
    discounted_purchases = np.diff(cumulative, axis=1) @ discount
    expected_spend = expected_average_spend(spend, x, summary["monetary_value"].to_numpy())
    return pd.DataFrame(
        {
            "p_alive": probability_alive(purchases, x, t_x, age),
            "expected_purchases": cumulative[:, -1],
            "expected_spend": expected_spend,
            "clv": margin * expected_spend * discounted_purchases,
        },
        index=summary.index,
    )


def clv_by_channel(values: pd.DataFrame, channels: pd.Series) -> pd.DataFrame:
    """Aggregate per-customer CLV (:func:`customer_lifetime_value`) by acquisition channel.

    ``channels`` maps customer id (index) to channel. Customers it does not name are grouped
    under ``"(unknown)"`` rather than dropped; ids it names that are not in ``values`` are
    ignored (they have no orders in the calibration period).
    """
    channel = channels.reindex(values.index).astype(object).fillna(UNKNOWN_CHANNEL)
    grouped = values.groupby(channel.rename("channel"), sort=True)
    return pd.DataFrame(
        {
            "customers": grouped.size(),
            "clv_total": grouped["clv"].sum(),
            "clv_mean": grouped["clv"].mean(),
            "expected_purchases_mean": grouped["expected_purchases"].mean(),
            "p_alive_mean": grouped["p_alive"].mean(),
        }
    )


def clv_to_cac(by_channel: pd.DataFrame, cac: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """Add ``cac`` and ``clv_to_cac`` (mean CLV over acquisition cost) to :func:`clv_by_channel`.

    Channels without a cost (organic, referral …) get NaN, not infinity.
    """
    cost = pd.Series(cac, dtype=np.float64).reindex(by_channel.index)
    cost = cost.where(cost > 0)
    return by_channel.assign(cac=cost, clv_to_cac=by_channel["clv_mean"] / cost)


__all__ = [
    "DAYS_PER_MONTH",
    "UNKNOWN_CHANNEL",
    "clv_by_channel",
    "clv_to_cac",
    "customer_lifetime_value",
]
