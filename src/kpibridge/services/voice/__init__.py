"""Customer voice as KPIs: NPS, sentiment and themes from surveys, reviews and social posts."""
