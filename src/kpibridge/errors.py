"""One exception tree for everything a user can get wrong.

::

    KpibridgeError
    ├── WorkspaceError      one or more problems in workspace files (file:line: field: message)
    ├── FormulaError        a formula or filter that does not parse or names something unknown
    ├── UnknownNameError    a KPI, measure, dimension … that does not exist (with suggestions)
    ├── DefinitionError     a request the definitions cannot answer (cycle, dimension not shared …)
    ├── WarehouseError      the warehouse cannot be reached or lacks a table/column
    ├── LoadError           a file cannot be loaded into a table
    ├── AccountError        a user or API token that cannot be created or changed as asked
    ├── GovernanceError     a version, proposal, approval or audit request that cannot be done
    ├── WorkshopError       a live workshop request (not found 404, state 409, permission 403)
    └── RateLimitedError    too many requests in a short time (429, with retry_after)

Interfaces catch ``KpibridgeError`` and show its message; users never see a traceback for
their own mistake.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class KpibridgeError(Exception):
    """Base class of every error kpibridge raises on purpose."""


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a workspace, located at ``file:line`` and a dotted field path."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{location}: {self.field}: {self.message}"
            if self.field
            else (f"{location}: {self.message}")
        )


class WorkspaceError(KpibridgeError):
    """The workspace has one or more problems; ``issues`` holds every one of them."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the workspace:"
        super().__init__("\n".join([head, *(str(issue) for issue in self.issues)]))


class FormulaError(KpibridgeError):
    """A formula or filter is wrong at a known position.

    The message repeats the formula and marks the offending span with carets, so that
    ``revenue / / orders`` reads as::

        unexpected '/' at 1:11
          revenue / / orders
                    ^
    """

    def __init__(self, message: str, text: str, start: int, end: int | None = None) -> None:
        self.reason = message
        self.text = text
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start + 1, end if end is not None else self.start + 1)
        line = text.count("\n", 0, self.start) + 1
        line_start = text.rfind("\n", 0, self.start) + 1
        column = self.start - line_start + 1
        line_end = text.find("\n", self.start)
        source_line = text[line_start : line_end if line_end != -1 else len(text)]
        width = max(1, min(self.end, line_start + len(source_line)) - self.start)
        marker = " " * (column - 1) + "^" * width
        super().__init__(f"{message} at {line}:{column}\n  {source_line}\n  {marker}")
        self.line = line
        self.column = column


MAX_LISTED = 20
"""Valid names listed in full when nothing is close; more are cut with a count."""


class UnknownNameError(KpibridgeError):
    """A name that does not exist; the message suggests the closest valid names, or, when
    none is close, lists the valid ones (no dead end: the reader sees what to type)."""

    def __init__(
        self,
        kind: str,
        name: str,
        known: Iterable[str],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """``labels`` (name → what it is) are shown beside the listed names."""
        self.kind = kind
        self.name = name
        given = [str(item) for item in known]
        self.suggestions = tuple(closest_names(name, given))
        choices = sorted(set(given))
        if self.suggestions:
            hint = f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?"
        elif choices:
            labels = labels or {}
            listed = ", ".join(
                f"{c} ({labels[c]})" if labels.get(c) and labels[c] != c else c
                for c in choices[:MAX_LISTED]
            )
            more = f" … ({len(choices)} in all)" if len(choices) > MAX_LISTED else ""
            hint = f" Valid: {listed}{more}."
        else:
            hint = f" There is no {kind} yet."
        super().__init__(f"unknown {kind} {name!r}.{hint}")


class DefinitionError(KpibridgeError):
    """A KPI request that its definitions cannot answer (a cycle, a dimension not shared …)."""


class WarehouseError(KpibridgeError):
    """The warehouse cannot be reached, or a table or column it should hold is missing."""


class EnvironmentReferenceError(KpibridgeError, ValueError):
    """A ``$VAR``/``${VAR}`` reference names a variable that is not set, or is malformed."""

    def __init__(self, message: str, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


class LoadError(KpibridgeError):
    """A data file cannot be loaded (unreadable, or without the columns the model needs)."""


class YamlLimitError(KpibridgeError):
    """A YAML text refused before it is built (an alias bomb, nesting too deep), at a line."""

    def __init__(self, problem: str, line: int) -> None:
        self.problem = problem
        self.line = line
        super().__init__(f"line {line}: {problem}")


def closest_names(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to ``limit`` known names close to ``name`` (for "did you mean" hints)."""
    return difflib.get_close_matches(name, sorted(set(known)), n=limit, cutoff=0.6)


class AccountError(KpibridgeError):
    """A user or API token that cannot be created or changed as asked (duplicate name,
    unknown stakeholder or user, unknown role …)."""


class GovernanceError(KpibridgeError):
    """A governance request that cannot be done as asked: a proposal without the right to
    make it, an approval by someone without the decision right, a bad date, a broken chain …"""


class VoiceInputError(KpibridgeError):
    """A score or text that cannot be used, with the table, row and value that are wrong."""


class EvidenceInputError(KpibridgeError, ValueError):
    """A series cannot be analysed as given (missing values, gaps, too short, constant …)."""


class DisconnectedComparisonsError(KpibridgeError, ValueError):
    """The judged pairs leave some criteria unrelated to the others (no chain of judgments)."""


class UnmappableError(KpibridgeError):
    """Why a metric cannot be imported, and which key of it to point at."""

    def __init__(self, reason: str, key: str = "type_params") -> None:
        super().__init__(reason)
        self.key = key


class RoundStateError(KpibridgeError):
    """The round cannot take this change now (closed, adopted, past its deadline)."""


class QuorumError(RoundStateError):
    """The round's ballots do not allow adopting it: none at all, or fewer than its quorum
    without the facilitator's confirmation."""


class RoundPermissionError(KpibridgeError):
    """The caller is not someone who may do this in this round (not a participant …)."""


class ProposalPermissionError(GovernanceError):
    """The account may not do this to the proposal (a viewer, or no seat): 403 on the web."""


class ProposalStateError(GovernanceError):
    """The proposal's status does not allow this now (decided, sent back): 409 on the web."""


class ProposalNotFoundError(GovernanceError):
    """No proposal with this number: 404 on the web."""


class AccessSignal(Exception):  # noqa: N818 - a signal to the web layer, not a user error
    """Base of the web app's access signals. Not a :class:`KpibridgeError` on purpose: a page
    that shows any kpibridge error as a message (``except KpibridgeError``) must never swallow
    them — they become a redirect to the login page or a 403 in ``web/errors.py``."""


class NotAuthenticatedError(AccessSignal):
    """No valid session or token: people go to the login page, programs get 401."""


class ForbiddenError(AccessSignal):
    """Signed in, but the role does not allow this."""

    def __init__(self, message: str = "your role does not allow this") -> None:
        super().__init__(message)


class ModelInputError(KpibridgeError, ValueError):
    """Data a marketing mix model cannot be fitted on (said before any sampling starts)."""


class ModelDiagnosticsError(KpibridgeError):
    """A fitted marketing mix model whose diagnostics fail: its results are not shown."""


class ModelNotFittedError(KpibridgeError):
    """No fitted marketing mix model in the workspace yet."""


class BudgetConstraintError(KpibridgeError, ValueError):
    """Budget constraints that no plan can meet (said with the channel or total at fault)."""


class WorkshopError(KpibridgeError):
    """A live workshop request that cannot be done as asked (bad text, unknown statement)."""


class WorkshopNotFoundError(WorkshopError):
    """No workshop with this join code: 404 on the web."""


class WorkshopStateError(WorkshopError):
    """The workshop's phase or lock does not allow this now (locked, rejected statement,
    wrong phase): 409 on the web."""


class WorkshopPermissionError(WorkshopError):
    """Not a participant of this workshop, removed from it, or not its facilitator: 403."""


class RateLimitedError(KpibridgeError):
    """Too many requests in a short time; ``retry_after`` seconds until the next may go."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
