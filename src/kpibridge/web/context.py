"""What every request needs, created once per app: the workspace, the store, the security
helpers, the templates. Kept on ``app.state.context``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.templating import Jinja2Templates

from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.store import Store
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
    workshops: WorkshopHub
    participant_cookies: ParticipantCookies
    rate_limits: RateLimiter
