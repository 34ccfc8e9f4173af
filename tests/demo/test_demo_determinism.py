"""Same seed, same bytes; another seed, other data; fixed dates; how ``scale`` acts."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from kpibridge.demo import generate


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_the_same_seed_gives_byte_identical_tables(small_tables: dict[str, pa.Table]) -> None:
    again = generate(seed=7, scale=0.1)
    for name, table in small_tables.items():
        assert _ipc_bytes(again[name]) == _ipc_bytes(table), name


def test_another_seed_gives_other_data(small_tables: dict[str, pa.Table]) -> None:
    other = generate(seed=8, scale=0.1)
    for name, table in small_tables.items():
        assert not other[name].equals(table), name


def test_the_calendar_is_fixed(small_tables: dict[str, pa.Table]) -> None:
    for name in ("ad_spend", "social"):
        dates = small_tables[name].column("date")
        assert pc.min(dates).as_py() == dt.date(2023, 11, 1)
        assert pc.max(dates).as_py() == dt.date(2026, 10, 31)
    first, last = dt.datetime(2023, 11, 1), dt.datetime(2026, 10, 31, 23, 59, 59)
    for name, column in (
        ("sessions", "started_at"),
        ("orders", "ordered_at"),
        ("customers", "acquired_at"),
        ("leads", "created_at"),
        ("leads", "won_at"),
        ("surveys", "responded_at"),
        ("reviews", "posted_at"),
    ):
        values = small_tables[name].column(column)
        assert pc.min(values).as_py() >= first, column
        assert pc.max(values).as_py() <= last, column


def test_scale_grows_volumes_but_not_media_rows(small_tables: dict[str, pa.Table]) -> None:
    double = generate(seed=7, scale=0.2)
    for name in ("sessions", "orders", "customers", "leads", "surveys", "reviews"):
        ratio = double[name].num_rows / small_tables[name].num_rows
        assert ratio == pytest.approx(2.0, rel=0.08), name
    for name, amount in (("ad_spend", "spend"), ("social", "engagements")):
        assert double[name].num_rows == small_tables[name].num_rows
        ratio = (
            pc.sum(double[name].column(amount)).as_py()
            / pc.sum(small_tables[name].column(amount)).as_py()
        )
        assert ratio == pytest.approx(2.0, rel=0.01), name


def test_a_tiny_scale_still_makes_every_table() -> None:
    tables = generate(seed=1, scale=0.002)
    assert all(table.num_rows > 0 for table in tables.values())


def test_progress_reports_every_table_and_nothing_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    messages: list[str] = []
    generate(seed=3, scale=0.01, progress=messages.append)
    reported = {message.split(":")[0] for message in messages}
    assert reported == {
        "ad_spend",
        "sessions",
        "customers",
        "orders",
        "leads",
        "social",
        "surveys",
        "reviews",
    }
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("seed", "scale", "message"),
    [(-1, 1.0, "seed"), (1.5, 1.0, "seed"), (1, 0.0, "scale"), (1, float("nan"), "scale")],
)
def test_bad_arguments_are_refused(seed: object, scale: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(seed=seed, scale=scale)  # type: ignore[arg-type]
