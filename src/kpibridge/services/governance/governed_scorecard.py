"""The scorecard as governed: when the app store holds KPI versions, each KPI is shown as the
versions in force make it, period by period (rules: :mod:`version_rules`).

* A versioned KPI is computed with its latest definition in effect on the day (``as_of``,
  else today) and judged, period by period, against the target version in force for that
  period; a KPI whose versions all take effect later, or whose latest is a retirement, is off
  the scorecard (KPIs built on it still see its definition).
* Periods an older definition keeps (``as_reported``) are computed again under that
  definition: one more warehouse query per older definition, and only for KPIs whose window
  spans several definitions. A KPI with one definition in its window costs nothing extra:
  it is part of the scorecard's merged queries like any other.
* A KPI with no versions, or a workspace with no app store, is computed from the workspace
  YAML exactly as :func:`build_scorecard` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.metrics.grains import add_periods
from kpibridge.model import KPI, Grain, Target
from kpibridge.services.governance.version_rules import DefinitionRow, KpiVersions, load_versions
from kpibridge.services.metrics.scorecard import (
    HISTORY_PERIODS,
    Scorecard,
    ScorecardRow,
    period_values,
    scorecard_last_days,
    scorecard_row,
    scorecard_windows,
)
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store


def governed_scorecard(
    ws: Workspace, store: Store | None, as_of: date | None = None, *, today: date | None = None
) -> Scorecard:
    """The workspace's scorecard with the KPI versions of ``store`` applied (None: no app
    store, the YAML alone). Versions count when in effect on ``as_of``, else on ``today``
    (default: the current date)."""
    if store is None:
        return ws.scorecard(as_of)
    versions = load_versions(store, as_of or today or date.today())
    if not versions:
        return ws.scorecard(as_of)
    return build_governed_scorecard(ws.engine, versions, as_of)


def governed_kpis(
    kpis: Mapping[str, KPI], versions: Mapping[str, KpiVersions]
) -> tuple[dict[str, KPI], list[str]]:
    """(every KPI as its latest version in effect makes it — the YAML where it has none —,
    the ids the scorecard shows, in YAML order then the app store's other live KPIs)."""
    definitions = dict(kpis)
    shown = []
    for kpi_id in [*kpis, *sorted(set(versions) - set(kpis))]:
        found = versions.get(kpi_id)
        latest = found.in_force if found is not None else None
        if found is None:
            shown.append(kpi_id)
        elif latest is not None and not latest.retired:
            definitions[kpi_id] = found.kpi(latest, found.targets[-1] if found.targets else None)
            shown.append(kpi_id)
    return definitions, shown


def build_governed_scorecard(
    engine: MetricEngine,
    versions: Mapping[str, KpiVersions],
    as_of: date | None = None,
    *,
    kpis: Sequence[str] | None = None,
) -> Scorecard:
    """The scorecard of ``engine``'s KPIs with ``versions`` (see the module docstring);
    ``kpis``: only those of them on the scorecard, in that order (the monitor's status)."""
    definitions, shown = governed_kpis(engine.kpis, versions)
    if kpis is not None:
        on_scorecard = set(shown)
        shown = [kpi_id for kpi_id in kpis if kpi_id in on_scorecard]
    if definitions != engine.kpis:
        engine = MetricEngine(engine.models, definitions, engine.backend, engine.fiscal_year_start)
    before = engine.query_log.count
    chosen = [definitions[kpi_id] for kpi_id in shown]
    last_days = scorecard_last_days(engine, chosen, as_of)
    windows = scorecard_windows(engine, chosen, as_of, last_days)
    frames = engine.compute_many([w for w in windows.values() if w is not None])
    extra_queries = 0
    rows = []
    for kpi in chosen:
        request = windows[kpi.id]
        values = period_values(frames[request]) if request is not None else {}
        found = versions.get(kpi.id)
        if found is None or request is None or request.end is None:
            rows.append(
                scorecard_row(
                    kpi,
                    request.end if request else None,
                    values,
                    engine.fiscal_year_start,
                    last_day=last_days[kpi.id],
                )
            )
            continue
        row, queries = _governed_row(
            engine, definitions, kpi, found, request.end, values, last_days[kpi.id]
        )
        rows.append(row)
        extra_queries += queries
    return Scorecard(tuple(rows), engine.query_log.count - before + extra_queries)


def _governed_row(
    engine: MetricEngine,
    definitions: Mapping[str, KPI],
    kpi: KPI,
    found: KpiVersions,
    end: date,
    values: dict[date, float | None],
    last_day: date | None = None,
) -> tuple[ScorecardRow, int]:
    """The row of a versioned KPI: periods an older definition keeps recomputed under it,
    each period judged by its own versions. Returns the row and the extra queries run."""
    fiscal, grain = engine.fiscal_year_start, kpi.review_every
    periods = [add_periods(end, -back, grain) for back in range(HISTORY_PERIODS)]
    latest = found.in_force
    kept: dict[int, list[date]] = {}
    older: dict[int, DefinitionRow] = {}
    values = dict(values)
    for period in periods:
        owner = found.definition_for(period)
        if owner is None:
            values.pop(period, None)  # retired at the time: no value
        elif latest is None or owner.version != latest.version:
            kept.setdefault(owner.version, []).append(period)
            older[owner.version] = owner
    queries = 0
    for version, owned in kept.items():
        recomputed, count = _values_under(engine, definitions, found, older[version], grain, owned)
        queries += count
        for period in owned:
            if period in recomputed:
                values[period] = recomputed[period]
            else:
                values.pop(period, None)

    judged_by = found.judge(fiscal)

    def judge(period: date) -> tuple[KPI, Target | None]:
        if found.definition_for(period) is None:
            return kpi, None  # retired then: no target
        judged, _, target = judged_by(period)
        return judged, target

    owner = found.definition_for(end)
    targets = found.targets_for(end) if owner is not None else None
    row = scorecard_row(
        kpi,
        end,
        values,
        fiscal,
        judge=judge,
        versions=(owner.version if owner else None, targets.version if targets else None),
        last_day=last_day,
    )
    return row, queries


def _values_under(
    engine: MetricEngine,
    definitions: Mapping[str, KPI],
    found: KpiVersions,
    definition: DefinitionRow,
    grain: Grain,
    periods: list[date],
) -> tuple[dict[date, float | None], int]:
    """The KPI's values over ``periods`` with ``definition`` (at the scorecard's grain),
    from one engine where that definition replaces the one in force; and its query count."""
    kpi = found.kpi(definition, None).model_copy(update={"review_every": grain})
    other = MetricEngine(
        engine.models, {**definitions, found.kpi_id: kpi}, engine.backend, engine.fiscal_year_start
    )
    request = KpiRequest(found.kpi_id, grain, start=min(periods), end=max(periods))
    frame = other.compute(request)  # one query (compute_many runs one per model)
    return period_values(frame), other.query_log.count
