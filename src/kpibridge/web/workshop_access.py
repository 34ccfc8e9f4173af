"""Who is taking part in a workshop, from its cookie, and how often they may write.

The participant cookie (``kpibridge_w_CODE``) holds ``{"w": CODE, "p": participant id, "t":
token}`` signed with itsdangerous under a salt of its own, so it is never a session cookie:
the account routes ignore it, and the workshop routes accept it only for the workshop whose
code it names, with a token that must still match that participant (removal ends it).
Reloading the page or reconnecting sends the same cookie: the participant keeps their place.

Rate limits (a sliding window in memory, per server process): joins per client address,
statements and reactions per participant. A big room behind one address (company Wi-Fi)
is why the join limit is per minute and generous.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kpibridge.errors import RateLimitedError, WorkshopPermissionError
from kpibridge.services.workshops.sessions import normalise_code
from kpibridge.web.settings import WebSettings

COOKIE_PREFIX = "kpibridge_w_"
COOKIE_DAYS = 2
LIMITS = {
    "join": (120, 60.0),
    "statement": (6, 60.0),
    "reaction": (120, 60.0),
    "ranking": (30, 60.0),
}
"""Action → (at most this many, per this many seconds)."""


@dataclass(frozen=True)
class Seat:
    """A participant's place in one workshop, as the cookie proves it."""

    code: str
    participant_id: int
    token: str


class ParticipantCookies:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kpibridge.workshop")

    @staticmethod
    def name(code: str) -> str:
        return COOKIE_PREFIX + normalise_code(code)

    def set(self, response: Response, seat: Seat, *, secure: bool) -> None:
        value = self._serializer.dumps({"w": seat.code, "p": seat.participant_id, "t": seat.token})
        response.set_cookie(
            self.name(seat.code),
            value,
            max_age=COOKIE_DAYS * 86400,
            httponly=True,
            samesite="lax",
            secure=secure,
        )

    def load(self, request: Request, code: str) -> Seat | None:
        raw = request.cookies.get(self.name(code))
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=COOKIE_DAYS * 86400)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("w") != normalise_code(code):
            return None
        participant, token = data.get("p"), data.get("t")
        if not isinstance(participant, int) or not isinstance(token, str):
            return None
        return Seat(normalise_code(code), participant, token)

    def require(self, request: Request, code: str) -> Seat:
        seat = self.load(request, code)
        if seat is None:
            raise WorkshopPermissionError(
                f"join workshop {normalise_code(code)} first (your browser holds no place in it)"
            )
        return seat


JOINS_ENV = "KPIBRIDGE_WORKSHOP_JOINS_PER_MINUTE"


def workshop_limits(settings: WebSettings) -> dict[str, tuple[int, float]]:
    """:data:`LIMITS` with the join limit of the settings (``$KPIBRIDGE_WORKSHOP_JOINS_PER_MINUTE``
    overrides it: a room of 500 behind one address, or a load test)."""
    joins = int(os.environ.get(JOINS_ENV) or settings.workshop_joins_per_minute)
    return {**LIMITS, "join": (joins, 60.0)}


class RateLimiter:
    """Sliding windows per (action, key); refuses with the seconds to wait."""

    def __init__(self, limits: dict[str, tuple[int, float]] | None = None) -> None:
        self.limits = dict(limits or LIMITS)
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, action: str, key: str) -> None:
        most, window = self.limits[action]
        now = time.monotonic()
        with self._lock:
            hits = self._hits[(action, key)]
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= most:
                wait = hits[0] + window - now
                raise RateLimitedError(
                    f"too many {action}s in a short time: wait {wait:.0f} s and try again", wait
                )
            hits.append(now)
