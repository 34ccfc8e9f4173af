"""Benchmark: ``kpibridge load`` of an orders CSV into a fresh DuckDB table.

The loader reads CSV records with Python's ``csv`` module (to know every record's line and
to quarantine ragged rows) and checks every value in DuckDB. This measures the whole load
(read, check, key check, write) of a file with 1% bad rows, against a baseline in the same
run: DuckDB's own ``read_csv`` + ``INSERT`` of the same file (no checks, no line numbers).
Sides are interleaved; median and spread of ``--repeat`` runs; load average printed.

    .venv/bin/python benchmarks/load.py            # 200,000 rows
    .venv/bin/python benchmarks/load.py --quick    # 20,000 rows
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import ibis

from kpibridge.metrics.loading import load_file

SCHEMA = ibis.schema(
    {
        "order_id": "int64",
        "customer_id": "int64",
        "ordered_at": "timestamp",
        "channel": "string",
        "revenue": "float64",
        "gross_margin": "float64",
    }
)


def write_orders(path: Path, rows: int, seed: int = 1) -> None:
    generator = random.Random(seed)
    channels = ["email", "paid_search", "social", "direct", "affiliate"]
    lines = [",".join(SCHEMA.names)]
    for order in range(1, rows + 1):
        revenue = f"{generator.uniform(5, 500):.2f}"
        if generator.random() < 0.01:
            revenue = generator.choice(["nan", "inf", "1_000", "abc"])
        lines.append(
            f"{order},{generator.randrange(1, rows // 3 + 2)},2025-"
            f"{generator.randrange(1, 13):02d}-{generator.randrange(1, 29):02d} "
            f"{generator.randrange(24):02d}:{generator.randrange(60):02d}:00,"
            f"{generator.choice(channels)},{revenue},{generator.uniform(1, 100):.2f}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def time_kpibridge(path: Path) -> float:
    backend = ibis.duckdb.connect()
    try:
        start = time.perf_counter()
        load_file(backend, path, "orders", SCHEMA, required=("ordered_at",), key=("order_id",))
        return time.perf_counter() - start
    finally:
        backend.disconnect()


def time_duckdb(path: Path) -> float:
    connection = duckdb.connect()
    try:
        start = time.perf_counter()
        connection.execute(
            "CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, "
            "channel VARCHAR, revenue DOUBLE, gross_margin DOUBLE)"
        )
        connection.execute(
            "INSERT INTO orders SELECT * FROM read_csv(?, header = true, all_varchar = true) "
            "WHERE TRY_CAST(revenue AS DOUBLE) IS NOT NULL",
            [str(path)],
        )
        return time.perf_counter() - start
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 3 runs")
    arguments = parser.parse_args()
    rows = 20_000 if arguments.quick else arguments.rows
    repeat = 3 if arguments.quick else arguments.repeat
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.csv"
        write_orders(path, rows)
        print(f"{rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, 1% bad revenue values")
        times: dict[str, list[float]] = {"kpibridge load": [], "duckdb read_csv": []}
        for _ in range(repeat):  # interleaved
            times["kpibridge load"].append(time_kpibridge(path))
            times["duckdb read_csv"].append(time_duckdb(path))
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:>16}: median {median:.3f} s (min {min(values):.3f}, max {max(values):.3f}),"
            f" {rows / median:,.0f} rows/s"
        )
    ratio = statistics.median(times["kpibridge load"]) / statistics.median(times["duckdb read_csv"])
    print(f"kpibridge load / duckdb read_csv: {ratio:.1f}x")


if __name__ == "__main__":
    main()
