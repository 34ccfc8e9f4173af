"""A real fit on the demo (few draws): the readout against the model's own contributions,
and PyMC-Marketing's optimiser within constraints.

Slow (one nutpie fit: compilation, then 2 × (150 + 150) draws). Few draws do not converge, so
recovery of the planted ROAS is not judged here: ``benchmarks/mmm.py`` fits the full model and
prints how many channels' true ROAS fall inside their 90% interval (docs/allocation.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fixtures_demo import build_small_demo
from kpibridge.cli.app import app
from kpibridge.demo import generate
from kpibridge.demo.media import weekly_series
from kpibridge.errors import BudgetConstraintError
from kpibridge.mmm.demo_truth import demo_weekly
from kpibridge.mmm.diagnostics import diagnose
from kpibridge.mmm.fit import FitSettings, fit_mmm
from kpibridge.mmm.optimise import Constraints, plan_budget, pymc_optimiser
from kpibridge.services.allocation.results import posterior_of, report_of
from kpibridge.services.allocation.stored import StoredModel, load_model, model_path, save_model

pytestmark = pytest.mark.slow
WEEKS = 13


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, StoredModel, Path]:
    revenue, spend, engagement = weekly_series(generate(seed=7, scale=1.0))
    data = demo_weekly(revenue, spend, engagement)
    mmm, record = fit_mmm(
        data, "revenue", FitSettings(draws=150, tune=150, chains=2, seed=1), progress=False
    )
    diagnostics = diagnose(mmm.idata, record.holdout_mape, [rv.name for rv in mmm.model.free_RVs])
    root = tmp_path_factory.mktemp("mmm-fit")
    save_model(root, mmm, record, diagnostics)
    return mmm, load_model(root), root


def test_the_readout_reproduces_the_models_own_contributions(
    fitted: tuple[object, StoredModel, Path],
) -> None:
    _, stored, _ = fitted
    record = stored.record
    posterior = posterior_of(stored)
    ours = posterior.contributions(np.asarray(record.spend)[: record.training_weeks])
    # the model's own contributions, in the scaled units of its likelihood
    theirs = stored.idata.posterior["channel_contribution"].transpose(
        "chain", "draw", "date", "channel"
    )
    theirs = np.asarray(theirs.sel(channel=record.channels)).reshape(ours.shape)
    theirs = theirs * posterior.target_scale
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6 * np.abs(theirs).max())


@pytest.fixture(scope="module")
def optimiser(fitted: tuple[object, StoredModel, Path]):
    mmm, stored, _ = fitted
    first = np.datetime64(stored.record.weeks[-1]) + 7
    last = first + 7 * (WEEKS - 1)
    return pymc_optimiser(mmm, stored.record.channels, WEEKS, str(first), str(last))


def test_pymc_optimiser_beats_the_current_mix(
    fitted: tuple[object, StoredModel, Path], optimiser
) -> None:
    _, stored, _ = fitted
    current = np.asarray(stored.record.spend)[-WEEKS:].sum(axis=0)
    plan = plan_budget(
        posterior_of(stored), current, Constraints(budget=current.sum(), weeks=WEEKS), optimiser
    )
    assert plan.used_optimiser
    assert plan.optimised_outcome.mean > plan.comparison_outcome.mean
    display = stored.record.channels.index("display")
    assert plan.optimised[display] < plan.current[display]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    scale=st.floats(0.5, 1.5),
    max_change=st.none() | st.floats(0.05, 0.5),
    floor=st.sampled_from(["paid_search", "email", "video"]),
    floor_share=st.floats(0.0, 0.3),
)
def test_pymc_optimiser_plans_keep_random_constraints(
    fitted: tuple[object, StoredModel, Path],
    optimiser,
    scale: float,
    max_change: float | None,
    floor: str,
    floor_share: float,
) -> None:
    _, stored, _ = fitted
    current = np.asarray(stored.record.spend)[-WEEKS:].sum(axis=0)
    budget = scale * current.sum()
    constraints = Constraints(
        budget, WEEKS, {floor: floor_share * budget}, {"display": 0.05 * budget}, max_change
    )
    try:
        plan = plan_budget(posterior_of(stored), current, constraints, optimiser)
    except BudgetConstraintError:
        return
    x = plan.optimised
    channels = stored.record.channels
    assert abs(x.sum() - budget) <= 1e-6 * budget
    assert x[channels.index(floor)] >= floor_share * budget - 1e-6
    assert x[channels.index("display")] <= 0.05 * budget + 1e-6
    if max_change is not None:
        assert (np.abs(x - current) <= max_change * current + 1e-6).all()


def test_report_and_optimise_commands_on_a_workspace(
    fitted: tuple[object, StoredModel, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    _, stored, root = fitted
    workspace = build_small_demo(tmp_path_factory, "mmm-commands")
    model_path(workspace).parent.mkdir(parents=True)
    shutil.copy(model_path(root), model_path(workspace))
    runner = CliRunner()
    result = runner.invoke(
        app, ["mmm", "report", "--workspace", str(workspace), "--format", "json"]
    )
    if not stored.diagnostics.passed:  # few draws may not pass: then the refusal is the answer
        assert result.exit_code == 1
        assert "fails its diagnostics" in result.output
        return
    assert result.exit_code == 0, result.output
    report = report_of(stored).to_dict()
    assert '"marginal_roas"' in result.output
    assert len(report["channels"]) == 6
    result = runner.invoke(
        app,
        [
            "mmm",
            "optimise",
            "--budget",
            "150k",
            "--max-change",
            "0.5",
            "--workspace",
            str(workspace),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Expected media-driven outcome" in result.output
