"""Read and check the audit log of a workspace's app store (the chain itself lives in
``store/audit.py``; this is what the CLI and the web ask of it)."""

from __future__ import annotations

from datetime import date, datetime

from kpibridge.errors import GovernanceError
from kpibridge.store import Store
from kpibridge.store.audit import AuditEntry, Head, VerifyResult, head, read, seal, verify


def verify_log(store: Store, *, anchor: str | None = None) -> VerifyResult:
    """Check the whole chain (and that ``anchor``, a head noted earlier, is still in it)."""
    with store.transaction() as session:
        return verify(session, anchor=anchor)


def log_head(store: Store) -> Head | None:
    """The chain's last row, to note down outside the store (``audit head``)."""
    with store.transaction() as session:
        return head(session)


def seal_log(store: Store) -> list[int]:
    """Tag the rows written before the chain was keyed (``audit seal``); their numbers."""
    with store.transaction() as session:
        try:
            return seal(session)
        except ValueError as error:
            raise GovernanceError(str(error)) from None


def read_log(
    store: Store, *, kpi: str | None = None, since: date | datetime | None = None
) -> list[AuditEntry]:
    """The log in order; ``kpi``: only the events about that KPI (versions, proposals,
    approvals, reviews all name their KPI as the entity)."""
    with store.transaction() as session:
        if kpi is None:
            return read(session, since=since)
        return read(session, entity="kpi", entity_id=kpi, since=since)


def parse_since(text: str) -> date | datetime:
    """``YYYY-MM-DD`` (from that day's midnight UTC) or an ISO 8601 date-time."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise GovernanceError(
            f"--since {text!r} is not a date: use YYYY-MM-DD or an ISO date-time "
            "such as 2026-11-23T18:00:00+00:00"
        ) from None
