"""Alignment rounds stored in the app store: defining a round, ballots, results, closing and
adopting."""
