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
from pathlib import Path

from kpibridge.errors import GovernanceError, WorkspaceError
from kpibridge.services.governance.proposal_diff import diff_words
from kpibridge.workspace.kpi_yaml import kpi_contents
from kpibridge.workspace.loader import load_definition


@dataclass(frozen=True)
class KpiChange:
    """One KPI added, removed or changed; ``words`` says how, a sentence per field."""

    kpi: str
    kind: str  # "added" | "removed" | "changed"
    words: tuple[str, ...]


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
        changes.append(KpiChange(kpi, kind, tuple(diff_words(old, new))))
    return changes


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
