"""Settings of the web app, from arguments or ``KPIBRIDGE_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_KEY_ENV = "KPIBRIDGE_SECRET_KEY"
SECURE_COOKIES_ENV = "KPIBRIDGE_SECURE_COOKIES"
TRUSTED_PROXIES_ENV = "KPIBRIDGE_TRUSTED_PROXIES"


@dataclass(frozen=True)
class WebSettings:
    workspace: Path
    database_url: str | None = None
    """App store URL; None: ``$KPIBRIDGE_DATABASE_URL``, else the workspace's ``app_store``."""
    secret_key: str | None = None
    """Signs session cookies; None: ``$KPIBRIDGE_SECRET_KEY``, else a key kept in
    ``WORKSPACE/.kpibridge/secret_key`` (created on first start, readable by its owner only)."""
    secure_cookies: bool | None = None
    """Always send cookies over HTTPS only; None: ``$KPIBRIDGE_SECURE_COOKIES`` (``1``), else
    only when the request itself came over HTTPS (then ``Secure`` and HSTS are automatic)."""
    trusted_proxies: tuple[str, ...] | None = None
    """Reverse proxies whose ``X-Forwarded-Proto``/``-For`` are believed (addresses or
    networks); None: ``$KPIBRIDGE_TRUSTED_PROXIES`` (comma-separated), else 127.0.0.1 and
    ::1 (a proxy on the same machine). ``()`` trusts no proxy."""
    session_hours: float = 12.0
    login_attempts_per_ip: int = 20
    """Login attempts one address may make per :attr:`login_window_seconds`."""
    login_failures_per_user: int = 5
    """Failed logins in a row from one address for one username before that pair is held
    back (30 s, doubling with each further failure, at most an hour); other addresses and
    other usernames are not affected."""
    login_window_seconds: float = 300.0
    workshop_joins_per_minute: int = 120
    """Workshop joins one address may make per minute (a room behind one Wi-Fi shares it)."""

    def resolved_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        if os.environ.get(SECRET_KEY_ENV):
            return os.environ[SECRET_KEY_ENV]
        path = self.workspace / ".kpibridge" / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        return path.read_text(encoding="utf-8").strip()

    def proxies(self) -> tuple[str, ...]:
        if self.trusted_proxies is not None:
            return self.trusted_proxies
        if TRUSTED_PROXIES_ENV in os.environ:
            return tuple(os.environ[TRUSTED_PROXIES_ENV].split(","))
        return ("127.0.0.1", "::1")

    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return os.environ.get(SECURE_COOKIES_ENV, "") in {"1", "true", "yes"}
