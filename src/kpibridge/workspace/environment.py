"""``$VAR`` and ``${VAR}`` references in the workspace file, so secrets stay in the environment.

``kpibridge.yaml`` may write ``password: ${WAREHOUSE_PASSWORD}`` or
``app_store: postgresql://kpi:${APP_DB_PASSWORD}@db/kpi``; the references are replaced when the
workspace opens. ``$$`` stands for one ``$``; a ``$`` followed by neither a name nor ``{`` is
kept as written (passwords and URLs may contain one). A variable that is not set is an error
naming it — an empty string in its place would only fail later, far from the cause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kpibridge.errors import EnvironmentReferenceError

_REFERENCE = re.compile(r"\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\{))")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def references(text: str) -> list[str]:
    """The variable names ``text`` refers to, in order (``$$`` is not a reference)."""
    names = []
    for match in _REFERENCE.finditer(text):
        name = match.group(2) if match.group(2) is not None else match.group(3)
        if name:
            names.append(name)
    return names


def expand(text: str, environ: Mapping[str, str]) -> str:
    """``text`` with every ``$VAR``/``${VAR}`` replaced by its value in ``environ``.

    Raises:
        EnvironmentReferenceError: a variable is not set, or ``${`` is not closed or holds no name.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "$"
        if match.group(4):
            raise EnvironmentReferenceError("'${' is not closed: write ${NAME}")
        name = match.group(2) if match.group(2) is not None else match.group(3)
        if not _NAME.fullmatch(name):
            raise EnvironmentReferenceError(
                f"${{{name}}} is not a variable reference: a name is letters, digits and _"
            )
        if name not in environ:
            raise EnvironmentReferenceError(
                f"the environment variable {name} is not set (set it, or write the value "
                "itself; $$ stands for a literal $)",
                name,
            )
        return environ[name]

    return _REFERENCE.sub(replace, text)
