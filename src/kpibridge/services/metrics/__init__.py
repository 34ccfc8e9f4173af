"""Define and compute KPIs: open a workspace, compute and explain a KPI, build the scorecard and
the goal tree."""
