"""What a fitted model says, in marketers' words, from its posterior draws.

Everything here is numpy on the stored draws of each channel's adstock rate ``α``,
saturation ``λ`` and coefficient ``β``: the forward pass of PyMC-Marketing's geometric adstock
and logistic saturation, written out (and tested against the model's own
``channel_contribution``). That makes response curves and scenario answers a matter of
milliseconds, with no model rebuilt and no sampling.

* ROAS: the channel's modelled revenue over the fitted weeks divided by its spend;
* marginal ROAS: the revenue of one more dollar, spread over the fitted weeks like the
  channel's spend (a 1% rise, divided by 1% of the spend);
* carry-over: the mean delay of the adstock weights, in weeks;
* response curve: the channel's modelled revenue per week if its spend were a constant
  ``x`` per week, in the steady state.

Intervals are equal-tailed 90% credible intervals (5th and 95th percentiles of the draws).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
LOW, HIGH = 5.0, 95.0


@dataclass(frozen=True)
class Posterior:
    """Draws (rows) per channel (columns) of the media parameters, and the scales."""

    channels: list[str]
    alpha: FloatArray
    lam: FloatArray
    beta: FloatArray
    channel_scale: FloatArray
    target_scale: float
    l_max: int

    def weights(self) -> FloatArray:
        """Normalised adstock weights: draws × channels × lags."""
        lags = np.arange(self.l_max)
        raw = self.alpha[:, :, None] ** lags
        return raw / raw.sum(axis=2, keepdims=True)

    def contributions(self, spend: FloatArray) -> FloatArray:
        """Modelled revenue per draw, week and channel for weekly ``spend`` (weeks × channels)."""
        x = spend / self.channel_scale
        weights = self.weights()
        weeks = spend.shape[0]
        carried = np.zeros((weights.shape[0], weeks, len(self.channels)))
        for lag in range(self.l_max):
            if lag >= weeks:
                break
            shifted = np.zeros_like(x)
            shifted[lag:] = x[: weeks - lag]
            carried += weights[:, None, :, lag] * shifted[None]
        lam = self.lam[:, None, :]
        saturated = (1 - np.exp(-lam * carried)) / (1 + np.exp(-lam * carried))
        return saturated * self.beta[:, None, :] * self.target_scale

    def steady_response(self, weekly_spend: FloatArray) -> FloatArray:
        """Revenue per week, per draw (rows) and spend level (columns), of one channel column
        ``c`` is taken from the last axis of ``weekly_spend``: shape (levels, channels)."""
        x = weekly_spend / self.channel_scale
        lam = self.lam[:, None, :]
        saturated = (1 - np.exp(-lam * x[None])) / (1 + np.exp(-lam * x[None]))
        return saturated * self.beta[:, None, :] * self.target_scale


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, draws: FloatArray) -> Interval:
        low, high = np.percentile(draws, [LOW, HIGH])
        return cls(float(np.mean(draws)), float(low), float(high))


@dataclass(frozen=True)
class ChannelReadout:
    channel: str
    spend: float
    current_weekly_spend: float
    roas: Interval
    marginal_roas: Interval
    carryover_weeks: Interval
    contribution: Interval


def channel_readouts(
    posterior: Posterior, spend: FloatArray, recent_weeks: int = 12
) -> list[ChannelReadout]:
    """ROAS, marginal ROAS, carry-over and contribution of every channel over ``spend``."""
    base = posterior.contributions(spend)
    more = posterior.contributions(spend * 1.01)
    total = spend.sum(axis=0)
    weights = posterior.weights()
    carryover = (weights * np.arange(posterior.l_max)).sum(axis=2)
    readouts = []
    for column, channel in enumerate(posterior.channels):
        revenue = base[:, :, column].sum(axis=1)
        extra = more[:, :, column].sum(axis=1) - revenue
        readouts.append(
            ChannelReadout(
                channel=channel,
                spend=float(total[column]),
                current_weekly_spend=float(spend[-recent_weeks:, column].mean()),
                roas=Interval.of(revenue / total[column]),
                marginal_roas=Interval.of(extra / (0.01 * total[column])),
                carryover_weeks=Interval.of(carryover[:, column]),
                contribution=Interval.of(revenue),
            )
        )
    return readouts


def response_curves(
    posterior: Posterior, current: FloatArray, points: int = 21, up_to: float = 2.0
) -> dict[str, dict[str, list[float]]]:
    """Each channel's steady weekly revenue at 0 .. ``up_to`` × its current weekly spend."""
    levels = np.linspace(0.0, up_to, points)[:, None] * current[None, :]
    response = posterior.steady_response(levels)
    curves = {}
    for column, channel in enumerate(posterior.channels):
        low, high = np.percentile(response[:, :, column], [LOW, HIGH], axis=0)
        curves[channel] = {
            "spend": levels[:, column].tolist(),
            "mean": response[:, :, column].mean(axis=0).tolist(),
            "low": low.tolist(),
            "high": high.tolist(),
        }
    return curves


def readout_dict(readout: ChannelReadout) -> dict[str, object]:
    return asdict(readout)
