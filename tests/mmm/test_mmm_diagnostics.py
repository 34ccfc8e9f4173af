"""Each failed diagnostic is named with its value and what to try; passing ones say nothing."""

from __future__ import annotations

from kpibridge.mmm.diagnostics import Diagnostics


def test_a_good_fit_passes() -> None:
    good = Diagnostics(max_rhat=1.01, min_ess=800, divergences=2, draws=2000, holdout_mape=0.06)
    assert good.passed
    assert good.to_dict()["failures"] == []


def test_every_failure_is_named_with_what_to_try() -> None:
    bad = Diagnostics(max_rhat=1.2, min_ess=40, divergences=30, draws=2000, holdout_mape=0.35)
    failures = bad.failures()
    assert len(failures) == 4
    assert failures[0].startswith("R-hat 1.200 > 1.05")
    assert "--tune" in failures[0]
    assert failures[1].startswith("effective sample size 40 < 200")
    assert "--draws" in failures[1]
    assert failures[2].startswith("30 divergent transitions of 2000 draws")
    assert failures[3].startswith("out-of-sample error 35.0%")
    assert "--control" in failures[3]
    assert not bad.passed


def test_a_nan_rhat_fails() -> None:
    assert not Diagnostics(float("nan"), 500, 0, 1000, 0.05).passed
