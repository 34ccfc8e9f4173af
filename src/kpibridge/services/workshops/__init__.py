"""Live workshops on a round (issue 14): sessions with a join code, guests and signed-in
participants, Pol.is-style statements and reactions, rankings with AHP comparisons, and the
figures the projector and each participant see."""
