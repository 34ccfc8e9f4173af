"""Turn a MetricFlow filter (SQL with Jinja references) into a kpibridge filter on one model.

MetricFlow filters name things through Jinja: ``{{ Dimension('booking__is_instant') }}``,
``{{ Entity('listing') }}``, ``{{ TimeDimension('metric_time', 'day') }}`` and
``{{ Metric('bookings', group_by=['listing']) }}``. The part before ``__`` (and any
``entity_path``) is the entity through which MetricFlow *joins* to the model holding the
dimension. kpibridge filters rows of the measure's own model and never joins, so a reference
maps only when it stays inside that model: the entity is the model's own primary entity and
the dimension is the model's. A reference that needs a join (``listing__is_lux_latest`` on
bookings), a metric used as a filter, or a time compared at a grain coarser than a day is
reported, never rewritten into something that would filter differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kpibridge.workspace.dbt_sql import sql_to_formula

_JINJA = re.compile(
    r"\{\{\s*(?P<kind>\w+)\s*\((?P<args>[^()]*)\)\s*(?P<methods>(?:\.\s*\w+\s*\([^()]*\)\s*)*)\}\}"
)
_QUOTED = re.compile(r"""['"]([^'"]*)['"]""")
_ENTITY_PATH = re.compile(r"entity_path\s*=\s*\[([^\]]*)\]")
_GRAIN_METHOD = re.compile(r"\.\s*grain\s*\(\s*['\"](\w+)['\"]\s*\)")
_GRAINS = {"day", "week", "month", "quarter", "year", "hour", "minute", "second"}
_GRAINS |= {"millisecond", "microsecond", "nanosecond"}
_DAY_OR_FINER = {"day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"}


@dataclass(frozen=True)
class ModelNames:
    """What a filter on one dbt semantic model may name without a join."""

    name: str
    own_entities: frozenset[str]
    """Primary, unique and natural entities, and ``primary_entity``: this model's own rows."""
    entity_columns: dict[str, str] = field(default_factory=dict)
    """Every entity with a plain column (foreign ones too), for ``Entity('x')``."""
    dimensions: frozenset[str] = frozenset()
    """Categorical dimensions kept in the kpibridge model (names usable in a filter)."""
    time_columns: dict[str, str] = field(default_factory=dict)
    """Time dimension name → column."""


def translate_filter(
    text: str | list[str], model: ModelNames, time_column: str
) -> tuple[str, list[str]]:
    """The kpibridge filter for ``text`` on ``model`` (the measure's time column being
    ``time_column``) and what in it is approximate; raises ``ValueError`` saying why it
    cannot be translated.

    A list of filters (MetricFlow allows one) is their conjunction.
    """
    if isinstance(text, list) and len(text) == 1:
        text = text[0]
    if isinstance(text, list):
        parts = [translate_filter(item, model, time_column) for item in text]
        joined = " and ".join(f"({formula})" for formula, _ in parts)
        return joined, [note for _, part_notes in parts for note in part_notes]
    problems: list[str] = []
    notes: list[str] = []

    def replace(match: re.Match[str]) -> str:
        try:
            column = _reference(match, model, time_column)
        except ValueError as error:
            problems.append(str(error))
            return "x"
        if match.group("kind") == "TimeDimension" or column in model.time_columns.values():
            notes.append(
                f"{match.group(0)} compares the time column {column} itself, not truncated "
                "to the day (the same for DATE columns)"
            )
        return column

    replaced = _JINJA.sub(replace, str(text))
    if problems:
        raise ValueError(problems[0])
    if "{{" in replaced or "{%" in replaced:
        raise ValueError(f"Jinja in {' '.join(str(text).split())!r} is not understood")
    formula = sql_to_formula(replaced)
    if formula is None:
        raise ValueError(f"{' '.join(replaced.split())!r} is not a kpibridge filter")
    return formula, notes


def _reference(match: re.Match[str], model: ModelNames, time_column: str) -> str:
    kind, arguments = match.group("kind"), match.group("args")
    written = match.group(0)
    if kind == "Metric":
        raise ValueError(f"{written}: a metric inside a filter is not supported")
    path = _ENTITY_PATH.search(arguments)
    entity_path = _QUOTED.findall(path.group(1)) if path else []
    quoted = _QUOTED.findall(arguments[: path.start()] if path else arguments)
    if not quoted:
        raise ValueError(f"{written}: no name given")
    name = quoted[0]
    if kind == "Entity":
        if entity_path or "__" in name:
            raise ValueError(f"{written}: an entity reached through a join is not supported")
        if name not in model.entity_columns:
            raise ValueError(f"{written}: model {model.name} has no entity {name!r} with a column")
        return model.entity_columns[name]
    if kind not in ("Dimension", "TimeDimension"):
        raise ValueError(f"{written}: {kind}(…) is not a MetricFlow filter reference")
    parts: list[str] = [*entity_path, *name.split("__")]
    grain = quoted[1] if kind == "TimeDimension" and len(quoted) > 1 else None
    time_names = {"metric_time", *model.time_columns}
    if len(parts) > 1 and parts[-1].lower() in _GRAINS and parts[-2] in time_names:
        grain, parts = parts[-1], parts[:-1]  # 'metric_time__month', 'booking__ds__day'
    entities, dimension = parts[:-1], parts[-1]
    method = _GRAIN_METHOD.search(match.group("methods"))
    grain = method.group(1) if method else grain
    if dimension == "metric_time" and not entities:
        return _time(written, time_column, grain)
    if len(entities) != 1:
        raise ValueError(f"{written}: a dimension reached through several joins is not supported")
    if entities[0] not in model.own_entities:
        raise ValueError(
            f"{written}: needs a join from model {model.name} through entity {entities[0]!r}; "
            "kpibridge does not join across models"
        )
    if dimension in model.time_columns:
        return _time(written, model.time_columns[dimension], grain)
    if dimension not in model.dimensions:
        raise ValueError(f"{written}: model {model.name} has no usable dimension {dimension!r}")
    return dimension


def _time(written: str, column: str, grain: str | None) -> str:
    if grain is not None and grain.lower() not in _DAY_OR_FINER:
        raise ValueError(
            f"{written}: a time compared at grain {grain!r} is not supported (filters compare "
            "the time column itself)"
        )
    return column
