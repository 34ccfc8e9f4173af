"""The key of the audit chain, kept outside the app store.

The chain's SHA-256 links show that rows were not edited, removed or reordered by someone
who did not recompute them. Someone who can write to the database can recompute them, and
so append or rewrite rows unnoticed. The key closes that door for anyone who can write to
the database but cannot read the key: each row also carries ``HMAC-SHA256(key, hash)``.

Where the key comes from, first found: ``$KPIBRIDGE_AUDIT_KEY``; for a SQLite file, a file
``audit_key`` beside it (whoever opens it, so that one store has one key; the default
``app.db`` is in the workspace's ``.kpibridge/``, next to ``secret_key``); otherwise (PostgreSQL)
``audit_key`` in the folder given, the workspace's ``.kpibridge/``. It is created (256
random bits, mode 0600) on first use. An in-memory SQLite store gets
a key for its own lifetime; a PostgreSQL store opened without a folder has none, and its
chain is then checked without it (``verify`` says so).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import URL

AUDIT_KEY_ENV = "KPIBRIDGE_AUDIT_KEY"
KEY_FILE = "audit_key"


def resolve_audit_key(url: URL, key_dir: Path | None) -> bytes | None:
    if os.environ.get(AUDIT_KEY_ENV):
        return os.environ[AUDIT_KEY_ENV].encode()
    if url.get_backend_name() == "sqlite":
        # beside the file, whoever opens it (the default app.db is in .kpibridge/ anyway),
        # so that every opener of one store uses one key
        database = url.database
        if not database or database == ":memory:":
            return secrets.token_bytes(32)
        return load_or_create(Path(database).parent / KEY_FILE)
    if key_dir is not None:
        return load_or_create(key_dir / KEY_FILE)
    return None


def load_or_create(path: Path) -> bytes:
    """The key in ``path``, created 0600 with 256 random bits when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32))
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise ValueError(f"{path}: the audit key is too short (expected 64 hex characters)")
    return key.encode()


def row_mac(key: bytes, row_hash: str) -> str:
    return hmac.new(key, row_hash.encode(), hashlib.sha256).hexdigest()
