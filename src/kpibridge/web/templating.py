"""The Jinja2 environment: templates from the package, autoescaped, with number filters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from kpibridge.report.charts import STATUS_COLOURS
from kpibridge.report.formatting import format_change, format_difference, format_value

TEMPLATES = Path(__file__).with_name("templates")


def spec_json(spec: dict[str, Any]) -> Markup:
    """A spec for a ``<script type="application/json">`` block: ``<`` is escaped so that no
    value can close the script element."""
    text = json.dumps(spec, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def status_class(status: str) -> str:
    return "status-" + status.replace(" ", "-")


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters["value"] = format_value
    env.filters["change"] = format_change
    env.filters["difference"] = format_difference
    env.filters["spec_json"] = spec_json
    env.filters["status_class"] = status_class
    env.globals["STATUS_COLOURS"] = STATUS_COLOURS
    return templates
