"""Benjamini–Hochberg false discovery rate: adjusted p-values (q-values).

When many lags and many candidate drivers are tested at once, some small p-values appear by
chance alone. Benjamini and Hochberg (1995) bound the expected share of false claims among the
claims made; the adjusted value ``q_i`` of a test is the smallest FDR level at which it would
be rejected, so "claim everything with ``q < 0.05``" is the step-up procedure at level 0.05.

Reference: Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate", JRSS B 57
(1995) 289–300, the worked example of section 4 (15 p-values, 4 rejections at 0.05). Checked
against ``statsmodels.stats.multitest.multipletests(method="fdr_bh")``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def bh_adjust(p_values: npt.ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values, in the shape and order of ``p_values``.

    ``q_(i) = min over j ≥ i of min(1, m · p_(j) / j)`` for the sorted p-values, which makes the
    q-values monotone in p. NaN entries (tests that could not be run) are left NaN and do not
    count in ``m``: a test that was never run cannot be a false discovery.

    >>> bh_adjust([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    flat = p.ravel()
    q = np.full(flat.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(flat))
    count = finite.size
    if count == 0:
        return q.reshape(p.shape)
    order = finite[np.argsort(flat[finite], kind="stable")]
    ranked = flat[order] * count / np.arange(1, count + 1)
    monotone = np.minimum.accumulate(ranked[::-1])[::-1]
    q[order] = np.minimum(monotone, 1.0)
    return q.reshape(p.shape)
