"""The CLV pipeline on the demo company's orders, read through the workspace backend."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fixtures_demo import build_small_demo
from kpibridge.evidence.clv import clv_from_orders, clv_to_cac
from kpibridge.services.metrics.workspace import Workspace


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "clv")


def test_clv_per_channel_on_the_demo_company(demo_root: Path) -> None:
    with Workspace.open(demo_root) as workspace:
        orders = workspace.backend.table("orders").to_pandas()
        customers = workspace.backend.table("customers").to_pandas()
        spend = workspace.backend.table("ad_spend").to_pandas()
    result = clv_from_orders(orders, customers, value_column="gross_margin")

    assert result.summary.rows_used == len(orders)
    assert result.summary.customers == orders["customer_id"].nunique()
    assert result.purchases.converged
    assert result.spend.converged
    values = result.customers
    assert np.isfinite(values["clv"]).all()
    assert (values["clv"] > 0).all()
    # A year of margin is worth more than nothing and less than a year at the best buyer's pace.
    mean_margin = orders["gross_margin"].mean()
    assert 0.1 * mean_margin < values["clv"].mean() < 20 * mean_margin
    assert values["p_alive"].between(0.0, 1.0).all()

    channels = result.channels
    assert channels is not None
    assert channels["customers"].sum() == result.summary.customers
    assert set(channels.index) == set(customers["acquisition_channel"])
    assert (channels["clv_mean"] > 0).all()

    new_customers = customers["acquisition_channel"].value_counts()
    cac = spend.groupby("channel")["spend"].sum() / new_customers
    ratios = clv_to_cac(channels, cac.dropna())
    assert ratios["clv_to_cac"].notna().any()
    json.dumps(result.to_dict())  # the JSON form is serialisable
