"""Monitoring: status against target, trend, anomalies, change points, forecast, drivers.

Every function takes plain pandas Series indexed by period (a ``DatetimeIndex``) and returns
a frozen result with ``to_json()``; :func:`monitor` runs them all over many KPIs.
"""
