"""The vectorised sampling helpers against their plain definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kpibridge.demo.sampling import choose_from_prefix
from kpibridge.demo.sessions import _acquired_by

sorted_times = st.lists(st.integers(0, 50), max_size=60).map(lambda xs: np.sort(np.array(xs)))


@given(acquired=sorted_times, started=sorted_times)
def test_acquired_by_counts_customers_acquired_at_or_before(
    acquired: np.ndarray, started: np.ndarray
) -> None:
    expected = [(acquired <= t).sum() for t in started]
    assert _acquired_by(acquired.astype(np.int64), started.astype(np.int64)).tolist() == expected


def test_choose_from_prefix_stays_in_the_prefix_and_follows_the_weights() -> None:
    rng = np.random.default_rng(0)
    weights = np.array([1.0, 3.0, 0.0, 4.0])
    available = np.full(40_000, 2)
    picks = choose_from_prefix(rng, np.cumsum(weights), available)
    assert set(np.unique(picks)) <= {0, 1}
    assert abs(np.mean(picks == 1) - 0.75) < 0.01
    everything = choose_from_prefix(rng, np.cumsum(weights), np.full(40_000, 4))
    assert not np.any(everything == 2)  # zero weight: never chosen
