"""HTML pages. Every one requires a role (see ``deps.require``) except the login page;
every unsafe request (POST …) must carry the CSRF token."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kpibridge.web.pages import auth, docs, goals, kpis, scorecard
from kpibridge.web.pages.csrf import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
for module in (auth, scorecard, kpis, goals, docs):
    router.include_router(module.router)
