"""Benchmark: four KPIs against Polars (lazy, on a Parquet export) and hand-written DuckDB SQL.

The KPIs Polars expresses without a semantic layer, every month of the demo's history:

* ``revenue`` by month (sum of ``orders.revenue``);
* ``cac`` by month (ad spend ÷ customers acquired, two tables);
* ``conversion_rate`` by month × device (converted sessions ÷ sessions);
* ``buyers_ttm`` by month (distinct customers over the trailing 12 months).

Three sides, interleaved (the order alternates each round), each end to end from nothing:

* **kpibridge** — ``Workspace.open(dir)`` then ``compute`` for each KPI (YAML read, warehouse
  connected, plans compiled: the fixed costs count);
* **polars** — ``scan_parquet`` of the same tables exported to Parquet (the export is untimed
  and cached), one lazy plan per KPI, ``pl.collect_all``;
* **floor** — one hand-written DuckDB query per KPI on the warehouse itself.

Every value of every side must agree within 1e-6 relative (exit 1 otherwise). Printed: median
and range of each side's time and of the per-round ratios to the floor and to Polars, with the
load average.

    .venv/bin/python benchmarks/polars_kpis.py                  # scale 50, 5 rounds
    .venv/bin/python benchmarks/polars_kpis.py --scale 1 --repeat 9
    .venv/bin/python benchmarks/polars_kpis.py --quick          # scale 0.1, 1 round
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import fail, interleaved, load, ratios, spread

TABLES = {
    "orders": "ordered_at, customer_id, revenue",
    "customers": "acquired_at",
    "ad_spend": "date, spend",
    "sessions": "started_at, device, converted",
}
TOLERANCE = 1e-6
Values = dict[tuple[Any, ...], float]
"""(KPI, month[, device]) → value."""


def _month(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def ensure_demo(directory: Path, scale: float) -> None:
    if (directory / "data" / "warehouse.duckdb").exists():
        return
    from kpibridge.services.demo.build import build_demo

    print(f"building the demo at scale {scale:g} in {directory} …", flush=True)
    build_demo(directory, seed=7, scale=scale)


def ensure_parquet(directory: Path) -> Path:
    """The tables' needed columns as Parquet next to the demo (untimed, cached)."""
    target = directory / "parquet"
    if all((target / f"{table}.parquet").exists() for table in TABLES):
        return target
    target.mkdir(exist_ok=True)
    connection = duckdb.connect(str(directory / "data" / "warehouse.duckdb"), read_only=True)
    try:
        for table, columns in TABLES.items():
            path = target / f"{table}.parquet"
            connection.execute(f"COPY (SELECT {columns} FROM {table}) TO '{path}' (FORMAT parquet)")
    finally:
        connection.close()
    return target


def run_kpibridge(directory: Path) -> Values:
    import kpibridge

    values: Values = {}
    workspace = kpibridge.Workspace.open(directory)
    try:
        for kpi in ("revenue", "cac", "buyers_ttm"):
            frame = workspace.compute(kpi, "month")
            for period, value in zip(frame["period"], frame["value"], strict=True):
                values[(kpi, _month(period))] = value
        frame = workspace.compute("conversion_rate", "month", by="device")
        for period, device, value in zip(
            frame["period"], frame["device"], frame["value"], strict=True
        ):
            values[("conversion_rate", _month(period), device)] = value
    finally:
        workspace.close()
    return values


def run_polars(parquet: Path) -> Values:
    def scan(table: str) -> pl.LazyFrame:
        return pl.scan_parquet(parquet / f"{table}.parquet")

    month = pl.col("month")
    revenue = (
        scan("orders")
        .group_by(pl.col("ordered_at").dt.truncate("1mo").dt.date().alias("month"))
        .agg(pl.col("revenue").sum().alias("value"))
    )
    spend = (
        scan("ad_spend")
        .group_by(pl.col("date").cast(pl.Date).dt.truncate("1mo").alias("month"))
        .agg(pl.col("spend").sum())
    )
    acquired = (
        scan("customers")
        .group_by(pl.col("acquired_at").dt.truncate("1mo").dt.date().alias("month"))
        .agg(pl.len().alias("customers"))
    )
    cac = spend.join(acquired, on="month", how="full", coalesce=True).select(
        month, (pl.col("spend") / pl.col("customers")).alias("value")
    )
    conversion = (
        scan("sessions")
        .group_by(pl.col("started_at").dt.truncate("1mo").dt.date().alias("month"), "device")
        .agg((pl.col("converted").sum() / pl.len()).alias("value"))
    )
    # a (customer, month) pair counts for that month and the 11 after it: distinct pairs,
    # exploded over their 12 months, then counted per month
    buyers = (
        scan("orders")
        .select("customer_id", pl.col("ordered_at").dt.truncate("1mo").dt.date().alias("month"))
        .unique()
        .with_columns(pl.int_ranges(0, 12).alias("ahead"), month.max().alias("last"))
        .explode("ahead")
        .with_columns(month.dt.offset_by(pl.format("{}mo", pl.col("ahead"))))
        .filter(month <= pl.col("last"))  # no months after the data
        .group_by("month")
        .agg(pl.col("customer_id").n_unique().alias("value"))
    )
    frames = pl.collect_all([revenue, cac, conversion, buyers])
    values: Values = {}
    for kpi, frame in zip(("revenue", "cac", "conversion_rate", "buyers_ttm"), frames, strict=True):
        for row in frame.iter_rows(named=True):
            key = (
                (kpi, row["month"], row["device"])
                if kpi == "conversion_rate"
                else (kpi, row["month"])
            )
            values[key] = row["value"]
    return values


FLOOR_SQL = {
    "revenue": """
        SELECT CAST(date_trunc('month', ordered_at) AS DATE), sum(revenue)
        FROM orders GROUP BY 1""",
    "cac": """
        WITH s AS (SELECT CAST(date_trunc('month', date) AS DATE) AS m, sum(spend) AS spend
                   FROM ad_spend GROUP BY 1),
             c AS (SELECT CAST(date_trunc('month', acquired_at) AS DATE) AS m, count(*) AS n
                   FROM customers GROUP BY 1)
        SELECT coalesce(s.m, c.m), s.spend / c.n FROM s FULL JOIN c ON s.m = c.m""",
    "conversion_rate": """
        SELECT CAST(date_trunc('month', started_at) AS DATE), device,
               count(*) FILTER (WHERE converted) / count(*)
        FROM sessions GROUP BY 1, 2""",
    "buyers_ttm": """
        WITH pairs AS (SELECT DISTINCT customer_id,
                              CAST(date_trunc('month', ordered_at) AS DATE) AS m FROM orders),
             spans AS (SELECT m AS since, least(m + INTERVAL 12 MONTH, lead(m, 1,
                              DATE '9999-12-01') OVER (PARTITION BY customer_id ORDER BY m))
                              AS until FROM pairs),
             changes AS (SELECT since AS m, 1 AS d FROM spans
                         UNION ALL SELECT CAST(until AS DATE), -1 FROM spans),
             running AS (SELECT m, sum(sum(d)) OVER (ORDER BY m) AS n FROM changes GROUP BY m)
        SELECT m, n FROM running WHERE n > 0 AND m <= (SELECT max(m) FROM pairs)""",
}


def run_floor(directory: Path) -> Values:
    connection = duckdb.connect(str(directory / "data" / "warehouse.duckdb"), read_only=True)
    values: Values = {}
    try:
        for kpi, sql in FLOOR_SQL.items():
            for *key, value in connection.execute(sql).fetchall():
                values[(kpi, *key)] = value
    finally:
        connection.close()
    return values


def _empty(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def differences(reference: Values, other: Values) -> list[str]:
    """Every key where ``other`` disagrees with ``reference`` (a missing key counts, unless
    the value there is empty in the side that has it)."""
    found = []
    for key in sorted(set(reference) | set(other), key=str):
        a, b = reference.get(key), other.get(key)
        if _empty(a) and _empty(b):
            continue
        if _empty(a) or _empty(b):
            found.append(f"{key}: {a} vs {b}")
            continue
        x, y = float(a), float(b)  # type: ignore[arg-type]
        if abs(x - y) > TOLERANCE * max(abs(x), abs(y), 1e-12):
            found.append(f"{key}: {a} vs {b}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="scale 0.1, 1 round")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.scale, arguments.repeat = 0.1, 1
    directory = arguments.dir or (
        Path(__file__).resolve().parent / ".cache" / f"demo-scale-{arguments.scale:g}"
    )
    ensure_demo(directory, arguments.scale)
    parquet = ensure_parquet(directory)
    import kpibridge  # noqa: F401  (imports before the clock, like polars and duckdb)

    print(
        f"Polars {pl.__version__}, DuckDB {duckdb.__version__}, demo scale {arguments.scale:g}, "
        f"{arguments.repeat} interleaved round(s), {load()} at start"
    )
    sides: dict[str, Callable[[], Values]] = {
        "floor": lambda: run_floor(directory),
        "kpibridge": lambda: run_kpibridge(directory),
        "polars": lambda: run_polars(parquet),
    }
    for side in sides.values():  # warm-up: page cache, lazy imports
        side()
    started = time.perf_counter()
    times, results = interleaved(sides, arguments.repeat)
    for name in ("floor", "polars"):
        wrong = differences(results["kpibridge"], results[name])
        if wrong:
            print("\n".join(wrong[:20]))
            fail(f"kpibridge and {name} disagree on {len(wrong)} value(s)")
    print(f"all three agree on {len(results['kpibridge'])} values within {TOLERANCE:g} relative")
    for name, runs in times.items():
        print(f"  {name:<10} {spread(runs)}")
    for name in ("floor", "polars"):
        per_round = ratios(times["kpibridge"], times[name])
        print(f"  kpibridge / {name}: {spread(per_round, '×', 2)}")
    print(f"({time.perf_counter() - started:.0f} s; {load()} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
