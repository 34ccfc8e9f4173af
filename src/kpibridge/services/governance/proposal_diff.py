"""A proposal's change in words and as a YAML diff.

The words go field by field (``filter added: channel = 'paid'``; ``target for 2026: 50 →
60``); the YAML diff is a unified diff of the KPI's YAML before and after, targets
included.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML

from kpibridge.workspace.kpi_yaml import TARGETS


def diff_words(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[str]:
    """One sentence per changed field (``targets``: one per target period)."""
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [f"new KPI {new.get('id')!r} ({new.get('type')}): {_short(new.get('name'))}"]
    if new is None:
        return [f"retire KPI {old.get('id')!r}: off the scorecard, kept in history"]
    sentences = []
    for key in [*old, *(key for key in new if key not in old)]:
        if key == TARGETS:
            continue
        if key not in new:
            sentences.append(f"{key} removed (was {_short(old[key])})")
        elif key not in old:
            sentences.append(f"{key} added: {_short(new[key])}")
        elif old[key] != new[key]:
            sentences.append(f"{key}: {_short(old[key])} → {_short(new[key])}")
    sentences += _target_words(list(old.get(TARGETS) or []), list(new.get(TARGETS) or []))
    return sentences


def _target_words(old: list[Any], new: list[Any]) -> list[str]:
    before = {_period(target): target for target in old}
    after = {_period(target): target for target in new}
    words = []
    for period in [*before, *(period for period in after if period not in before)]:
        label = f"target for {period}" if period != "every period" else "standing target"
        if period not in after:
            words.append(f"{label} removed (was {_target(before[period])})")
        elif period not in before:
            words.append(f"{label} added: {_target(after[period])}")
        elif before[period] != after[period]:
            words.append(f"{label}: {_target(before[period])} → {_target(after[period])}")
    return words


def _period(target: Any) -> str:
    return (
        str(target.get("period"))
        if isinstance(target, dict) and target.get("period")
        else "every period"
    )


def _target(target: Any) -> str:
    if not isinstance(target, dict):
        return _short(target)
    bands = [f"{key} {target[key]}" for key in ("at_risk", "off_track") if key in target]
    return f"{target.get('value')}" + (f" ({', '.join(bands)})" if bands else "")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def diff_yaml(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, name: str) -> str:
    """Unified diff of the KPI's YAML (``a/kpis/NAME.yaml`` → ``b/kpis/NAME.yaml``)."""
    before = _yaml_text(old).splitlines(keepends=True)
    after = _yaml_text(new).splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(before, after, f"a/kpis/{name}.yaml", f"b/kpis/{name}.yaml")
    )


def _yaml_text(content: Mapping[str, Any] | None) -> str:
    if content is None:
        return ""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = io.StringIO()
    yaml.dump(dict(content), buffer)
    return buffer.getvalue()
