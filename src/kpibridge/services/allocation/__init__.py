"""Resource allocation: a marketing mix model on the workspace's own KPIs (issue 16).

``weekly`` gathers the outcome KPI, the spend per channel and the controls by week; ``stored``
keeps the fitted model in the workspace (replaced only when a new fit has completed);
``fitting``, ``results`` and ``planning`` fit it, read it out, and plan a budget with it.
"""
