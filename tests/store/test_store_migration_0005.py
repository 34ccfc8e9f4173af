"""Migration 0005 (seats frozen on proposals, proposal ↔ round links) up and down, on SQLite
and on a real PostgreSQL, with rows in the tables: a proposal made before 0005 keeps its
rows and gets ``seats`` NULL (the documented fall-back), and going back to 0004 loses
nothing but the new column and table — SQLite rebuilds ``proposals`` to drop a column, which
must not cascade to the decisions that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kpibridge.store import Base, Store
from postgres_databases import fresh_postgres_database

PROPOSAL = """
INSERT INTO proposals (id, kpi_id, kind, status, author, created_at, updated_at, rationale,
    definition, targets, base_version, base_target_version, effective_from, restatement,
    revision)
VALUES (7, 'cac', 'new_target', 'open', 'cmo', :now, :now, 'tighter', NULL,
    '[{"value": 45}]', 1, 1, '2026-01-01', 'restate', 1)
"""
DECISION = """
INSERT INTO proposal_decisions (proposal_id, revision, username, stakeholder_id, decision,
    comment, at)
VALUES (7, 1, 'growth', 'head-of-growth', 'approve', '', :now)
"""
ROUND = """
INSERT INTO rounds (id, name, question, select_count, anonymous, status, source, created_at)
VALUES (3, 'cac-showdown', 'Which CAC?', 1, false, 'open', 'web', :now)
"""
LINK = """
INSERT INTO proposal_rounds (round_id, proposal_id, candidate, revision, created_at)
VALUES (3, 7, 'proposal-7', 1, :now)
"""
NOW = {"now": "2026-11-23 12:00:00+00:00"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store.open(f"sqlite:///{tmp_path / 'app.db'}", migrate=False)
        yield opened
        opened.close()
    else:
        with fresh_postgres_database("kpibridge_m0005") as url:
            opened = Store.open(url, migrate=False)
            yield opened
            opened.close()


def columns(store: Store, table: str) -> set[str]:
    return {column["name"] for column in inspect(store.engine).get_columns(table)}


def test_0005_up_and_down_keeps_every_row(unmigrated: Store) -> None:
    store = unmigrated
    store.migrate("0004")
    with store.engine.begin() as connection:
        connection.execute(text(PROPOSAL), NOW)
        connection.execute(text(DECISION), NOW)
        connection.execute(text(ROUND), NOW)
    assert "seats" not in columns(store, "proposals")

    store.migrate("0005")
    assert "seats" in columns(store, "proposals")
    with store.engine.begin() as connection:
        # an older proposal: no seats frozen (computed at its first action, see the docs)
        assert connection.execute(text("SELECT seats FROM proposals WHERE id = 7")).one() == (None,)
        connection.execute(text(LINK), NOW)
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(LINK), NOW)  # one link per round and proposal

    store.downgrade("0004")
    assert "proposal_rounds" not in inspect(store.engine).get_table_names()
    assert "seats" not in columns(store, "proposals")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT id, rationale FROM proposals")).all() == [
            (7, "tighter")
        ]
        assert connection.execute(
            text("SELECT proposal_id, username, decision FROM proposal_decisions")
        ).all() == [(7, "growth", "approve")]
        assert connection.execute(text("SELECT name FROM rounds")).all() == [("cac-showdown",)]

    store.migrate()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.execute(text("SELECT count(*) FROM proposal_decisions")).scalar() == 1


def test_deleting_a_round_deletes_its_links_not_the_proposals(unmigrated: Store) -> None:
    store = unmigrated
    store.migrate()
    with store.engine.begin() as connection:
        connection.execute(text(PROPOSAL), NOW)
        connection.execute(text(ROUND), NOW)
        connection.execute(text(LINK), NOW)
        connection.execute(text("DELETE FROM rounds WHERE id = 3"))
        assert connection.execute(text("SELECT count(*) FROM proposal_rounds")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM proposals")).scalar() == 1
