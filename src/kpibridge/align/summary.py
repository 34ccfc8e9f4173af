"""The one-minute summary of a round, in plain sentences a CMO can read, and the details below.

Every sentence is built from figures of the analysis; nothing here decides anything.

The summary is what fits one minute — at most :data:`SUMMARY_LINES` short lines, in this
order: whether the result stands (no ballots, below quorum), what is recommended (or why
nothing is), how solid it is, the main split, and who is left out. Everything else (the
constraints' reasons, the methods, each group, the criteria, each dissenter's words) goes to
the details, which readers find below it under their own heading.
"""

from __future__ import annotations

import math

from kpibridge.align.profile import join_names
from kpibridge.align.round_analysis import Groups, RoundAnalysis

MAX_DISSENT_LINES = 3
SUMMARY_LINES = 6
"""The quorum warning, recommendation, solidity, split, common ground, left out."""
MAX_NAMED = 3
"""People or KPIs named in one summary line before "and N more"."""


def summarize(analysis: RoundAnalysis) -> tuple[list[str], list[str]]:
    """(the one-minute summary, the details)."""
    return _headline(analysis), _details(analysis)


# ---------------------------------------------------------------------------- one minute


def _headline(analysis: RoundAnalysis) -> list[str]:
    names = analysis.names
    standing = analysis.standing
    warning = standing.sentence()
    if not standing.decides:
        return [line for line in (warning, _participation(analysis)) if line]
    lines = [warning] if warning else []
    selected = [names[c] for c in analysis.recommendation.selected]
    lines.append(f"Recommended ({len(selected)}): {join_names(selected)}. {_basis(analysis)}")
    lines.append(_solidity(analysis))
    split = _main_split(analysis)
    if split:
        lines.append(split)
    ground = _common_ground(analysis)
    if ground:
        lines.append(ground)
    lines.append(_left_out(analysis))
    return lines[:SUMMARY_LINES]


def _basis(analysis: RoundAnalysis) -> str:
    taking = analysis.participation
    if analysis.standing.basis == "reactions":
        return f"From the reactions of {taking.reactors} people (no one ranked)."
    text = f"From {len(taking.rankers)} of {len(taking.participants)} participants' rankings"
    if taking.reactors:
        text += f" and {taking.reactors} people's reactions"
    return text + "."


def _solidity(analysis: RoundAnalysis) -> str:
    rankers = len(analysis.participation.rankers)
    if analysis.standing.basis == "rankings" and rankers == 1:
        return "How solid: one ranking only — it is one person's view."
    parts = []
    agreement = analysis.agreement
    if agreement is not None and not math.isnan(agreement.kendall_w.w):
        w = agreement.kendall_w
        chance = "" if w.p_value < 0.05 else ", not clearly above chance"
        parts.append(f"{w.level} agreement (Kendall's W {w.w:.2f}{chance})")
    sensitive = analysis.sensitivity
    if sensitive is not None and sensitive.count is not None:
        ballots = "ballot" if sensitive.count == 1 else "ballots"
        parts.append(f"{sensitive.count} changed {ballots} would change the set")
    if not analysis.comparison.agree:
        parts.append("the voting methods differ on the top places")
    if not parts:
        return "How solid: every voting method picks the same set."
    return "How solid: " + "; ".join(parts) + "."


def _split_groups(analysis: RoundAnalysis) -> Groups | None:
    """The opinion groups worth a line: the first set of two or more groups where
    something sets a group apart (groups that differ on nothing are no split)."""
    for groups in analysis.groups:
        if groups.k > 1 and any(d.distinguishing for d in groups.descriptions):
            return groups
    return None


def _main_split(analysis: RoundAnalysis) -> str | None:
    names = analysis.names
    groups = _split_groups(analysis)
    if groups is not None:
        sizes = join_names([str(d.size) for d in groups.descriptions])
        mark = next(d.distinguishing[0].candidate for d in groups.descriptions if d.distinguishing)
        return (
            f"Main split: the {groups.source} form {groups.k} groups ({sizes} people), "
            f"apart most on {names.get(mark, mark)}."
        )
    contested = [c for c in analysis.contested if c.contested]
    if contested:
        return f"Main split: {contested[0].sentence}"
    if analysis.role_disagreements:
        top = analysis.role_disagreements[0]
        return (
            f"Main split: {names[top.candidate]} — {top.most} ranks it highest, {top.least} lowest."
        )
    return None


def _common_ground(analysis: RoundAnalysis) -> str | None:
    groups = _split_groups(analysis)
    if groups is None:
        return None
    common = [analysis.names.get(c, c) for c in groups.common_ground.common]
    if not common:
        return f"No KPI has the support of every group in the {groups.source}."
    return f"Every group in the {groups.source} supports {_some(common)}."


def _left_out(analysis: RoundAnalysis) -> str:
    losing = [d for d in analysis.dissent if d.left_out]
    if not losing:
        return "Left out: no one — every ranker's top choices are in the set."
    most = losing[0].distance
    worst = [d for d in losing if math.isclose(d.distance, most)]
    share = f"{len(worst[0].kept)} of their top {len(worst[0].wanted)} are in"
    return f"Left out most: {_some([d.participant for d in worst])} ({share})."


def _some(items: list[str]) -> str:
    if len(items) <= MAX_NAMED:
        return join_names(items)
    return ", ".join(items[:MAX_NAMED]) + f" and {len(items) - MAX_NAMED} more"


# ---------------------------------------------------------------------------- details


def _details(analysis: RoundAnalysis) -> list[str]:
    names = analysis.names
    if not analysis.standing.decides:  # the summary said all there is
        return []
    lines = [_participation(analysis)]
    lines += list(analysis.recommendation.reasons)
    primary = analysis.consensus["kemeny"]
    lines.append(
        f"Consensus (Kemeny-Young) ranks {names[primary.order[0]]} first. "
        + analysis.comparison.note
    )
    if analysis.sensitivity is not None:
        lines.append(analysis.sensitivity.sentence)
    if analysis.agreement is not None:
        lines.append(analysis.agreement.kendall_w.interpretation)
    contested = [c for c in analysis.contested if c.contested]
    if contested:
        lines.append("Most contested: " + contested[0].sentence)
    for groups in analysis.groups:
        lines.append(_groups(groups, names))
    if analysis.role_disagreements:
        top = analysis.role_disagreements[0]
        lines.append(
            f"Departments differ most on {names[top.candidate]}: {top.most} ranks it highest, "
            f"{top.least} lowest."
        )
    lines += _criteria(analysis)
    dissenting = [d for d in analysis.dissent if d.left_out][:MAX_DISSENT_LINES]
    for entry in dissenting:
        line = entry.sentence(names)
        reasons = [f"{names[c]}: “{text}”" for c, text in entry.rationale_left_out.items()]
        if reasons:
            line += " They wrote — " + "; ".join(reasons)
        lines.append(line)
    return lines


def _participation(analysis: RoundAnalysis) -> str:
    taking = analysis.participation
    parts = [f"{len(taking.rankers)} of {len(taking.participants)} participants ranked"]
    if taking.audience:
        parts.append(f"{taking.reactors} people reacted")
    if taking.missing:
        parts.append(f"no ballot from {join_names(list(taking.missing))}")
    return f"“{analysis.question}” — " + "; ".join(parts) + "."


def _groups(groups: Groups, names: dict[str, str]) -> str:
    who = "participants' rankings" if groups.source == "rankings" else "reactions"
    if groups.k <= 1:
        head = f"No distinct opinion groups in the {who}."
    else:
        strength = groups.separation.get("sentence") if groups.separation else None
        said = f" (separation {strength.rstrip('.')})" if strength else ""
        head = f"{groups.k} opinion groups in the {who}{said}. " + " ".join(
            d.sentence for d in groups.descriptions
        )
    alignment = groups.roles_alignment.get("sentence") if groups.k > 1 else None
    ground = groups.common_ground.sentence
    return " ".join(part for part in (head, alignment, ground) if part)


def _criteria(analysis: RoundAnalysis) -> list[str]:
    criteria = analysis.criteria
    if not criteria.participants:
        return []
    heaviest = max(criteria.weights, key=lambda c: criteria.weights[c])
    lines = [
        f"Criteria: {len(criteria.participants)} participants weighed them; "
        f"{heaviest.replace('_', ' ')} weighs most ({criteria.weights[heaviest]:.0%})."
    ]
    for person in criteria.inconsistent:
        if person.ahp is not None:
            lines.append(
                f"{person.participant}'s judgments are inconsistent: {person.ahp.explanation}"
            )
    return lines
