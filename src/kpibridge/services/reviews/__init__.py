"""The review meeting: KPI reviews on their cadence and the review pack that prepares them."""
