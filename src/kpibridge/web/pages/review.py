"""The review pack page: the same self-contained document ``kpibridge report`` writes.

The pack is computed once per data version (it runs the monitor and the evidence screens);
the open proposals are read from the app store on every request, since they change without
the data changing.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kpibridge.services.reviews.review_pack import ReviewPack, build_review_pack, refresh_proposals
from kpibridge.services.reviews.review_render import render_review_html
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


@router.get("/review", response_class=HTMLResponse)
def review_page(account: Viewer, context: Context, live: Live) -> Response:
    pack: ReviewPack = live.remember(("review-pack",), lambda ws: build_review_pack(ws, live.store))
    pack = refresh_proposals(pack, context.store)
    html = live.run(lambda ws: render_review_html(ws, pack, home="/"))
    return HTMLResponse(html)
