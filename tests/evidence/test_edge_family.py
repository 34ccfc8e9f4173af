"""Lead-lag evidence for the edges of a tree, with one false discovery family."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.errors import EvidenceInputError
from kpibridge.evidence.fdr import bh_adjust
from kpibridge.evidence.leadlag import edge_family, lead_lag


def walk(seed: int, n: int = 120, name: str = "x") -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=n, freq="W-MON")
    return pd.Series(np.exp(5 + np.cumsum(rng.normal(0, 0.05, n))), index=index, name=name)


def test_one_edge_is_the_pair_analysis() -> None:
    driver, outcome = walk(1, name="a"), walk(2, name="b")
    (alone,) = edge_family([(driver, outcome)])
    assert alone == lead_lag(driver, outcome)


def test_the_family_spans_all_edges() -> None:
    """q-values are BH over every edge's p-values together, not per outcome."""
    edges = [(walk(1, name="a"), walk(2, name="b")), (walk(3, name="c"), walk(4, name="d"))]
    found = edge_family(edges, max_lag=4)
    singles = [lead_lag(d, o, max_lag=4) for d, o in edges]
    width = 2 * 4 + 1
    p = np.concatenate(
        [np.concatenate([s.p_values, s.granger_p_forward, s.granger_p_backward]) for s in singles]
    )
    q = bh_adjust(p)
    step = width + 8
    for position, result in enumerate(found):
        assert not isinstance(result, EvidenceInputError)
        expected = q[position * step : position * step + width]
        assert np.allclose(result.q_values, expected, equal_nan=True)


def test_a_short_edge_gets_its_error_and_the_rest_are_tested() -> None:
    short = walk(5, n=20, name="short")
    results = edge_family([(short, walk(6, n=20, name="o")), (walk(1, name="a"), walk(2))])
    assert isinstance(results[0], EvidenceInputError)
    assert "periods" in str(results[0]) or "points" in str(results[0])
    assert not isinstance(results[1], EvidenceInputError)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(EvidenceInputError, match="max_lag"):
        edge_family([(walk(1), walk(2))], max_lag=0)
