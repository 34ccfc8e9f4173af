"""Customer lifetime value: BG/NBD (how often, and whether still buying) and Gamma-Gamma (how
much per purchase), fitted by maximum likelihood, combined into a discounted CLV per customer
and per acquisition channel.

Modules: :mod:`.rfm` (transactions → recency/frequency/T/monetary summary), :mod:`.bgnbd`,
:mod:`.gamma_gamma`, :mod:`.value` (discounted CLV, per channel, CLV:CAC), :mod:`.pipeline`
(all of it on a workspace's ``orders``), :mod:`.simulate` (BG/NBD with known parameters, for
calibration). Both models reproduce the published CDNOW estimates (see ``tests/evidence``).

From a notebook::

    from kpibridge.evidence.clv import clv_from_orders, clv_to_cac
    result = clv_from_orders(orders, customers, value_column="gross_margin")
    result.channels                      # customers, clv_total, clv_mean … per channel
    clv_to_cac(result.channels, cac)     # cac: channel → cost per acquired customer

In a workspace, :mod:`kpibridge.services.monitoring.customer_value` (``kpibridge clv
refresh``) runs the pipeline on the warehouse's orders and writes one row per customer to
``customer_value``, which the ``predicted_clv`` and ``predicted_clv_to_cac`` KPIs read like
any other table.
``CLVResult.to_dict()`` is the JSON form.
"""

from __future__ import annotations

from kpibridge.evidence.clv.bgnbd import (
    BGNBDFit,
    BGNBDParameters,
    expected_purchases,
    expected_purchases_new_customer,
    fit_bgnbd,
    probability_alive,
)
from kpibridge.evidence.clv.gamma_gamma import (
    GammaGammaFit,
    GammaGammaParameters,
    expected_average_spend,
    fit_gamma_gamma,
)
from kpibridge.evidence.clv.pipeline import CLVResult, clv_from_orders
from kpibridge.evidence.clv.rfm import RFMSummary, rfm_summary
from kpibridge.evidence.clv.simulate import simulate_bgnbd
from kpibridge.evidence.clv.value import clv_by_channel, clv_to_cac, customer_lifetime_value

__all__ = [
    "BGNBDFit",
    "BGNBDParameters",
    "CLVResult",
    "GammaGammaFit",
    "GammaGammaParameters",
    "RFMSummary",
    "clv_by_channel",
    "clv_from_orders",
    "clv_to_cac",
    "customer_lifetime_value",
    "expected_average_spend",
    "expected_purchases",
    "expected_purchases_new_customer",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "probability_alive",
    "rfm_summary",
    "simulate_bgnbd",
]
