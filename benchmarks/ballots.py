"""Ballot writes per second on SQLite, with nothing lost (issue 15, item 19).

    .venv/bin/python benchmarks/ballots.py            # 50 writers × 3 s, 5 rounds
    .venv/bin/python benchmarks/ballots.py --quick    # 20 writers × 1 s, 2 rounds

``--writers`` threads share one ``Store`` on a SQLite file (WAL), as the web server's
thread pool does, and call ``submit_ballot`` (the service behind ``PUT /api/v1/rounds/NAME/
ballot`` and the ballot form) as fast as they can, each as its own participant of one open
round, replacing its ballot each time. Interleaved with each ballot run, the **floor**: the
same threads each committing one bare ``INSERT`` per transaction into a scratch table of the
same store, i.e. what this machine's SQLite allows at that moment (the load of other
processes hits both sides alike). Reported: median and spread of writes per second, the
ratio to the floor, the load average.

Nothing lost: after every ballot run, the store must hold exactly one live ballot per
writer, one row per accepted write, one audit row per accepted write, and an intact chain.
Any refusal or loss fails the run (exit code 1). Goal: ≥ 200 ballot writes per second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from kpibridge.errors import KpibridgeError
from kpibridge.model.rounds import Ballot
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round
from kpibridge.store import Store
from kpibridge.store.audit import verify

GOAL = 200.0


def hammer(writers: int, seconds: float, write: Callable[[int, int], None]) -> tuple[int, int]:
    """(accepted writes, failed writes) of ``writers`` threads writing for ``seconds``."""
    accepted = [0] * writers
    failed = [0] * writers
    start = threading.Barrier(writers + 1)
    stop = [0.0]

    def worker(index: int) -> None:
        start.wait()
        number = 0
        while time.monotonic() < stop[0]:
            try:
                write(index, number)
                accepted[index] += 1
            except KpibridgeError as error:
                failed[index] += 1
                print(f"  writer {index}: {error}", file=sys.stderr)
            number += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    stop[0] = time.monotonic() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return sum(accepted), sum(failed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="20 writers, 1 s, 2 rounds")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.writers, arguments.seconds, arguments.rounds = 20, 1.0, 2
    folder = Path(tempfile.mkdtemp(prefix="kpibridge-ballots-"))
    create_workspace(folder / "ws")
    ws = Workspace.open(folder / "ws")
    store = Store.open(f"sqlite:///{folder / 'app.db'}")
    writers = arguments.writers
    participants = [f"p{index:03d}" for index in range(writers)]
    candidates = list(ws.kpis)[:6]
    # a round whose participants are the writers (stakeholder ids are checked against the
    # workspace only at creation, so the benchmark's participants are declared there)
    spec = parse_round(
        {
            "id": "bench",
            "question": "Which KPIs?",
            "candidates": candidates,
            "participants": list(ws.stakeholders)[:2],
            "criteria": ["goal_alignment"],
            "select": 2,
        }
    )
    create_round(store, ws, spec, actor="bench")
    with store.engine.begin() as connection:  # the writers join as participants
        round_id = connection.execute(text("SELECT id FROM rounds WHERE name='bench'")).scalar()
        for position, participant in enumerate(participants, start=2):
            connection.execute(
                text(
                    "INSERT INTO round_participants (round_id, stakeholder, position, audience) "
                    "VALUES (:round, :who, :position, 0)"
                ),
                {"round": round_id, "who": participant, "position": position},
            )
        connection.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER)"))

    def ballot_write(index: int, number: int) -> None:
        order = candidates[number % len(candidates) :] + candidates[: number % len(candidates)]
        ballot = Ballot(participant=participants[index], ranking=tuple(order))
        submit_ballot(store, "bench", ballot, actor="bench", participant=participants[index])

    def floor_write(index: int, number: int) -> None:
        with store.engine.begin() as connection:
            connection.execute(text("INSERT INTO bench_floor (n) VALUES (:n)"), {"n": number})

    ballots_per_second: list[float] = []
    floor_per_second: list[float] = []
    total_accepted = 0
    lost = 0
    print(
        f"{writers} writers × {arguments.seconds:g} s, {arguments.rounds} rounds, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    for number in range(arguments.rounds):
        accepted, failed = hammer(writers, arguments.seconds, floor_write)
        floor_per_second.append(accepted / arguments.seconds)
        accepted, failed = hammer(writers, arguments.seconds, ballot_write)
        total_accepted += accepted
        lost += failed
        ballots_per_second.append(accepted / arguments.seconds)
        print(
            f"  round {number + 1}: ballots {ballots_per_second[-1]:7.1f}/s, "
            f"floor {floor_per_second[-1]:7.1f}/s, refused {failed}"
        )
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT count(*) FROM ballots WHERE round_id = :r"), {"r": round_id}
        ).scalar()
        live = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT participant) FROM ballots "
                "WHERE round_id = :r AND replaced_at IS NULL"
            ),
            {"r": round_id},
        ).one()
        audited = connection.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'ballot.submit'")
        ).scalar()
    with store.transaction() as session:
        chain = verify(session)
    store.close()
    median = statistics.median(ballots_per_second)
    floor = statistics.median(floor_per_second)
    spread = (min(ballots_per_second), max(ballots_per_second))
    print(
        f"ballot writes/s: median {median:.1f} (min {spread[0]:.1f}, max {spread[1]:.1f}); "
        f"floor median {floor:.1f}; ratio {median / floor:.2f}; "
        f"load average after {os.getloadavg()[0]:.1f}"
    )
    intact = (
        rows == total_accepted
        and audited == total_accepted
        and tuple(live) == (writers, writers)
        and chain.ok
    )
    print(
        f"stored {rows} ballot rows for {total_accepted} accepted writes, {lost} refused, "
        f"{live[0]} live ballots for {writers} writers, {audited} audit rows, "
        f"chain {'intact' if chain.ok else 'BROKEN'}: {'nothing lost' if intact else 'LOST'}"
    )
    print(f"goal ≥ {GOAL:.0f} ballot writes/s: {'met' if median >= GOAL else 'NOT met'}")
    return 0 if intact and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
