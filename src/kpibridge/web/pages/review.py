"""The review pack page: the same self-contained document ``kpibridge report`` writes.

The pack is computed once per data version (it runs the monitor and the evidence screens);
the open proposals are read from the app store on every request, since they change without
the data changing. Computing it takes up to a minute on a large workspace, so it is built in
the background (:mod:`kpibridge.web.background`): until it is ready the page answers 202 with
what is being built and how long it has taken, and refreshes itself every few seconds.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.services.reviews.review_pack import ReviewPack, build_review_pack, refresh_proposals
from kpibridge.services.reviews.review_render import render_review_html
from kpibridge.web.background import Builds
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()

PACK_KEY = ("review-pack",)
REFRESH_SECONDS = 3


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, account: Viewer, context: Context, live: Live) -> Response:
    pack = live.peek(PACK_KEY)
    if not isinstance(pack, ReviewPack):
        builds: Builds = request.app.state.builds
        build = builds.start(
            "review-pack",
            lambda: live.remember(PACK_KEY, lambda ws: build_review_pack(ws, live.store)),
        )
        if build.error is not None:
            raise build.error
        return context.templates.TemplateResponse(
            request,
            "building.html",
            {
                "account": account,
                "what": "the review pack",
                "doing": "the scorecard, the monitor and the evidence screens over every KPI",
                "seconds": build.seconds,
                "refresh": REFRESH_SECONDS,
            },
            status_code=202,
        )
    pack = refresh_proposals(pack, context.store)
    html = live.run(lambda ws: render_review_html(ws, pack, home="/"))
    return HTMLResponse(html)
