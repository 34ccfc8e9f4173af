"""kpibridge — agree on marketing KPIs, compute them from your own data, and live by them.

The Python API for notebooks::

    import kpibridge
    ws = kpibridge.Workspace.open("path/to/workspace")
    ws.compute("cac", grain="month", by=["channel"], start="2025-01-01", end="2025-12-31")
"""

from kpibridge.errors import KpibridgeError, WorkspaceError
from kpibridge.services.metrics.explain import Explanation
from kpibridge.services.metrics.scorecard import Scorecard, ScorecardRow
from kpibridge.services.metrics.workspace import Workspace

__all__ = [
    "Explanation",
    "KpibridgeError",
    "Scorecard",
    "ScorecardRow",
    "Workspace",
    "WorkspaceError",
]
__version__ = "0.1.0"
