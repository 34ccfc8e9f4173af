"""Sessions, CSRF tokens and login rate limiting.

* Sessions: a cookie holding the user id and session version, signed and time-stamped with
  itsdangerous (HttpOnly, SameSite=Lax, Secure over HTTPS). The account is read from the store
  on each request, so a role change, a deleted or disabled user, a sign-out or a new password
  takes effect at once.
* CSRF: a random token in its own HttpOnly SameSite=Strict cookie, repeated in every form
  (field ``csrf_token``) or in the ``X-CSRF-Token`` header (htmx); unsafe requests whose
  token does not match the cookie are refused with 403 (double-submit cookie, OWASP).
* Login rate limit: a sliding window per client address, and a growing delay per (address,
  username) pair after repeated failures, in memory (one server process; several processes
  would each keep their own).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "kpibridge_session"
CSRF_COOKIE = "kpibridge_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Sessions:
    """Session cookies: the user id and the user's session version, signed and time-stamped.
    The version is checked against the store on each request, so signing out (or a new
    password, or an admin's "sign out everywhere") ends every cookie issued before it."""

    def __init__(self, secret: str, max_age_seconds: float) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kpibridge.session")
        self.max_age = int(max_age_seconds)

    def dump(self, user_id: int, version: int) -> str:
        return self._serializer.dumps({"user": user_id, "v": version})

    def load(self, cookie: str | None) -> tuple[int, int] | None:
        """(user id, session version) of a cookie signed here and not too old, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(data, dict):
            return None
        user, version = data.get("user"), data.get("v", 0)
        if not isinstance(user, int) or not isinstance(version, int):
            return None
        return user, version


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, sent: str | None) -> bool:
    return bool(cookie) and bool(sent) and hmac.compare_digest(str(cookie), str(sent))


class LoginLimiter:
    """Holds back login attempts: per client address (any username), and per (address,
    username) pair after repeated failures, with a delay that doubles at each further one.

    Failures are counted per pair, not per username: someone guessing Alice's password from
    their own machine delays only themselves, and Alice signs in from hers as usual (a
    per-username lock would let anyone lock her out with five wrong passwords). Guessing
    from many addresses is slowed by each address's own delay and attempt budget.
    """

    def __init__(
        self,
        per_ip: int,
        failures_per_user: int,
        window_seconds: float,
        *,
        first_delay: float = 30.0,
        max_delay: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_ip = per_ip
        self.failures_per_user = failures_per_user
        self.window = window_seconds
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._clock = clock
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """How long a pair waits after ``failures`` failures in a row: nothing up to the
        allowance, then ``first_delay``, doubling with each further failure, at most
        ``max_delay``."""
        over = failures - self.failures_per_user
        if over < 0:
            return 0.0
        return float(min(self.max_delay, self.first_delay * 2 ** min(over, 32)))

    def check(self, address: str, username: str) -> float | None:
        """Seconds to wait before trying again, or None when the attempt may go ahead (and is
        then counted against the address)."""
        now = self._clock()
        with self._lock:
            held = self._held(self._key(address, username), now)
            if held is not None:
                return held
            attempts = self._trim(self._attempts[address], now)
            if len(attempts) >= self.per_ip:
                return attempts[0] + self.window - now
            attempts.append(now)
            return None

    def failed(self, address: str, username: str) -> None:
        key = self._key(address, username)
        now = self._clock()
        with self._lock:
            count, _last = self._failures.get(key, (0, now))
            self._failures[key] = (count + 1, now)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop(self._key(address, username), None)

    def _held(self, key: tuple[str, str], now: float) -> float | None:
        if key not in self._failures:
            return None
        count, last = self._failures[key]
        wait = last + self.delay(count) - now
        if wait > 0:
            return wait
        if now - last > max(self.window, self.delay(count)):
            del self._failures[key]  # a quiet pair starts afresh
        return None

    @staticmethod
    def _key(address: str, username: str) -> tuple[str, str]:
        return address, username.lower()

    def _trim(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window:
            times.popleft()
        return times
