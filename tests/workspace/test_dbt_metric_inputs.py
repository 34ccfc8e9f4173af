"""Filtered metric inputs in a dbt import: kept as filtered measures, each under its own name,
and nothing added for a metric that is not imported after all; settings the importer does not
know are noted, not dropped silently; a model whose measures each name their own time needs no
default time."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from kpibridge.workspace.dbt_import import DbtImport, read_dbt_project

PROJECT = """\
semantic_models:
  - name: accounts
    model: ref('accounts')
    defaults:
      agg_time_dimension: ds
    entities:
      - name: account
        type: primary
        expr: account_id
    dimensions:
      - name: ds
        type: time
        type_params:
          time_granularity: day
      - name: region
        type: categorical
    measures:
      - name: balance
        agg: sum
metrics:
  - name: balance
    type: simple
    type_params:
      measure: balance
  - name: west_balance
    type: simple
    type_params:
      measure: balance
    filter: "{{ Dimension('account__region') }} = 'west'"
  - name: west_to_east
    type: ratio
    type_params:
      numerator:
        name: balance
        filter: "{{ Dimension('account__region') }} = 'west'"
      denominator:
        name: balance
        filter: "{{ Dimension('account__region') }} = 'east'"
  - name: west_share_of_large
    type: ratio
    filter: "{{ Dimension('account__region') }} != 'north'"
    type_params:
      numerator: west_balance
      denominator: balance
  - name: half_of_missing
    type: derived
    type_params:
      expr: west / 2 + missing
      metrics:
        - name: balance
          alias: west
          filter: "{{ Dimension('account__region') }} = 'west'"
        - name: missing
"""


def _read(tmp_path: Path) -> tuple[DbtImport, dict[str, dict[str, Any]]]:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "metrics.yml").write_text(textwrap.dedent(PROJECT))
    read = read_dbt_project(tmp_path)
    return read, read.models["accounts"]["measures"]


def test_the_same_input_filtered_twice_gets_two_measures(tmp_path: Path) -> None:
    read, measures = _read(tmp_path)
    assert read.kpis["west_to_east"]["numerator"] == "accounts.balance_for_west_to_east"
    assert read.kpis["west_to_east"]["denominator"] == "accounts.balance_2_for_west_to_east"
    assert measures["balance_for_west_to_east"]["filter"] == "region = 'west'"
    assert measures["balance_2_for_west_to_east"]["filter"] == "region = 'east'"


def test_a_ratio_filter_on_a_filtered_simple_metric(tmp_path: Path) -> None:
    """MetricFlow applies a ratio's filter on top of its inputs' own filters."""
    read, measures = _read(tmp_path)
    kpi = read.kpis["west_share_of_large"]
    assert kpi["numerator"] == "accounts.west_balance_for_west_share_of_large"
    assert kpi["denominator"] == "accounts.balance"  # unfiltered: the measure itself
    assert kpi["filter"] == "region != 'north'"
    assert measures["west_balance_for_west_share_of_large"]["filter"] == "region = 'west'"


def test_nothing_is_added_for_a_metric_left_out(tmp_path: Path) -> None:
    read, measures = _read(tmp_path)
    assert "half_of_missing" not in read.kpis
    assert not any("half_of_missing" in name for name in measures)
    reasons = {gap.item: gap.reason for gap in read.unmapped}
    assert reasons["metric half_of_missing"] == "uses missing, not imported"


def test_settings_kpibridge_does_not_know_are_noted(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    extra = """\
      - name: noted
        type: simple
        meta: {owner: finance}
        owner_team: finance
        type_params:
          measure: balance
          future_option: 3
    """
    text = textwrap.dedent(PROJECT) + textwrap.indent(textwrap.dedent(extra), "  ")
    (tmp_path / "models" / "metrics.yml").write_text(text)
    read = read_dbt_project(tmp_path)
    assert read.kpis["noted"]["measure"] == "accounts.balance"
    notes = {gap.reason for gap in read.unmapped if gap.item == "metric noted"}
    assert notes == {  # meta is dbt metadata: not a gap
        "owner_team ignored: not a MetricFlow metric setting kpibridge knows",
        "type_params.future_option ignored: not a setting kpibridge knows",
    }


def test_a_model_without_default_time_whose_measures_each_name_one(tmp_path: Path) -> None:
    (tmp_path / "events.yml").write_text(
        textwrap.dedent("""\
        semantic_models:
          - name: events
            model: ref('events')
            dimensions:
              - {name: created_at, type: time, type_params: {time_granularity: day}}
              - {name: closed_at, type: time, type_params: {time_granularity: day}}
            measures:
              - {name: opened, agg: sum, expr: '1', agg_time_dimension: created_at}
              - {name: closed, agg: sum, expr: '1', agg_time_dimension: closed_at}
          - name: no_time
            model: ref('no_time')
            dimensions:
              - {name: created_at, type: time, type_params: {time_granularity: day}}
            measures:
              - {name: opened, agg: sum, expr: '1', agg_time_dimension: created_at}
              - {name: other, agg: sum, expr: '1'}
        """)
    )
    read = read_dbt_project(tmp_path)
    assert read.models["events"]["time"] == "created_at"
    assert read.models["events"]["measures"] == {
        "opened": {"agg": "count"},
        "closed": {"agg": "count", "time": "closed_at"},
    }
    reasons = {gap.item: gap.reason for gap in read.unmapped}
    assert "no usable defaults.agg_time_dimension (none)" in reasons["semantic model no_time"]


def test_a_derived_metrics_filter_applies_to_every_input(tmp_path: Path) -> None:
    """As in MetricFlow, whose derived-metric filter reaches each input metric."""
    (tmp_path / "models").mkdir()
    extra = """\
      - name: west_net
        type: derived
        filter: "{{ Dimension('account__region') }} = 'west'"
        type_params:
          expr: gross - 10 * west
          metrics:
            - name: balance
              alias: gross
            - name: west_balance
              alias: west
    """
    text = textwrap.dedent(PROJECT) + textwrap.indent(textwrap.dedent(extra), "  ")
    (tmp_path / "models" / "metrics.yml").write_text(text)
    read = read_dbt_project(tmp_path)
    measures = read.models["accounts"]["measures"]
    assert read.kpis["west_net"]["expr"] == (
        "accounts.gross_for_west_net - 10 * accounts.west_for_west_net"
    )
    assert measures["gross_for_west_net"]["filter"] == "region = 'west'"
    # west_balance's own filter and the derived metric's, both kept
    assert measures["west_for_west_net"]["filter"] == "(region = 'west') and (region = 'west')"


def test_names_defined_twice_are_reported(tmp_path: Path) -> None:
    model = """\
    semantic_models:
      - name: {name}
        model: ref('{name}')
        defaults: {{agg_time_dimension: ds}}
        dimensions: [{{name: ds, type: time, type_params: {{time_granularity: day}}}}]
        measures: [{{name: rows, agg: count, expr: '1'}}]
    """
    for file, name in (("a.yml", "first"), ("b.yml", "second"), ("c.yml", "first")):
        (tmp_path / file).write_text(textwrap.dedent(model.format(name=name)))
    (tmp_path / "m.yml").write_text(
        "metrics: [{name: rows, type: simple, type_params: {measure: rows}}]"
    )
    read = read_dbt_project(tmp_path)
    assert set(read.models) == {"first", "second"}
    assert read.models["second"]["measures"] == {"rows": {"agg": "count"}}
    assert read.kpis["rows"]["measure"] == "first.rows"
    gaps = {(gap.file, gap.item, gap.dropped): gap.reason for gap in read.unmapped}
    assert gaps == {
        ("c.yml", "semantic model first", True): "defined twice; the first definition was kept",
        ("b.yml", "semantic model second: measure rows", False): (
            "imported, but metrics naming rows read the first model's (first.rows): measure "
            "names must be unique"
        ),
    }
