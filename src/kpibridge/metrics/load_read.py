"""Read a data file into text columns, one row per record, each with its line number.

CSV is parsed here with Python's ``csv`` module rather than DuckDB's sniffer, because only
a reader that sees every record can tell where each one starts: a ragged row (too few or
too many fields) becomes a row of its own, quarantined with its line, instead of turning
the whole file into one misleading column-mismatch error; an empty file is named as such;
bytes that are not UTF-8 are reported by line and byte offset. Values stay text here; the
types are checked afterwards (``load_check``), so nothing is converted before it is
checked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from kpibridge.errors import LoadError

DELIMITERS = (",", ";", "\t", "|")
ROW, LINE, RECORD, FIELDS = "_row", "_line", "_record", "_fields"
"""Bookkeeping columns: data row number, first line of the record, and for a ragged
record its raw text and field count (NULL otherwise)."""


def quote(identifier: str) -> str:
    """A SQL identifier in double quotes (names come from files: never pasted bare)."""
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class RawFile:
    """The file's records as text columns named like the header, plus bookkeeping."""

    table: pa.Table
    columns: tuple[str, ...]


def read_raw(path: Path, expected: tuple[str, ...]) -> RawFile:
    """Read ``path`` (CSV/TSV or Parquet) into text columns; ``expected`` helps pick the
    delimiter of a CSV file."""
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path)
    if suffix in {".csv", ".tsv", ".txt"}:
        return _read_csv(path, expected, "\t" if suffix == ".tsv" else None)
    raise LoadError(f"{path}: unsupported file type {suffix!r}; use .csv, .tsv or .parquet")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LoadError(
            f"{path}:{line}: byte {error.start} (0x{data[error.start]:02x}) is not valid "
            "UTF-8; save the file as UTF-8 and load it again"
        ) from None


def _lines(text: str, seen: list[str]) -> Iterator[str]:
    """The file's physical lines, each also appended to ``seen`` (to rebuild a record)."""
    for line in io.StringIO(text, newline=""):
        seen.append(line)
        yield line


def _delimiter(header: str, expected: tuple[str, ...], fixed: str | None) -> str:
    """The delimiter under which the header line names the expected columns (else the one
    that splits it most, else a comma)."""
    if fixed is not None:
        return fixed
    parsed = {d: next(csv.reader([header], delimiter=d), []) for d in DELIMITERS}
    for delimiter, names in parsed.items():
        if set(names) == set(expected):
            return delimiter
    best = max(DELIMITERS, key=lambda d: len(parsed[d]))
    return best if len(parsed[best]) > 1 else ","


def _read_csv(path: Path, expected: tuple[str, ...], fixed: str | None) -> RawFile:
    text = _decode(path)
    if not text.strip():
        raise LoadError(
            f"{path}: the file is empty; expected a header line naming the columns "
            f"{', '.join(expected)}"
        )
    first = text.lstrip("\r\n").split("\n", 1)[0]
    seen: list[str] = []
    reader = csv.reader(_lines(text, seen), delimiter=_delimiter(first, expected, fixed))
    header: list[str] | None = None
    values: list[list[str | None]] = []
    rows: list[int] = []
    lines: list[int] = []
    records: list[str | None] = []
    fields: list[int | None] = []
    try:
        for record in reader:
            start = reader.line_num - len(seen) + 1
            raw = "".join(seen)
            seen.clear()
            if not record:
                continue  # a blank line holds no data
            if header is None:
                header = record
                _check_header(path, start, header)
                values = [[] for _ in header]
                continue
            ragged = len(record) != len(header)
            quoted = _quoted_fields(raw, reader.dialect.delimiter) if '""' in raw else None
            for index, column in enumerate(values):
                value = record[index] if not ragged else None
                if value == "" and not (quoted and index < len(quoted) and quoted[index]):
                    value = None  # an empty field is NULL; a quoted "" an empty string
                column.append(value)
            rows.append(len(rows) + 1)
            lines.append(start)
            records.append(raw.rstrip("\r\n") if ragged else None)
            fields.append(len(record) if ragged else None)
    except csv.Error as error:
        raise LoadError(f"{path}:{reader.line_num}: cannot read the CSV: {error}") from None
    if header is None:
        raise LoadError(f"{path}: the file has no header line")
    table = pa.table(
        {
            **{
                name: pa.array(column, pa.string())
                for name, column in zip(header, values, strict=True)
            },
            ROW: pa.array(rows, pa.int64()),
            LINE: pa.array(lines, pa.int64()),
            RECORD: pa.array(records, pa.string()),
            FIELDS: pa.array(fields, pa.int64()),
        }
    )
    return RawFile(table, tuple(header))


def _quoted_fields(raw: str, delimiter: str) -> list[bool]:
    """Which fields of one record were written in quotes (``csv`` cannot say, before
    Python 3.12), so that ``""`` stays an empty string while an empty field is NULL."""
    flags: list[bool] = []
    i, n = 0, len(raw)
    while True:
        quoted = i < n and raw[i] == '"'
        if quoted:
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        while i < n and raw[i] != delimiter and raw[i] not in "\r\n":
            i += 1
        flags.append(quoted)
        if i < n and raw[i] == delimiter:
            i += 1
            continue
        return flags


def _check_header(path: Path, line: int, header: list[str]) -> None:
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise LoadError(f"{path}:{line}: the header names column(s) twice: {', '.join(duplicated)}")
    reserved = [name for name in header if name in (ROW, LINE, RECORD, FIELDS)]
    if reserved:
        raise LoadError(f"{path}:{line}: column name(s) reserved by kpibridge: {reserved}")


def _read_parquet(path: Path) -> RawFile:
    """Parquet values are typed already; they are turned into text so that the same checks
    apply (a NaN double becomes 'nan' and is quarantined like in a CSV)."""
    local = duckdb.connect()
    try:
        try:
            names = [
                row[0]
                for row in local.execute(
                    "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]
                ).fetchall()
            ]
        except duckdb.Error as error:
            raise LoadError(f"{path}: cannot read the Parquet file: {error}") from None
        _check_header(path, 0, names)
        texts = [f"CAST({quote(n)} AS VARCHAR) AS {quote(n)}" for n in names]
        table = local.execute(
            f"SELECT {', '.join(texts)}, row_number() OVER () AS {ROW}, "
            f"NULL::BIGINT AS {LINE}, NULL::VARCHAR AS {RECORD}, NULL::BIGINT AS {FIELDS} "
            "FROM read_parquet(?)",
            [str(path)],
        ).fetch_arrow_table()
    finally:
        local.close()
    return RawFile(table, tuple(names))
