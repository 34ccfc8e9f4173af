"""The readout's forward pass and its marketers' numbers, against independent computations.

The reference adstock and saturation are the demo generator's (``kpibridge.demo.media``,
written separately, with ``np.convolve``); the model's own ``channel_contribution`` is compared
in the slow test that fits a model (``test_mmm_fit.py``).
"""

from __future__ import annotations

import numpy as np

from kpibridge.demo.media import adstock, logistic_saturation
from kpibridge.mmm.readout import Posterior, channel_readouts, response_curves


def _posterior(draws: int = 40, seed: int = 0) -> Posterior:
    rng = np.random.default_rng(seed)
    return Posterior(
        channels=["search", "video"],
        alpha=rng.uniform(0.05, 0.8, (draws, 2)),
        lam=rng.uniform(0.5, 3.0, (draws, 2)),
        beta=rng.uniform(0.05, 0.4, (draws, 2)),
        channel_scale=np.array([200.0, 90.0]),
        target_scale=5_000.0,
        l_max=8,
    )


def _spend(weeks: int = 30, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(80, 200, weeks), rng.uniform(0, 90, weeks)])


def test_contributions_match_the_demo_generators_formula() -> None:
    posterior, spend = _posterior(), _spend()
    got = posterior.contributions(spend)
    for d in (0, 17, 39):
        for c in range(2):
            carried = adstock(spend[:, c] / posterior.channel_scale[c], posterior.alpha[d, c])
            expected = (
                posterior.beta[d, c]
                * logistic_saturation(carried, posterior.lam[d, c])
                * posterior.target_scale
            )
            np.testing.assert_allclose(got[d, :, c], expected, rtol=1e-12)


def test_roas_and_marginal_roas_by_finite_differences() -> None:
    posterior, spend = _posterior(), _spend()
    (search, video) = channel_readouts(posterior, spend, recent_weeks=4)
    revenue = posterior.contributions(spend)[:, :, 0].sum(axis=1)
    roas = revenue / spend[:, 0].sum()
    assert abs(search.roas.mean - roas.mean()) < 1e-9
    assert search.roas.low == np.percentile(roas, 5)
    assert search.roas.high == np.percentile(roas, 95)
    # marginal ROAS below ROAS: the logistic curve is concave
    assert search.marginal_roas.mean < search.roas.mean
    assert video.marginal_roas.mean < video.roas.mean
    assert search.current_weekly_spend == spend[-4:, 0].mean()
    weights = posterior.alpha[:, 1, None] ** np.arange(8)
    delay = (weights * np.arange(8)).sum(axis=1) / weights.sum(axis=1)
    assert abs(video.carryover_weeks.mean - delay.mean()) < 1e-12


def test_response_curves_start_at_zero_and_mark_the_current_spend() -> None:
    posterior = _posterior()
    curves = response_curves(posterior, np.array([150.0, 60.0]), points=21, up_to=2.0)
    search = curves["search"]
    assert search["spend"][0] == 0
    assert search["mean"][0] == 0
    assert search["spend"][10] == 150.0  # the middle point is the current spend
    assert all(b >= a for a, b in zip(search["mean"], search["mean"][1:], strict=False))
    assert all(
        lo <= m <= hi
        for lo, m, hi in zip(search["low"], search["mean"], search["high"], strict=True)
    )
    x = 150.0 / 200.0
    steady = posterior.beta[:, 0] * logistic_saturation(x, posterior.lam[:, 0]) * 5_000.0
    assert abs(search["mean"][10] - steady.mean()) < 1e-9
