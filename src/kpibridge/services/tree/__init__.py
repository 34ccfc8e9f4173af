"""The KPI tree: goals and KPIs, the identities between KPIs found from their definitions,
the drivers people claim, each claim tested against the data, and why a top KPI moved."""
