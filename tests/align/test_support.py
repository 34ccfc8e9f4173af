from __future__ import annotations

import numpy as np

from kpibridge.align.support import support_matrix


def test_borda_shares_with_ties_and_partial_rankings() -> None:
    candidates = ["a", "b", "c", "d", "e"]
    matrix = support_matrix(
        candidates, [[["a"], ["b"], ["c"], ["d"], ["e"]], [["b", "c"], ["a"]], []]
    )
    np.testing.assert_allclose(matrix[0], [1, 0.75, 0.5, 0.25, 0])
    # b and c tied first: 3 below + half of 1 = 3.5 of 4; a third: 2 of 4; d, e tied last
    np.testing.assert_allclose(matrix[1], [0.5, 0.875, 0.875, 0.125, 0.125])
    assert np.isnan(matrix[2]).all()
    # each full row sums to n(n-1)/2 / (n-1) = n/2: ties and omissions keep the total
    np.testing.assert_allclose(matrix[:2].sum(axis=1), [2.5, 2.5])
