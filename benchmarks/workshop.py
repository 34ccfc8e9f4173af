"""A live workshop under load: N participants react at once over HTTP to a real server while N
projector event streams are open; counts lost and duplicated reactions and measures how long a
vote takes to reach the projectors.

    .venv/bin/python benchmarks/workshop.py                     # 300 participants, SQLite
    .venv/bin/python benchmarks/workshop.py --quick             # 30 participants, a smoke run
    .venv/bin/python benchmarks/workshop.py --database-url postgresql://…/db   # PostgreSQL

A real server (``kpibridge serve``: uvicorn, one process) on loopback, the demo workspace, a
fresh app store. In this process (asyncio, httpx): a facilitator opens a workshop on the demo
round and seeds ``--statements`` statements; ``--participants`` guests join, each with its own
cookie and connection; ``--streams`` clients open ``/api/v1/workshops/CODE/events`` (the
projector's stream) and note the arrival time and vote count of every ``figures`` event. Then
every participant answers every statement (random order, random answer), all participants at
once; ``--double`` of the answers are sent twice at the same moment (a double click).

What is measured:

* **lost**: answered with 200 but absent from the store (read back by the export);
  **duplicated**: more than one row for one (participant, statement) — the unique constraint
  should make both 0; **errors**: answers not 200.
* **vote → projector**: for each vote, from the moment its request was sent to the moment the
  *last* open stream received figures that include it. "Include": the k-th vote acknowledged
  is in every event whose vote count is ≥ k (all k were committed before the k-th ack; an event
  computed later counts them all), so this can only err towards later, never earlier.
  Reported as median and p95 over votes, beside the reaction round trip itself.

Goal (issue 14): 300 participants, 0 lost or duplicated, vote → projector p95 ≤ 2 s with 300
open streams. On 2 shared cores the load generator (600 connections in one Python process)
competes with the server for CPU, so the figures are an upper bound of the server's share.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
KPIBRIDGE = str(Path(sys.executable).with_name("kpibridge"))
ROUND = "kpis-2027"
CSRF = secrets.token_urlsafe(16)
PASSWORD = "bench-password-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_workspace(scale: float) -> Path:
    root = CACHE / f"web-demo-{scale:g}"
    if not (root / "kpibridge.yaml").exists():
        print(f"building the demo at scale {scale:g} in {root} …", flush=True)
        subprocess.run(
            [KPIBRIDGE, "demo", "--dir", str(root), "--scale", str(scale), "--no-serve"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return root


def facilitator_token(root: Path, database: str) -> str:
    env = {**os.environ, "KPIBRIDGE_PASSWORD": PASSWORD, "KPIBRIDGE_DATABASE_URL": database}
    subprocess.run(
        [KPIBRIDGE, "user", "add", "bench-facilitator", "--role", "facilitator", "-w", str(root)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    created = subprocess.run(
        [KPIBRIDGE, "token", "create", "bench-facilitator", "-w", str(root)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[0]


@dataclass
class Stream:
    arrivals: list[float] = field(default_factory=list)
    votes: list[int] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)


async def watch(base: str, code: str, stream: Stream, stop: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=base, timeout=None) as client,
        client.stream("GET", f"/api/v1/workshops/{code}/events") as response,
    ):
        name = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == "figures":
                stream.arrivals.append(time.perf_counter())
                stream.votes.append(int(json.loads(line[6:])["votes"]))
                stream.opened.set()
            if stop.is_set():
                break


async def wait_ready(base: str, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError("the server did not answer /healthz in time")


async def run(base: str, token: str, args: argparse.Namespace) -> dict[str, object]:
    await wait_ready(base)
    rng = random.Random(args.seed)
    facilitator = httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
    )
    opened = await facilitator.post("/api/v1/workshops", json={"round": ROUND})
    opened.raise_for_status()
    code = opened.json()["code"]
    statements = []
    for index in range(args.statements):
        seeded = await facilitator.post(
            f"/api/v1/workshops/{code}/statements/seed",
            json={"text": f"Benchmark statement {index}", "key": f"s{index}"},
        )
        seeded.raise_for_status()
        statements.append(int(seeded.json()["id"]))
    await facilitator.post(f"/api/v1/workshops/{code}/control", json={"phase": "react"})

    participants = []
    semaphore = asyncio.Semaphore(50)

    async def join(index: int) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            base_url=base,
            timeout=120,
            headers={"X-CSRF-Token": CSRF},
            cookies={"kpibridge_csrf": CSRF},
            limits=httpx.Limits(max_connections=2),
        )
        async with semaphore:
            response = await client.post(
                f"/api/v1/workshops/{code}/join", json={"display_name": f"P{index}"}
            )
        response.raise_for_status()
        return client

    began = time.perf_counter()
    participants = await asyncio.gather(*(join(i) for i in range(args.participants)))
    joined_seconds = time.perf_counter() - began

    stop = asyncio.Event()
    streams = [Stream() for _ in range(args.streams)]
    watchers = [asyncio.create_task(watch(base, code, s, stop)) for s in streams]
    await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in streams)), 120)
    await asyncio.sleep(1.0)

    acks: list[tuple[float, float]] = []  # (sent, acknowledged) of each 200 answer
    answered: set[tuple[int, int]] = set()
    errors: dict[int, int] = {}
    round_trips: list[float] = []

    async def send(client: httpx.AsyncClient, who: int, statement: int, reaction: str) -> None:
        sent = time.perf_counter()
        response = await client.post(
            f"/api/v1/workshops/{code}/reactions",
            json={"statement": statement, "reaction": reaction},
        )
        done = time.perf_counter()
        round_trips.append(done - sent)
        if response.status_code == 200:
            if (who, statement) not in answered:  # a double click's second ack adds no vote
                acks.append((sent, done))
            answered.add((who, statement))
        else:
            errors[response.status_code] = errors.get(response.status_code, 0) + 1

    async def participant(who: int, client: httpx.AsyncClient) -> None:
        order = statements[:]
        rng.shuffle(order)
        for statement in order:
            reaction = rng.choice(("agree", "disagree", "pass"))
            if rng.random() < args.double:  # a double click: two at the same moment
                await asyncio.gather(
                    send(client, who, statement, reaction), send(client, who, statement, reaction)
                )
            else:
                await send(client, who, statement, reaction)

    me = await asyncio.gather(*(p.get(f"/api/v1/workshops/{code}/me") for p in participants))
    ids = [int(r.json()["participant"]["id"]) for r in me]
    voting_began = time.perf_counter()
    await asyncio.gather(*(participant(i, c) for i, c in zip(ids, participants, strict=True)))
    voting_seconds = time.perf_counter() - voting_began
    await asyncio.sleep(args.settle)
    stop.set()
    for task in watchers:
        task.cancel()
    await asyncio.gather(*watchers, return_exceptions=True)

    export = (await facilitator.get(f"/api/v1/workshops/{code}/export")).json()
    stored = [(r["participant"], r["statement"]) for r in export["reactions"]]
    await facilitator.aclose()
    for client in participants:
        await client.aclose()

    acks.sort(key=lambda pair: pair[1])
    sent_times = np.array([s for s, _ in acks])
    needed = np.arange(1, len(acks) + 1)  # the k-th ack is in every event with votes ≥ k
    latest = np.zeros(len(acks))
    unseen = 0
    for stream in streams:
        votes = np.maximum.accumulate(np.array(stream.votes))
        arrivals = np.array(stream.arrivals)
        first = np.searchsorted(votes, needed, side="left")
        seen = first < len(votes)
        unseen += int((~seen).sum())
        reached = np.where(seen, arrivals[np.minimum(first, len(votes) - 1)], np.inf)
        latest = np.maximum(latest, reached)
    latency = latest - sent_times
    finite = latency[np.isfinite(latency)]
    return {
        "participants": args.participants,
        "streams": args.streams,
        "statements": args.statements,
        "join_seconds": joined_seconds,
        "answers_sent": len(round_trips),
        "answers_200": len(acks),
        "errors": errors,
        "distinct_answered": len(answered),
        "stored_rows": len(stored),
        "lost": len(answered - set(stored)),
        "duplicated": len(stored) - len(set(stored)),
        "unexpected": len(set(stored) - answered),
        "voting_seconds": voting_seconds,
        "reactions_per_second": len(round_trips) / voting_seconds,
        "round_trip_p50_ms": 1000 * statistics.median(round_trips),
        "round_trip_p95_ms": 1000 * float(np.percentile(round_trips, 95)),
        "projector_p50_s": float(np.median(finite)) if len(finite) else float("nan"),
        "projector_p95_s": float(np.percentile(finite, 95)) if len(finite) else float("nan"),
        "projector_max_s": float(finite.max()) if len(finite) else float("nan"),
        "votes_never_shown": int((~np.isfinite(latency)).sum()),
        "events_per_stream": statistics.median(len(s.arrivals) for s in streams),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--streams", type=int, default=None, help="default: = participants")
    parser.add_argument("--statements", type=int, default=20)
    parser.add_argument("--double", type=float, default=0.05, help="share sent twice at once")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait after voting")
    parser.add_argument("--scale", type=float, default=0.2, help="demo scale")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="30 participants, 8 statements")
    args = parser.parse_args(argv)
    if args.quick:
        args.participants, args.statements = 30, 8
    args.streams = args.streams or args.participants
    root = demo_workspace(args.scale)
    store = CACHE / f"workshop-store-{os.getpid()}.db"
    database = args.database_url or f"sqlite:///{store}"
    port = free_port()
    env = {
        **os.environ,
        "KPIBRIDGE_WORKSHOP_JOINS_PER_MINUTE": "100000",
        "KPIBRIDGE_SECRET_KEY": "benchmark-secret",
    }
    server = subprocess.Popen(
        [KPIBRIDGE, "serve", "-w", str(root), "--port", str(port), "--database-url", database],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        time.sleep(1.0)
        token = facilitator_token(root, database)
        figures = asyncio.run(run(f"http://127.0.0.1:{port}", token, args))
    finally:
        server.terminate()
        server.wait(timeout=30)
        for path in CACHE.glob(f"workshop-store-{os.getpid()}.db*"):
            path.unlink()
    load = os.getloadavg()
    backend = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    print(f"\nworkshop under load — {backend}, load average {load[0]:.2f} {load[1]:.2f}")
    for key, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"  {key:22s} {shown}")
    goal = (
        figures["lost"] == 0
        and figures["duplicated"] == 0
        and float(figures["projector_p95_s"]) <= 2.0  # type: ignore[arg-type]
    )
    print(
        f"goal (0 lost, 0 duplicated, vote → projector p95 ≤ 2 s): {'met' if goal else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
