"""Warehouse URLs, as typed on the command line, turned into a workspace ``warehouse:`` block.

``kpibridge warehouse copy --to URL`` and ``kpibridge demo --warehouse URL`` take a URL; the
workspace file keeps the same information as keys (:class:`~kpibridge.model.WarehouseConfig`),
so the URL is parsed once, here:

* ``duckdb:///abs/path.duckdb`` or ``duckdb://relative/path.duckdb`` (relative to the workspace)
* ``postgresql://user:password@host:port/database`` (``postgres://`` too; ``?schema=s`` and
  other query parameters are passed on to the driver); libpq's Unix-socket forms too:
  ``postgresql:///database?host=/var/run/postgresql`` and
  ``postgresql://user@%2Fvar%2Frun%2Fpostgresql:5432/database`` (a host that starts with ``/``
  is the socket's directory)
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
    """Connection keywords of a PostgreSQL URL, read from the raw text rather than
    ``urlsplit``'s ``hostname``/``port``: those lower-case a socket directory and refuse a port
    written as a ``${VAR}`` reference."""
    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/"))
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = _split_host_port(hostport)
    host = query.pop("host", "") or host
    if not host or not database:
        raise WarehouseError(
            f"the PostgreSQL URL {redact(url)!r} needs a host (or a socket directory) and a "
            "database: postgresql://user:password@host:5432/database or "
            "postgresql:///database?host=/var/run/postgresql"
        )
    options: dict[str, Any] = {"host": host, "database": database}
    port = query.pop("port", "") or port
    if port:
        options["port"] = int(port) if port.isdigit() else port
    user, has_password, password = userinfo.partition(":")
    if user:
        options["user"] = unquote(user)
    if has_password and password:
        options["password"] = unquote(password)
    options.update(query)
    return options


def _split_host_port(hostport: str) -> tuple[str, str]:
    """``host:port`` → (host, port); ``[::1]:5432`` keeps the IPv6 brackets off the host."""
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        return host, rest.removeprefix(":")
    host, _, port = hostport.partition(":")
    return unquote(host), port


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for messages and logs."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at or not colon or not password:
        return url
    return parts._replace(netloc=f"{user}:***@{hostport}").geturl()


def describe(config: WarehouseConfig) -> str:
    """A short, password-free name of a warehouse for messages: ``postgres at host/db``."""
    options = config.connection_options()
    if config.backend == "postgres":
        port = f":{options['port']}" if "port" in options else ""
        host = options.get("host", "?")
        if str(host).startswith("/"):
            return f"postgres at {options.get('database', '?')} (socket in {host}{port})"
        return f"postgres at {host}{port}/{options.get('database', '?')}"
    if config.path:
        return f"{config.backend} at {config.path}"
    master = options.get("master")
    return f"{config.backend} ({master})" if master else config.backend
