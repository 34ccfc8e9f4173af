"""``kpibridge load`` into an ``init`` workspace: good rows in, bad rows quarantined with
their line and structured problems, nothing changed on the way, nothing half written.

Oracles: rows are read back from the warehouse with plain SQL and compared with values
written out by hand in the test; converted timestamps with Python's ``zoneinfo``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from load_helpers import ORDER_COLUMNS, load, quarantine, tables, write_file
from typer.testing import CliRunner

from cli_output import assert_user_error, flat
from helpers import table_rows
from kpibridge import Workspace

GOOD_AND_BAD = f"""{ORDER_COLUMNS}
1,10,2025-01-05 10:00:00,email,100.5,40
2,11,2025-01-06 11:00:00,direct,abc,10
3,12,2025-13-45 00:00:00,email,20,5
4,13,,email,30,6
5,14,2025-02-01 09:00:00,app,50,20
6,15,2025-02-03 09:00:00,app,1e3x,oops
"""
# data rows 1 and 5 are good; 2 has a bad number, 3 a bad date, 4 no time (required),
# 6 two bad numbers. Line = data row + 1 (the header).


def problems(row: dict[str, object]) -> list[tuple[object, object, object]]:
    return [(p["column"], p["problem"], p["value"]) for p in row["_problems"]]  # type: ignore[attr-defined]


def test_load_keeps_good_rows_and_quarantines_bad_ones(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    result = load(runner, empty_root, write_file(tmp_path, GOOD_AND_BAD))
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "loaded 2 rows into orders (inserted 2); quarantined 4 rows" in text
    assert "orders__quarantine" in text
    assert "2 revenue: not a number" in text  # counted from the structured problems

    assert table_rows(empty_root, "SELECT order_id, revenue FROM orders ORDER BY 1") == [
        (1, 100.5),
        (5, 50.0),
    ]
    with Workspace.open(empty_root) as ws:  # the good rows count in KPIs at once
        revenue = ws.compute("revenue")
    assert [
        (p.date().isoformat(), v) for p, v in zip(revenue.period, revenue.value, strict=True)
    ] == [("2025-01-01", 100.5), ("2025-02-01", 50.0)]

    rows = quarantine(empty_root)
    assert [(r["_row"], r["_line"], r["order_id"], r["revenue"]) for r in rows] == [
        (2, 3, "2", "abc"),  # the raw text is kept, for fixing and reloading
        (3, 4, "3", "20"),
        (4, 5, "4", "30"),
        (6, 7, "6", "1e3x"),
    ]
    assert [problems(r) for r in rows] == [
        [("revenue", "not a number", "abc")],
        [("ordered_at", "not a calendar date and time", "2025-13-45 00:00:00")],
        [("ordered_at", "missing", None)],
        [("revenue", "not a number", "1e3x"), ("gross_margin", "not a number", "oops")],
    ]
    assert rows[3]["_reason"] == "revenue: not a number (1e3x); gross_margin: not a number (oops)"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nan", "not a number (NaN)"),
        ("NaN", "not a number (NaN)"),
        ("inf", "infinite"),
        ("-Infinity", "infinite"),
        ("+inf", "infinite"),
        ("1e400", "out of range for DOUBLE"),
        ("1e-400", "too small for DOUBLE (would become 0)"),
        ("1_000", "not a number"),
        ("1,000", "not a number"),
        ("0x10", "not a number"),
        ("12 EUR", "not a number"),
    ],
)
def test_numbers_a_kpi_cannot_use_are_quarantined(
    runner: CliRunner, empty_root: Path, tmp_path: Path, text: str, problem: str
) -> None:
    body = (
        f'{ORDER_COLUMNS}\n1,10,2025-01-05 10:00:00,email,"{text}",40\n2,11,2025-01-06,app,7.25,1\n'
    )
    result = load(runner, empty_root, write_file(tmp_path, body))

    assert result.exit_code == 0, result.output
    assert "loaded 1 rows" in flat(result.output)
    assert table_rows(empty_root, "SELECT order_id, revenue FROM orders") == [(2, 7.25)]
    [row] = quarantine(empty_root)
    assert (row["_line"], problems(row)) == (2, [("revenue", problem, text)])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("6.5", "not a whole number"),
        ("6.0001", "not a whole number"),
        ("1e3", "not an integer"),
        ("1_000", "not an integer"),
        ("seven", "not an integer"),
        ("99999999999999999999", "out of range for BIGINT"),
    ],
)
def test_ids_are_never_rounded(
    runner: CliRunner, empty_root: Path, tmp_path: Path, text: str, problem: str
) -> None:
    body = f"{ORDER_COLUMNS}\n7,10,2025-01-05,email,1,1\n{text},10,2025-01-05,email,2,1\n"
    result = load(runner, empty_root, write_file(tmp_path, body))

    assert result.exit_code == 0, result.output
    assert table_rows(empty_root, "SELECT order_id, revenue FROM orders") == [(7, 1.0)]
    [row] = quarantine(empty_root)
    assert problems(row) == [("order_id", problem, text)]


def test_whole_numbers_written_with_zero_decimals_load_as_they_are(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    """``7.0`` (a spreadsheet's export of an integer) is exactly 7: nothing to round."""
    body = f"{ORDER_COLUMNS}\n7.0,10.00,2025-01-05,email,1,1\n-0,+3,2025-01-05,email,2,1\n"
    assert load(runner, empty_root, write_file(tmp_path, body)).exit_code == 0
    assert table_rows(empty_root, "SELECT order_id, customer_id FROM orders ORDER BY 1") == [
        (0, 3),
        (7, 10),
    ]


def set_timezone(root: Path, zone: str) -> None:
    settings = root / "kpibridge.yaml"
    text = settings.read_text(encoding="utf-8").replace("timezone: UTC", f"timezone: {zone}")
    settings.write_text(text, encoding="utf-8")


def test_timestamps_with_an_offset_are_converted_to_the_workspace_time_zone(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    set_timezone(empty_root, "America/New_York")
    written = {
        1: "2025-04-01T10:00:00+05:00",
        2: "2025-04-01T10:00:00Z",
        3: "2025-01-15 23:30:00.25-08:00",  # winter: New York is UTC-5
        4: "2025-04-01 10:00:00",  # no offset: already the workspace's local time
    }
    body = ORDER_COLUMNS + "\n" + "".join(f"{i},1,{t},email,1,1\n" for i, t in written.items())
    result = load(runner, empty_root, write_file(tmp_path, body))

    assert result.exit_code == 0, result.output
    assert (
        "converted 3 timestamps written with a UTC offset to the workspace time zone "
        "America/New_York" in flat(result.output)
    )
    zone = ZoneInfo("America/New_York")
    expected = []
    for order, text in written.items():
        moment = datetime.fromisoformat(text.replace(" ", "T"))
        local = moment.astimezone(zone).replace(tzinfo=None) if moment.tzinfo else moment
        expected.append((order, local))
    assert table_rows(empty_root, "SELECT order_id, ordered_at FROM orders ORDER BY 1") == expected
    assert expected[0][1] == datetime(2025, 4, 1, 1, 0)  # 05:00 UTC is 01:00 EDT


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2025-04-01 10:00:00 Europe/Paris", "not a timestamp"),
        ("01/04/2025 10:00", "not a timestamp"),
        ("2025-04-01 10:00:00.1234567", "more precise than microseconds"),
        ("2025-02-30 10:00:00", "not a calendar date and time"),
    ],
)
def test_timestamps_that_cannot_be_read_exactly_are_quarantined(
    runner: CliRunner, empty_root: Path, tmp_path: Path, text: str, problem: str
) -> None:
    body = f"{ORDER_COLUMNS}\n1,1,{text},email,1,1\n"
    assert load(runner, empty_root, write_file(tmp_path, body)).exit_code == 0
    [row] = quarantine(empty_root)
    assert row["_problems"][0]["problem"].startswith(problem), row
    assert table_rows(empty_root, "SELECT count(*) FROM orders") == [(0,)]


def test_a_date_column_refuses_a_time_of_day(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    header = "date,channel,campaign,spend,impressions,clicks"
    body = f"{header}\n2025-01-05 10:00:00,email,a,1,1,1\n2025-01-06 00:00:00,email,a,2,1,1\n"
    assert load(runner, empty_root, write_file(tmp_path, body), "ad_spend").exit_code == 0
    assert table_rows(empty_root, "SELECT date, spend FROM ad_spend") == [
        (datetime(2025, 1, 6).date(), 2.0)
    ]
    [row] = quarantine(empty_root, "ad_spend")
    assert problems(row) == [
        ("date", "has a time of day (the column holds dates)", "2025-01-05 10:00:00")
    ]


def test_an_unknown_time_zone_is_named_in_the_settings_file(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    set_timezone(empty_root, "Mars/Olympus")
    body = f"{ORDER_COLUMNS}\n1,1,2025-01-05,email,1,1\n"
    result = load(runner, empty_root, write_file(tmp_path, body))
    assert_user_error(
        result, "kpibridge.yaml:", "timezone", "'Mars/Olympus' is not a known time zone"
    )


def test_a_failing_insert_writes_nothing(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    """The table exists with a narrower type than the model declares (an ENUM of two
    channels): every row passes the checks, then the INSERT fails on 'direct'."""
    connection = duckdb.connect(str(empty_root / "data" / "warehouse.duckdb"))
    try:
        connection.execute("CREATE TYPE order_channel AS ENUM ('email', 'app')")
        connection.execute("DROP TABLE orders")
        connection.execute(
            "CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, "
            "channel order_channel, revenue DOUBLE, gross_margin DOUBLE)"
        )
        connection.execute("INSERT INTO orders VALUES (100, 1, '2024-12-01', 'app', 9.5, 3)")
    finally:
        connection.close()
    before = table_rows(empty_root, "SELECT * FROM orders")
    text = GOOD_AND_BAD.replace("app,50,20", "direct,50,20")

    result = load(runner, empty_root, write_file(tmp_path, text))

    assert_user_error(result, "nothing was written")
    assert table_rows(empty_root, "SELECT * FROM orders") == before
    assert "orders__quarantine" not in tables(empty_root)


def test_a_failing_quarantine_insert_rolls_back_the_good_rows(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    """The good rows go in first; the quarantine table then refuses the bad rows (it exists
    with other columns): the good rows must not stay behind."""
    connection = duckdb.connect(str(empty_root / "data" / "warehouse.duckdb"))
    try:
        connection.execute("CREATE TABLE orders__quarantine (order_id VARCHAR, note VARCHAR)")
    finally:
        connection.close()

    result = load(runner, empty_root, write_file(tmp_path, GOOD_AND_BAD))

    assert_user_error(result, "nothing was written")
    assert table_rows(empty_root, "SELECT count(*) FROM orders") == [(0,)]
    assert table_rows(empty_root, "SELECT count(*) FROM orders__quarantine") == [(0,)]


def test_a_quarantine_table_of_an_older_version_gets_the_new_columns(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    connection = duckdb.connect(str(empty_root / "data" / "warehouse.duckdb"))
    try:
        columns = ", ".join(f"{c} VARCHAR" for c in ORDER_COLUMNS.split(","))
        connection.execute(
            f"CREATE TABLE orders__quarantine ({columns}, _row BIGINT, _reason VARCHAR, "
            "_file VARCHAR, _loaded_at TIMESTAMP)"
        )
        connection.execute(
            "INSERT INTO orders__quarantine (order_id, _row, _reason) VALUES ('9', 1, 'old')"
        )
    finally:
        connection.close()
    assert load(runner, empty_root, write_file(tmp_path, GOOD_AND_BAD)).exit_code == 0
    assert table_rows(
        empty_root, "SELECT order_id, _line, len(_problems) FROM orders__quarantine ORDER BY _row"
    ) == [("9", None, None), ("2", 3, 1), ("3", 4, 1), ("4", 5, 1), ("6", 7, 2)]


def test_load_into_an_unknown_table(runner: CliRunner, empty_root: Path, tmp_path: Path) -> None:
    result = load(runner, empty_root, write_file(tmp_path, GOOD_AND_BAD), "order")
    assert_user_error(result, "'order'", "Did you mean 'orders'")
