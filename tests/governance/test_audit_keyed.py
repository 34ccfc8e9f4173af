"""The audit chain under garbage and forgery (issue 15, items 15 and 16).

* A row whose time or detail is garbage is named, and checking goes on to the end.
* A row appended with a correctly computed SHA-256 hash (what anyone who can write to the
  database can do) passes the unkeyed chain, and even ``--anchor``, but not the key: each
  row carries HMAC-SHA256(key, hash) with a key kept outside the store (``audit_key``).
* ``audit head`` exports the head for an outside record; ``audit seal`` tags rows written
  before the chain was keyed, and refuses a broken chain.

The forged rows are computed here with hashlib from the documented rule, independently of
``audit.chain_hash``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from kpibridge.cli import governance
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.store import Store
from kpibridge.store.audit import record, seal, verify


def append(store: Store, count: int) -> None:
    for number in range(count):
        with store.transaction() as session:
            record(
                session,
                actor="ana",
                action="kpi.version",
                entity="kpi",
                entity_id=f"k{number}",
                detail={"n": number},
            )


def forge_row(store: Store, *, mac: str | None) -> None:
    """Append a row whose hash follows the documented rule exactly, as a database writer
    without the key would."""
    with store.engine.begin() as connection:
        seq, prev = connection.execute(
            text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        ).one()
        at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        content = {
            "seq": seq + 1,
            "at": at.isoformat(timespec="microseconds"),
            "actor": "mallory",
            "action": "kpi.version",
            "entity": "kpi",
            "entity_id": "cac",
            "detail": {"n": 99},
        }
        body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        connection.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, detail, "
                "prev_hash, hash, mac) VALUES (:seq, :at, 'mallory', 'kpi.version', 'kpi', "
                "'cac', :detail, :prev, :hash, :mac)"
            ),
            {
                "seq": seq + 1,
                "at": at.replace(tzinfo=None).isoformat(sep=" "),
                "detail": json.dumps({"n": 99}),
                "prev": prev,
                "hash": digest,
                "mac": mac,
            },
        )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    yield opened  # type: ignore[misc]
    opened.close()


def test_garbage_time_and_detail_are_named_and_checking_goes_on(store: Store) -> None:
    append(store, 6)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET at = 'not a time' WHERE seq = 2"))
        connection.execute(text("UPDATE audit_log SET detail = '{broken' WHERE seq = 4"))
    with store.transaction() as session:
        result = verify(session)
    assert not result.ok
    assert result.rows == 6  # to the end
    assert [seq for seq, _ in result.problems] == [2, 4]
    assert "row 2 cannot be read: its time 'not a time' is not a date-time" in result.problem  # type: ignore[operator]
    assert "row 4 cannot be read: its detail '{broken' is not JSON" in result.problems[1][1]


def test_a_forged_row_with_a_correct_hash_is_caught_only_by_the_key(store: Store) -> None:
    append(store, 3)
    with store.transaction() as session:
        anchor = verify(session).head
    forge_row(store, mac=None)
    with store.transaction() as session:
        unkeyed = verify(session, anchor=anchor, use_key=False)
        keyed = verify(session, anchor=anchor)
    assert unkeyed.ok  # the documented limit: a hash chain alone cannot tell
    assert not keyed.ok
    assert keyed.broken_seq == 4
    assert "carries no key tag" in keyed.problem  # type: ignore[operator]


def test_a_forged_row_with_a_guessed_tag_is_caught(store: Store) -> None:
    append(store, 2)
    forge_row(store, mac=hmac.new(b"another key", b"x", hashlib.sha256).hexdigest())
    with store.transaction() as session:
        result = verify(session)
    assert result.problems == ((3, "row 3 has a wrong key tag: it was not written by kpibridge"),)


def test_the_key_is_kept_outside_the_store_private(store: Store, tmp_path: Path) -> None:
    key_file = tmp_path / "audit_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert store.audit_key == key_file.read_text().strip().encode()
    append(store, 1)
    with store.engine.connect() as connection:
        mac = connection.execute(text("SELECT mac, hash FROM audit_log")).one()
    expected = hmac.new(key_file.read_text().strip().encode(), mac[1].encode(), hashlib.sha256)
    assert mac[0] == expected.hexdigest()


def test_seal_tags_rows_from_before_the_key_and_refuses_a_broken_chain(store: Store) -> None:
    append(store, 3)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET mac = NULL"))  # as before migration 0009
    with store.transaction() as session:
        before = verify(session)
    assert [seq for seq, _ in before.problems] == [1, 2, 3]
    assert "audit seal" in before.problem  # type: ignore[operator]
    with store.transaction() as session:
        assert seal(session) == [1, 2, 3]
    with store.transaction() as session:
        assert verify(session).ok
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET mac = NULL WHERE seq = 3"))
        connection.execute(text("UPDATE audit_log SET actor = 'eve' WHERE seq = 2"))
    with store.transaction() as session, pytest.raises(ValueError, match="not sealed"):
        seal(session)


def test_verify_head_and_anchor_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = typer.Typer()
    governance.audit.register(cli)
    root = tmp_path / "ws"
    create_workspace(root)
    store = Store.open(f"sqlite:///{root / '.kpibridge' / 'app.db'}")
    append(store, 4)
    runner = CliRunner()
    ws = ["-w", str(root)]
    exported = runner.invoke(cli, ["audit", "head", *ws])
    assert exported.exit_code == 0, exported.output
    head = json.loads(exported.stdout)
    assert head["seq"] == 4
    assert runner.invoke(cli, ["audit", "verify", "--anchor", head["hash"], *ws]).exit_code == 0
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET detail = 'garbage' WHERE seq = 1"))
        connection.execute(text("UPDATE audit_log SET at = '2026-13-45' WHERE seq = 3"))
    forge_row(store, mac=None)
    store.close()
    broken = runner.invoke(cli, ["audit", "verify", *ws])
    assert broken.exit_code == 1
    assert "Traceback" not in broken.output
    output = " ".join(broken.output.split())
    assert "3 problem(s) in 5 rows" in output
    for seq in (1, 3, 5):
        assert f"row {seq} " in output
