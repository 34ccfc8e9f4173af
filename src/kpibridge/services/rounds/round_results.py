"""Results of a stored round: the alignment engine's analysis of its live ballots, named or
anonymous.

Anonymous results are computed from a copy of the round in which every person is replaced
by a pseudonym made of their department and a number ("finance 1"), before the analysis
runs: no view of the result (dissent, groups, distances, rationale) can then name anyone.
The pseudonyms follow the order of the participant list, which the facilitator chose, not
the order of the ballots.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from kpibridge.align.analyze import analyze
from kpibridge.align.inputs import ParticipantInfo, RoundInput
from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.errors import KpibridgeError
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.round_records import StoredRound
from kpibridge.services.rounds.workspace_rounds import round_input


def stored_round_analysis(ws: Workspace, stored: StoredRound, *, anonymous: bool) -> RoundAnalysis:
    """The analysis of ``stored``'s live ballots; people renamed when ``anonymous``.

    Raises KpibridgeError when the round names KPIs or stakeholders that the workspace no
    longer defines (removed after the round was opened).
    """
    gone = [f"KPI {c!r}" for c in stored.round.candidates if c not in ws.kpis]
    gone += [f"stakeholder {p!r}" for p in stored.round.participants if p not in ws.stakeholders]
    if gone:
        raise KpibridgeError(
            f"round {stored.name!r} names what the workspace no longer defines: "
            f"{', '.join(gone)}; restore them in the workspace to see its results"
        )
    given = round_input(ws, stored.round)
    return analyze(anonymize(given) if anonymous else given)


def pseudonyms(participants: tuple[ParticipantInfo, ...]) -> dict[str, str]:
    """Person id → "ROLE N" (numbered within each role, in list order).

    >>> people = (ParticipantInfo("cfo", "Ann", "finance"), ParticipantInfo("cmo", "Bo",
    ...           "marketing"), ParticipantInfo("fp", "Cy", "finance"))
    >>> pseudonyms(people)
    {'cfo': 'finance 1', 'cmo': 'marketing 1', 'fp': 'finance 2'}
    """
    counts: Counter[str] = Counter()
    names = {}
    for person in participants:
        counts[person.role] += 1
        names[person.id] = f"{person.role} {counts[person.role]}"
    return names


def anonymize(given: RoundInput) -> RoundInput:
    """``given`` with every participant, ballot and proposer renamed by :func:`pseudonyms`."""
    alias = pseudonyms(given.participants)
    return replace(
        given,
        participants=tuple(
            replace(p, id=alias[p.id], name=alias[p.id]) for p in given.participants
        ),
        ballots=tuple(
            b.model_copy(update={"participant": alias.get(b.participant, "someone")})
            for b in given.ballots
        ),
        candidates=tuple(
            replace(c, proposed_by=alias.get(c.proposed_by, "a participant"))
            if c.proposed_by
            else c
            for c in given.candidates
        ),
    )
