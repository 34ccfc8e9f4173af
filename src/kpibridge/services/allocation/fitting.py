"""``kpibridge mmm fit``: the workspace's weekly data into a stored, diagnosed model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kpibridge.mmm.diagnostics import Diagnostics, diagnose
from kpibridge.mmm.fit import FitRecord, FitSettings, fit_mmm
from kpibridge.services.allocation.stored import save_model
from kpibridge.services.allocation.weekly import weekly_data
from kpibridge.services.metrics.workspace import Workspace


@dataclass(frozen=True)
class FitOutcome:
    path: Path
    record: FitRecord
    diagnostics: Diagnostics


def fit_workspace_model(
    ws: Workspace,
    *,
    outcome: str = "revenue",
    controls: tuple[str, ...] = (),
    start: date | None = None,
    end: date | None = None,
    settings: FitSettings | None = None,
    progress: bool = True,
) -> FitOutcome:
    """Check the data (before sampling), fit, diagnose, and store the model.

    The model is stored even when a diagnostic fails (so that it can be inspected), with the
    failure recorded: ``results`` then refuses to present it.
    """
    data = weekly_data(ws, outcome, controls=controls, start=start, end=end)
    mmm, record = fit_mmm(data, outcome, settings or FitSettings(), progress=progress)
    parameters = [rv.name for rv in mmm.model.free_RVs]
    diagnostics = diagnose(mmm.idata, record.holdout_mape, parameters)
    path = save_model(ws.root, mmm, record, diagnostics)
    return FitOutcome(path, record, diagnostics)
