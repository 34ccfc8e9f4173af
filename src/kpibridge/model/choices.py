"""The enumerations a command line option offers, in a module that imports nothing heavy.

The ``kpibridge`` command builds every option from these when it starts, even for ``--help``;
kept apart from the pydantic models (which cost a few hundred milliseconds to build), and
re-exported by the modules that own them (``Grain`` by ``model.common``, the governance
choices by ``model.governance``), so there is one class of each.
"""

from __future__ import annotations

from enum import StrEnum

WORKSHOP_PHASES = ("brainstorm", "react", "rank", "results", "closed")
"""The phases a live workshop moves through, in order."""

VOICE_SOURCES = ("surveys", "reviews")
"""Where customer voice texts come from (``voice.yaml`` sources, ``voice themes --source``)."""


class Grain(StrEnum):
    """Time grains a KPI can be computed at; weeks are ISO weeks (Monday first)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ProposalStatus(StrEnum):
    OPEN = "open"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    COMMENT = "comment"


class Restatement(StrEnum):
    """What happens to periods before a new definition's effective date."""

    RESTATE = "restate"  # history is recomputed with the new definition
    AS_REPORTED = "as_reported"  # periods before the effective date keep the old definition


class ReviewDecision(StrEnum):
    """What a review meeting decided about a KPI."""

    KEEP = "keep"
    CHANGE_TARGET = "change_target"
    PROPOSE_CHANGE = "propose_change"
    RETIRE = "retire"


class LoadMode(StrEnum):
    """What ``kpibridge load`` does with rows whose key is already in the table."""

    APPEND = "append"
    UPSERT = "upsert"
