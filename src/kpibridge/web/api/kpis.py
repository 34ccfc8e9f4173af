"""KPIs: list, definition (with explanation and lineage), values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kpibridge.errors import UnknownNameError
from kpibridge.model import Grain
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.governed_compute import governed_series
from kpibridge.services.metrics.kpi_detail import kpi_detail
from kpibridge.services.monitoring.drivers import kpi_drivers
from kpibridge.services.monitoring.evidence import kpi_evidence
from kpibridge.services.monitoring.monitor import watch
from kpibridge.web.api.records import frame_records
from kpibridge.web.api.schemas import KpiSummary, KpiValues, Me
from kpibridge.web.deps import Live, Viewer

router = APIRouter(tags=["kpis"])


@router.get("/me", response_model=Me, tags=["accounts"])
def me(account: Viewer) -> Me:
    """The caller's account."""
    return Me(**_record(account))


@router.get("/kpis", response_model=list[KpiSummary])
def list_kpis(_account: Viewer, live: Live) -> list[KpiSummary]:
    """Every KPI in use, in id order: as the app store's versions define it, the ones it
    retired left out (``GET /kpis/ID`` still answers for them)."""
    return [
        KpiSummary(
            id=kpi.id,
            name=kpi.name,
            type=kpi.type,
            description=kpi.description,
            goal=kpi.goal,
            owner=kpi.owner,
            nature=kpi.nature.value,
            format=kpi.format,
            unit=kpi.unit,
            review_every=kpi.review_every.value,
            url=f"/api/v1/kpis/{kpi.id}",
        )
        for kpi in sorted(live.workspace.live_kpis.values(), key=lambda k: k.id)
    ]


@router.get("/kpis/{kpi_id}")
def get_kpi(kpi_id: str, _account: Viewer, live: Live) -> dict[str, Any]:
    """The definition in force (the app store's latest version in effect, else the YAML),
    in words, as a formula, its lineage and the SQL it runs."""
    return live.remember(("detail", kpi_id), lambda ws: kpi_detail(ws, kpi_id)).as_record()


@router.get("/kpis/{kpi_id}/values", response_model=KpiValues)
def kpi_values(
    kpi_id: str,
    _account: Viewer,
    live: Live,
    grain: Grain | None = None,
    by: Annotated[list[str] | None, Query(max_length=1)] = None,
    start: date | None = None,
    end: date | None = None,
) -> KpiValues:
    """Values per period (and per value of the ``by`` dimension): ``start``/``end`` are
    inclusive dates; the periods containing them are included whole. ``targets`` gives the
    target band per period at the KPI's review grain."""
    kpi = live.workspace.kpis.get(kpi_id)
    chosen = grain or (kpi.review_every if kpi else Grain.MONTH)
    dimension = by[0] if by else None
    series = live.remember(
        ("series", kpi_id, chosen, dimension, start, end),
        lambda ws: governed_series(ws, live.store, kpi_id, chosen, dimension, start, end),
    )
    return KpiValues(
        kpi=series.kpi,
        grain=series.grain.value,
        by=series.by,
        values=frame_records(series.values),
        targets=frame_records(series.band),
    )


@router.get("/kpis/{kpi_id}/monitor")
def kpi_monitor(kpi_id: str, _account: Viewer, live: Live) -> dict[str, Any]:
    """What ``kpibridge monitor KPI`` says: status, trend, anomalies, shifts, forecast."""
    _known(live, kpi_id)
    return live.remember(("watch", kpi_id), lambda ws: watch(ws, [kpi_id])[0]).to_dict()


@router.get("/kpis/{kpi_id}/drivers")
def kpi_drivers_split(
    kpi_id: str,
    _account: Viewer,
    live: Live,
    by: str,
    before: Annotated[str, Query(alias="from", description="Period label, e.g. 2026-09.")],
    after: Annotated[str, Query(alias="to", description="Period of the same length.")],
) -> dict[str, object]:
    """Which values of ``by`` moved the KPI from one period to another (``kpibridge drivers``)."""
    _known(live, kpi_id)
    return live.remember(
        ("drivers", kpi_id, before, after, by),
        lambda ws: kpi_drivers(ws, kpi_id, before, after, by),
    ).to_dict()


@router.get("/kpis/{kpi_id}/evidence")
def kpi_lead_lag(
    kpi_id: str, _account: Viewer, live: Live, driver: str, grain: Grain = Grain.WEEK
) -> dict[str, Any]:
    """Does ``driver`` lead this KPI, at what lag, how strongly (``kpibridge evidence``)?"""
    _known(live, kpi_id)
    _known(live, driver)
    return live.remember(
        ("evidence", driver, kpi_id, grain),
        lambda ws: kpi_evidence(ws, driver, kpi_id, grain=grain),
    ).to_dict()


def _known(live: Live, kpi_id: str) -> None:
    kpis = live.workspace.kpis
    if kpi_id not in kpis:
        raise UnknownNameError("KPI", kpi_id, list(kpis))


def _record(account: Account) -> dict[str, Any]:
    return account.as_record()
