"""The whole CLV pipeline on a workspace's orders: RFM summary → BG/NBD → Gamma-Gamma → CLV
per customer → CLV per acquisition channel.

Expects the canonical columns of the workspace template (``models/orders.yaml``,
``models/customers.yaml``): orders with ``customer_id``, ``ordered_at`` and a value column
(``revenue``, or ``gross_margin`` for a profit CLV comparable with CAC), optionally
``channel``; customers with ``customer_id`` and ``acquisition_channel``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpibridge.evidence.clv.bgnbd import BGNBDFit, fit_bgnbd
from kpibridge.evidence.clv.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from kpibridge.evidence.clv.rfm import AfterEnd, RFMSummary, rfm_summary
from kpibridge.evidence.clv.value import clv_by_channel, customer_lifetime_value

CUSTOMER_COLUMN = "customer_id"
ORDER_TIME_COLUMN = "ordered_at"
ORDER_CHANNEL_COLUMN = "channel"
ACQUISITION_CHANNEL_COLUMN = "acquisition_channel"


@dataclass(frozen=True)
class CLVResult:
    """Everything the pipeline found, with the settings that produced the figures.

    ``customers`` is the RFM table joined with ``p_alive``, ``expected_purchases``,
    ``expected_spend`` and ``clv``; ``channels`` the per-channel aggregate (None when no
    channel is known).
    """

    summary: RFMSummary
    purchases: BGNBDFit
    spend: GammaGammaFit
    customers: pd.DataFrame
    channels: pd.DataFrame | None
    value_column: str
    horizon_months: int
    monthly_discount_rate: float

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary.to_dict(),
            "purchases": self.purchases.to_dict(),
            "spend": self.spend.to_dict(),
            "value_column": self.value_column,
            "horizon_months": self.horizon_months,
            "monthly_discount_rate": self.monthly_discount_rate,
            "clv_total": float(self.customers["clv"].sum()),
            "channels": (
                None
                if self.channels is None
                else self.channels.reset_index().to_dict(orient="records")
            ),
        }


def _channels(orders: pd.DataFrame, customers: pd.DataFrame | None) -> pd.Series | None:
    """Customer → acquisition channel: from ``customers`` if given, else the first order's."""
    if customers is not None:
        for column in (CUSTOMER_COLUMN, ACQUISITION_CHANNEL_COLUMN):
            if column not in customers:
                raise ValueError(
                    f"customers: missing column {column!r}; it has {list(customers.columns)}"
                )
        duplicated = customers[CUSTOMER_COLUMN].duplicated()
        if duplicated.any():
            raise ValueError(
                f"{CUSTOMER_COLUMN}: {int(duplicated.sum())} customer(s) listed twice in customers"
            )
        return customers.set_index(CUSTOMER_COLUMN)[ACQUISITION_CHANNEL_COLUMN]
    if ORDER_CHANNEL_COLUMN not in orders:
        return None
    first = orders.sort_values(ORDER_TIME_COLUMN, kind="stable").drop_duplicates(CUSTOMER_COLUMN)
    return first.set_index(CUSTOMER_COLUMN)[ORDER_CHANNEL_COLUMN]


def clv_from_orders(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    value_column: str = "revenue",
    calibration_end: str | pd.Timestamp | None = None,
    after_end: AfterEnd = "error",
    period_days: float = 7.0,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> CLVResult:
    """Fit both models on ``orders`` and value every customer over ``horizon_months``.

    Time is measured in weeks by default (``period_days=7``), like the CDNOW reference. See
    :func:`.rfm.rfm_summary` for ``calibration_end`` and ``after_end`` and
    :func:`.value.customer_lifetime_value` for the discounting.
    """
    summary = rfm_summary(
        orders,
        customer_column=CUSTOMER_COLUMN,
        date_column=ORDER_TIME_COLUMN,
        amount_column=value_column,
        calibration_end=calibration_end,
        period_days=period_days,
        after_end=after_end,
    )
    table = summary.table
    purchases = fit_bgnbd(table["frequency"], table["recency"], table["T"])
    spend = fit_gamma_gamma(table["frequency"], table["monetary_value"])
    values = customer_lifetime_value(
        purchases.parameters,
        spend.parameters,
        table,
        period_days=period_days,
        horizon_months=horizon_months,
        monthly_discount_rate=monthly_discount_rate,
    )
    channels = _channels(orders, customers)
    return CLVResult(
        summary=summary,
        purchases=purchases,
        spend=spend,
        customers=table.join(values),
        channels=None if channels is None else clv_by_channel(values, channels),
        value_column=value_column,
        horizon_months=horizon_months,
        monthly_discount_rate=monthly_discount_rate,
    )


__all__ = ["CLVResult", "clv_from_orders"]
