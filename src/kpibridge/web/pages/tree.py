"""The KPI tree page: the tree drawn as a server-side SVG (no script), each box a link."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from kpibridge.errors import KpibridgeError
from kpibridge.services.tree.view import tree_view
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.tree_svg import NodeFigures, render_tree

router = APIRouter()


@router.get("/tree", response_class=HTMLResponse)
def tree_page(
    request: Request, account: Viewer, context: Context, live: Live, kpi: str | None = None
) -> Response:
    card = live.scorecard()
    try:
        view = live.remember(("tree", kpi), lambda ws: tree_view(ws, card, kpi))
    except KpibridgeError as error:
        raise HTTPException(404, str(error)) from None
    figures = {k: NodeFigures(v.text, v.status, v.history[-13:]) for k, v in view.values.items()}
    ws = live.workspace
    return context.templates.TemplateResponse(
        request,
        "tree.html",
        {
            "account": account,
            "kpi": kpi,
            "kpis": ws.live_kpis,
            # render_tree escapes every text it writes
            "svg": Markup(render_tree(view.root, view.edges, figures)),
            "edges": view.edges,
            "workspace_name": ws.settings.name,
        },
    )
