"""Web app under load: p50/p95 latency and throughput of the scorecard page, a KPI page and
ballot submission, each against the trivial health endpoint measured in the same run.

    .venv/bin/python benchmarks/web.py [--clients 50] [--seconds 30] [--scale 0.2]
    .venv/bin/python benchmarks/web.py --quick    # 5 clients × 2 s per endpoint, scale 0.1

A real server (`kpibridge serve`, uvicorn, one process) on loopback; the load comes from
``--clients`` concurrent HTTP/1.1 connections (httpx, asyncio) in this process, each sending
its next request as soon as the previous answer arrives. Pages are read with an API token
(the same permission checks as a session cookie). Before measuring, each endpoint is called
once ("warm"): the goal is about the warm app — nothing recomputed that has not changed,
which the server's ``LiveWorkspace`` cache guarantees and this run shows by the ratio.

Goal (issue 5): scorecard and KPI pages p95 ≤ 3× the health endpoint's p95.
On 2 cores the load generator competes with the server for CPU; both endpoints pay it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
KPIBRIDGE = str(Path(sys.executable).with_name("kpibridge"))
ROUND = "kpis-2027"
PARTICIPANT = "cmo"


@dataclass(frozen=True)
class Figures:
    name: str
    requests: int
    errors: int
    dropped: int
    """Requests that got no HTTP answer at all (a transport error: the connection was closed
    or reset, or the request timed out); any of them fails the run."""
    p50_ms: float
    p95_ms: float
    per_second: float


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


def token_for(root: Path, database: str) -> str:
    """A member linked to a participant of the demo round, and an API token acting as them."""
    env = {
        **os.environ,
        "KPIBRIDGE_PASSWORD": "bench-password-123",
        "KPIBRIDGE_DATABASE_URL": database,
    }
    subprocess.run(
        [
            KPIBRIDGE,
            "user",
            "add",
            "bench",
            "--role",
            "member",
            "--stakeholder",
            PARTICIPANT,
            "-w",
            str(root),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    created = subprocess.run(
        [KPIBRIDGE, "token", "create", "bench", "-w", str(root)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[0]


async def wait_ready(client: httpx.AsyncClient, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz in time")


async def hammer(
    client: httpx.AsyncClient, name: str, request: dict[str, object], clients: int, seconds: float
) -> Figures:
    latencies: list[float] = []
    errors = 0
    dropped: list[str] = []
    stop = time.monotonic() + seconds

    async def one_client() -> None:
        nonlocal errors
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                response = await client.request(**request)  # type: ignore[arg-type]
            except httpx.TransportError as error:
                dropped.append(f"{type(error).__name__}: {error}")
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code >= 400:
                errors += 1

    began = time.monotonic()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    elapsed = time.monotonic() - began
    latencies.sort()
    for reason in sorted(set(dropped)):
        print(f"  {name}: dropped {dropped.count(reason)} × {reason}", file=sys.stderr)
    return Figures(
        name=name,
        requests=len(latencies),
        errors=errors,
        dropped=len(dropped),
        p50_ms=1000 * statistics.median(latencies),
        p95_ms=1000 * latencies[int(0.95 * (len(latencies) - 1))],
        per_second=len(latencies) / elapsed,
    )


async def run(base: str, token: str, clients: int, seconds: float) -> list[Figures]:
    headers = {"Authorization": f"Bearer {token}", "X-Requested-With": "benchmark"}
    # A pooled connection is dropped by the client well before the server's keep-alive
    # timeout closes it (kpibridge serve: 30 s; httpx's default expiry of 5 s equalled
    # uvicorn's default of 5 s, so a request could leave on a connection the server was
    # closing at that instant: "Server disconnected without sending a response").
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=120
    ) as client:
        await wait_ready(client)
        detail = (await client.get(f"/api/v1/rounds/{ROUND}")).json()
        candidates = list(detail["candidates"])
        ballot = {"ranking": candidates[::-1], "rationale": {candidates[-1]: "benchmark"}}
        requests = {
            "health": {"method": "GET", "url": "/healthz"},
            "scorecard page": {"method": "GET", "url": "/"},
            "KPI page": {"method": "GET", "url": "/kpis/cac"},
            "ballot submission": {
                "method": "PUT",
                "url": f"/api/v1/rounds/{ROUND}/ballot",
                "json": ballot,
            },
        }
        for name, request in requests.items():  # warm: the first computation is not measured
            response = await client.request(**request)  # type: ignore[arg-type]
            if response.status_code >= 400:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
        return [
            await hammer(client, name, request, clients, seconds)
            for name, request in requests.items()
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--scale", type=float, default=0.2, help="demo scale")
    parser.add_argument("--quick", action="store_true", help="5 clients × 2 s, scale 0.1")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.clients, arguments.seconds, arguments.scale = 5, 2.0, 0.1
    root = demo_workspace(arguments.scale)
    store = CACHE / f"web-store-{os.getpid()}.db"
    database = f"sqlite:///{store}"
    port = free_port()
    server = subprocess.Popen(
        [KPIBRIDGE, "serve", "-w", str(root), "--port", str(port), "--database-url", database],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        token = token_for(root, database)
        figures = asyncio.run(
            run(f"http://127.0.0.1:{port}", token, arguments.clients, arguments.seconds)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        for path in CACHE.glob(f"web-store-{os.getpid()}.db*"):
            path.unlink()
    load = os.getloadavg()[0]
    print(
        f"{arguments.clients} clients × {arguments.seconds:g} s per endpoint, demo scale "
        f"{arguments.scale:g}, {os.cpu_count()} cores, load average before the run {load:.1f}"
    )
    health = figures[0]
    print(
        f"{'endpoint':<18} {'requests':>9} {'errors':>6} {'dropped':>7} {'p50 ms':>8} "
        f"{'p95 ms':>8} "
        f"{'req/s':>7} {'p95 ÷ health':>12}"
    )
    for item in figures:
        print(
            f"{item.name:<18} {item.requests:>9} {item.errors:>6} {item.dropped:>7} "
            f"{item.p50_ms:>8.1f} "
            f"{item.p95_ms:>8.1f} {item.per_second:>7.0f} {item.p95_ms / health.p95_ms:>12.2f}"
        )
    pages = [item for item in figures if item.name in ("scorecard page", "KPI page")]
    met = all(item.p95_ms <= 3 * health.p95_ms for item in pages)
    print(f"goal: scorecard and KPI pages p95 ≤ 3× health: {'met' if met else 'NOT met'}")
    dropped = sum(item.dropped for item in figures)
    print(f"dropped requests (no HTTP answer): {dropped}{'' if dropped == 0 else ' — FAILED'}")
    return 0 if all(item.errors == 0 and item.dropped == 0 for item in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
