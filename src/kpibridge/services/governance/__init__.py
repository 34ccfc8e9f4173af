"""Change KPIs only by the rules: versions with effective dates, proposals with impact previews
and decision rights, and every reader computing the KPIs as the versions define them."""
