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
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import String, select, text, type_coerce
from sqlalchemy.orm import Session

from kpibridge.store.audit_key import row_mac
from kpibridge.store.audit_schema import AuditRow

AUDIT_KEY_INFO = "kpibridge.audit_key"
"""Where a session's ``info`` carries the store's audit key (set by ``Store``)."""

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
    """The outcome of checking the chain: ``ok``, or every broken row and why (the first in
    ``broken_seq``/``problem``). ``keyed``: the rows' key tags were checked too."""

    ok: bool
    rows: int
    head: str | None
    broken_seq: int | None = None
    problem: str | None = None
    problems: tuple[tuple[int | None, str], ...] = ()
    keyed: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head": self.head,
            "keyed": self.keyed,
            "broken_seq": self.broken_seq,
            "problem": self.problem,
            "problems": [{"seq": seq, "problem": problem} for seq, problem in self.problems],
        }


@dataclass(frozen=True)
class Head:
    """The last row of the chain, to be kept somewhere the store's writers cannot reach
    (a ticket, an e-mail, a signed commit) and passed back to ``verify --anchor`` later."""

    seq: int
    at: str
    hash: str

    def to_json(self) -> dict[str, object]:
        return {"seq": self.seq, "at": self.at, "hash": self.hash}


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
    key = session.info.get(AUDIT_KEY_INFO)
    row.mac = row_mac(key, row.hash) if key else None
    session.add(row)
    session.flush()


def verify(session: Session, *, anchor: str | None = None, use_key: bool = True) -> VerifyResult:
    """Walk the whole chain and report every row whose number, link, content or key tag is
    not what was written, or that cannot even be read (a garbage time or detail). Checking
    goes on past a broken row, from that row's stored hash, so one edit names one row.
    ``anchor``: a ``head`` noted earlier, which must still be in the chain (catches a removed
    tail or a rewrite with recomputed hashes even without the key). ``use_key=False``: the
    links and hashes only."""
    key: bytes | None = session.info.get(AUDIT_KEY_INFO) if use_key else None
    problems: list[tuple[int | None, str]] = []
    expected_seq, prev_hash, rows = 1, GENESIS, 0
    anchor_found = anchor is None
    for raw in _raw_rows(session):
        seq, stored_hash = raw.seq, raw.hash
        if seq != expected_seq:
            problems.append(
                (
                    seq,
                    f"row {seq} follows row {expected_seq - 1}: "
                    f"row {expected_seq} was deleted or renumbered",
                )
            )
        if raw.prev_hash != prev_hash:
            problems.append(
                (
                    seq,
                    f"row {seq} does not link to row {seq - 1} "
                    "(a row was deleted, inserted or moved)",
                )
            )
        content, unreadable = _raw_content(raw)
        if unreadable:
            problems.append((seq, f"row {seq} cannot be read: {unreadable}"))
        elif chain_hash(raw.prev_hash, content) != stored_hash:
            problems.append((seq, f"row {seq} was changed after it was written"))
        if key is not None:
            if raw.mac is None:
                problems.append(
                    (
                        seq,
                        f"row {seq} carries no key tag: it was written without the audit key "
                        "(before the chain was keyed: run 'kpibridge audit seal' once; "
                        "otherwise by someone writing to the database directly)",
                    )
                )
            elif not hmac.compare_digest(raw.mac, row_mac(key, stored_hash)):
                problems.append(
                    (seq, f"row {seq} has a wrong key tag: it was not written by kpibridge")
                )
        anchor_found = anchor_found or stored_hash == anchor
        expected_seq, prev_hash, rows = seq + 1, stored_hash, rows + 1
    head = prev_hash if rows else None
    if not anchor_found:
        problems.append(
            (
                None,
                f"the anchor {anchor} is not in the log: rows were removed from "
                "its end or the log was rewritten",
            )
        )
    if not problems:
        return VerifyResult(True, rows, head, keyed=key is not None)
    first_seq, first_problem = problems[0]
    return VerifyResult(
        False, rows, head, first_seq, first_problem, tuple(problems), keyed=key is not None
    )


def head(session: Session) -> Head | None:
    """The chain's last row (None when the log is empty), for an outside record."""
    raw = session.execute(
        select(AuditRow.seq, type_coerce(AuditRow.at, String), AuditRow.hash)
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).first()
    if raw is None:
        return None
    return Head(raw[0], str(raw[1]), raw[2])


def seal(session: Session) -> list[int]:
    """Tag the rows that carry no key tag yet (rows written before the chain was keyed),
    once the unkeyed chain is intact; their numbers. Refused while any row is broken, so
    that a tampered log is never sealed as if it were genuine."""
    key: bytes | None = session.info.get(AUDIT_KEY_INFO)
    if key is None:
        raise ValueError("this store has no audit key to seal with")
    checked = verify(session, use_key=False)
    if not checked.ok:
        raise ValueError(f"the audit log is broken ({checked.problem}); it is not sealed")
    sealed = []
    for row in session.scalars(select(AuditRow).where(AuditRow.mac.is_(None))):
        row.mac = row_mac(key, row.hash)
        sealed.append(row.seq)
    return sorted(sealed)


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


def _raw_rows(session: Session) -> Iterator[Any]:
    """Every row as stored, its time and detail as raw text (not parsed by the column
    types, which would raise on garbage before the row could be named)."""
    yield from session.execute(
        select(
            AuditRow.seq,
            type_coerce(AuditRow.at, String).label("at"),
            AuditRow.actor,
            AuditRow.action,
            AuditRow.entity,
            AuditRow.entity_id,
            type_coerce(AuditRow.detail, String).label("detail"),
            AuditRow.prev_hash,
            AuditRow.hash,
            AuditRow.mac,
        )
        .order_by(AuditRow.seq)
        .execution_options(yield_per=1000)
    )


def _raw_content(raw: Any) -> tuple[dict[str, object], str | None]:
    """The hashed content of a raw row, or the reason it cannot be read."""
    try:
        at = raw.at if isinstance(raw.at, datetime) else datetime.fromisoformat(str(raw.at))
    except ValueError:
        return {}, f"its time {str(raw.at)[:40]!r} is not a date-time"
    try:
        detail = json.loads(raw.detail) if isinstance(raw.detail, str | bytes) else raw.detail
    except ValueError:
        return {}, f"its detail {str(raw.detail)[:40]!r} is not JSON"
    return {
        "seq": raw.seq,
        "at": _as_utc(at).isoformat(timespec="microseconds"),
        "actor": raw.actor,
        "action": raw.action,
        "entity": raw.entity,
        "entity_id": raw.entity_id,
        "detail": detail,
    }, None


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
