"""YAML reading that remembers where every value came from (file and line).

ruamel.yaml's round-trip loader keeps line numbers on each mapping and sequence; ``Source``
turns a field path such as ``("targets", 0, "value")`` into the line it was written on, so that
every validation message can say ``kpis/cac.yaml:14: targets.0.value: …``.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from kpibridge.errors import Issue, YamlLimitError
from kpibridge.workspace.yaml_limits import load_yaml

FieldPath = Sequence[str | int]


@dataclass(frozen=True)
class Source:
    """One YAML node and the file it was read from."""

    file: str
    node: Any
    line: int = 1

    def line_of(self, path: FieldPath) -> int:
        """Line of the deepest part of ``path`` that exists in the YAML (1-based)."""
        node, line = self.node, self.line
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        return line

    def issue(self, path: FieldPath, message: str) -> Issue:
        return Issue(self.file, self.line_of(path), dotted(path), message)

    def child(self, key: str | int) -> Source:
        return Source(self.file, self.node[key], self.line_of([key]))


def dotted(path: FieldPath) -> str:
    return ".".join(str(part) for part in path)


_PARSED: OrderedDict[str, Any] = OrderedDict()
"""Parsed documents by their text (at most ``_PARSED_LIMIT``, least recently used dropped).

A server or a benchmark opens the same workspace again and again; the round-trip parser is
the largest fixed cost of opening it (about a tenth of a small scorecard). Keyed by the text
itself, so an edited file is always parsed again; callers get a deep copy, so nothing they do
to the nodes leaks into the next read."""
_PARSED_LIMIT = 1024


def _parse(text: str) -> Any:
    cached = _PARSED.get(text)
    if cached is None:
        cached = load_yaml(text)  # refuses alias bombs and deep nesting first
        _PARSED[text] = cached
        if len(_PARSED) > _PARSED_LIMIT:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(text)
    return copy.deepcopy(cached)


def read_yaml(path: Path, root: Path) -> tuple[Source | None, list[Issue]]:
    """Read one YAML file; a syntax error becomes an Issue at its line, never an exception."""
    relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Issue(relative, 0, "", f"cannot read the file: {error}")]
    try:
        data = _parse(text)
    except YamlLimitError as error:
        return None, [Issue(relative, error.line, "", f"YAML refused: {error.problem}")]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = error.problem or error.context or "invalid YAML"
        return None, [Issue(relative, line, "", f"YAML syntax error: {problem}")]
    return Source(relative, data if data is not None else CommentedMap()), []
