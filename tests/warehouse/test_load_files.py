"""``kpibridge load`` with awkward files (ragged rows, empty, not UTF-8, Parquet) and with
keys: a file loaded twice is refused, or replaces its rows with ``--mode upsert``.

Oracles: row counts and revenue sums written out by hand from the files in the tests.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from load_helpers import ORDER_COLUMNS, load, quarantine, tables, write_file
from typer.testing import CliRunner

from cli_output import assert_user_error, flat
from helpers import table_rows
from kpibridge import Workspace


def test_ragged_rows_are_quarantined_with_their_line_and_the_rest_loads(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    body = (
        f"{ORDER_COLUMNS}\n"
        '1,10,2025-01-05,"e\nmail",10,1\n'  # one record over lines 2-3
        "2,11,2025-01-05,email,20\n"  # line 4: a field short
        "\n"  # line 5: blank, no data
        "3,12,2025-01-05,email,30,1,surplus\n"  # line 6: a field too many
        "4,13,2025-01-06,app,40,2\n"  # line 7
    )
    result = load(runner, empty_root, write_file(tmp_path, body))

    assert result.exit_code == 0, result.output
    assert "loaded 2 rows into orders (inserted 2); quarantined 2 rows" in flat(result.output)
    assert "2 ragged row" in flat(result.output)
    assert table_rows(empty_root, "SELECT order_id, channel FROM orders ORDER BY 1") == [
        (1, "e\nmail"),
        (4, "app"),
    ]
    rows = quarantine(empty_root)
    assert [(r["_row"], r["_line"], r["order_id"]) for r in rows] == [(2, 4, None), (3, 6, None)]
    assert [r["_problems"] for r in rows] == [
        [
            {
                "column": None,
                "problem": "ragged row",
                "value": "2,11,2025-01-05,email,20",  # the record as written, nothing lost
                "detail": "5 fields, the header has 6",
            }
        ],
        [
            {
                "column": None,
                "problem": "ragged row",
                "value": "3,12,2025-01-05,email,30,1,surplus",
                "detail": "7 fields, the header has 6",
            }
        ],
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "  \r\n"])
def test_an_empty_file_is_named_as_such(
    runner: CliRunner, empty_root: Path, tmp_path: Path, text: str
) -> None:
    result = load(runner, empty_root, write_file(tmp_path, text))
    assert_user_error(result, "orders.csv: the file is empty", "header line", "order_id")
    assert "column0" not in result.output


def test_a_file_with_only_a_header_loads_nothing(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    result = load(runner, empty_root, write_file(tmp_path, ORDER_COLUMNS + "\n"))
    assert result.exit_code == 0, result.output
    assert "loaded 0 rows into orders (inserted 0); quarantined 0 rows" in flat(result.output)


def test_a_file_that_is_not_utf8_is_named_with_its_line_and_byte(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    body = f"{ORDER_COLUMNS}\n1,10,2025-01-05,email,1,1\n2,11,2025-01-05,caf\xe9,2,1\n"
    data = body.encode("latin-1")
    result = load(runner, empty_root, write_file(tmp_path, data))

    offset = data.index(b"\xe9")
    assert_user_error(result, f"orders.csv:3: byte {offset} (0xe9) is not valid UTF-8")
    assert len(flat(result.output)) < 200, result.output
    assert table_rows(empty_root, "SELECT count(*) FROM orders") == [(0,)]


def test_a_semicolon_file_and_a_byte_order_mark_are_read(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    body = "\ufeff" + ORDER_COLUMNS.replace(",", ";") + "\n1;10;2025-01-05;email;2.5;1\n"
    assert load(runner, empty_root, write_file(tmp_path, body)).exit_code == 0
    assert table_rows(empty_root, "SELECT order_id, revenue FROM orders") == [(1, 2.5)]


def test_a_header_that_does_not_match_is_refused(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    short = "order_id,customer_id,ordered_at,channel,revenue\n2,11,2025-01-06,email,5\n"
    result = load(runner, empty_root, write_file(tmp_path, short))
    assert_user_error(result, "missing column(s) gross_margin")
    assert "orders__quarantine" not in tables(empty_root)


def revenue(root: Path) -> float:
    with Workspace.open(root) as ws:
        frame = ws.compute("revenue", grain="year")
    return float(sum(frame.value))


ORDERS = f"{ORDER_COLUMNS}\n1,10,2025-01-05,email,100,40\n2,11,2025-01-06,app,50,20\n"


def test_loading_the_same_file_twice_is_refused_and_revenue_is_not_doubled(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    path = write_file(tmp_path, ORDERS)
    assert load(runner, empty_root, path).exit_code == 0
    assert revenue(empty_root) == 150.0

    again = load(runner, empty_root, path)

    assert_user_error(
        again,
        "2 row(s) have a key already in table 'orders': order_id=1 (line 2); order_id=2 (line 3)",
        "Nothing was written",
        "--mode upsert",
    )
    assert revenue(empty_root) == 150.0
    assert table_rows(empty_root, "SELECT count(*) FROM orders") == [(2,)]


def test_upsert_replaces_rows_with_the_same_key_and_reports_what_it_did(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    assert load(runner, empty_root, write_file(tmp_path, ORDERS, "first.csv")).exit_code == 0
    corrected = (
        f"{ORDER_COLUMNS}\n2,11,2025-01-06,app,55,22\n3,12,2025-02-01,app,7,1\n"
        "x,1,2025-02-01,app,1,1\n"
    )

    result = load(runner, empty_root, write_file(tmp_path, corrected), "orders", "--mode", "upsert")

    assert result.exit_code == 0, result.output
    assert "loaded 2 rows into orders (inserted 1, replaced 1); quarantined 1 rows" in flat(
        result.output
    )
    assert table_rows(empty_root, "SELECT order_id, revenue FROM orders ORDER BY 1") == [
        (1, 100.0),
        (2, 55.0),
        (3, 7.0),
    ]
    assert revenue(empty_root) == 162.0


def test_duplicate_keys_within_a_file_are_all_quarantined(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    body = (
        f"{ORDER_COLUMNS}\n"
        "7,10,2025-01-05,email,100,40\n"
        "8,10,2025-01-05,email,1,1\n"
        "7,10,2025-01-05,email,100,40\n"
        "7.0,12,2025-01-07,app,3,1\n"  # the same id written differently
    )
    result = load(runner, empty_root, write_file(tmp_path, body))

    assert result.exit_code == 0, result.output
    assert "3 order_id: duplicate key in the file" in flat(result.output)
    assert table_rows(empty_root, "SELECT order_id FROM orders") == [(8,)]
    assert [(r["_line"], r["_problems"][0]["detail"]) for r in quarantine(empty_root)] == [
        (2, "also on line 4, 5"),
        (4, "also on line 2, 5"),
        (5, "also on line 2, 4"),
    ]


def test_a_table_without_a_declared_key_says_so(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    model = empty_root / "models" / "orders.yaml"
    model.write_text(model.read_text().replace("key: [order_id]\n", ""))
    result = load(runner, empty_root, write_file(tmp_path, ORDERS))
    assert result.exit_code == 0, result.output
    assert "table orders has no declared key" in flat(result.output)


def test_a_parquet_file_is_checked_like_a_csv(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    """Typed Parquet values meet the same rules: a NaN double is quarantined, an instant
    (timestamp with a time zone) is converted to the workspace time zone (UTC here)."""
    table = pa.table(
        {
            "order_id": pa.array([1, 2], pa.int64()),
            "customer_id": pa.array([10, 11], pa.int64()),
            "ordered_at": pa.array(
                [datetime(2025, 1, 5, 10), datetime(2025, 1, 6, 11)], pa.timestamp("us", "+05:00")
            ),
            "channel": ["email", "app"],
            "revenue": [12.5, float("nan")],
            "gross_margin": [1.0, 2.0],
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path)

    result = load(runner, empty_root, path)

    assert result.exit_code == 0, result.output
    assert table_rows(empty_root, "SELECT order_id, ordered_at, revenue FROM orders") == [
        (1, datetime(2025, 1, 5, 10), 12.5)  # pyarrow stores instants in UTC
    ]
    [row] = quarantine(empty_root)
    assert (row["_row"], row["_line"], row["_problems"][0]["problem"]) == (
        2,
        None,
        "not a number (NaN)",
    )


def test_a_quoted_empty_text_stays_empty_and_an_empty_field_is_null(
    runner: CliRunner, empty_root: Path, tmp_path: Path
) -> None:
    body = (
        f'{ORDER_COLUMNS}\n1,10,2025-01-05,"",1,1\n2,10,2025-01-05,,1,1\n'
        '3,10,2025-01-05," a ",1,1\n'
    )
    assert load(runner, empty_root, write_file(tmp_path, body)).exit_code == 0
    assert table_rows(empty_root, "SELECT order_id, channel FROM orders ORDER BY 1") == [
        (1, ""),
        (2, None),
        (3, " a "),  # text is kept exactly, spaces and all
    ]
