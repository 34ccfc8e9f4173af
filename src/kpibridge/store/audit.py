"""The audit log: every state change appended, in the changer's own transaction, to a
hash chain that makes any later edit, deletion or reordering detectable.

Row ``n`` stores ``hash_n = SHA-256(hash_{n-1} + canonical JSON of row n)`` (``hash_0`` is 64
zeros), where the canonical JSON (sorted keys, no spaces, UTF-8) covers ``seq``, ``at``,
``actor``, ``action``, ``entity``, ``entity_id`` and ``detail``. Editing a row breaks its own
hash; deleting or moving one breaks the link (``prev_hash``) and the numbering of the next.
What a chain alone cannot show is a cut-off tail or a wholesale rewrite by someone who
recomputes every hash: for that, keep the ``head`` that ``verify`` prints somewhere else and
pass it back as ``anchor`` later.

Appends are serialized so that two writers never read the same tail: PostgreSQL takes a
transaction-scoped advisory lock, SQLite takes its database write lock before reading the
tail. Whatever the dialect, ``seq`` is the primary key, so a second writer that somehow read
a stale tail fails instead of forking the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kpibridge.store.audit_schema import AuditRow

GENESIS = "0" * 64
"""The ``prev_hash`` of the first row."""

_ADVISORY_LOCK_KEY = 0x6B7062_61756474  # "kpb" "audt": one lock for the one chain


@dataclass(frozen=True)
class AuditEntry:
    """One row of the log as readers see it."""

    seq: int
    at: datetime
    actor: str | None
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    hash: str

    def to_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "detail": self.detail,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain: ``ok``, or the first broken row and why."""

    ok: bool
    rows: int
    head: str | None
    broken_seq: int | None = None
    problem: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head": self.head,
            "broken_seq": self.broken_seq,
            "problem": self.problem,
        }


def record(
    session: Session,
    *,
    actor: str | None,
    action: str,
    entity: str,
    entity_id: str,
    detail: Mapping[str, object],
) -> None:
    """Append one event to the chain inside ``session``'s transaction (it commits or rolls
    back with the change it describes).

    ``detail`` must be JSON (str keys; str, int, float, bool, None, lists, dicts; no NaN):
    anything else raises ``TypeError``/``ValueError`` before a row is written.
    """
    body = canonical_json(dict(detail))
    _lock_chain(session)
    tail = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (tail[0] + 1, tail[1]) if tail is not None else (1, GENESIS)
    at = datetime.now(UTC)
    stored_detail = json.loads(body)
    row = AuditRow(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=stored_detail,
        prev_hash=prev_hash,
    )
    row.hash = chain_hash(prev_hash, _content(row))
    session.add(row)
    session.flush()


def verify(session: Session, *, anchor: str | None = None) -> VerifyResult:
    """Walk the chain from the first row; report the first row whose number, link or content
    is not what was written. ``anchor``: a ``head`` noted earlier, which must still be in
    the chain (catches a removed tail or a rewrite with recomputed hashes)."""
    expected_seq, prev_hash, rows = 1, GENESIS, 0
    anchor_found = anchor is None
    for row in _rows_in_order(session):
        if row.seq != expected_seq:
            return _broken(
                rows,
                prev_hash,
                row.seq,
                f"row {row.seq} follows row {expected_seq - 1}: "
                f"row {expected_seq} was deleted or renumbered",
            )
        if row.prev_hash != prev_hash:
            return _broken(
                rows,
                prev_hash,
                row.seq,
                f"row {row.seq} does not link to row {row.seq - 1} "
                "(a row was deleted, inserted or moved)",
            )
        if chain_hash(prev_hash, _content(row)) != row.hash:
            return _broken(
                rows, prev_hash, row.seq, f"row {row.seq} was changed after it was written"
            )
        anchor_found = anchor_found or row.hash == anchor
        expected_seq, prev_hash, rows = expected_seq + 1, row.hash, rows + 1
    head = prev_hash if rows else None
    if not anchor_found:
        return VerifyResult(
            False,
            rows,
            head,
            None,
            f"the anchor {anchor} is not in the log: rows were removed from "
            "its end or the log was rewritten",
        )
    return VerifyResult(True, rows, head)


def read(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    since: date | datetime | None = None,
) -> list[AuditEntry]:
    """Rows in chain order, optionally only those about ``entity`` (and ``entity_id``) and
    at or after ``since`` (a date means its midnight UTC; a naive datetime is taken as UTC)."""
    query = select(AuditRow).order_by(AuditRow.seq)
    if entity is not None:
        query = query.where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    if since is not None:
        query = query.where(AuditRow.at >= _as_utc(since))
    return [
        AuditEntry(
            row.seq,
            _as_utc(row.at),
            row.actor,
            row.action,
            row.entity,
            row.entity_id,
            row.detail,
            row.hash,
        )
        for row in session.scalars(query)
    ]


def canonical_json(value: object) -> str:
    """The one text form hashed: sorted keys, no spaces, UTF-8, no NaN or infinities."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def chain_hash(prev_hash: str, content: Mapping[str, object]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(content)).encode()).hexdigest()


def _content(row: AuditRow) -> dict[str, object]:
    return {
        "seq": row.seq,
        "at": _as_utc(row.at).isoformat(timespec="microseconds"),
        "actor": row.actor,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "detail": row.detail,
    }


def _rows_in_order(session: Session) -> Iterator[AuditRow]:
    yield from session.scalars(
        select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
    )


def _broken(rows: int, head: str, seq: int, problem: str) -> VerifyResult:
    return VerifyResult(False, rows, head if rows else None, seq, problem)


def _lock_chain(session: Session) -> None:
    """Hold the chain until this transaction ends, so that concurrent appends queue."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    elif dialect == "sqlite":
        # A write statement makes pysqlite BEGIN and SQLite take the write lock (waiting up to
        # busy_timeout); the tail read after it is then the latest one.
        session.execute(text("UPDATE audit_log SET seq = seq WHERE 0 = 1"))


def _as_utc(moment: date | datetime) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
