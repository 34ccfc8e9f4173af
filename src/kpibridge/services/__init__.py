"""What kpibridge does, one subpackage per capability, between the interfaces (``cli``, ``web``)
and the engines (``metrics``, ``align``, ``evidence``, ``voice``, ``report``, ``store``).

``metrics`` (define and compute KPIs) is at the bottom with ``accounts``; ``rounds``,
``monitoring``, ``voice``, ``warehouse`` and ``interop`` build on it and not on each other;
``governance`` builds on those; ``reviews`` and ``demo`` are on top. import-linter keeps it so
(pyproject.toml); docs/architecture.md draws the picture.
"""
