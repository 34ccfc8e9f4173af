"""Presentation-ready artefacts built from results: charts as Vega-Lite specs (Altair)."""
