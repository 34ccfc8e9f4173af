"""Identities found from KPI definitions: exact algebra on measure powers, checked by hand."""

from __future__ import annotations

import pytest

from kpibridge.metrics.identities import decompositions, monomials
from kpibridge.model import DerivedKPI, RatioKPI, SimpleKPI
from kpibridge.model.kpi import KPIBase


def simple(kpi_id: str, measure: str, filter_: str | None = None) -> SimpleKPI:
    return SimpleKPI(id=kpi_id, name=kpi_id, type="simple", measure=measure, filter=filter_)


def ratio(kpi_id: str, numerator: str, denominator: str, scale: float = 1.0) -> RatioKPI:
    return RatioKPI(
        id=kpi_id,
        name=kpi_id,
        type="ratio",
        numerator=numerator,
        denominator=denominator,
        scale=scale,
    )


LIBRARY: dict[str, KPIBase] = {
    "revenue": simple("revenue", "orders.revenue"),
    "orders": simple("orders", "orders.orders"),
    "aov": ratio("aov", "orders.revenue", "orders.orders"),
    "spend": simple("spend", "ad_spend.spend"),
    "roas": ratio("roas", "revenue", "spend"),
    "new_customers": simple("new_customers", "customers.new"),
    "cac": ratio("cac", "ad_spend.spend", "customers.new"),
    "sessions": simple("sessions", "sessions.sessions"),
    "converted": simple("converted", "sessions.sessions", "converted"),
    "conversion_pct": ratio("conversion_pct", "converted", "sessions", scale=100),
    "margin": DerivedKPI(id="margin", name="margin", type="derived", expr="revenue - spend"),
}


def formulas(kpi_id: str) -> list[str]:
    return [identity.formula() for identity in decompositions(kpi_id, monomials(LIBRARY))]


def test_a_total_splits_into_a_product_preferring_its_own_model() -> None:
    # revenue = orders × aov reads only `orders`; revenue = roas × spend brings in ad_spend
    assert formulas("revenue")[:2] == ["revenue = aov × orders", "revenue = roas × spend"]


def test_a_ratio_splits_into_its_numerator_and_denominator_kpis() -> None:
    assert formulas("cac")[0] == "cac = spend ÷ new_customers"


def test_a_filtered_measure_is_another_measure_and_scales_are_kept() -> None:
    # converted sessions are sessions *where converted*: the identity needs the filtered KPI
    assert formulas("conversion_pct") == ["conversion_pct = 100 × converted ÷ sessions"]
    assert formulas("converted") == ["converted = 0.01 × conversion_pct × sessions"]


def test_sums_and_differences_take_part_in_no_identity() -> None:
    found = monomials(LIBRARY)
    assert "margin" not in found
    assert decompositions("margin", found) == []


@pytest.mark.parametrize("kpi_id", sorted(LIBRARY))
def test_every_identity_found_holds_on_numbers(kpi_id: str) -> None:
    """Independent check: evaluate each KPI from random measure values and multiply out."""
    import random

    rng = random.Random(kpi_id)
    measures = {
        "orders.revenue": rng.uniform(1, 1000),
        "orders.orders": rng.uniform(1, 100),
        "ad_spend.spend": rng.uniform(1, 500),
        "customers.new": rng.uniform(1, 50),
        "sessions.sessions": rng.uniform(100, 1000),
        "sessions.sessions where converted": rng.uniform(1, 100),
    }
    values = {
        "revenue": measures["orders.revenue"],
        "orders": measures["orders.orders"],
        "aov": measures["orders.revenue"] / measures["orders.orders"],
        "spend": measures["ad_spend.spend"],
        "roas": measures["orders.revenue"] / measures["ad_spend.spend"],
        "new_customers": measures["customers.new"],
        "cac": measures["ad_spend.spend"] / measures["customers.new"],
        "sessions": measures["sessions.sessions"],
        "converted": measures["sessions.sessions where converted"],
        "conversion_pct": 100
        * measures["sessions.sessions where converted"]
        / measures["sessions.sessions"],
    }
    for identity in decompositions(kpi_id, monomials(LIBRARY)):
        product = identity.constant
        for factor in identity.factors:
            product *= values[factor.kpi] ** factor.exponent
        assert product == pytest.approx(values[kpi_id], rel=1e-12), identity.formula()
