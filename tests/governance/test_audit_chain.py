"""The audit log's hash chain on SQLite and PostgreSQL: appends in the caller's transaction,
tampering (edit, delete, reorder, cut tail) detected at the first broken row, concurrent
writers serialized into one unforked chain.

The expected hashes are recomputed here with hashlib from the documented rule
(SHA-256 of the previous hash + canonical JSON), independently of ``audit.chain_hash``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from kpibridge.store import Store
from kpibridge.store.audit import GENESIS, read, record, verify


def append(store: Store, count: int, *, entity: str = "kpi", prefix: str = "k") -> None:
    for number in range(count):
        with store.transaction() as session:
            record(
                session,
                actor="ana",
                action="kpi.version",
                entity=entity,
                entity_id=f"{prefix}{number}",
                detail={"n": number, "note": "é ünïcode"},
            )


def test_rows_chain_by_the_documented_rule(app_store: Store) -> None:
    append(app_store, 3)
    with app_store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash "
                "FROM audit_log ORDER BY seq"
            )
        ).all()
    previous = GENESIS
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        detail = row.detail if isinstance(row.detail, dict) else json.loads(row.detail)
        content = {
            "seq": row.seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": row.actor,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "detail": detail,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.prev_hash == previous
        assert row.hash == hashlib.sha256((previous + canonical).encode()).hexdigest()
        previous = row.hash
    assert [row.seq for row in rows] == [1, 2, 3]
    with app_store.transaction() as session:
        result = verify(session)
    assert (result.ok, result.rows, result.head) == (True, 3, previous)


def test_a_rolled_back_change_leaves_no_audit_row(app_store: Store) -> None:
    def failing_change() -> None:
        with app_store.transaction() as session:
            record(session, actor=None, action="x", entity="kpi", entity_id="a", detail={})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    with app_store.transaction() as session:
        assert read(session) == []


def test_detail_that_is_not_json_is_refused_before_writing(app_store: Store) -> None:
    with pytest.raises(TypeError), app_store.transaction() as session:
        record(
            session,
            actor=None,
            action="x",
            entity="kpi",
            entity_id="a",
            detail={"when": datetime.now(UTC)},
        )
    with pytest.raises(ValueError, match="not JSON compliant"), app_store.transaction() as session:
        record(
            session,
            actor=None,
            action="x",
            entity="kpi",
            entity_id="a",
            detail={"value": float("nan")},
        )
    with app_store.transaction() as session:
        assert verify(session).rows == 0


TAMPERING = {
    "edit detail": (
        'UPDATE audit_log SET detail = \'{"n": 99, "note": "x"}\' WHERE seq = 3',
        3,
        "changed after it was written",
    ),
    "edit actor": (
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
        2,
        "changed after it was written",
    ),
    "delete a middle row": ("DELETE FROM audit_log WHERE seq = 3", 4, "row 3 was deleted"),
    "delete the first row": ("DELETE FROM audit_log WHERE seq = 1", 2, "row 1 was deleted"),
    "swap two rows' places": (
        "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;"
        " UPDATE audit_log SET seq = 3 WHERE seq = -2",
        2,
        "does not link",
    ),
    "swap two rows' contents": (
        "UPDATE audit_log SET entity_id = CASE entity_id WHEN 'k1' THEN 'k2' ELSE 'k1' END "
        "WHERE seq IN (2, 3)",
        2,
        "changed after it was written",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_is_found_at_the_first_broken_row(app_store: Store, case: str) -> None:
    append(app_store, 5)
    statement, broken, reason = TAMPERING[case]
    with app_store.engine.begin() as connection:
        for part in statement.split(";"):
            assert connection.execute(text(part)).rowcount >= 1
    with app_store.transaction() as session:
        result = verify(session)
    assert not result.ok
    assert result.broken_seq == broken
    assert result.problem is not None
    assert reason in result.problem


def test_recomputing_the_edited_row_hash_still_breaks_the_next_link(app_store: Store) -> None:
    append(app_store, 4)
    with app_store.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = 2"), {"h": "f" * 64}
        )
    with app_store.transaction() as session:
        result = verify(session)
    assert (result.ok, result.broken_seq) == (False, 2)


def test_a_cut_off_tail_is_found_only_with_an_anchor(app_store: Store) -> None:
    append(app_store, 4)
    with app_store.transaction() as session:
        anchor = verify(session).head
    with app_store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    with app_store.transaction() as session:
        assert verify(session).ok  # a chain alone cannot see its missing end
        result = verify(session, anchor=anchor)
    assert not result.ok
    assert result.problem is not None
    assert "anchor" in result.problem


def test_read_filters_by_entity_and_time(app_store: Store) -> None:
    append(app_store, 2, entity="kpi", prefix="k")
    append(app_store, 1, entity="user", prefix="u")
    with app_store.transaction() as session:
        assert [e.entity_id for e in read(session, entity="kpi")] == ["k0", "k1"]
        assert [e.seq for e in read(session, entity="kpi", entity_id="k1")] == [2]
        everything = read(session)
        assert [e.seq for e in everything] == [1, 2, 3]
        assert read(session, since=datetime.now(UTC) + timedelta(minutes=1)) == []
        assert len(read(session, since=everything[0].at.date())) == 3
        assert everything[0].detail == {"n": 0, "note": "é ünïcode"}


def test_concurrent_writers_make_one_unforked_chain(app_store: Store) -> None:
    """Eight threads, each appending 15 rows in transactions that also read the tail: the
    lock queues them, so none fails and the chain has 120 linked rows."""
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            append(app_store, 15, prefix=f"w{number}-")
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app_store.transaction() as session:
        result = verify(session)
    assert (result.ok, result.rows) == (True, 120)
