"""Sessions, CSRF tokens and login rate limiting.

* Sessions: a cookie holding the user id, signed and time-stamped with itsdangerous
  (HttpOnly, SameSite=Lax, Secure when configured). The account is read from the store on each
  request, so a role change or a deleted user takes effect at once.
* CSRF: a random token in its own HttpOnly SameSite=Strict cookie, repeated in every form
  (field ``csrf_token``) or in the ``X-CSRF-Token`` header (htmx); unsafe requests whose
  token does not match the cookie are refused with 403 (double-submit cookie, OWASP).
* Login rate limit: a sliding window per client address and per username, in memory (one
  server process; several processes would each keep their own window).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "kpibridge_session"
CSRF_COOKIE = "kpibridge_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Sessions:
    def __init__(self, secret: str, max_age_seconds: float) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kpibridge.session")
        self.max_age = int(max_age_seconds)

    def dump(self, user_id: int) -> str:
        return self._serializer.dumps({"user": user_id})

    def load(self, cookie: str | None) -> int | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        user = data.get("user") if isinstance(data, dict) else None
        return user if isinstance(user, int) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, sent: str | None) -> bool:
    return bool(cookie) and bool(sent) and hmac.compare_digest(str(cookie), str(sent))


class LoginLimiter:
    """Refuses a login attempt when its address or its username used up its window."""

    def __init__(self, per_ip: int, failures_per_user: int, window_seconds: float) -> None:
        self.per_ip = per_ip
        self.failures_per_user = failures_per_user
        self.window = window_seconds
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, address: str, username: str) -> float | None:
        """Seconds to wait before trying again, or None when the attempt may go ahead (and is
        then counted against the address)."""
        now = time.monotonic()
        with self._lock:
            attempts = self._trim(self._attempts[address], now)
            failures = self._trim(self._failures[username.lower()], now)
            if len(failures) >= self.failures_per_user:
                return failures[0] + self.window - now
            if len(attempts) >= self.per_ip:
                return attempts[0] + self.window - now
            attempts.append(now)
            return None

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures[username.lower()].append(time.monotonic())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)

    def _trim(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window:
            times.popleft()
        return times
