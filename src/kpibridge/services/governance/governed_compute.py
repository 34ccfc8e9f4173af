"""A KPI's values per period as governed: ``kpibridge compute`` and the KPI page's chart with
the KPI versions of the app store applied (rules: :mod:`version_rules`).

Each period gets the definition version in force for it (a period is governed by the version
in force at its start, at any grain); the target band, at the review grain, the target
version in force for it. Every definition that governs some period is computed once over the
requested range — one computation when a single definition is in force (the workspace's own
engine when it says what the YAML says), more only when history spans several definitions.
A KPI with no versions, or no app store, is the YAML exactly as :meth:`Workspace.compute`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from kpibridge.errors import GovernanceError
from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.model import KPI, Grain
from kpibridge.services.governance.version_rules import KpiVersions, load_versions
from kpibridge.services.metrics.kpi_detail import KpiSeries, kpi_series, targets_band
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store

VERSION_COLUMN = "definition_version"


def governed_compute(
    ws: Workspace,
    store: Store | None,
    kpi_id: str,
    grain: Grain,
    by: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    today: date | None = None,
) -> pd.DataFrame:
    """:meth:`Workspace.compute` with the KPI's versions in effect on ``today`` applied;
    a versioned KPI's frame has a ``definition_version`` column."""
    versions = _versions(store, kpi_id, today)
    if versions is None:
        return ws.compute(kpi_id, grain, by=by, start=start, end=end)
    return _governed_frame(ws, versions, grain, tuple(by or ()), start, end)


def governed_series(
    ws: Workspace,
    store: Store | None,
    kpi_id: str,
    grain: Grain,
    by: str | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    today: date | None = None,
) -> KpiSeries:
    """The KPI page's series (:func:`kpi_series`) with the KPI's versions applied: values by
    the definition in force per period, the band by the target version in force per period."""
    versions = _versions(store, kpi_id, today)
    if versions is None:
        return kpi_series(ws, kpi_id, grain, by, start, end)
    values = _governed_frame(ws, versions, grain, (by,) if by else (), start, end)
    fiscal = ws.settings.fiscal_year_start
    latest = _latest_live(versions)
    judged_by = versions.judge(fiscal)
    periods = sorted({pd.Timestamp(p).date() for p in values["period"]})
    targets = [
        (period, judged_by(period)[2])
        for period in periods
        if grain is latest.review_every and versions.definition_for(period) is not None
    ]
    # the direction of the definition in force now (a version rarely turns it around)
    return KpiSeries(kpi_id, grain, by, values, targets_band(latest.direction, targets))


def _versions(store: Store | None, kpi_id: str, today: date | None) -> KpiVersions | None:
    if store is None:
        return None
    return load_versions(store, today or date.today(), kpi_id).get(kpi_id)


def _latest_live(versions: KpiVersions) -> KPI:
    """The latest definition in effect that is not a retirement (what the KPI is now)."""
    live = [row for row in versions.definitions if not row.retired]
    if not live:
        raise GovernanceError(
            f"KPI {versions.kpi_id!r} has no version in effect yet: "
            f"`kpibridge versions {versions.kpi_id}`"
        )
    return versions.kpi(live[-1], None)


def _governed_frame(
    ws: Workspace,
    versions: KpiVersions,
    grain: Grain,
    by: tuple[str, ...],
    start: date | None,
    end: date | None,
) -> pd.DataFrame:
    """The latest live definition computed over the range; the periods it does not govern
    taken from the definition that does (each computed once), retired periods left out."""
    latest = _latest_live(versions)
    request = KpiRequest(versions.kpi_id, grain, by, start, end)
    frame = _compute(ws, latest, request)
    periods = sorted({pd.Timestamp(p).date() for p in frame["period"]})
    owners = {period: versions.definition_for(period) for period in periods}
    frames = {}
    parts = []
    for period in periods:
        owner = owners[period]
        if owner is None:
            continue  # retired by then
        if owner.version not in frames:
            kpi = versions.kpi(owner, None)
            frames[owner.version] = frame if kpi == latest else _compute(ws, kpi, request)
        source = frames[owner.version]
        part = source[source["period"] == pd.Timestamp(period)]
        parts.append(part.assign(**{VERSION_COLUMN: owner.version}))
    if not parts:
        return frame.iloc[0:0].assign(**{VERSION_COLUMN: pd.Series(dtype="int64")})
    return pd.concat(parts, ignore_index=True)


def _compute(ws: Workspace, kpi: KPI, request: KpiRequest) -> pd.DataFrame:
    """``request`` with ``kpi`` as the KPI's definition: on the workspace's engine when the
    YAML says the same (targets aside: they do not change values), else on its own."""
    yaml = ws.kpis.get(kpi.id)
    if yaml is not None and yaml.model_copy(update={"targets": ()}) == kpi:
        return ws.engine.compute(request)
    engine = MetricEngine(
        ws.models, {**ws.kpis, kpi.id: kpi}, ws.backend, ws.settings.fiscal_year_start
    )
    return engine.compute(request)
