"""Customer lifetime value (placeholder docstring; completed below)."""
