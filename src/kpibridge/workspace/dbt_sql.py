"""Turn the SQL of a dbt measure, dimension or filter into a kpibridge formula, where it can be.

MetricFlow's files hold SQL; kpibridge's formula language is a small, safe subset of it
(:mod:`kpibridge.metrics.formula`). Most SQL in real projects already is that subset —
``AND``, ``IS NOT NULL``, ``IN (…)``, ``COALESCE``, ``NULLIF`` — and the one common form that is
not, ``CASE WHEN … THEN … ELSE … END`` (all over MetricFlow's tutorial project), has an exact
twin, ``if(condition, then, else)``: a ``CASE`` without ``ELSE`` gives null, as in SQL; a
``CASE x WHEN v …`` compares ``x = v``; a branch equal to what follows it is dropped
(``if(c, x, x)`` is ``x``, even for a null ``c``), so an all-null CASE becomes ``null``.
Everything else (casts, ``::``, warehouse functions) is left untranslated, and the caller
reports it.
"""

from __future__ import annotations

import re

from kpibridge.errors import FormulaError
from kpibridge.metrics.formula import parse_formula

_TOKEN = re.compile(r"'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*|\s+|.", re.DOTALL)
_CLAUSES = ("when", "then", "else", "end")
"""Clause words of a CASE; an END at depth 0 cannot occur (the caller cut it off)."""


def sql_to_formula(sql: str) -> str | None:
    """The formula for ``sql``, or None when kpibridge's formula language cannot say it.

    >>> sql_to_formula("CASE WHEN kind = 'quick-buy' THEN amount ELSE 0 END")
    "if(kind = 'quick-buy', amount, 0)"
    >>> sql_to_formula("case status when 'a' then 1 when 'b' then 2 end")
    "if(status = 'a', 1, if(status = 'b', 2, null))"
    >>> sql_to_formula("amount::int") is None
    True
    """
    try:
        text = _translate(_TOKEN.findall(sql.strip()))
    except ValueError:
        return None
    text = " ".join(text.split())
    try:
        parse_formula(text)
    except FormulaError:
        return None
    return text


def _translate(tokens: list[str]) -> str:
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if tokens[index].lower() == "case":
            end = _matching_end(tokens, index)
            out.append(_case(tokens[index + 1 : end]))
            index = end + 1
        else:
            out.append(tokens[index])
            index += 1
    return "".join(out)


def _matching_end(tokens: list[str], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        word = tokens[index].lower()
        if word == "case":
            depth += 1
        elif word == "end":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("CASE without END")


def _case(tokens: list[str]) -> str:
    """``tokens`` between CASE and its END, as nested ``if(…)`` calls."""
    parts: list[tuple[str, list[str]]] = [("subject", [])]
    depth = 0
    for token in tokens:
        word = token.lower()
        if word == "case":
            depth += 1
        elif word == "end" and depth > 0:
            depth -= 1
        elif depth == 0 and word in _CLAUSES:
            parts.append((word, []))
            continue
        parts[-1][1].append(token)
    subject = _translate(parts[0][1]).strip()
    branches: list[tuple[str, str]] = []
    otherwise = "null"
    position = 1
    while position < len(parts):
        clause, body = parts[position]
        if clause == "when" and position + 1 < len(parts) and parts[position + 1][0] == "then":
            condition = _translate(body).strip()
            if subject:
                condition = f"{_grouped(subject)} = {_grouped(condition)}"
            branches.append((condition, _translate(parts[position + 1][1]).strip()))
            position += 2
        elif clause == "else" and position == len(parts) - 1:
            otherwise = _translate(body).strip()
            position += 1
        else:
            raise ValueError(f"unexpected {clause.upper()} in CASE")
    if not branches:
        raise ValueError("CASE without WHEN")
    result = otherwise
    for condition, value in reversed(branches):
        same = value == result or value.lower() == result.lower() == "null"
        if not same:  # if(c, x, x) is x, whatever c (null included)
            result = f"if({condition}, {value}, {result})"
    return result


def _grouped(text: str) -> str:
    return text if _TOKEN.fullmatch(text) else f"({text})"
