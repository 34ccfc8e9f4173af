"""kpibridge — agree on marketing KPIs, compute them from your own data, and live by them.

The Python API for notebooks::

    import kpibridge
    ws = kpibridge.Workspace.open("path/to/workspace")
    ws.compute("cac", grain="month", by=["channel"], start="2025-01-01", end="2025-12-31")

The names below load on first use (PEP 562), so that ``import kpibridge.cli.app`` and other
light entry points do not pay for pandas, Ibis and DuckDB before they need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kpibridge.errors import KpibridgeError, WorkspaceError

if TYPE_CHECKING:
    from kpibridge.services.metrics.explain import Explanation
    from kpibridge.services.metrics.scorecard import Scorecard, ScorecardRow
    from kpibridge.services.metrics.workspace import Workspace

_LAZY = {
    "Explanation": "kpibridge.services.metrics.explain",
    "Scorecard": "kpibridge.services.metrics.scorecard",
    "ScorecardRow": "kpibridge.services.metrics.scorecard",
    "Workspace": "kpibridge.services.metrics.workspace",
}

__all__ = [
    "Explanation",
    "KpibridgeError",
    "Scorecard",
    "ScorecardRow",
    "Workspace",
    "WorkspaceError",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load a public name of the API from its module the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kpibridge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
