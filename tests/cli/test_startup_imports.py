"""The command line starts light (issue 20, item 6): importing ``kpibridge.cli.app`` (what
``kpibridge --help`` and every command pay first) loads no data or statistics library; each
command imports what it needs when it runs. Checked in a fresh interpreter, so that what
other tests imported does not hide an import."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "statsmodels", "sklearn", "ibis", "pandas", "numpy", "duckdb", "sqlalchemy")
"""Libraries that cost from a tenth of a second to seconds to import."""

PROBE = """
import json, sys
import {module}
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy!r}))
services = sorted(name for name in sys.modules if name.startswith(("kpibridge.services",
    "kpibridge.store", "kpibridge.evidence", "kpibridge.metrics", "kpibridge.voice")))
print(json.dumps({{"heavy": loaded, "kpibridge": services}}))
"""


def loaded_by(module: str) -> dict[str, list[str]]:
    probe = PROBE.format(module=module, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = loaded_by("kpibridge.cli.app")
    assert loaded == {"heavy": [], "kpibridge": []}


def test_the_probe_sees_a_heavy_import() -> None:
    """The check is not blind: a module that needs pandas shows up with it."""
    loaded = loaded_by("kpibridge.services.metrics.workspace")
    assert "pandas" in loaded["heavy"]
    assert "ibis" in loaded["heavy"]
    assert "kpibridge.services.metrics.workspace" in loaded["kpibridge"]


def test_the_python_api_still_offers_its_names() -> None:
    """``import kpibridge`` stays light, and ``kpibridge.Workspace`` still works."""
    assert loaded_by("kpibridge") == {"heavy": [], "kpibridge": []}
    import kpibridge
    from kpibridge.services.metrics.workspace import Workspace

    assert kpibridge.Workspace is Workspace
