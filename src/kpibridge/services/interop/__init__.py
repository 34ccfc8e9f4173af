"""Exchange with other semantic layers: importing dbt/MetricFlow projects."""
