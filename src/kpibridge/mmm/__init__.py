"""The marketing mix model engine: weekly outcome against weekly spend per channel.

``inputs`` checks the data (before any sampling), ``fit`` builds and samples a PyMC-Marketing
model with nutpie, ``diagnostics`` decides whether its results may be shown, ``readout`` says
what it means (ROAS, marginal ROAS, carry-over, response curves) and ``optimise`` plans a
budget. PyMC-Marketing and nutpie (the ``mmm`` extra) are imported only inside the functions
that need them, so that importing this package — and starting the CLI — stays fast.
"""
