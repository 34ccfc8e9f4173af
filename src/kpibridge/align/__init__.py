"""Alignment rounds: from conflicting opinions to an explained consensus.

A plain library: ballots in, results out; no workspace, web or CLI knowledge.
"""
