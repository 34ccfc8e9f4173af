"""Build the demo company's workspace: KPI library with targets, a round, data, README."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from kpibridge.demo.effects import PLANTED_EFFECTS
from kpibridge.demo.generate import generate
from kpibridge.demo.pulse import audience
from kpibridge.demo.warehouse import write_warehouse
from kpibridge.errors import KpibridgeError
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.customer_value import refresh_customer_value
from kpibridge.services.voice.scoring import score_voice, write_theme_kpis
from kpibridge.workspace.scaffold import scaffold

Progress = Callable[[str], None]

DEMO_TABLE_COUNT = 8


@dataclass(frozen=True)
class DemoWorkspace:
    root: Path
    rows: dict[str, int]


def overlay_path() -> Path:
    return Path(str(resources.files("kpibridge.workspace").joinpath("demo_overlay")))


def build_demo(
    directory: Path,
    *,
    seed: int = 7,
    scale: float = 1.0,
    progress: Progress | None = None,
) -> DemoWorkspace:
    """Create (or recreate) the demo workspace in ``directory``.

    The data is generated first, so a failure leaves an existing folder untouched.
    """
    report = progress or (lambda _message: None)
    try:
        tables = generate(seed=seed, scale=scale, progress=report)
    except ValueError as error:
        raise KpibridgeError(f"cannot build the demo: {error}") from None
    scaffold(directory, force=True)
    _add_targets(directory, scale)
    _add_claims(directory)
    overlay = overlay_path()
    shutil.copytree(overlay / "rounds", directory / "rounds", dirs_exist_ok=True)
    _add_audience(directory / "rounds" / "kpis-2027.yaml", seed)
    readme = (overlay / "README.md").read_text(encoding="utf-8")
    (directory / "README.md").write_text(
        readme + f"Generated with seed {seed} and scale {scale:g}.\n\n" + PLANTED_EFFECTS,
        encoding="utf-8",
    )
    shutil.copy(overlay / "voice.yaml", directory / "voice.yaml")
    write_theme_kpis(directory)
    report("writing the warehouse")
    write_warehouse(tables, directory / "data" / "warehouse.duckdb", progress=report)
    report("scoring customer voice")
    with Workspace.open(directory) as workspace:
        score_voice(workspace, seed=seed)
        report("fitting customer lifetime value (BG/NBD + Gamma-Gamma)")
        refresh_customer_value(workspace)
    return DemoWorkspace(directory, {name: table.num_rows for name, table in tables.items()})


def _add_targets(directory: Path, scale: float) -> None:
    """Write the demo's targets into the KPI files, keeping their comments."""
    yaml = YAML(typ="rt")
    targets: dict[str, Any] = yaml.load((overlay_path() / "targets.yaml").read_text())
    for kpi_id, spec in targets.items():
        path = directory / "kpis" / f"{kpi_id}.yaml"
        document = yaml.load(path.read_text(encoding="utf-8"))
        factor = scale if spec.get("per_volume") else 1.0
        document["targets"] = [
            {**dict(target), "value": round(float(target["value"]) * factor, 6)}
            for target in spec["targets"]
        ]
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)


def _add_claims(directory: Path) -> None:
    """Write the demo's claimed drivers (``drives:``) into the KPI files, keeping comments."""
    yaml = YAML(typ="rt")
    claims: dict[str, Any] = yaml.load((overlay_path() / "claims.yaml").read_text())
    for kpi_id, drives in claims.items():
        path = directory / "kpis" / f"{kpi_id}.yaml"
        document = yaml.load(path.read_text(encoding="utf-8"))
        document["drives"] = [dict(claim) for claim in drives]
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)


def _add_audience(path: Path, seed: int) -> None:
    """Add the staff pulse (audience reactions) to the demo round, keeping its comments."""
    yaml = YAML(typ="rt")
    document = yaml.load(path.read_text(encoding="utf-8"))
    candidates = [*document["candidates"], *(p["id"] for p in document.get("proposals", []))]
    pulse = audience(candidates, seed)
    document["audience"] = pulse.members
    document["ballots"].extend(pulse.ballots)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
