"""``kpibridge import dbt`` on MetricFlow's own test manifests (the metricflow 0.213.0 wheel's
``metricflow_semantics/test_helpers/semantic_manifest_yamls``), which exercise every metric
type and option MetricFlow has.

The expectations for ``simple_manifest`` were read by hand from its YAML (``metrics.yaml``,
``semantic_models/*.yaml``): which metric maps to which KPI and formula, and why each other
one does not. A second test walks every manifest folder with a plain YAML reader, apart from
the importer, and checks that every semantic model, measure, dimension, metric and saved query
in it is either imported or reported by name: nothing is dropped silently.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from metricflow_wheels import MANIFESTS, METRICFLOW_WHEEL, extract
from ruamel.yaml import YAML

from helpers import Table, write_workspace
from kpibridge.services.interop.dbt_import import import_dbt
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.workspace.dbt_import import DbtImport, read_dbt_project

# metrics.yaml and user_sm_source.yaml (create_metric: true measures become simple KPIs too)
IMPORTED = {
    "bookings", "average_booking_value", "instant_bookings", "booking_value",
    "max_booking_value", "min_booking_value", "instant_booking_value",
    "average_instant_booking_value", "booking_value_for_non_null_listing_id", "bookers",
    "booking_payments", "views", "listings", "lux_listings", "smallest_listing",
    "largest_listing", "identity_verifications", "revenue", "trailing_2_months_revenue",
    "every_two_days_bookers", "revenue_mtd", "booking_fees", "booking_fees_per_booker",
    "views_times_booking_value", "bookings_per_booker", "bookings_per_view",
    "bookings_per_listing", "bookings_per_dollar", "account_balance", "referred_bookings",
    "non_referred_bookings_pct", "booking_value_sub_instant", "booking_value_sub_instant_add_10",
    "instant_plus_non_referred_bookings_pct", "trailing_2_months_revenue_sub_10",
    "booking_value_per_view", "bookings_join_to_time_spine", "visit_buy_conversion_rate_7days",
    "visit_buy_conversions", "visit_buy_conversion_rate_with_monthly_conversion",
    "bookings_fill_nulls_with_0_without_time_spine", "bookings_fill_nulls_with_0",
    "instant_bookings_with_measure_filter", "bookings_join_to_time_spine_with_tiered_filters",
    "every_two_days_bookers_fill_nulls_with_0", "bookings_1_year_ago", "bookings_yoy",
    "derived_bookings_0", "derived_bookings_1",
    "twice_bookings_fill_nulls_with_0_without_time_spine", "nested_fill_nulls_without_time_spine",
    "visit_buy_conversion_rate_7days_fill_nulls_with_0", "derived_shared_alias_1a",
    "derived_shared_alias_1b", "derived_shared_alias_2", "trailing_7_days_bookings",
    "test_simple_derived_metric", "buys_null_filled",
    "new_users", "archived_users", "subdaily_join_to_time_spine_metric",
    "simple_subdaily_metric_default_day", "simple_subdaily_metric_default_hour",
    "archived_users_join_to_time_spine",
    # inputs filtered on their own model's dimensions: a filtered measure is added for them
    "instant_booking_fraction_of_max_value", "instant_booking_value_ratio",
    "double_counted_delayed_bookings", "bookings_per_lux_listing_derived",
    "visit_buy_conversion_rate_with_base_measure_filter",
    "visit_buy_conversion_rate_with_filter",  # a conversion's filter applies to its base
}  # fmt: skip
NOT_IMPORTED = {  # metric → (part of) the reason
    "revenue_all_time": "over all of time",
    "bookings_all_time": "over all of time",
    "booking_fees_last_week_per_booker_this_week": "offset_window '1 week'",
    "trailing_7_days_bookings_offset_1_week": "offset_window '1 week'",
    "bookings_growth_2_weeks": "offset_window '14 days'",
    "bookings_growth_2_weeks_fill_nulls_with_0": "offset_window '14 days'",
    "bookings_growth_2_weeks_fill_nulls_with_0_for_non_offset": "offset_window '14 days'",
    "bookings_5_day_lag": "offset_window '5 days'",
    "bookings_offset_once": "offset_window '5 days'",
    "every_2_days_bookers_2_days_ago": "offset_window '2 days'",
    "bookings_offset_twice": "offset_window '2 days'",
    "bookings_1_month_ago": "offset_window '1 month'",
    "bookings_mom": "offset_window '1 month'",
    "bookings_offset_alien_day": "offset_window '1 alien_day'",
    "bookings_offset_one_alien_day": "offset_window '1 alien_day'",
    "bookings_alien_day_over_alien_day": "offset_window '1 alien_day'",
    "subdaily_offset_window_metric": "offset_window '1 hour'",
    "bookings_all_time_at_start_of_month": "offset_to_grain 'month'",
    "bookings_growth_since_start_of_month": "offset_to_grain 'month'",
    "bookings_since_start_of_month": "offset_to_grain 'month'",
    "bookings_month_start_compared_to_1_month_prior": "offset_to_grain 'month'",
    "bookings_at_start_of_month": "offset_to_grain 'month'",
    "booking_fees_since_start_of_month": "offset_to_grain 'month'",
    "bookings_all_time_at_start_of_year": "offset_to_grain 'year'",
    "bookings_since_start_of_year": "offset_to_grain 'year'",
    "subdaily_offset_grain_to_date_metric": "offset_to_grain 'hour'",
    "subdaily_cumulative_window_metric": "window '3 hours' is not a kpibridge window",
    "subdaily_cumulative_grain_to_date_metric": "grain_to_date 'hour'",
    "lux_booking_fraction_of_max_value": (
        "{{ Dimension('listing__is_lux_latest') }}: needs a join from model bookings_source "
        "through entity 'listing'"
    ),
    "lux_booking_value_rate_expr": "needs a join from model bookings_source through entity",
    "instant_lux_booking_value_rate": (
        "input lux_booking_value_rate_expr 'lux_booking_value_rate_expr' is filtered (or "
        "filters the ratio), but is not a simple metric"
    ),
    "regional_starting_balance_ratios": "measure 'total_account_balance_first_day' was not",
    "trailing_2_months_revenue_with_filter": (
        "{{ Dimension('user__home_state_latest') }}: needs a join from model revenue through "
        "entity 'user'"
    ),
    "active_listings": "{{ Metric('bookings', ['listing']) }}: a metric inside a filter",
    "popular_listing_bookings_per_booker": "a metric inside a filter",
    "visit_buy_conversion_rate": "a conversion metric without a window",
    "visit_buy_conversion_rate_by_session": "constant_properties",
    "total_account_balance_first_day": "measure 'total_account_balance_first_day' was not",
    "current_account_balance_by_user": "measure 'current_account_balance_by_user' was not",
    "median_booking_value": "measure 'median_booking_value' was not imported",
    "booking_value_p99": "measure 'booking_value_p99' was not imported",
    "discrete_booking_value_p99": "was not imported",
    "approximate_continuous_booking_value_p99": "was not imported",
    "approximate_discrete_booking_value_p99": "was not imported",
}
APPROXIMATED = {  # imported, with a note on what differs
    "largest_listing": "time_granularity 'month'",
    "bookings_fill_nulls_with_0": "time_granularity 'week'",
    "simple_subdaily_metric_default_hour": "time_granularity 'hour'",
    "trailing_2_months_revenue": "period_agg 'average'",
    "revenue_mtd": "period_agg 'first' (the default)",
    "bookings_join_to_time_spine": "join_to_timespine ignored",
    "visit_buy_conversions": "fill_nulls_with ignored",
    "bookings_join_to_time_spine_with_tiered_filters": "compares the time column ds itself",
    "visit_buy_conversion_rate_7days": "credited to the closest base event before it",
    "instant_booking_value": "a period with rows but none passing the filter is 0 here",
    "instant_booking_value_ratio": (
        "exact: the filter 'is_instant' on input booking_value_with_is_instant_constraint is "
        "kept in a measure added to model bookings_source: "
        "booking_value_with_is_instant_constraint_for_instant_booking_value_ratio"
    ),
}
FILTERED_MEASURES = {  # measures added for filtered inputs: (model.measure) → (agg, expr, filter)
    "bookings_source.average_booking_value_for_instant_booking_fraction_of_max_value": (
        "avg",
        "booking_value",
        "is_instant",
    ),
    "bookings_source.booking_value_with_is_instant_constraint_for_instant_booking_value_ratio": (
        "sum",
        "booking_value",
        "is_instant",
    ),
    "bookings_source.delayed_bookings_for_double_counted_delayed_bookings": (
        "count",
        None,
        "NOT is_instant",
    ),
    "listings_latest.lux_listing_for_bookings_per_lux_listing_derived": (
        "count",
        None,
        "is_lux_latest",
    ),
    "visits_source.visits_for_visit_buy_conversion_rate_with_filter": (
        "count",
        None,
        "referrer_id = 'fb_ad_1'",
    ),
    "visits_source.visits_for_visit_buy_conversion_rate_with_base_measure_filter": (
        "count",
        None,
        "referrer_id = 'ref_id_01'",
    ),
}
MEASURES_NOT_IMPORTED = {
    "accounts_source: measure total_account_balance_first_day": "non_additive_dimension",
    "accounts_source: measure current_account_balance_by_user": "non_additive_dimension",
    "accounts_source: measure total_account_balance_first_day_of_month": "non_additive_dimension",
    "bookings_source: measure median_booking_value": "aggregation 'median'",
    "bookings_source: measure booking_value_p99": "aggregation 'percentile'",
    "bookings_source: measure discrete_booking_value_p99": "aggregation 'percentile'",
    "bookings_source: measure approximate_continuous_booking_value_p99": "aggregation 'percentile'",
    "bookings_source: measure approximate_discrete_booking_value_p99": "aggregation 'percentile'",
}
KPI_DEFINITIONS: dict[str, dict[str, Any]] = {  # selected KPIs, field by field
    "instant_bookings": {"type": "simple", "measure": "bookings_source.instant_bookings"},
    "instant_booking_value": {"measure": "bookings_source.booking_value", "filter": "is_instant"},
    "booking_value_for_non_null_listing_id": {"filter": "listing_id IS NOT NULL"},
    "lux_listings": {"measure": "listings_latest.listings", "filter": "is_lux_latest"},
    "instant_bookings_with_measure_filter": {
        "measure": "bookings_source.bookings",
        "filter": "(is_instant) and (listing_id IS NOT NULL)",  # measure's filter, metric's
    },
    "bookings_join_to_time_spine_with_tiered_filters": {
        "filter": "(ds >= '2020-01-02') and (ds <= '2020-01-02')"
    },
    "every_two_days_bookers": {
        "type": "cumulative",
        "measure": "bookings_source.bookers",
        "window": "2 days",
        "grain_to_date": None,
    },
    "trailing_2_months_revenue": {"measure": "revenue.txn_revenue", "window": "2 months"},
    "revenue_mtd": {"window": None, "grain_to_date": "month"},
    "booking_fees": {"type": "derived", "expr": "booking_value * 0.05"},
    "non_referred_bookings_pct": {"expr": "(bookings - referred_bookings) * 1.0 / bookings"},
    "instant_plus_non_referred_bookings_pct": {
        "expr": "non_referred_bookings_pct + (instant_bookings * 1.0 / bookings)"
    },
    "bookings_1_year_ago": {"expr": "year_ago(bookings)"},
    "bookings_yoy": {"expr": "(bookings - year_ago(bookings)) / NULLIF(year_ago(bookings), 0)"},
    "derived_shared_alias_2": {"expr": "instant_bookings + 10"},
    "test_simple_derived_metric": {
        "expr": "bookings + referred_bookings + instant_bookings + booking_value"
    },
    "trailing_2_months_revenue_sub_10": {"expr": "trailing_2_months_revenue - 10"},
    "bookings_per_view": {"type": "ratio", "numerator": "bookings", "denominator": "views"},
    "visit_buy_conversion_rate_7days": {
        "type": "conversion",
        "entity": "user",
        "base": "visits_source.visits",
        "conversion": "buys_source.buys",
        "window": "7 days",
        "calculation": "rate",
    },
    "visit_buy_conversions": {"calculation": "count"},
    "visit_buy_conversion_rate_with_monthly_conversion": {
        "conversion": "buys_source.buys_month",
        "window": "1 month",
    },
    "new_users": {"type": "simple", "measure": "users_ds_source.new_users"},
    "instant_booking_fraction_of_max_value": {
        "numerator": (
            "bookings_source.average_booking_value_for_instant_booking_fraction_of_max_value"
        ),
        "denominator": "max_booking_value",
    },
    "double_counted_delayed_bookings": {
        "expr": "bookings_source.delayed_bookings_for_double_counted_delayed_bookings * 2"
    },
    "bookings_per_lux_listing_derived": {
        "expr": (
            "bookings * 1.0 / "
            "NULLIF(listings_latest.lux_listing_for_bookings_per_lux_listing_derived, 0)"
        )
    },
    "visit_buy_conversion_rate_with_base_measure_filter": {
        "base": "visits_source.visits_for_visit_buy_conversion_rate_with_base_measure_filter",
        "conversion": "buys_source.buys",
    },
}
BOOKINGS_MEASURES = {  # bookings_source.yaml: (agg, expr, time) of the measures that map
    "bookings": ("count", None, None),
    "instant_bookings": ("sum", "if(is_instant, 1, 0)", None),  # sum_boolean
    "booking_value": ("sum", "booking_value", None),
    "max_booking_value": ("max", "booking_value", None),
    "min_booking_value": ("min", "booking_value", None),
    "bookers": ("count_distinct", "guest_id", None),
    "average_booking_value": ("avg", "booking_value", None),
    "booking_payments": ("sum", "booking_value", "paid_at"),
    "referred_bookings": ("count", "referrer_id", None),
}


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extract(METRICFLOW_WHEEL, MANIFESTS, tmp_path_factory.mktemp("manifests"))


def _gaps(read: DbtImport) -> dict[str, list[tuple[str, bool]]]:
    gaps: dict[str, list[tuple[str, bool]]] = {}
    for gap in read.unmapped:
        gaps.setdefault(gap.item, []).append((gap.reason, gap.dropped))
    return gaps


def test_simple_manifest_maps_as_read_by_hand(manifests: Path, tmp_path: Path) -> None:
    project = manifests / "simple_manifest"
    read = read_dbt_project(project)
    assert set(read.models) == {
        "accounts_source",
        "bookings_source",
        "buys_source",
        "id_verifications",
        "listings_latest",
        "revenue",
        "users_ds_source",
        "views_source",
        "visits_source",
    }
    assert set(read.kpis) == IMPORTED
    gaps = _gaps(read)
    for metric, reason in NOT_IMPORTED.items():
        reported = gaps[f"metric {metric}"]
        assert any(reason in r and d for r, d in reported), (metric, reported)
    dropped_metrics = {
        item.removeprefix("metric ")
        for item, reported in gaps.items()
        if item.startswith("metric ") and any(dropped for _, dropped in reported)
    }
    assert dropped_metrics == set(NOT_IMPORTED)
    for metric, note in APPROXIMATED.items():
        reported = gaps[f"metric {metric}"]
        assert any(note in r and not d for r, d in reported), (metric, reported)
    for measure, reason in MEASURES_NOT_IMPORTED.items():
        assert any(reason in r and d for r, d in gaps[f"semantic model {measure}"]), measure
    for model in ("companies", "lux_listing_mapping", "users_latest"):
        assert any("without measures" in r for r, _ in gaps[f"semantic model {model}"]), model
    for name in ("p0_booking", "p0_booking_with_order_by_and_limit", "dimensions_only"):
        assert gaps[f"saved query {name}"] == [
            (
                "saved queries (stored query presets) have no kpibridge equivalent; the metrics "
                "they use are imported as KPIs",
                True,
            )
        ]
    assert "project configuration: time spine mf_time_spine_nanosecond" in gaps
    # project_configuration.yaml: the day spine declares custom_granularities: [alien_day]
    assert (
        "custom granularities (alien_day)"
        in gaps["project configuration: time spine mf_time_spine"][0][0]
    )

    root = write_workspace(tmp_path / "ws")
    import_dbt(root, project)  # the written files pass the workspace's static checks
    with Workspace.open(root) as ws:
        for kpi_id, expected in KPI_DEFINITIONS.items():
            kpi = ws.kpis[kpi_id].model_dump(mode="json")
            assert {key: kpi.get(key) for key in expected} == expected, kpi_id
        for qualified, expected_measure in FILTERED_MEASURES.items():
            model, _, name = qualified.partition(".")
            added = ws.models[model].measures[name]
            assert (added.agg.value, added.expr, added.filter) == expected_measure, qualified
        bookings = ws.models["bookings_source"]
        listings = ws.models["listings_latest"]
        buys = ws.models["buys_source"]
        users = ws.models["users_ds_source"]
    assert (bookings.table, bookings.time) == ("fct_bookings", "ds")  # node_relation.alias
    assert bookings.entities == {"listing": "listing_id", "guest": "guest_id", "host": "host_id"}
    assert [d.name for d in bookings.dimensions] == ["is_instant"]
    own = {n: (m.agg.value, m.expr, m.time) for n, m in bookings.measures.items() if not m.filter}
    assert own == BOOKINGS_MEASURES
    # listings_latest.yaml: time dimension ds has `expr: created_at`
    assert (listings.table, listings.time) == ("dim_listings_latest", "created_at")
    assert {d.name: d.expr for d in listings.dimensions} == {
        "country_latest": "country",
        "is_lux_latest": "is_lux",
        "capacity_latest": "capacity",
    }
    assert buys.measures["buys_month"].time == "ds_month"  # measure agg_time_dimension
    assert users.time == "created_at"
    assert users.measures["archived_users"].time == "archived_at"


def test_other_manifests_by_hand(manifests: Path) -> None:
    extended = read_dbt_project(manifests / "extended_date_manifest")
    assert set(extended.kpis) == {
        "bookings",
        "bookings_monthly",  # create_metric: true
        "unique_listings_booked",
        "weekly_bookers",
        "trailing_3_months_bookings",
        "monthly_bookings_to_daily_bookings",
    }
    assert extended.kpis["trailing_3_months_bookings"]["window"] == "3 month"
    assert extended.kpis["monthly_bookings_to_daily_bookings"]["denominator"] == "bookings_monthly"
    assert any(
        "offset_window '1 month'" in gap.reason
        for gap in extended.unmapped
        if gap.item == "metric bookings_last_month"
    )
    derived = read_dbt_project(manifests / "derived_metrics_manifest")
    assert derived.kpis["metric_level_1_index_0"]["expr"] == (
        "metric_level_0_index_0 + metric_level_0_index_1"
    )
    scd = read_dbt_project(manifests / "scd_manifest")
    assert set(scd.kpis) == {"bookings"}  # SIMPLE, upper case
    reasons = {gap.item: gap.reason for gap in scd.unmapped}
    assert "through entity 'listing'" in reasons["metric family_bookings"]
    assert "through entity 'listing'" in reasons["metric potentially_lux_bookings"]


def _walk(project: Path) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Every name in the project, and each time dimension's column (``model.dimension`` →
    its ``expr`` or name), read with a plain YAML reader (not the importer's code)."""
    found: dict[str, set[str]] = {
        kind: set() for kind in ("model", "measure", "dimension", "metric", "saved query")
    }
    columns: dict[str, str] = {}
    for file in sorted([*project.rglob("*.yml"), *project.rglob("*.yaml")]):
        try:
            documents = list(YAML(typ="safe", pure=True).load_all(file.read_text()))
        except Exception:
            found.setdefault("unreadable", set()).add(file.relative_to(project).as_posix())
            continue
        for document in documents:
            if not isinstance(document, dict):
                continue
            models = list(document.get("semantic_models") or [])
            models += [document["semantic_model"]] if "semantic_model" in document else []
            for model in models:
                found["model"].add(model["name"])
                found["measure"] |= {
                    f"{model['name']}.{m['name']}" for m in model.get("measures") or []
                }
                for dimension in model.get("dimensions") or []:
                    qualified = f"{model['name']}.{dimension['name']}"
                    found["dimension"].add(qualified)
                    if dimension.get("type") == "time":
                        columns[qualified] = str(dimension.get("expr") or dimension["name"])
            metrics = list(document.get("metrics") or [])
            metrics += [document["metric"]] if "metric" in document else []
            found["metric"] |= {metric["name"] for metric in metrics}
            queries = list(document.get("saved_queries") or [])
            queries += [document["saved_query"]] if "saved_query" in document else []
            found["saved query"] |= {query["name"] for query in queries}
    return found, columns


FOLDERS = (
    "simple_manifest",
    "extended_date_manifest",
    "scd_manifest",
    "derived_metrics_manifest",
    "ambiguous_resolution_manifest",
    "multi_hop_join_manifest",
    "partitioned_multi_hop_join_manifest",
    "simple_multi_hop_join_manifest",
    "name_edge_case_manifest",
    "join_types_manifest",
    "cyclic_join_manifest",
    "non_sm_manifest",
    "data_warehouse_validation_manifest",
    "config_linter_manifest",
    "sg_00_minimal_manifest",
    "sg_02_single_join",
    "sg_05_derived_metric",
)


@pytest.mark.parametrize("folder", FOLDERS)
def test_nothing_is_dropped_silently(manifests: Path, folder: str) -> None:
    project = manifests / folder
    names, time_columns = _walk(project)
    read = read_dbt_project(project)
    dropped = {gap.item for gap in read.unmapped if gap.dropped}
    files = {gap.file for gap in read.unmapped if gap.item == "file"}
    assert names.get("unreadable", set()) == files
    for model in names["model"]:
        assert model in read.models or f"semantic model {model}" in dropped, model
    for qualified in names["measure"]:
        model, _, measure = qualified.partition(".")
        if model in read.models:
            assert (
                measure in read.models[model]["measures"]
                or f"semantic model {model}: measure {measure}" in dropped
            ), qualified
    for qualified in names["dimension"]:
        model, _, dimension = qualified.partition(".")
        if model in read.models:
            content = read.models[model]
            times = {content["time"], *(m.get("time") for m in content["measures"].values())}
            assert (
                dimension in {d["name"] for d in content["dimensions"]}
                or f"semantic model {model}: dimension {dimension}" in dropped
                or f"semantic model {model}: time dimension {dimension}" in dropped
                or time_columns.get(qualified) in times  # the model's or a measure's time
            ), qualified
    for metric in names["metric"]:
        assert metric in read.kpis or f"metric {metric}" in dropped, metric
    for query in names["saved query"]:
        assert f"saved query {query}" in dropped, query
    # and nothing is reported that is not there
    assert {item for item in dropped if item.startswith("metric ")} <= {
        f"metric {metric}" for metric in names["metric"]
    }


FCT_BOOKINGS = Table(
    "ds DATE, paid_at DATE, is_instant BOOLEAN, booking_value DOUBLE, guest_id INTEGER, "
    "listing_id INTEGER, host_id INTEGER, referrer_id VARCHAR",
    [
        ("2020-01-02", "2020-01-03", True, 100.0, 1, 10, 20, "r1"),
        ("2020-01-05", "2020-01-06", False, 50.0, 2, 11, 20, None),
        ("2020-01-20", "2020-01-25", True, 30.0, 1, 10, 21, None),
        ("2020-02-03", "2020-02-03", False, 80.0, 3, 12, 22, "r2"),
        ("2020-02-10", "2020-02-11", False, 20.0, 2, 11, 20, None),
    ],
)
FCT_VISITS = Table(
    "ds DATE, user_id INTEGER, session_id INTEGER, referrer_id VARCHAR",
    [
        ("2020-01-01", 1, 1, "ref_id_01"),
        ("2020-01-03", 2, 2, "ref_id_02"),
        ("2020-01-10", 3, 3, "ref_id_01"),
        ("2020-02-01", 1, 4, "ref_id_01"),
        ("2020-02-02", 4, 5, "ref_id_01"),
        ("2020-02-03", 5, 6, "ref_id_01"),
    ],
)
FCT_BUYS = Table(
    "ds DATE, ds_month DATE, user_id INTEGER, session_id INTEGER",
    [
        ("2020-01-04", "2020-01-01", 1, 1),  # user 1 buys 3 days after visiting
        ("2020-01-05", "2020-01-01", 2, 2),  # user 2 (referrer ref_id_02) 2 days after
        ("2020-01-25", "2020-01-01", 3, 3),  # user 3 15 days after: outside 7 days
        ("2020-02-05", "2020-02-01", 4, 5),  # user 4 3 days after
    ],
)
MANIFEST_SQL = {  # hand-written from simple_manifest's YAML, one query per KPI
    "instant_booking_value_ratio": (
        # a month with bookings but no instant ones has 0 (kpibridge: an empty sum is 0)
        "SELECT date_trunc('month', ds)::DATE, coalesce(sum(booking_value) FILTER (WHERE "
        "is_instant), 0) / sum(booking_value) FROM fct_bookings GROUP BY 1"
    ),
    "double_counted_delayed_bookings": (
        "SELECT date_trunc('month', ds)::DATE, 2 * count(*) FILTER (WHERE NOT is_instant) "
        "FROM fct_bookings GROUP BY 1"
    ),
    "booking_payments": (  # agg_time_dimension: paid_at
        "SELECT date_trunc('month', paid_at)::DATE, sum(booking_value) FROM fct_bookings GROUP BY 1"
    ),
    "visit_buy_conversion_rate_with_base_measure_filter": (
        "SELECT date_trunc('month', v.ds)::DATE, avg(CASE WHEN EXISTS (SELECT 1 FROM fct_buys b "
        "WHERE b.user_id = v.user_id AND b.ds >= v.ds AND b.ds <= v.ds + INTERVAL 7 DAY) "
        "THEN 1 ELSE 0 END) FROM fct_visits v WHERE v.referrer_id = 'ref_id_01' GROUP BY 1"
    ),
    "visit_buy_conversion_rate_7days": (
        "SELECT date_trunc('month', v.ds)::DATE, avg(CASE WHEN EXISTS (SELECT 1 FROM fct_buys b "
        "WHERE b.user_id = v.user_id AND b.ds >= v.ds AND b.ds <= v.ds + INTERVAL 7 DAY) "
        "THEN 1 ELSE 0 END) FROM fct_visits v GROUP BY 1"
    ),
}
# In these rows each user has at most one visit and one buy per 7 days, where kpibridge's
# counting (base events converted) and MetricFlow's (conversions credited to the closest visit)
# agree.
MANIFEST_BY_HAND = {  # the same, worked out from the rows above
    "instant_booking_value_ratio": {date(2020, 1, 1): 130 / 180, date(2020, 2, 1): 0.0},
    "double_counted_delayed_bookings": {date(2020, 1, 1): 2, date(2020, 2, 1): 4},
    "visit_buy_conversion_rate_with_base_measure_filter": {
        date(2020, 1, 1): 1 / 2,  # users 1 and 3 visit via ref_id_01; user 1 converts
        date(2020, 2, 1): 1 / 3,  # users 1, 4, 5; only user 4 converts
    },
    "visit_buy_conversion_rate_7days": {date(2020, 1, 1): 2 / 3, date(2020, 2, 1): 1 / 3},
}


def test_filtered_inputs_compute_what_hand_written_sql_says(
    manifests: Path, tmp_path: Path
) -> None:
    tables = {"fct_bookings": FCT_BOOKINGS, "fct_visits": FCT_VISITS, "fct_buys": FCT_BUYS}
    root = write_workspace(tmp_path / "ws", tables=tables)
    import_dbt(root, manifests / "simple_manifest")
    with Workspace.open(root) as ws:
        computed = {
            kpi: {
                period.date(): float(value)
                for period, value in ws.compute(kpi, grain="month")[["period", "value"]].itertuples(
                    index=False
                )
            }
            for kpi in MANIFEST_SQL
        }
    connection = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    try:
        expected = {
            kpi: {period: float(value) for period, value in connection.execute(sql).fetchall()}
            for kpi, sql in MANIFEST_SQL.items()
        }
    finally:
        connection.close()
    for kpi, by_hand in MANIFEST_BY_HAND.items():
        assert expected[kpi] == pytest.approx(by_hand), kpi
    for kpi, values in expected.items():
        assert computed[kpi] == pytest.approx(values), kpi
