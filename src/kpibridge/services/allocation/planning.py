"""``kpibridge mmm optimise``: a budget plan from the stored model, within the constraints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpibridge.mmm.fit import load_mmm
from kpibridge.mmm.optimise import Constraints, Plan, WeeklyOptimiser, plan_budget, pymc_optimiser
from kpibridge.services.allocation.results import posterior_of, trusted_model
from kpibridge.services.allocation.stored import StoredModel, load_model, model_path
from kpibridge.services.metrics.workspace import Workspace


def last_period_spend(stored: StoredModel, weeks: int) -> np.ndarray:
    """Each channel's spend over the last ``weeks`` weeks of the data (the current plan)."""
    return np.asarray(stored.record.spend)[-weeks:].sum(axis=0)


def stored_optimiser(ws: Workspace, stored: StoredModel, weeks: int) -> WeeklyOptimiser:
    """PyMC-Marketing's optimiser on the stored model, for the ``weeks`` after the data."""
    first = pd.Timestamp(stored.record.weeks[-1]) + pd.Timedelta(days=7)
    last = first + pd.Timedelta(days=7 * (weeks - 1))
    mmm = load_mmm(str(model_path(ws.root)))
    return pymc_optimiser(mmm, stored.record.channels, weeks, str(first.date()), str(last.date()))


def optimise_budget(
    ws: Workspace, constraints: Constraints, optimiser: WeeklyOptimiser | None = None
) -> Plan:
    """The plan for ``constraints.weeks`` weeks after the data, against the current mix."""
    stored = trusted_model(load_model(ws.root))
    current = last_period_spend(stored, constraints.weeks)
    solve = optimiser or stored_optimiser(ws, stored, constraints.weeks)
    return plan_budget(posterior_of(stored), current, constraints, solve)
