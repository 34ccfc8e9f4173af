"""Property: whatever mix of good and bad rows a CSV holds, every good row loads exactly
as written and every bad row is quarantined with its line.

Hypothesis writes files of rows; a row is good, or spoiled by one bad-value class (a number
a KPI cannot use, an id that would be rounded, an unreadable or too precise timestamp, a
missing required value, a ragged record, a key used twice). The oracle is computed in
Python from the values before they were written: ids and numbers as the Python values,
timestamps with an offset converted with ``zoneinfo``, lines counted from the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
BAD_NUMBERS = ["nan", "NaN", "inf", "-Infinity", "1e400", "-1e999", "1_000", "1e-400", "12,5", "x"]
BAD_IDS = ["6.5", "-0.25", "1e3", "1_000", "99999999999999999999", "0x1F", "seven"]
BAD_TIMES = ["2025-13-45 00:00:00", "2025-04-01 10:00:00.1234567", "yesterday", "2025/04/01"]
ZONES = ["UTC", "Asia/Kolkata", "America/New_York"]

texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
moments = st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1))
offsets = st.none() | st.integers(-14 * 4, 14 * 4).map(lambda q: timedelta(minutes=15 * q))


@dataclass
class Row:
    order_id: int
    customer_id: int
    ordered_at: datetime
    offset: timedelta | None
    channel: str
    revenue: float
    gross_margin: float
    spoil: tuple[str, str] | None = None  # (column or kind, bad text)

    def fields(self) -> list[str]:
        at = self.ordered_at.isoformat(sep=" ")
        if self.offset is not None:
            at = self.ordered_at.replace(tzinfo=timezone(self.offset)).isoformat()
        values = {
            "order_id": str(self.order_id),
            "customer_id": str(self.customer_id),
            "ordered_at": at,
            "channel": '"' + self.channel.replace('"', '""') + '"',
            "revenue": repr(self.revenue),
            "gross_margin": repr(self.gross_margin),
        }
        if self.spoil is not None:
            column, text = self.spoil
            if column == "ragged":
                return (
                    [*values.values(), "surplus"] if text == "long" else list(values.values())[:-1]
                )
            if column != "duplicate":
                values[column] = f'"{text}"' if "," in text else text
        return list(values.values())

    def expected(self, zone: str) -> tuple[Any, ...]:
        at = self.ordered_at
        if self.offset is not None:
            instant = at.replace(tzinfo=timezone(self.offset))
            at = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        return (self.order_id, self.customer_id, at, self.channel, self.revenue, self.gross_margin)


spoils = st.one_of(
    st.tuples(st.sampled_from(["revenue", "gross_margin"]), st.sampled_from(BAD_NUMBERS)),
    st.tuples(st.sampled_from(["order_id", "customer_id"]), st.sampled_from(BAD_IDS)),
    st.tuples(st.just("ordered_at"), st.sampled_from([*BAD_TIMES, ""])),
    st.tuples(st.just("order_id"), st.just("")),
    st.tuples(st.just("ragged"), st.sampled_from(["short", "long"])),
    st.tuples(st.just("duplicate"), st.just("")),
)
finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def files(draw: st.DrawFn) -> list[Row]:
    count = draw(st.integers(0, 25))
    rows = []
    for index in range(count):
        row = Row(
            order_id=index + 1,
            customer_id=draw(st.integers(-(2**63), 2**63 - 1)),
            ordered_at=draw(moments),
            offset=draw(offsets),
            channel=draw(texts),
            revenue=draw(finite),
            gross_margin=draw(finite),
            spoil=draw(st.none() | spoils),
        )
        if row.spoil is not None and row.spoil[0] == "duplicate":
            row.order_id = draw(st.integers(1, index + 1))
        rows.append(row)
    return rows


def write(path: Path, rows: list[Row]) -> list[int]:
    """Write the CSV; returns each row's first line number."""
    lines, text, line = [], ",".join(SCHEMA.names) + "\n", 2
    for row in rows:
        record = ",".join(row.fields()) + "\n"
        lines.append(line)
        line += record.count("\n") + record.count("\r") - record.count("\r\n")
        text += record
    path.write_text(text, encoding="utf-8", newline="")
    return lines


def is_spoiled(row: Row) -> bool:
    return row.spoil is not None and row.spoil[0] != "duplicate"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=files(), zone=st.sampled_from(ZONES))
def test_good_rows_load_unchanged_and_bad_rows_are_quarantined_with_their_line(
    tmp_path: Path, rows: list[Row], zone: str
) -> None:
    path = tmp_path / "orders.csv"
    lines = write(path, rows)
    clean = [r for r in rows if not is_spoiled(r)]
    ids = [r.order_id for r in clean]
    good = [r for r in clean if ids.count(r.order_id) == 1]
    bad_lines = sorted(line for row, line in zip(rows, lines, strict=True) if row not in good)

    backend = ibis.duckdb.connect()
    try:
        result = load_file(
            backend,
            path,
            "orders",
            SCHEMA,
            required=("ordered_at", "order_id"),
            key=("order_id",),
            timezone=zone,
        )
        stored = backend.raw_sql("SELECT * FROM orders ORDER BY order_id").fetchall()
        quarantined = (
            backend.raw_sql(
                "SELECT _line, _problems FROM orders__quarantine ORDER BY _line"
            ).fetchall()
            if bad_lines
            else []
        )
    finally:
        backend.disconnect()

    assert stored == sorted(r.expected(zone) for r in good)
    assert (result.inserted, result.quarantined) == (len(good), len(bad_lines))
    assert [line for line, _ in quarantined] == bad_lines
    assert all(problems for _, problems in quarantined)
    spoiled = {line: row.spoil for row, line in zip(rows, lines, strict=True) if is_spoiled(row)}
    for line, problems in quarantined:
        if line in spoiled:
            column, _ = spoiled[line]  # type: ignore[misc]
            expected = None if column == "ragged" else column
            assert [p["column"] for p in problems] == [expected], (line, problems)
