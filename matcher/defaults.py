"""Hearth's defaults for what a resident has not said: travel range, taste for new faces, group sizes.

Each default lives here once and only here. The store (candidates for a date, the match-graph
snapshot, the ranker's inputs), the matcher (group formation, the event ranker) and the command
line all import these names, so a resident who said nothing is treated the same everywhere.

Examples
--------
>>> TRAVEL_KM, PREFERS_NEW, GROUP_SIZE
(3.0, 0.75, (4, 8))
"""

from __future__ import annotations

__all__ = ["TRAVEL_KM", "PREFERS_NEW", "GROUP_SIZE"]

#: How far a resident who gave no distance will go to meet, in km: about a 40-minute walk or a
#: short bus ride, the scale of a neighbourhood. Matching uses it as the travel limit, the
#: snapshot as the reach of the member graph, and the event ranker as the distance at which the
#: distance signal halves.
TRAVEL_KM: float = 3.0

#: How much a resident who did not answer "familiar or new faces?" wants new faces, 0..1. It is
#: the questionnaire's "More new faces than familiar" (``store.profiles.taxonomy.NEW_FACES``):
#: Hearth exists to widen circles, so an unanswered question leans gently towards new people.
PREFERS_NEW: float = 0.75

#: The smallest and largest group formed for one date (both inclusive).
GROUP_SIZE: tuple[int, int] = (4, 8)
