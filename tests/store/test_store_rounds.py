"""The round tables on SQLite and on a real PostgreSQL (scripts/postgres.sh; the URL in
$KPIBRIDGE_TEST_POSTGRES_URL — without it the PostgreSQL cases fail, never skip): the
migration creates and removes them, the database itself refuses a second live ballot, and
concurrent submissions store every acknowledged ballot exactly once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kpibridge.errors import KpibridgeError, RoundStateError
from kpibridge.model.rounds import Ballot, Round
from kpibridge.services.rounds import ballots, round_records, stored_rounds
from kpibridge.store import Store
from kpibridge.store.rounds_schema import BallotRecord, RoundRecord
from postgres_databases import fresh_postgres_database

ROUND_TABLES = {"rounds", "round_candidates", "round_criteria", "round_participants", "ballots"}
PEOPLE = tuple(f"p{i:02d}" for i in range(50))


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_postgres_database("kpibridge_rounds") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    opened = Store.open(url)
    yield opened
    opened.close()


def insert_round(store: Store, participants: tuple[str, ...] = PEOPLE) -> None:
    """A round straight into the store (no workspace needed: the checks of create_round
    against KPIs and stakeholders are covered by the web tests)."""
    spec = Round(
        id="r",
        question="Q?",
        candidates=("a", "b", "c"),
        participants=participants,
        criteria=("measurability",),
        select=2,
    )
    with store.transaction() as session:
        round_records.insert_round(session, spec, source="web", created_by="test")


def test_the_migration_adds_and_removes_the_round_tables(store: Store) -> None:
    assert set(inspect(store.engine).get_table_names()) >= ROUND_TABLES
    indexes = {i["name"]: i for i in inspect(store.engine).get_indexes("ballots")}
    assert indexes["uq_ballots_live"]["unique"]
    store.downgrade("0002")
    assert not ROUND_TABLES & set(inspect(store.engine).get_table_names())
    store.migrate()
    assert set(inspect(store.engine).get_table_names()) >= ROUND_TABLES


def test_the_database_refuses_a_second_live_ballot(store: Store) -> None:
    insert_round(store)
    with store.transaction() as session:
        round_id = session.scalar(text("SELECT id FROM rounds WHERE name = 'r'"))
        session.add(BallotRecord(round_id=round_id, participant="p00", content={}))
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(BallotRecord(round_id=round_id, participant="p00", content={}))
    with store.transaction() as session:  # a replaced one may sit beside the live one
        session.execute(text("UPDATE ballots SET replaced_at = CURRENT_TIMESTAMP"))
        session.add(BallotRecord(round_id=round_id, participant="p00", content={}))
    with store.engine.connect() as connection:
        assert connection.execute(
            text("SELECT count(*), count(replaced_at) FROM ballots")
        ).one() == (2, 1)


def test_deleting_a_round_deletes_its_rows(store: Store) -> None:
    insert_round(store)
    with store.transaction() as session:
        round_id = session.scalar(text("SELECT id FROM rounds WHERE name = 'r'"))
        session.add(BallotRecord(round_id=round_id, participant="p00", content={}))
    with store.transaction() as session:
        session.delete(session.get(RoundRecord, round_id))
    with store.engine.connect() as connection:
        for table in ROUND_TABLES:
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_fifty_participants_at_once_each_stored_exactly_once(store: Store) -> None:
    """50 participants send a ballot each, and 10 of them a second one, all at the same
    time: every ballot is acknowledged and stored once, each participant has one live one."""
    insert_round(store)
    start = threading.Barrier(60)
    jobs = [(p, ("a", "b", "c")) for p in PEOPLE] + [(p, ("c", "b", "a")) for p in PEOPLE[:10]]

    def send(job: tuple[str, tuple[str, ...]]) -> int | str:
        participant, ranking = job
        start.wait()
        try:
            return ballots.submit_ballot(
                store,
                "r",
                Ballot(participant=participant, ranking=tuple((c,) for c in ranking)),
                actor=participant,
                participant=participant,
            ).id
        except RoundStateError as refused:  # a clash with the same participant: not acked
            return str(refused)

    with ThreadPoolExecutor(max_workers=60) as pool:
        outcomes = list(pool.map(send, jobs))
    acknowledged = [o for o in outcomes if isinstance(o, int)]
    assert len(acknowledged) == len(jobs)  # writers of a round queue up: none is refused
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, participant, replaced_at IS NULL FROM ballots ORDER BY id")
        ).all()
        audited = connection.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'ballot.submit'")
        ).scalar()
    assert sorted(r[0] for r in rows) == sorted(acknowledged)  # each ack stored, once
    live = [r[1] for r in rows if r[2]]
    assert sorted(live) == list(PEOPLE)  # one live ballot per participant
    assert audited == len(acknowledged)
    per_person = {p: [r for r in rows if r[1] == p] for p in PEOPLE[:10]}
    assert all(len(versions) == 2 for versions in per_person.values())  # history kept


def test_a_closed_round_takes_no_ballot(store: Store) -> None:
    insert_round(store, ("p00",))
    ballots.submit_ballot(
        store, "r", Ballot(participant="p00", ranking=(("b",),)), actor="x", participant="p00"
    )  # a round without any ballot is never adopted (tests/rounds/test_round_quorum.py)
    stored_rounds.close_round(store, "r", actor="f")
    with pytest.raises(RoundStateError, match="is closed"):
        ballots.submit_ballot(
            store, "r", Ballot(participant="p00", ranking=(("a",),)), actor="x", participant="p00"
        )
    with pytest.raises(KpibridgeError, match="Did you mean 'a'"):
        stored_rounds.adopt_round(store, "r", ["aa"], actor="f")
    adopted = stored_rounds.adopt_round(store, "r", ["b", "a", "b"], actor="f")
    assert adopted.adopted == ("b", "a")
    assert adopted.status == "adopted"
