"""Build and sample the marketing mix model: PyMC-Marketing's MMM, sampled with nutpie.

The model (PyMC-Marketing's ``multidimensional.MMM``): the weekly outcome, scaled by its
maximum, is an intercept, plus per channel ``β · logistic(λ · adstock(spend / max spend))``
with a normalised geometric adstock over ``ADSTOCK_WEEKS``, plus yearly Fourier seasonality,
plus a linear trend, the US retail calendar (``calendar_events``) and the (standardised)
controls, plus Normal noise; PyMC-Marketing's default priors except the channel coefficients'
(scaled by spend share, ``build_mmm``) and the controls'. The last ``HOLDOUT_WEEKS``
are held out of the fit: the model predicts them from the spend alone, which gives the
out-of-sample error stored with it.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpibridge.errors import ModelInputError
from kpibridge.mmm.calendar_events import EVENTS, retail_events
from kpibridge.mmm.inputs import HOLDOUT_WEEKS, MIN_WEEKS, WeeklyData

#: Weeks a week's spend can keep working (the adstock window).
ADSTOCK_WEEKS = 8
#: Fourier modes of the yearly seasonality (sine and cosine pairs).
YEARLY_MODES = 6
TREND = "trend"


@dataclass(frozen=True)
class FitSettings:
    """How long to sample, and with what seed."""

    draws: int = 1000
    tune: int = 1000
    chains: int = 2
    seed: int = 0
    holdout_weeks: int = HOLDOUT_WEEKS
    #: Add the US retail calendar (``calendar_events``) as controls.
    retail_calendar: bool = True


@dataclass(frozen=True)
class FitRecord:
    """What is stored beside the posterior: the data, the settings, the holdout's error."""

    outcome: str
    channels: list[str]
    controls: list[str]
    weeks: list[str]
    spend: list[list[float]]
    y: list[float]
    settings: dict[str, Any]
    holdout_mape: float
    holdout_weeks: int
    control_means: dict[str, float] = field(default_factory=dict)
    control_sds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> FitRecord:
        return cls(**json.loads(text))

    @property
    def training_weeks(self) -> int:
        return len(self.weeks) - self.holdout_weeks


@contextmanager
def _quiet() -> Iterator[None]:
    """PyMC-Marketing and ArviZ warn about their own deprecations; not the user's concern."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def model_frame(
    data: WeeklyData, retail_calendar: bool = True
) -> tuple[pd.DataFrame, dict[str, float], dict[str, float]]:
    """The columns the model sees: date, channels, trend (years), standardised controls and
    (``retail_calendar``) the retail events."""
    frame = data.frame()
    frame[TREND] = np.arange(len(frame)) / 52.0
    if retail_calendar:
        events = retail_events(data.weeks)
        for name in EVENTS:
            frame[name] = events[name].to_numpy()
    means, sds = {}, {}
    for control in data.controls.columns:
        values = frame[control].astype(float)
        means[str(control)], sds[str(control)] = float(values.mean()), float(values.std()) or 1.0
        frame[control] = (values - means[str(control)]) / sds[str(control)]
    return frame, means, sds


def fixed_controls(settings: FitSettings) -> list[str]:
    """The controls every fit has: the trend, and the retail events when asked for."""
    return [TREND, *(EVENTS if settings.retail_calendar else ())]


def build_mmm(channels: list[str], controls: list[str], spend_share: list[float]) -> Any:
    """The unfitted PyMC-Marketing model.

    The channel coefficients' prior is PyMC-Marketing's recommended one: HalfNormal with a
    scale proportional to the channel's share of spend (``n_channels × share``), so that a
    small channel needs evidence before it is credited with a large part of the outcome. The
    controls' coefficients get Normal(0, 1) (they are standardised, or 0–1 events).
    """
    with _quiet():
        from pymc_extras.prior import Prior
        from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
        from pymc_marketing.mmm.multidimensional import MMM

        sigma = [len(channels) * share for share in spend_share]
        saturation = LogisticSaturation(
            priors={"beta": Prior("HalfNormal", sigma=sigma, dims="channel")}
        )
        return MMM(
            date_column="date",
            channel_columns=channels,
            target_column="y",
            control_columns=controls,
            adstock=GeometricAdstock(l_max=ADSTOCK_WEEKS),
            saturation=saturation,
            yearly_seasonality=YEARLY_MODES,
            model_config={"gamma_control": Prior("Normal", mu=0, sigma=1, dims="control")},
        )


def fit_mmm(
    data: WeeklyData, outcome: str, settings: FitSettings, *, progress: bool = True
) -> tuple[Any, FitRecord]:
    """Sample the model on all weeks but the holdout; return it and its record."""
    if len(data.weeks) - settings.holdout_weeks < MIN_WEEKS:
        raise ModelInputError(
            f"{len(data.weeks)} weeks leave {len(data.weeks) - settings.holdout_weeks} after "
            f"holding out the last {settings.holdout_weeks}; the fit needs {MIN_WEEKS}"
        )
    frame, means, sds = model_frame(data, settings.retail_calendar)
    controls = [str(c) for c in data.controls.columns]
    all_controls = [*fixed_controls(settings), *controls]
    columns = ["date", *data.channels, *all_controls]
    train = frame.iloc[: len(frame) - settings.holdout_weeks]
    test = frame.iloc[len(frame) - settings.holdout_weeks :]
    totals = train[data.channels].sum()
    mmm = build_mmm(data.channels, all_controls, (totals / totals.sum()).tolist())
    with _quiet():
        mmm.fit(
            train[columns],
            train["y"],
            nuts_sampler="nutpie",
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            random_seed=settings.seed,
            progressbar=progress,
        )
        mmm.add_original_scale_contribution_variable(var=["channel_contribution"])
        predicted = mmm.sample_posterior_predictive(
            test[columns],
            extend_idata=False,
            include_last_observations=True,
            progressbar=False,
            random_seed=settings.seed,
            var_names=["y"],
        )
    # the likelihood is on the outcome divided by its scale (PyMC-Marketing's max-abs scaling)
    target_scale = float(np.asarray(mmm.idata.constant_data["target_scale"]).ravel()[0])
    mean = np.asarray(predicted["y"].mean(dim="sample")).ravel() * target_scale
    actual = test["y"].to_numpy(dtype=float)
    mape = float(np.mean(np.abs(mean - actual) / np.abs(actual)))
    record = FitRecord(
        outcome=outcome,
        channels=data.channels,
        controls=controls,
        weeks=[str(d.date()) for d in data.weeks],
        spend=data.spend.to_numpy(dtype=float).tolist(),
        y=data.outcome.to_numpy(dtype=float).tolist(),
        settings=asdict(settings),
        holdout_mape=mape,
        holdout_weeks=settings.holdout_weeks,
        control_means=means,
        control_sds=sds,
    )
    return mmm, record


def load_mmm(path: str) -> Any:
    """The PyMC-Marketing model of a stored fit, rebuilt (for the budget optimiser)."""
    with _quiet():
        from pymc_marketing.mmm.multidimensional import MMM

        return MMM.load(path)
