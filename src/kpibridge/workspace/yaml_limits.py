"""Refuse YAML that would take minutes or crash to read: alias bombs and deep nesting.

Aliases are shared on load, but whatever walks the result afterwards (validation, JSON
Schema, a diff) expands them: nine levels of nine aliases, 342 bytes, become 387 million
values. Deep nesting (5,000 ``[``) overflows the recursive composer. Both are caught here
on the event stream, before anything is built: the parser is iterative, so the check
stops at the first event past a limit, with its line. Every YAML reader of kpibridge goes
through :func:`load_yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)

from kpibridge.errors import Issue, WorkspaceError, YamlLimitError

MAX_DEPTH = 64
"""Nesting levels of mappings and sequences (workspace files use fewer than ten)."""
MAX_ALIASED_VALUES = 10_000
"""Values that aliases may add to a file, in total, when expanded."""


def check_limits(text: str) -> None:
    """Raise ``YamlLimitError`` at the first alias or nesting level past a limit."""
    sizes: dict[str, int] = {}
    open_sizes: list[list[Any]] = []  # per open collection: [anchor, values inside so far]
    added = 0
    for event in YAML(typ="rt", pure=True).parse(text):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, CollectionStartEvent):
            open_sizes.append([anchor, 1])
            if len(open_sizes) > MAX_DEPTH:
                raise YamlLimitError(
                    f"nested more than {MAX_DEPTH} levels deep; kpibridge refuses it",
                    event.start_mark.line + 1,
                )
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, size = open_sizes.pop()
        elif isinstance(event, ScalarEvent):
            size = 1
        elif isinstance(event, AliasEvent):
            size, anchor = sizes.get(str(event.anchor), 1), None
            added += size
            if added > MAX_ALIASED_VALUES:
                raise YamlLimitError(
                    f"aliases (*{event.anchor}) expand to more than {MAX_ALIASED_VALUES:,} "
                    "values; kpibridge refuses it (write the values out, or use fewer aliases)",
                    event.start_mark.line + 1,
                )
        else:
            continue
        if anchor:
            sizes[str(anchor)] = size
        if open_sizes:
            open_sizes[-1][1] += size


def load_yaml(text: str, typ: str = "rt", *, all_documents: bool = False) -> Any:
    """Check ``text`` against the limits, then load it (every document if asked)."""
    check_limits(text)
    yaml = YAML(typ=typ, pure=True)
    return list(yaml.load_all(text)) if all_documents else yaml.load(text)


def read_yaml_file(path: Path, where: str | None = None, typ: str = "rt") -> Any:
    """Load the YAML file ``path``; any problem (syntax, limits, encoding) becomes a
    :class:`WorkspaceError` at ``where:line`` (``where`` defaults to the path)."""
    where = where or str(path)
    try:
        return load_yaml(path.read_text(encoding="utf-8"), typ)
    except (OSError, UnicodeDecodeError) as error:
        raise WorkspaceError([Issue(where, 0, "", f"cannot read the file: {error}")]) from None
    except YamlLimitError as error:
        raise WorkspaceError(
            [Issue(where, error.line, "", f"YAML refused: {error.problem}")]
        ) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = error.problem or error.context or "invalid YAML"
        raise WorkspaceError([Issue(where, line, "", f"YAML syntax error: {problem}")]) from None
