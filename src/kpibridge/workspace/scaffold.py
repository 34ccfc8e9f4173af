"""Create a new workspace from the template shipped with kpibridge (the KPI library)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from kpibridge.errors import KpibridgeError

TEMPLATE = "template"


def template_path() -> Path:
    return Path(str(resources.files("kpibridge.workspace").joinpath(TEMPLATE)))


def scaffold(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the template (settings, goals, stakeholders, models, KPI library) to ``target``.

    Refuses to overwrite existing workspace files unless ``force``; returns the files written.
    """
    source = template_path()
    files = sorted(p for p in source.rglob("*.yaml"))
    existing = [
        target / p.relative_to(source) for p in files if (target / p.relative_to(source)).exists()
    ]
    if existing and not force:
        raise KpibridgeError(
            f"{target} already holds workspace files ({existing[0].relative_to(target)} …); "
            "use --force to overwrite them"
        )
    written = []
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        written.append(destination)
    return written
