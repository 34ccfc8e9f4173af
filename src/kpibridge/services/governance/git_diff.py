"""What the working tree changes in KPI definitions and targets against a git revision, for
reviewing KPI changes in a pull request like code (``kpibridge diff REV``).

The workspace folder as it was at ``REV`` is read out of git (``git archive``) into a temporary
folder and loaded like any workspace; each KPI's mapping as written (targets included) is
compared with the working tree's, and the change is told in the words of a proposal
(:func:`~kpibridge.services.governance.proposal_diff.diff_words`).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from kpibridge.errors import GovernanceError, KpibridgeError, WorkspaceError
from kpibridge.model import KPI
from kpibridge.services.governance.impact import history_under
from kpibridge.services.governance.proposal_diff import diff_words
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.workspace.kpi_yaml import kpi_contents
from kpibridge.workspace.loader import load_definition


@dataclass(frozen=True)
class KpiChange:
    """One KPI added, removed or changed; ``words`` says how, a sentence per field."""

    kpi: str
    kind: str  # "added" | "removed" | "changed"
    words: tuple[str, ...]
    impact: tuple[date, float, float] | None = None
    """For a changed KPI whose warehouse answers: the latest period both definitions have a
    value for, the value under ``REV``'s definition and under the working tree's."""


_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


def git_diff(root: Path, revision: str) -> list[KpiChange]:
    """The KPI changes of the workspace at ``root`` (working tree) against ``revision``.

    Raises:
        GovernanceError: ``root`` is not in a git repository, or ``revision`` is unknown.
        WorkspaceError: the workspace, now or at ``revision``, has problems.
    """
    root = root.resolve()
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    relative = root.relative_to(top).as_posix() if root != top else "."
    archive = _git(top, "archive", "--format=tar", revision, "--", relative)
    with tempfile.TemporaryDirectory(prefix="kpibridge-diff-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        before = _contents(Path(folder) / relative, revision)
    after = _contents(root, "the working tree")
    changes = []
    for kpi in sorted(before.keys() | after.keys()):
        old, new = before.get(kpi), after.get(kpi)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        impact = _impact(root, kpi, old, new) if old is not None and new is not None else None
        changes.append(KpiChange(kpi, kind, tuple(diff_words(old, new)), impact))
    return changes


def _impact(
    root: Path, kpi_id: str, old: dict[str, Any], new: dict[str, Any]
) -> tuple[date, float, float] | None:
    """The impact preview's latest numbers, or None when the warehouse cannot answer (not
    reachable, a table missing, a definition it cannot compute)."""
    try:
        before_kpi, after_kpi = _KPI.validate_python(old), _KPI.validate_python(new)
        with Workspace.open(root) as ws:
            grain = after_kpi.review_every
            before = history_under(ws, kpi_id, before_kpi, grain)
            after = history_under(ws, kpi_id, after_kpi, grain)
    except (KpibridgeError, ValidationError):
        return None
    common = sorted(before.keys() & after.keys())
    if not common:
        return None
    period = common[-1]
    return period, before[period], after[period]


def _contents(root: Path, label: str) -> dict[str, dict[str, object]]:
    definition, issues = load_definition(root)
    if issues or definition is None:
        raise WorkspaceError(issues)
    return kpi_contents(definition)


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GovernanceError("kpibridge diff needs git, which is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise GovernanceError(f"git {' '.join(args[:2])} failed in {cwd}: {message}")
    return done.stdout
