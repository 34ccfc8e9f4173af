"""Start-up of the command line: how long ``kpibridge --help`` and ``kpibridge compute cac`` on
the demo take end to end (a fresh process each run), against the interpreter alone and against
importing the CLI's own libraries (Typer and Rich), measured interleaved in the same run.

    .venv/bin/python benchmarks/startup.py [--runs 15] [--quick] [--baseline OTHER/src]

``--baseline`` also runs the two ``kpibridge`` commands with another checkout's ``src`` first
on the path (``PYTHONPATH``), interleaved with this one: before and after, on the same load.

Goals (issue 20, item 6): ``kpibridge --help`` ≤ 0.5 s and ``kpibridge compute cac`` on the
demo ≤ 1.5 s on an idle machine. The two floors say how much of a figure is the machine (a
loaded machine slows all four alike): ``python -c pass`` and ``import typer, rich``, which no
``kpibridge`` command can go below. The load average is printed before and after; figures
taken under load above the core count say more as ratios to the floors than as seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
PYTHON = sys.executable
KPIBRIDGE = str(Path(sys.executable).with_name("kpibridge"))
GOALS = {"kpibridge --help": 0.5, "kpibridge compute cac": 1.5}


def demo_workspace() -> Path:
    """The demo at its default scale, built once into the benchmark cache."""
    root = CACHE / "startup-demo"
    if not (root / "kpibridge.yaml").exists():
        print(f"building the demo in {root} …", flush=True)
        subprocess.run(
            [KPIBRIDGE, "demo", "--dir", str(root), "--no-serve"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return root


Run = tuple[list[str], dict[str, str]]
"""A command line and its environment."""


def commands(demo: Path, baseline: Path | None) -> dict[str, Run]:
    env = dict(os.environ)
    runs: dict[str, Run] = {
        "python -c pass (floor)": ([PYTHON, "-c", "pass"], env),
        "import typer, rich (floor)": ([PYTHON, "-c", "import typer.main, rich.table"], env),
        "kpibridge --help": ([KPIBRIDGE, "--help"], env),
        "kpibridge compute cac": ([KPIBRIDGE, "compute", "cac", "-w", str(demo)], env),
    }
    if baseline is not None:
        other = {**env, "PYTHONPATH": str(baseline.resolve())}
        runs["baseline --help"] = ([KPIBRIDGE, "--help"], other)
        runs["baseline compute cac"] = ([KPIBRIDGE, "compute", "cac", "-w", str(demo)], other)
    return runs


def timed(run: Run) -> float:
    """Seconds from starting the process to its exit; the run must succeed."""
    argv, env = run
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - started


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--quick", action="store_true", help="3 runs of each command")
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder to compare")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs

    demo = demo_workspace()
    argvs = commands(demo, args.baseline)
    for argv in argvs.values():  # warm the file cache; not timed
        timed(argv)
    print(f"load average before: {load()}")
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(runs):  # interleaved: each round runs every command once
        for name, argv in argvs.items():
            times[name].append(timed(argv))
    print(f"load average after:  {load()}\n")

    floor = statistics.median(times["import typer, rich (floor)"])
    print(f"{'command':<28} {'median':>8} {'min':>7} {'max':>7} {'IQR':>7} {'÷ typer':>8}  goal")
    for name, values in times.items():
        median = statistics.median(values)
        quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [median] * 3
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"≤ {goal} s: {'met' if median <= goal else 'NOT met'}"
        print(
            f"{name:<28} {median:>7.3f}s {min(values):>6.3f}s {max(values):>6.3f}s "
            f"{quartiles[2] - quartiles[0]:>6.3f}s {median / floor:>7.2f}×  {verdict}"
        )
    print(f"\n{runs} runs of each, interleaved; median, range and interquartile range.")


if __name__ == "__main__":
    main()
