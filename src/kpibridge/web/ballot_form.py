"""The ballot page's form, read into a :class:`Ballot`.

One format serves the page with and without JavaScript: every candidate has a position
field (``position.ID``). Without JavaScript people type the positions (equal numbers are a
tie, an empty field leaves the candidate unranked); with JavaScript the list is reordered by
drag and drop or the keyboard and the script writes the positions. Scores are
``score.ID.CRITERION`` (1-5, empty for none), weights ``weight.CRITERION`` (empty: no weights),
the rationale ``rationale.ID``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from kpibridge.errors import KpibridgeError
from kpibridge.model.rounds import Ballot


def ballot_from_form(
    form: Mapping[str, str],
    participant: str,
    candidates: Sequence[str],
    criteria: Sequence[str],
) -> Ballot:
    """The ballot the form describes; KpibridgeError names every field that is not valid."""
    problems: list[str] = _unknown_fields(form, candidates, criteria)
    tiers: dict[float, list[str]] = defaultdict(list)
    for candidate in candidates:
        text = form.get(f"position.{candidate}", "").strip()
        if not text:
            continue
        position = _number(text, f"position of {candidate}", problems)
        if position is not None:
            tiers[position].append(candidate)
    scores: dict[str, dict[str, int]] = {}
    for candidate in candidates:
        for criterion in criteria:
            text = form.get(f"score.{candidate}.{criterion}", "").strip()
            if not text:
                continue
            mark = _number(text, f"score of {candidate} on {criterion}", problems)
            if mark is not None:
                if mark != int(mark) or not 1 <= mark <= 5:
                    problems.append(f"score of {candidate} on {criterion}: {text} is not 1-5")
                else:
                    scores.setdefault(candidate, {})[criterion] = int(mark)
    weights: dict[str, float] = {}
    for criterion in criteria:
        text = form.get(f"weight.{criterion}", "").strip()
        if text:
            weight = _number(text, f"weight of {criterion}", problems)
            if weight is not None:
                weights[criterion] = weight
    rationale = {
        candidate: form[f"rationale.{candidate}"].strip()
        for candidate in candidates
        if form.get(f"rationale.{candidate}", "").strip()
    }
    if problems:
        raise KpibridgeError("; ".join(problems))
    return Ballot(
        participant=participant,
        ranking=tuple(tuple(tiers[position]) for position in sorted(tiers)),
        scores=scores,
        criteria_weights=weights or None,
        rationale=rationale,
    )


def form_positions(ballot: Ballot | None, candidates: Sequence[str]) -> list[tuple[str, str]]:
    """(candidate, position text) in the order to show them: the ballot's ranking first,
    then the unranked candidates with an empty position."""
    if ballot is None:
        return [(candidate, "") for candidate in candidates]
    shown = []
    for place, tier in enumerate(ballot.ranking, start=1):
        shown += [(candidate, str(place)) for candidate in tier if candidate in candidates]
    listed = {candidate for candidate, _ in shown}
    return shown + [(candidate, "") for candidate in candidates if candidate not in listed]


def _unknown_fields(
    form: Mapping[str, str], candidates: Sequence[str], criteria: Sequence[str]
) -> list[str]:
    """Fields that name a candidate or criterion the round does not have (a stale page after
    a change, or a hand-made request): refused rather than dropped."""
    known = {f"{kind}.{c}" for kind in ("position", "rationale") for c in candidates}
    known |= {f"score.{c}.{k}" for c in candidates for k in criteria}
    known |= {f"weight.{k}" for k in criteria}
    return [
        f"{key}: no such candidate or criterion in this round"
        for key in form
        if key.split(".", 1)[0] in {"position", "rationale", "score", "weight"} and key not in known
    ]


def _number(text: str, what: str, problems: list[str]) -> float | None:
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{what}: {text!r} is not a number")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        problems.append(f"{what}: {text!r} is not a number")
        return None
    return value
