"""Watch KPIs and settle disputes with data: trend, anomalies, forecasts, drivers of a change,
lead-lag evidence and customer value."""
