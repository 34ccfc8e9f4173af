"""What every request needs, created once per app: the workspace, the store, the security
helpers, the templates. Kept on ``app.state.context``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.store import Store
from kpibridge.web.proxies import Network
from kpibridge.web.security import LoginLimiter, Sessions
from kpibridge.web.settings import WebSettings
from kpibridge.web.workshop_access import ParticipantCookies, RateLimiter
from kpibridge.web.workshop_hub import WorkshopHub


@dataclass
class AppContext:
    settings: WebSettings
    live: LiveWorkspace
    store: Store
    sessions: Sessions
    limiter: LoginLimiter
    templates: Jinja2Templates
    secure_cookies: bool
    """Cookies are Secure on every request (configured), not only on HTTPS ones."""
    workshops: WorkshopHub
    participant_cookies: ParticipantCookies
    rate_limits: RateLimiter
    trusted_proxies: tuple[Network, ...] = ()

    def secure(self, request: Request) -> bool:
        """Whether cookies set in answer to ``request`` get the ``Secure`` flag."""
        return self.secure_cookies or bool(getattr(request.state, "https", False))
