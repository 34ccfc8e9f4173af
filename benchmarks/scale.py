"""Benchmark: how the full scorecard's cost grows with data, and what other engines cost.

Three parts, each scorecard run in its own child process (this script with ``--child``) so
that its peak memory (``VmHWM``) is its own:

1. **DuckDB at demo scales 1, 10, 50 and 200** (``--scales``) — time and peak memory of
   ``Workspace.open(dir).scorecard()`` end to end, and the growth exponent ``k`` of
   ``time ∝ rows^k`` from a least-squares fit of log(time) on log(rows) (goal k ≤ 1.1);
2. **DuckDB at the largest scale with ``memory_limit`` 1 GB** (``--memory-limit``) — it must
   finish (DuckDB spills to its temporary directory); printed as the ratio to the unlimited
   run;
3. **PostgreSQL and Spark (local) at scale 10** against DuckDB at scale 10, as ratios. The
   scale-10 data is copied with ``kpibridge warehouse copy`` (timed apart); the Spark
   session is started before the clock (its start is printed apart), the PostgreSQL server is
   ``$KPIBRIDGE_TEST_POSTGRES_URL`` or the URL ``scripts/postgres.sh`` prints (the data goes
   to a database of its own, ``kpibridge_scale_bench``, dropped at the end).

Every run's scorecard values are checked against DuckDB's at the same scale (relative 1e-6):
a fast wrong answer voids the benchmark (exit 1).

    .venv/bin/python benchmarks/scale.py                       # everything (long)
    .venv/bin/python benchmarks/scale.py --scales 1 10 --skip-engines   # a quick try

Demo workspaces are cached in ``benchmarks/.cache/demo-scale-N`` (shared with metrics.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RELATIVE_TOLERANCE = 1e-6
GOAL_EXPONENT = 1.1
SEED = 7


# -- child: one scorecard run ---------------------------------------------------------------


def peak_memory_mb() -> float:
    """Peak resident memory of this process (``VmHWM``; ``ru_maxrss`` would count the
    parent's pages copied at fork)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(directory: Path, memory_limit: str | None, repeat: int) -> dict[str, Any]:
    import kpibridge

    started = time.perf_counter()
    ws = kpibridge.Workspace.open(directory)
    ws.backend  # noqa: B018 - connect (and start Spark) before the clock
    connect_seconds = time.perf_counter() - started
    if memory_limit is not None:
        ws.backend.raw_sql(f"SET memory_limit = '{memory_limit}'")
        ws.backend.raw_sql(f"SET temp_directory = '{tempfile.mkdtemp(prefix='kpib-spill-')}'")
    times = []
    card = None
    for _ in range(repeat):
        ws._engine = None  # a fresh engine each round: nothing remembered between runs
        clock = time.perf_counter()
        card = ws.scorecard()
        times.append(time.perf_counter() - clock)
    assert card is not None
    values = {
        row.kpi: (None if row.value is None or math.isnan(row.value) else float(row.value))
        for row in card.rows
    }
    backend = ws.settings.warehouse.backend
    ws.close()
    return {
        "backend": backend,
        "seconds": statistics.median(times),
        "runs": times,
        "connect_seconds": connect_seconds,
        "peak_mb": peak_memory_mb(),
        "queries": card.warehouse_queries,
        "values": values,
    }


def run_child(directory: Path, *, memory_limit: str | None = None, repeat: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [sys.executable, __file__, "--child", str(directory), "--repeat", str(repeat)]
        command += ["--output", output.name]
        if memory_limit:
            command += ["--child-memory-limit", memory_limit]
        subprocess.run(command, check=True)
        result: dict[str, Any] = json.loads(Path(output.name).read_text())
        return result


# -- parent ---------------------------------------------------------------------------------


def ensure_demo(scale: float, generated_up_to: float) -> tuple[Path, int, str]:
    """The demo workspace at ``scale``, its row count and how it was made.

    Scales up to ``generated_up_to`` are generated (``build_demo``, seed 7). A larger scale
    that is a whole multiple of it is made by DuckDB from the generated one: its rows repeated
    that many times with every id column shifted by a multiple of 10^10 per copy, so ids stay
    unique and distinct counts grow with the data. The generator holds a whole company in
    memory (≈ 0.3 GB per unit of scale), so scale 200 cannot be generated on a 23 GB machine.
    """
    import duckdb

    directory = CACHE / f"demo-scale-{scale:g}"
    warehouse = directory / "data" / "warehouse.duckdb"
    how = "cached"
    if not warehouse.is_file():
        clock = time.perf_counter()
        if scale <= generated_up_to:
            from kpibridge.services.demo.build import build_demo

            print(f"building the demo at scale {scale:g} in {directory} …", flush=True)
            build_demo(directory, seed=SEED, scale=scale)
            how = f"generated in {time.perf_counter() - clock:.0f} s"
        else:
            factor = scale / generated_up_to
            if factor != int(factor):
                raise SystemExit(f"scale {scale:g} is not a multiple of {generated_up_to:g}")
            base, _, _ = ensure_demo(generated_up_to, generated_up_to)
            print(f"replicating scale {generated_up_to:g} {factor:g}× into {directory} …")
            replicate(base, directory, int(factor))
            how = f"{int(factor)}× scale {generated_up_to:g}, {time.perf_counter() - clock:.0f} s"
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [row[0] for row in connection.execute("SHOW TABLES").fetchall()]
        rows = sum(
            int(connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # type: ignore[index]
            for t in tables
        )
    finally:
        connection.close()
    return directory, rows, how


def replicate(base: Path, directory: Path, factor: int) -> None:
    import duckdb

    shutil.copytree(base, directory, ignore=shutil.ignore_patterns("warehouse.duckdb*"))
    connection = duckdb.connect(str(directory / "data" / "warehouse.duckdb"))
    try:
        connection.execute("SET preserve_insertion_order = false")
        connection.execute(f"ATTACH '{base / 'data' / 'warehouse.duckdb'}' AS base (READ_ONLY)")
        tables = connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'base'"
        ).fetchall()
        for (table,) in tables:
            columns = connection.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE database_name = 'base' AND table_name = ?",
                [table],
            ).fetchall()
            ids = [name for name, kind in columns if name.endswith("_id") and "INT" in kind]
            copies = []
            for k in range(factor):
                shifted = ", ".join(f'"{c}" + {k} * 10000000000 AS "{c}"' for c in ids)
                replace = f" REPLACE ({shifted})" if ids and k else ""
                copies.append(f'SELECT *{replace} FROM base."{table}"')
            connection.execute(f'CREATE TABLE "{table}" AS ' + " UNION ALL ".join(copies))
    finally:
        connection.close()


def growth_exponent(points: list[tuple[int, float]]) -> float:
    """Slope of the least-squares line through (log rows, log seconds)."""
    xs = [math.log(rows) for rows, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


def disagreements(result: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    problems = []
    for kpi, expected in reference["values"].items():
        actual = result["values"].get(kpi)
        if expected is None or actual is None:
            if expected != actual:
                problems.append(f"{kpi}: {actual} against {expected}")
        elif abs(actual - expected) > RELATIVE_TOLERANCE * max(abs(expected), 1e-12):
            problems.append(f"{kpi}: {actual!r} against {expected!r}")
    return problems


def copy_to(directory: Path, url: str, name: str) -> tuple[Path, float]:
    """A copy of the workspace at ``directory`` reading from ``url`` (copied there)."""
    target = CACHE / f"{directory.name}-{name}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(directory, target, ignore=shutil.ignore_patterns("*.duckdb.wal"))
    clock = time.perf_counter()
    subprocess.run(
        [
            *(str(Path(sys.executable).parent / "kpibridge"), "warehouse", "copy"),
            *("--to", url, "--use", "-w", str(target)),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target, time.perf_counter() - clock


def postgres_url() -> str:
    """The server's URL: ``$KPIBRIDGE_TEST_POSTGRES_URL``, else what scripts/postgres.sh prints."""
    url = os.environ.get("KPIBRIDGE_TEST_POSTGRES_URL")
    if not url:
        url = subprocess.run(
            ["bash", str(HERE.parent / "scripts" / "postgres.sh")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    return url


BENCH_DATABASE = "kpibridge_scale_bench"


def bench_database(admin_url: str, *, drop: bool = False) -> str:
    """A database of its own for the benchmark's tables (created, or dropped when done)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        if not drop:
            admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{BENCH_DATABASE}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB limit for the largest scale")
    parser.add_argument("--engine-scale", type=float, default=10)
    parser.add_argument(
        "--generated-up-to", type=float, default=50, help="larger scales replicate this one"
    )
    parser.add_argument("--engine-repeat", type=int, default=1, help="scorecards per engine")
    parser.add_argument("--repeat", type=int, default=3, help="scorecards per child (median)")
    parser.add_argument(
        "--quick", action="store_true", help="scales 0.1 and 0.2, DuckDB only, 1 scorecard"
    )
    parser.add_argument("--skip-engines", action="store_true", help="DuckDB only")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-memory-limit", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.scales, arguments.skip_engines, arguments.repeat = [0.1, 0.2], True, 1
        arguments.generated_up_to = 0.2
    if arguments.child is not None:
        result = child(arguments.child, arguments.child_memory_limit, arguments.repeat)
        arguments.output.write_text(json.dumps(result))
        return 0

    print(
        f"# kpibridge scale benchmark — {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    failed = False
    duckdb_runs: dict[float, dict[str, Any]] = {}
    points = []
    print("\n## DuckDB: full scorecard by demo scale\n")
    print(f"{'scale':>6} {'rows':>13} {'scorecard s':>12} {'peak MB':>8} {'queries':>8}  data")
    for scale in arguments.scales:
        directory, rows, how = ensure_demo(scale, arguments.generated_up_to)
        result = run_child(directory, repeat=arguments.repeat)
        duckdb_runs[scale] = {**result, "rows": rows, "directory": str(directory)}
        points.append((rows, result["seconds"]))
        print(
            f"{scale:>6g} {rows:>13,} {result['seconds']:>12.2f} "
            f"{result['peak_mb']:>8.0f} {result['queries']:>8}  {how}",
            flush=True,
        )
    if len(points) >= 2:
        exponent = growth_exponent(points)
        verdict = "met" if exponent <= GOAL_EXPONENT else "NOT met"
        print(
            f"\ngrowth exponent k (time ∝ rows^k, log-log fit): {exponent:.3f} "
            f"(goal ≤ {GOAL_EXPONENT}): {verdict}"
        )
        if len(points) >= 3:
            upper = growth_exponent(points[1:])
            print(f"k without the smallest scale (fixed costs dominate there): {upper:.3f}")

    largest = max(arguments.scales)
    if arguments.memory_limit:
        print(f"\n## DuckDB at scale {largest:g} with memory_limit {arguments.memory_limit}\n")
        limited = run_child(
            Path(duckdb_runs[largest]["directory"]),
            memory_limit=arguments.memory_limit,
            repeat=1,
        )
        unlimited = duckdb_runs[largest]
        problems = disagreements(limited, unlimited)
        failed |= bool(problems)
        print(
            f"finished: {limited['seconds']:.2f} s, peak {limited['peak_mb']:.0f} MB; "
            f"{limited['seconds'] / unlimited['seconds']:.2f} × the unlimited run "
            f"({unlimited['seconds']:.2f} s, peak {unlimited['peak_mb']:.0f} MB)"
            + (f"; VALUES DIFFER: {problems}" if problems else "; same values")
        )

    if not arguments.skip_engines:
        scale = arguments.engine_scale
        directory, rows, _ = ensure_demo(scale, arguments.generated_up_to)
        reference = duckdb_runs.get(scale) or run_child(directory, repeat=arguments.repeat)
        print(f"\n## Other engines at scale {scale:g} ({rows:,} rows), against DuckDB\n")
        spark_folder = CACHE / f"demo-scale-{scale:g}-spark-data"
        admin_url = postgres_url()
        targets = {
            "postgres": bench_database(admin_url),
            "pyspark": f"pyspark://{spark_folder}?master=local[2]",
        }
        print(
            " ".join(
                [
                    f"{'engine':>9}",
                    f"{'copy s':>8}",
                    f"{'start s':>8}",
                    f"{'scorecard s':>12}",
                    f"{'× DuckDB':>9}",
                    f"{'peak MB':>8}",
                ]
            )
        )
        print(
            f"{'duckdb':>9} {'':>8} {reference['connect_seconds']:>8.2f} "
            f"{reference['seconds']:>12.2f} {1:>9.2f} {reference['peak_mb']:>8.0f}"
        )
        for name, url in targets.items():
            workspace, copy_seconds = copy_to(directory, url, name)
            result = run_child(workspace, repeat=arguments.engine_repeat)
            problems = disagreements(result, reference)
            failed |= bool(problems)
            print(
                f"{name:>9} {copy_seconds:>8.1f} {result['connect_seconds']:>8.2f} "
                f"{result['seconds']:>12.2f} {result['seconds'] / reference['seconds']:>9.2f} "
                f"{result['peak_mb']:>8.0f}" + (f"  VALUES DIFFER: {problems}" if problems else ""),
                flush=True,
            )
        bench_database(admin_url, drop=True)
        print(
            "\n(peak MB is this process's: PostgreSQL's server and, for Spark, the JVM child "
            "are not counted)"
        )
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    if failed:
        print("\nVOID: an engine's scorecard differs from DuckDB's (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
