"""Whether a fitted model's results may be shown: four checks, each with what to try.

* R-hat (max over the media, intercept, trend/control and noise parameters) ≤ 1.05: chains that
  disagree have not found the same posterior;
* effective sample size (bulk, min over the same) ≥ 100 per chain... in total ≥ ``MIN_ESS``:
  fewer independent draws make the 90% intervals themselves unreliable;
* divergent transitions ≤ 0.5% of the draws: the sampler could not explore part of the
  posterior, so the draws are biased;
* out-of-sample error (mean absolute percentage error of the posterior mean on the held-out
  last weeks) ≤ 20%: a model that cannot predict the weeks it did not see should not advise
  on budgets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_RHAT = 1.05
MIN_ESS = 200
MAX_DIVERGENT_SHARE = 0.005
MAX_HOLDOUT_MAPE = 0.20


@dataclass(frozen=True)
class Diagnostics:
    max_rhat: float
    min_ess: float
    divergences: int
    draws: int
    holdout_mape: float

    def failures(self) -> list[str]:
        """Each failed check, said with its value, the threshold and what to try."""
        failed = []
        if not self.max_rhat <= MAX_RHAT:
            failed.append(
                f"R-hat {self.max_rhat:.3f} > {MAX_RHAT}: the chains disagree; fit again with "
                "more --tune and --draws"
            )
        if not self.min_ess >= MIN_ESS:
            failed.append(
                f"effective sample size {self.min_ess:.0f} < {MIN_ESS}: too few independent "
                "draws for trustworthy intervals; fit again with more --draws or --chains"
            )
        if self.divergences > MAX_DIVERGENT_SHARE * self.draws:
            failed.append(
                f"{self.divergences} divergent transitions of {self.draws} draws (more than "
                f"{MAX_DIVERGENT_SHARE:.1%}): the sampler could not explore the posterior; fit "
                "again with more --tune, or fewer channels (merge small ones)"
            )
        if not self.holdout_mape <= MAX_HOLDOUT_MAPE:
            failed.append(
                f"out-of-sample error {self.holdout_mape:.1%} on the last weeks > "
                f"{MAX_HOLDOUT_MAPE:.0%}: the model does not predict weeks it has not seen; "
                "check the last weeks for unusual events, add controls (--control), or fit on a "
                "period without a break (--start)"
            )
        return failed

    @property
    def passed(self) -> bool:
        return not self.failures()

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "passed": self.passed, "failures": self.failures()}


def diagnose(idata: object, holdout_mape: float, parameters: list[str]) -> Diagnostics:
    """The diagnostics of sampled ``idata`` over the named ``parameters``."""
    import arviz as az

    posterior = idata.posterior  # type: ignore[attr-defined]
    present = [name for name in parameters if name in posterior]
    rhat = az.rhat(posterior[present])
    ess = az.ess(posterior[present], method="bulk")
    max_rhat = max(float(rhat[name].max()) for name in present)
    min_ess = min(float(ess[name].min()) for name in present)
    stats = idata.sample_stats  # type: ignore[attr-defined]
    divergences = int(stats["diverging"].sum())
    draws = int(stats["diverging"].size)
    return Diagnostics(max_rhat, min_ess, divergences, draws, holdout_mape)
