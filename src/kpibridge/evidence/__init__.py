"""Evidence and monitoring: statistics on KPI series that settle disputes without fooling
anyone (lead-lag with false-discovery control, trends, anomalies, drivers, forecasts, CLV).

Plain library on pandas Series: usable from a notebook, wired into the CLI by the services.
"""
