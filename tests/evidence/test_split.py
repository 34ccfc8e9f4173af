"""The log (LMDI-I) split of a product's change: exact, order-free, checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpibridge.errors import EvidenceInputError
from kpibridge.evidence.split import FactorChange, log_mean, log_split

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
factor = st.tuples(st.sampled_from([1, -1]), positive, positive)


@given(
    constant=st.floats(min_value=1e-2, max_value=1e3),
    factors=st.lists(factor, min_size=1, max_size=5),
)
def test_the_parts_add_up_to_the_change_of_any_product_or_ratio(
    constant: float, factors: list[tuple[int, float, float]]
) -> None:
    before = constant * math.prod(b**e for e, b, _ in factors)
    after = constant * math.prod(a**e for e, _, a in factors)
    changes = [FactorChange(f"f{i}", e, b, a) for i, (e, b, a) in enumerate(factors)]
    parts = log_split(before, after, changes)
    assert math.fsum(parts) == pytest.approx(after - before, rel=1e-9, abs=1e-9 * before)


@given(factors=st.lists(factor, min_size=2, max_size=4), data=st.data())
def test_the_split_does_not_depend_on_the_order_of_the_factors(
    factors: list[tuple[int, float, float]], data: st.DataObject
) -> None:
    before = math.prod(b**e for e, b, _ in factors)
    after = math.prod(a**e for e, _, a in factors)
    changes = [FactorChange(f"f{i}", e, b, a) for i, (e, b, a) in enumerate(factors)]
    shuffled = data.draw(st.permutations(changes))
    first = dict(zip([c.name for c in changes], log_split(before, after, changes), strict=True))
    second = dict(zip([c.name for c in shuffled], log_split(before, after, shuffled), strict=True))
    assert first == pytest.approx(second, rel=1e-12)


def test_the_hand_computed_example_of_the_docs() -> None:
    # revenue 1000 → 900, orders 10 → 9.5, AOV 100 → 900 / 9.5 (docs/tree.md)
    orders, aov = log_split(
        1000.0,
        900.0,
        [FactorChange("orders", 1, 10.0, 9.5), FactorChange("aov", 1, 100.0, 900 / 9.5)],
    )
    assert log_mean(900.0, 1000.0) == pytest.approx(949.122, abs=5e-4)
    assert orders == pytest.approx(-48.684, abs=5e-4)
    assert aov == pytest.approx(-51.316, abs=5e-4)
    assert orders + aov == pytest.approx(-100.0, abs=1e-9)


def test_a_ratio_factor_divides() -> None:
    # CAC = spend ÷ new customers: 50 = 1000/20 → 60 = 1200/20; all of it is spend
    spend, customers = log_split(
        50.0, 60.0, [FactorChange("spend", 1, 1000, 1200), FactorChange("new", -1, 20, 20)]
    )
    assert spend == pytest.approx(10.0)
    assert customers == 0.0


@pytest.mark.parametrize(("before", "after"), [(0.0, 5.0), (3.0, -1.0)])
def test_values_that_are_not_positive_are_refused_by_name(before: float, after: float) -> None:
    with pytest.raises(EvidenceInputError, match="sessions is"):
        log_split(1.0, 2.0, [FactorChange("sessions", 1, before, after)])
