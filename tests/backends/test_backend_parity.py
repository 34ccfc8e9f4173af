"""The same numbers on every tested backend: the whole KPI library at every grain, unsliced and
sliced (and at quarter and year with an April fiscal year), on the small demo loaded into
DuckDB, PostgreSQL and Spark.

Two oracles:

* **DuckDB through kpibridge** — every case, :meth:`MetricEngine.compute` one KPI at a time
  on the demo's own DuckDB file; values within 1e-9 relative, the same periods and dimension
  values, null exactly where DuckDB is null, numerator and denominator too;
* **hand-written SQL** — the month-grain oracles of ``tests/metrics/test_library.py``
  (written from each KPI's documented meaning, run by DuckDB on a copy of the raw tables),
  compared with each backend's result directly, not through DuckDB.

The scorecard's path (``compute_many``: merged queries in the backend, combined in-process)
is checked too. A gap of a backend is declared in ``KNOWN_GAPS`` and marked
``xfail(strict=True)``: the case fails the day the gap closes, and nothing is skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from parity_cases import (
    FISCAL_GRAINS,
    GRAINS,
    RELATIVE_TOLERANCE,
    Case,
    Outcome,
    compute_each,
    compute_merged,
    direct_cases,
    library_cases,
    load_library_oracles,
    normalised,
)

import kpibridge
from kpibridge.model import Grain

CASES = library_cases()

KNOWN_GAPS: dict[tuple[str, str], str] = {}
"""(backend, case id) → why the backend cannot do it; the case is xfail(strict=True). The
``compute_many`` cases are keyed ``merged-<case id>``. None today: every gap the suite found
was closed in engine-neutral code (see docs/scaling.md)."""


@pytest.fixture(scope="session")
def reference_results(reference_workspace: kpibridge.Workspace) -> dict[Case, pd.DataFrame]:
    """Every case on DuckDB, one KPI per query (the documented path)."""
    results = compute_each(reference_workspace, CASES)
    for case, outcome in results.items():
        if isinstance(outcome, Exception):
            raise AssertionError(f"{case.id} fails on DuckDB: {outcome}") from outcome
    return {case: frame for case, frame in results.items() if isinstance(frame, pd.DataFrame)}


@pytest.fixture(scope="session")
def merged_results(backend_workspace: kpibridge.Workspace) -> dict[Case, Outcome]:
    """Every case at once through ``compute_many`` on the backend."""
    return compute_merged(backend_workspace, CASES)


@pytest.fixture(scope="session")
def backend_results(
    backend_name: str,
    backend_workspace: kpibridge.Workspace,
    merged_results: dict[Case, Outcome],
) -> dict[Case, Outcome]:
    """Each case one KPI per query where the backend runs it so (see ``direct_cases``),
    else from ``compute_many``."""
    direct = compute_each(backend_workspace, direct_cases(backend_name, CASES))
    return {case: direct.get(case, merged_results[case]) for case in CASES}


def _declare_gap(request: pytest.FixtureRequest, backend: str, case_id: str) -> None:
    reason = KNOWN_GAPS.get((backend, case_id))
    if reason is not None:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def test_every_library_kpi_has_cases() -> None:
    """The case list is the library: every KPI at every grain, and sliced at every grain
    where its models share a dimension — at least every KPI the by-channel oracles check."""
    kpis = {case.kpi for case in CASES}
    assert kpis == {path.stem for path in kpibridge_library().glob("*.yaml")}
    sliced = {case.kpi for case in CASES if case.by}
    assert set(LIBRARY_ORACLES.channel_kpis()) <= sliced
    assert len(CASES) == len(GRAINS) * (len(kpis) + len(sliced)) + len(FISCAL_GRAINS) * len(kpis)


def kpibridge_library() -> Path:
    from kpibridge.workspace.scaffold import template_path

    return template_path() / "kpis"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_kpi_matches_duckdb(
    case: Case,
    backend_name: str,
    backend_results: dict[Case, Outcome],
    reference_results: dict[Case, pd.DataFrame],
    request: pytest.FixtureRequest,
) -> None:
    _declare_gap(request, backend_name, case.id)
    outcome = backend_results[case]
    if isinstance(outcome, Exception):
        raise outcome
    expected = normalised(reference_results[case], case.by)
    actual = normalised(outcome, case.by)
    assert len(expected) > 0, f"{case.id}: no rows on DuckDB, the comparison would be empty"
    pd.testing.assert_frame_equal(
        actual, expected, check_exact=False, rtol=RELATIVE_TOLERANCE, atol=0, obj=case.id
    )


# -- against the hand-written SQL oracles --------------------------------------------------

LIBRARY_ORACLES = load_library_oracles()
ORACLE_CASES = [
    Case(kpi, Grain.MONTH, by)
    for by in ((), ("channel",))
    for kpi in (sorted(LIBRARY_ORACLES.ORACLES) if not by else LIBRARY_ORACLES.channel_kpis())
]


@pytest.fixture(scope="session")
def oracle_results(
    parity_demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[Case, pd.DataFrame]:
    """The month oracles, run on a copy of the demo file (the reference workspace holds it)."""
    copy = tmp_path_factory.mktemp("oracles") / "warehouse.duckdb"
    shutil.copyfile(parity_demo_root / "data" / "warehouse.duckdb", copy)
    connection = duckdb.connect()
    try:
        connection.execute(f"ATTACH '{copy}' AS raw (READ_ONLY)")
        results = {}
        slicing = {(): LIBRARY_ORACLES.UNSLICED, ("channel",): LIBRARY_ORACLES.BY_CHANNEL}
        for by, slices in slicing.items():
            for table, expression in slices.items():
                connection.execute(
                    f"CREATE OR REPLACE VIEW {table} AS "
                    f"SELECT *, {expression} AS slice FROM raw.{table}"
                )
            for case in ORACLE_CASES:
                if case.by == by:
                    sql = LIBRARY_ORACLES.ORACLES[case.kpi].sql
                    results[case] = connection.execute(sql).df()
        return results
    finally:
        connection.close()


@pytest.mark.parametrize("case", ORACLE_CASES, ids=[case.id for case in ORACLE_CASES])
def test_kpi_matches_hand_written_sql(
    case: Case,
    backend_name: str,
    backend_results: dict[Case, Outcome],
    oracle_results: dict[Case, pd.DataFrame],
    request: pytest.FixtureRequest,
) -> None:
    _declare_gap(request, backend_name, case.id)
    outcome = backend_results[case]
    if isinstance(outcome, Exception):
        raise outcome
    actual = normalised(outcome, case.by)
    expected = normalised(
        LIBRARY_ORACLES.expected_frame(oracle_results[case], case.by, list(actual.columns)),
        case.by,
    )
    pd.testing.assert_frame_equal(
        actual, expected, check_exact=False, rtol=RELATIVE_TOLERANCE, atol=0, obj=case.id
    )


# -- the scorecard's path ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_compute_many_matches_duckdb(
    case: Case,
    backend_name: str,
    merged_results: dict[Case, Outcome],
    reference_results: dict[Case, pd.DataFrame],
    request: pytest.FixtureRequest,
) -> None:
    """The scorecard's path: every case in one ``compute_many`` (merged queries run in the
    backend, the results combined in-process)."""
    _declare_gap(request, backend_name, f"merged-{case.id}")
    outcome = merged_results[case]
    if isinstance(outcome, Exception):
        raise outcome
    pd.testing.assert_frame_equal(
        normalised(outcome, case.by),
        normalised(reference_results[case], case.by),
        check_exact=False,
        rtol=RELATIVE_TOLERANCE,
        atol=0,
        obj=case.id,
    )


def test_scorecard_matches_duckdb(
    backend_workspace: kpibridge.Workspace, reference_workspace: kpibridge.Workspace
) -> None:
    """The scorecard a team reads: same periods, values, targets and statuses."""
    actual = backend_workspace.scorecard().to_frame()
    expected = reference_workspace.scorecard().to_frame()
    pd.testing.assert_frame_equal(
        actual, expected, check_exact=False, rtol=RELATIVE_TOLERANCE, atol=0
    )
