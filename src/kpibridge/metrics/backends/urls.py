"""Warehouse URLs, as typed on the command line, turned into a workspace ``warehouse:`` block.

``kpibridge warehouse copy --to URL`` and ``kpibridge demo --warehouse URL`` take a URL; the
workspace file keeps the same information as keys (:class:`~kpibridge.model.WarehouseConfig`),
so the URL is parsed once, here:

* ``duckdb:///abs/path.duckdb`` or ``duckdb://relative/path.duckdb`` (relative to the workspace)
* ``postgresql://user:password@host:port/database`` (``postgres://`` too; ``?schema=s`` and
  other query parameters are passed on to the driver)
* ``pyspark:///abs/folder?master=local[2]`` or ``pyspark://relative/folder`` — Spark with the
  tables kept as Parquet folders there; ``pyspark://?master=spark://host:7077`` uses the
  cluster's own catalog instead. ``conf.KEY=VALUE`` parameters set Spark options.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from kpibridge.errors import WarehouseError
from kpibridge.model import WarehouseConfig

URL_SCHEMES = {
    "duckdb": "duckdb",
    "postgres": "postgres",
    "postgresql": "postgres",
    "pyspark": "pyspark",
    "spark": "pyspark",
}
_EXAMPLES = (
    "duckdb:///path/warehouse.duckdb, postgresql://user:password@host:5432/database, "
    "pyspark:///path/folder?master=local[2]"
)


def parse_warehouse_url(url: str) -> WarehouseConfig:
    """The ``warehouse:`` settings a URL stands for.

    Raises:
        WarehouseError: the scheme is not one kpibridge can write to, or a part is missing.
    """
    parts = urlsplit(url)
    backend = URL_SCHEMES.get(parts.scheme.lower())
    if backend is None:
        raise WarehouseError(
            f"cannot use the warehouse URL {url!r}: the scheme {parts.scheme or '(none)'!r} "
            f"is not one of {', '.join(sorted(URL_SCHEMES))}; for example {_EXAMPLES}"
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    location = unquote(parts.netloc + parts.path)
    if backend == "duckdb":
        if not location:
            raise WarehouseError(f"the DuckDB URL {url!r} names no file: {_EXAMPLES}")
        return WarehouseConfig(backend="duckdb", path=location, **query)
    if backend == "postgres":
        return WarehouseConfig(backend="postgres", path=None, **_postgres_options(url, query))
    options: dict[str, Any] = {}
    conf = {key[5:]: value for key, value in query.items() if key.startswith("conf.")}
    if conf:
        options["conf"] = conf
    options.update({key: value for key, value in query.items() if not key.startswith("conf.")})
    return WarehouseConfig(backend="pyspark", path=location or None, **options)


def _postgres_options(url: str, query: dict[str, str]) -> dict[str, Any]:
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    if not parts.hostname or not database:
        raise WarehouseError(
            f"the PostgreSQL URL {redact(url)!r} needs a host and a database: "
            "postgresql://user:password@host:5432/database"
        )
    options: dict[str, Any] = {"host": parts.hostname, "database": unquote(database)}
    if parts.port is not None:
        options["port"] = parts.port
    if parts.username:
        options["user"] = unquote(parts.username)
    if parts.password:
        options["password"] = unquote(parts.password)
    options.update(query)
    return options


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for messages and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def describe(config: WarehouseConfig) -> str:
    """A short, password-free name of a warehouse for messages: ``postgres at host/db``."""
    options = config.connection_options()
    if config.backend == "postgres":
        port = f":{options['port']}" if "port" in options else ""
        return f"postgres at {options.get('host', '?')}{port}/{options.get('database', '?')}"
    if config.path:
        return f"{config.backend} at {config.path}"
    master = options.get("master")
    return f"{config.backend} ({master})" if master else config.backend
