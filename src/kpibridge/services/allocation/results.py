"""``kpibridge mmm report``: what the stored model says, refused if its diagnostics failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kpibridge.errors import ModelDiagnosticsError
from kpibridge.mmm.fit import ADSTOCK_WEEKS
from kpibridge.mmm.readout import ChannelReadout, Posterior, channel_readouts, response_curves
from kpibridge.report.allocation_charts import response_curves_spec
from kpibridge.services.allocation.stored import StoredModel, load_model
from kpibridge.services.metrics.workspace import Workspace


def posterior_of(stored: StoredModel) -> Posterior:
    """The media parameters' draws (chains stacked) and the scales of the stored fit."""
    post = stored.idata.posterior
    channels = stored.record.channels

    def draws(name: str) -> np.ndarray:
        values = post[name].transpose("chain", "draw", "channel").sel(channel=channels)
        return np.asarray(values).reshape(-1, len(channels))

    constant = stored.idata.constant_data
    channel_scale = np.asarray(constant["channel_scale"].sel(channel=channels)).ravel()
    target_scale = float(np.asarray(constant["target_scale"]).ravel()[0])
    return Posterior(
        channels=channels,
        alpha=draws("adstock_alpha"),
        lam=draws("saturation_lam"),
        beta=draws("saturation_beta"),
        channel_scale=channel_scale,
        target_scale=target_scale,
        l_max=ADSTOCK_WEEKS,
    )


def trusted_model(stored: StoredModel) -> StoredModel:
    """The model, or ``ModelDiagnosticsError`` naming each failed diagnostic and what to try."""
    failures = stored.diagnostics.failures()
    if failures:
        raise ModelDiagnosticsError(
            "the stored model fails its diagnostics, so its results are not shown:\n- "
            + "\n- ".join(failures)
        )
    return stored


@dataclass(frozen=True)
class Report:
    outcome: str
    fitted_weeks: tuple[str, str]
    channels: list[ChannelReadout]
    curves: dict[str, dict[str, list[float]]]
    diagnostics: dict[str, Any]

    def chart_spec(self) -> dict[str, Any]:
        """The response curves as a Vega-Lite spec, current weekly spend marked."""
        current = {c.channel: c.current_weekly_spend for c in self.channels}
        return response_curves_spec(self.curves, current, outcome=self.outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "fitted_weeks": list(self.fitted_weeks),
            "interval": "90% credible (5th-95th percentile)",
            "channels": [asdict(c) for c in self.channels],
            "response_curves": self.curves,
            "diagnostics": self.diagnostics,
        }


def model_report(ws: Workspace) -> Report:
    """ROAS, marginal ROAS, carry-over and response curves of every channel."""
    return report_of(trusted_model(load_model(ws.root)))


def report_of(stored: StoredModel) -> Report:
    """The report of a stored model (whose diagnostics the caller has checked)."""
    record = stored.record
    posterior = posterior_of(stored)
    spend = np.asarray(record.spend)[: record.training_weeks]
    readouts = channel_readouts(posterior, spend)
    current = np.array([r.current_weekly_spend for r in readouts])
    return Report(
        outcome=record.outcome,
        fitted_weeks=(record.weeks[0], record.weeks[record.training_weeks - 1]),
        channels=readouts,
        curves=response_curves(posterior, current),
        diagnostics=stored.diagnostics.to_dict(),
    )
